"""Coverage of fairlm's confidence intervals, by simulation with a known truth.

For each kind of figure (:mod:`._intervals`) and several sample sizes, tiny strata and
unbalanced groups among them, :func:`coverage` draws many data sets from a distribution
whose true value is known, computes the interval on each, and returns the share of
intervals that contain the truth: a nominal 95% interval should give about 0.95. The
test suite runs :data:`CASES` at CI-friendly sizes; ``benchmarks/coverage.py`` runs more
replications. Proportions' true values are drawn afresh for every data set from
Uniform(0.05, 0.95): the coverage of any interval for a binomial proportion oscillates
with the true value at small n, so its average over values is what is checked (Brown,
Cai & DasGupta, Statistical Science 2001).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from fairlm.metrics import _intervals as iv

__all__ = ["CASES", "Case", "coverage"]


@dataclass(frozen=True)
class Case:
    """One simulation: a kind of figure and its parameters (group sizes, truths...)."""

    kind: str
    sizes: tuple[int, ...]
    truths: tuple[float, ...] = ()  # group proportions or means, where fixed
    dist: str = "normal"  # continuous values: normal or t3

    def label(self) -> str:
        extra = f" truths {self.truths}" if self.truths else ""
        return f"{self.kind} n={self.sizes}{extra} {self.dist if 'mean' in self.kind else ''}"


def _uniform_p(rng, shape):
    return rng.uniform(0.05, 0.95, shape)


def _proportion(case: Case, reps: int, rng, conf: float) -> np.ndarray:
    (n,) = case.sizes
    p = _uniform_p(rng, reps)
    lo, hi = iv.wilson_interval(rng.binomial(n, p), n, conf)
    return (lo <= p) & (p <= hi)


def _values(case: Case, rng, shape) -> np.ndarray:
    if case.dist == "t3":
        return rng.standard_t(3, shape)
    return rng.normal(0.0, 1.0, shape)


def _mean(case: Case, reps: int, rng, conf: float) -> np.ndarray:
    (n,) = case.sizes
    x = 0.3 + _values(case, rng, (reps, n))
    lo, hi = iv.mean_interval(x.mean(1), x.std(1, ddof=1), n, conf)
    return (lo <= 0.3) & (hi >= 0.3)


def _proportion_difference(case: Case, reps: int, rng, conf: float) -> np.ndarray:
    n1, n2 = case.sizes
    p1, p2 = _uniform_p(rng, reps), _uniform_p(rng, reps)
    lo, hi = iv.newcombe_interval(rng.binomial(n1, p1), n1, rng.binomial(n2, p2), n2, conf)
    return (lo <= p1 - p2) & (p1 - p2 <= hi)


def _paired_difference(case: Case, reps: int, rng, conf: float) -> np.ndarray:
    # Pairs drawn from a 2 x 2 table of cell probabilities (both, first only, second
    # only, neither), drawn afresh per data set; the truth is p1 - p2 = first - second.
    (n,) = case.sizes
    both = rng.uniform(0.05, 0.6, reps)
    first, second = rng.uniform(0.0, 0.2, reps), rng.uniform(0.0, 0.2, reps)
    cells = np.stack([both, first, second, 1.0 - both - first - second], axis=1)
    a, b, c, d = rng.multinomial(n, cells).T
    lo, hi = iv.paired_newcombe_interval(a, b, c, d, conf)
    return (lo <= first - second) & (first - second <= hi)


def _mean_difference(case: Case, reps: int, rng, conf: float) -> np.ndarray:
    n1, n2 = case.sizes
    a = _values(case, rng, (reps, n1))
    b = 0.5 + 2.0 * _values(case, rng, (reps, n2))  # unequal spread: Welch's case
    lo, hi = iv.welch_interval(
        a.mean(1), a.std(1, ddof=1), n1, b.mean(1), b.std(1, ddof=1), n2, conf
    )
    return (lo <= -0.5) & (hi >= -0.5)


def _gap(case: Case, reps: int, rng, conf: float) -> np.ndarray:
    n = np.array(case.sizes)
    if case.truths:
        p = np.broadcast_to(np.array(case.truths), (reps, len(n)))
    else:
        p = _uniform_p(rng, (reps, len(n)))
    truth = p.max(1) - p.min(1)
    k = rng.binomial(n, p)
    hit = np.empty(reps, dtype=bool)
    for r in range(reps):
        lo, hi = iv.gap_interval_binary(k[r], n, conf)
        hit[r] = lo <= truth[r] <= hi
    return hit


def _gap_continuous(case: Case, reps: int, rng, conf: float) -> np.ndarray:
    means = np.array(case.truths or (0.0,) * len(case.sizes))
    truth = means.max() - means.min()
    hit = np.empty(reps, dtype=bool)
    for r in range(reps):
        parts = [m + _values(case, rng, n) for m, n in zip(means, case.sizes, strict=True)]
        lo, hi = iv.gap_interval_continuous(parts, conf)
        hit[r] = lo <= truth <= hi
    return hit


def _effect_size(case: Case, reps: int, rng, conf: float) -> np.ndarray:
    nx, ny = case.sizes
    (delta,) = case.truths
    x = delta + rng.normal(size=(reps, nx))
    y = rng.normal(size=(reps, ny))
    both = np.concatenate([x, y], axis=1)
    d = (x.mean(1) - y.mean(1)) / both.std(1, ddof=1)
    lo, hi = iv.effect_size_interval(d, nx, ny, conf)
    share = nx / (nx + ny)
    truth = delta / np.sqrt(1.0 + share * (1.0 - share) * delta * delta)
    return (lo <= truth) & (truth <= hi)


_SIMULATE: dict[str, Callable[..., np.ndarray]] = {
    "proportion": _proportion,
    "mean": _mean,
    "proportion_difference": _proportion_difference,
    "mean_difference": _mean_difference,
    "paired_difference": _paired_difference,
    "gap": _gap,
    "gap_mean": _gap_continuous,
    "effect_size": _effect_size,
}

# What the test suite checks: every kind, tiny and unbalanced groups included
CASES: tuple[Case, ...] = (
    *(Case("proportion", (n,)) for n in (1, 2, 5, 20, 200)),
    *(Case("mean", (n,), dist=d) for n in (2, 5, 30) for d in ("normal", "t3")),
    *(Case("proportion_difference", s) for s in ((2, 2), (3, 10), (30, 30), (200, 40))),
    *(Case("mean_difference", s) for s in ((3, 3), (5, 40), (30, 30))),
    *(Case("paired_difference", (n,)) for n in (10, 50, 300)),
    Case("gap", (2, 2)),
    Case("gap", (5, 40)),
    Case("gap", (20, 20, 20), (0.5, 0.5, 0.5)),
    Case("gap", (100, 30, 10, 200, 60), (0.5, 0.55, 0.6, 0.5, 0.45)),
    Case("gap", (87, 60, 262, 159, 63, 516, 105, 84, 172), (0.5,) * 9),
    Case("gap_mean", (3, 3, 3), (0.0, 0.0, 0.0)),
    Case("gap_mean", (10, 40, 20, 5), (0.0, 0.5, 0.2, 0.3)),
    *(Case("effect_size", s, (dl,)) for s in ((4, 4), (16, 24)) for dl in (0.0, 1.0)),
    Case("effect_size", (64, 64), (0.5,)),
)


def coverage(case: Case, replications: int, *, seed: int = 0, confidence: float = 0.95) -> float:
    """Share of ``replications`` simulated data sets whose interval holds the truth."""
    rng = np.random.default_rng(seed)
    return float(_SIMULATE[case.kind](case, replications, rng, confidence).mean())
