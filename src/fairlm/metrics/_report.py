"""Plain-text tables for :class:`GroupMetrics` (what ``fairlm metrics`` prints)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from fairlm.metrics._estimate import fmt, fmt_ci, fmt_p, render_table

if TYPE_CHECKING:
    from fairlm.metrics._group_metrics import GroupMetrics

__all__ = ["group_metrics_table"]


def _ci_header(gm: GroupMetrics) -> str:
    return f"{round(gm.confidence * 100, 2):g}% CI"


def _num(x: float) -> str:
    return f"{x:.0f}" if float(x).is_integer() else f"{x:.2f}"


def _groups_section(gm: GroupMetrics) -> str:
    headers = ["group", "n_rows", *(["weight"] if gm.weighted else []), "tn", "fp", "fn", "tp"]
    rows = []
    for g in gm.groups_info:
        cells = [_num(g.confusion[c]) for c in ("tn", "fp", "fn", "tp")]
        note = " (reference)" if g.name == gm.reference else ""
        note += f" (small: n < {gm.min_group_size}, not compared)" if g.small else ""
        weight = [_num(g.weight)] if gm.weighted else []
        rows.append([g.name + note, str(g.n_rows), *weight, *cells])
    title = f"Groups ({' x '.join(gm.features)})"
    return title + "\n" + render_table(headers, rows)


def _per_group_section(gm: GroupMetrics) -> str:
    ci = _ci_header(gm)
    headers = ["metric", "group", "value", ci]
    if gm.reference is not None:
        headers += [f"minus {gm.reference}", ci, "p"]
    rows = []
    for m in gm.rate_metrics:
        values = gm.by_group(m)
        diffs = gm.differences_to_reference(m) if gm.reference is not None else {}
        for i, (g, e) in enumerate(values.items()):
            row = ["" if i else m, g, fmt(e.value), fmt_ci(e.ci_low, e.ci_high)]
            if gm.reference is not None:
                d = diffs.get(g)  # None for the reference itself
                row += (
                    ["", "", ""]
                    if d is None
                    else [fmt(d.value), fmt_ci(d.ci_low, d.ci_high), fmt_p(d.p_value)]
                )
            rows.append(row)
        o = gm.overall(m)
        extra = ["", "", ""] if gm.reference is not None else []
        rows.append(["", "(overall)", fmt(o.value), fmt_ci(o.ci_low, o.ci_high), *extra])
    title = f"Per-group values ({_resampling_note(gm)})"
    return title + "\n" + render_table(headers, rows, right={2, 3, 4, 5, 6})


def _resampling_note(gm: GroupMetrics) -> str:
    if gm.ci_method == "auto" and gm._equal_weights:
        return "CIs: Wilson for rates, Newcombe for differences; see docs/metrics.md"
    if not gm.n_bootstrap:
        return "no bootstrap: pass n_bootstrap > 0 for CIs"
    return (
        f"{gm.ci_method} bootstrap CIs from {gm.n_bootstrap} resamples stratified by group, "
        f"seed {gm.seed}"
    )


def _between_section(gm: GroupMetrics) -> str:
    ci = _ci_header(gm)
    headers = ["metric", "max - min", ci, "p", "min / max", ci, "p"]
    rows = []
    for m in gm.rate_metrics:
        d, r = gm.difference(m), gm.ratio(m)
        rows.append(
            [
                m,
                fmt(d.value),
                fmt_ci(d.ci_low, d.ci_high),
                fmt_p(d.p_value),
                fmt(r.value),
                fmt_ci(r.ci_low, r.ci_high),
                fmt_p(r.p_value),
            ]
        )
    n = len(gm.groups) - len(gm.small_groups)
    title = f"Between groups ({n} groups compared; p: permutation test"
    title += f", {gm.n_permutations} permutations)" if gm.n_permutations else ", not run)"
    return title + "\n" + render_table(headers, rows)


def _summary_section(gm: GroupMetrics) -> str:
    headers = ["summary metric", "value", _ci_header(gm), "p"]
    rows = [
        [name, fmt(e.value), fmt_ci(e.ci_low, e.ci_high), fmt_p(e.p_value)]
        for name, e in gm.summary().items()
    ]
    if gm.reference is None:
        how = "differences are max - min (0 is parity), ratios min / max (1 is parity)"
    else:
        how = (
            f"differences are group - {gm.reference} for the group farthest from "
            f"{gm.reference}; ratios the smallest group / {gm.reference}"
        )
    return f"Summary ({how})\n" + render_table(headers, rows)


def group_metrics_table(gm: GroupMetrics) -> str:
    label = "pos_label=" + (repr(gm.pos_label) if gm.pos_label is not None else "1 (0/1 labels)")
    total = sum(g.n_rows for g in gm.groups_info)
    head = f"{total} rows, {len(gm.groups)} groups, {label}"
    sections = [head, _groups_section(gm), _per_group_section(gm)]
    sections += [_between_section(gm), _summary_section(gm)]
    return "\n\n".join(sections) + "\n"
