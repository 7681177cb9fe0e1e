"""Comparing one figure across runs (for example before and after debiasing)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fairlm.report._format import is_number

__all__ = ["Change", "compare", "CHANGE_RULE"]

CHANGE_RULE = (
    "A change is marked as beyond the confidence intervals when the two runs' 95% "
    "intervals do not overlap. This is a conservative rule: a real change can still have "
    "overlapping intervals, and with many figures some will cross it by chance. Where a "
    "figure has no interval, the change cannot be judged."
)


@dataclass(frozen=True)
class Change:
    value: float | None  # later minus earlier
    beyond_ci: bool | None  # None: no interval to judge by
    direction: str  # "better", "worse", "no change" or "" (no stated ideal)

    @property
    def beyond_text(self) -> str:
        if self.beyond_ci is None:
            return "cannot tell (no CI)"
        return "yes, CIs do not overlap" if self.beyond_ci else "no, CIs overlap"


def compare(before: dict[str, Any], after: dict[str, Any]) -> Change:
    """The change from ``before`` to ``after`` (two figure dictionaries)."""
    a, b = before.get("value"), after.get("value")
    if not (is_number(a) and is_number(b)):
        return Change(None, None, "")
    delta = b - a
    lims = [before.get("ci_low"), before.get("ci_high"), after.get("ci_low"), after.get("ci_high")]
    beyond = None
    if all(is_number(x) for x in lims):
        alo, ahi, blo, bhi = lims
        beyond = bhi < alo or blo > ahi
    return Change(delta, beyond, _direction(after, a, b))


def _direction(f: dict[str, Any], a: float, b: float) -> str:
    if abs(b - a) < 1e-12:
        return "no change"
    hib, ideal = f.get("higher_is_better"), f.get("ideal")
    if hib is True:
        return "better" if b > a else "worse"
    if hib is False:
        return "better" if b < a else "worse"
    if is_number(ideal):
        da, db = abs(a - ideal), abs(b - ideal)
        if abs(da - db) < 1e-12:
            return "no change"
        return "better (closer to ideal)" if db < da else "worse (further from ideal)"
    return ""
