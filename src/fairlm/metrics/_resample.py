"""Bootstrap and permutation resampling of per-group cell counts.

**Bootstrap.** The stratified row bootstrap draws ``n_g`` rows with replacement inside each
group ``g``. The number of drawn rows that fall in each of a group's ``C`` cells is then
exactly Multinomial(``n_g``, observed cell shares), so drawing that multinomial gives the
same distribution of counts, and therefore of every count-based metric, as resampling the
rows, at a cost that does not depend on the number of rows.

**Permutation test.** The null hypothesis is that the group label is exchangeable: it is
unrelated to the rows' cells. Shuffling the labels over the rows keeps each group's size
``n_g`` and each cell's total ``K_c`` fixed, and the resulting ``G x C`` table of counts
follows the multivariate hypergeometric law (group 1's row of the table is a draw of ``n_1``
balls without replacement from an urn holding ``K_c`` balls of colour ``c``; group 2 draws
from what is left, and so on). We draw that table directly, one univariate hypergeometric
per (group, cell) vectorised over permutations, which again is exact and row-free.

**Weights.** With sample weights a resampled row carries its weight, so a cell's resampled
total is the sum of ``m`` weights drawn from that cell. We draw ``m`` (row counts) exactly
as above and approximate that sum by its normal limit, ``m * mean + sqrt(m * var) * z``
(with the finite-population factor ``(N - m) / (N - 1)`` in the permutation case). When the
weights are constant inside every cell the variance is 0, no normal draw is made, and the
result equals the unweighted computation on scaled counts.
"""

from __future__ import annotations

import warnings

import numpy as np

__all__ = [
    "MIN_BOOTSTRAP_N",
    "CellWeights",
    "bootstrap_cells",
    "bootstrap_counts",
    "interval",
    "permutation_p_value",
    "permute_counts",
]


class CellWeights:
    """Mean and variance of the row weights in each (group, cell); ``None`` if unweighted."""

    def __init__(self, rows: np.ndarray, sums: np.ndarray, sq_sums: np.ndarray) -> None:
        # rows, sums, sq_sums: (G, C) row counts, sums of weights and of squared weights
        with np.errstate(invalid="ignore", divide="ignore"):
            self.mean = np.where(rows > 0, sums / np.maximum(rows, 1), 0.0)  # (G, C)
            self.var = np.maximum(
                np.where(rows > 0, sq_sums / np.maximum(rows, 1), 0.0) - self.mean**2, 0.0
            )
        # tiny float noise must not count as "weights vary" (it would change the RNG stream)
        self.var[self.var <= 1e-12 * np.maximum(self.mean**2, 1e-300)] = 0.0
        self.rows = rows
        self.constant = not self.var.any()

    def pooled(self) -> CellWeights:
        """Per-cell weights over all groups together (what a permutation mixes)."""
        rows = self.rows.sum(0, keepdims=True)
        sums = (self.mean * self.rows).sum(0, keepdims=True)
        sq = ((self.var + self.mean**2) * self.rows).sum(0, keepdims=True)
        return CellWeights(rows, sums, sq)


def _weighted_totals(
    m: np.ndarray,
    w: CellWeights,
    rng: np.random.Generator,
    population: np.ndarray | None = None,
) -> np.ndarray:
    """Sum of the weights of ``m`` drawn rows per cell (normal approximation, see above)."""
    totals = m * w.mean
    if w.constant:
        return totals
    var = m * w.var
    if population is not None:  # without replacement: finite-population correction
        with np.errstate(invalid="ignore", divide="ignore"):
            fpc = np.where(population > 1, (population - m) / np.maximum(population - 1, 1), 0)
        var = var * np.clip(fpc, 0.0, 1.0)
    return np.maximum(totals + np.sqrt(var) * rng.standard_normal(m.shape), 0.0)


def bootstrap_counts(
    rows: np.ndarray,
    n_resamples: int,
    rng: np.random.Generator,
    weights: CellWeights | None = None,
) -> np.ndarray:
    """``(B, G, C)`` counts of a stratified row bootstrap, from ``(G, C)`` row counts."""
    rows = np.asarray(rows, dtype=np.int64)
    n = rows.sum(-1)  # (G,)
    shares = rows / np.maximum(n, 1)[:, None]
    drawn = rng.multinomial(n, shares, size=(n_resamples, rows.shape[0]))  # (B, G, C)
    if weights is None:
        return drawn.astype(np.float64)
    return _weighted_totals(drawn, weights, rng)


def permute_counts(
    rows: np.ndarray,
    n_permutations: int,
    rng: np.random.Generator,
    weights: CellWeights | None = None,
) -> np.ndarray:
    """``(P, G, C)`` counts after shuffling group labels over rows (exact, see module doc)."""
    rows = np.asarray(rows, dtype=np.int64)
    n_groups, n_cells = rows.shape
    left = np.broadcast_to(rows.sum(0), (n_permutations, n_cells)).copy()  # (P, C) urn
    out = np.empty((n_permutations, n_groups, n_cells), dtype=np.int64)
    for g in range(n_groups - 1):
        need = np.full(n_permutations, rows[g].sum(), dtype=np.int64)  # (P,)
        in_urn = left.sum(-1)
        for c in range(n_cells - 1):
            others = in_urn - left[:, c]
            x = rng.hypergeometric(left[:, c], others, need)
            out[:, g, c] = x
            left[:, c] -= x
            need -= x
            in_urn = others
        out[:, g, -1] = need
        left[:, -1] -= need
    out[:, -1] = left
    if weights is None:
        return out.astype(np.float64)
    pooled = weights.pooled()
    return _weighted_totals(out, pooled, rng, population=pooled.rows)


# Fewer examples than this and a percentile bootstrap claims more than it knows: a stratum
# of one example resamples to itself, and with a handful the replicates take only a few
# values. Below it a figure gets no bootstrap interval, and a bootstrap is stratified only
# when every stratum has at least this many examples.
MIN_BOOTSTRAP_N = 10


def bootstrap_cells(counts: np.ndarray, n_resamples: int, rng: np.random.Generator) -> np.ndarray:
    """``(B, G, C)`` cell counts of a bootstrap over examples from ``(G, C)`` counts:
    stratified by group (each group keeps its size) when every group has at least
    :data:`MIN_BOOTSTRAP_N` examples, else over all examples pooled."""
    counts = np.asarray(counts, dtype=np.float64)
    n = counts.sum(-1)
    if (n >= MIN_BOOTSTRAP_N).all():
        return bootstrap_counts(counts.astype(np.int64), n_resamples, rng)
    total = counts.sum()
    flat = rng.multinomial(int(total), counts.ravel() / total, size=n_resamples)
    return flat.reshape(n_resamples, *counts.shape).astype(np.float64)


def interval(
    replicates: np.ndarray,
    point: np.ndarray | float,
    confidence: float,
    method: str = "percentile",
) -> tuple[np.ndarray, np.ndarray]:
    """Bootstrap CI over axis 0, ignoring NaN replicates (resamples where undefined).

    ``percentile``: the (1-c)/2 and (1+c)/2 quantiles of the replicates.
    ``basic``: 2 * point minus those quantiles, swapped (the "reverse percentile").
    """
    alpha = (1.0 - confidence) / 2.0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN slices -> NaN, on purpose
        lo, hi = np.nanquantile(replicates, [alpha, 1.0 - alpha], axis=0)
    if method == "basic":
        point = np.asarray(point, dtype=np.float64)
        lo, hi = 2 * point - hi, 2 * point - lo
    return np.asarray(lo), np.asarray(hi)


def permutation_p_value(null: np.ndarray, observed: np.ndarray | float) -> np.ndarray:
    """``(1 + #{T* >= T}) / (1 + #defined T*)`` over axis 0, for statistics where large is
    extreme (pass absolute differences or absolute log ratios). NaN where undefined.

    The +1 counts the observed table as one of the permutations, so p is never 0 (Phipson &
    Smyth 2010). A tolerance treats floating-point ties as ties.
    """
    observed = np.asarray(observed, dtype=np.float64)
    defined = ~np.isnan(null)
    tol = 1e-9 * np.maximum(1.0, np.where(np.isfinite(observed), np.abs(observed), 1.0))
    with np.errstate(invalid="ignore"):
        hits = ((null >= observed - tol) & defined).sum(0)
    n = defined.sum(0)
    p = (1.0 + hits) / (1.0 + n)
    return np.where(np.isnan(observed) | (n == 0), np.nan, p)
