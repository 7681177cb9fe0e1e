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
A gated MLP (Llama's ``down(act(gate(x)) * up(x))``) runs as three oneDNN products
with the activation and the multiplication fused into them, so act(gate) and the
product are each rounded once, with no float32 pass between. Only the rounding of the
products' inputs and outputs remains (docs/performance.md gives how far that moves
CrowS-Pairs verdicts from float32's). It is close to a float32 model under
``torch.autocast``, except that the weights are stored (and reordered) once in half
precision instead of cast at every call, and attention runs in float32. Layers that are
not ``nn.Linear`` (GPT-2's ``Conv1D``) run in float32.

The MLP fusion needs oneDNN's post-ops and the packing oneDNN's bfloat16 kernels, which
a CPU without AVX-512 or AMX lacks: the engine asks for them only where the probe found
them (:mod:`._plan`). With ``half_products=False`` (no half-precision products on this
hardware) every layer, linear ones included, is widened to float32 for the duration.

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


def _gated_mlp(
    x: torch.Tensor,
    *,
    gate: tuple[torch.Tensor, torch.Tensor | None],
    up: tuple[torch.Tensor, torch.Tensor | None],
    down: tuple[torch.Tensor, torch.Tensor | None],
    post_op: tuple[str, str],
    dtype: torch.dtype,
    cast: _LastCast,
) -> torch.Tensor:
    """``down(act(gate(x)) * up(x))`` in three oneDNN products, the activation and the
    multiplication fused into them: act(gate) and the product with up are each rounded
    to ``dtype`` once, where the layer by layer path rounds gate, up and their product."""
    h = cast(x, dtype)
    g = _onednn.linear(h, *gate, post_op)
    return _onednn.linear(_onednn.linear_times(h, g, *up), *down).float()


def _reference_gated_forward(self, x):
    down_proj = self.down_proj(self.act_fn(self.gate_proj(x)) * self.up_proj(x))
    return down_proj


_GATED_CODE = _reference_gated_forward.__code__


def _gated_parts(module: torch.nn.Module) -> tuple[tuple[str, str], list] | None:
    """For a gated MLP whose three products can be fused: (its activation as a oneDNN
    post-op, its gate, up and down layers); else None.

    A gated MLP is one whose ``forward`` is, bytecode for bytecode, transformers'
    ``LlamaMLP.forward`` (``_reference_gated_forward`` above), which Mistral, Qwen2,
    Gemma and others copy; its three layers must be half-precision ``nn.Linear`` that
    oneDNN takes (bfloat16 on the CPU).
    """
    code = getattr(type(module).forward, "__code__", None)
    if code is None or code.co_code != _GATED_CODE.co_code:
        return None
    if code.co_names != _GATED_CODE.co_names:  # the same steps on other attributes
        return None
    layers = [getattr(module, n, None) for n in ("gate_proj", "up_proj", "down_proj")]
    if not all(
        isinstance(m, torch.nn.Module) and _is_half_linear(m) and _onednn.available(m.weight)
        for m in layers
    ):
        return None
    post_op = _post_op(getattr(module, "act_fn", None))
    return None if post_op is None else (post_op, layers)


def _post_op(act: object) -> tuple[str, str] | None:
    """oneDNN's (name, algorithm) for activation ``act``: SiLU and GELU (exact or tanh
    approximation, as torch or transformers' ``GELUTanh`` computes it); else None."""
    kind = type(act)
    from_transformers = kind.__module__ == "transformers.activations"
    if kind is torch.nn.SiLU or (from_transformers and kind.__name__ == "SiLUActivation"):
        return "swish", ""
    if kind is torch.nn.GELU and act.approximate in ("none", "tanh"):
        return "gelu", act.approximate
    inner = getattr(act, "act", None)  # transformers' GELUActivation and GELUTanh
    if from_transformers and inner is torch.nn.functional.gelu:
        return "gelu", "none"
    if (
        from_transformers
        and isinstance(inner, functools.partial)
        and inner.func is torch.nn.functional.gelu
        and not inner.args
        and set(inner.keywords) <= {"approximate"}
    ):
        algorithm = inner.keywords.get("approximate", "none")
        return ("gelu", algorithm) if algorithm in ("none", "tanh") else None
    return None


@contextlib.contextmanager
def float32_between_products(
    root: torch.nn.Module,
    *,
    pack: bool,
    fuse: bool = False,
    half_products: bool = True,
    rows_hint: int = 768,
) -> Iterator[int]:
    """Within the block, ``root`` computes in float32 except its ``nn.Linear`` products.

    Yields the number of linear layers kept in half precision. ``pack`` reorders their
    weights for oneDNN (CPU, worth it for big jobs only; see :mod:`._onednn`). With
    ``fuse``, a gated MLP (``down(act(gate(x)) * up(x))``, see :func:`_gated_parts`)
    runs as three oneDNN products with the activation and the multiplication fused into
    them. ``half_products=False`` widens the linear layers too: everything in float32.
    """
    cast = _LastCast()
    swapped: list[torch.nn.Module] = []
    fused: set[int] = set()  # ids of the layers a fused MLP computes
    widened: dict[int, tuple[torch.Tensor, torch.Tensor]] = {}  # id -> (tensor, own data)

    def weights(layer: torch.nn.Module) -> tuple[torch.Tensor, torch.Tensor | None, bool]:
        """The layer's weight (reordered for oneDNN where asked and possible), its bias,
        and whether the weight was reordered."""
        packed = _onednn.pack(layer.weight, rows_hint) if pack else None
        bias = None if layer.bias is None else layer.bias.detach()
        if packed is None:
            return layer.weight.detach(), bias, False
        return packed, bias, True

    n_half = 0
    try:
        with torch.no_grad():
            for module in root.modules():
                if id(module) in fused:
                    continue
                gated = _gated_parts(module) if fuse and "forward" not in module.__dict__ else None
                if gated is not None:
                    post_op, layers = gated
                    gate, up, down = (weights(m)[:2] for m in layers)
                    module.forward = functools.partial(
                        _gated_mlp,
                        gate=gate,
                        up=up,
                        down=down,
                        post_op=post_op,
                        dtype=layers[0].weight.dtype,
                        cast=cast,
                    )
                    swapped.append(module)
                    fused.update(id(m) for m in layers)
                    n_half += len(layers)
                    continue
                if half_products and _is_half_linear(module):
                    weight, bias, packed = weights(module)
                    module.forward = functools.partial(
                        _half_linear,
                        weight=weight,
                        bias=bias,
                        dtype=module.weight.dtype,
                        packed=packed,
                        cast=cast,
                    )
                    swapped.append(module)
                    n_half += 1
                    continue
                # everything else, tied weights once (a Linear left alone included)
                own = [*module.parameters(recurse=False), *module.buffers(recurse=False)]
                for t in own:
                    if t.dtype in HALF_DTYPES and id(t) not in widened:
                        widened[id(t)] = (t, t.data)
                        t.data = t.data.float()
        yield n_half
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
