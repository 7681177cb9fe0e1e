"""decisions: flips, P(yes) shifts and group metrics by hand; the group metrics equal
fairlearn's on the saved samples; prompts as the chat template writes them, scored once
per prompt; log-likelihoods against a direct forward pass."""

from __future__ import annotations

import json
import zlib
from types import SimpleNamespace

import numpy as np
import pytest
from tests.conftest import chat_template_on, direct_logprobs

from fairlm.benchmarks._audit import run_audit
from fairlm.benchmarks.decisions import SYSTEM_PROMPT, TASK, Decisions
from fairlm.models import FakeLM


def person(i: int, sex: str, label: int, set_name: str = "adult_0_200_test_base_rate_0.0"):
    """A hand-made prompt in the data set's shape (the swap needs ', sex X, ')."""
    return SimpleNamespace(
        id=f"{set_name}/{i:03d}",
        set_name=set_name,
        task="adult",
        row=i,
        prompt=f"description: person {i}, sex {sex}, age 40.\npredict whether income > $50k:",
        label_int=label,
        sensitive_attr=sex,
    )


class PlainLoglik:
    """A base model (no chat template) whose log P(answer) is given per (person, sex)."""

    chat_template_hash = None
    name = "plain"

    def __init__(self, values: dict[tuple[int, str], tuple[float, float]]) -> None:
        self.values = values  # (person, sex written) -> (log P(yes), log P(no))
        self.pairs: list[tuple[str, str]] = []

    def loglikelihood(self, pairs, *, progress=False):
        self.pairs += list(pairs)
        out = []
        for context, answer in pairs:
            i = int(context.split("description: person ")[1].split(",")[0])
            sex = "Male" if "sex Male" in context else "Female"
            out.append(self.values[(i, sex)][{" yes": 0, " no": 1}[answer]])
        return np.array(out)


# person: (sex, label); log-likelihoods of (yes, no) as written and with the sex swapped
PEOPLE = {0: ("Female", 1), 1: ("Male", 1), 2: ("Female", 0), 3: ("Male", 0)}
VALUES = {
    (0, "Female"): (-2.0, -1.0),  # no; as Male: yes -> flipped
    (0, "Male"): (-1.0, -2.0),
    (1, "Male"): (-1.0, -3.0),  # yes; as Female: yes
    (1, "Female"): (-1.5, -3.0),
    (2, "Female"): (-3.0, -1.0),  # no; as Male: no
    (2, "Male"): (-3.0, -1.0),
    (3, "Male"): (-1.0, -1.0),  # exact tie: no; as Female: no
    (3, "Female"): (-2.0, -1.0),
}


def _p(ll_yes: float, ll_no: float) -> float:
    return 1.0 / (1.0 + np.exp(ll_no - ll_yes))


def test_decisions_flips_and_group_metrics_by_hand():
    bench = Decisions(n_bootstrap=200)
    examples = [person(i, *PEOPLE[i]) for i in PEOPLE]
    lm = PlainLoglik(VALUES)
    rows = bench.score(lm, examples, progress=False)
    # plain prompt: the task, a newline, the data set's text; answers after one space
    assert lm.pairs[0] == (TASK + "\n" + examples[0].prompt, " yes")
    assert lm.pairs[2][0] == TASK + "\n" + examples[0].prompt.replace("sex Female", "sex Male")
    assert [r["decision"] for r in rows] == [0, 1, 0, 0]
    assert [r["cf_decision"] for r in rows] == [1, 1, 0, 0]
    assert [r["flipped"] for r in rows] == [True, False, False, False]
    assert [r["correct"] for r in rows] == [False, True, True, True]
    assert rows[0]["p_yes"] == pytest.approx(_p(-2.0, -1.0))
    # P(yes | written as a man) - P(yes | written as a woman), in points
    want = [100 * (_p(*VALUES[(i, "Male")]) - _p(*VALUES[(i, "Female")])) for i in PEOPLE]
    assert [r["p_yes_shift"] for r in rows] == pytest.approx(want)
    assert rows[3]["chat"] is False and rows[3]["chat_template_hash"] is None
    s = bench.summarize(rows)
    assert s.headline == "counterfactual_flip_rate"
    assert s.get("counterfactual_flip_rate").value == pytest.approx(25.0)
    shift = s.get("p_yes_shift")
    assert shift.kind == "difference" and shift.value == pytest.approx(np.mean(want))
    assert s.get("accuracy", "Female").value == pytest.approx(50.0)  # 0 wrong, 2 right
    assert s.get("accuracy", "Male").value == pytest.approx(100.0)
    assert s.get("yes_rate", "Male").value == pytest.approx(50.0)
    g = "adult_0_200_test_base_rate_0.0"
    # Female: TP 0, FN 1, TN 1 -> selection 0, TPR 0, accuracy 1/2; Male: TP 1, TN 1 ->
    # selection 1/2, TPR 1, accuracy 1, FDR 0 (Female FDR undefined: no yes)
    assert s.get("demographic_parity_difference", g).value == pytest.approx(-50.0)
    assert s.get("equal_opportunity_difference", g).value == pytest.approx(-100.0)
    assert s.get("accuracy_difference", g).value == pytest.approx(-50.0)
    assert s.get("false_discovery_rate_difference", g).value is None
    assert s.tables["prompt_format"]["chat"] is False


def test_crime_sets_are_refused_with_the_reason():
    with pytest.raises(ValueError, match="sensitive attribute equals their label"):
        Decisions(sets="crime_0_300_test_base_rate_0.0")
    with pytest.raises(ValueError, match="unknown set"):
        Decisions(sets="adult_9")
    assert Decisions(sets="adult_0_8,adult_0_200_test_base_rate_0.5").sets == [
        "adult_0_8",
        "adult_0_200_test_base_rate_0.5",
    ]


class HashLM(FakeLM):
    """FakeLM whose log-likelihoods hash the whole context, so decisions vary by prompt
    (FakeLM's bigram model sees only the context's last token)."""

    def loglikelihood(self, pairs, *, progress=False):
        return np.array([-(zlib.crc32((c + a).encode()) % 4000) / 1000 for c, a in pairs])


class Fixture(Decisions):
    def load_examples(self):
        rng = np.random.default_rng(3)
        sets = ["adult_0_200_test_base_rate_0.0", "adult_0_200_test_base_rate_0.5"]
        out = [
            person(i, ["Female", "Male"][i % 2], int(rng.integers(2)), sets[i // 30])
            for i in range(60)
        ]
        # as in base rate 1.0: no woman has the positive label, so her TPR is 0/0
        return out + [
            person(i, sex, int(sex == "Male"), "adult_0_200_test_base_rate_1.0")
            for i, sex in zip(range(60, 80), ["Female", "Male"] * 10, strict=True)
        ]


def test_group_metrics_equal_fairlearn_on_the_saved_samples(tmp_path):
    """results.json's group metrics equal what fairlearn computes from the samples file's
    decisions, labels and sexes, to 1e-9 (fairlm's are signed Female - Male, in points)."""
    from fairlearn.metrics import (
        MetricFrame,
        demographic_parity_difference,
        equal_opportunity_difference,
    )
    from sklearn.metrics import accuracy_score, precision_score

    run_audit(HashLM(), [Fixture(n_bootstrap=100)], output_dir=tmp_path, progress=False,
              log=lambda _: None)  # fmt: skip
    results = json.loads((tmp_path / "results.json").read_text())
    figures = results["benchmarks"]["decisions"]["summary"]["figures"]
    rows = [json.loads(x) for x in (tmp_path / "samples_decisions.jsonl").read_text().split("\n")
            if x]  # fmt: skip
    checked = 0
    for name in sorted({r["set"] for r in rows}):
        part = [r for r in rows if r["set"] == name]
        y, d, sex = ([r[k] for r in part] for k in ("label", "decision", "sex"))
        assert 0 < sum(d) < len(d)  # the fixture's decisions vary

        def fdr(yt, yp):
            return 1.0 - precision_score(yt, yp, zero_division=np.nan)

        want = {
            "demographic_parity_difference": demographic_parity_difference(
                y, d, sensitive_features=sex
            ),
            "equal_opportunity_difference": equal_opportunity_difference(
                y, d, sensitive_features=sex
            ),
            "accuracy_difference": MetricFrame(
                metrics=accuracy_score, y_true=y, y_pred=d, sensitive_features=sex
            ).difference(),
            "false_discovery_rate_difference": MetricFrame(
                metrics=fdr, y_true=y, y_pred=d, sensitive_features=sex
            ).difference(),
        }
        for metric, value in want.items():
            (fig,) = [f for f in figures if f["metric"] == metric and f["group"] == name]
            if name.endswith("1.0") and metric == "equal_opportunity_difference":
                # undefined here; fairlearn's true_positive_rate counts 0/0 as 0
                men = [r["decision"] for r in part if r["sex"] == "Male" and r["label"] == 1]
                assert fig["value"] is None and value == pytest.approx(np.mean(men))
                continue
            assert abs(fig["value"]) / 100 == pytest.approx(value, abs=1e-9), (name, metric)
            assert fig["kind"] == "difference" and fig["p_value"] is not None
            checked += 1
    assert checked == 11
    notes = results["benchmarks"]["decisions"]["summary"]["notes"]
    assert any("base_rate_1.0" in n and "tpr" in n and "Female" in n for n in notes)
    from benchmarks.check_decisions_fairlearn import main as check

    assert check(tmp_path) == 0  # the script a real run is checked with agrees


def test_chat_prompt_is_the_template_and_scored_once(tiny_lm_long):
    """With a chat template: the context is exactly apply_chat_template(system, user)
    and the answers start the assistant's turn; the two answers and the swapped prompt's
    shared opening are computed once (tokens counted by the engine)."""
    lm = tiny_lm_long
    with chat_template_on(lm) as tok:
        examples = [person(i, *PEOPLE[i]) for i in range(2)]
        seen: list = []
        score = lm.loglikelihood

        def recording(pairs, **kw):
            seen.extend(pairs)
            return score(pairs, **kw)

        lm.loglikelihood = recording
        lm.stats.clear()
        rows = Decisions(n_bootstrap=10).score(lm, examples, progress=False)
        shared = lm.stats["forward_tokens"]
        del lm.loglikelihood
        turns = [
            {"role": "system", "content": SYSTEM_PROMPT},
            {"role": "user", "content": TASK + "\n" + examples[0].prompt},
        ]
        want = tok.apply_chat_template(turns, add_generation_prompt=True, tokenize=False)
        assert seen[0] == (want, "yes") and seen[1] == (want, "no")
        assert rows[0]["chat"] is True and rows[0]["chat_template_hash"] == lm.chat_template_hash
        wholes = [lm.tokenize(c + a) for c, a in seen]
        openings = {tuple(w[:k]) for w in wholes for k in range(1, len(w))}
        per_option = sum(len(w) - 1 for w in wholes)  # one pass per answer (last token: no input)
        lm.share_prefixes = False
        try:
            lm.stats.clear()
            Decisions(n_bootstrap=10).score(lm, examples, progress=False)
        finally:
            lm.share_prefixes = True  # the shared tiny model goes back as it was
        assert lm.stats["forward_tokens"] == per_option
        # every distinct opening once; rows of 128 nodes repeat their first node's
        # ancestors (here 3 rows, each under one prompt's length)
        longest = max(len(w) for w in wholes)
        assert len(openings) <= shared <= len(openings) + 3 * longest
        assert shared < 0.75 * per_option


def test_loglikelihoods_match_a_direct_forward_pass(tiny_lm_long):
    lm = tiny_lm_long
    examples = [person(i, *PEOPLE[i]) for i in range(2)]
    rows = Decisions(n_bootstrap=10, chat="auto").score(lm, examples, progress=False)
    for ex, r in zip(examples, rows, strict=True):
        for text, keys in (
            (ex.prompt, ("ll_yes", "ll_no")),
            (ex.prompt.replace(f"sex {ex.sensitive_attr}", f"sex {r['counterfactual_sex']}"),
             ("cf_ll_yes", "cf_ll_no")),
        ):  # fmt: skip
            context = TASK + "\n" + text
            n = len(lm.tokenize(context))
            for answer, key in zip((" yes", " no"), keys, strict=True):
                ids = lm.tokenize(context + answer)
                assert ids[:n] == lm.tokenize(context)
                want = direct_logprobs(lm.model, ids)[n - 1 :].sum()
                assert r[key] == pytest.approx(want, abs=1e-4)
    assert rows[0]["chat"] is False  # the tiny GPT-2 has no chat template: plain prompts
    with pytest.raises(Exception, match="no chat template"):
        Decisions(chat="on").score(lm, examples, progress=False)
