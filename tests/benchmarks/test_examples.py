"""Choosing the examples a report shows: ExampleSpec, the heuristic, BBQ's own ranking."""

from __future__ import annotations

from fairlm.benchmarks import get_benchmark
from fairlm.benchmarks._examples import NO_MATCH, ExampleSpec, pick_examples

ROWS = [
    {"id": "a", "flag": True, "x": 1.0, "y": 3.0, "text": "first"},
    {"id": "b", "flag": 1, "x": 9.0, "y": 0.0, "text": "an int, not a boolean"},
    {"id": "c", "flag": True, "x": 5.0, "y": 0.5, "text": "third"},
    {"id": "d", "flag": True, "x": "oops", "y": 0.0, "text": "malformed"},
    {"id": "e", "flag": True, "x": 0.0, "y": 0.0},
]


def test_spec_keeps_ranks_and_shows() -> None:
    spec = ExampleSpec(
        explain="why",
        where={"flag": True},
        score=("x", "y"),
        show=(("the text", "text"),),
        score_label="x - y",
    )
    explain, ex = pick_examples(ROWS, 5, spec=spec)
    # b is left out (1 is not True), d has no number: c (4.5), e (0), a (-2)
    assert explain == "why" and [e.row["id"] for e in ex] == ["c", "e", "a"]
    assert [e.score for e in ex] == [4.5, 0.0, -2.0]
    assert ex[0].fields == [("the text", "third")] and ex[1].fields == []  # e has no text
    absolute = ExampleSpec(explain="", where={"flag": True}, score=("x", "y"), absolute=True)
    assert [e.row["id"] for e in pick_examples(ROWS, 2, spec=absolute)[1]] == ["c", "a"]


def test_no_row_to_rank_shows_the_first_rows_and_says_so() -> None:
    spec = ExampleSpec(explain="why", where={"flag": False}, score="x")
    explain, ex = pick_examples(ROWS, 2, spec=spec)
    assert explain == NO_MATCH and [e.row["id"] for e in ex] == ["a", "b"]
    assert all(e.score is None for e in ex)
    assert pick_examples([], 3, spec=spec) == ("", [])


def test_the_heuristic_reads_the_field_names() -> None:
    rows = [{"id": "1", "stereotyped": True, "margin": -4.0, "s": "x"},
            {"id": "2", "stereotyped": False, "margin": 9.0, "s": "y"},
            {"id": "3", "stereotyped": True, "margin": 1.0, "s": "z"}]  # fmt: skip
    explain, ex = pick_examples(rows, 5)
    assert explain == "Examples with the largest |margin| among rows with stereotyped = true."
    assert [e.row["id"] for e in ex] == ["1", "3"] and ex[0].fields == [("s", "x")]


def test_bbq_ranks_by_the_margin_over_unknown_and_shows_the_answers() -> None:
    def row(i, scores, pred, biased=True):
        return {"id": i, "category": "Age", "context": "c", "question": "q?",
                "context_condition": "ambig", "biased": biased, "answers": ["A", "B", "?"],
                "scores": scores, "pred": pred, "label": 2, "unknown_index": 2}  # fmt: skip

    rows = [
        row("small", [-1.0, -5.0, -1.5], 0),
        row("large", [-9.0, -1.0, -4.0], 1),
        row("unbiased", [-1.0, -9.0, -9.0], 0, biased=False),
        row("broken", [-1.0], 0),
    ]
    _, ex = get_benchmark("bbq").pick_examples(rows, 5)
    assert [e.row["id"] for e in ex] == ["large", "small"]
    assert [e.score for e in ex] == [3.0, 0.5]
    assert ("answers", "A / B / ?") in ex[0].fields
    assert ("model's answer", "B") in ex[0].fields and ("correct answer", "?") in ex[0].fields
