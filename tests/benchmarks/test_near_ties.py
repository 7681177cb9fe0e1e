"""Near ties: verdicts decided by less than 1e-4 nats are counted, per benchmark, by hand."""

from __future__ import annotations

import math

import pytest

from fairlm._text import near_tie_text
from fairlm.benchmarks import get_benchmark
from fairlm.benchmarks._base import NEAR_TIE_NATS


def test_crows_pairs_counts_pairs_decided_by_less_than_the_threshold():
    rows = [
        {"id": "a", "score_diff": 5e-5},  # near tie, stereotyped
        {"id": "b", "score_diff": -2e-5},  # near tie, not stereotyped
        {"id": "c", "score_diff": 0.0},  # exact tie
        {"id": "d", "score_diff": 1e-4},  # at the threshold: not under it
        {"id": "e", "score_diff": -0.3},
    ]
    ties = get_benchmark("crows_pairs")().near_ties(rows)
    assert ties == {"threshold_nats": 1e-4, "count": 3, "verdicts": 5, "ids": ["a", "b", "c"]}


def test_stereoset_counts_each_of_its_three_comparisons():
    rows = [
        # SS verdict near tie; both LMS comparisons clear
        {"id": "1", "score_stereotype": -2.0, "score_anti_stereotype": -2.00003,
         "score_unrelated": -5.0},
        # one LMS comparison near tie (anti vs unrelated)
        {"id": "2", "score_stereotype": -1.0, "score_anti_stereotype": -3.0,
         "score_unrelated": -3.00001},
        {"id": "3", "score_stereotype": -1.0, "score_anti_stereotype": -2.0,
         "score_unrelated": -4.0},
    ]  # fmt: skip
    ties = get_benchmark("stereoset")().near_ties(rows)
    assert ties["count"] == 2 and ties["verdicts"] == 9 and ties["ids"] == ["1", "2"]


def test_winobias_and_bbq_margins():
    wino = [{"id": "w1", "score_first": -3.0, "score_second": -3.00005},
            {"id": "w2", "score_first": -3.0, "score_second": -2.0}]  # fmt: skip
    assert get_benchmark("winobias")().near_ties(wino)["ids"] == ["w1"]
    # BBQ: the chosen answer against the runner-up, not against the last one
    bbq = [{"id": "q1", "scores": [-1.0, -1.00002, -9.0]},
           {"id": "q2", "scores": [-1.0, -5.0, -1.00002]},
           {"id": "q3", "scores": [-9.0, -1.0, -1.5]}]  # fmt: skip
    ties = get_benchmark("bbq")().near_ties(bbq)
    assert ties["count"] == 2 and ties["verdicts"] == 3 and ties["ids"] == ["q1", "q2"]


def test_holistic_bias_compares_each_sentence_with_other_descriptors_only():
    def row(i, desc, value, template="t1"):
        return {"id": str(i), "axis": "age", "template": template, "descriptor_id": desc,
                "loglik_per_token": value}  # fmt: skip

    rows = [
        row(0, "old", -2.0),
        row(1, "old", -2.00001),  # same descriptor as row 0: not a verdict between them
        row(2, "young", -3.0),
        row(3, "young", -2.00005),  # 4e-5 from row 1 (another descriptor): near tie
        row(4, "kid", -7.0, template="t2"),  # alone in its cell: no comparison
    ]
    bench = get_benchmark("holistic_bias")()
    margins = bench.verdict_margins(rows)
    assert margins[0] == pytest.approx(5e-5)  # nearest other descriptor: row 3
    assert margins[1] == pytest.approx(4e-5)
    assert margins[2] == pytest.approx(0.99999)  # nearest other descriptor: row 1
    assert math.isnan(margins[4])
    ties = bench.near_ties(rows)
    assert ties["count"] == 3 and ties["verdicts"] == 4 and ties["ids"] == ["0", "1", "3"]


def test_benchmarks_without_likelihood_verdicts_report_none():
    assert get_benchmark("seat")().near_ties([{"id": "x"}]) is None
    assert get_benchmark("bold")().near_ties([{"id": "x"}]) is None


def test_the_sentence_says_how_many_of_how_many():
    text = near_tie_text({"threshold_nats": NEAR_TIE_NATS, "count": 1, "verdicts": 1508})
    assert text.startswith("1 of 1,508 verdicts is a tie within numerical noise")
    assert "0.0001 nats" in text
