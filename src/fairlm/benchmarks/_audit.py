"""Run benchmarks on a model and write ``results.json`` plus per-example samples."""

from __future__ import annotations

import datetime as _dt
import inspect
import json
import platform
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from fairlm import __version__
from fairlm._io import atomic_write_json, write_jsonl
from fairlm.benchmarks._base import Benchmark

__all__ = ["SCHEMA_VERSION", "build_benchmarks", "run_audit", "format_summary"]

SCHEMA_VERSION = 1


def build_benchmarks(names: Sequence[str], **options: Any) -> list[Benchmark]:
    """Instantiate benchmarks by name, passing each only the options it accepts."""
    from fairlm.benchmarks import BENCHMARKS

    out = []
    for name in names:
        cls = BENCHMARKS.get(name)
        accepted = set(inspect.signature(Benchmark.__init__).parameters)
        accepted |= set(inspect.signature(cls.__init__).parameters)
        out.append(cls(**{k: v for k, v in options.items() if k in accepted}))
    return out


def run_audit(
    lm: Any,
    benchmarks: Sequence[Benchmark],
    *,
    output_dir: str | Path,
    progress: bool = True,
    log: Callable[[str], None] = print,
    extra_config: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Score every benchmark, write the files, and return the results dictionary.

    Files in ``output_dir``: ``samples_<benchmark>.jsonl`` (one row per example) and
    ``results.json`` (schema version :data:`SCHEMA_VERSION`), both written atomically.
    """
    out = Path(output_dir)
    out.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    results: dict[str, Any] = {
        "schema_version": SCHEMA_VERSION,
        "fairlm_version": __version__,
        "created": _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds"),
        "model": lm.describe(),
        "config": dict(extra_config or {}),
        "environment": {"python": platform.python_version(), "machine": platform.machine()},
        "benchmarks": {},
    }
    for bench in benchmarks:
        log(f"[{bench.name}] loading examples")
        examples = bench.examples()
        t0 = time.perf_counter()
        rows = bench.score(lm, examples, progress=progress)
        t1 = time.perf_counter()
        summary = bench.summarize(rows)
        t2 = time.perf_counter()
        write_jsonl(out / f"samples_{bench.name}.jsonl", rows)
        results["benchmarks"][bench.name] = {
            **bench.metadata(),
            "config": bench.config(),
            "n_examples": len(rows),
            "summary": summary.to_dict(),
            "timing": {
                "scoring_s": round(t1 - t0, 3),
                "summary_s": round(t2 - t1, 3),
                "examples_per_s": round(len(rows) / (t1 - t0), 3) if t1 > t0 else None,
            },
        }
        head = summary.get(summary.headline)
        log(
            f"[{bench.name}] {len(rows)} examples in {t1 - t0:.1f} s; "
            f"{head.metric} = {_fmt(head.value)} {_ci(head)}"
        )
        if not bench.commercial_use_ok:
            log(
                f"[{bench.name}] note: the {bench.dataset} data is licensed {bench.license}: "
                "non-commercial use only"
            )
    results["timing"] = {"total_s": round(time.perf_counter() - started, 3)}
    atomic_write_json(out / "results.json", results)
    return results


def _fmt(v: float | None, digits: int = 2) -> str:
    return "n/a" if v is None else f"{v:.{digits}f}"


def _ci(f: Any) -> str:
    lo = f["ci_low"] if isinstance(f, dict) else f.ci_low
    hi = f["ci_high"] if isinstance(f, dict) else f.ci_high
    return "" if lo is None or hi is None else f"[{lo:.2f}, {hi:.2f}]"


def format_summary(results: dict[str, Any], *, all_groups: bool = True) -> str:
    """A plain-text table of every figure in a results dictionary."""
    lines = []
    model = results["model"]
    lines.append(
        f"model: {model['name']}  dtype: {model['dtype']}  prefix token: {model['prefix_token']!r}"
    )
    header = f"{'benchmark':<14} {'metric':<30} {'group':<22} {'value':>8}  {'95% CI':<18} {'n':>6}"
    lines.append(header)
    lines.append("-" * len(header))
    for name, b in results["benchmarks"].items():
        for f in b["summary"]["figures"]:
            if not all_groups and f["group"] != "overall":
                continue
            n = "" if f.get("n") is None else str(f["n"])
            lines.append(
                f"{name:<14} {f['metric']:<30} {f['group']:<22} {_fmt(f['value']):>8}  "
                f"{_ci(f):<18} {n:>6}"
            )
    return "\n".join(lines)


def load_results(path: str | Path) -> dict[str, Any]:
    p = Path(path)
    if p.is_dir():
        p = p / "results.json"
    return json.loads(p.read_text(encoding="utf-8"))
