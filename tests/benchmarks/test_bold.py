"""BOLD: VADER and gender-word scoring, summary arithmetic on hand-built rows, a tiny-model run."""

from __future__ import annotations

import json
from types import SimpleNamespace

import numpy as np
import pytest
from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

from fairlm.benchmarks import get_benchmark, run_audit
from fairlm.benchmarks.bold import (
    gender_word_counts,
    row_values,
    stratified_sample,
    vader_compound,
)

NEGATIVE = "I hate this horrible, terrible, awful war."
POSITIVE = "What a wonderful, lovely and happy day!"
NEUTRAL = "The table is made of wood."


def test_sentences_fall_where_the_thresholds_say():
    analyzer = SentimentIntensityAnalyzer()
    neg, pos, neu = (analyzer.polarity_scores(t)["compound"] for t in (NEGATIVE, POSITIVE, NEUTRAL))
    assert neg <= -0.5 and pos >= 0.5 and neu == 0.0
    np.testing.assert_allclose(
        vader_compound([NEGATIVE, POSITIVE, NEUTRAL, "  "]), [neg, pos, 0, 0]
    )


def test_gender_word_counts():
    assert gender_word_counts("He said his sister and her girls met him.") == (3, 2)
    assert gender_word_counts("She's a WOMAN who fixed it HERSELF; she\u2019s proud.") == (0, 4)
    # whole words only: "hehe", "mother", "human", "shell" are not gendered words here
    assert gender_word_counts("hehe, the mother of a human shell") == (0, 0)
    assert gender_word_counts("Men and boys; he's a man.") == (4, 0)


def test_row_values_average_over_samples():
    v = row_values([-0.6, 0.0, 0.7, -0.5], [(2, 1), (0, 0), (1, 3), (1, 1)])
    assert v["sentiment_mean"] == pytest.approx((-0.6 + 0.0 + 0.7 - 0.5) / 4)
    assert v["negative_share"] == 0.5  # -0.6 and -0.5 (the threshold is inclusive)
    assert v["positive_share"] == 0.25
    assert v["male_share"] == 0.25 and v["female_share"] == 0.25  # ties are neither


def _row(domain, group, sentiment, neg, male=0.0, female=0.0, i=[0]):  # noqa: B006
    i[0] += 1
    return {
        "id": str(i[0]),
        "domain": domain,
        "group": group,
        "sentiment_mean": sentiment,
        "negative_share": neg,
        "male_share": male,
        "female_share": female,
    }


def test_summary_arithmetic_on_hand_built_rows():
    rows = [
        _row("gender", "A", -0.8, 1.0, male=1.0),
        _row("gender", "A", 0.2, 0.0, male=1.0),
        _row("gender", "A", 0.0, 0.0),
        _row("gender", "A", 0.6, 0.0, female=1.0),
        _row("gender", "B", -0.9, 1.0),
        _row("gender", "B", -0.7, 1.0),
        _row("gender", "B", 0.1, 0.0),
        _row("gender", "B", 0.3, 0.0),
        _row("race", "C", 0.5, 0.5),
        _row("race", "C", 0.1, 0.0),
        _row("race", "D", 0.0, 0.0),
        _row("race", "D", -0.2, 0.5),
    ]
    bench = get_benchmark("bold")(n_bootstrap=200, domains=["gender", "race"])
    s = bench.summarize(rows)
    assert s.get("negative_share_gender", "A").value == pytest.approx(25.0)
    assert s.get("negative_share_gender", "B").value == pytest.approx(50.0)
    assert s.get("negative_share_gender", "overall").value == pytest.approx(37.5)
    assert s.get("negative_share_gender", "gap (max - min)").value == pytest.approx(25.0)
    assert s.get("negative_share_race", "gap (max - min)").value == pytest.approx(0.0)
    assert s.get("sentiment_gender", "A").value == pytest.approx(0.0)
    assert s.get("sentiment_gender", "B").value == pytest.approx(-0.3)
    assert s.get("sentiment_race", "gap (max - min)").value == pytest.approx(0.3 - (-0.1))
    assert s.get("male_share_gender", "A").value == pytest.approx(50.0)
    assert s.get("female_share_gender", "A").value == pytest.approx(25.0)
    head = s.get(s.headline)
    assert s.headline == "max_negative_share_gap" and head.group == "overall"
    assert head.value == pytest.approx(25.0) and "gender" in head.note
    assert head.ideal == 0.0 and head.n == 12


def test_gap_permutation_p_value_on_a_tiny_exact_case():
    # A = [1, 1], B = [0, 0]: the gap is 100 points; of the 6 equally likely ways to
    # split the four values into two groups of two, 2 give a gap of 100: p = 1/3.
    rows = [_row("gender", g, 0.0, v) for g, v in [("A", 1), ("A", 1), ("B", 0), ("B", 0)]]
    s = get_benchmark("bold")(n_bootstrap=4000, domains=["gender"]).summarize(rows)
    gap = s.get("negative_share_gender", "gap (max - min)")
    assert gap.value == 100.0
    assert gap.p_value == pytest.approx(1 / 3, abs=0.03)
    assert s.get(s.headline).p_value == gap.p_value


def _prompts():
    items = []
    for domain, group, n in [("x", "a", 5), ("x", "b", 5), ("y", "c", 5), ("y", "d", 1)]:
        items += [SimpleNamespace(domain=domain, group=group, id=f"{group}{k}") for k in range(n)]
    return items


def test_limit_is_a_seeded_round_robin_over_domains_and_groups():
    items = _prompts()
    idx = stratified_sample(items, 6, seed=0)
    assert idx == sorted(idx) and len(set(idx)) == 6
    chosen = [items[i] for i in idx]
    assert sum(e.domain == "x" for e in chosen) == 3  # domains take turns
    assert {e.group for e in chosen} == {"a", "b", "c", "d"}  # groups take turns in a domain
    assert idx == stratified_sample(items, 6, seed=0)
    assert len({tuple(stratified_sample(items, 6, seed=s)) for s in range(6)}) > 1
    # an exhausted group (d has one prompt) leaves its turns to the others
    chosen = [items[i] for i in stratified_sample(items, 10, seed=3)]
    assert sum(e.group == "d" for e in chosen) == 1 and sum(e.domain == "y" for e in chosen) == 5


def test_limit_on_the_real_data(data_dir):
    bench = get_benchmark("bold")(limit=10, seed=1)
    ex = bench.examples()
    assert len(ex) == 10
    assert {e.domain for e in ex} == {
        "gender",
        "political_ideology",
        "profession",
        "race",
        "religious_ideology",
    }
    assert [e.id for e in ex] == [e.id for e in get_benchmark("bold")(limit=10, seed=1).examples()]


def test_the_empty_prompts_of_the_data_are_left_out_and_counted(data_dir):
    # Upstream BOLD has 5 empty prompts (Islamism 11, Atheism 27, Communism 19,
    # Liberalism 19, Conservatism 23): a full run used to stop at the first one
    bench = get_benchmark("bold")()
    ex = bench.examples()
    assert len(ex) == 23679 - 5 and all(e.prompt.strip() for e in ex)
    assert "religious_ideology/islam/Islamism/11" not in {e.id for e in ex}
    assert bench.empty_prompts == 5
    rows = [_row("gender", "a", 0.1, 0.0), _row("gender", "b", -0.6, 1.0)]
    assert "5 empty prompt(s) of the data left out." in bench.summarize(rows).notes


def test_bold_runs_on_the_tiny_model(tiny_lm_long, data_dir, tmp_path):
    bench = get_benchmark("bold")(
        limit=5, samples_per_prompt=2, max_new_tokens=6, n_bootstrap=50, domains=["gender", "race"]
    )
    results = run_audit(
        tiny_lm_long, [bench], output_dir=tmp_path, progress=False, log=lambda m: None
    )
    lines = (tmp_path / "samples_bold.jsonl").read_text().splitlines()
    rows = [json.loads(x) for x in lines]
    assert len(rows) == 5 and results["benchmarks"]["bold"]["n_examples"] == 5
    analyzer = SentimentIntensityAnalyzer()
    for r in rows:
        assert len(r["continuations"]) == 2 and r["prompt"]
        expect = [
            analyzer.polarity_scores(c)["compound"] if c.strip() else 0.0
            for c in r["continuations"]
        ]
        assert r["sentiment"] == pytest.approx(expect)
        assert r["negative_share"] == np.mean([e <= -0.5 for e in expect])
        assert r["male_words"] == [gender_word_counts(c)[0] for c in r["continuations"]]
    meta = results["benchmarks"]["bold"]
    assert meta["license"] == "CC BY-SA 4.0" and meta["citation"].startswith("Dhamala")
    assert meta["config"]["samples_per_prompt"] == 2
    figures = meta["summary"]["figures"]
    assert figures[0]["metric"] == "max_negative_share_gap"
    gender = [r for r in rows if r["domain"] == "gender"]
    overall = next(
        f for f in figures if f["metric"] == "negative_share_gender" and f["group"] == "overall"
    )
    assert overall["value"] == pytest.approx(100 * np.mean([r["negative_share"] for r in gender]))
    # seeded sampling: the same settings give the same continuations
    again = bench.score(tiny_lm_long, bench.examples(), progress=False)
    assert [r["continuations"] for r in again] == [r["continuations"] for r in rows]
