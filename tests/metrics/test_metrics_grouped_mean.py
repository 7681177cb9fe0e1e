"""mean_by_group: the shared aggregation of the benchmark modules."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest

from fairlm.metrics import GroupedMean, MetricsError, bootstrap_ci, mean_by_group

pytestmark = pytest.mark.filterwarnings("error")


def test_means_by_hand():
    # a: 1 0 1 -> 2/3 ; b: 1 1 -> 1 ; c: 0 0 0 1 -> 1/4 ; overall 5/9
    values = [1, 0, 1, 1, 1, 0, 0, 0, 1]
    groups = ["a", "a", "a", "b", "b", "c", "c", "c", "c"]
    r = mean_by_group(values, groups, n_bootstrap=0, n_permutations=0)
    assert list(r.groups) == ["a", "b", "c"]
    assert [g.n for g in r.groups.values()] == [3, 2, 4]
    assert r.groups["a"].mean == pytest.approx(2 / 3)
    assert r.groups["b"].mean == 1.0
    assert r.groups["c"].mean == pytest.approx(1 / 4)
    assert r.overall.mean == pytest.approx(5 / 9) and r.overall.n == 9
    assert r.gap.value == pytest.approx(1 - 1 / 4)
    assert r.binary
    assert math.isnan(r.groups["a"].ci_low) and math.isnan(r.gap.p_value)


def test_continuous_values_by_hand():
    r = mean_by_group([-1.5, 0.5, 2.0, 4.0], [0, 0, 1, 1], n_bootstrap=0)
    assert not r.binary
    assert r.groups["0"].mean == pytest.approx(-0.5)
    assert r.groups["1"].mean == pytest.approx(3.0)
    assert r.gap.value == pytest.approx(3.5)


def test_same_type_and_keys_with_or_without_groups():
    with_groups = mean_by_group([1.0, 2.0, 3.0, 4.0], ["x", "x", "y", "y"], n_bootstrap=20)
    without = mean_by_group([1.0, 2.0, 3.0, 4.0], n_bootstrap=20)
    assert isinstance(with_groups, GroupedMean) and isinstance(without, GroupedMean)
    assert without.groups == {}
    assert set(with_groups.to_dict()) == set(without.to_dict())
    d = without.to_dict()
    assert d["gap"] == {"value": None, "ci_low": None, "ci_high": None, "p_value": None}
    json.dumps(with_groups.to_dict(), allow_nan=False)
    json.dumps(d, allow_nan=False)
    assert without.overall.mean == 2.5


def test_binary_ci_is_wilson_on_each_group_and_on_the_pooled_count():
    """Checked against scipy's Wilson interval; the overall interval is not stratified,
    so five categories of one example each do not give it zero width."""
    from scipy.stats import binomtest

    rng = np.random.default_rng(0)
    values = (rng.random(400) < 0.3).astype(float)
    groups = np.repeat(["a", "b"], 200)
    r = mean_by_group(values, groups, seed=1)
    for name, part in (("a", values[:200]), ("b", values[200:])):
        want = binomtest(int(part.sum()), 200).proportion_ci(0.95, method="wilson")
        assert (r.groups[name].ci_low, r.groups[name].ci_high) == pytest.approx(
            (want.low, want.high)
        )
    tiny = mean_by_group([1, 0, 1, 1, 0], ["u", "v", "w", "x", "y"])
    want = binomtest(3, 5).proportion_ci(0.95, method="wilson")
    assert (tiny.overall.ci_low, tiny.overall.ci_high) == pytest.approx((want.low, want.high))
    assert tiny.overall.ci_high - tiny.overall.ci_low > 0.5
    assert all(g.ci_high - g.ci_low > 0.7 for g in tiny.groups.values())  # n = 1 each


def test_continuous_ci_is_student_t():
    from scipy import stats

    rng = np.random.default_rng(0)
    values = rng.normal(size=150)
    r = mean_by_group(values, n_bootstrap=10000, seed=3)
    want = stats.t.interval(0.95, 149, loc=values.mean(), scale=stats.sem(values))
    assert (r.overall.ci_low, r.overall.ci_high) == pytest.approx(want)
    one = mean_by_group([0.5, 1.5, 2.0], ["a", "a", "b"])
    assert np.isnan(one.groups["b"].ci_low)  # one value: too few for an interval
    assert np.isnan(one.gap.ci_low)


def test_gap_interval_two_binary_groups_is_newcombe_folded():
    # Newcombe (1998) example (a): 56/70 vs 48/80
    values = [1] * 56 + [0] * 14 + [1] * 48 + [0] * 32
    groups = ["p"] * 70 + ["q"] * 80
    r = mean_by_group(values, groups)
    assert r.gap.value == pytest.approx(0.2)
    assert (r.gap.ci_low, r.gap.ci_high) == pytest.approx((0.0524, 0.3339), abs=1e-4)


@pytest.mark.parametrize("kind", ["binary", "continuous"])
def test_gap_p_value_sanity(kind):
    base = np.array([0, 1, 1, 0, 1]) if kind == "binary" else np.array([0.3, -1.2, 2.5, 0.7, 1.1])
    same = mean_by_group(np.tile(base, 3), np.repeat([0, 1, 2], 5), n_permutations=500)
    assert same.gap.value == pytest.approx(0, abs=1e-12)
    assert same.gap.p_value == 1.0
    lo, hi = (0.0, 1.0) if kind == "binary" else (0.0, 10.0)
    apart = mean_by_group([lo] * 50 + [hi] * 50, [0] * 50 + [1] * 50, n_permutations=999)
    assert apart.gap.value == hi - lo
    assert apart.gap.p_value == pytest.approx(1 / 1000)


def test_gap_p_value_matches_brute_force_shuffles():
    rng = np.random.default_rng(5)
    values = np.concatenate([rng.normal(0, 1, 30), rng.normal(0.5, 1, 30)])
    groups = np.repeat(["u", "v"], 30)
    r = mean_by_group(values, groups, n_bootstrap=0, n_permutations=3000, seed=0)
    observed = abs(values[:30].mean() - values[30:].mean())
    hits = 0
    shuffle_rng = np.random.default_rng(6)
    for _ in range(3000):
        s = shuffle_rng.permutation(values)
        hits += abs(s[:30].mean() - s[30:].mean()) >= observed - 1e-12
    assert r.gap.p_value == pytest.approx((1 + hits) / 3001, abs=0.03)


def test_seed_reproducibility_and_table():
    v, g = [0.1, 0.4, 0.35, 0.8, 0.9, 0.7], ["p", "p", "p", "q", "q", "q"]
    a = mean_by_group(v, g, seed=4)
    assert a.to_dict() == mean_by_group(v, g, seed=4).to_dict()
    assert a.to_dict() != mean_by_group(v, g, seed=5).to_dict()
    table = a.to_table()
    assert "gap (max - min)" in table and "95% CI" in table and str(a) == table
    assert a.groups["p"].ci_low <= a.groups["p"].mean <= a.groups["p"].ci_high


@pytest.mark.parametrize(
    ("values", "groups", "message"),
    [
        ([1.0, float("nan")], None, r"values has 1 missing value\(s\)"),
        ([1.0, 2.0], ["a"], "values has 2 rows but groups has 1"),
        ([1.0, 2.0], ["a", None], "groups has 1 missing"),
        (["x", "y"], None, "values must be numbers"),
        ([1.0, float("inf")], None, "values must be finite"),
        ([], None, "values is empty"),
    ],
)
def test_bad_input(values, groups, message):
    with pytest.raises(MetricsError, match=message):
        mean_by_group(values, groups)


def test_bootstrap_ci_of_any_statistic():
    a = np.array([0.0, 1.0, 1.0, 0.0, 1.0, 1.0, 1.0, 0.0])
    b = np.array([1.0, 1.0, 0.0, 0.0, 1.0, 0.0, 1.0, 1.0])
    est = bootstrap_ci(lambda x, y: float(x.mean() - y.mean()), a, b, n_bootstrap=500, seed=1)
    assert est.value == pytest.approx(5 / 8 - 5 / 8)
    assert est.ci_low <= 0 <= est.ci_high
    again = bootstrap_ci(lambda x, y: float(x.mean() - y.mean()), a, b, n_bootstrap=500, seed=1)
    assert again == est
    # stratified: each stratum keeps its size, so the mean of a constant-per-stratum array
    # with equal strata sizes never moves
    s = bootstrap_ci(lambda x: float(x.mean()), [0, 0, 1, 1], strata=["u", "u", "v", "v"])
    assert (s.value, s.ci_low, s.ci_high) == (0.5, 0.5, 0.5)
    with pytest.raises(MetricsError, match="rows but"):
        bootstrap_ci(np.mean, [1, 2], [1, 2, 3])


def test_binary_false_gives_scores_of_0_and_1_a_t_interval_not_wilson():
    from scipy import stats

    values = [0.0, 1.0, 1.0, 0.0, 1.0]  # e.g. similarities that happen to be 0 or 1
    r = mean_by_group(values, binary=False)
    want = stats.t.interval(0.95, 4, loc=0.6, scale=stats.sem(values))
    assert not r.binary
    assert (r.overall.ci_low, r.overall.ci_high) == pytest.approx(want)
    assert mean_by_group(values).binary  # left to the data: 0/1, so Wilson
    same = mean_by_group([1.0, 1.0, 1.0], binary=False)
    assert np.isnan(same.overall.ci_low)  # equal scores: no interval, not a binomial one
    with pytest.raises(MetricsError, match="row 1 is 0.5"):
        mean_by_group([1.0, 0.5], binary=True)
