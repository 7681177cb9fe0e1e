"""Shared summarising: per-example values -> :class:`Figure` objects with CIs.

Every benchmark summarises the same way, through :func:`fairlm.metrics.mean_by_group`
(stratified percentile bootstrap; binomial draws on counts for 0/1 values), so the
report renders one kind of object.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from fairlm.benchmarks._base import Figure

__all__ = ["grouped_figures"]


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
) -> list[Figure]:
    """Overall figure, one per group, and the max-min gap between groups (with p-value)."""
    from fairlm.metrics import mean_by_group

    values = np.asarray(values, dtype=np.float64)
    if len(values) == 0:
        return [
            Figure(
                metric,
                None,
                n=0,
                unit=unit,
                ideal=ideal,
                higher_is_better=higher_is_better,
                note="no examples",
            )
        ]
    res = mean_by_group(
        values,
        groups,
        n_bootstrap=n_bootstrap,
        confidence=confidence,
        seed=seed,
        n_permutations=n_bootstrap,
    )
    common = dict(unit=unit, ideal=ideal, higher_is_better=higher_is_better)
    out = []
    if with_overall:
        o = res.overall
        out.append(Figure(metric, o.mean, "overall", o.ci_low, o.ci_high, o.n, **common))
    for name, g in res.groups.items():
        out.append(Figure(metric, g.mean, name, g.ci_low, g.ci_high, g.n, **common))
    if with_gap and len(res.groups) >= 2:
        gap = res.gap
        out.append(
            Figure(
                metric,
                gap.value,
                "gap (max - min)",
                gap.ci_low,
                gap.ci_high,
                sum(g.n for g in res.groups.values()),
                gap.p_value,
                unit=unit,
                ideal=0.0,
                higher_is_better=False,
                note="largest minus smallest group value; p: permutation test of no difference",
            )
        )
    return out
