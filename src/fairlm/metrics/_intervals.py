"""Confidence intervals chosen per kind of figure, for the coverage they claim.

A percentile bootstrap stratified by group, used for everything before, claims more
certainty than it has where strata are small: a stratum of one example resamples to
itself, so a category of one or two examples gets an interval of zero width. Each kind of
figure here gets an interval whose coverage is known (``tests/metrics/test_coverage.py``
checks it by simulation; docs/metrics.md gives the figures):

* a **proportion** (a share of 0/1 outcomes, one group or all): Wilson's score interval
  (Wilson, JASA 1927) on the pooled count, at any n, never of zero width;
* a **mean** of continuous values: Student's t interval (n >= 2); it holds for symmetric
  or heavy-tailed values and under-covers for strongly skewed ones at small n;
* a **difference of two proportions**: Newcombe's hybrid score interval (Newcombe,
  Statistics in Medicine 1998, method 10); of two means: Welch's t interval;
* a **difference of two paired proportions** (the same items under two conditions):
  Newcombe's paired score interval (Statistics in Medicine 1998, 17:2635, method 10),
  which gives a width even when no pair is discordant;
* an **absolute difference** |a - b| (a max - min gap over two groups): the interval of
  the signed difference folded at 0;
* a **max - min gap over three or more groups**: the range of simultaneous intervals for
  every pair of groups (Tukey-Kramer for proportions, Games-Howell for means); the gap
  is biased upwards and not a smooth function of the group values, so this interval is
  conservative when one pair stands out: judge whether groups differ by the permutation
  p-value;
* an **effect size** (a standardised mean difference, such as SEAT's): the noncentral t
  interval for Cohen's d (Hedges & Olkin 1985), mapped to the effect size's scale.

Every function is vectorised over its count arguments and returns ``(low, high)`` arrays,
NaN where the figure's n is too small for its interval.
"""

from __future__ import annotations

import functools
import math

import numpy as np

__all__ = [
    "effect_size_interval",
    "folded_interval",
    "gap_interval_binary",
    "gap_interval_continuous",
    "mean_interval",
    "newcombe_interval",
    "paired_newcombe_interval",
    "welch_interval",
    "wilson_interval",
]


def _z(confidence: float) -> float:
    from scipy.stats import norm

    return float(norm.ppf(0.5 + confidence / 2.0))


def wilson_interval(k, n, confidence: float = 0.95) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score interval of the proportion ``k / n``; NaN where ``n`` is 0."""
    k = np.asarray(k, dtype=np.float64)
    n = np.asarray(n, dtype=np.float64)
    z = _z(confidence)
    with np.errstate(invalid="ignore", divide="ignore"):
        p = k / n
        denom = 1.0 + z * z / n
        centre = (p + z * z / (2.0 * n)) / denom
        half = z * np.sqrt(p * (1.0 - p) / n + z * z / (4.0 * n * n)) / denom
    lo = np.where(n > 0, np.clip(centre - half, 0.0, 1.0), np.nan)
    hi = np.where(n > 0, np.clip(centre + half, 0.0, 1.0), np.nan)
    return lo, hi


def mean_interval(mean, sd, n, confidence: float = 0.95) -> tuple[np.ndarray, np.ndarray]:
    """Student's t interval of a mean from its sample sd (ddof 1); NaN where ``n < 2`` or
    the values show no spread (``sd == 0``: the t interval would have zero width, a
    certainty a few equal values do not give)."""
    from scipy.stats import t

    mean, sd, n = (np.asarray(a, dtype=np.float64) for a in (mean, sd, n))
    ok = (n >= 2) & (sd > 0)
    df = np.where(ok, n - 1.0, 1.0)
    half = t.ppf(0.5 + confidence / 2.0, df) * sd / np.sqrt(np.where(ok, n, 1.0))
    return np.where(ok, mean - half, np.nan), np.where(ok, mean + half, np.nan)


def newcombe_interval(k1, n1, k2, n2, confidence: float = 0.95):
    """Newcombe's hybrid score interval of ``k1/n1 - k2/n2``; NaN where a group is empty."""
    k1, n1, k2, n2 = (np.asarray(a, dtype=np.float64) for a in (k1, n1, k2, n2))
    l1, u1 = wilson_interval(k1, n1, confidence)
    l2, u2 = wilson_interval(k2, n2, confidence)
    with np.errstate(invalid="ignore", divide="ignore"):
        p1, p2 = k1 / n1, k2 / n2
    d = p1 - p2
    lo = d - np.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2)
    hi = d + np.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2)
    return lo, hi


def paired_newcombe_interval(a, b, c, d, confidence: float = 0.95):
    """Newcombe's paired score interval of ``p1 - p2`` from a 2 x 2 table of pairs.

    ``a`` pairs are 1 in both conditions, ``b`` 1 in the first only, ``c`` 1 in the
    second only, ``d`` in neither: ``p1 = (a + b) / n``, ``p2 = (a + c) / n``. Each
    margin's Wilson interval is combined with the correlation ``phi`` of the pairs,
    whose numerator ``ad - bc`` is shrunk by ``n / 2`` towards 0 when positive, as the
    method prescribes (0 where a margin is constant). NaN where there are no pairs.
    """
    a, b, c, d = (np.asarray(v, dtype=np.float64) for v in (a, b, c, d))
    n = a + b + c + d
    l1, u1 = wilson_interval(a + b, n, confidence)
    l2, u2 = wilson_interval(a + c, n, confidence)
    with np.errstate(invalid="ignore", divide="ignore"):
        p1, p2 = (a + b) / n, (a + c) / n
        denom = np.sqrt((a + b) * (c + d) * (a + c) * (b + d))
        cross = a * d - b * c
        cross = np.where(cross > 0, np.maximum(cross - n / 2.0, 0.0), cross)
        phi = np.where(denom > 0, cross / np.where(denom > 0, denom, 1.0), 0.0)
    diff = p1 - p2
    lo = diff - np.sqrt(
        np.maximum((p1 - l1) ** 2 - 2 * phi * (p1 - l1) * (u2 - p2) + (u2 - p2) ** 2, 0.0)
    )
    hi = diff + np.sqrt(
        np.maximum((u1 - p1) ** 2 - 2 * phi * (u1 - p1) * (p2 - l2) + (p2 - l2) ** 2, 0.0)
    )
    return lo, hi


def welch_interval(m1, s1, n1, m2, s2, n2, confidence: float = 0.95):
    """Welch's t interval of the difference of two means ``m1 - m2`` (sds with ddof 1);
    NaN where a group has fewer than 2 values or both have no spread."""
    from scipy.stats import t

    m1, s1, n1, m2, s2, n2 = (np.asarray(a, dtype=np.float64) for a in (m1, s1, n1, m2, s2, n2))
    ok = (n1 >= 2) & (n2 >= 2)
    n1s, n2s = np.where(ok, n1, 2.0), np.where(ok, n2, 2.0)
    v1, v2 = s1**2 / n1s, s2**2 / n2s
    se = np.sqrt(v1 + v2)
    with np.errstate(invalid="ignore", divide="ignore"):
        df = (v1 + v2) ** 2 / (v1**2 / (n1s - 1) + v2**2 / (n2s - 1))
    df = np.where(np.isfinite(df) & (df > 0), df, np.minimum(n1s, n2s) - 1)
    half = t.ppf(0.5 + confidence / 2.0, df) * se
    d = m1 - m2
    return np.where(ok, d - half, np.nan), np.where(ok, d + half, np.nan)


def folded_interval(lo, hi) -> tuple[np.ndarray, np.ndarray]:
    """An interval of ``|x|`` from one of ``x``: ``[0, max(|lo|, |hi|)]`` when it holds 0."""
    lo, hi = np.asarray(lo, dtype=np.float64), np.asarray(hi, dtype=np.float64)
    across = (lo <= 0) & (hi >= 0)
    new_lo = np.where(across, 0.0, np.minimum(np.abs(lo), np.abs(hi)))
    return new_lo, np.maximum(np.abs(lo), np.abs(hi))


def gap_interval_binary(k, n, confidence: float = 0.95) -> tuple[float, float]:
    """Interval of ``max - min`` of the proportions ``k / n`` over the groups.

    Two groups: Newcombe's interval of the difference, folded at 0. More: the range of
    Tukey-Kramer intervals for every pair of groups at once (studentized range quantile,
    normal approximation with each proportion's variance smoothed by one success and one
    failure, so a group of 2 with 2 successes still varies, and a continuity correction),
    clipped to [0, 1]. NaN when a group is empty.
    """
    k = np.asarray(k, dtype=np.float64)
    n = np.asarray(n, dtype=np.float64)
    if len(n) < 2 or (n < 1).any():
        return math.nan, math.nan
    if len(n) == 2:
        lo, hi = folded_interval(*newcombe_interval(k[0], n[0], k[1], n[1], confidence))
        return float(lo), float(hi)
    smooth = (k + 1.0) / (n + 2.0)
    se = np.sqrt(smooth * (1.0 - smooth) / n)
    # proportions move in steps of 1/n: a quarter step per pair keeps a discrete gap
    # from slipping under a continuous bound
    cont = 0.25 * (1.0 / n[:, None] + 1.0 / n[None, :])
    lo, hi = _pairwise_range(k / n, se, np.full(len(n), np.inf), confidence, cont)
    return lo, min(hi, 1.0)


def gap_interval_continuous(parts: list[np.ndarray], confidence: float = 0.95):
    """Interval of ``max - min`` of the group means of ``parts`` (one array per group).

    Two groups: Welch's interval of the difference, folded at 0. More: the range of
    Games-Howell intervals for every pair of groups at once (studentized range quantile
    at each pair's Welch degrees of freedom), clipped at 0. NaN when a group has fewer
    than 2 values.
    """
    if len(parts) < 2 or any(len(v) < 2 for v in parts):
        return math.nan, math.nan
    means = np.array([v.mean() for v in parts])
    sds = np.array([v.std(ddof=1) for v in parts])
    n = np.array([len(v) for v in parts], dtype=np.float64)
    if len(parts) == 2:
        lo, hi = welch_interval(means[0], sds[0], n[0], means[1], sds[1], n[1], confidence)
        lo, hi = folded_interval(lo, hi)
        return float(lo), float(hi)
    return _pairwise_range(means, sds / np.sqrt(n), n - 1.0, confidence)


def _pairwise_range(means, se, df, confidence: float, cont=0.0) -> tuple[float, float]:
    """``[max(max_ij (d_ij - h_ij), 0), max_ij (d_ij + h_ij)]`` over ordered pairs, with
    ``h_ij = q(K, df_ij) / sqrt(2) * se_ij + cont_ij``: if every pairwise interval holds
    its true difference (probability ``confidence``, simultaneously), the range holds the
    true max - min."""
    k = len(means)
    v = se**2
    vij = v[:, None] + v[None, :]
    with np.errstate(invalid="ignore", divide="ignore"):
        dfij = vij**2 / (v[:, None] ** 2 / df[:, None] + v[None, :] ** 2 / df[None, :])
    dfij = np.where(np.isfinite(dfij) & (dfij > 0), dfij, np.minimum(df[:, None], df[None, :]))
    q = np.vectorize(lambda d: _range_quantile(k, d, confidence))(dfij)
    h = q / math.sqrt(2.0) * np.sqrt(vij) + cont
    d = means[:, None] - means[None, :]
    off = ~np.eye(k, dtype=bool)
    return max(float((d - h)[off].max()), 0.0), float((d + h)[off].max())


@functools.cache
def _range_quantile_at(k: int, df: float, confidence: float) -> float:
    from scipy.stats import studentized_range

    return float(studentized_range.ppf(confidence, k, df))


def _range_quantile(k: int, df: float, confidence: float) -> float:
    """Studentized range quantile, df rounded down (conservative: the quantile falls as
    df grows) to cache the slow ppf: to an integer up to 30, to a multiple of 10 up to
    1,000, and the normal limit above."""
    if not math.isfinite(df) or df > 1000:
        d = math.inf
    else:
        d = float(max(1, math.floor(df) if df <= 30 else 10 * math.floor(df / 10)))
    return _range_quantile_at(k, d, confidence)


def effect_size_interval(d, nx, ny, confidence: float = 0.95) -> tuple[np.ndarray, np.ndarray]:
    """Interval of a standardised difference of two groups' means whose denominator is
    the sd of both groups together (SEAT's effect size, Caliskan et al. 2017).

    The effect size is a monotone function of Cohen's d (pooled within-group sd), whose
    t statistic is noncentral t with ``nx + ny - 2`` degrees of freedom (normal values):
    the interval for the population d from inverting that distribution (Hedges & Olkin
    1985) is mapped back to the effect size's scale. NaN when a group has fewer than 2
    values. Vectorised over ``d``.
    """
    d = np.asarray(d, dtype=np.float64)
    n = nx + ny
    if nx < 2 or ny < 2:
        nan = np.full(d.shape, np.nan)
        return nan, nan
    c = nx * ny / n
    # sample: (n - 1) sd_all^2 = (n - 2) sd_pooled^2 + c (mx - my)^2
    denom = (n - 1) - c * d * d
    ok = np.isfinite(d) & (denom > 0)
    cohen = np.sign(d) * np.sqrt(np.where(ok, d * d * (n - 2) / np.where(ok, denom, 1.0), 0.0))
    t_obs = cohen * math.sqrt(c)
    tail = (1.0 - confidence) / 2.0
    lo = _noncentrality(t_obs, n - 2, 1.0 - tail)
    hi = _noncentrality(t_obs, n - 2, tail)
    share = nx / n

    def to_effect(nc: np.ndarray) -> np.ndarray:  # population: sd_all^2 = s^2 (1 + pi(1-pi) d^2)
        delta = nc / math.sqrt(c)
        return delta / np.sqrt(1.0 + share * (1.0 - share) * delta * delta)

    return np.where(ok, to_effect(lo), np.nan), np.where(ok, to_effect(hi), np.nan)


def _noncentrality(t_obs: np.ndarray, df: float, target: float) -> np.ndarray:
    """The noncentrality ``nc`` with ``P(T <= t_obs) = target`` for ``T ~ nct(df, nc)``,
    by bisection (the cdf falls as ``nc`` grows), vectorised over ``t_obs``."""
    from scipy.stats import nct

    low = t_obs - 10.0 - 2.0 * np.abs(t_obs)
    high = t_obs + 10.0 + 2.0 * np.abs(t_obs)
    for _ in range(60):  # the bracket shrinks below 1e-12 of its width
        mid = (low + high) / 2.0
        above = nct.cdf(t_obs, df, mid) > target  # nc too small
        low = np.where(above, mid, low)
        high = np.where(above, high, mid)
    return (low + high) / 2.0
