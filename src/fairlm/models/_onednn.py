"""Linear layers through oneDNN, with each weight reordered once (CPU scoring only).

PyTorch sends a float32 ``nn.Linear`` on the CPU to MKL's sgemm. On this project's
machine (AMD EPYC, AVX-512) that reached 100-130 GFLOP/s on the shapes of a small
language model, while oneDNN's matmul, with the weight reordered once into its blocked
layout, reached 150-180 GFLOP/s on the same shapes in the same runs.

Both are float32 products, but not equally exact in a deep model: with every float32
layer of SmolLM2-135M on oneDNN, sentence log-likelihoods moved by up to 8e-3 nats
against a float64 pass (MKL: within 5.3e-4). So the engine uses oneDNN for the float32
vocabulary projection (exact to 1e-5 there) and for the body only in bfloat16.

:func:`packed_linears` swaps the ``forward`` of every ``nn.Linear`` under a module for
the oneDNN call while scoring, and puts it back afterwards; the module's own weights are
untouched, so training or saving the model is unaffected. Reordering copies each weight
once (about 0.3 s for 135M parameters), so the engine does it only for work big enough.
"""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Iterator

import torch

__all__ = ["available", "pack", "linear", "packed_linears"]

_DTYPES = (torch.float32, torch.bfloat16)


def available(weight: torch.Tensor) -> bool:
    """Whether ``weight`` can go through oneDNN: a CPU float32 or bfloat16 matrix."""
    return (
        weight.device.type == "cpu"
        and weight.dtype in _DTYPES
        and weight.dim() == 2
        and torch.backends.mkldnn.is_available()
        and hasattr(torch.ops.mkldnn, "_linear_pointwise")
        and hasattr(torch.ops.mkldnn, "_reorder_linear_weight")
    )


def pack(weight: torch.Tensor, rows_hint: int) -> torch.Tensor | None:
    """``weight`` (out, in) reordered for oneDNN, or None where that is not possible."""
    if not available(weight):
        return None
    try:
        return torch.ops.mkldnn._reorder_linear_weight(weight.detach(), rows_hint)
    except RuntimeError:
        return None


def linear(x: torch.Tensor, packed: torch.Tensor, bias: torch.Tensor | None) -> torch.Tensor:
    """``x @ weight.T + bias`` with a weight from :func:`pack`; ``x`` may be (..., in)."""
    return torch.ops.mkldnn._linear_pointwise(x, packed, bias, "none", [], "")


@contextlib.contextmanager
def packed_linears(root: torch.nn.Module, rows_hint: int) -> Iterator[int]:
    """Within the block, every plain ``nn.Linear`` under ``root`` runs through oneDNN.

    Yields the number of layers swapped. Modules whose ``forward`` is already replaced
    on the instance (accelerate hooks, for one) are left alone, as are layers on other
    devices or in other dtypes.
    """
    swapped: list[torch.nn.Module] = []
    try:
        for module in root.modules():
            if type(module) is not torch.nn.Linear or "forward" in module.__dict__:
                continue
            packed = pack(module.weight, rows_hint)
            if packed is None:
                continue
            bias = None if module.bias is None else module.bias.detach()
            module.forward = functools.partial(linear, packed=packed, bias=bias)
            swapped.append(module)
        yield len(swapped)
    finally:
        for module in swapped:
            del module.forward
