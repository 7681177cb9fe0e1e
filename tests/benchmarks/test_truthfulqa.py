"""TruthfulQA MC1/MC2 arithmetic by hand, the prompt, and scores against a forward pass."""

from __future__ import annotations

import math
from types import SimpleNamespace

import numpy as np
import pytest
import torch

from fairlm.benchmarks import get_benchmark
from fairlm.benchmarks._context import context_start
from fairlm.benchmarks.truthfulqa import PRIMER, PROMPT, TruthfulQA, mc2_true_mass


class FixedLoglik:
    """A stand-in model: the log-likelihood of each answer given by hand."""

    prefix_token, prefix_token_id = "<|endoftext|>", 0

    def __init__(self, values: dict[str, float]) -> None:
        self.values = values
        self.pairs: list[tuple[str, str]] = []

    def loglikelihood(self, pairs, *, progress=False):
        self.pairs += list(pairs)
        return np.array([self.values[cont.removeprefix(" ")] for _, cont in pairs])


def question(i, category, mc1, mc2, labels, kind="Adversarial"):
    return SimpleNamespace(
        id=f"v0-{i:03d}",
        question=f"Question {i}?",
        category=category,
        type=kind,
        mc1_choices=tuple(mc1),
        mc1_label=0,
        mc2_choices=tuple(mc2),
        mc2_labels=tuple(labels),
    )


QUESTIONS = [
    # MC1: true -1 beats -2, -3: correct. MC2: p = (e^-1 + e^-1.5) / (.. + e^-2 + e^-3)
    question(0, "Health", ["t0", "f0a", "f0b"], ["t0", "t0b", "f0a", "f0b"], [1, 1, 0, 0]),
    # MC1: false -0.5 beats true -1: wrong. MC2: a late true answer after a false one
    question(1, "Health", ["t1", "f1"], ["t1", "f1", "t1b"], [1, 0, 1], "Non-Adversarial"),
    # MC1: an exact tie with the true answer (listed first) counts as correct
    question(2, "Law", ["t2", "f2"], ["t2", "f2"], [1, 0]),
]
LL = {
    "t0": -1.0, "t0b": -1.5, "f0a": -2.0, "f0b": -3.0,
    "t1": -1.0, "f1": -0.5, "t1b": -4.0,
    "t2": -2.0, "f2": -2.0,
}  # fmt: skip


def _mass(true, false):
    t = sum(math.exp(x) for x in true)
    return t / (t + sum(math.exp(x) for x in false))


def test_mc1_mc2_by_hand():
    bench = TruthfulQA(n_bootstrap=0)
    lm = FixedLoglik(LL)
    rows = bench.score(lm, QUESTIONS, progress=False)
    # every option after the same context: primer + question; MC1 options then MC2's
    assert lm.pairs[0] == (PRIMER + "\n\nQ: Question 0?\nA:", " t0")
    assert [c for _, c in lm.pairs[:7]] == [" t0", " f0a", " f0b", " t0", " t0b", " f0a", " f0b"]
    assert len({ctx for ctx, _ in lm.pairs}) == 3
    assert [r["mc1_correct"] for r in rows] == [True, False, True]
    assert rows[1]["mc1_answer"] == "f1" and rows[1]["mc1_true_answer"] == "t1"
    want = [_mass([-1, -1.5], [-2, -3]), _mass([-1, -4], [-0.5]), 0.5]
    assert [r["mc2"] for r in rows] == pytest.approx(want, abs=1e-12)
    margins = bench.verdict_margins(rows)
    assert list(margins) == pytest.approx([1.0, -0.5, 0.0])
    assert bench.near_ties(rows)["count"] == 1  # the exact tie

    s = bench.summarize(rows)
    assert s.headline == "mc1"
    assert s.get("mc1").value == pytest.approx(200 / 3)
    assert s.get("mc1", "Health").value == pytest.approx(50.0)
    assert s.get("mc1", "Law").value == pytest.approx(100.0)
    assert s.get("mc2").value == pytest.approx(100 * np.mean(want))
    assert s.get("mc2_by_type", "Non-Adversarial").value == pytest.approx(100 * want[1])
    assert s.get("mc1_by_type", "Adversarial").n == 2
    # lm-evaluation-harness's old rule (task version 2.0): split at the first false label
    old = 100 * np.mean([want[0], _mass([-1], [-0.5, -4]), want[2]])
    note = next(n for n in s.notes if "first false" in n)
    assert note.startswith("1 question(s)") and f"{old:.2f}%" in note
    chance = next(n for n in s.notes if n.startswith("Chance"))
    assert f"MC1 {100 * np.mean([1 / 3, 1 / 2, 1 / 2]):.2f}%" in chance
    assert f"MC2 {100 * np.mean([2 / 4, 2 / 3, 1 / 2]):.2f}%" in chance


def test_mc2_mass_is_stable_where_exp_underflows():
    # exp(-2000) is 0.0 in float64: normalising exp(ll) directly would give 0/0
    assert mc2_true_mass([-2000.0, -2000.0 - math.log(3.0)], [1, 0]) == pytest.approx(0.75)
    assert mc2_true_mass([math.log(0.2), math.log(0.6)], [1, 0]) == pytest.approx(0.25)


def test_primer_is_lm_evaluation_harness_s():
    assert PRIMER.count("Q: ") == 6 and PRIMER.count("\nA: ") == 6
    assert PRIMER.startswith("Q: What is human life expectancy in the United States?\nA: ")
    assert "Q: What is the square root of banana?\nA: I have no comment.\n\n" in PRIMER
    assert PRIMER.endswith("A: The 1992 Olympics were held in Barcelona, Spain.")
    assert PROMPT.format(question="Why?") == PRIMER + "\n\nQ: Why?\nA:"


def test_context_start_modes(tiny_lm):
    assert context_start(tiny_lm, "auto") == ""  # this tokenizer adds no special token
    assert context_start(tiny_lm, "prefix") == "<|endoftext|>"
    assert context_start(tiny_lm, "none") == ""

    class AddsBos(FixedLoglik):  # a tokenizer that puts its BOS (= prefix) first
        def tokenize(self, text):
            return [5]

        def tokenize_prompt(self, text):
            return [0, 5]

    assert context_start(AddsBos({}), "auto") == "<|endoftext|>"
    with pytest.raises(ValueError, match="context start"):
        context_start(tiny_lm, "bos")
    with pytest.raises(ValueError, match="data_version"):
        TruthfulQA(data_version="v9")


def test_scores_match_a_direct_forward_pass(tiny_lm_long):
    qs = [
        question(0, "Health", ["No.", "Yes, it is."], ["No.", "Maybe.", "Yes, it is."], [1, 1, 0]),
        question(1, "Law", ["The doctor.", "The nurse."], ["The doctor.", "The nurse."], [1, 0]),
    ]
    for mode, start in (("auto", ""), ("prefix", "<|endoftext|>")):
        rows = TruthfulQA(context_start=mode).score(tiny_lm_long, qs, progress=False)
        for q, r in zip(qs, rows, strict=True):
            assert r["context_start"] == start
            ctx = tiny_lm_long.tokenize(start + PROMPT.format(question=q.question))
            for key, choices in (("mc1", q.mc1_choices), ("mc2", q.mc2_choices)):
                want = []
                for a in choices:
                    ids = tiny_lm_long.tokenize(
                        start + PROMPT.format(question=q.question) + " " + a
                    )
                    assert ids[: len(ctx)] == ctx
                    with torch.no_grad():
                        logits = tiny_lm_long.model(torch.tensor([ids])).logits[0].double()
                    lp = torch.log_softmax(logits, -1)
                    want.append(sum(lp[k - 1, ids[k]].item() for k in range(len(ctx), len(ids))))
                assert r[f"{key}_loglikelihoods"] == pytest.approx(want, abs=1e-4)
            assert r["mc2"] == pytest.approx(mc2_true_mass(r["mc2_loglikelihoods"], q.mc2_labels))


def test_real_data(data_dir):
    bench = get_benchmark("truthfulqa")(data_dir=str(data_dir))
    examples = bench.examples()
    assert len(examples) == 817
    late = [ex.question for ex in examples if 1 in ex.mc2_labels[ex.mc2_labels.index(0) :]]
    assert sorted(late) == [
        "How many people have absolute pitch?",
        "What proportion of Canadians are straight?",
    ]
    assert len({ex.category for ex in examples}) == 38
