"""Per-group confusion counts and the rates computed from them.

Every metric here is a function of the four (weighted) confusion cells of a group, so the
whole library works on a ``(..., G, 4)`` array of counts rather than on rows: resampling
and permuting counts is then as good as resampling rows, and thousands of times cheaper.
"""

from __future__ import annotations

import numpy as np

__all__ = [
    "CELLS",
    "DENOMINATORS",
    "METRICS",
    "RATE_METRICS",
    "confusion_counts",
    "rates",
]

# Cell index = 2 * y_true + y_pred, so a single bincount builds all four cells of all groups.
TN, FP, FN, TP = 0, 1, 2, 3
CELLS = ("tn", "fp", "fn", "tp")

# name -> (numerator cells, denominator cells, description). "count" is the total weight.
_DEFS: dict[str, tuple[tuple[int, ...], tuple[int, ...], str]] = {
    "count": ((TN, FP, FN, TP), (), "rows (sum of sample weights)"),
    "selection_rate": ((FP, TP), (TN, FP, FN, TP), "P(y_pred = 1)"),
    "accuracy": ((TN, TP), (TN, FP, FN, TP), "P(y_pred = y_true)"),
    "tpr": ((TP,), (TP, FN), "true positive rate (recall), P(y_pred = 1 | y_true = 1)"),
    "fpr": ((FP,), (FP, TN), "false positive rate, P(y_pred = 1 | y_true = 0)"),
    "tnr": ((TN,), (FP, TN), "true negative rate, P(y_pred = 0 | y_true = 0)"),
    "fnr": ((FN,), (TP, FN), "false negative rate, P(y_pred = 0 | y_true = 1)"),
    "ppv": ((TP,), (TP, FP), "positive predictive value (precision), P(y_true = 1 | y_pred = 1)"),
    "fdr": ((FP,), (TP, FP), "false discovery rate, P(y_true = 0 | y_pred = 1)"),
    "npv": ((TN,), (TN, FN), "negative predictive value, P(y_true = 0 | y_pred = 0)"),
    "for": ((FN,), (TN, FN), "false omission rate, P(y_true = 1 | y_pred = 0)"),
}
METRICS: tuple[str, ...] = tuple(_DEFS)
RATE_METRICS: tuple[str, ...] = METRICS[1:]
DESCRIPTIONS: dict[str, str] = {name: d[2] for name, d in _DEFS.items()}

# Why a denominator can be zero, in words, for the warnings.
DENOMINATORS: dict[tuple[int, ...], str] = {
    (TN, FP, FN, TP): "it has no rows (total weight 0)",
    (TP, FN): "it has no rows with y_true = 1 (TP + FN = 0)",
    (FP, TN): "it has no rows with y_true = 0 (FP + TN = 0)",
    (TP, FP): "it has no rows with y_pred = 1 (TP + FP = 0)",
    (TN, FN): "it has no rows with y_pred = 0 (TN + FN = 0)",
}

ALIASES = {
    "n": "count",
    "precision": "ppv",
    "recall": "tpr",
    "true_positive_rate": "tpr",
    "false_positive_rate": "fpr",
    "true_negative_rate": "tnr",
    "false_negative_rate": "fnr",
    "positive_predictive_value": "ppv",
    "false_discovery_rate": "fdr",
    "negative_predictive_value": "npv",
    "false_omission_rate": "for",
}


def denominator(metric: str) -> tuple[int, ...]:
    return _DEFS[metric][1]


def cells(metric: str) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """The (numerator, denominator) cells of a rate."""
    return _DEFS[metric][0], _DEFS[metric][1]


def confusion_counts(
    y_true: np.ndarray,
    y_pred: np.ndarray,
    codes: np.ndarray,
    n_groups: int,
    weights: np.ndarray | None = None,
) -> np.ndarray:
    """``(G, 4)`` float counts (TN, FP, FN, TP) per group; weighted sums if ``weights``.

    ``y_true``/``y_pred`` are 0/1 and ``codes`` are group indices in ``0..n_groups-1``.
    """
    cell = codes * 4 + (y_true.astype(np.intp) * 2 + y_pred)
    counts = np.bincount(cell, weights=weights, minlength=4 * n_groups)
    return counts.reshape(n_groups, 4).astype(np.float64)


def rates(counts: np.ndarray, metrics: tuple[str, ...] = METRICS) -> np.ndarray:
    """``(..., 4)`` counts -> ``(..., M)`` metric values; NaN where a denominator is 0."""
    out = np.empty(counts.shape[:-1] + (len(metrics),), dtype=np.float64)
    with np.errstate(invalid="ignore", divide="ignore"):
        for j, name in enumerate(metrics):
            num_cells, den_cells, _ = _DEFS[name]
            num = counts[..., list(num_cells)].sum(axis=-1)
            if not den_cells:
                out[..., j] = num
                continue
            den = counts[..., list(den_cells)].sum(axis=-1)
            out[..., j] = np.where(den > 0, num / np.where(den > 0, den, 1.0), np.nan)
    return out
