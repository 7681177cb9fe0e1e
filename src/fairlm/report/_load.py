"""Read saved audit runs (``results.json`` + ``samples_<benchmark>.jsonl``) for the report.

Only files are read; no model is loaded and nothing is recomputed. A run directory is
checked once, here, so that the rendering code can trust the shape it is given.

Every figure gets a ``kind`` here (see :data:`fairlm.benchmarks._base.FigureKind`):
results files written before figures recorded one marked a gap only by its group
label, :data:`LEGACY_GAP_GROUP`, and nothing else needed telling apart.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fairlm.errors import DataError, FairlmError
from fairlm.report._data_audit import (
    DATA_AUDIT_KIND,
    DataAudit,
    load_data_audit,
    read_json_kind,
)

__all__ = [
    "LEGACY_GAP_GROUP",
    "Run",
    "load_run",
    "load_runs",
    "load_inputs",
    "headline_figure",
    "benchmark_names",
    "bench_title",
]

SUPPORTED_SCHEMA = 1
# how results files without Figure.kind labelled a gap figure (its group)
LEGACY_GAP_GROUP = "gap (max - min)"


@dataclass
class Run:
    """One audit run: its results dictionary, its per-example rows, and a display label."""

    path: Path
    label: str
    results: dict[str, Any]
    samples: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)  # shown in the report, not raised

    @property
    def model(self) -> dict[str, Any]:
        m = self.results.get("model")
        return m if isinstance(m, dict) else {}

    @property
    def model_name(self) -> str:
        return str(self.model.get("name") or "unknown model")

    @property
    def benchmarks(self) -> dict[str, dict[str, Any]]:
        return self.results["benchmarks"]


def load_run(path: str | Path, *, label: str | None = None) -> Run:
    """Load a run directory (or its ``results.json``) and the samples next to it."""
    p = Path(path)
    if p.is_file():
        results_path, run_dir = p, p.parent
    elif p.is_dir():
        results_path, run_dir = p / "results.json", p
    else:
        raise DataError(f"run directory not found: {p}")
    if not results_path.is_file():
        raise DataError(f"no results.json in {run_dir}: pass a directory written by 'fairlm audit'")
    try:
        results = json.loads(results_path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise DataError(f"{results_path} is not valid JSON ({exc})") from None
    _check_results(results, results_path)
    _add_kinds(results)
    run = Run(path=run_dir, label=label or run_dir.resolve().name, results=results)
    for name in run.benchmarks:
        run.samples[name] = _read_samples(run_dir / f"samples_{name}.jsonl", run)
    return run


def load_inputs(
    paths: list[Path], *, labels: list[str] | None = None
) -> tuple[list[Run], list[DataAudit]]:
    """Audit runs and data-audit reports, told apart by one rule.

    A path is a data audit when it is a JSON file whose ``"kind"`` is
    ``"fairlm.data_audit"`` (what ``fairlm data-audit --output`` writes); anything else
    is an audit run (a directory, or its ``results.json``). ``labels`` go one per path,
    in order; run labels are made unique.
    """
    if not paths:
        raise FairlmError("nothing to report: give a run directory or a data-audit JSON file")
    if labels is not None and len(labels) != len(paths):
        raise FairlmError(f"got {len(labels)} labels for {len(paths)} inputs")
    runs: list[Run] = []
    audits: list[DataAudit] = []
    for i, p in enumerate(paths):
        label = None if labels is None else labels[i]
        if p.is_file():
            data, kind = read_json_kind(p)
            if kind == DATA_AUDIT_KIND:
                audits.append(load_data_audit(p, data, label=label))
                continue
        runs.append(load_run(p, label=label))
    _unique_labels(runs)
    return runs, audits


def load_runs(paths: list[Path], *, labels: list[str] | None = None) -> list[Run]:
    """Load several runs; labels default to the directory names, made unique."""
    if not paths:
        raise FairlmError("no run directory given")
    if labels is not None and len(labels) != len(paths):
        raise FairlmError(f"got {len(labels)} labels for {len(paths)} run directories")
    runs = [load_run(p, label=None if labels is None else labels[i]) for i, p in enumerate(paths)]
    return _unique_labels(runs)


def _unique_labels(runs: list[Run]) -> list[Run]:
    seen: dict[str, int] = {}
    for run in runs:
        n = seen.get(run.label, 0)
        seen[run.label] = n + 1
        if n:
            run.label = f"{run.label} ({n + 1})"
    return runs


def _check_results(results: Any, path: Path) -> None:
    if not isinstance(results, dict) or not isinstance(results.get("benchmarks"), dict):
        raise DataError(f"{path} is not a fairlm results file: no 'benchmarks' object")
    version = results.get("schema_version")
    if version != SUPPORTED_SCHEMA:
        raise DataError(
            f"{path} has schema_version {version!r}; this fairlm reads schema "
            f"{SUPPORTED_SCHEMA}: regenerate it with 'fairlm audit' or upgrade fairlm"
        )
    for name, bench in results["benchmarks"].items():
        summary = bench.get("summary") if isinstance(bench, dict) else None
        if not isinstance(summary, dict) or not isinstance(summary.get("figures"), list):
            raise DataError(f"{path}: benchmark {name!r} has no summary.figures list")


def _add_kinds(results: dict[str, Any]) -> None:
    """Give each figure without a ``kind`` the one it was written as (files from before
    figures recorded it)."""
    for bench in results["benchmarks"].values():
        for f in bench["summary"]["figures"]:
            if isinstance(f, dict) and "kind" not in f:
                f["kind"] = "gap" if f.get("group") == LEGACY_GAP_GROUP else "value"


def _read_samples(path: Path, run: Run) -> list[dict[str, Any]]:
    if not path.is_file():
        run.problems.append(f"{path.name} is missing: no examples shown for this benchmark")
        return []
    rows: list[dict[str, Any]] = []
    bad = 0
    with path.open(encoding="utf-8", errors="replace") as f:
        for line in f:
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError:
                bad += 1
                continue
            if isinstance(row, dict):
                rows.append(row)
            else:
                bad += 1
    if bad:
        run.problems.append(f"{path.name}: {bad} unreadable line(s) skipped")
    return rows


def headline_figure(bench: dict[str, Any]) -> dict[str, Any] | None:
    """The benchmark's headline figure (group "overall"), or its first figure."""
    summary = bench.get("summary") or {}
    figures = [f for f in summary.get("figures", []) if isinstance(f, dict)]
    name = summary.get("headline")
    for f in figures:
        if f.get("metric") == name and f.get("group") == "overall":
            return f
    for f in figures:
        if f.get("metric") == name:
            return f
    return figures[0] if figures else None


def benchmark_names(runs: list[Run]) -> list[str]:
    """Every benchmark in any run, in first-seen order."""
    names: list[str] = []
    for run in runs:
        for name in run.benchmarks:
            if name not in names:
                names.append(name)
    return names


def bench_title(runs: list[Run], name: str) -> str:
    for run in runs:
        title = run.benchmarks.get(name, {}).get("title")
        if title:
            return str(title)
    return name
