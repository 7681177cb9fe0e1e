"""Turning user inputs (lists, numpy, pandas, dicts) into checked numpy arrays.

Every problem becomes a :class:`MetricsError` that names the argument, the rows and what to
do; no raw numpy traceback reaches the user. pandas objects are accepted by duck typing
(``to_numpy``, ``columns``), so this module never imports pandas.
"""

from __future__ import annotations

import math
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from fairlm.metrics._errors import MetricsError

__all__ = [
    "Groups",
    "binarize",
    "check_lengths",
    "encode_groups",
    "prepare",
    "to_1d",
    "to_weights",
]

# Integer labels spanning at most this many values are encoded with bincount (O(n)) rather
# than np.unique (a sort); this keeps 10-million-row inputs fast.
_DENSE_CODE_LIMIT = 1 << 22


def _has_float(x: Any) -> bool:
    """True if a (nested) list holds a Python float, such as a NaN among strings."""
    return any(_has_float(v) if isinstance(v, list | tuple) else isinstance(v, float) for v in x)


def to_1d(x: Any, name: str) -> np.ndarray:
    """One value per row as a 1-D numpy array (a pandas Series or a list works too)."""
    if x is None:
        raise MetricsError(f"{name} is missing (got None); pass one value per row.")
    if hasattr(x, "to_numpy") and not hasattr(x, "columns"):  # pandas Series / Index
        x = x.to_numpy()
    try:
        arr = np.asarray(x)
        if arr.dtype.kind in "US" and not isinstance(x, np.ndarray) and _has_float(x):
            arr = np.asarray(x, dtype=object)  # numpy would turn ["a", nan] into ["a", "nan"]
    except (ValueError, TypeError) as exc:  # ragged nested lists
        raise MetricsError(f"{name} could not be read as one value per row: {exc}") from None
    if arr.ndim == 2 and arr.shape[1] == 1:
        arr = arr[:, 0]
    if arr.ndim != 1:
        raise MetricsError(
            f"{name} must be 1-D (one value per row), got shape {arr.shape}."
            + (" Pass a list or array, not a single value." if arr.ndim == 0 else "")
        )
    if arr.size == 0:
        raise MetricsError(f"{name} is empty; there are no rows to measure.")
    return arr


def missing_mask(arr: np.ndarray) -> np.ndarray | None:
    """Boolean mask of None/NaN/pandas.NA entries, or None when the dtype cannot hold any."""
    if arr.dtype.kind == "f":
        return np.isnan(arr)
    if arr.dtype.kind in "mM":
        return np.isnat(arr)
    if arr.dtype.kind != "O":
        return None
    pd = sys.modules.get("pandas")  # only if the caller already uses pandas
    if pd is not None:
        return np.asarray(pd.isna(arr), dtype=bool)
    return np.fromiter(
        (v is None or (isinstance(v, float) and math.isnan(v)) for v in arr),
        dtype=bool,
        count=arr.size,
    )


def check_missing(arr: np.ndarray, name: str) -> None:
    mask = missing_mask(arr)
    if mask is None or not mask.any():
        return
    rows = np.flatnonzero(mask)
    shown = ", ".join(str(r) for r in rows[:5]) + (", ..." if rows.size > 5 else "")
    raise MetricsError(
        f"{name} has {rows.size} missing value(s) (None/NaN) at row(s) {shown}; "
        "drop or fill those rows first."
    )


def check_lengths(arrays: Mapping[str, np.ndarray]) -> int:
    """The common number of rows; a MetricsError naming the culprits if they differ."""
    lengths = {name: len(a) for name, a in arrays.items()}
    first_name, n = next(iter(lengths.items()))
    for name, m in lengths.items():
        if m != n:
            raise MetricsError(
                f"{first_name} has {n} rows but {name} has {m}; every input needs one entry "
                "per row."
            )
    return n


def to_weights(x: Any, name: str = "sample_weight") -> np.ndarray:
    arr = to_1d(x, name)
    try:
        w = arr.astype(np.float64)
    except (ValueError, TypeError):
        raise MetricsError(f"{name} must be numbers; got values such as {arr[:3]!r}.") from None
    bad = ~np.isfinite(w) | (w < 0)
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise MetricsError(
            f"{name} must be finite and non-negative; row {i} is {w[i]:g} "
            f"({int(bad.sum())} bad value(s) in all)."
        )
    return w


def sensitive_columns(x: Any) -> list[tuple[str, np.ndarray]]:
    """(feature name, values) pairs from a list/array, 2-D array, Series, DataFrame or dict."""
    if x is None:
        raise MetricsError("sensitive_features is missing; pass the group of every row.")
    if isinstance(x, Mapping):
        if not x:
            raise MetricsError("sensitive_features is an empty dict; name at least one feature.")
        return [(str(k), to_1d(v, f"sensitive feature {k!r}")) for k, v in x.items()]
    if hasattr(x, "columns") and hasattr(x, "to_numpy"):  # pandas DataFrame
        return [(str(c), to_1d(x[c], f"sensitive feature {c!r}")) for c in x.columns]
    if hasattr(x, "to_numpy"):  # pandas Series
        name = getattr(x, "name", None)
        name = "sensitive_feature" if name is None else str(name)
        return [(name, to_1d(x, f"sensitive feature {name!r}"))]
    try:
        arr = np.asarray(x)
    except (ValueError, TypeError) as exc:
        raise MetricsError(f"sensitive_features could not be read: {exc}") from None
    if arr.ndim == 2:  # (rows, features), as scikit-learn and fairlearn read it
        return [
            (f"sensitive_feature_{j}", to_1d(arr[:, j], f"sensitive feature {j}"))
            for j in range(arr.shape[1])
        ]
    return [("sensitive_feature", to_1d(arr, "sensitive_features"))]


def _level_name(value: Any) -> str:
    if isinstance(value, np.generic):
        value = value.item()
    return str(value)


def encode(arr: np.ndarray, name: str) -> tuple[np.ndarray, list[str]]:
    """Integer codes 0..k-1 per row and the k level names, sorted by value."""
    if arr.dtype.kind in "iu" and arr.size:
        lo, hi = int(arr.min()), int(arr.max())
        if hi - lo < _DENSE_CODE_LIMIT:
            present = np.bincount((arr - lo).astype(np.intp), minlength=hi - lo + 1) > 0
            lut = np.cumsum(present) - 1
            codes = lut[(arr - lo).astype(np.intp)]
            return codes.astype(np.intp), [_level_name(v) for v in np.flatnonzero(present) + lo]
    try:
        levels, codes = np.unique(arr, return_inverse=True)
    except TypeError:  # mixed types such as 1 and "a" cannot be sorted together
        uniq = sorted({v for v in arr.tolist()}, key=lambda v: (type(v).__name__, str(v)))
        index = {v: i for i, v in enumerate(uniq)}
        codes = np.fromiter((index[v] for v in arr.tolist()), dtype=np.intp, count=arr.size)
        levels = np.asarray(uniq, dtype=object)
    names = [_level_name(v) for v in levels]
    if len(set(names)) != len(names):
        raise MetricsError(
            f"sensitive feature {name!r} has distinct values that print the same "
            f"({names}); convert them to one type (e.g. all strings) first."
        )
    return codes.astype(np.intp).ravel(), names


@dataclass(frozen=True)
class Groups:
    """Rows encoded as group codes; several features give their intersections."""

    codes: np.ndarray  # (n,) intp in 0..len(names)-1
    names: list[str]  # "f" for one feature, "f & black" for intersections
    levels: list[dict[str, str]]  # feature -> level for each group
    features: list[str]


def encode_groups(columns: list[tuple[str, np.ndarray]]) -> Groups:
    """Encode one or more sensitive features; only combinations that occur become groups."""
    per_feature = [encode(arr, name) for name, arr in columns]
    features = [name for name, _ in columns]
    if len(per_feature) == 1:
        codes, names = per_feature[0]
        return Groups(codes, names, [{features[0]: n} for n in names], features)
    sizes = [len(names) for _, names in per_feature]
    combined = np.zeros_like(per_feature[0][0])
    for (codes, _), size in zip(per_feature, sizes, strict=True):
        combined = combined * size + codes  # mixed-radix code of the combination
    total = math.prod(sizes)
    if total < _DENSE_CODE_LIMIT:
        present = np.flatnonzero(np.bincount(combined, minlength=total))
        lut = np.full(total, -1, dtype=np.intp)
        lut[present] = np.arange(present.size)
        codes = lut[combined]
    else:
        present, codes = np.unique(combined, return_inverse=True)
    levels = []
    for combo in present.tolist():
        parts = []
        for size in reversed(sizes):
            combo, digit = divmod(combo, size)
            parts.append(digit)
        parts.reverse()
        levels.append(
            {
                feat: per_feature[j][1][d]
                for j, (feat, d) in enumerate(zip(features, parts, strict=True))
            }
        )
    names = [" & ".join(lv.values()) for lv in levels]
    return Groups(codes.astype(np.intp).ravel(), names, levels, features)


def labels_preview(*arrays: np.ndarray, limit: int = 8) -> str:
    seen: list[str] = []
    for arr in arrays:
        try:
            uniq = np.unique(arr)
        except TypeError:
            uniq = np.asarray(sorted({str(v) for v in arr.tolist()}))
        for v in uniq[: limit + 1]:
            r = repr(v.item() if isinstance(v, np.generic) else v)
            if r not in seen:
                seen.append(r)
    more = ", ..." if len(seen) > limit else ""
    return ", ".join(seen[:limit]) + more


def _is_binary01(arr: np.ndarray) -> bool:
    if arr.dtype.kind == "b":
        return True
    if arr.dtype.kind in "iuf":
        return bool(((arr == 0) | (arr == 1)).all())
    if arr.dtype.kind == "O":
        return all(
            isinstance(v, bool | int | float | np.integer | np.floating | np.bool_) and v in (0, 1)
            for v in arr.tolist()
        )
    return False


def binarize(arr: np.ndarray, name: str, pos_label: Any, other: np.ndarray) -> np.ndarray:
    """0/1 int8 labels: ``arr == pos_label``, or the labels as given when they are 0/1.

    ``other`` is the other label array (y_pred for y_true and vice versa), used only to
    tell the user which labels exist.
    """
    if pos_label is None:
        if not _is_binary01(arr):
            raise MetricsError(
                f"{name} has labels outside {{0, 1}} (labels seen: "
                f"{labels_preview(arr, other)}). Binary metrics need 0/1 labels: pass "
                "pos_label=<the positive class> to count that label as positive and every "
                "other label as negative, or use one_vs_rest() for one result per class."
            )
        return arr.astype(np.int8)
    if arr.dtype.kind in "US" and not isinstance(pos_label, str):
        arr = arr.astype(object)
    return np.asarray(arr == pos_label, dtype=np.int8)


def prepare(
    y_true: Any, y_pred: Any, sensitive_features: Any, sample_weight: Any, pos_label: Any
) -> tuple[np.ndarray, np.ndarray, Groups, np.ndarray | None]:
    """Checked 0/1 labels, encoded groups and weights (or None)."""
    yt = to_1d(y_true, "y_true")
    yp = to_1d(y_pred, "y_pred")
    columns = sensitive_columns(sensitive_features)
    arrays = {"y_true": yt, "y_pred": yp}
    arrays.update({f"sensitive feature {name!r}": arr for name, arr in columns})
    weights = None
    if sample_weight is not None:
        weights = to_weights(sample_weight)
        arrays["sample_weight"] = weights
    check_lengths(arrays)
    for name, arr in arrays.items():
        check_missing(arr, name)
    yt01 = binarize(yt, "y_true", pos_label, yp)
    yp01 = binarize(yp, "y_pred", pos_label, yt)
    if pos_label is not None and not (yt01.any() or yp01.any()):
        raise MetricsError(
            f"pos_label={pos_label!r} does not occur in y_true or y_pred (labels seen: "
            f"{labels_preview(yt, yp)}); pass one of those labels."
        )
    if weights is not None and not math.isfinite(float(weights.sum())):
        raise MetricsError("sample_weight sums to infinity; rescale the weights.")
    return yt01, yp01, encode_groups(columns), weights
