"""Render a benchmark summary's ``tables`` generically.

Group-metric results (``{"task": ..., "result": {"by_group": ..., "summary": ...}}``, as
BBQ and WinoBias write them) get a metric table with CIs and p-values, a by-group table
and confusion counts. Lists of records become tables, flat dictionaries key/value
tables, and anything else is shown as JSON, so a new benchmark's tables still render.
"""

from __future__ import annotations

import json
from typing import Any

from fairlm.report._format import esc, fmt, fmt_p, is_number

__all__ = ["render_tables"]

NAMES = {
    "selection_rate": "selection rate",
    "accuracy": "accuracy",
    "tpr": "true positive rate (TPR)",
    "fpr": "false positive rate (FPR)",
    "tnr": "true negative rate (TNR)",
    "fnr": "false negative rate (FNR)",
    "ppv": "precision (PPV)",
    "fdr": "false discovery rate (FDR)",
    "npv": "negative predictive value (NPV)",
    "for": "false omission rate (FOR)",
    "count": "count",
}
DESCRIBE = (
    ("task", "Task"),
    ("y_true", "True label"),
    ("y_pred", "Prediction"),
    ("sensitive_feature", "Groups"),
    ("context_condition", "Context"),
    ("reference", "Reference group"),
    ("unit", "Unit"),
)
MAX_ROWS_OPEN = 25
MAX_DEPTH = 4


def _label(name: str) -> str:
    return NAMES.get(name, str(name).replace("_", " "))


def _ci(d: dict[str, Any], digits: int) -> str:
    lo, hi = d.get("ci_low"), d.get("ci_high")
    if is_number(lo) and is_number(hi):
        return f"[{fmt(lo, digits)}, {fmt(hi, digits)}]"
    return ""


def _scroll(head: list[str], rows: list[list[str]], caption: str = "") -> str:
    cap = f"<caption>{esc(caption)}</caption>" if caption else ""
    th = "".join(f'<th scope="col">{esc(h)}</th>' for h in head)
    body = "".join(
        "<tr>"
        + "".join(
            (f'<th scope="row">{c}</th>' if i == 0 else f'<td class="num">{c}</td>')
            if _looks_numeric(c) or i == 0
            else f"<td>{c}</td>"
            for i, c in enumerate(r)
        )
        + "</tr>"
        for r in rows
    )
    return (
        f'<div class="scroll" tabindex="0"><table>{cap}<thead><tr>{th}</tr></thead>'
        f"<tbody>{body}</tbody></table></div>"
    )


def _looks_numeric(cell: str) -> bool:
    return bool(cell) and cell[0] in "0123456789\u2212[" and " " not in cell.replace(", ", "")


def _is_group_metrics(v: Any) -> bool:
    return (
        isinstance(v, dict)
        and isinstance(v.get("result"), dict)
        and ("by_group" in v["result"] or "summary" in v["result"])
    )


def _group_metrics(name: str, spec: dict[str, Any]) -> str:
    res = spec["result"]
    digits = 3
    out = [f"<h4>{esc(name.replace('_', ' '))}</h4>"]
    desc = "".join(
        f"<li><strong>{esc(label)}:</strong> {esc(spec[key])}</li>"
        for key, label in DESCRIBE
        if spec.get(key) not in (None, "")
    )
    if desc:
        out.append(f"<ul>{desc}</ul>")
    summary = res.get("summary")
    if isinstance(summary, dict) and summary:
        rows = [
            [
                esc(k.replace("_", " ")),
                esc(fmt(d.get("value"), digits)),
                esc(_ci(d, digits)),
                esc(fmt_p(d.get("p_value"))),
            ]
            for k, d in summary.items()
            if isinstance(d, dict)
        ]
        out.append(
            _scroll(
                ["Fairness metric", "Value", "95% CI", "p-value"],
                rows,
                "Differences between groups (reference: "
                f"{res.get('reference') or spec.get('reference') or 'none'})",
            )
        )
    by_group = res.get("by_group")
    if isinstance(by_group, dict) and by_group:
        groups: list[str] = []
        for per in by_group.values():
            if isinstance(per, dict):
                groups += [g for g in per if g not in groups]
        rows = []
        for metric, per in by_group.items():
            if metric == "count" or not isinstance(per, dict):
                continue
            row = [esc(_label(metric))]
            for g in groups:
                d = per.get(g) or {}
                row.append(esc(f"{fmt(d.get('value'), digits)} {_ci(d, digits)}".strip()))
            rows.append(row)
        out.append(_scroll(["Metric"] + [str(g) for g in groups], rows, "Per group, with 95% CI"))
    counts = res.get("groups")
    if isinstance(counts, list) and counts:
        rows = []
        for g in counts:
            if not isinstance(g, dict):
                continue
            c = g.get("confusion") or {}
            rows.append(
                [esc(g.get("name", "")), esc(fmt(g.get("n_rows")))]
                + [esc(fmt(c.get(k), 0)) for k in ("tp", "fp", "tn", "fn")]
            )
        out.append(
            _scroll(["Group", "n", "TP", "FP", "TN", "FN"], rows, "Confusion counts per group")
        )
    settings = {
        k: res.get(k)
        for k in ("ci_method", "n_bootstrap", "n_permutations", "confidence", "seed")
        if res.get(k) is not None
    }
    if settings:
        txt = ", ".join(f"{k}={v}" for k, v in settings.items())
        out.append(
            f'<p class="muted">Settings: <code>{esc(txt)}</code>. p-values: permutation '
            "test of no difference between groups.</p>"
        )
    return "\n".join(out)


def _cell(v: Any) -> str:
    if isinstance(v, bool) or v is None:
        return esc("" if v is None else str(v).lower())
    if isinstance(v, int):
        return esc(fmt(v))
    if isinstance(v, float):
        return esc(fmt(v))
    if isinstance(v, list | dict):
        return esc(json.dumps(v, ensure_ascii=False)[:200])
    return esc(v)


def _records(name: str, rows: list[dict[str, Any]]) -> str:
    cols: list[str] = []
    for r in rows:
        cols += [k for k in r if k not in cols]
    cols = cols[:12]
    body = [[_cell(r.get(c)) for c in cols] for r in rows]
    table = _scroll([c.replace("_", " ") for c in cols], body)
    title = esc(name.replace("_", " "))
    if len(rows) > MAX_ROWS_OPEN:
        return f"<details><summary>{title} ({len(rows)} rows)</summary>{table}</details>"
    return f"<h4>{title}</h4>{table}"


def _render(name: str, value: Any, depth: int) -> str:
    if _is_group_metrics(value):
        return _group_metrics(name, value)
    if isinstance(value, list) and value and all(isinstance(r, dict) for r in value):
        return _records(name, value)
    if (
        isinstance(value, dict)
        and value
        and all(not isinstance(v, dict | list) for v in value.values())
    ):
        rows = [[esc(str(k).replace("_", " ")), _cell(v)] for k, v in value.items()]
        return f"<h4>{esc(name.replace('_', ' '))}</h4>" + _scroll(["Key", "Value"], rows)
    if isinstance(value, dict) and depth < MAX_DEPTH:
        parts = [_render(str(k), v, depth + 1) for k, v in value.items()]
        return "\n".join(p for p in parts if p)
    if value in (None, [], {}):
        return ""
    text = json.dumps(value, indent=1, ensure_ascii=False)
    if len(text) > 20000:
        text = text[:20000] + "\n..."
    return (
        f"<details><summary>{esc(name.replace('_', ' '))} (raw)</summary>"
        f"<pre>{esc(text)}</pre></details>"
    )


def render_tables(tables: dict[str, Any]) -> str:
    """HTML for a summary's ``tables`` dictionary (any shape)."""
    if not isinstance(tables, dict):
        return _render("tables", tables, MAX_DEPTH)
    return "\n".join(p for p in (_render(str(k), v, 0) for k, v in tables.items()) if p)
