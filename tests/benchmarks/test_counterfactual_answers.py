"""counterfactual_answers: sets, sentiment differences, ROUGE-L and sentiment parity by
hand; every group of a set sampled from one random stream; the doubled article fixed."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest

from fairlm.benchmarks.counterfactual_answers import (
    CounterfactualAnswers,
    CounterfactualSet,
    rouge_l,
    sets_of,
)


def test_sets_from_the_real_data(data_dir):
    from fairlm.data import load_langfair_templates

    prompts = load_langfair_templates(data_dir)
    sets = sets_of(prompts)
    assert len(sets) == 8 * 39 and sum(len(s.prompts) for s in sets) == 936
    sizes = {s.category: len(s.prompts) for s in sets}
    assert sizes["Religion"] == 5 and sizes["Race/ethnicity"] == 4 and sizes["Gender"] == 2
    # a set is one template: its prompts differ only in the group's words
    gender = next(s for s in sets if s.id == "Gender/00")
    assert gender.groups == ["Men", "Women"]
    assert {p.template_index for p in gender.prompts} == {0}
    # the upstream doubled article: 5 templates x 24 groups fixed, in 5 x 8 sets
    assert sum(p.fixed for s in sets for p in s.prompts) == 120
    assert sum(any(p.fixed for p in s.prompts) for s in sets) == 40
    assert not any(" a The " in p.text or " the The " in p.text for p in prompts)
    bench = CounterfactualAnswers(data_dir=str(data_dir), limit=10, seed=1)
    assert len(bench.examples()) == 10 and all(len(s.prompts) >= 2 for s in bench.examples())


def test_rouge_l_by_hand():
    # 4 tokens each, longest common subsequence "the is kind" (3): P = R = F = 3/4
    assert rouge_l("The man is kind.", "the woman is kind") == pytest.approx(0.75)
    # "a b c d" vs "a c": LCS 2, P = 2/2, R = 2/4 -> F = 2PR/(P+R) = 2/3
    assert rouge_l("a b c d", "a c") == pytest.approx(2 / 3)
    assert rouge_l("same", "same") == 1.0 and rouge_l("", "") == 1.0
    assert rouge_l("x", "y") == 0.0


def lf(category, group, k, text, fixed=False):
    return SimpleNamespace(category=category, group=group, template_index=k, text=text, fixed=fixed)


class Replies:
    """A chat model that answers each prompt with a given text."""

    chat_template_hash = "t4"
    name = "replies"

    def __init__(self, replies: dict[str, str]) -> None:
        self.replies = replies
        self.calls: list[dict] = []

    def generate(self, prompts, **kw):
        self.calls.append({"prompts": list(prompts), **kw})
        return [[self.replies[p]] for p in prompts]


def test_differences_and_parity_by_hand():
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    sets = [
        CounterfactualSet("Gender/00", "Gender", 0, (
            lf("Gender", "Men", 0, "Men are ", fixed=True), lf("Gender", "Women", 0, "Women are "),
        )),
        CounterfactualSet("Age/00", "Age", 0, (
            lf("Age", "Old people", 0, "Old people are"), lf("Age", "Young people", 0, "Young are"),
        )),
    ]  # fmt: skip
    replies = {
        "Men are ": "great and kind",
        "Women are ": "terrible and sad",
        "Old people are": "fine",
        "Young are": "fine",
    }
    bench = CounterfactualAnswers(n_bootstrap=50, seed=7)
    lm = Replies(replies)
    rows = bench.score(lm, sets, progress=False)
    call = lm.calls[0]
    # chat: the prompt verbatim (trailing space kept); one random stream per set
    assert call["prompts"][0] == "Men are " and call["chat"] is True
    assert call["keys"] == ["Gender/00", "Gender/00", "Age/00", "Age/00"]
    assert call["seed"] == 7 and call["do_sample"] is True
    vader = SentimentIntensityAnalyzer()
    men, women = (
        vader.polarity_scores(t)["compound"] for t in ("great and kind", "terrible and sad")
    )
    assert rows[0]["sentiment"] == pytest.approx([men, women])
    assert rows[0]["sentiment_differences"] == pytest.approx([abs(men - women)])
    assert rows[0]["rouge_l"] == pytest.approx([1 / 3])  # "and" of 3 words each
    assert rows[1]["mean_sentiment_difference"] == 0.0 and rows[1]["mean_rouge_l"] == 1.0
    assert rows[0]["fixed"] is True and rows[1]["fixed"] is False
    s = bench.summarize(rows)
    assert s.get("sentiment_difference").value == pytest.approx(abs(men - women) / 2)
    assert s.get("sentiment_difference", "Gender").value == pytest.approx(abs(men - women))
    assert s.get("rouge_l").value == pytest.approx((1 / 3 + 1) / 2)
    assert s.get("sentiment_gender", "Women").value == pytest.approx(women)
    gap = s.get("sentiment_gender", "gap (max - min)")
    assert gap.kind == "gap" and gap.value == pytest.approx(abs(men - women))
    assert s.get("sentiment").value == pytest.approx(
        np.mean([men, women, *[vader.polarity_scores("fine")["compound"]] * 2])
    )
    assert any("1 of 2 requests" in n for n in s.notes)


def test_plain_prompts_drop_the_trailing_space():
    pair = (lf("Gender", "Men", 0, "Men are "), lf("Gender", "Women", 0, "Women are "))
    sets = [CounterfactualSet("Gender/00", "Gender", 0, pair)]
    lm = Replies({"Men are": "x", "Women are": "y"})
    lm.chat_template_hash = None
    rows = CounterfactualAnswers(n_bootstrap=10).score(lm, sets, progress=False)
    assert lm.calls[0]["prompts"] == ["Men are", "Women are"] and lm.calls[0]["chat"] is False
    assert rows[0]["chat"] is False


def test_one_random_stream_per_set_on_a_real_model(tiny_lm):
    """Two variants with the same prompt sample the same text (common random numbers),
    and a set's answers do not depend on what else is generated with it."""
    same = "The doctor said that"
    sets = [
        CounterfactualSet("G/00", "G", 0, (lf("G", "a", 0, same), lf("G", "b", 0, same))),
        CounterfactualSet("G/01", "G", 1, (lf("G", "a", 1, "The nurse said"),
                                           lf("G", "b", 1, "The engineer said"))),
    ]  # fmt: skip
    bench = CounterfactualAnswers(n_bootstrap=10, max_new_tokens=6, seed=3)
    rows = bench.score(tiny_lm, sets, progress=False)
    assert rows[0]["replies"][0] == rows[0]["replies"][1]
    alone = bench.score(tiny_lm, sets[1:], progress=False)
    assert alone[0]["replies"] == rows[1]["replies"]
    other_seed = CounterfactualAnswers(n_bootstrap=10, max_new_tokens=6, seed=4)
    assert other_seed.score(tiny_lm, sets, progress=False)[1]["replies"] != rows[1]["replies"]
