"""One written rule for the verdict a figure supports, from its interval, p-value and n.

The rule (the report's reading guide prints :data:`RULE`):

1. A figure with no ideal value (an accuracy, a perplexity) gets no verdict.
2. A figure with no interval, or fewer than :data:`MIN_VERDICT_N` examples, gets no
   verdict: too few to judge.
3. A comparison between groups (a gap or a difference, which carries a permutation
   p-value) *deviates* only when its p-value, Holm-adjusted over the comparisons the
   benchmark reports, is below 0.05 **and** its interval excludes the ideal; otherwise
   no difference is shown. Max - min gaps are biased upwards (noise only adds to a
   maximum), so their size alone is no evidence.
4. Any other figure deviates when its interval excludes the ideal (and, where it has a
   p-value, that is below 0.05 too); otherwise it is consistent with the ideal at this
   sample size, which is not proof that there is no bias.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

import numpy as np

__all__ = ["ALPHA", "MIN_VERDICT_N", "RULE", "VERDICT_RULE", "Verdict", "holm", "verdict"]

ALPHA = 0.05
# Below this, a 95% interval of a share spans more than half of [0, 1] at p = 0.5 and
# a single example moves the figure by more than ten points: too few to judge
MIN_VERDICT_N = 10

RULE = (
    "A figure gets a verdict only if it has an ideal value, a confidence interval and at "
    f"least {MIN_VERDICT_N} examples. It deviates from the ideal when its whole 95% "
    "interval lies on one side of the ideal; a comparison between groups (a gap or a "
    f"difference) must also have a permutation p-value below {ALPHA}, Holm-adjusted over "
    "the benchmark's comparisons. Otherwise no deviation is shown at this sample size, "
    "which is not proof of no bias."
)

VERDICT_RULE = RULE  # the name fairlm.metrics exports

Status = Literal["deviates", "consistent", "no_verdict"]


@dataclass(frozen=True)
class Verdict:
    """``status`` and one sentence saying why."""

    status: Status
    text: str


def _finite(x: float | None) -> bool:
    return x is not None and math.isfinite(x)


def verdict(
    value: float | None,
    ci_low: float | None,
    ci_high: float | None,
    *,
    ideal: float | None,
    n: int | None,
    p_value: float | None = None,
    comparison: bool = False,
) -> Verdict:
    """The verdict :data:`RULE` gives. ``p_value`` is the one to judge by (already
    Holm-adjusted for a comparison among several); ``comparison`` marks a gap or a
    difference between groups, which needs the p-value."""
    if not _finite(ideal):
        return Verdict("no_verdict", "No ideal value to compare with.")
    if not (_finite(value) and _finite(ci_low) and _finite(ci_high)):
        return Verdict("no_verdict", "No confidence interval: too few examples to judge.")
    if n is not None and n < MIN_VERDICT_N:
        return Verdict(
            "no_verdict", f"Only {n} examples (fewer than {MIN_VERDICT_N}): too few to judge."
        )
    outside = ci_low > ideal or ci_high < ideal
    side = "above" if ci_low > ideal else "below"
    p_ok = _finite(p_value) and p_value < ALPHA
    if comparison and not _finite(p_value):
        return Verdict("no_verdict", "No permutation p-value: a gap alone is no evidence.")
    if outside and (p_ok or (not comparison and not _finite(p_value))):
        return Verdict(
            "deviates",
            f"The whole interval lies {side} the ideal {ideal:g}: a measurable deviation.",
        )
    if comparison or _finite(p_value):
        p_text = f"p = {p_value:.2g}" if _finite(p_value) else "no p-value"
        return Verdict(
            "consistent",
            f"No difference shown ({p_text}"
            f"{'' if outside else f'; the interval includes {ideal:g}'}).",
        )
    return Verdict(
        "consistent",
        f"The interval includes the ideal {ideal:g}: no deviation is shown at this sample "
        "size, which is not proof of none.",
    )


def holm(p_values) -> np.ndarray:
    """Holm's step-down adjustment of p-values (Holm, Scand. J. Statist. 1979); NaN stays
    NaN and does not count as a test."""
    p = np.asarray(p_values, dtype=np.float64)
    out = np.full(p.shape, np.nan)
    idx = np.flatnonzero(np.isfinite(p))
    m = len(idx)
    if not m:
        return out
    order = idx[np.argsort(p[idx], kind="stable")]
    adjusted = np.maximum.accumulate((m - np.arange(m)) * p[order])
    out[order] = np.minimum(adjusted, 1.0)
    return out
