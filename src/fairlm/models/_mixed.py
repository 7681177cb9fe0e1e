"""Scoring a half-precision model: matrix products in its dtype, everything else in float32.

A bfloat16 model run as loaded keeps its residual stream (the running sum of every
layer's output), its norms, rotary embeddings and attention in bfloat16, with 8 bits of
mantissa. On SmolLM2-135M's full CrowS-Pairs run that moved a pair's log-likelihood
difference by 0.16 nats at the median and by up to 7.9 nats against float32, and
flipped 2.59% of the verdicts.

Inside :func:`float32_between_products`, every ``nn.Linear`` under the module casts its
input to its weight's dtype, multiplies (float32 accumulation; through oneDNN with the
weight reordered once when ``pack``) and hands its output back in float32, while every
other half-precision parameter (embeddings, norm weights) is float32 for the duration.
Only the rounding of the products' inputs and outputs remains: 0.066 nats at the median,
at most 2.3, and 99.34% of the verdicts agreeing with float32 (vocabulary projection in
float32; see the engine for its bfloat16 one), for 10-14% more time than
the bfloat16 model as loaded. It is close to a float32 model under ``torch.autocast``,
except that the weights are stored (and reordered) once in half precision instead of
cast at every call, and attention runs in float32. Layers that are not ``nn.Linear``
(GPT-2's ``Conv1D``) run in float32.

The model is restored on exit: parameters get their own tensors back and the layers
their own ``forward``.
"""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Iterator

import torch

from fairlm.models import _onednn

__all__ = ["HALF_DTYPES", "float32_between_products"]

HALF_DTYPES = (torch.bfloat16, torch.float16)


class _LastCast:
    """The last input cast to half precision: q/k/v (and gate/up) read the same input.

    The cast is reused when the same tensor object comes again, unchanged: the cache
    holds a reference to it, so its identity cannot pass to another tensor, and checks
    its version counter where it has one (inference tensors have none; the layers this
    serves read their input without writing to it in between).
    """

    def __init__(self) -> None:
        self.source: torch.Tensor | None = None
        self.version: int | None = None
        self.cast: torch.Tensor | None = None

    def __call__(self, x: torch.Tensor, dtype: torch.dtype) -> torch.Tensor:
        if x.dtype == dtype:
            return x
        version = None if x.is_inference() else x._version
        if (
            self.source is x
            and self.version == version
            and self.cast is not None
            and self.cast.dtype == dtype
        ):
            return self.cast
        self.source, self.version, self.cast = x, version, x.to(dtype)
        return self.cast


def _half_linear(
    x: torch.Tensor,
    *,
    weight: torch.Tensor,
    bias: torch.Tensor | None,
    dtype: torch.dtype,
    packed: bool,
    cast: _LastCast,
) -> torch.Tensor:
    h = cast(x, dtype)
    if packed:
        return _onednn.linear(h, weight, bias).float()
    return torch.nn.functional.linear(h, weight, bias).float()


@contextlib.contextmanager
def float32_between_products(
    root: torch.nn.Module, *, pack: bool, rows_hint: int = 768
) -> Iterator[int]:
    """Within the block, ``root`` computes in float32 except its ``nn.Linear`` products.

    Yields the number of linear layers kept in half precision. ``pack`` reorders their
    weights for oneDNN (CPU, worth it for big jobs only; see :mod:`._onednn`).
    """
    cast = _LastCast()
    swapped: list[torch.nn.Module] = []
    widened: dict[int, tuple[torch.Tensor, torch.Tensor]] = {}  # id -> (tensor, own data)
    try:
        with torch.no_grad():
            for module in root.modules():
                if _is_half_linear(module):
                    weight = _onednn.pack(module.weight, rows_hint) if pack else None
                    bias = None if module.bias is None else module.bias.detach()
                    module.forward = functools.partial(
                        _half_linear,
                        weight=module.weight.detach() if weight is None else weight,
                        bias=bias,
                        dtype=module.weight.dtype,
                        packed=weight is not None,
                        cast=cast,
                    )
                    swapped.append(module)
                    continue
                # everything else, tied weights once (a Linear left alone included)
                own = [*module.parameters(recurse=False), *module.buffers(recurse=False)]
                for t in own:
                    if t.dtype in HALF_DTYPES and id(t) not in widened:
                        widened[id(t)] = (t, t.data)
                        t.data = t.data.float()
        yield len(swapped)
    finally:
        for module in swapped:
            del module.forward
        with torch.no_grad():
            for t, data in widened.values():
                t.data = data
        cast.source = cast.cast = None


def _is_half_linear(module: torch.nn.Module) -> bool:
    return (
        type(module) is torch.nn.Linear
        and "forward" not in module.__dict__  # accelerate hooks and the like: leave alone
        and module.weight.dtype in HALF_DTYPES
    )
