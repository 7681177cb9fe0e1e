"""Assemble the self-contained HTML report from loaded runs.

Every piece of text that comes from a results file, a samples file or the model goes
through :func:`~fairlm.report._format.esc` before it reaches the page.
"""

from __future__ import annotations

import datetime as _dt
import json
import re
from pathlib import Path
from typing import Any

from fairlm import __version__
from fairlm._io import atomic_write_text
from fairlm._text import near_tie_text
from fairlm.report._benchmarks import (
    GENERAL_CAVEATS,
    model_caveats,
    notes_for,
    pick_examples,
)
from fairlm.report._charts import MARKERS, Point, dot_chart, marker_svg
from fairlm.report._compare import CHANGE_RULE, Change, compare
from fairlm.report._data_audit import DataAudit, training_data
from fairlm.report._format import (
    direction_text,
    esc,
    fmt,
    fmt_ci,
    fmt_ideal,
    fmt_p,
    fmt_value,
    html_table,
    ideal_text,
    is_number,
    metric_label,
    verdict_text,
)
from fairlm.report._load import Run, bench_title, benchmark_names, headline_figure, load_inputs
from fairlm.report._model_card import build_model_card
from fairlm.report._style import CSS, SCRIPT, csp
from fairlm.report._tables import render_tables

__all__ = ["build_report_html", "write_report", "render"]

GAP_PREFIX = "gap"


def build_report_html(
    run_dirs: list[Path] | list[str],
    *,
    title: str | None = None,
    labels: list[str] | None = None,
) -> str:
    """The report for run directories and data-audit JSON files, as one HTML string."""
    runs, audits = load_inputs([Path(p) for p in run_dirs], labels=labels)
    card = build_model_card(runs) if runs else ""
    return render(runs, title=title, model_card=card, audits=audits)


def write_report(
    run_dirs: list[Path] | list[str],
    output: Path | str,
    *,
    title: str | None = None,
    labels: list[str] | None = None,
) -> Path:
    """Write the HTML report to ``output`` and ``model_card.md`` next to it; return ``output``.

    ``run_dirs`` are audit runs and data-audit JSON files (a JSON file whose ``kind`` is
    ``fairlm.data_audit``); the latter fill the "Training data" section. Reads only
    saved files; both outputs are written atomically, the model card only when there is
    at least one audit run.
    """
    runs, audits = load_inputs([Path(p) for p in run_dirs], labels=labels)
    card = build_model_card(runs) if runs else ""
    html = render(runs, title=title, model_card=card, audits=audits)
    out = Path(output)
    if runs:
        atomic_write_text(out.parent / "model_card.md", card)
    return atomic_write_text(out, html)


# -- helpers -----------------------------------------------------------------------


def _slug(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9_-]+", "-", str(name)).strip("-") or "x"


def _signed(v: float | None) -> str:
    if not is_number(v):
        return "n/a"
    s = fmt(v)
    return s if s.startswith("\u2212") or s == fmt(0.0) else "+" + s


def _beyond_html(ch: Change) -> str:
    cls = ' class="yes"' if ch.beyond_ci else ""
    return f"<span{cls}>{esc(ch.beyond_text)}</span>"


def _run_key(i: int, label: str) -> str:
    """A run's marker shape and label, as used in the charts' legends."""
    k = i % len(MARKERS)
    svg = (
        f'<svg width="14" height="14" viewBox="0 0 14 14" aria-hidden="true" class="run-{k}">'
        f"{marker_svg(MARKERS[k], 7, 7, 4.5)}</svg>"
    )
    return f'<span class="key">{svg} {esc(label)}</span>'


def _figures(bench: dict[str, Any]) -> list[dict[str, Any]]:
    return [f for f in bench.get("summary", {}).get("figures", []) if isinstance(f, dict)]


def _fig_index(runs: list[Run], name: str) -> tuple[list[tuple[str, str]], list[dict]]:
    """(metric, group) keys in first-seen order, and one {key: figure} dict per run."""
    keys: list[tuple[str, str]] = []
    per_run: list[dict] = []
    for run in runs:
        d: dict[tuple[str, str], dict] = {}
        for f in _figures(run.benchmarks.get(name, {})):
            key = (str(f.get("metric")), str(f.get("group", "overall")))
            d[key] = f
            if key not in keys:
                keys.append(key)
        per_run.append(d)
    return keys, per_run


# -- the page ------------------------------------------------------------------------


def render(
    runs: list[Run],
    *,
    title: str | None = None,
    model_card: str = "",
    audits: list[DataAudit] | None = None,
) -> str:
    audits = audits or []
    names = benchmark_names(runs)
    models: list[str] = []
    for r in runs:
        if r.model_name not in models:
            models.append(r.model_name)
    if models:
        title = title or f"Fairness report: {' vs '.join(models)}"
    else:
        title = title or f"Training data report: {', '.join(a.label for a in audits)}"
    now = _dt.datetime.now(_dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    nav = ['<li><a href="#summary">Summary</a></li>'] if runs else []
    if audits:
        nav.append('<li><a href="#training-data">Training data</a></li>')
    nav += [f'<li><a href="#bench-{_slug(n)}">{esc(bench_title(runs, n))}</a></li>' for n in names]
    if runs:
        nav.append('<li><a href="#model-card">Model card</a></li>')
    nav.append('<li><a href="#about">About</a></li>')
    n_in = len(runs) + len(audits)
    what = f"{n_in} saved {'file' if not runs else 'run'}{'s' if n_in != 1 else ''}"
    if runs and audits:
        what = (
            f"{len(runs)} saved run{'s' if len(runs) != 1 else ''} and "
            f"{len(audits)} data audit{'s' if len(audits) != 1 else ''}"
        )
    counter = [0]
    body = [
        '<a class="skip" href="#main">Skip to the report</a>',
        '<header><div class="wrap">',
        f"<h1>{esc(title)}</h1>",
        f'<p class="muted">Written by fairlm {esc(__version__)} on {esc(now)} from '
        f"{esc(what)}; no model was run to make it.</p>",
        f'<nav aria-label="Contents"><ul>{"".join(nav)}</ul></nav>',
        "</div></header>",
        '<main id="main" class="wrap">',
    ]
    if runs:
        body.append(_summary(runs, names))
    if audits:
        body.append(training_data(audits, counter))
    for name in names:
        body.append(_bench_section(runs, name, counter))
    if runs:
        body.append(_model_card_section(model_card))
    body.append(_about(runs, audits))
    body.append("</main>")
    body.append(
        f'<footer class="wrap"><p>fairlm {esc(__version__)}. This page is self-contained: '
        "it loads nothing from the network.</p></footer>"
    )
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{esc(csp())}">\n'
        '<meta name="generator" content="fairlm report">\n'
        f"<title>{esc(title)}</title>\n<style>\n{CSS}\n</style>\n</head>\n<body>\n"
        + "\n".join(body)
        + f"\n<script>{SCRIPT}</script>\n</body>\n</html>\n"
    )


def _summary(runs: list[Run], names: list[str]) -> str:
    out = ['<section id="summary" aria-labelledby="summary-h">', '<h2 id="summary-h">Summary</h2>']
    rows = []
    for i, r in enumerate(runs):
        m = r.model
        params = m.get("parameters")
        rows.append(
            [
                _run_key(i, r.label) if len(runs) > 1 else esc(r.label),
                esc(r.model_name),
                esc(f"{params / 1e6:.0f} M" if is_number(params) else "?"),
                esc(_dtype_text(m)),
                esc(str(r.results.get("created", ""))[:16].replace("T", " ")),
                esc(", ".join(bench_title([r], n) for n in r.benchmarks)),
                esc(m.get("license", "not recorded")),
                esc(r.results.get("fairlm_version", "")),
            ]
        )
    out.append(
        html_table(
            [
                "Run",
                "Model",
                "Parameters",
                "dtype",
                "Date (UTC)",
                "Benchmarks",
                "Model licence",
                "fairlm",
            ],
            rows,
            caption="Runs in this report",
        )
    )
    problems = [f"{r.label}: {p}" for r in runs for p in r.problems]
    mc = []
    for r in runs:
        for c in model_caveats(r.model, licence=False):
            if c not in mc:
                mc.append(c)
    if problems or mc:
        items = "".join(f"<li>{esc(x)}</li>" for x in problems + mc)
        out.append(f'<div class="warn"><p><strong>Please note</strong></p><ul>{items}</ul></div>')
    out.append("<h3>Headline figures</h3>")
    out.append(
        '<p class="muted">One figure per benchmark, with its 95% confidence interval '
        "(CI) in brackets: the range that the value would likely fall in if the benchmark "
        "were sampled again.</p>"
    )
    cards = []
    for name in names:
        cards.append(_headline_card(runs, name))
    out.append(f'<div class="cards">{"".join(cards)}</div>')
    if len(runs) > 1:
        out.append(f'<p class="muted"><strong>Change rule.</strong> {esc(CHANGE_RULE)}</p>')
    out.append("</section>")
    return "\n".join(out)


def _dtype_text(model: dict) -> str:
    """The weights' dtype, and the products' where the engine fell back (e.g. a CPU
    without bfloat16 products)."""
    dtype = str(model.get("dtype", ""))
    products = str((model.get("engine") or {}).get("products", "")).split(" ")[0]
    return f"{dtype} (products in {products})" if products and products != dtype else dtype


def _headline_card(runs: list[Run], name: str) -> str:
    bench = next(r.benchmarks[name] for r in runs if name in r.benchmarks)
    figs = [headline_figure(r.benchmarks[name]) if name in r.benchmarks else None for r in runs]
    ref = next((f for f in reversed(figs) if f is not None), None)
    parts = [
        f'<article class="card" aria-labelledby="card-{_slug(name)}">',
        f'<h3 id="card-{_slug(name)}"><a href="#bench-{_slug(name)}">'
        f"{esc(bench_title(runs, name))}</a></h3>",
    ]
    if ref is None:
        parts.append("<p>No figures.</p></article>")
        return "".join(parts)
    unit = f" ({ref.get('unit')})" if ref.get("unit") else ""
    parts.append(f'<p class="muted">{esc(metric_label(ref.get("metric", "")) + unit)}</p>')
    present = [(i, f) for i, f in enumerate(figs) if f is not None]
    if len(present) == 1:
        f = present[0][1]
        parts.append(f'<p><span class="big">{esc(fmt(f.get("value")))}</span> {esc(fmt_ci(f))}</p>')
    else:
        rows = [
            [_run_key(i, runs[i].label), esc(fmt(f.get("value"))), esc(fmt_ci(f))]
            for i, f in present
        ]
        parts.append(html_table(["Run", "Value", "95% CI"], rows, num={1}))
        (_, first), (_, last) = present[0], present[-1]
        ch = compare(first, last)
        parts.append(
            f"<p>Change ({esc(runs[present[-1][0]].label)} \u2212 "
            f"{esc(runs[present[0][0]].label)}): "
            f"<strong>{esc(_signed(ch.value))}</strong>"
            f"{', ' + esc(ch.direction) if ch.direction else ''}. Beyond the CIs: "
            f"{_beyond_html(ch)}.</p>"
        )
    parts.append(f"<p><strong>{esc(ideal_text(ref).capitalize())}.</strong></p>")
    verdict = verdict_text(ref)
    if verdict:
        parts.append(f"<p>{esc(verdict)}</p>")
    ties = next(
        (r.benchmarks[name].get("near_ties") for r in reversed(runs) if name in r.benchmarks),
        None,
    )
    if ties and ties.get("count"):
        parts.append(f'<p class="muted">{esc(near_tie_text(ties))}.</p>')
    meaning = notes_for(name).meaning or bench.get("description", "")
    if meaning:
        parts.append(f'<p class="meaning">{esc(meaning)}</p>')
    if bench.get("commercial_use_ok") is False:
        parts.append(
            '<p><span class="badge nc">Non-commercial data: '
            f"{esc(bench.get('license', ''))}</span></p>"
        )
    parts.append("</article>")
    return "".join(parts)


def _chart_metrics(runs: list[Run], name: str) -> list[str]:
    """Metrics worth a chart: the headline first, then those with several groups."""
    keys, _ = _fig_index(runs, name)
    groups: dict[str, list[str]] = {}
    for metric, group in keys:
        if not group.startswith(GAP_PREFIX):
            groups.setdefault(metric, []).append(group)
    headline = next(
        (
            r.benchmarks[name].get("summary", {}).get("headline")
            for r in runs
            if name in r.benchmarks
        ),
        None,
    )
    multi = [m for m, g in groups.items() if len(g) > 1]
    order = []
    if headline in groups:
        order.append(headline)
    order += [m for m in multi if m not in order]
    if not order and groups:
        order.append(next(iter(groups)))
    return order


def _chart_block(runs: list[Run], name: str, metric: str, counter: list[int]) -> str:
    keys, per_run = _fig_index(runs, name)
    present = [i for i, r in enumerate(runs) if name in r.benchmarks]
    labels = [r.label for r in runs]
    points = []
    rows = []
    ref = None
    for m, g in keys:
        if m != metric or g.startswith(GAP_PREFIX):
            continue
        cells = [esc(g)]
        for i in present:
            f = per_run[i].get((m, g))
            if f is None:
                cells += ["", ""]
                continue
            ref = ref or f
            points.append(Point(g, i, f.get("value"), f.get("ci_low"), f.get("ci_high")))
            cells += [esc(fmt(f.get("value"))), esc(fmt_ci(f))]
        n = next((per_run[i][(m, g)].get("n") for i in present if (m, g) in per_run[i]), None)
        cells.append(esc(fmt(n) if is_number(n) else ""))
        rows.append(cells)
    if not points or ref is None:
        return ""
    counter[0] += 1
    cid = f"chart-{counter[0]}"
    unit = str(ref.get("unit") or "")
    title = f"{bench_title(runs, name)}: {metric_label(metric)} by group"
    svg = dot_chart(
        chart_id=cid,
        title=title,
        points=points,
        run_labels=labels,
        ideal=ref.get("ideal") if is_number(ref.get("ideal")) else None,
        unit=unit,
    )
    has_ci = any(is_number(p.ci_low) for p in points)
    cap = f"{metric_label(metric).capitalize()} by group"
    cap += ", with 95% CI bars" if has_ci else " (no confidence intervals recorded)"
    if is_number(ref.get("ideal")):
        cap += f"; the dashed line marks the ideal value {fmt_ideal(ref.get('ideal'))}"
    cap += f"; {direction_text(ref)}. The value is printed at the end of each row."
    if len(present) > 1:
        cap += (
            " Runs are told apart by marker shape: "
            + ", ".join(f"{MARKERS[i % len(MARKERS)]} = {labels[i]}" for i in present)
            + "."
        )
    head = ["Group"]
    for i in present:
        head += [f"{esc(labels[i])}: value" if len(present) > 1 else "Value", "95% CI"]
    head.append("n")
    numcols = set(range(1, len(head)))
    table = html_table(head, rows, num=numcols)
    return (
        f'<figure aria-labelledby="{cid}-cap">{svg}'
        f'<figcaption id="{cid}-cap">{esc(cap)}</figcaption></figure>'
        f"<details><summary>Numbers behind this chart</summary>{table}</details>"
    )


def _all_figures(runs: list[Run], name: str) -> str:
    keys, per_run = _fig_index(runs, name)
    present = [i for i, r in enumerate(runs) if name in r.benchmarks]
    multi = len(present) > 1
    head = ["Metric", "Group"]
    if multi:
        for i in present:
            head += [f"{esc(runs[i].label)}: value", "95% CI"]
        head += ["Change", "Beyond CIs?", "Note"]
    else:
        head += ["Value", "95% CI", "n", "p-value", "Ideal", "Note"]
    rows = []
    for m, g in keys:
        figs = [per_run[i].get((m, g)) for i in present]
        ref = next(f for f in figs if f is not None)
        cells = [esc(metric_label(m)), esc(g)]
        if multi:
            for f in figs:
                cells += [esc(fmt_value(f)) if f else "", esc(fmt_ci(f)) if f else ""]
            if figs[0] is not None and figs[-1] is not None:
                ch = compare(figs[0], figs[-1])
                cells += [esc(_signed(ch.value)), _beyond_html(ch)]
            else:
                cells += ["", ""]
            cells.append(esc(ref.get("note", "")))
        else:
            f = ref
            cells += [
                esc(fmt_value(f)),
                esc(fmt_ci(f)),
                esc(fmt(f.get("n")) if is_number(f.get("n")) else ""),
                esc(fmt_p(f.get("p_value"))),
                esc(direction_text(f)),
                esc(f.get("note", "")),
            ]
        rows.append(cells)
    # multi: values, CIs and the change; single: value, CI, n, p
    numcols = set(range(2, 3 + 2 * len(present))) if multi else {2, 3, 4, 5}
    return html_table(head, rows, num=numcols)


def _meta(runs: list[Run], name: str) -> str:
    bench = next(r.benchmarks[name] for r in runs if name in r.benchmarks)
    items = []
    for r in runs:
        if name not in r.benchmarks:
            continue
        b = r.benchmarks[name]
        cfg = b.get("config") or {}
        cfg_txt = ", ".join(
            f"{k}={v}" for k, v in cfg.items() if not isinstance(v, list | dict) and v is not None
        )
        who = f"{r.label}: " if len(runs) > 1 else ""
        n_ex = b.get("n_examples")
        items.append(
            f"<li>{esc(who)}{esc(fmt(n_ex) if is_number(n_ex) else '?')} "
            f"examples, benchmark version {esc(b.get('version', '?'))}"
            f"{'; settings: <code>' + esc(cfg_txt) + '</code>' if cfg_txt else ''}</li>"
        )
    lic = esc(bench.get("license", "not recorded"))
    if bench.get("commercial_use_ok") is False:
        lic += ' <span class="badge nc">non-commercial use only</span>'
    items.append(f"<li>Data licence: {lic}</li>")
    if bench.get("citation"):
        items.append(f"<li>Cite: {esc(bench.get('citation'))}</li>")
    return f"<ul>{''.join(items)}</ul>"


def _bench_section(runs: list[Run], name: str, counter: list[int]) -> str:
    slug = _slug(name)
    bench = next(r.benchmarks[name] for r in runs if name in r.benchmarks)
    notes = notes_for(name)
    out = [
        f'<section id="bench-{slug}" class="benchmark" aria-labelledby="bench-{slug}-h">',
        f'<h2 id="bench-{slug}-h">{esc(bench_title(runs, name))} <code>{esc(name)}</code></h2>',
    ]
    if bench.get("description"):
        out.append(f"<p>{esc(bench.get('description'))}</p>")
    if notes.meaning:
        out.append(f"<p><strong>In plain words:</strong> {esc(notes.meaning)}</p>")
    out.append(_meta(runs, name))

    metrics = _chart_metrics(runs, name)
    if metrics:
        out.append("<h3>Results by group</h3>")
        out.append(_chart_block(runs, name, metrics[0], counter))
        more = [b for m in metrics[1:] if (b := _chart_block(runs, name, m, counter))]
        if more:
            out.append(
                f"<details><summary>More charts ({len(more)})</summary>{''.join(more)}</details>"
            )

    tables = [
        (r, r.benchmarks[name].get("summary", {}).get("tables"))
        for r in runs
        if name in r.benchmarks
    ]
    tables = [(r, t) for r, t in tables if t]
    if tables:
        out.append("<h3>Group fairness metrics and other tables</h3>")
        for r, t in tables:
            if len(runs) > 1:
                out.append(f"<h4>{esc(r.label)}</h4>")
            out.append(render_tables(t))

    out.append("<h3>Every figure</h3>")
    out.append(
        "<details><summary>All figures with intervals, sample sizes and p-values</summary>"
        f"{_all_figures(runs, name)}</details>"
    )
    out.append(_examples(runs, name))
    out.append(_caveats(runs, name))
    out.append("</section>")
    return "\n".join(x for x in out if x)


def _examples(runs: list[Run], name: str) -> str:
    present = [r for r in runs if name in r.benchmarks]
    k = 5 if len(present) == 1 else 3
    out = ["<h3>Most stereotyped examples</h3>"]
    any_rows = False
    for r in present:
        explain, examples = pick_examples(name, r.samples.get(name, []), k=k)
        if len(present) > 1:
            out.append(f"<h4>{esc(r.label)}</h4>")
        if not examples:
            out.append('<p class="muted">No samples file for this run, so no examples.</p>')
            continue
        if not any_rows:
            out.append(
                '<p class="warn">Content note: these examples quote stereotypes, some offensive, '
                "from the benchmark data. They are shown to make the figures concrete.</p>"
            )
            any_rows = True
        out.append(f'<p class="muted">{esc(explain)}</p>')
        cards = []
        for ex in examples:
            dl = "".join(
                f"<dt>{esc(label)}</dt><dd>{esc(_show(value))}</dd>" for label, value in ex.fields
            )
            if ex.score_label and ex.score is not None:
                dl += f"<dt>{esc(ex.score_label)}</dt><dd>{esc(fmt(ex.score, 3))}</dd>"
            rid = ex.row.get("id")
            head = f'<p class="exid">id <code>{esc(rid)}</code></p>' if rid is not None else ""
            cards.append(f'<div class="ex">{head}<dl>{dl}</dl></div>')
        out.append(f'<div class="examples">{"".join(cards)}</div>')
    return "\n".join(out)


def _show(value: Any) -> str:
    if isinstance(value, float):
        return fmt(value, 3)
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def _caveats(runs: list[Run], name: str) -> str:
    bench = next(r.benchmarks[name] for r in runs if name in r.benchmarks)
    items = []
    if bench.get("commercial_use_ok") is False:
        items.append(
            f"<li><strong>Licence: {esc(bench.get('license', ''))}, "
            "non-commercial use only.</strong>"
            " Keep the data and results derived from it out of commercial use.</li>"
        )
    items += [f"<li>{esc(c)}</li>" for c in notes_for(name).caveats]
    for r in runs:
        b = r.benchmarks.get(name)
        if b and is_number((b.get("config") or {}).get("limit")):
            who = f"{r.label}: " if len(runs) > 1 else ""
            items.append(
                f"<li>{esc(who)}scored on a seeded sample of {esc(fmt(b['config']['limit']))} "
                "examples, not the whole data set.</li>"
            )
    out = ["<h3>Caveats</h3>", f"<ul>{''.join(items)}</ul>"]
    notes: list[str] = []
    for r in runs:
        for n in (r.benchmarks.get(name) or {}).get("summary", {}).get("notes", []):
            if n not in notes:
                notes.append(n)
    if notes:
        out.append("<h4>Notes recorded by the benchmark</h4>")
        out.append("<ul>" + "".join(f"<li>{esc(n)}</li>" for n in notes) + "</ul>")
    return "\n".join(out)


def _model_card_section(card: str) -> str:
    return (
        '<section id="model-card" aria-labelledby="model-card-h">'
        '<h2 id="model-card-h">Model card: bias evaluation</h2>'
        "<p>Markdown for the bias section of your model card: intended use (fill in the "
        "first line), evaluated biases with the headline figures, and limitations. It is "
        "also saved as <code>model_card.md</code> next to this report.</p>"
        '<p><button type="button" data-copy="model-card-md">Copy Markdown</button></p>'
        f'<pre id="model-card-md" tabindex="0"><code>{esc(card)}</code></pre>'
        "</section>"
    )


def _about(runs: list[Run], audits: list[DataAudit]) -> str:
    items = "".join(f"<li>{esc(c)}</li>" for c in GENERAL_CAVEATS) if runs else ""
    srcs = "".join(
        f"<li>{esc(r.label)}: <code>{esc(r.path)}</code> (results.json and "
        f"{len(r.samples)} samples file(s))</li>"
        for r in runs
    )
    srcs += "".join(
        f"<li>{esc(a.label)}: <code>{esc(a.path)}</code> (data audit)</li>" for a in audits
    )
    rule = f"<p>{esc(CHANGE_RULE)}</p>" if len(runs) > 1 else ""
    how = ""
    if runs:
        how += (
            "<p>Each benchmark section has a chart (markers: values; bars: 95% CIs; dashed "
            "line: the ideal value), the same numbers in a table, every recorded figure, the "
            "most stereotyped examples from the saved per-example rows, and caveats.</p>"
        )
    if audits:
        how += (
            "<p>The training-data section counts words in a corpus; it has no confidence "
            "intervals. Each of its charts has a table of the same numbers.</p>"
        )
    return (
        '<section id="about" aria-labelledby="about-h">'
        '<h2 id="about-h">How to read this report</h2>'
        f"{f'<ul>{items}</ul>' if items else ''}{rule}{how}"
        f"<h3>Sources</h3><ul>{srcs}</ul></section>"
    )
