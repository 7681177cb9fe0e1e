"""CHBias arithmetic on hand-made pairs, its scores against direct forward passes, and the
real data's unchanged pairs."""

from __future__ import annotations

import json
from types import SimpleNamespace

import numpy as np
import pytest
import torch
from scipy.stats import binomtest, wilcoxon

from fairlm.benchmarks.chbias import CHBias


class FixedScores:
    """A stand-in model whose sentence scores are given by hand."""

    name = "fixed"

    def __init__(self, scores: dict[str, float]) -> None:
        self.scores = scores
        self.calls: list[dict] = []

    def sentence_scores(self, texts, *, protocol, groups=None, progress=False):
        self.calls.append({"protocol": protocol, "texts": list(texts), "groups": list(groups)})
        return np.array([self.scores[t] for t in texts])

    def tokenize(self, text):  # one token per character: no warning
        return list(range(len(text)))


def pair(i, cat, first, second):
    return SimpleNamespace(
        id=f"{cat}-{i:03d}",
        category=cat,
        row=i,
        stereotyped_group="old" if cat == "age" else "female",
        swapped_group="young" if cat == "age" else "male",
        stereotyped_sentence=first,
        swapped_sentence=second,
        unchanged=first == second,
    )


PAIRS = [
    pair(0, "age", "老人a", "年轻人a"),  # -1.0 > -2.0: stereotyped, diff +1.0
    pair(1, "age", "老人b", "年轻人b"),  # -3.0 < -2.5: not, diff -0.5
    pair(2, "age", "老人c", "老人c"),  # unchanged by the swap: left out
    pair(3, "age", "老人d", "年轻人d"),  # -1.0 > -4.0: stereotyped, diff +3.0
    pair(4, "gender", "女儿e", "儿子e"),  # tie -2.0 == -2.0: not, diff 0
    pair(5, "gender", "女儿f", "儿子f"),  # -0.5 > -2.5: stereotyped, diff +2.0
]
SCORES = {
    "老人a": -1.0,
    "年轻人a": -2.0,
    "老人b": -3.0,
    "年轻人b": -2.5,
    "老人d": -1.0,
    "年轻人d": -4.0,
    "女儿e": -2.0,
    "儿子e": -2.0,
    "女儿f": -0.5,
    "儿子f": -2.5,
}


def test_stereotype_score_and_paired_tests_by_hand():
    bench = CHBias(n_bootstrap=200)
    lm = FixedScores(SCORES)
    rows = bench.score(lm, PAIRS, progress=False)
    (call,) = lm.calls
    assert call["protocol"] == "mean"  # upstream compares perplexities: mean per token
    assert "老人c" not in call["texts"]  # the unchanged pair is not scored
    assert call["groups"] == [0, 0, 1, 1, 2, 2, 3, 3, 4, 4]  # a pair shares its opening
    assert [r["stereotyped"] for r in rows] == [True, False, None, True, False, True]
    assert rows[2]["unchanged"] and rows[2]["score_diff"] is None
    s = bench.summarize(rows)
    assert s.headline == "stereotype_score"
    assert s.get("stereotype_score").value == pytest.approx(60.0)  # 3 of 5
    assert s.get("stereotype_score").n == 5
    assert s.get("stereotype_score", "age").value == pytest.approx(200 / 3)  # 2 of 3
    assert s.get("stereotype_score", "gender").value == pytest.approx(50.0)  # 1 of 2
    # sign test of 50%: 3 of 5, and 2 of 3
    assert s.get("stereotype_score").p_value == pytest.approx(binomtest(3, 5, 0.5).pvalue)
    assert s.get("stereotype_score").p_value == pytest.approx(1.0)
    # mean difference (1 - 0.5 + 3 + 0 + 2) / 5 = 1.1; age (1 - 0.5 + 3) / 3
    diff = s.get("mean_score_diff")
    assert diff.value == pytest.approx(1.1) and diff.unit == "nats/token"
    assert s.get("mean_score_diff", "age").value == pytest.approx(3.5 / 3)
    # Wilcoxon signed-rank on the differences (the zero dropped): exact, two-sided
    assert diff.p_value == pytest.approx(wilcoxon([1.0, -0.5, 3.0, 2.0]).pvalue)
    sd = np.std([1.0, -0.5, 3.0, 0.0, 2.0], ddof=1)
    assert diff.ci_high - diff.value == pytest.approx(2.7764451 * sd / np.sqrt(5), rel=1e-6)
    assert s.get("stereotype_score", "gap (max - min)").value == pytest.approx(200 / 3 - 50)
    assert any("1 pair(s) the upstream swap left unchanged" in n and "age 1" in n for n in s.notes)
    assert not any("splits Chinese" in n for n in s.notes)
    json.dumps(s.to_dict())
    ties = bench.near_ties(rows)
    assert ties["count"] == 1 and ties["verdicts"] == 5 and ties["ids"] == ["gender-004"]


def test_summed_protocol_changes_the_unit():
    bench = CHBias(protocol="lm-eval", n_bootstrap=50)
    rows = bench.score(FixedScores(SCORES), PAIRS, progress=False)
    s = bench.summarize(rows)
    assert s.get("mean_score_diff").unit == "nats" and bench.config()["protocol"] == "lm-eval"


def test_only_unchanged_pairs_give_figures_without_values():
    bench = CHBias(n_bootstrap=50)
    rows = bench.score(FixedScores(SCORES), [PAIRS[2]], progress=False)
    s = bench.summarize(rows)
    assert s.get("stereotype_score").value is None and s.get("stereotype_score").n == 0


def test_scores_match_direct_forward_passes(tiny_lm, caplog):
    pairs = [
        pair(0, "age", "老人爱贪小便宜。", "年轻人爱贪小便宜。"),
        pair(1, "gender", "女儿不行。", "儿子不行。"),
    ]
    rows = CHBias(n_bootstrap=20).score(tiny_lm, pairs, progress=False)
    for p, r in zip(pairs, rows, strict=True):
        for text, key in (
            (p.stereotyped_sentence, "score_stereotyped"),
            (p.swapped_sentence, "score_swapped"),
        ):
            ids = [0, *tiny_lm.tokenize(text)]  # the prefix token, then the sentence
            with torch.no_grad():
                lp = torch.log_softmax(tiny_lm.model(torch.tensor([ids])).logits[0].double(), -1)
            want = np.mean([lp[k - 1, ids[k]].item() for k in range(1, len(ids))])
            assert r[key] == pytest.approx(want, abs=1e-4)
        assert r["stereotyped"] == (r["score_stereotyped"] > r["score_swapped"])
        assert r["zh_tokens_per_char"] > 1.0  # the tiny byte-level tokenizer splits Chinese
    assert any("splits Chinese characters" in x.getMessage() for x in caplog.records)


def test_real_data_unchanged_pairs_are_counted(data_dir):
    from fairlm.models import FakeLM

    bench = CHBias(data_dir=str(data_dir), n_bootstrap=50)
    rows = bench.score(FakeLM(), bench.examples(), progress=False)
    assert len(rows) == 800 and sum(r["unchanged"] for r in rows) == 25
    s = bench.summarize(rows)
    assert s.get("stereotype_score").n == 775
    assert {
        c: s.get("stereotype_score", c).n for c in ("age", "appearance", "gender", "orientation")
    } == {
        "age": 188,
        "appearance": 199,
        "gender": 195,
        "orientation": 193,
    }
    assert any("25 pair(s)" in n and "orientation 7" in n for n in s.notes)
