"""The report's "Summary" section: the runs, notices, and one headline card per benchmark.

Functions here decide what to show and return plain data; ``templates/summary.html.j2``
lays it out.
"""

from __future__ import annotations

import re
from typing import Any

from fairlm._text import near_tie_text
from fairlm.report._benchmarks import model_caveats, reading
from fairlm.report._charts import MARKERS, marker_shape
from fairlm.report._compare import compare
from fairlm.report._format import (
    fmt,
    fmt_ci,
    ideal_text,
    is_number,
    metric_label,
    text,
    verdict_text,
)
from fairlm.report._load import Run, bench_title, headline_figure
from fairlm.report._render import macro

__all__ = ["dtype_text", "run_key", "signed", "slug", "summary_context"]


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


def summary_context(runs: list[Run], names: list[str]) -> dict[str, Any]:
    """What ``summary.html.j2`` shows."""
    notices = [f"{r.label}: {p}" for r in runs for p in r.problems]
    for r in runs:
        notices += [c for c in model_caveats(r.model, licence=False) if c not in notices]
    return {
        "run_rows": [_run_row(i, r, runs) for i, r in enumerate(runs)],
        "notices": notices,
        "cards": [headline_card(runs, name) for name in names],
    }


def _change(runs: list[Run], present: list[tuple[int, dict]]) -> dict[str, Any]:
    """The headline's change from the first run that has it to the last."""
    (i0, first), (i1, last) = present[0], present[-1]
    ch = compare(first, last)
    return {
        "later": runs[i1].label,
        "earlier": runs[i0].label,
        "value": signed(ch.value),
        "direction": ch.direction,
        "change": ch,
    }


def headline_card(runs: list[Run], name: str) -> dict[str, Any]:
    """One benchmark's headline: value(s) with CIs, the change between runs, how to read
    it, near ties and the licence warning."""
    bench = next(r.benchmarks[name] for r in runs if name in r.benchmarks)
    figs = [headline_figure(r.benchmarks[name]) if name in r.benchmarks else None for r in runs]
    ref = next((f for f in reversed(figs) if f is not None), None)
    card: dict[str, Any] = {"slug": slug(name), "title": bench_title(runs, name), "ref": ref}
    if ref is None:
        return card
    present = [(i, f) for i, f in enumerate(figs) if f is not None]
    ties = next(
        (r.benchmarks[name].get("near_ties") for r in reversed(runs) if name in r.benchmarks),
        None,
    )
    unit = f" ({ref.get('unit')})" if ref.get("unit") else ""
    card.update(
        measure=metric_label(ref.get("metric", "")) + unit,
        single=present[0][1] if len(present) == 1 else None,
        rows=[[run_key(i, runs[i].label), fmt(f.get("value")), fmt_ci(f)] for i, f in present],
        change=_change(runs, present) if len(present) > 1 else None,
        ideal=ideal_text(ref).capitalize(),
        verdict=verdict_text(ref),
        ties=near_tie_text(ties) if ties and ties.get("count") else "",
        meaning=reading(name).meaning or text(bench.get("description", "")),
        nc_licence=text(bench.get("license", ""))
        if bench.get("commercial_use_ok") is False
        else None,
    )
    return card
