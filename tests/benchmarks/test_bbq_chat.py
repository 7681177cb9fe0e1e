"""bbq_chat: orders, the letter preference cancelled and measured, unknown rates and
parse failures by hand; the chat template as apply_chat_template writes it, each
question's prompt computed once; letter log-likelihoods against a direct forward pass."""

from __future__ import annotations

import math
from types import SimpleNamespace

import numpy as np
import pytest
from tests.conftest import chat_template_on, direct_logprobs

from fairlm.benchmarks.bbq_chat import BBQChat, parse_letter, question

ANSWERS = ("Alice", "Bob", "Unknown")


def example(i, cond="ambig", pol="neg", target=0, label=2, cat="Age"):
    return SimpleNamespace(
        id=f"{cat}-{i}",
        category=cat,
        context_condition=cond,
        question_polarity=pol,
        context=f"Context {i}.",
        question="Who?",
        answers=ANSWERS,
        label=label,
        target_index=target,
        unknown_index=2,
    )


class LetterLM:
    """A chat model whose log-likelihood of a letter is a bias for the letter plus a
    preference for the answer printed next to it, per example."""

    chat_template_hash = "t0"
    name = "letters"

    def __init__(self, letter_bias, content):
        self.letter_bias = letter_bias  # {"A": 5.0, ...}
        self.content = content  # example context -> log-weight per answer index
        self.pairs = []

    def chat_prompt(self, user, *, system=None):
        return f"<user>{user}</user><assistant>"

    def loglikelihood(self, pairs, *, progress=False):
        self.pairs += list(pairs)
        out = []
        for context, letter in pairs:
            shown = context.split(f"\n{letter}. ")[1].split("\n")[0]
            ctx = context.split("<user>")[1].split("\n")[0]
            out.append(self.letter_bias[letter] + self.content[ctx][ANSWERS.index(shown)])
        return np.array(out)


def test_cyclic_orders_cancel_a_letter_preference():
    ex = example(0)
    lm = LetterLM({"A": 5.0, "B": 0.0, "C": 0.0}, {"Context 0.": [0.0, 1.0, 0.0]})
    (row,) = BBQChat(n_bootstrap=50).score(lm, [ex], progress=False)
    # three orders x three letters, each order's letters after one shared prompt
    assert len(lm.pairs) == 9 and len({c for c, _ in lm.pairs}) == 3
    assert lm.pairs[0] == (lm.chat_prompt(question(ex, 0)), "A")  # no leading space
    assert question(ex, 1).split("\n")[2:5] == ["A. Bob", "B. Unknown", "C. Alice"]
    # the likeliest letter is always A: it shows Alice, Bob, Unknown in orders 0, 1, 2
    assert row["picked_positions"] == [0, 0, 0] and row["picked_answers"] == [0, 1, 2]
    assert row["consistent"] is False
    # independent: mean over orders of softmax over letters, for the letter of each answer
    mean_p = np.zeros(3)
    for k in range(3):
        ll = [lm.letter_bias[x] + [0.0, 1.0, 0.0][(i + k) % 3] for i, x in enumerate("ABC")]
        p = np.exp(ll) / np.exp(ll).sum()
        for i in range(3):
            mean_p[(i + k) % 3] += p[i] / 3
    assert row["scores"] == pytest.approx(np.log(mean_p).tolist())
    assert row["pred"] == 1  # Bob: the content preference survives, the letter's cancels
    assert row["biased"] is False and row["correct"] is False  # names the non-target


def test_figures_by_hand():
    # ambiguous, target Alice (0), negative questions: the right answer is Unknown (2)
    examples = [example(i) for i in range(4)] + [example(4, "disambig", label=0)]
    content = {
        "Context 0.": [3.0, 0.0, 0.0],  # Alice: biased
        "Context 1.": [0.0, 0.0, 3.0],  # Unknown: right
        "Context 2.": [0.0, 0.0, 3.0],  # Unknown: right
        "Context 3.": [0.0, 3.0, 0.0],  # Bob: counter-biased
        "Context 4.": [0.0, 0.0, 3.0],  # disambiguated: Unknown is wrong
    }
    bench = BBQChat(n_bootstrap=50)
    lm = LetterLM({"A": 0.0, "B": 0.0, "C": 0.1}, content)
    rows = bench.score(lm, examples, progress=False)
    assert [r["pred"] for r in rows] == [0, 2, 2, 1, 2]
    assert all(r["consistent"] for r in rows)
    s = bench.summarize(rows)
    # s_AMB = (1 - 2/4) x 100 x (2 x 1/2 - 1) = 0
    assert s.get("bias_score_ambig").value == pytest.approx(0.0)
    assert s.get("unknown_rate_ambig").value == pytest.approx(50.0)
    assert s.get("unknown_rate_disambig").value == pytest.approx(100.0)
    assert s.get("accuracy_ambig").value == pytest.approx(50.0)
    assert s.get("order_consistency").value == pytest.approx(100.0)
    # each example's likeliest letter shows the preferred answer in each order: Alice
    # is at A, C, B in orders 0, 1, 2, so every letter is picked once per example
    for x in "ABC":
        assert s.get("position_pick_rate", x).value == pytest.approx(100 / 3)
    assert s.tables["prompt_format"] == {
        "chat": True,
        "chat_template_hashes": ["t0"],
        "system_prompts": {"all questions": None},
    }


@pytest.mark.parametrize(
    "reply, letter",
    [
        ("B", "B"),
        (" C.", "C"),
        ("(A) Alice", "A"),
        ("The answer is B", "B"),
        ("Answer: C", "C"),
        ("A person who...", None),  # an article, not an option
        ("a", None),
        ("Bob", None),
        ("", None),
        ("D", None),
    ],
)
def test_parse_letter(reply, letter):
    assert parse_letter(reply) == letter


class Replies:
    """A chat model that generates given replies, in order."""

    chat_template_hash = "t1"
    name = "replies"

    def __init__(self, replies):
        self.replies = replies
        self.calls = []

    def generate(self, prompts, **kw):
        self.calls.append(kw)
        assert len(prompts) == len(self.replies)
        return [[r] for r in self.replies]


def test_generation_mode_votes_and_counts_parse_failures():
    examples = [example(0), example(1), example(2, "disambig", label=1)]
    # order k shows answer (i + k) % 3 at letter i
    replies = ["A", "C", "B"]  # ex 0: Alice, Alice, Alice
    replies += ["B", "hmm", "A"]  # ex 1: Bob, -, Unknown -> tie: the earliest (Bob)
    replies += ["?", "no idea", ""]  # ex 2: nothing readable
    bench = BBQChat(n_bootstrap=50, mode="generate")
    lm = Replies(replies)
    rows = bench.score(lm, examples, progress=False)
    assert lm.calls[0]["chat"] is True and lm.calls[0]["keys"][:2] == ["Age-0/0", "Age-0/1"]
    assert [r["pred"] for r in rows] == [0, 1, None]
    assert [r["parse_failures"] for r in rows] == [0, 1, 3]
    assert rows[0]["consistent"] and not rows[1]["consistent"]
    s = bench.summarize(rows)
    assert s.get("parse_failure_rate").value == pytest.approx(100 * 4 / 9)
    assert s.get("accuracy").value == pytest.approx(0.0)  # unanswered counts as wrong
    assert s.get("bias_score_ambig").n == 2  # the unanswered example is left out
    assert any("no readable letter" in n for n in s.notes)
    assert math.isnan(bench.verdict_margins(rows)[0])


def test_chat_template_letters_scored_once_and_against_a_forward_pass(tiny_lm_long):
    lm = tiny_lm_long
    with chat_template_on(lm) as tok:
        ex = example(0)
        lm.stats.clear()
        (row,) = BBQChat(n_bootstrap=10).score(lm, [ex], progress=False)
        shared = lm.stats["forward_tokens"]
        wholes = []
        for k in range(3):
            turns = [{"role": "user", "content": question(ex, k)}]
            context = tok.apply_chat_template(turns, add_generation_prompt=True, tokenize=False)
            n = len(lm.tokenize(context))
            for i, letter in enumerate("ABC"):
                ids = lm.tokenize(context + letter)
                assert ids[:n] == lm.tokenize(context)
                want = direct_logprobs(lm.model, ids)[n - 1 :].sum()
                assert row["letter_loglikelihoods"][k][i] == pytest.approx(want, abs=1e-4)
                wholes.append(ids)
        openings = {tuple(w[:k]) for w in wholes for k in range(1, len(w))}
        per_option = sum(len(w) - 1 for w in wholes)
        longest = max(len(w) for w in wholes)
        assert len(openings) <= shared <= len(openings) + 2 * longest
        assert shared < per_option / 2  # the 9 letters cost little more than 3 prompts
