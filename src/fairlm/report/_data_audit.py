"""The "Training data" section: a corpus audit written by ``fairlm data-audit --output``.

The JSON (``"kind": "fairlm.data_audit"``, see ``DataAuditReport.to_dict``) holds
representation counts per axis and group, and for each occupation and adjective its
co-occurrence with male and female terms (counts, PMI, the female/male skew ratio).
Nothing is recomputed here; ``templates/training_data.html.j2`` lays the section out
(every text from the file is escaped there), and each chart has a title, a description
and the same numbers in a table.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fairlm.errors import DataError
from fairlm.report._charts import Point, bar_chart
from fairlm.report._format import fmt, is_number
from fairlm.report._render import render

__all__ = [
    "DataAudit",
    "DATA_AUDIT_KIND",
    "read_json_kind",
    "is_data_audit_file",
    "load_data_audit",
    "training_data",
]

# the "kind" written by fairlm.training._data_audit (not imported: the report stays light)
DATA_AUDIT_KIND = "fairlm.data_audit"
SUPPORTED_VERSION = 1
CHART_ROWS = 20  # the most skewed words drawn in a chart; the table lists them all


@dataclass
class DataAudit:
    """One data-audit report file and its display label."""

    path: Path
    label: str
    data: dict[str, Any]


def read_json_kind(path: Path) -> tuple[Any, str | None]:
    """A JSON file's content and its top-level ``kind`` (None when it has none)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise DataError(f"{path} is not valid JSON ({exc})") from None
    kind = data.get("kind") if isinstance(data, dict) else None
    return data, kind if isinstance(kind, str) else None


def is_data_audit_file(path: Path) -> bool:
    """Whether ``path`` is a JSON file whose ``kind`` is ``fairlm.data_audit``."""
    try:
        return path.is_file() and read_json_kind(path)[1] == DATA_AUDIT_KIND
    except DataError:
        return False


def load_data_audit(path: Path, data: Any, *, label: str | None = None) -> DataAudit:
    """Check the shape of a data-audit report (already parsed from ``path``)."""
    version = data.get("version")
    if version != SUPPORTED_VERSION:
        raise DataError(
            f"{path} is a data audit of version {version!r}; this fairlm reads version "
            f"{SUPPORTED_VERSION}: regenerate it with 'fairlm data-audit --output'"
        )
    rep, cooc = data.get("representation"), data.get("cooccurrence")
    if not isinstance(rep, dict) or not all(isinstance(g, dict) for g in rep.values()):
        raise DataError(f"{path}: 'representation' must map each axis to its groups")
    if not isinstance(cooc, dict) or not all(
        isinstance(cooc.get(k, []), list) for k in ("occupations", "adjectives")
    ):
        raise DataError(f"{path}: 'cooccurrence' must hold 'occupations' and 'adjectives' lists")
    return DataAudit(path=path, label=label or path.stem, data=data)


# -- rendering -------------------------------------------------------------------------


def _int(v: Any) -> str:
    return fmt(int(v)) if is_number(v) else "n/a"


def _num(v: Any) -> float:
    return float(v) if is_number(v) else 0.0


def _share(groups: dict[str, Any], group: str) -> float | None:
    """The file's share of the axis's mentions (0..1), or mentions / total if missing."""
    c = groups.get(group) or {}
    if is_number(c.get("share")):
        return float(c["share"])
    total = sum(g.get("mentions", 0) for g in groups.values() if is_number(g.get("mentions", 0)))
    return c.get("mentions", 0) / total if total and is_number(c.get("mentions")) else None


def _mentions(counts: dict[str, Any]) -> int | None:
    m = counts.get("mentions")
    return int(m) if is_number(m) else None


def _leans(skew: Any) -> str:
    if not is_number(skew):
        return "n/a (absent near one group)"
    if math.isclose(skew, 1.0):
        return "balanced"
    return "female" if skew > 1 else "male"


def _chart(counter: list[int], caption: str, **kwargs: Any) -> dict[str, str]:
    """A numbered chart (ids are unique across the page) with its caption."""
    counter[0] += 1
    cid = f"chart-{counter[0]}"
    return {"id": cid, "svg": bar_chart(chart_id=cid, **kwargs), "caption": caption}


def _axis(audit: DataAudit, axis: str, groups: dict[str, Any], counter: list[int]) -> dict:
    """One axis of the representation counts: a chart of shares and a table."""
    groups = {str(g): c for g, c in groups.items() if isinstance(c, dict)}
    ranked = sorted(groups, key=lambda g: (-_num(groups[g].get("mentions")), g))
    total = sum(_num(groups[g].get("mentions")) for g in ranked)
    rows = []
    for g in ranked:
        s = _share(groups, g)
        share = fmt(100 * s, 1) if s is not None else "n/a"
        rows.append([g, _int(groups[g].get("mentions")), _int(groups[g].get("documents")), share])
    chart = None
    if total > 0:
        chart = _chart(
            counter,
            f"Share of the {axis} axis's mentions by group, in percent, largest first, as "
            "bars from 0; the value is printed at the end of each bar and the group's "
            "mentions (n) beside its name. The table below has the same "
            "numbers with mention and document counts.",
            title=f"Training data: share of {axis} mentions by group",
            points=[
                Point(g, 0, 100 * s, n=_mentions(groups[g]))
                for g in ranked
                if (s := _share(groups, g)) is not None
            ],
            run_labels=[audit.label],
            unit="%",
            digits=1,
            span=(0.0, 100.0),
        )
    return {
        "axis": axis,
        "summary": f"{axis}: {fmt(int(total))} mention{'' if total == 1 else 's'}, "
        f"{len(ranked)} group{'' if len(ranked) == 1 else 's'}",
        "chart": chart,
        "rows": rows,
    }


def _skew_key(row: dict[str, Any]) -> tuple[int, float, float, str]:
    """Defined skew first, highest (most female-leaning) first; then the rest by count."""
    skew = row.get("skew_ratio")
    if is_number(skew):
        return (0, -float(skew), 0.0, str(row.get("word")))
    return (1, 0.0, -_num(row.get("male")) - _num(row.get("female")), str(row.get("word")))


def _cooccurrence(audit: DataAudit, kind: str, counter: list[int]) -> dict:
    """Occupations or adjectives near gendered words: the most skewed charted, all in a
    table."""
    rows_in = [r for r in audit.data["cooccurrence"].get(kind, []) if isinstance(r, dict)]
    ranked = sorted(rows_in, key=_skew_key)
    charted = sorted(
        (r for r in ranked if is_number(r.get("skew_ratio")) and r["skew_ratio"] > 0),
        key=lambda r: -abs(math.log2(r["skew_ratio"])),
    )[:CHART_ROWS]
    charted.sort(key=_skew_key)
    chart = None
    if charted:
        chart = _chart(
            counter,
            f"The {len(charted)} most skewed {kind}, by log2 of the skew ratio: above 0 "
            "(right of the dashed line) the word is relatively more frequent near female "
            "terms, below 0 near male terms; 1 step is a factor of 2. The value is printed at "
            "the end of each bar; the table below has every word.",
            title=f"Training data: {kind}, log2 skew ratio (female / male context)",
            points=[Point(str(r.get("word")), 0, math.log2(r["skew_ratio"])) for r in charted],
            run_labels=[audit.label],
            ideal=0.0,
        )
    rows = [
        [
            "" if r.get("word") is None else str(r.get("word")),
            _int(r.get("count")),
            _int(r.get("male")),
            _int(r.get("female")),
            fmt(r.get("pmi_male")),
            fmt(r.get("pmi_female")),
            fmt(r.get("skew_ratio")),
            _leans(r.get("skew_ratio")),
        ]
        for r in ranked
    ]
    return {"kind": kind, "singular": kind[:-1].capitalize(), "chart": chart, "rows": rows}


def _one_audit(audit: DataAudit, counter: list[int], heading: bool) -> dict:
    d = audit.data
    cooc = d["cooccurrence"]
    totals = cooc.get("context_totals") or {}
    collect = d.get("collect") if isinstance(d.get("collect"), dict) else {}
    return {
        "label": audit.label if heading else None,
        "path": str(audit.path),
        "documents": _int(d.get("n_documents")),
        "words": _int(d.get("n_words")),
        "skipped": _int(collect.get("files_skipped"))
        if _num(collect.get("files_skipped"))
        else None,
        "axes": [
            _axis(audit, axis, groups, counter) for axis, groups in d["representation"].items()
        ],
        "window": _int(cooc.get("window")),
        "male": _int(totals.get("male")),
        "female": _int(totals.get("female")),
        "cooccurrence": [_cooccurrence(audit, k, counter) for k in ("occupations", "adjectives")],
        "sources": [s for s in d.get("sources", []) if isinstance(s, str)],
    }


def training_data(audits: list[DataAudit], counter: list[int]) -> str:
    """The whole section; ``counter`` numbers the charts across the page."""
    return render(
        "training_data.html.j2",
        audits=[_one_audit(a, counter, heading=len(audits) > 1) for a in audits],
    )
