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

from fairlm._text import near_tie_text
from fairlm.report._benchmarks import reading
from fairlm.report._charts import MARKERS, Point, bar_chart
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
from fairlm.report._glossary import Glossary, glossary
from fairlm.report._load import Run, bench_title, headline_figure
from fairlm.report._render import macro
from fairlm.report._summary import run_key, signed, slug
from fairlm.report._tables import render_tables
from fairlm.report._verdicts import COMPARISON_KINDS, Judged, bench_verdicts, figure_key, p_text

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
    ideal = ref.get("ideal")
    base = f"the ideal value {fmt_ideal(ideal)}" if is_number(ideal) else "0"
    cap = f"{metric_label(metric).capitalize()} by group: each bar runs from {base} to the value"
    if any(is_number(p.ci_low) for p in points):
        cap += ", the whisker is its 95% CI"
    else:
        cap += " (no confidence intervals recorded)"
    if is_number(ideal):
        cap += f"; the dashed line marks the ideal value {fmt_ideal(ideal)}"
    cap += (
        f"; {direction_text(ref)}. The value is printed at the end of each bar, the number "
        "of examples (n) beside each group's name."
    )
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
            n = f.get("n")
            points.append(
                Point(
                    group,
                    i,
                    f.get("value"),
                    f.get("ci_low"),
                    f.get("ci_high"),
                    int(n) if is_number(n) else None,
                )
            )
            cells += [fmt(f.get("value")), fmt_ci(f)]
        n = next((per_run[i][key].get("n") for i in present if key in per_run[i]), None)
        rows.append(cells + [fmt(n) if is_number(n) else ""])
    if not points or ref is None:
        return None
    counter[0] += 1
    cid = f"chart-{counter[0]}"
    svg = bar_chart(
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
        "title": f"{metric_label(metric).capitalize()} by group",
        "legend": [run_key(i, labels[i]) for i in present] if len(present) > 1 else [],
        "caption": _chart_caption(metric, ref, points, labels, present),
        "table": {
            "head": head,
            "rows": rows,
            "num": set(range(1, len(head))),
            "caption": f"{metric_label(metric).capitalize()} by group: the numbers of the chart",
        },
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


def _term(g: Glossary, metric: str) -> Any:
    """A metric's name, linked to its glossary entry where it has one (markup)."""
    entry = g.lookup(metric)
    return macro("_macros.html.j2", "term")(metric_label(metric), entry.anchor if entry else None)


def _verdict(j: Judged | None, i: int, name: str, key: Key, *, why: bool = False) -> Any:
    """A figure's verdict badge (markup), marked with the figure it judges."""
    if j is None:
        return ""
    data = {"run": i, "bench": name, "metric": key[0], "kind": key[1], "group": key[2]}
    return macro("_macros.html.j2", "verdict")(j, data, why)


def _all_figures(runs: list[Run], name: str) -> dict[str, Any]:
    """Every figure of every run, with intervals, n, p-values and verdicts (one run), or
    each run's value and CI, the change, and the last run's verdict."""
    keys, per_run = _fig_index(runs, name)
    present = [i for i, r in enumerate(runs) if name in r.benchmarks]
    judged = {i: bench_verdicts(runs[i].benchmarks[name]) for i in present}
    g = glossary(name)
    multi = len(present) > 1
    head = ["Metric", "Group", "Kind"]
    if multi:
        for i in present:
            head += [f"{runs[i].label}: value", "95% CI"]
        head += ["Change", "Beyond CIs?", f"Verdict ({runs[present[-1]].label})", "Note"]
    else:
        head += ["Value", "95% CI", "n", "p-value", "Holm p", "Ideal", "Verdict", "Note"]
    rows: list[list[Any]] = []
    for key in keys:
        figs = [per_run[i].get(key) for i in present]
        f = next(x for x in figs if x is not None)
        cells: list[Any] = [_term(g, key[0]), key[2], key[1].replace("_", " ")]
        last = present[-1]
        if multi:
            for x in figs:
                cells += [fmt_value(x), fmt_ci(x)] if x else ["", ""]
            ch = compare(figs[0], figs[-1]) if figs[0] and figs[-1] else None
            cells += [signed(ch.value), macro("_macros.html.j2", "beyond")(ch)] if ch else ["", ""]
            cells.append(_verdict(judged[last].get(key), last, name, key) if figs[-1] else "")
            cells.append(text(f.get("note", "")))
        else:
            j = judged[last].get(key)
            n = f.get("n")
            cells += [
                fmt_value(f),
                fmt_ci(f),
                fmt(n) if is_number(n) else "",
                fmt_p(f.get("p_value")),
                fmt_p(j.p_adjusted) if j is not None and j.p_adjusted is not None else "",
            ]
            cells += [direction_text(f), _verdict(j, last, name, key), text(f.get("note", ""))]
        rows.append(cells)
    # multi: values, CIs and the change; single: value, CI, n, p, Holm p
    num = set(range(3, 4 + 2 * len(present))) if multi else {3, 4, 5, 6, 7}
    return {
        "head": head,
        "rows": rows,
        "num": num,
        "caption": f"Every figure of {bench_title(runs, name)}",
        "count": len(rows),
    }


def _comparisons(runs: list[Run], name: str) -> dict[str, Any] | None:
    """The comparisons between groups (gaps and differences) with their p-values, raw
    and Holm-adjusted, and verdicts: per run."""
    g = glossary(name)
    blocks, total, deviate = [], 0, 0
    present = [i for i, r in enumerate(runs) if name in r.benchmarks]
    for i in present:
        bench = runs[i].benchmarks[name]
        judged = bench_verdicts(bench)
        rows = []
        for f in bench.get("summary", {}).get("figures", []):
            if not isinstance(f, dict) or f.get("kind") not in COMPARISON_KINDS:
                continue
            key = figure_key(f)
            j = judged.get(key)
            n = f.get("n")
            rows.append(
                [
                    _term(g, key[0]),
                    key[2],
                    fmt_value(f),
                    fmt_ci(f),
                    fmt(n) if is_number(n) else "",
                    fmt_p(f.get("p_value")) or "none",
                    fmt_p(j.p_adjusted) if j is not None and j.p_adjusted is not None else "",
                    _verdict(j, i, name, key),
                ]
            )
            deviate += j is not None and j.status == "deviates"
        if rows:
            total += len(rows)
            label = runs[i].label if len(present) > 1 else None
            blocks.append(
                {
                    "label": label,
                    "head": ["Metric", "Group", "Value", "95% CI", "n", "p-value", "Holm p"]
                    + ["Verdict"],
                    "rows": rows,
                    "num": {2, 3, 4, 5, 6},
                    "caption": "Comparisons between groups" + (f": {label}" if label else ""),
                }
            )
    if not blocks:
        return None
    per_run = total // len(blocks)
    return {
        "blocks": blocks,
        "summary": f"Comparisons between groups ({per_run}"
        + (" per run" if len(blocks) > 1 else "")
        + f"; {deviate} deviate{'s' if deviate == 1 else ''} from the ideal)",
    }


def _headlines(runs: list[Run], name: str) -> list[dict[str, Any]]:
    """Per run: the headline figure with its interval, n and verdict, for the line under
    the section's heading."""
    present = [i for i, r in enumerate(runs) if name in r.benchmarks]
    out = []
    for i in present:
        bench = runs[i].benchmarks[name]
        f = headline_figure(bench)
        if f is None:
            continue
        key = figure_key(f)
        j = bench_verdicts(bench).get(key)
        n = f.get("n")
        out.append(
            {
                "who": run_key(i, runs[i].label) if len(present) > 1 else None,
                "value": fmt_value(f),
                "ci": fmt_ci(f),
                "n": fmt(n) if is_number(n) else "",
                "p": p_text(j),
                "verdict": _verdict(j, i, name, key, why=True),
            }
        )
    return out


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
    ref = next(
        (headline_figure(r.benchmarks[name]) for r in reversed(runs) if name in r.benchmarks),
        None,
    )
    ties = next(
        (r.benchmarks[name].get("near_ties") for r in reversed(runs) if name in r.benchmarks),
        None,
    )
    g = glossary(name)
    return {
        "slug": slug(name),
        "name": name,
        "title": bench_title(runs, name),
        "description": text(bench.get("description")),
        "meaning": reading(name).meaning,
        "headline_term": _term(g, str(ref.get("metric", ""))) if ref else "",
        "headline_unit": text(ref.get("unit")) if ref else "",
        "headline_ideal": direction_text(ref) if ref else "",
        "headlines": _headlines(runs, name),
        "ties": near_tie_text(ties) if ties and ties.get("count") else "",
        "meta": _meta(runs, name),
        "licence": text(bench.get("license", "not recorded")),
        "non_commercial": bench.get("commercial_use_ok") is False,
        "citation": text(bench.get("citation")),
        "charts": _charts(runs, name, counter),
        "comparisons": _comparisons(runs, name),
        "tables": _tables(runs, name),
        "all_figures": _all_figures(runs, name),
        "examples": _examples(runs, name),
        "caveats": _caveats(runs, name, bench),
    }
