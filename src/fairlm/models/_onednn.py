"""Linear layers through oneDNN, with each weight reordered once (CPU scoring only).

PyTorch sends a float32 ``nn.Linear`` on the CPU to MKL's sgemm; oneDNN's matmul, with
the weight reordered once into its blocked layout, is faster on the shapes of a small
language model (docs/performance.md has the figures). Both are float32 products, but not
equally exact in a deep model: with every float32 layer on oneDNN, sentence
log-likelihoods drift further from a float64 pass than with MKL. So the engine uses
oneDNN for the float32 vocabulary projection (as exact as torch's there) and for the
body only in half precision (see :mod:`._mixed`, which swaps the layers' ``forward``
while scoring). Reordering copies each weight once, so the engine does it only for work
big enough. oneDNN can also apply an activation, or a multiplication by another tensor,
to a product's float32 sums before rounding them to a half-precision output;
:mod:`._mixed` runs a gated MLP that way.

These are private torch ops, and oneDNN's bfloat16 kernels need AVX-512 or AMX: the
engine calls them only where :func:`fairlm.models._capabilities.probe` found them
working (see :mod:`._plan`).
"""

from __future__ import annotations

import torch

__all__ = ["available", "ops_present", "pack", "linear", "linear_times"]

_DTYPES = (torch.float32, torch.bfloat16)


def ops_present() -> bool:
    """Whether this torch has oneDNN and the two private ops this module calls."""
    return (
        torch.backends.mkldnn.is_available()
        and hasattr(torch.ops.mkldnn, "_linear_pointwise")
        and hasattr(torch.ops.mkldnn, "_reorder_linear_weight")
    )


def available(weight: torch.Tensor) -> bool:
    """Whether ``weight`` can go through oneDNN: a CPU float32 or bfloat16 matrix (the
    CPU may still lack the kernels: see :func:`fairlm.models._capabilities.probe`)."""
    return (
        weight.device.type == "cpu"
        and weight.dtype in _DTYPES
        and weight.dim() == 2
        and ops_present()
    )


def pack(weight: torch.Tensor, rows_hint: int) -> torch.Tensor | None:
    """``weight`` (out, in) reordered for oneDNN, or None where that is not possible."""
    if not available(weight):
        return None
    try:
        return torch.ops.mkldnn._reorder_linear_weight(weight.detach(), rows_hint)
    except RuntimeError:
        return None


def linear(
    x: torch.Tensor,
    packed: torch.Tensor,
    bias: torch.Tensor | None,
    post_op: tuple[str, str] = ("none", ""),
) -> torch.Tensor:
    """``act(x @ weight.T + bias)`` with a weight from :func:`pack` (or a plain CPU matrix
    :func:`available` accepts); ``x`` may be (..., in). ``post_op`` is oneDNN's name for
    ``act`` and its algorithm: ``("swish", "")`` is SiLU, ``("gelu", "tanh")`` and
    ``("gelu", "none")`` the two GELUs; it is applied to the float32 sum before the
    output is rounded to ``x``'s dtype."""
    name, algorithm = post_op
    return torch.ops.mkldnn._linear_pointwise(x, packed, bias, name, [], algorithm)


def linear_times(
    x: torch.Tensor, other: torch.Tensor, packed: torch.Tensor, bias: torch.Tensor | None
) -> torch.Tensor:
    """``(x @ weight.T + bias) * other``, multiplied before the output is rounded to
    ``x``'s dtype (``other`` has that dtype and the output's shape)."""
    return torch.ops.mkldnn._linear_pointwise.binary(x, other, packed, bias, "mul")
