"""Bootstrap and permutation on counts, checked against resampling rows directly."""

from __future__ import annotations

import numpy as np
import pytest

from fairlm.metrics import GroupMetrics
from fairlm.metrics._resample import (
    CellWeights,
    bootstrap_counts,
    interval,
    permutation_p_value,
    permute_counts,
)

pytestmark = pytest.mark.filterwarnings("error")


def _rows_from_counts(counts):
    """(G, 4) counts TN FP FN TP -> y_true, y_pred, group rows."""
    y, p, g = [], [], []
    for k, row in enumerate(counts):
        for cell, n in enumerate(row):
            y += [cell // 2] * n
            p += [cell % 2] * n
            g += [k] * n
    return np.array(y), np.array(p), np.array(g)


def test_bootstrap_counts_match_row_bootstrap_in_distribution():
    # one group: TN=5 FP=3 FN=2 TP=10 (20 rows); TPR = 10/12
    rows = np.array([[5, 3, 2, 10]])
    boot = bootstrap_counts(rows, 20000, np.random.default_rng(1))
    assert boot.shape == (20000, 1, 4)
    assert (boot.sum(-1) == 20).all()  # every resample keeps the group's size
    tpr_counts = boot[:, 0, 3] / (boot[:, 0, 3] + boot[:, 0, 2])
    # the same by drawing rows with replacement
    y, p, _ = _rows_from_counts(rows)
    rng = np.random.default_rng(2)
    idx = rng.integers(0, 20, size=(20000, 20))
    tp = ((y[idx] == 1) & (p[idx] == 1)).sum(1)
    pos = (y[idx] == 1).sum(1)
    tpr_rows = tp / pos
    assert tpr_counts.mean() == pytest.approx(tpr_rows.mean(), abs=0.005)
    assert tpr_counts.std() == pytest.approx(tpr_rows.std(), rel=0.03)
    np.testing.assert_allclose(
        np.quantile(tpr_counts, [0.025, 0.5, 0.975]),
        np.quantile(tpr_rows, [0.025, 0.5, 0.975]),
        atol=0.02,
    )


def test_permuted_tables_keep_margins_and_follow_the_hypergeometric_law():
    rows = np.array([[5, 3, 2, 10], [1, 7, 4, 0], [6, 0, 3, 2]])
    perm = permute_counts(rows, 40000, np.random.default_rng(0))
    assert (perm.sum(-1) == rows.sum(-1)).all()  # group sizes fixed
    assert (perm.sum(1) == rows.sum(0)).all()  # cell totals fixed
    N, n, K = rows.sum(), rows.sum(-1)[:, None], rows.sum(0)[None, :]
    mean = n * K / N
    var = n * (K / N) * (1 - K / N) * (N - n) / (N - 1)
    np.testing.assert_allclose(perm.mean(0), mean, atol=0.03)
    np.testing.assert_allclose(perm.var(0), var, rtol=0.05)


def test_permutation_p_value_matches_shuffling_rows():
    rows = np.array([[12, 8, 6, 14], [18, 4, 9, 9]])
    y, p, g = _rows_from_counts(rows)
    gm = GroupMetrics(y, p, sensitive_features=g, n_bootstrap=0, n_permutations=4000, seed=5)
    ours = gm.difference("selection_rate").p_value
    observed = abs(p[g == 0].mean() - p[g == 1].mean())
    rng = np.random.default_rng(9)
    hits = 0
    for _ in range(4000):
        s = rng.permutation(g)
        hits += abs(p[s == 0].mean() - p[s == 1].mean()) >= observed - 1e-12
    brute = (1 + hits) / 4001
    assert ours == pytest.approx(brute, abs=0.03)
    assert 0.05 < ours < 0.3  # selection rate 22/40 vs 13/40: a borderline gap


def test_identical_groups_give_zero_gap_and_p_one():
    rows = np.array([[30, 10, 10, 50]] * 3)
    y, p, g = _rows_from_counts(rows)
    gm = GroupMetrics(y, p, sensitive_features=g, n_bootstrap=200, n_permutations=500)
    for m in gm.rate_metrics:
        d = gm.difference(m)
        assert d.value == 0
        assert d.p_value == 1.0  # every permuted gap is >= 0
        assert gm.ratio(m).value == 1


def test_hugely_different_groups_give_the_smallest_p():
    # group 0 always predicted positive, group 1 never; 200 rows each
    rows = np.array([[0, 100, 0, 100], [100, 0, 100, 0]])
    y, p, g = _rows_from_counts(rows)
    gm = GroupMetrics(
        y, p, sensitive_features=g, metrics=["selection_rate"], n_bootstrap=0, n_permutations=999
    )
    d = gm.difference("selection_rate")
    assert d.value == 1.0
    assert d.p_value == pytest.approx(1 / 1000)


def test_seed_reproducibility():
    rng = np.random.default_rng(0)
    y, p, g = rng.integers(0, 2, 300), rng.integers(0, 2, 300), rng.integers(0, 3, 300)
    a = GroupMetrics(y, p, sensitive_features=g, n_bootstrap=100, n_permutations=100, seed=7)
    b = GroupMetrics(y, p, sensitive_features=g, n_bootstrap=100, n_permutations=100, seed=7)
    c = GroupMetrics(y, p, sensitive_features=g, n_bootstrap=100, n_permutations=100, seed=8)
    assert a.to_dict() == b.to_dict()
    assert a.by_group("tpr")["0"] != c.by_group("tpr")["0"]
    # the permutation stream does not depend on n_bootstrap
    d = GroupMetrics(y, p, sensitive_features=g, n_bootstrap=10, n_permutations=100, seed=7)
    assert d.difference("tpr").p_value == a.difference("tpr").p_value


def test_interval_percentile_and_basic():
    reps = np.arange(1, 101, dtype=float)  # 1..100
    lo, hi = interval(reps, 60.0, 0.9)
    assert (float(lo), float(hi)) == pytest.approx(
        (np.quantile(reps, 0.05), np.quantile(reps, 0.95))
    )
    blo, bhi = interval(reps, 60.0, 0.9, "basic")
    assert (float(blo), float(bhi)) == pytest.approx((120 - float(hi), 120 - float(lo)))
    # NaN replicates (metric undefined in that resample) are ignored
    lo2, hi2 = interval(np.append(reps, [np.nan] * 50), 60.0, 0.9)
    assert (float(lo2), float(hi2)) == pytest.approx((float(lo), float(hi)))


def test_permutation_p_value_formula():
    null = np.array([0.1, 0.5, 0.2, np.nan, 0.5])
    # observed 0.5: two of four defined values are >= 0.5 -> (1 + 2) / (1 + 4)
    assert float(permutation_p_value(null, 0.5)) == pytest.approx(3 / 5)
    assert np.isnan(permutation_p_value(null, np.nan))


def test_constant_weights_do_not_change_the_resampling_stream():
    rows = np.array([[5, 3, 2, 10], [1, 7, 4, 2]])
    w = CellWeights(rows, rows * 2.0, rows * 4.0)  # every weight is 2
    assert w.constant
    a = bootstrap_counts(rows, 50, np.random.default_rng(3), w)
    b = bootstrap_counts(rows, 50, np.random.default_rng(3))
    np.testing.assert_array_equal(a, 2 * b)


def test_weighted_bootstrap_total_matches_row_bootstrap_moments():
    # one cell of 40 rows with weights 1..40 (mean 20.5); resampled total over 40 draws
    rows = np.array([[40, 0, 0, 0]])
    w = np.arange(1, 41, dtype=float)
    cw = CellWeights(rows, np.array([[w.sum(), 0, 0, 0]]), np.array([[(w**2).sum(), 0, 0, 0]]))
    tot = bootstrap_counts(rows, 20000, np.random.default_rng(0), cw)[:, 0, 0]
    rows_tot = w[np.random.default_rng(1).integers(0, 40, (20000, 40))].sum(1)
    assert tot.mean() == pytest.approx(rows_tot.mean(), rel=0.01)
    assert tot.std() == pytest.approx(rows_tot.std(), rel=0.05)


def test_weighted_permutation_p_values_sanity():
    rng = np.random.default_rng(0)
    y, p, _ = _rows_from_counts(np.array([[30, 10, 10, 50]]))
    w = rng.uniform(0.2, 3.0, len(y))
    # two groups with identical rows and weights: every gap is 0, so p = 1
    same = GroupMetrics(
        np.tile(y, 2),
        np.tile(p, 2),
        sensitive_features=np.repeat([0, 1], len(y)),
        sample_weight=np.tile(w, 2),
        n_bootstrap=100,
        n_permutations=300,
    )
    assert same.weighted and same.difference("tpr").value == 0
    assert same.difference("tpr").p_value == 1.0
    assert same.by_group("tpr")["0"].ci_low < same.by_group("tpr")["0"].value
    # always-selected vs never-selected groups: the smallest possible p
    y2, p2, g2 = _rows_from_counts(np.array([[0, 100, 0, 100], [100, 0, 100, 0]]))
    apart = GroupMetrics(
        y2,
        p2,
        sensitive_features=g2,
        sample_weight=rng.uniform(0.2, 3.0, len(y2)),
        metrics=["selection_rate"],
        n_bootstrap=0,
        n_permutations=299,
    )
    assert apart.difference("selection_rate").p_value == pytest.approx(1 / 300)
