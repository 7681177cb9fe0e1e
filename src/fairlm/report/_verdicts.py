"""The verdict on each figure, by the one written rule of :func:`fairlm.metrics.verdict`.

The report states no verdict of its own: every "deviates", "no deviation shown" and "no
verdict" comes from the shared rule (interval, p-value, n). A comparison between groups
(a figure of kind ``gap`` or ``difference``) is judged by its permutation p-value after
Holm's adjustment over the comparisons with a p-value that the same benchmark reports in
the same run, so a benchmark that reports twenty gaps does not get twenty chances at a
false alarm.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fairlm.report._format import is_number

__all__ = [
    "COMPARISON_KINDS",
    "STATUS_LABELS",
    "Judged",
    "Key",
    "bench_verdicts",
    "figure_key",
    "judge",
    "p_text",
    "rule",
]

#: figure kinds that compare groups and carry a permutation p-value
COMPARISON_KINDS = ("gap", "difference")

#: what each status of :class:`fairlm.metrics.Verdict` is called on the page
STATUS_LABELS = {
    "deviates": "Deviates from the ideal",
    "consistent": "No deviation shown",
    "no_verdict": "No verdict",
}

Key = tuple[str, str, str]  # (metric, kind, group)


@dataclass(frozen=True)
class Judged:
    """One figure's verdict, and the p-value it was judged by."""

    status: str  # "deviates", "consistent" or "no_verdict"
    text: str  # one sentence: why
    p_value: float | None  # as recorded
    p_adjusted: float | None  # Holm-adjusted (comparisons only)
    comparison: bool  # a gap or a difference between groups
    comparisons: int  # how many comparisons of its benchmark the adjustment ran over

    @property
    def label(self) -> str:
        return STATUS_LABELS[self.status]


def figure_key(f: dict[str, Any]) -> Key:
    return (str(f.get("metric")), str(f.get("kind")), str(f.get("group", "overall")))


def rule() -> str:
    """The rule as :mod:`fairlm.metrics` words it (printed in the reading guide)."""
    from fairlm.metrics import VERDICT_RULE

    return str(VERDICT_RULE)


def _number(v: Any) -> float | None:
    return float(v) if is_number(v) else None


def _n(v: Any) -> int | None:
    return int(v) if is_number(v) else None


def judge(figures: list[dict[str, Any]]) -> dict[Key, Judged]:
    """The verdict on every figure of one benchmark in one run."""
    from fairlm.metrics import holm, verdict

    comparisons = [
        f for f in figures if f.get("kind") in COMPARISON_KINDS and is_number(f.get("p_value"))
    ]
    adjusted = holm([f["p_value"] for f in comparisons]) if comparisons else []
    by_id = {id(f): float(p) for f, p in zip(comparisons, adjusted, strict=True)}
    out: dict[Key, Judged] = {}
    for f in figures:
        comparison = f.get("kind") in COMPARISON_KINDS
        p_raw = _number(f.get("p_value"))
        p_used = by_id.get(id(f)) if comparison else p_raw
        v = verdict(
            _number(f.get("value")),
            _number(f.get("ci_low")),
            _number(f.get("ci_high")),
            ideal=_number(f.get("ideal")),
            n=_n(f.get("n")),
            p_value=p_used,
            comparison=comparison,
        )
        out[figure_key(f)] = Judged(
            v.status,
            v.text,
            p_raw,
            p_used if comparison else None,
            comparison,
            len(comparisons),
        )
    return out


def bench_verdicts(bench: dict[str, Any]) -> dict[Key, Judged]:
    """The verdicts on the figures of one benchmark's entry in a results file."""
    summary = bench.get("summary") if isinstance(bench, dict) else None
    figures = summary.get("figures", []) if isinstance(summary, dict) else []
    return judge([f for f in figures if isinstance(f, dict)])


def p_text(j: Judged | None) -> str:
    """The p-value a verdict was judged by, as printed: Holm-adjusted for a comparison."""
    from fairlm.report._format import fmt_p

    if j is None:
        return ""
    if j.comparison and j.p_adjusted is not None:
        return f"{fmt_p(j.p_adjusted)} (Holm)"
    return fmt_p(j.p_value)
