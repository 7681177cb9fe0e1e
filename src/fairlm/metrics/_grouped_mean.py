"""Means by group with confidence intervals and a permutation test of the gap between groups.

The shared aggregation for the benchmark modules: each benchmark yields one value per
example (a 0/1 "pair was stereotyped" or a log-likelihood difference) and a group column
(e.g. bias type); :func:`mean_by_group` summarises them all the same way. Intervals are
chosen per kind of figure (:mod:`._intervals`): Wilson for shares of 0/1 values,
Student's t for means, and for the max - min gap between groups the folded two-group
interval or, over more groups, simultaneous pairwise intervals.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from fairlm.metrics import _inputs
from fairlm.metrics import _intervals as iv
from fairlm.metrics._errors import MetricsError
from fairlm.metrics._estimate import Estimate, clean, fmt, fmt_ci, fmt_p, render_table
from fairlm.metrics._resample import interval, permutation_p_value

__all__ = ["GroupMean", "GroupedMean", "bootstrap_ci", "mean_by_group"]

# Continuous values are resampled row by row; this bounds the rows drawn per chunk.
_CHUNK_ROWS = 2_000_000


@dataclass(frozen=True)
class GroupMean:
    """Mean of one group's values with its CI (NaN where n is too small for one)."""

    n: int
    mean: float
    ci_low: float
    ci_high: float

    def to_dict(self) -> dict[str, Any]:
        return clean(
            {"n": self.n, "mean": self.mean, "ci_low": self.ci_low, "ci_high": self.ci_high}
        )


@dataclass(frozen=True)
class GroupedMean:
    """Per-group and overall means, and the gap between the highest and lowest group mean.

    ``groups`` is empty when no groups were given; ``gap`` is then NaN (so it is with one
    group). ``gap.p_value`` tests whether the gap is larger than shuffling the group labels
    would give.
    """

    overall: GroupMean
    groups: dict[str, GroupMean]
    gap: Estimate
    binary: bool  # values were all 0/1 (binomial resampling was used)
    confidence: float
    n_bootstrap: int
    n_permutations: int
    seed: int | None

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready data; NaN becomes None."""
        return clean(
            {
                "overall": self.overall.to_dict(),
                "groups": {k: g.to_dict() for k, g in self.groups.items()},
                "gap": self.gap.to_dict(),
                "binary": self.binary,
                "confidence": self.confidence,
                "n_bootstrap": self.n_bootstrap,
                "n_permutations": self.n_permutations,
                "seed": self.seed,
            }
        )

    def to_table(self, digits: int = 3) -> str:
        ci = f"{round(self.confidence * 100, 2):g}% CI"
        rows = [
            [name, str(g.n), fmt(g.mean, digits), fmt_ci(g.ci_low, g.ci_high, digits), ""]
            for name, g in [*self.groups.items(), ("(overall)", self.overall)]
        ]
        if self.groups:
            gap = self.gap
            rows.append(
                [
                    "gap (max - min)",
                    "",
                    fmt(gap.value, digits),
                    fmt_ci(gap.ci_low, gap.ci_high, digits),
                    fmt_p(gap.p_value),
                ]
            )
        return render_table(["group", "n", "mean", ci, "p"], rows)

    def __str__(self) -> str:
        return self.to_table()


def _check_values(values: Any) -> np.ndarray:
    arr = _inputs.to_1d(values, "values")
    _inputs.check_missing(arr, "values")
    try:
        x = arr.astype(np.float64)
    except (TypeError, ValueError):
        raise MetricsError(f"values must be numbers; got values such as {arr[:3]!r}.") from None
    if not np.isfinite(x).all():
        i = int(np.flatnonzero(~np.isfinite(x))[0])
        raise MetricsError(f"values must be finite; row {i} is {x[i]}.")
    return x


def _perm_sums(
    x: list[np.ndarray], binary: bool, n_permutations: int, rng: np.random.Generator
) -> np.ndarray:
    """(P, G) group sums after shuffling group labels (exact; hypergeometric for 0/1)."""
    n = np.array([len(v) for v in x])
    if binary:
        good = np.full(n_permutations, sum(int(v.sum()) for v in x), dtype=np.int64)
        total = int(n.sum())
        out = np.empty((n_permutations, len(x)))
        for g in range(len(x) - 1):
            draw = rng.hypergeometric(good, total - good, n[g])
            out[:, g] = draw
            good -= draw
            total -= n[g]
        out[:, -1] = good
        return out
    pooled = np.concatenate(x)
    starts = np.concatenate([[0], np.cumsum(n)[:-1]])
    out = np.empty((n_permutations, len(x)))
    step = max(1, _CHUNK_ROWS // len(pooled))
    for start in range(0, n_permutations, step):
        b = min(step, n_permutations - start)
        shuffled = rng.permuted(np.broadcast_to(pooled, (b, len(pooled))), axis=1)
        out[start : start + b] = np.add.reduceat(shuffled, starts, axis=1)
    return out


def mean_by_group(
    values: Any,
    groups: Any = None,
    *,
    n_bootstrap: int = 1000,
    confidence: float = 0.95,
    seed: int | None = 0,
    n_permutations: int = 1000,
    binary: bool | None = None,
) -> GroupedMean:
    """Mean of ``values`` per group and overall, with confidence intervals.

    ``values``: one number per example (0/1 indicators or continuous scores). ``groups``:
    optional label per example; group names are ``str(label)``, sorted. Intervals: for
    all-0/1 values Wilson's score interval on each group's count and on the pooled count
    (not stratified: a category of one example would resample to itself), else Student's
    t interval (NaN for fewer than 2 values). ``gap`` is max - min of the group means (>=
    0; 0 means every group has the same mean; biased upwards, since noise only adds to a
    maximum) with an interval (:func:`~fairlm.metrics._intervals.gap_interval_binary`,
    ``gap_interval_continuous``) and a permutation p-value for "no difference between
    groups" (exact hypergeometric draws for 0/1 values, label shuffles otherwise): judge
    whether groups differ by the p-value. ``n_bootstrap=0`` skips the intervals (the name
    is kept from when they were bootstrapped). Multiply by 100 yourself for percentages.

    ``binary``: whether the values are 0/1 outcomes (shares). ``None`` decides from the
    data (all values 0 or 1); pass ``False`` for scores that only happen to be 0 or 1
    here (a log-likelihood difference, a similarity), which must not get a binomial
    interval, and ``True`` to insist (an error if a value is not 0 or 1).

    >>> r = mean_by_group([1, 0, 1, 1], ["a", "a", "b", "b"], n_bootstrap=0)
    >>> r.groups["a"].mean, r.groups["b"].mean, r.gap.value
    (0.5, 1.0, 0.5)
    """
    for name, val in [("n_bootstrap", n_bootstrap), ("n_permutations", n_permutations)]:
        if isinstance(val, bool) or not isinstance(val, int | np.integer) or val < 0:
            raise MetricsError(f"{name} must be a non-negative integer, got {val!r}.")
    if not 0 < confidence < 1:
        raise MetricsError(f"confidence must be between 0 and 1 (e.g. 0.95), got {confidence}.")
    x = _check_values(values)
    if groups is None:
        names: list[str] = []
        parts = [x]
    else:
        g = _inputs.to_1d(groups, "groups")
        _inputs.check_lengths({"values": x, "groups": g})
        _inputs.check_missing(g, "groups")
        codes, names = _inputs.encode(g, "groups")
        order = np.argsort(codes, kind="stable")
        parts = np.split(x[order], np.cumsum(np.bincount(codes, minlength=len(names)))[:-1])
    zero_one = bool(((x == 0) | (x == 1)).all())
    if binary is True and not zero_one:
        i = int(np.flatnonzero((x != 0) & (x != 1))[0])
        raise MetricsError(f"binary=True needs values that are 0 or 1; row {i} is {x[i]}.")
    binary = zero_one if binary is None else bool(binary)
    n = np.array([len(p) for p in parts])
    means = np.array([p.mean() for p in parts])
    overall = float(x.mean())
    gap_point = float(means.max() - means.min()) if len(names) >= 2 else math.nan

    _, perm_rng = (np.random.default_rng(s) for s in np.random.SeedSequence(seed).spawn(2))
    nan_g = np.full(len(parts), np.nan)
    lo = hi = nan_g
    o_lo = o_hi = gap_lo = gap_hi = p = math.nan
    if n_bootstrap:
        (lo, hi), (o_lo, o_hi) = _intervals(parts, x, binary, confidence)
        if len(names) >= 2:
            if binary:
                ks = np.array([v.sum() for v in parts])
                gap_lo, gap_hi = iv.gap_interval_binary(ks, n, confidence)
            else:
                gap_lo, gap_hi = iv.gap_interval_continuous(parts, confidence)
    if n_permutations and len(names) >= 2:
        pm = _perm_sums(parts, binary, int(n_permutations), perm_rng) / n
        p = float(permutation_p_value(pm.max(1) - pm.min(1), gap_point))
    per_group = {
        name: GroupMean(int(n[i]), float(means[i]), float(lo[i]), float(hi[i]))
        for i, name in enumerate(names)
    }
    return GroupedMean(
        overall=GroupMean(int(n.sum()), overall, float(o_lo), float(o_hi)),
        groups=per_group,
        gap=Estimate(gap_point, gap_lo, gap_hi, p),
        binary=binary,
        confidence=float(confidence),
        n_bootstrap=int(n_bootstrap),
        n_permutations=int(n_permutations),
        seed=seed,
    )


def _intervals(parts: list[np.ndarray], x: np.ndarray, binary: bool, confidence: float):
    """((low, high) per group, (low, high) overall): Wilson for 0/1 values, else t."""
    if binary:
        return (
            iv.wilson_interval([v.sum() for v in parts], [len(v) for v in parts], confidence),
            tuple(map(float, iv.wilson_interval(x.sum(), len(x), confidence))),
        )
    sd = [v.std(ddof=1) if len(v) > 1 else math.nan for v in parts]
    per_group = iv.mean_interval([v.mean() for v in parts], sd, [len(v) for v in parts], confidence)
    sd_all = x.std(ddof=1) if len(x) > 1 else math.nan
    overall = tuple(map(float, iv.mean_interval(x.mean(), sd_all, len(x), confidence)))
    return per_group, overall


def bootstrap_ci(
    statistic: Callable[..., float],
    *arrays: Any,
    strata: Any = None,
    n_bootstrap: int = 1000,
    confidence: float = 0.95,
    seed: int | None = 0,
) -> Estimate:
    """Percentile bootstrap CI of any ``statistic(*arrays)`` by resampling rows.

    For statistics that are not a simple mean, e.g. StereoSet's ICAT computed from
    per-example arrays. Rows are resampled together across ``arrays`` (stratified by
    ``strata`` when given); a Python loop calls ``statistic`` ``n_bootstrap`` times, so
    keep it cheap. ``p_value`` is NaN.

    >>> est = bootstrap_ci(lambda a: float(a.mean()), [1.0, 2.0, 3.0], n_bootstrap=200)
    >>> est.value, est.ci_low <= 2.0 <= est.ci_high
    (2.0, True)
    """
    if not arrays:
        raise MetricsError("bootstrap_ci needs at least one array of per-row values.")
    arrs = [_inputs.to_1d(a, f"arrays[{i}]") for i, a in enumerate(arrays)]
    sizes = {f"arrays[{i}]": a for i, a in enumerate(arrs)}
    if strata is not None:
        sizes["strata"] = _inputs.to_1d(strata, "strata")
    _inputs.check_lengths(sizes)
    codes = np.zeros(len(arrs[0]), dtype=np.intp)
    if strata is not None:
        _inputs.check_missing(sizes["strata"], "strata")
        codes, _ = _inputs.encode(sizes["strata"], "strata")
    members = [np.flatnonzero(codes == c) for c in range(int(codes.max()) + 1)]
    point = float(statistic(*arrs))
    rng = np.random.default_rng(seed)
    reps = np.empty(n_bootstrap)
    for b in range(n_bootstrap):
        idx = np.concatenate([m[rng.integers(0, len(m), len(m))] for m in members])
        reps[b] = statistic(*(a[idx] for a in arrs))
    if not n_bootstrap:
        return Estimate(point)
    lo, hi = interval(reps, point, confidence)
    return Estimate(point, float(lo), float(hi))
