"""Shared summarising: per-example values -> :class:`Figure` objects with CIs.

Every benchmark summarises the same way, through :func:`fairlm.metrics.mean_by_group`
(an interval chosen per kind of figure: Wilson for shares of 0/1 outcomes, Student's t
for means, simultaneous intervals for max - min gaps) and
:class:`fairlm.metrics.GroupMetrics`, so the report renders one kind of object.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from typing import Any

import numpy as np

from fairlm.benchmarks._base import Benchmark, Figure

__all__ = ["GAP_GROUP", "difference_figure", "fit_group_metrics", "grouped_figures"]

#: The group label of a gap figure (``kind="gap"``). Only a label: what marks a gap is
#: the figure's kind, so a real group may have this name too.
GAP_GROUP = "gap (max - min)"


def grouped_figures(
    metric: str,
    values: Any,
    groups: Sequence[Any] | None,
    *,
    unit: str = "",
    ideal: float | None = None,
    higher_is_better: bool | None = None,
    with_overall: bool = True,
    with_gap: bool = True,
    n_bootstrap: int = 1000,
    confidence: float = 0.95,
    seed: int = 0,
    bounds: tuple[float, float] | None = None,
) -> list[Figure]:
    """Overall figure, one per group, and the max-min gap between groups (with p-value).

    Values with ``unit="%"`` are percentages of per-example shares in [0, 1] (a 0/1
    outcome times 100, or a row's share of several): they are summarised on the 0-1
    scale, so 0/1 outcomes get Wilson's interval, and every interval is kept inside
    [0, 100] (a gap inside [0, 100] too). Values in any other unit are scores, never
    treated as 0/1 outcomes even when every one is 0 or 1 (a mean of equal scores gets no
    interval rather than a binomial one on the wrong scale). ``bounds`` keeps other
    values known to lie in a range inside it (VADER's compound score in [-1, 1]): a t
    interval of a small group cannot then claim values the score never takes.
    """
    from fairlm.metrics import mean_by_group

    scale = 100.0 if unit == "%" else 1.0
    if bounds is None and scale != 1.0:
        bounds = (0.0, 100.0)
    values = np.asarray(values, dtype=np.float64) / scale
    common = dict(unit=unit, ideal=ideal, higher_is_better=higher_is_better)
    if len(values) == 0:
        return [Figure(metric, None, n=0, note="no examples", **common)]
    res = mean_by_group(
        values,
        groups,
        n_bootstrap=n_bootstrap,
        confidence=confidence,
        seed=seed,
        n_permutations=n_bootstrap,
        binary=None if unit == "%" else False,
    )

    def scaled(x: float, low: float = -np.inf, high: float = np.inf) -> float | None:
        if x is None or not np.isfinite(x):
            return None
        return float(min(max(scale * float(x), low), high))

    low, high = bounds if bounds is not None else (-np.inf, np.inf)
    out = []
    parts = [("overall", res.overall)] if with_overall else []
    for name, g in [*parts, *res.groups.items()]:
        out.append(
            Figure(
                metric,
                scaled(g.mean),
                name,
                scaled(g.ci_low, low, high),
                scaled(g.ci_high, low, high),
                g.n,
                **common,
            )
        )
    if with_gap and len(res.groups) >= 2:
        gap = res.gap
        out.append(
            Figure(
                metric,
                scaled(gap.value),
                GAP_GROUP,
                scaled(gap.ci_low, 0.0, high - low),
                scaled(gap.ci_high, 0.0, high - low),
                sum(g.n for g in res.groups.values()),
                gap.p_value,
                unit=unit,
                ideal=0.0,
                higher_is_better=False,
                note="largest minus smallest group value; p: permutation test of no difference",
                kind="gap",
            )
        )
    return out


def difference_figure(
    metric: str, est: Any, n: int, note: str, *, group: str = "overall"
) -> Figure:
    """A signed difference of proportions (an :class:`~fairlm.metrics.Estimate` on the
    0-1 scale) as a Figure in percentage points, ideal 0, kind ``"difference"``."""

    def pp(x: float | None) -> float | None:
        return None if x is None or not np.isfinite(x) else 100.0 * float(x)

    p = None if not np.isfinite(est.p_value) else float(est.p_value)
    return Figure(
        metric,
        pp(est.value),
        group,
        pp(est.ci_low),
        pp(est.ci_high),
        n,
        p,
        unit="pp",
        ideal=0.0,
        higher_is_better=None,
        note=note,
        kind="difference",
    )


def fit_group_metrics(
    bench: Benchmark,
    y_true: Any,
    y_pred: Any,
    sensitive: Sequence[Any],
    *,
    reference: str,
    metrics: list[str] | None,
    notes: list[str],
    key: str,
) -> Any:
    """:class:`~fairlm.metrics.GroupMetrics` of a binary task with ``bench``'s bootstrap
    settings, or None where it cannot be computed.

    Why it was not computed, and warnings about undefined metrics or small groups, are
    added to ``notes`` (once each, prefixed with ``key``) instead of being raised: a
    benchmark summary reports them next to its figures.
    """
    from fairlm.metrics import GroupMetrics, MetricsError

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            gm = GroupMetrics(
                np.asarray(y_true, dtype=bool),
                np.asarray(y_pred, dtype=bool),
                sensitive_features=list(sensitive),
                reference=reference,
                metrics=metrics,
                n_bootstrap=bench.n_bootstrap,
                n_permutations=bench.n_bootstrap,
                confidence=bench.confidence,
                seed=bench.seed,
            )
        except MetricsError as exc:
            notes.append(f"group metrics ({key}) not computed: {exc}")
            return None
    for w in caught:
        if w.category.__name__ in ("UndefinedMetricWarning", "SmallGroupWarning"):
            msg = f"group metrics ({key}): {w.message}"
            if msg not in notes:
                notes.append(msg)
    return gm
