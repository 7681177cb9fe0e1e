"""The "Training data" section: a corpus audit written by ``fairlm data-audit --output``.

The JSON (``"kind": "fairlm.data_audit"``, see ``DataAuditReport.to_dict``) holds
representation counts per axis and group, and for each occupation and adjective its
co-occurrence with male and female terms (counts, PMI, the female/male skew ratio).
Nothing is recomputed here; every text from the file is escaped before it reaches the
page, and each chart has a title, a description and the same numbers in a table.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fairlm.errors import DataError
from fairlm.report._charts import Point, dot_chart
from fairlm.report._format import esc, fmt, html_table, is_number

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


def _table(head: list[str], rows: list[list[str]], *, caption: str, num: set[int]) -> str:
    """The report's table; ``head`` is plain text here, cells are escaped HTML."""
    return html_table([esc(h) for h in head], rows, caption=caption, num=num)


def _int(v: Any) -> str:
    return fmt(int(v)) if is_number(v) else "n/a"


def _share(groups: dict[str, Any], group: str) -> float | None:
    """The file's share of the axis's mentions (0..1), or mentions / total if missing."""
    c = groups.get(group) or {}
    if is_number(c.get("share")):
        return float(c["share"])
    total = sum(g.get("mentions", 0) for g in groups.values() if is_number(g.get("mentions", 0)))
    return c.get("mentions", 0) / total if total and is_number(c.get("mentions")) else None


def _leans(skew: Any) -> str:
    if not is_number(skew):
        return "n/a (absent near one group)"
    if math.isclose(skew, 1.0):
        return "balanced"
    return "female" if skew > 1 else "male"


def _representation(audit: DataAudit, counter: list[int]) -> str:
    out = ["<h4>Representation by axis</h4>"]
    out.append(
        '<p class="muted">Mentions of each group\'s terms, the documents with at least one '
        "mention, and the group's share of its axis's mentions. Terms are matched out of "
        'context ("white paper" counts as a race mention), so read the counts as upper '
        "bounds. A balanced share is not a target in itself: it depends on what the corpus "
        "is for.</p>"
    )
    for i, (axis, groups) in enumerate(audit.data["representation"].items()):
        groups = {str(g): c for g, c in groups.items() if isinstance(c, dict)}
        ranked = sorted(groups, key=lambda g: (-_num(groups[g].get("mentions")), g))
        total = sum(_num(groups[g].get("mentions")) for g in ranked)
        rows = [
            [
                esc(g),
                esc(_int(groups[g].get("mentions"))),
                esc(_int(groups[g].get("documents"))),
                esc(fmt(100 * s, 1) if (s := _share(groups, g)) is not None else "n/a"),
            ]
            for g in ranked
        ]
        summary = (
            f"{axis}: {fmt(int(total))} mention{'' if total == 1 else 's'}, "
            f"{len(ranked)} group{'' if len(ranked) == 1 else 's'}"
        )
        parts = [f"<details{' open' if i == 0 else ''}><summary>{esc(summary)}</summary>"]
        if total > 0:
            counter[0] += 1
            cid = f"chart-{counter[0]}"
            points = [Point(g, 0, 100 * s) for g in ranked if (s := _share(groups, g)) is not None]
            svg = dot_chart(
                chart_id=cid,
                title=f"Training data: share of {axis} mentions by group",
                points=points,
                run_labels=[audit.label],
                unit="%",
                digits=1,
                span=(0.0, 100.0),
            )
            cap = (
                f"Share of the {axis} axis's mentions by group, in percent, largest first; "
                "the value is printed at the end of each row. The table below has the same "
                "numbers with mention and document counts."
            )
            parts.append(
                f'<figure aria-labelledby="{cid}-cap">{svg}'
                f'<figcaption id="{cid}-cap">{esc(cap)}</figcaption></figure>'
            )
        else:
            parts.append(f"<p>No {esc(axis)} terms were found in the corpus.</p>")
        parts.append(
            _table(
                ["Group", "Mentions", "Documents", "Share of axis %"],
                rows,
                caption=f"Representation: {axis}",
                num={1, 2, 3},
            )
        )
        parts.append("</details>")
        out.append("".join(parts))
    return "\n".join(out)


def _num(v: Any) -> float:
    return float(v) if is_number(v) else 0.0


def _skew_key(row: dict[str, Any]) -> tuple[int, float, float, str]:
    """Defined skew first, highest (most female-leaning) first; then the rest by count."""
    skew = row.get("skew_ratio")
    if is_number(skew):
        return (0, -float(skew), 0.0, str(row.get("word")))
    return (1, 0.0, -_num(row.get("male")) - _num(row.get("female")), str(row.get("word")))


def _cooccurrence(audit: DataAudit, kind: str, counter: list[int]) -> str:
    cooc = audit.data["cooccurrence"]
    rows_in = [r for r in cooc.get(kind, []) if isinstance(r, dict)]
    singular = kind[:-1]
    out = [f"<h4>{esc(singular.capitalize())}s near gendered words</h4>"]
    if not rows_in:
        out.append(f"<p>No {esc(kind)} were found in the corpus.</p>")
        return "\n".join(out)
    ranked = sorted(rows_in, key=_skew_key)
    charted = sorted(
        (r for r in ranked if is_number(r.get("skew_ratio")) and r["skew_ratio"] > 0),
        key=lambda r: -abs(math.log2(r["skew_ratio"])),
    )[:CHART_ROWS]
    charted.sort(key=_skew_key)
    if charted:
        counter[0] += 1
        cid = f"chart-{counter[0]}"
        svg = dot_chart(
            chart_id=cid,
            title=f"Training data: {kind}, log2 skew ratio (female / male context)",
            points=[Point(str(r.get("word")), 0, math.log2(r["skew_ratio"])) for r in charted],
            run_labels=[audit.label],
            ideal=0.0,
        )
        cap = (
            f"The {len(charted)} most skewed {kind}, by log2 of the skew ratio: above 0 "
            "(right of the dashed line) the word is relatively more frequent near female "
            "terms, below 0 near male terms; 1 step is a factor of 2. The value is printed at "
            "the end of each row; the table below has every word."
        )
        out.append(
            f'<figure aria-labelledby="{cid}-cap">{svg}'
            f'<figcaption id="{cid}-cap">{esc(cap)}</figcaption></figure>'
        )
    rows = [
        [
            esc(r.get("word")),
            esc(_int(r.get("count"))),
            esc(_int(r.get("male"))),
            esc(_int(r.get("female"))),
            esc(fmt(r.get("pmi_male"))),
            esc(fmt(r.get("pmi_female"))),
            esc(fmt(r.get("skew_ratio"))),
            esc(_leans(r.get("skew_ratio"))),
        ]
        for r in ranked
    ]
    out.append(
        _table(
            [
                singular.capitalize(),
                "Count",
                "Near male terms",
                "Near female terms",
                "PMI male (log2)",
                "PMI female (log2)",
                "Skew ratio f/m",
                "Leans",
            ],
            rows,
            caption=f"{singular.capitalize()}s by skew ratio, most female-leaning first",
            num={1, 2, 3, 4, 5, 6},
        )
    )
    return "\n".join(out)


def _one_audit(audit: DataAudit, counter: list[int], heading: bool) -> str:
    d = audit.data
    cooc = d["cooccurrence"]
    totals = cooc.get("context_totals") or {}
    out = [f"<h3>{esc(audit.label)}</h3>" if heading else ""]
    out.append(
        f"<p>{esc(_int(d.get('n_documents')))} documents, {esc(_int(d.get('n_words')))} words "
        f"(<code>{esc(audit.path)}</code>).</p>"
    )
    collect = d.get("collect") if isinstance(d.get("collect"), dict) else {}
    if _num(collect.get("files_skipped")):
        out.append(
            f'<p class="warn">{esc(_int(collect.get("files_skipped")))} file(s) of the corpus '
            "could not be read and are not counted.</p>"
        )
    out.append(_representation(audit, counter))
    out.append(
        '<p class="muted">Co-occurrence: a word counts near a group when it falls within '
        f"{esc(_int(cooc.get('window')))} words of one of the group's terms; context "
        f"positions: {esc(_int(totals.get('male')))} near male terms, "
        f"{esc(_int(totals.get('female')))} near female terms. PMI = log2(c(g, w) N / "
        "(c(g) c(w))), 0 meaning as often as chance. Skew ratio = P(w | female context) / "
        "P(w | male context) (Bordia &amp; Bowman 2019): 1 is balanced, above 1 leans "
        "female, below 1 leans male; n/a when the word never occurs near one group.</p>"
    )
    out.append(_cooccurrence(audit, "occupations", counter))
    out.append(_cooccurrence(audit, "adjectives", counter))
    sources = [s for s in d.get("sources", []) if isinstance(s, str)]
    if sources:
        out.append(
            "<details><summary>Word lists used</summary><ul>"
            + "".join(f"<li>{esc(s)}</li>" for s in sources)
            + "</ul></details>"
        )
    return "\n".join(x for x in out if x)


def training_data(audits: list[DataAudit], counter: list[int]) -> str:
    """The whole section; ``counter`` numbers the charts across the page."""
    out = [
        '<section id="training-data" aria-labelledby="training-data-h">',
        '<h2 id="training-data-h">Training data</h2>',
        "<p>A bias audit of a text corpus (<code>fairlm data-audit</code>): who the corpus "
        "mentions, and which occupations and adjectives it puts near male or female words. "
        "Skews in training data can carry over into a model trained on it.</p>",
    ]
    out += [_one_audit(a, counter, heading=len(audits) > 1) for a in audits]
    out.append("</section>")
    return "\n".join(out)
