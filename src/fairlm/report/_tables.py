"""Render a benchmark summary's ``tables`` generically.

Group-metric results (``{"task": ..., "result": {"by_group": ..., "summary": ...}}``, as
BBQ and WinoBias write them) get a metric table with CIs and p-values, a by-group table
and confusion counts. Lists of records become tables, flat dictionaries key/value
tables, and anything else is shown as JSON, so a new benchmark's tables still render.

This module decides which shape is which and turns values into cell text (a list of
blocks); ``templates/tables.html.j2`` lays the blocks out.
"""

from __future__ import annotations

import json
from typing import Any

from fairlm.report._format import fmt, fmt_p, is_number
from fairlm.report._render import render

__all__ = ["render_tables", "table_blocks"]

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
DIGITS = 3  # group-metric values are proportions (0-1)

Block = dict[str, Any]


def _label(name: str) -> str:
    return NAMES.get(name, str(name).replace("_", " "))


def _title(name: str) -> str:
    return str(name).replace("_", " ")


def _ci(d: dict[str, Any]) -> str:
    lo, hi = d.get("ci_low"), d.get("ci_high")
    if is_number(lo) and is_number(hi):
        return f"[{fmt(lo, DIGITS)}, {fmt(hi, DIGITS)}]"
    return ""


def _table(head: list[str], rows: list[list[str]], caption: str) -> Block:
    return {"head": head, "rows": rows, "caption": caption}


def _is_group_metrics(v: Any) -> bool:
    return (
        isinstance(v, dict)
        and isinstance(v.get("result"), dict)
        and ("by_group" in v["result"] or "summary" in v["result"])
    )


def _differences(res: dict[str, Any], spec: dict[str, Any]) -> Block | None:
    summary = res.get("summary")
    if not (isinstance(summary, dict) and summary):
        return None
    rows = [
        [_title(k), fmt(d.get("value"), DIGITS), _ci(d), fmt_p(d.get("p_value"))]
        for k, d in summary.items()
        if isinstance(d, dict)
    ]
    ref = res.get("reference") or spec.get("reference") or "none"
    return _table(
        ["Fairness metric", "Value", "95% CI", "p-value"],
        rows,
        f"Differences between groups (reference: {ref})",
    )


def _by_group(res: dict[str, Any]) -> Block | None:
    by_group = res.get("by_group")
    if not (isinstance(by_group, dict) and by_group):
        return None
    groups: list[str] = []
    for per in by_group.values():
        if isinstance(per, dict):
            groups += [g for g in per if g not in groups]
    rows = []
    for metric, per in by_group.items():
        if metric == "count" or not isinstance(per, dict):
            continue
        row = [_label(metric)]
        for g in groups:
            d = per.get(g) or {}
            row.append(f"{fmt(d.get('value'), DIGITS)} {_ci(d)}".strip())
        rows.append(row)
    return _table(["Metric"] + [str(g) for g in groups], rows, "Per group, with 95% CI")


def _confusion(res: dict[str, Any]) -> Block | None:
    counts = res.get("groups")
    if not (isinstance(counts, list) and counts):
        return None
    rows = []
    for g in counts:
        if not isinstance(g, dict):
            continue
        c = g.get("confusion") or {}
        rows.append(
            [str(g.get("name", "")), fmt(g.get("n_rows"))]
            + [fmt(c.get(k), 0) for k in ("tp", "fp", "tn", "fn")]
        )
    return _table(["Group", "n", "TP", "FP", "TN", "FN"], rows, "Confusion counts per group")


def _group_metrics(name: str, spec: dict[str, Any]) -> Block:
    res = spec["result"]
    settings = {
        k: res.get(k)
        for k in ("ci_method", "n_bootstrap", "n_permutations", "confidence", "seed")
        if res.get(k) is not None
    }
    tables = [_differences(res, spec), _by_group(res), _confusion(res)]
    return {
        "type": "group_metrics",
        "title": _title(name),
        "describe": [
            (label, spec[key]) for key, label in DESCRIBE if spec.get(key) not in (None, "")
        ],
        "tables": [t for t in tables if t is not None],
        "settings": ", ".join(f"{k}={v}" for k, v in settings.items()),
    }


def _cell(v: Any) -> str:
    if isinstance(v, bool) or v is None:
        return "" if v is None else str(v).lower()
    if isinstance(v, int | float):
        return fmt(v)
    if isinstance(v, list | dict):
        return json.dumps(v, ensure_ascii=False)[:200]
    return str(v)


def _records(name: str, rows: list[dict[str, Any]]) -> Block:
    cols: list[str] = []
    for r in rows:
        cols += [k for k in r if k not in cols]
    cols = cols[:12]
    return {
        "type": "records",
        "title": name,
        "collapsed": len(rows) > MAX_ROWS_OPEN,
        "table": _table(
            [c.replace("_", " ") for c in cols],
            [[_cell(r.get(c)) for c in cols] for r in rows],
            name,
        ),
    }


def _path(path: tuple[str, ...]) -> str:
    """Where a table sits in the nested ``tables``: 'descriptors by axis › age › most likely'."""
    return " › ".join(_title(p) for p in path)


def _blocks(path: tuple[str, ...], value: Any, depth: int) -> list[Block]:
    name = _path(path)
    if _is_group_metrics(value):
        return [_group_metrics(name, value)]
    if isinstance(value, list) and value and all(isinstance(r, dict) for r in value):
        return [_records(name, value)]
    nested = isinstance(value, dict) and any(isinstance(v, dict | list) for v in value.values())
    if isinstance(value, dict) and value and (depth < MAX_DEPTH or not nested):
        # scalars in one key/value table, then each nested part under its own name
        flat = {k: v for k, v in value.items() if not isinstance(v, dict | list)}
        out: list[Block] = []
        if flat:
            rows = [[_title(k), _cell(v)] for k, v in flat.items()]
            out.append(
                {"type": "flat", "title": name, "table": _table(["Key", "Value"], rows, name)}
            )
        for k, v in value.items():
            if k not in flat:
                out += _blocks((*path, str(k)), v, depth + 1)
        return out
    if value in (None, [], {}):
        return []
    text = json.dumps(value, indent=1, ensure_ascii=False)
    if len(text) > 20000:
        text = text[:20000] + "\n..."
    return [{"type": "raw", "title": name, "text": text}]


def table_blocks(tables: Any) -> list[Block]:
    """What ``templates/tables.html.j2`` lays out for a summary's ``tables`` (any shape)."""
    if not isinstance(tables, dict):
        return _blocks(("tables",), tables, MAX_DEPTH)
    return [b for k, v in tables.items() for b in _blocks((str(k),), v, 0)]


def render_tables(tables: Any) -> str:
    """HTML for a summary's ``tables`` dictionary (any shape)."""
    return render("tables.html.j2", blocks=table_blocks(tables))
