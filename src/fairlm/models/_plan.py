"""Which path the scoring engine takes for one model on one device, and why.

Decided once when a model is loaded, from the probed capabilities (:mod:`._capabilities`),
the requested engine mode (``auto`` or ``portable``), the model's dtype and its device:

* **fast** (``auto`` where every probe says yes, CPU): oneDNN with weights reordered once
  for the float32 vocabulary projection; for a bfloat16 model also the body's products,
  the gated MLP fused into three products, and the shifted bfloat16 vocabulary
  projection; attention reads shared key/value heads in place.
* **portable**: plain torch ops only. A half-precision model keeps its products in its
  dtype where the hardware multiplies that dtype (probed); where it does not (a CPU with
  AVX2 only has no bfloat16 products), the weights keep their half-precision values but
  are widened to float32 once, at load, and every product runs in float32: the scores
  are those of the rounded weights, computed as exactly as float32 allows.
* **CUDA**: bfloat16 is native there; no CPU tricks, the products run in the model's
  dtype through torch (and the rest in float32, as on the CPU).

:meth:`EnginePlan.describe` is what ``results.json`` records as ``model.engine``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from fairlm.models._capabilities import Capabilities, engine_mode, probe

__all__ = ["EnginePlan", "plan_engine"]

_HALF = ("bfloat16", "float16")


@dataclass(frozen=True)
class EnginePlan:
    """The scoring engine's path for one model (see the module docstring)."""

    mode: str  # requested: auto | portable
    device: str  # cpu, cuda:0, ...
    weights: str  # dtype of the weights' values: float32, bfloat16, float16
    products: str  # dtype the matrix products run in
    onednn: bool = False  # oneDNN with reordered weights (CPU, big jobs)
    fused_mlp: bool = False  # gated MLP as three oneDNN products with post-ops
    half_vocabulary: bool = False  # bfloat16 vocabulary projection, shifted rows
    gqa_in_place: bool = False  # attention reads shared key/value heads in place
    fallbacks: tuple[str, ...] = field(default_factory=tuple)

    @property
    def path(self) -> str:
        """``fast`` when any fast path is on, else ``portable``."""
        return "fast" if self.onednn or self.gqa_in_place else "portable"

    @property
    def widen_weights(self) -> bool:
        """Whether a half-precision model's weights are widened to float32 at load."""
        return self.weights in _HALF and self.products == "float32"

    def describe(self) -> dict[str, Any]:
        """JSON-ready: which products ran in which dtype through which library."""
        onednn = "oneDNN, reordered weights, jobs of 2,048+ tokens"
        torch_lib = "torch, CUDA" if self.device.startswith("cuda") else "torch"
        # a float32 body stays on torch (MKL) even on the fast path: see _engine
        body = onednn if self.onednn and self.products in _HALF else torch_lib
        head = onednn if self.onednn else torch_lib
        between = "float32" if self.products in _HALF else self.products
        vocab = (
            f"bfloat16 rows shifted by their maximum ({head})"
            if self.half_vocabulary
            else f"float32 ({head})"
        )
        return {
            "path": self.path,
            "requested": self.mode,
            "device": self.device,
            "weights": self.weights,
            "products": f"{self.products} ({body})",
            "between_products": between,
            "vocabulary_projection": vocab,
            "gated_mlp": "fused: three oneDNN products with post-ops"
            if self.fused_mlp
            else "layer by layer",
            "attention": "SDPA, shared key/value heads read in place"
            if self.gqa_in_place
            else "SDPA as transformers calls it",
            "fallbacks": list(self.fallbacks),
        }

    def notice(self) -> str | None:
        """One line for the user when a requested dtype falls back, else None."""
        if self.widen_weights:
            return (
                f"fairlm: {self.weights} requested, but {'; '.join(self.fallbacks)}: the "
                f"weights keep their {self.weights} values and every product runs in float32"
            )
        return None


def plan_engine(
    dtype: str, device: str = "cpu", *, mode: str | None = None, caps: Capabilities | None = None
) -> EnginePlan:
    """The path for a model of ``dtype`` on ``device`` under engine ``mode`` (default:
    ``$FAIRLM_ENGINE`` or ``auto``)."""
    mode = engine_mode(mode)
    device = str(device or "cpu")
    if not device.startswith("cpu"):
        return EnginePlan(mode, device, dtype, dtype)
    caps = caps or probe()
    fallbacks: list[str] = []
    products = dtype
    if dtype in _HALF and not caps.onednn.get(dtype, False):
        # oneDNN is how torch multiplies half precision fast on a CPU: where it cannot
        # create the product, torch's own kernel runs several times slower than float32
        products = "float32"
        fallbacks.append(
            caps.reasons.get(f"onednn.{dtype}")
            or caps.reasons.get("onednn")
            or f"no {dtype} products"
        )
    fast = mode == "auto"
    if mode == "portable":
        fallbacks.append("engine forced portable (FAIRLM_ENGINE or --engine)")
    onednn = fast and caps.onednn.get("float32", False) and caps.onednn.get(products, False)
    if fast and not onednn and "onednn" in caps.reasons:
        fallbacks.append(caps.reasons["onednn"])
    return EnginePlan(
        mode=mode,
        device=device,
        weights=dtype,
        products=products,
        onednn=onednn,
        fused_mlp=onednn and products == "bfloat16" and caps.post_ops,
        half_vocabulary=products == "bfloat16",
        gqa_in_place=fast and caps.gqa_in_place,
        fallbacks=tuple(dict.fromkeys(fallbacks)),
    )
