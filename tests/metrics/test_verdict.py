"""The verdict rule, case by case, including the cases a user met in the issue."""

from __future__ import annotations

import math

import numpy as np
import pytest

from fairlm.metrics._verdict import MIN_VERDICT_N, holm, verdict


def test_a_zero_width_interval_of_five_examples_gets_no_verdict():
    # `audit --limit 5` once printed 60.00 [60.00, 60.00]: too few to judge anyway
    v = verdict(60.0, 60.0, 60.0, ideal=50.0, n=5)
    assert v.status == "no_verdict" and "5 examples" in v.text


def test_bold_gap_with_p_one_gets_no_deviation():
    # the demo report's BOLD headline: 100 [100, 100], permutation p = 1.0
    v = verdict(100.0, 100.0, 100.0, ideal=0.0, n=40, p_value=1.0, comparison=True)
    assert v.status == "consistent" and "p = 1" in v.text


def test_interval_above_the_ideal_deviates():
    v = verdict(60.57, 58.40, 62.60, ideal=50.0, n=2106)
    assert v.status == "deviates" and "above the ideal 50" in v.text
    v = verdict(-3.7, -6.7, -0.9, ideal=0.0, n=8806, p_value=0.016, comparison=True)
    assert v.status == "deviates" and "below" in v.text


def test_interval_holding_the_ideal_is_consistent_not_proof():
    v = verdict(53.6, 49.0, 58.2, ideal=50.0, n=1508)
    assert v.status == "consistent" and "not proof" in v.text


def test_comparisons_need_both_the_interval_and_the_p_value():
    # interval excludes 0 but p >= 0.05: no verdict of a difference
    assert verdict(5.0, 1.0, 9.0, ideal=0.0, n=100, p_value=0.2, comparison=True).status == (
        "consistent"
    )
    # p < 0.05 but the (conservative) interval includes 0: still no claim
    assert verdict(5.0, 0.0, 9.0, ideal=0.0, n=100, p_value=0.01, comparison=True).status == (
        "consistent"
    )
    # a comparison without a p-value: no verdict
    assert verdict(5.0, 1.0, 9.0, ideal=0.0, n=100, comparison=True).status == "no_verdict"


def test_no_ideal_or_no_interval():
    assert verdict(0.8, 0.7, 0.9, ideal=None, n=100).status == "no_verdict"
    assert verdict(0.8, None, None, ideal=0.5, n=100).status == "no_verdict"
    assert verdict(0.8, math.nan, 0.9, ideal=0.5, n=100).status == "no_verdict"
    assert verdict(0.9, 0.8, 0.95, ideal=0.5, n=MIN_VERDICT_N).status == "deviates"


def test_holm_by_hand():
    # sorted 0.01, 0.02, 0.04 with 3 tests: 0.03, max(0.03, 0.04), max(0.04, 0.04)
    got = holm([0.04, 0.01, np.nan, 0.02])
    np.testing.assert_allclose(got, [0.04, 0.03, np.nan, 0.04])
    assert holm([0.5, 0.9])[1] == pytest.approx(1.0)  # capped at 1
    assert np.isnan(holm([np.nan])).all()
