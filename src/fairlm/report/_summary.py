"""The top of the report: the overview table, the runs, notices, the reading guide and
the glossary.

The overview is one row per benchmark: its headline figure, value, 95% CI, ideal,
p-value (Holm-adjusted where the headline compares groups), verdict and n. With several
runs it is a leaderboard: one column per run, then the change from the first run to the
last and whether it is beyond the CIs. Verdicts come from :mod:`fairlm.report._verdicts`
(the one rule of :func:`fairlm.metrics.verdict`).

Functions here decide what to show and return plain data; ``templates/summary.html.j2``
and ``templates/report.html.j2`` lay it out.
"""

from __future__ import annotations

import re
from typing import Any

from fairlm._text import near_tie_text
from fairlm.report._benchmarks import model_caveats
from fairlm.report._charts import MARKERS, marker_shape
from fairlm.report._compare import compare
from fairlm.report._format import fmt, fmt_ci, ideal_text, is_number, metric_label, text
from fairlm.report._glossary import glossary, glossary_for
from fairlm.report._load import Run, bench_title, headline_figure
from fairlm.report._render import macro
from fairlm.report._verdicts import bench_verdicts, figure_key, p_text, rule

__all__ = ["dtype_text", "overview", "run_key", "signed", "slug", "summary_context"]


def slug(name: str) -> str:
    """A benchmark name as an id fragment (letters, digits, ``_`` and ``-`` only)."""
    return re.sub(r"[^A-Za-z0-9_-]+", "-", str(name)).strip("-") or "x"


def signed(v: float | None) -> str:
    """A change with its sign (+1.00, \u22121.00, 0.00), or n/a."""
    if not is_number(v):
        return "n/a"
    s = fmt(v)
    return s if s.startswith("\u2212") or s == fmt(0.0) else "+" + s


def run_key(i: int, label: str) -> Any:
    """Run ``i``'s marker shape and label, as the charts' legends show them (markup)."""
    k = i % len(MARKERS)
    return macro("_macros.html.j2", "run_key")(k, marker_shape(MARKERS[k], 7, 7, 4.5), label)


def dtype_text(model: dict) -> str:
    """The weights' dtype, and the products' where the engine fell back (e.g. a CPU
    without bfloat16 products)."""
    dtype = str(model.get("dtype", ""))
    products = str((model.get("engine") or {}).get("products", "")).split(" ")[0]
    return f"{dtype} (products in {products})" if products and products != dtype else dtype


def _run_row(i: int, r: Run, runs: list[Run]) -> list[Any]:
    m = r.model
    params = m.get("parameters")
    return [
        run_key(i, r.label) if len(runs) > 1 else r.label,
        r.model_name,
        f"{params / 1e6:.0f} M" if is_number(params) else "?",
        dtype_text(m),
        str(r.results.get("created", ""))[:16].replace("T", " "),
        ", ".join(bench_title([r], n) for n in r.benchmarks),
        text(m.get("license", "not recorded")),
        text(r.results.get("fairlm_version", "")),
    ]


def _cell(i: int, name: str, f: dict[str, Any] | None, bench: dict[str, Any]) -> dict[str, Any]:
    """One run's headline of one benchmark: value, interval, n, p and verdict."""
    if f is None:
        return {"present": False}
    j = bench_verdicts(bench).get(figure_key(f))
    n = f.get("n")
    metric, kind, group = figure_key(f)
    return {
        "present": True,
        "value": fmt(f.get("value")),
        "ci": fmt_ci(f),
        "n": fmt(n) if is_number(n) else "",
        "p": p_text(j),
        "verdict": j,
        # what the browser test looks the figure up by in results.json
        "data": {"run": i, "bench": name, "metric": metric, "kind": kind, "group": group},
    }


def _ideal(f: dict[str, Any]) -> str:
    """'50 (closer is better)', '0 (lower is better)', 'higher is better'."""
    t = ideal_text(f)
    return t[len("ideal ") :] if t.startswith("ideal ") else t


def _row(runs: list[Run], name: str) -> dict[str, Any]:
    figs = [headline_figure(r.benchmarks[name]) if name in r.benchmarks else None for r in runs]
    bench = next(r.benchmarks[name] for r in runs if name in r.benchmarks)
    ref = next((f for f in reversed(figs) if f is not None), None)
    row: dict[str, Any] = {
        "slug": slug(name),
        "title": bench_title(runs, name),
        "nc": bench.get("commercial_use_ok") is False,
        "ref": ref,
    }
    if ref is None:
        return row
    g = glossary(name)
    term = g.lookup(ref.get("metric"))
    unit = str(ref.get("unit") or "")
    unit_term = g.lookup(unit)
    cells = [
        _cell(i, name, f, r.benchmarks[name]) if f is not None else {"present": False}
        for i, (r, f) in enumerate(zip(runs, figs, strict=True))
    ]
    present = [f for f in figs if f is not None]
    change = None
    if len(runs) > 1 and len(present) > 1:
        ch = compare(present[0], present[-1])
        change = {"value": signed(ch.value), "direction": ch.direction, "change": ch}
    ties = next(
        (r.benchmarks[name].get("near_ties") for r in reversed(runs) if name in r.benchmarks),
        None,
    )
    row.update(
        metric=metric_label(ref.get("metric", "")),
        anchor=term.anchor if term else None,
        unit=unit,
        unit_anchor=unit_term.anchor if unit_term else None,
        ideal=_ideal(ref),
        cells=cells,
        change=change,
        ties=near_tie_text(ties) if ties and ties.get("count") else "",
    )
    return row


def overview(runs: list[Run], names: list[str]) -> dict[str, Any]:
    """The overview table (a leaderboard with several runs)."""
    return {
        "multi": len(runs) > 1,
        "run_keys": [run_key(i, r.label) for i, r in enumerate(runs)],
        "first": runs[0].label,
        "last": runs[-1].label,
        "rows": [_row(runs, name) for name in names],
    }


def summary_context(runs: list[Run], names: list[str]) -> dict[str, Any]:
    """What ``summary.html.j2`` and the reading guide of ``report.html.j2`` show."""
    notices = [f"{r.label}: {p}" for r in runs for p in r.problems]
    for r in runs:
        notices += [c for c in model_caveats(r.model, licence=False) if c not in notices]
    return {
        "run_rows": [_run_row(i, r, runs) for i, r in enumerate(runs)],
        "notices": notices,
        "overview": overview(runs, names),
        "verdict_rule": rule(),
        "glossary": glossary_for(names, {n: bench_title(runs, n) for n in names}),
    }
