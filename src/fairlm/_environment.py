"""Facts about this installation, for a bug report and for every ``results.json``.

:func:`environment` gathers versions (fairlm, Python, torch, transformers), the CPU and
the features that decide the speed of matrix products, threads, the scoring engine's
path per dtype as probed here, CUDA devices, where data and models are looked up, and
which built-in models are installed. ``fairlm env`` prints it; ``fairlm audit`` writes
it into ``results.json`` as ``environment``.
"""

from __future__ import annotations

import importlib.metadata
import os
import platform
from typing import Any

from fairlm import __version__

__all__ = ["environment", "format_environment"]

_PACKAGES = ("torch", "transformers", "numpy", "accelerate", "peft")


def _version(package: str) -> str | None:
    try:
        return importlib.metadata.version(package)
    except importlib.metadata.PackageNotFoundError:
        return None


def environment(*, engine: bool = True) -> dict[str, Any]:
    """JSON-ready facts; ``engine`` probes the scoring engine's fast paths (imports
    torch, under a second) and plans each dtype on this machine's CPU."""
    from fairlm.data import CACHE_DIR_ENV, DATA_DIR_ENV, cache_dir
    from fairlm.models._builtin import BUILTIN_MODELS, cache_root
    from fairlm.models._capabilities import ENGINE_ENV, cpu_info

    out: dict[str, Any] = {
        "fairlm": __version__,
        "python": platform.python_version(),
        "platform": platform.platform(),
        "machine": platform.machine(),
        "packages": {p: _version(p) for p in _PACKAGES},
        "cpu": cpu_info(),
        "settings": {
            var: os.environ.get(var)
            for var in (
                ENGINE_ENV,
                DATA_DIR_ENV,
                CACHE_DIR_ENV,
                "ONEDNN_MAX_CPU_ISA",
                "OMP_NUM_THREADS",
                "CUDA_VISIBLE_DEVICES",
            )
            if os.environ.get(var)
        },
        "data_dir": os.environ.get(DATA_DIR_ENV) or str(cache_dir()),
        "model_cache": str(cache_root() / "models"),
        "builtin_models": {
            name: (
                "ready"
                if spec.is_converted()
                else "installed"
                if spec.is_installed()
                else "not installed"
            )
            for name, spec in BUILTIN_MODELS.items()
        },
    }
    if engine:
        import torch

        from fairlm.models._capabilities import engine_mode, probe
        from fairlm.models._plan import plan_engine

        caps = probe()
        mode = engine_mode()
        out["engine"] = {
            "mode": mode,
            "probe": caps.to_dict(),
            "cpu": {d: plan_engine(d, "cpu", caps=caps).describe() for d in _DTYPES},
        }
        out["cuda"] = [
            {
                "index": i,
                "name": torch.cuda.get_device_name(i),
                "memory_gib": round(torch.cuda.get_device_properties(i).total_memory / 2**30, 1),
            }
            for i in range(torch.cuda.device_count())
        ]
        out["cuda_build"] = torch.version.cuda
    return out


_DTYPES = ("float32", "bfloat16", "float16")


def format_environment(env: dict[str, Any]) -> str:
    """The facts as plain text, one per line, for a terminal or a bug report."""
    cpu = env["cpu"]
    features = cpu.get("features") or {}
    have = [n for n, ok in features.items() if ok]
    lacks = [n for n, ok in features.items() if not ok]
    lines = [
        f"fairlm {env['fairlm']}, Python {env['python']} on {env['platform']}",
        "packages: " + ", ".join(f"{k} {v or 'not installed'}" for k, v in env["packages"].items()),
        f"CPU: {cpu['model']} ({cpu.get('logical_cores')} logical cores"
        + (f", torch threads {cpu['torch_threads']}" if "torch_threads" in cpu else "")
        + (f", torch dispatch {cpu['torch_capability']}" if "torch_capability" in cpu else "")
        + ")",
        f"  has: {', '.join(have) or 'unknown'}",
    ]
    if lacks:
        lines.append(f"  lacks: {', '.join(lacks)}")
    if "engine" in env:
        eng = env["engine"]
        lines.append(f"engine (mode {eng['mode']}):")
        for dtype, plan in eng["cpu"].items():
            line = (
                f"  {dtype:<9} cpu: {plan['path']}; products {plan['products']}; "
                f"vocabulary {plan['vocabulary_projection']}; MLP {plan['gated_mlp']}"
            )
            lines.append(line)
            lines += [f"            fallback: {f}" for f in plan["fallbacks"]]
        cuda = env.get("cuda") or []
        if cuda:
            lines += [f"CUDA {d['index']}: {d['name']} ({d['memory_gib']} GiB)" for d in cuda]
        else:
            build = env.get("cuda_build")
            lines.append(f"CUDA: none ({'no GPU found' if build else 'CPU-only torch build'})")
    lines += [
        f"data: {env['data_dir']}",
        f"model cache: {env['model_cache']}",
        "built-in models: " + ", ".join(f"{k} ({v})" for k, v in env["builtin_models"].items()),
    ]
    if env["settings"]:
        lines.append("settings: " + ", ".join(f"{k}={v}" for k, v in env["settings"].items()))
    return "\n".join(lines)
