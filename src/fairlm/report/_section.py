"""One benchmark's section of the report: what it measures, charts by group, tables,
every figure, the most stereotyped examples and the caveats.

Functions here decide what to show and return plain data; ``templates/benchmark.html.j2``
lays it out. What is specific to a benchmark (its plain-words headline, caveats and
example picker) comes from the benchmark (:func:`fairlm.report._benchmarks.reading`);
which figures are charted comes from each figure's ``kind``, never from a group name.
"""

from __future__ import annotations

import json
from typing import Any

from fairlm.report._benchmarks import reading
from fairlm.report._charts import MARKERS, Point, dot_chart
from fairlm.report._compare import compare
from fairlm.report._format import (
    direction_text,
    fmt,
    fmt_ci,
    fmt_ideal,
    fmt_p,
    fmt_value,
    is_number,
    metric_label,
    text,
)
from fairlm.report._load import Run, bench_title
from fairlm.report._render import macro
from fairlm.report._summary import signed, slug
from fairlm.report._tables import render_tables

__all__ = ["section_context"]

Key = tuple[str, str, str]  # (metric, kind, group)


def _figures(bench: dict[str, Any]) -> list[dict[str, Any]]:
    return [f for f in bench.get("summary", {}).get("figures", []) if isinstance(f, dict)]


def _fig_index(runs: list[Run], name: str) -> tuple[list[Key], list[dict[Key, dict]]]:
    """(metric, kind, group) keys in first-seen order, and one {key: figure} per run."""
    keys: list[Key] = []
    per_run: list[dict[Key, dict]] = []
    for run in runs:
        d: dict[Key, dict] = {}
        for f in _figures(run.benchmarks.get(name, {})):
            key = (str(f.get("metric")), str(f.get("kind")), str(f.get("group", "overall")))
            d[key] = f
            if key not in keys:
                keys.append(key)
        per_run.append(d)
    return keys, per_run


def _chart_keys(keys: list[Key]) -> dict[str, list[Key]]:
    """Per metric, the figures its chart shows: all but its gaps (a gap is derived from
    the groups drawn), or its gaps where it has nothing else."""
    out: dict[str, list[Key]] = {}
    for key in keys:
        out.setdefault(key[0], []).append(key)
    return {m: [k for k in ks if k[1] != "gap"] or ks for m, ks in out.items()}


def _chart_metrics(runs: list[Run], name: str, charted: dict[str, list[Key]]) -> list[str]:
    """Metrics worth a chart: the headline first, then those with several groups."""
    headline = next(
        (
            r.benchmarks[name].get("summary", {}).get("headline")
            for r in runs
            if name in r.benchmarks
        ),
        None,
    )
    order = [headline] if headline in charted else []
    order += [m for m, ks in charted.items() if len(ks) > 1 and m not in order]
    if not order and charted:
        order.append(next(iter(charted)))
    return order


def _chart_caption(
    metric: str, ref: dict, points: list[Point], labels: list[str], present: list[int]
) -> str:
    cap = f"{metric_label(metric).capitalize()} by group"
    if any(is_number(p.ci_low) for p in points):
        cap += ", with 95% CI bars"
    else:
        cap += " (no confidence intervals recorded)"
    if is_number(ref.get("ideal")):
        cap += f"; the dashed line marks the ideal value {fmt_ideal(ref.get('ideal'))}"
    cap += f"; {direction_text(ref)}. The value is printed at the end of each row."
    if len(present) > 1:
        cap += (
            " Runs are told apart by marker shape: "
            + ", ".join(f"{MARKERS[i % len(MARKERS)]} = {labels[i]}" for i in present)
            + "."
        )
    return cap


def _chart(
    runs: list[Run],
    name: str,
    metric: str,
    keys: list[Key],
    per_run: list[dict[Key, dict]],
    counter: list[int],
) -> Any:
    """A chart of one metric by group, with the table of its numbers; None if empty."""
    present = [i for i, r in enumerate(runs) if name in r.benchmarks]
    labels = [r.label for r in runs]
    points, rows, ref = [], [], None
    for key in keys:
        group = key[2]
        cells: list[Any] = [group]
        for i in present:
            f = per_run[i].get(key)
            if f is None:
                cells += ["", ""]
                continue
            ref = ref or f
            points.append(Point(group, i, f.get("value"), f.get("ci_low"), f.get("ci_high")))
            cells += [fmt(f.get("value")), fmt_ci(f)]
        n = next((per_run[i][key].get("n") for i in present if key in per_run[i]), None)
        rows.append(cells + [fmt(n) if is_number(n) else ""])
    if not points or ref is None:
        return None
    counter[0] += 1
    cid = f"chart-{counter[0]}"
    svg = dot_chart(
        chart_id=cid,
        title=f"{bench_title(runs, name)}: {metric_label(metric)} by group",
        points=points,
        run_labels=labels,
        ideal=ref.get("ideal") if is_number(ref.get("ideal")) else None,
        unit=str(ref.get("unit") or ""),
    )
    head = ["Group"]
    for i in present:
        head += [f"{labels[i]}: value" if len(present) > 1 else "Value", "95% CI"]
    head.append("n")
    return {
        "id": cid,
        "svg": svg,
        "caption": _chart_caption(metric, ref, points, labels, present),
        "table": {"head": head, "rows": rows, "num": set(range(1, len(head)))},
    }


def _charts(runs: list[Run], name: str, counter: list[int]) -> dict[str, Any] | None:
    """The headline's chart (or the first chartable metric's), then the others."""
    keys, per_run = _fig_index(runs, name)
    charted = _chart_keys(keys)
    metrics = _chart_metrics(runs, name, charted)
    if not metrics:
        return None
    blocks = [_chart(runs, name, m, charted[m], per_run, counter) for m in metrics]
    return {"first": blocks[0], "more": [b for b in blocks[1:] if b is not None]}


def _all_figures(runs: list[Run], name: str) -> dict[str, Any]:
    """Every figure of every run, with intervals, n and p (one run) or the change."""
    keys, per_run = _fig_index(runs, name)
    present = [i for i, r in enumerate(runs) if name in r.benchmarks]
    multi = len(present) > 1
    head = ["Metric", "Group"]
    if multi:
        for i in present:
            head += [f"{runs[i].label}: value", "95% CI"]
        head += ["Change", "Beyond CIs?", "Note"]
    else:
        head += ["Value", "95% CI", "n", "p-value", "Ideal", "Note"]
    rows: list[list[Any]] = []
    for key in keys:
        figs = [per_run[i].get(key) for i in present]
        f = next(x for x in figs if x is not None)
        cells: list[Any] = [metric_label(key[0]), key[2]]
        if multi:
            for x in figs:
                cells += [fmt_value(x), fmt_ci(x)] if x else ["", ""]
            ch = compare(figs[0], figs[-1]) if figs[0] and figs[-1] else None
            cells += [signed(ch.value), macro("_macros.html.j2", "beyond")(ch)] if ch else ["", ""]
            cells.append(text(f.get("note", "")))
        else:
            n = f.get("n")
            cells += [
                fmt_value(f),
                fmt_ci(f),
                fmt(n) if is_number(n) else "",
                fmt_p(f.get("p_value")),
            ]
            cells += [direction_text(f), text(f.get("note", ""))]
        rows.append(cells)
    # multi: values, CIs and the change; single: value, CI, n, p
    num = set(range(2, 3 + 2 * len(present))) if multi else {2, 3, 4, 5}
    return {"head": head, "rows": rows, "num": num}


def _meta(runs: list[Run], name: str) -> list[dict[str, Any]]:
    """Per run: how many examples, the benchmark version and its settings."""
    items = []
    for r in runs:
        if name not in r.benchmarks:
            continue
        b = r.benchmarks[name]
        cfg = b.get("config") or {}
        n_ex = b.get("n_examples")
        items.append(
            {
                "who": f"{r.label}: " if len(runs) > 1 else "",
                "n": fmt(n_ex) if is_number(n_ex) else "?",
                "version": text(b.get("version", "?")),
                "settings": ", ".join(
                    f"{k}={v}"
                    for k, v in cfg.items()
                    if not isinstance(v, list | dict) and v is not None
                ),
            }
        )
    return items


def _show(value: Any) -> str:
    if isinstance(value, float):
        return fmt(value, 3)
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def _examples(runs: list[Run], name: str) -> list[dict[str, Any]]:
    """Per run that has the benchmark: how its examples were chosen, and the examples."""
    present = [r for r in runs if name in r.benchmarks]
    k = 5 if len(present) == 1 else 3
    out = []
    for r in present:
        explain, examples = reading(name).pick(r.samples.get(name, []), k)
        cards = [
            {
                "id": None if ex.row.get("id") is None else str(ex.row.get("id")),
                "fields": [(label, _show(v)) for label, v in ex.fields],
                "score": (ex.score_label, fmt(ex.score, 3))
                if ex.score_label and ex.score is not None
                else None,
            }
            for ex in examples
        ]
        out.append(
            {"label": r.label if len(present) > 1 else None, "explain": explain, "cards": cards}
        )
    return out


def _caveats(runs: list[Run], name: str, bench: dict[str, Any]) -> dict[str, Any]:
    samples = []
    for r in runs:
        b = r.benchmarks.get(name)
        if b and is_number((b.get("config") or {}).get("limit")):
            samples.append((f"{r.label}: " if len(runs) > 1 else "", fmt(b["config"]["limit"])))
    notes: list[str] = []
    for r in runs:
        for n in (r.benchmarks.get(name) or {}).get("summary", {}).get("notes", []):
            if n not in notes:
                notes.append(n)
    nc = bench.get("commercial_use_ok") is False
    return {
        "nc_licence": text(bench.get("license", "")) if nc else None,
        "texts": reading(name).caveats,
        "samples": samples,
        "notes": notes,
    }


def _tables(runs: list[Run], name: str) -> list[tuple[str | None, Any]]:
    """Each run's summary tables, rendered, labelled by run when there are several."""
    found = [
        (r, r.benchmarks[name].get("summary", {}).get("tables"))
        for r in runs
        if name in r.benchmarks
    ]
    return [(r.label if len(runs) > 1 else None, render_tables(t)) for r, t in found if t]


def section_context(runs: list[Run], name: str, counter: list[int]) -> dict[str, Any]:
    """What ``benchmark.html.j2`` shows for benchmark ``name``; ``counter`` numbers the
    charts across the page."""
    bench = next(r.benchmarks[name] for r in runs if name in r.benchmarks)
    return {
        "slug": slug(name),
        "name": name,
        "title": bench_title(runs, name),
        "description": text(bench.get("description")),
        "meaning": reading(name).meaning,
        "meta": _meta(runs, name),
        "licence": text(bench.get("license", "not recorded")),
        "non_commercial": bench.get("commercial_use_ok") is False,
        "citation": text(bench.get("citation")),
        "charts": _charts(runs, name, counter),
        "tables": _tables(runs, name),
        "all_figures": _all_figures(runs, name),
        "examples": _examples(runs, name),
        "caveats": _caveats(runs, name, bench),
    }
