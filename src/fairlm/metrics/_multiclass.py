"""Multiclass labels (e.g. an LLM's chosen answer) as one binary problem per class."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from fairlm.metrics import _inputs
from fairlm.metrics._errors import MetricsError
from fairlm.metrics._group_metrics import GroupMetrics

__all__ = ["one_vs_rest"]


def one_vs_rest(
    y_true: Any,
    y_pred: Any,
    *,
    sensitive_features: Any,
    classes: Sequence[Any] | None = None,
    **kwargs: Any,
) -> dict[str, GroupMetrics]:
    """One :class:`GroupMetrics` per class, that class positive and all others negative.

    Keys are ``str(class)``; ``classes`` defaults to every label seen in ``y_true`` or
    ``y_pred``, sorted. Other keyword arguments go to :class:`GroupMetrics` (each class
    uses the same ``seed``).

    >>> res = one_vs_rest(["a", "b", "c", "a"], ["a", "b", "b", "c"],
    ...                   sensitive_features=["x", "x", "y", "y"], metrics=["selection_rate"])
    >>> sorted(res), res["c"].by_group("selection_rate")["y"].value
    (['a', 'b', 'c'], 0.5)
    """
    if "pos_label" in kwargs:
        raise MetricsError("one_vs_rest sets pos_label itself (once per class); do not pass it.")
    yt = _inputs.to_1d(y_true, "y_true")
    yp = _inputs.to_1d(y_pred, "y_pred")
    _inputs.check_missing(yt, "y_true")
    _inputs.check_missing(yp, "y_pred")
    if classes is None:
        labels = np.concatenate([yt.astype(object), yp.astype(object)])
        try:
            classes = sorted(set(labels.tolist()))
        except TypeError:
            classes = sorted(set(labels.tolist()), key=lambda v: (type(v).__name__, str(v)))
    if not classes:
        raise MetricsError("one_vs_rest needs at least one class.")
    return {
        str(c): GroupMetrics(yt, yp, sensitive_features=sensitive_features, pos_label=c, **kwargs)
        for c in classes
    }
