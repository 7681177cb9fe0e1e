"""``GroupMetrics.from_counts`` gives exactly what the row constructor gives on the rows
its counts count: every value, interval, p-value and warning."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from fairlm.metrics import GroupMetrics, MetricsError
from fairlm.metrics._confusion import confusion_counts
from fairlm.metrics._inputs import encode_groups


def _rows(n: int, seed: int, n_groups: int = 3):
    rng = np.random.default_rng(seed)
    g = rng.integers(0, n_groups, n)
    y = (rng.random(n) < 0.3 + 0.2 * g).astype(int)
    p = np.where(rng.random(n) < 0.8, y, 1 - y)
    return y, p, np.array([f"g{v}" for v in g])


def _both(y, p, features, weights=None, **kwargs):
    """The row constructor and from_counts on the same data, and their warnings."""
    with warnings.catch_warnings(record=True) as w_rows:
        warnings.simplefilter("always")
        rows = GroupMetrics(y, p, sensitive_features=features, sample_weight=weights, **kwargs)
        expected = rows.to_dict()
    columns = (
        list(features.items()) if isinstance(features, dict) else [("sensitive_feature", features)]
    )
    groups = encode_groups([(k, np.asarray(v)) for k, v in columns])
    G = len(groups.names)
    counts = confusion_counts(y, p, groups.codes, G)
    extra = {}
    if weights is not None:
        w = np.asarray(weights, dtype=float)
        extra = dict(
            weight_sums=confusion_counts(y, p, groups.codes, G, w),
            weight_sq_sums=confusion_counts(y, p, groups.codes, G, w**2),
            equal_weights=bool(np.all(w == w[0])),
        )
    with warnings.catch_warnings(record=True) as w_counts:
        warnings.simplefilter("always")
        counted = GroupMetrics.from_counts(
            counts, groups=groups.levels, features=groups.features, **extra, **kwargs
        )
        got = counted.to_dict()
    return expected, got, [str(x.message) for x in w_rows], [str(x.message) for x in w_counts]


@pytest.mark.parametrize("reference", [None, "g1"])
@pytest.mark.parametrize("ci_method", ["auto", "percentile", "basic"])
def test_counts_give_the_row_results_exactly(reference, ci_method):
    y, p, g = _rows(400, seed=1)
    expected, got, w1, w2 = _both(
        y, p, g, reference=reference, ci_method=ci_method, n_bootstrap=200, n_permutations=200
    )
    assert got == expected
    assert w1 == w2


def test_intersections_small_groups_and_undefined_rates():
    y, p, g = _rows(120, seed=2)
    age = np.where(np.arange(120) % 7 == 0, "old", "young")
    y[(g == "g0")] = 0  # tpr undefined in g0
    expected, got, w1, w2 = _both(
        y, p, {"g": g, "age": age}, min_group_size=10, n_bootstrap=100, n_permutations=100
    )
    assert got == expected
    assert w1 == w2 and any("undefined" in m for m in w1)
    assert expected["features"] == ["g", "age"]


@pytest.mark.parametrize("kind", ["equal", "varying"])
def test_weighted_counts_match(kind):
    y, p, g = _rows(300, seed=3)
    w = np.full(300, 2.5) if kind == "equal" else np.random.default_rng(0).uniform(0.5, 2, 300)
    expected, got, _, _ = _both(y, p, g, weights=w, n_bootstrap=100, n_permutations=100)
    assert got == expected


def test_equal_weights_inferred_from_the_sums():
    counts = np.array([[3, 1, 2, 2], [1, 1, 1, 3]], dtype=float)
    gm = GroupMetrics.from_counts(counts, groups=["a", "b"], weight_sums=counts * 2.0)
    assert gm.weighted and gm._equal_weights
    plain = GroupMetrics.from_counts(counts, groups=["a", "b"])
    same = {g: e.to_dict() for g, e in plain.by_group("tpr").items()}
    assert {g: e.to_dict() for g, e in gm.by_group("tpr").items()} == same


@pytest.mark.parametrize(
    ("counts", "groups", "message"),
    [
        ([[1, 2, 3]], ["a"], "shape"),
        ([[1, 2, 3, 4], [1, 1, 1, 1]], ["a"], "2 rows of counts"),
        ([[1, 2, 3, -4], [1, 1, 1, 1]], ["a", "b"], "non-negative"),
        ([[1.5, 2, 3, 4], [1, 1, 1, 1]], ["a", "b"], "whole numbers"),
        ([[1, 2, 3, 4], [1, 1, 1, 1]], ["a", "a"], "distinct"),
        ([[1, 2, 3, 4]], ["a"], "Only one group"),
    ],
)
def test_bad_counts_are_refused(counts, groups, message):
    with pytest.raises(MetricsError, match=message):
        GroupMetrics.from_counts(counts, groups=groups)
