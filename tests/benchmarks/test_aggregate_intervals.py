"""grouped_figures: percentages summarised as shares (Wilson), bounded values kept in range."""

from __future__ import annotations

import pytest
from scipy.stats import binomtest

from fairlm.benchmarks._aggregate import grouped_figures


def test_percentages_of_0_1_outcomes_get_wilson_intervals_in_range():
    values = [100.0, 0.0, 100.0, 100.0, 0.0]  # 3 of 5
    figs = grouped_figures("score", values, ["a", "b", "c", "d", "e"], unit="%")
    overall = figs[0]
    want = binomtest(3, 5).proportion_ci(method="wilson")
    assert (overall.ci_low, overall.ci_high) == pytest.approx((100 * want.low, 100 * want.high))
    for f in figs:
        assert f.ci_low is None or 0.0 <= f.ci_low <= f.ci_high <= 100.0


def test_bounded_values_keep_their_range():
    # two groups of two sentiment scores: a t interval alone would reach beyond [-1, 1]
    figs = grouped_figures(
        "sentiment", [-0.9, 0.8, 0.95, -0.7], ["x", "x", "y", "y"], bounds=(-1.0, 1.0)
    )
    for f in figs:
        if f.kind == "gap":
            assert 0.0 <= f.ci_low <= f.ci_high <= 2.0
        else:
            assert -1.0 <= f.ci_low <= f.ci_high <= 1.0
    unbounded = grouped_figures("sentiment", [-0.9, 0.8, 0.95, -0.7], ["x", "x", "y", "y"])
    assert unbounded[1].ci_low < -1.0  # what the bounds prevent


def test_scores_that_are_all_0_or_1_are_not_treated_as_shares():
    # a similarity of 1.0 for every row, or a difference of 0 for every row: a Wilson
    # interval would claim [0.44, 1] on the score's own scale; equal scores get none
    for values in ([1.0, 1.0, 1.0], [0.0, 0.0, 0.0, 0.0]):
        fig = grouped_figures("rouge_l", values, None, bounds=(0.0, 1.0))[0]
        assert fig.value == values[0]
        assert fig.ci_low is None and fig.ci_high is None
    mixed = grouped_figures("diff", [0.0, 1.0, 1.0, 0.0], None, unit="nats")[0]
    assert mixed.ci_low < 0.0  # Student's t on the scores, unbounded
