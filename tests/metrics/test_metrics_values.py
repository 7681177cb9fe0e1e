"""Every metric, difference and ratio against values worked out by hand."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest

import fairlm.metrics as fm
from fairlm.metrics import GroupMetrics

pytestmark = pytest.mark.filterwarnings("error")

# Group a (8 rows)              Group b (6 rows)           Group c (4 rows)
#   y_true 1 1 1 0 0 0 0 1        y_true 1 1 1 1 0 0         y_true 0 0 1 1
#   y_pred 1 1 0 1 0 0 0 0        y_pred 1 1 1 0 1 0         y_pred 0 0 0 1
#
#             pred 0  pred 1                pred 0  pred 1             pred 0  pred 1
#   true 0    TN=3    FP=1         true 0   TN=1    FP=1      true 0   TN=2    FP=0
#   true 1    FN=2    TP=2         true 1   FN=1    TP=3      true 1   FN=1    TP=1
Y_TRUE = [1, 1, 1, 0, 0, 0, 0, 1] + [1, 1, 1, 1, 0, 0] + [0, 0, 1, 1]
Y_PRED = [1, 1, 0, 1, 0, 0, 0, 0] + [1, 1, 1, 0, 1, 0] + [0, 0, 0, 1]
GROUP = ["a"] * 8 + ["b"] * 6 + ["c"] * 4

# rate = numerator / denominator straight from the tables above
EXPECTED = {
    "a": {
        "count": 8,
        "selection_rate": 3 / 8,  # (FP + TP) / n
        "accuracy": 5 / 8,  # (TP + TN) / n
        "tpr": 2 / 4,  # TP / (TP + FN)
        "fpr": 1 / 4,  # FP / (FP + TN)
        "tnr": 3 / 4,
        "fnr": 2 / 4,
        "ppv": 2 / 3,  # TP / (TP + FP)
        "fdr": 1 / 3,
        "npv": 3 / 5,  # TN / (TN + FN)
        "for": 2 / 5,
    },
    "b": {
        "count": 6,
        "selection_rate": 4 / 6,
        "accuracy": 4 / 6,
        "tpr": 3 / 4,
        "fpr": 1 / 2,
        "tnr": 1 / 2,
        "fnr": 1 / 4,
        "ppv": 3 / 4,
        "fdr": 1 / 4,
        "npv": 1 / 2,
        "for": 1 / 2,
    },
    "c": {
        "count": 4,
        "selection_rate": 1 / 4,
        "accuracy": 3 / 4,
        "tpr": 1 / 2,
        "fpr": 0 / 2,
        "tnr": 2 / 2,
        "fnr": 1 / 2,
        "ppv": 1 / 1,
        "fdr": 0 / 1,
        "npv": 2 / 3,
        "for": 1 / 3,
    },
}
# all 18 rows: TN=6 FP=2 FN=4 TP=6
OVERALL = {
    "count": 18,
    "selection_rate": 8 / 18,
    "accuracy": 12 / 18,
    "tpr": 6 / 10,
    "fpr": 2 / 8,
    "tnr": 6 / 8,
    "fnr": 4 / 10,
    "ppv": 6 / 8,
    "fdr": 2 / 8,
    "npv": 6 / 10,
    "for": 4 / 10,
}


def _gm(**kw):
    kw.setdefault("n_bootstrap", 0)
    kw.setdefault("n_permutations", 0)
    return GroupMetrics(Y_TRUE, Y_PRED, sensitive_features=GROUP, **kw)


def test_confusion_cells_and_group_info():
    gm = _gm()
    assert gm.groups == ("a", "b", "c")
    cells = {g.name: g.confusion for g in gm.groups_info}
    assert cells["a"] == {"tn": 3, "fp": 1, "fn": 2, "tp": 2}
    assert cells["b"] == {"tn": 1, "fp": 1, "fn": 1, "tp": 3}
    assert cells["c"] == {"tn": 2, "fp": 0, "fn": 1, "tp": 1}
    assert [g.n_rows for g in gm.groups_info] == [8, 6, 4]


@pytest.mark.parametrize("metric", fm.METRICS)
def test_every_metric_by_group_and_overall(metric):
    gm = _gm()
    got = gm.by_group(metric)
    for g in "abc":
        assert got[g].value == pytest.approx(EXPECTED[g][metric], abs=1e-12)
    assert gm.overall(metric).value == pytest.approx(OVERALL[metric], abs=1e-12)


@pytest.mark.parametrize("metric", fm.METRICS[1:])
def test_differences_and_ratios_between_groups(metric):
    gm = _gm()
    vals = [EXPECTED[g][metric] for g in "abc"]
    assert gm.difference(metric).value == pytest.approx(max(vals) - min(vals))
    ratio = min(vals) / max(vals)
    assert gm.ratio(metric).value == pytest.approx(ratio)


def test_signed_differences_and_ratios_to_reference():
    gm = _gm(reference="a")
    d = gm.differences_to_reference("selection_rate")
    assert set(d) == {"b", "c"}
    assert d["b"].value == pytest.approx(4 / 6 - 3 / 8)  # +7/24: b selected more than a
    assert d["c"].value == pytest.approx(1 / 4 - 3 / 8)  # -1/8
    r = gm.ratios_to_reference("selection_rate")
    assert r["b"].value == pytest.approx((4 / 6) / (3 / 8))
    assert r["c"].value == pytest.approx((1 / 4) / (3 / 8))
    # farthest from the reference: b (|7/24| > |-1/8|), sign kept
    assert gm.difference("selection_rate", method="to_reference").value == pytest.approx(7 / 24)
    assert gm.ratio("selection_rate", method="to_reference").value == pytest.approx(2 / 3)


def test_summary_between_groups():
    s = _gm().summary()
    assert s["demographic_parity_difference"].value == pytest.approx(4 / 6 - 1 / 4)
    assert s["demographic_parity_ratio"].value == pytest.approx((1 / 4) / (4 / 6))
    assert s["disparate_impact_ratio"].value == pytest.approx((1 / 4) / (4 / 6))
    assert s["accuracy_difference"].value == pytest.approx(3 / 4 - 5 / 8)
    assert s["equal_opportunity_difference"].value == pytest.approx(3 / 4 - 1 / 2)
    # TPR gap 1/4, FPR gap 1/2 - 0 = 1/2 -> the larger
    assert s["equalized_odds_difference"].value == pytest.approx(1 / 2)
    assert s["predictive_parity_difference"].value == pytest.approx(1 - 2 / 3)
    assert s["false_discovery_rate_difference"].value == pytest.approx(1 / 3 - 0)


def test_summary_to_reference_b():
    s = _gm(reference="b").summary()
    # selection rate vs b: a 3/8 - 2/3 = -7/24, c 1/4 - 2/3 = -5/12 -> c is farthest
    assert s["demographic_parity_difference"].value == pytest.approx(-5 / 12)
    # smallest ratio to b: min(9/16, 3/8)
    assert s["disparate_impact_ratio"].value == pytest.approx(3 / 8)
    assert s["demographic_parity_ratio"].value == pytest.approx(3 / 8)
    # accuracy vs b: a 5/8 - 2/3 = -1/24, c 3/4 - 2/3 = +1/12
    assert s["accuracy_difference"].value == pytest.approx(1 / 12)
    # TPR vs b: a -1/4, c -1/4 (tie: first group, a) ; FPR vs b: a -1/4, c -1/2
    assert s["equal_opportunity_difference"].value == pytest.approx(-1 / 4)
    assert s["equalized_odds_difference"].value == pytest.approx(1 / 2)
    # PPV vs b: a 2/3 - 3/4 = -1/12, c 1 - 3/4 = +1/4
    assert s["predictive_parity_difference"].value == pytest.approx(1 / 4)
    assert s["false_discovery_rate_difference"].value == pytest.approx(-1 / 4)


@pytest.mark.parametrize(
    ("func", "reference", "expected"),
    [
        (fm.demographic_parity_difference, None, 4 / 6 - 1 / 4),
        (fm.demographic_parity_ratio, None, (1 / 4) / (4 / 6)),
        (fm.disparate_impact_ratio, "a", (1 / 4) / (3 / 8)),
        (fm.accuracy_difference, None, 3 / 4 - 5 / 8),
        (fm.accuracy_difference, "a", 3 / 4 - 5 / 8),
        (fm.equal_opportunity_difference, "a", 3 / 4 - 1 / 2),
        (fm.equalized_odds_difference, None, 1 / 2),
        (fm.predictive_parity_difference, "a", 1 - 2 / 3),
        (fm.false_discovery_rate_difference, "a", 0 - 1 / 3),
    ],
)
def test_named_functions(func, reference, expected):
    got = func(Y_TRUE, Y_PRED, sensitive_features=GROUP, reference=reference)
    assert isinstance(got, float)
    assert got == pytest.approx(expected)


def test_sample_weights_by_hand():
    # one group, rows (y, p, w): (1,1,2) TP, (1,0,1) FN, (0,1,1) FP, (0,0,3) TN; group b: 4 rows
    y = [1, 1, 0, 0, 1, 0, 1, 0]
    p = [1, 0, 1, 0, 1, 1, 0, 0]
    w = [2, 1, 1, 3, 1, 1, 1, 1]
    gm = GroupMetrics(
        y, p, sensitive_features=list("aaaabbbb"), sample_weight=w, n_bootstrap=0, n_permutations=0
    )
    a = {m: gm.by_group(m)["a"].value for m in fm.METRICS}
    assert a["count"] == 7
    assert a["tpr"] == pytest.approx(2 / 3)
    assert a["fpr"] == pytest.approx(1 / 4)
    assert a["selection_rate"] == pytest.approx(3 / 7)
    assert a["accuracy"] == pytest.approx(5 / 7)
    assert a["ppv"] == pytest.approx(2 / 3)
    assert a["npv"] == pytest.approx(3 / 4)
    assert gm.groups_info[0].n_rows == 4 and gm.groups_info[0].weight == 7


def test_intersectional_groups_only_those_present():
    sex = ["f", "f", "f", "m", "m", "m", "f", "m"]
    race = ["x", "y", "x", "x", "x", "x", "y", "x"]
    y = [1, 0, 1, 1, 0, 1, 1, 0]
    p = [1, 0, 0, 1, 1, 1, 1, 0]
    with pytest.warns(fm.UndefinedMetricWarning, match="fpr, tnr undefined for group 'f & x'"):
        gm = GroupMetrics(
            y, p, sensitive_features={"sex": sex, "race": race}, n_bootstrap=0, n_permutations=0
        )
    # f&x: rows 0,2 ; f&y: rows 1,6 ; m&x: rows 3,4,5,7 ; m&y never occurs
    assert gm.groups == ("f & x", "f & y", "m & x")
    assert gm.features == ("sex", "race")
    assert gm.groups_info[2].levels == {"sex": "m", "race": "x"}
    assert [g.n_rows for g in gm.groups_info] == [2, 2, 4]
    # f&x: TP=1, FN=1 -> TPR 1/2 ; m&x: y 1,0,1,0 p 1,1,1,0 -> TP=2 FP=1 TN=1 -> TPR 1
    assert gm.by_group("tpr")["f & x"].value == pytest.approx(0.5)
    assert gm.by_group("tpr")["m & x"].value == pytest.approx(1.0)
    assert gm.by_group("fpr")["m & x"].value == pytest.approx(0.5)
    assert gm.to_dict()["groups"][1]["levels"] == {"sex": "f", "race": "y"}


def test_group_names_are_str_of_the_labels():
    y, p = [1, 0, 1, 0, 1, 1, 0, 0], [1, 0, 0, 0, 1, 1, 1, 0]
    flags = np.array([True] * 4 + [False] * 4)
    gm = GroupMetrics(
        y, p, sensitive_features=flags, reference=True, metrics=["tpr"], n_bootstrap=0
    )
    assert gm.groups == ("False", "True") and gm.reference == "True"
    # True: TP=1 FN=1 TN=2 -> TPR 1/2 ; False: TP=2 FP=1 TN=1 -> TPR 1
    assert gm.differences_to_reference("tpr")["False"].value == pytest.approx(0.5)
    codes = np.array([3, 3, 3, 3, 10**12, 10**12, 10**12, 10**12])
    assert GroupMetrics(y, p, sensitive_features=codes, metrics=["tpr"]).groups == (
        "3",
        "1000000000000",
    )


def test_small_groups_are_flagged_and_not_compared():
    with pytest.warns(fm.SmallGroupWarning, match=r"'c' \(n=4\)"):
        gm = _gm(min_group_size=5)
    assert gm.small_groups == ("c",)
    assert [g.small for g in gm.groups_info] == [False, False, True]
    assert gm.by_group("selection_rate")["c"].value == pytest.approx(1 / 4)  # still reported
    # compared: a and b only -> 4/6 - 3/8
    assert gm.difference("selection_rate").value == pytest.approx(7 / 24)
    assert gm.to_dict()["groups"][2]["small"] is True
    assert "small" in gm.to_table()


def test_pos_label_one_vs_rest_for_string_labels():
    y = ["yes", "no", "yes", "maybe", "yes", "no"]
    p = ["yes", "yes", "no", "maybe", "yes", "yes"]
    g = ["a", "a", "a", "b", "b", "b"]
    gm = GroupMetrics(y, p, sensitive_features=g, pos_label="yes", n_bootstrap=0, n_permutations=0)
    # a: (yes,yes) TP, (no,yes) FP, (yes,no) FN ; b: (maybe,maybe) TN, (yes,yes) TP, (no,yes) FP
    assert gm.groups_info[0].confusion == {"tn": 0, "fp": 1, "fn": 1, "tp": 1}
    assert gm.groups_info[1].confusion == {"tn": 1, "fp": 1, "fn": 0, "tp": 1}
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        res = fm.one_vs_rest(y, p, sensitive_features=g, n_bootstrap=0, n_permutations=0)
    assert all(w.category is fm.UndefinedMetricWarning for w in caught)
    assert any("tpr, fnr undefined for group 'a'" in str(w.message) for w in caught)  # no maybe
    assert sorted(res) == ["maybe", "no", "yes"]
    assert res["yes"].to_dict()["by_group"] == gm.to_dict()["by_group"]
    # class "maybe": only row 3 (group b) is maybe in both -> b: TP=1, TN=2
    assert res["maybe"].groups_info[1].confusion == {"tn": 2, "fp": 0, "fn": 0, "tp": 1}


def test_result_types_do_not_depend_on_input_shape():
    one = _gm()
    many = GroupMetrics(
        Y_TRUE,
        Y_PRED,
        sensitive_features={"g": GROUP, "h": ["x"] * 18},
        n_bootstrap=0,
        n_permutations=0,
    )
    for gm in (one, many):
        assert isinstance(gm.difference("tpr"), fm.Estimate)
        assert isinstance(gm.by_group("tpr"), dict)
        assert set(gm.to_dict()) == set(one.to_dict())
    assert many.groups == ("a & x", "b & x", "c & x")
    assert many.difference("tpr").value == one.difference("tpr").value


def test_to_dict_is_json_ready_with_none_for_nan():
    import json

    d = _gm(n_bootstrap=50, n_permutations=50, reference="a").to_dict()
    text = json.dumps(d, allow_nan=False)
    assert json.loads(text)["by_group"]["tpr"]["a"]["p_value"] is None  # not a comparison
    assert d["to_reference"]["tpr"]["b"]["difference"]["value"] == pytest.approx(0.25)
    assert d["summary"]["equalized_odds_difference"]["value"] == pytest.approx(0.25)
    assert not math.isnan(d["between_groups"]["tpr"]["difference"]["p_value"])


def test_pandas_inputs_match_lists():
    pd = pytest.importorskip("pandas")
    df = pd.DataFrame({"g": GROUP, "h": ["x"] * 18})
    a = GroupMetrics(
        pd.Series(Y_TRUE),
        np.array(Y_PRED),
        sensitive_features=df,
        n_bootstrap=20,
        n_permutations=20,
    ).to_dict()
    b = GroupMetrics(
        Y_TRUE,
        Y_PRED,
        sensitive_features={"g": GROUP, "h": ["x"] * 18},
        n_bootstrap=20,
        n_permutations=20,
    ).to_dict()
    assert a == b
    s = GroupMetrics(Y_TRUE, Y_PRED, sensitive_features=pd.Series(GROUP, name="sex"), n_bootstrap=0)
    assert s.features == ("sex",)


def test_matches_fairlearn_on_random_data():
    flm = pytest.importorskip("fairlearn.metrics")
    rng = np.random.default_rng(3)
    g = rng.choice(["p", "q", "r"], 300)
    y = rng.integers(0, 2, 300)
    p = rng.integers(0, 2, 300)
    gm = GroupMetrics(y, p, sensitive_features=g, n_bootstrap=0, n_permutations=0)
    mf = flm.MetricFrame(
        metrics={
            "tpr": flm.true_positive_rate,
            "fpr": flm.false_positive_rate,
            "selection_rate": flm.selection_rate,
        },
        y_true=y,
        y_pred=p,
        sensitive_features=g,
    )
    for m in ("tpr", "fpr", "selection_rate"):
        ours = [gm.by_group(m)[k].value for k in ("p", "q", "r")]
        np.testing.assert_allclose(ours, mf.by_group[m].to_numpy(dtype=float), atol=1e-12)
        assert gm.difference(m).value == pytest.approx(float(mf.difference()[m]))
    dpd = flm.demographic_parity_difference(y, p, sensitive_features=g)
    eod = flm.equalized_odds_difference(y, p, sensitive_features=g)
    assert fm.demographic_parity_difference(y, p, sensitive_features=g) == pytest.approx(dpd)
    assert fm.equalized_odds_difference(y, p, sensitive_features=g) == pytest.approx(eod)
