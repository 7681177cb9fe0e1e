"""Bad input gives a clear FairlmError, or NaN with a warning naming the group and why."""

from __future__ import annotations

import math

import numpy as np
import pytest

import fairlm.metrics as fm
from fairlm.errors import FairlmError
from fairlm.metrics import GroupMetrics, MetricsError

pytestmark = pytest.mark.filterwarnings("error")

Y = [1, 0, 1, 0, 1, 0]
P = [1, 0, 0, 0, 1, 1]
G = ["a", "a", "a", "b", "b", "b"]


def _gm(y=Y, p=P, g=G, **kw):
    kw.setdefault("n_bootstrap", 0)
    kw.setdefault("n_permutations", 0)
    return GroupMetrics(y, p, sensitive_features=g, **kw)


def test_metrics_error_is_a_fairlm_error():
    assert issubclass(MetricsError, FairlmError)
    assert issubclass(fm.UndefinedMetricWarning, UserWarning)
    assert issubclass(fm.SmallGroupWarning, UserWarning)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"p": P[:5]}, "y_true has 6 rows but y_pred has 5"),
        ({"g": G[:4]}, "y_true has 6 rows but sensitive feature 'sensitive_feature' has 4"),
        ({"sample_weight": [1, 1]}, "y_true has 6 rows but sample_weight has 2"),
        (
            {"y": [1, 0, np.nan, 0, 1, 0]},
            r"y_true has 1 missing value\(s\) \(None/NaN\) at row\(s\) 2",
        ),
        ({"p": [1, None, 0, 0, 1, None]}, r"y_pred has 2 missing value\(s\).* 1, 5"),
        (
            {"g": ["a", None, "a", "b", "b", "b"]},
            "sensitive feature 'sensitive_feature' has 1 missing",
        ),
        ({"g": {"sex": ["a", "a", "a", "b", "b", float("nan")]}}, "sensitive feature 'sex' has 1"),
        ({"g": ["a"] * 6}, r"Only one group \('a'\) in sensitive feature\(s\) sensitive_feature"),
        ({"y": [2, 0, 1, 0, 1, 0]}, r"labels outside \{0, 1\}.*pass pos_label="),
        ({"y": ["cat", "dog", "cat", "fish", "dog", "cat"]}, "one_vs_rest"),
        ({"pos_label": "yes"}, "pos_label='yes' does not occur in y_true or y_pred"),
        ({"sample_weight": [1, 1, -1, 1, 1, 1]}, "non-negative; row 2 is -1"),
        ({"sample_weight": [1, 1, np.inf, 1, 1, 1]}, "finite"),
        ({"y": 1}, "must be 1-D"),
        ({"y": [[1, 0, 1], [0, 1, 0]]}, "must be 1-D"),
        ({"y": [], "p": [], "g": []}, "empty"),
        ({"reference": "c"}, "Reference group 'c' is not among the groups"),
        ({"confidence": 95}, "confidence must be between 0 and 1"),
        ({"n_bootstrap": -1}, "n_bootstrap must be a non-negative integer"),
        ({"ci_method": "bca"}, "ci_method='bca' is not one of: auto, percentile, basic"),
        ({"metrics": ["tprr"]}, "Unknown metric 'tprr'. Did you mean: tpr"),
        ({"metrics": []}, "metrics is empty"),
    ],
)
def test_clear_errors(kwargs, message):
    y, p, g = kwargs.pop("y", Y), kwargs.pop("p", P), kwargs.pop("g", G)
    with pytest.raises(MetricsError, match=message):
        _gm(y, p, g, **kwargs)


def test_reference_did_you_mean():
    with pytest.raises(MetricsError, match="Did you mean: female"):
        _gm(g=["female"] * 3 + ["male"] * 3, reference="femal")


def test_accessor_errors():
    gm = _gm()
    with pytest.raises(MetricsError, match="No reference group: pass reference="):
        gm.differences_to_reference("tpr")
    with pytest.raises(MetricsError, match="No reference group"):
        gm.difference("tpr", method="to_reference")
    with pytest.raises(MetricsError, match="method='largest' is not one of"):
        gm.difference("tpr", method="largest")
    with pytest.raises(MetricsError, match="count is not a rate"):
        gm.ratio("count")
    assert gm.by_group("recall")["a"].value == gm.by_group("tpr")["a"].value == 0.5  # alias


def test_group_without_positives_gives_nan_and_a_warning():
    # group b has y_true all 0 -> TPR and FNR undefined there
    y = [1, 0, 1, 0, 0, 0, 1, 1, 0]
    p = [1, 0, 0, 1, 0, 1, 1, 1, 0]
    g = ["a", "a", "a", "b", "b", "b", "c", "c", "c"]
    with pytest.warns(fm.UndefinedMetricWarning) as record:
        gm = _gm(y, p, g)
    messages = [str(w.message) for w in record]
    assert (
        "tpr, fnr undefined for group 'b': it has no rows with y_true = 1 (TP + FN = 0); "
        "reported as NaN and left out of between-group comparisons." in messages
    )
    assert math.isnan(gm.by_group("tpr")["b"].value)
    # compared over a (1/2) and c (2/2) only
    assert gm.difference("tpr").value == pytest.approx(0.5)
    assert gm.to_dict()["by_group"]["tpr"]["b"]["value"] is None
    assert "n/a" in gm.to_table()


def test_zero_reference_rate_makes_ratios_nan_with_a_warning():
    y = [1, 0, 1, 0, 1, 0]
    p = [0, 0, 0, 1, 1, 0]  # group a never selected
    with pytest.warns(fm.UndefinedMetricWarning, match="reference group 'a' has selection_rate 0"):
        gm = _gm(y, p, metrics=["selection_rate"], reference="a")
    assert math.isnan(gm.ratios_to_reference("selection_rate")["b"].value)
    assert gm.differences_to_reference("selection_rate")["b"].value == pytest.approx(2 / 3)


def test_small_reference_is_refused():
    with pytest.raises(MetricsError, match="Reference group 'a' has 3 rows, fewer than min_group"):
        _gm(reference="a", min_group_size=4)


def test_too_few_large_groups_make_comparisons_nan():
    with pytest.warns(fm.SmallGroupWarning, match="Fewer than two groups remain"):
        gm = _gm(g=["a"] * 5 + ["b"], min_group_size=2, metrics=["selection_rate"])
    assert math.isnan(gm.difference("selection_rate").value)
    assert gm.by_group("selection_rate")["b"].value == 1.0


def test_one_vs_rest_refuses_pos_label():
    with pytest.raises(MetricsError, match="sets pos_label itself"):
        fm.one_vs_rest(Y, P, sensitive_features=G, pos_label=1)


def test_import_is_light():
    import subprocess
    import sys

    heavy = "('torch', 'transformers', 'pandas', 'numpy')"
    code = (
        f"import sys, fairlm.cli.metrics; a = sorted(m for m in {heavy} if m in sys.modules); "
        "from fairlm.metrics import GroupMetrics; "
        f"b = sorted(m for m in {heavy} if m in sys.modules); print(a, b)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    # the CLI module pulls in nothing heavy; the library needs numpy only
    assert out.stdout.strip() == "[] ['numpy']"
    assert sorted(fm.__all__) == sorted(fm._EXPORTS)
    for name in fm.__all__:
        assert getattr(fm, name) is not None
