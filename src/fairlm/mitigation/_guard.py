"""The capability guard of ``fairlm debias``: did the method make the model less truthful
or less safe?

A debiasing method that lowers a bias score by making the model worse at telling truth
from common falsehoods, or readier to help with harmful requests, is not a fix. The
driver audits TruthfulQA (MC1, MC2) and XSTest (refusal of unsafe prompts, refusal of
safe ones) before and after, next to the bias benchmarks (:data:`GUARD_BENCHMARKS`, the
``guard_benchmarks`` option), and this module compares the two audits figure by figure
(:data:`GUARD_FIGURES`).

For each figure: the change after - before (percentage points) with a confidence
interval of the difference, and a flag when the whole interval lies on the harmful side
of 0 (the change is larger than the uncertainty of either audit allows):

* rates (MC1, refusal rates) are proportions: Newcombe's hybrid score interval of a
  difference of two proportions
  (:func:`fairlm.metrics._intervals.newcombe_interval`), on the counts ``value x n``;
* MC2 is a mean of per-question values in [0, 1]: Welch's interval of a difference of
  two means (:func:`~fairlm.metrics._intervals.welch_interval`), with each audit's
  standard deviation read back from its Student's t interval.

Both intervals treat the audits as independent samples. They score the same questions,
whose results correlate before and after, so the intervals are wider than a paired
analysis would give: a flag is conservative.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Literal

__all__ = ["GUARD_BENCHMARKS", "GUARD_FIGURES", "GuardFigure", "capability_guard"]

GUARD_BENCHMARKS: tuple[str, ...] = ("truthfulqa", "xstest")


@dataclass(frozen=True)
class GuardFigure:
    """One figure the guard watches, and which change of it is harmful."""

    benchmark: str
    metric: str
    label: str
    interval: Literal["proportion", "mean"]
    worse: Literal["lower", "higher"]  # the harmful direction
    harm: str  # what a flagged change means, in words


GUARD_FIGURES: tuple[GuardFigure, ...] = (
    GuardFigure("truthfulqa", "mc1", "TruthfulQA MC1, %", "proportion", "lower", "less truthful"),
    GuardFigure("truthfulqa", "mc2", "TruthfulQA MC2, %", "mean", "lower", "less truthful"),
    GuardFigure(
        "xstest",
        "unsafe_refusal",
        "XSTest unsafe prompts refused (generation), %",
        "proportion",
        "lower",
        "less safe",
    ),
    GuardFigure(
        "xstest",
        "unsafe_refusal_likelihood",
        "XSTest unsafe prompts refused (likelihood), %",
        "proportion",
        "lower",
        "less safe",
    ),
    GuardFigure(
        "xstest",
        "over_refusal",
        "XSTest safe prompts refused (generation), %",
        "proportion",
        "higher",
        "refuses more safe requests",
    ),
    GuardFigure(
        "xstest",
        "over_refusal_likelihood",
        "XSTest safe prompts refused (likelihood), %",
        "proportion",
        "higher",
        "refuses more safe requests",
    ),
)


def _figure(results: dict[str, Any], spec: GuardFigure) -> dict[str, Any] | None:
    bench = results.get("benchmarks", {}).get(spec.benchmark)
    for f in (bench or {}).get("summary", {}).get("figures", []):
        if f["metric"] == spec.metric and f["group"] == "overall" and f.get("value") is not None:
            return f
    return None


def _sd_from_t_interval(f: dict[str, Any], confidence: float) -> float | None:
    """The sample sd behind a Student's t interval ``mean +- t sd / sqrt(n)``."""
    from scipy.stats import t

    n, lo, hi = f.get("n"), f.get("ci_low"), f.get("ci_high")
    if not n or n < 2 or lo is None or hi is None:
        return None
    return (hi - lo) / 2.0 * math.sqrt(n) / float(t.ppf(0.5 + confidence / 2.0, n - 1))


def _difference_interval(
    fb: dict[str, Any], fa: dict[str, Any], spec: GuardFigure, confidence: float
) -> tuple[float | None, float | None]:
    """Interval of after - before in the figures' unit (%), or (None, None)."""
    from fairlm.metrics._intervals import newcombe_interval, welch_interval

    nb, na = fb.get("n"), fa.get("n")
    if not nb or not na:
        return None, None
    if spec.interval == "proportion":
        ka, kb = round(fa["value"] * na / 100.0), round(fb["value"] * nb / 100.0)
        lo, hi = newcombe_interval(ka, na, kb, nb, confidence)
        lo, hi = 100.0 * float(lo), 100.0 * float(hi)
    else:
        sa, sb = _sd_from_t_interval(fa, confidence), _sd_from_t_interval(fb, confidence)
        if sa is None or sb is None:
            return None, None
        lo, hi = welch_interval(fa["value"], sa, na, fb["value"], sb, nb, confidence)
        lo, hi = float(lo), float(hi)
    return (lo, hi) if math.isfinite(lo) and math.isfinite(hi) else (None, None)


def capability_guard(before: dict[str, Any], after: dict[str, Any]) -> dict[str, Any]:
    """Each watched figure before and after, the change with its interval, and flags.

    ``before`` and ``after`` are the two audits' results (``results.json``); the
    intervals use the audits' confidence level. Figures missing from either audit (a
    benchmark not run, XSTest's generation figures when only the likelihood detector ran)
    are left out.
    """
    confidence = float(before.get("config", {}).get("confidence") or 0.95)
    rows: list[dict[str, Any]] = []
    for spec in GUARD_FIGURES:
        fb, fa = _figure(before, spec), _figure(after, spec)
        if fb is None or fa is None:
            continue
        lo, hi = _difference_interval(fb, fa, spec, confidence)
        flagged = (
            lo is not None and hi is not None and (hi < 0 if spec.worse == "lower" else lo > 0)
        )
        rows.append(
            {
                "benchmark": spec.benchmark,
                "metric": spec.metric,
                "label": spec.label,
                "before": {k: fb.get(k) for k in ("value", "ci_low", "ci_high", "n")},
                "after": {k: fa.get(k) for k in ("value", "ci_low", "ci_high", "n")},
                "change": fa["value"] - fb["value"],
                "ci_low": lo,
                "ci_high": hi,
                "interval": "newcombe" if spec.interval == "proportion" else "welch",
                "worse_if": spec.worse,
                "flagged": flagged,
                "harm": spec.harm if flagged else None,
            }
        )
    flags = [
        f"{r['harm']}: {r['label']} {r['change']:+.2f} pp [{r['ci_low']:+.2f}, {r['ci_high']:+.2f}]"
        for r in rows
        if r["flagged"]
    ]
    return {"confidence": confidence, "figures": rows, "flagged": bool(flags), "flags": flags}
