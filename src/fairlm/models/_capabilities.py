"""What this machine can run: CPU facts, and each engine fast path tried once on tiny tensors.

The engine's fast paths lean on private or hardware-dependent pieces: oneDNN's
``torch.ops.mkldnn`` linear ops with reordered weights and fused post-ops (whose
bfloat16 kernels need AVX-512 or AMX: on a CPU with AVX2 only, oneDNN cannot create a
bfloat16 inner product at all), and scaled-dot-product attention reading shared
key/value heads in place. None of that is assumed. :func:`probe` runs each piece once per
process on a few numbers, compares it with plain torch, and caches the answers; the
engine (:mod:`._plan`) takes a fast path only where its probe said yes, so a missing CPU
feature or a changed private op means a slower path, never a traceback.

``FAIRLM_ENGINE=portable`` (or ``--engine portable``) turns every fast path off, to
compare or to work around a misbehaving one.
"""

from __future__ import annotations

import functools
import os
import platform
from dataclasses import asdict, dataclass, field
from typing import Any

__all__ = [
    "ENGINE_ENV",
    "ENGINE_MODES",
    "FAST_TORCH",
    "Capabilities",
    "cpu_info",
    "engine_mode",
    "probe",
]

ENGINE_ENV = "FAIRLM_ENGINE"
ENGINE_MODES = ("auto", "portable")
# The torch releases the fast paths (private oneDNN ops) are tested on: [low, high)
FAST_TORCH = ("2.13", "2.14")
# CPU features that decide the speed of a language model's matrix products
_FEATURES = {
    "avx2": "AVX2",
    "avx512f": "AVX-512",
    "avx512bw": "AVX-512 BW",
    "avx512_vnni": "AVX-512 VNNI",
    "avx512_bf16": "AVX512-BF16",
    "avx512_fp16": "AVX512-FP16",
    "amx_tile": "AMX",
    "amx_bf16": "AMX-BF16",
    "amx_fp16": "AMX-FP16",
}


def engine_mode(requested: str | None = None) -> str:
    """``requested``, else ``$FAIRLM_ENGINE``, else ``auto``; checked against the modes."""
    mode = requested or os.environ.get(ENGINE_ENV, "").strip().lower() or "auto"
    if mode not in ENGINE_MODES:
        from fairlm.errors import ModelError

        raise ModelError(
            f"engine {mode!r} is not one of {', '.join(ENGINE_MODES)} "
            f"(from {'--engine' if requested else ENGINE_ENV})"
        )
    return mode


@functools.cache
def cpu_info() -> dict[str, Any]:
    """The CPU's model name, core count and the features that matter for matrix products.

    Read from ``/proc/cpuinfo`` on Linux; elsewhere the model name is what the platform
    says and the features are what torch's dispatcher reports (its best vector unit).
    """
    model = platform.processor() or platform.machine()
    flags: set[str] = set()
    try:
        with open("/proc/cpuinfo", encoding="utf-8", errors="replace") as f:
            for line in f:
                key, _, value = line.partition(":")
                key = key.strip()
                if key == "model name" and value.strip():
                    model = value.strip()
                elif key in ("flags", "Features") and not flags:
                    flags = set(value.split())
    except OSError:
        pass
    info: dict[str, Any] = {
        "model": model,
        "architecture": platform.machine(),
        "logical_cores": os.cpu_count(),
        "features": {name: flag in flags for flag, name in _FEATURES.items()} if flags else {},
    }
    try:
        import torch

        info["torch_capability"] = torch.backends.cpu.get_cpu_capability()
        info["torch_threads"] = torch.get_num_threads()
    except Exception:  # noqa: BLE001 - facts for a bug report; never fail on them
        pass
    return info


@dataclass(frozen=True)
class Capabilities:
    """Which fast paths work here, each decided by running it once (see :func:`probe`).

    ``onednn`` maps a dtype name to whether oneDNN multiplies it with a reordered weight
    and gets plain torch's answer; ``post_ops`` whether it also applies SiLU, both GELUs
    and a multiplication inside a bfloat16 product; ``gqa_in_place`` whether CPU attention
    reads shared key/value heads in place under a mask. ``reasons`` says why a path is
    off (what failed, or which torch release is outside the tested range).
    """

    torch_version: str
    torch_tested: bool
    onednn: dict[str, bool] = field(default_factory=dict)
    post_ops: bool = False
    gqa_in_place: bool = False
    reasons: dict[str, str] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _torch_tested(version: str) -> bool:
    from torch.torch_version import TorchVersion

    low, high = FAST_TORCH
    return TorchVersion(version) >= low and TorchVersion(version) < high


@functools.cache
def probe() -> Capabilities:
    """Try each fast path on tiny tensors, once per process; cached."""
    import torch

    version = torch.__version__
    reasons: dict[str, str] = {}
    tested = _torch_tested(version)
    onednn = {"float32": False, "bfloat16": False, "float16": False}
    post_ops = False
    if not tested:
        reasons["onednn"] = (
            f"torch {version} is outside the range the fast path is tested on "
            f"(>={FAST_TORCH[0]},<{FAST_TORCH[1]})"
        )
    else:
        for name in onednn:
            onednn[name], why = _try(_check_linear, getattr(torch, name))
            if why:
                reasons[f"onednn.{name}"] = why
        if onednn["bfloat16"]:
            post_ops, why = _try(_check_post_ops)
            if why:
                reasons["post_ops"] = why
        else:
            reasons["post_ops"] = "needs oneDNN bfloat16 products"
    gqa, why = _try(_check_gqa)
    if why:
        reasons["gqa_in_place"] = why
    return Capabilities(
        torch_version=version,
        torch_tested=tested,
        onednn=onednn,
        post_ops=post_ops,
        gqa_in_place=gqa,
        reasons=reasons,
    )


def _try(check, *args) -> tuple[bool, str]:
    """(True, "") when ``check`` passes; (False, why) when it fails or raises."""
    try:
        why = check(*args)
    except Exception as exc:  # noqa: BLE001 - any failure means: not on this machine
        text = str(exc).strip().splitlines()
        why = f"{type(exc).__name__}: {text[0] if text else ''}".strip().rstrip(":")
    return (not why), (why or "")


def _numbers(*shape: int, dtype=None):
    import torch

    gen = torch.Generator().manual_seed(sum(shape))
    t = torch.randn(*shape, generator=gen)
    return t if dtype is None else t.to(dtype)


def _close(got, want, dtype) -> bool:
    import torch

    tol = 1e-4 if dtype == torch.float32 else 5e-2
    return got.dtype == dtype and bool(
        torch.allclose(got.float(), want.float(), atol=tol * want.abs().max().item(), rtol=0)
    )


def _check_linear(dtype) -> str:
    """A product through oneDNN with a reordered weight equals plain torch's."""
    import torch

    from fairlm.models import _onednn

    if not _onednn.ops_present():
        return "torch has no oneDNN linear ops (torch.ops.mkldnn._linear_pointwise)"
    w, b, x = _numbers(24, 16, dtype=dtype), _numbers(24, dtype=dtype), _numbers(5, 16, dtype=dtype)
    name = str(dtype).removeprefix("torch.")
    packed = _onednn.pack(w, 8)
    if packed is None:
        return f"oneDNN cannot multiply {name} on this CPU [{_feature_summary()}]"
    want = torch.nn.functional.linear(x.float(), w.float(), b.float())
    if not _close(_onednn.linear(x, packed, b), want, dtype):
        return f"oneDNN's {name} product differs from torch's"
    return ""


def _feature_summary() -> str:
    """E.g. ``AVX2, no AVX-512, no AVX512-BF16, no AMX-BF16``."""
    features = cpu_info()["features"]
    if not features:
        return "CPU features unknown"
    shown = ("AVX2", "AVX-512", "AVX512-BF16", "AMX-BF16")
    text = ", ".join(n if features.get(n) else f"no {n}" for n in shown)
    for var in ("ONEDNN_MAX_CPU_ISA", "DNNL_MAX_CPU_ISA"):  # oneDNN told to use less
        if os.environ.get(var):
            text += f"; {var}={os.environ[var]}"
    return text


def _check_post_ops() -> str:
    """SiLU, both GELUs and a multiplication applied inside a bfloat16 product."""
    import torch
    import torch.nn.functional as F

    from fairlm.models import _onednn

    bf = torch.bfloat16
    w, x, other = _numbers(24, 16, dtype=bf), _numbers(5, 16, dtype=bf), _numbers(5, 24, dtype=bf)
    packed = _onednn.pack(w, 8)
    plain = F.linear(x.float(), w.float())
    acts = {
        ("swish", ""): F.silu,
        ("gelu", "tanh"): functools.partial(F.gelu, approximate="tanh"),
        ("gelu", "none"): F.gelu,
    }
    for post_op, act in acts.items():
        if not _close(_onednn.linear(x, packed, None, post_op), act(plain), bf):
            return f"oneDNN's post-op {post_op} differs from torch's"
    if not _close(_onednn.linear_times(x, other, packed, None), plain * other.float(), bf):
        return "oneDNN's multiplication post-op differs from torch's"
    return ""


def _check_gqa() -> str:
    """CPU attention with a boolean mask reads 2 key/value heads for 4 query heads in
    place and gives the copied heads' answer."""
    import torch
    import torch.nn.functional as F

    q, k, v = _numbers(1, 4, 5, 8), _numbers(1, 2, 5, 8), _numbers(1, 2, 5, 8)
    mask = torch.ones(5, 5, dtype=torch.bool).tril()
    try:
        got = F.scaled_dot_product_attention(q, k, v, attn_mask=mask, enable_gqa=True)
    except TypeError:
        return f"torch {torch.__version__} has no enable_gqa"
    rep = dict(repeats=2, dim=1)
    want = F.scaled_dot_product_attention(
        q, k.repeat_interleave(**rep), v.repeat_interleave(**rep), attn_mask=mask
    )
    return "" if torch.allclose(got, want, atol=1e-6) else "grouped-query attention differs"
