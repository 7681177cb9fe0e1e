"""Between-group statistics over the last axis of ``(..., G)`` arrays of one metric.

Groups where the metric is NaN (undefined: zero denominator) are left out; a statistic
needs at least two defined groups, else it is NaN. All functions are vectorised so the
same code serves the point estimate, the bootstrap replicates and the permutations.
"""

from __future__ import annotations

import numpy as np

__all__ = [
    "diff_to_ref",
    "farthest_diff_to_ref",
    "min_ratio_to_ref",
    "ratio_to_ref",
    "spread",
    "spread_ratio",
]


def _enough(v: np.ndarray) -> np.ndarray:
    return (~np.isnan(v)).sum(-1) >= 2


def spread(v: np.ndarray) -> np.ndarray:
    """max - min over groups (>= 0; 0 is parity)."""
    out = np.fmax.reduce(v, axis=-1) - np.fmin.reduce(v, axis=-1)
    return np.where(_enough(v), out, np.nan)


def spread_ratio(v: np.ndarray) -> np.ndarray:
    """min / max over groups (in [0, 1]; 1 is parity; NaN if the max is 0)."""
    hi = np.fmax.reduce(v, axis=-1)
    lo = np.fmin.reduce(v, axis=-1)
    with np.errstate(invalid="ignore", divide="ignore"):
        out = np.where(hi > 0, lo / np.where(hi > 0, hi, 1.0), np.nan)
    return np.where(_enough(v), out, np.nan)


def diff_to_ref(v: np.ndarray, ref: int) -> np.ndarray:
    """value(group) - value(reference), per group; (..., G)."""
    return v - v[..., ref : ref + 1]


def ratio_to_ref(v: np.ndarray, ref: int) -> np.ndarray:
    """value(group) / value(reference), per group; NaN if the reference's value is 0."""
    r = v[..., ref : ref + 1]
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(r > 0, v / np.where(r > 0, r, 1.0), np.nan)


def _others(v: np.ndarray, ref: int) -> np.ndarray:
    return np.delete(v, ref, axis=-1)


def farthest_diff_to_ref(v: np.ndarray, ref: int) -> np.ndarray:
    """The signed gap value(g) - value(reference) of the group g farthest from the reference
    (ties go to the first such group)."""
    d = _others(diff_to_ref(v, ref), ref)  # (..., G-1)
    filled = np.where(np.isnan(d), -1.0, np.abs(d))
    pick = np.take_along_axis(d, filled.argmax(-1)[..., None], axis=-1)[..., 0]
    return np.where(np.isnan(d).all(-1), np.nan, pick)


def min_ratio_to_ref(v: np.ndarray, ref: int) -> np.ndarray:
    """min over groups g != reference of value(g) / value(reference)."""
    return np.fmin.reduce(_others(ratio_to_ref(v, ref), ref), axis=-1)
