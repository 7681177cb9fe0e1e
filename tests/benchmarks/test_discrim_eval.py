"""discrim_eval: the loader on a hand-made file in the published schema; P(yes), logits
and discrimination scores by hand; no data, no run (and not in 'all'); the chat prompt
with the paper's answer opening, scored once, against a direct forward pass."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from tests.conftest import chat_template_on, direct_logprobs

from fairlm.benchmarks import AuditConfig
from fairlm.benchmarks.discrim_eval import OPENING, PLAIN, QUESTION, DiscrimEval
from fairlm.data import read_discrim_eval
from fairlm.errors import DataError, FairlmError

FIXTURE = Path(__file__).parent / "fixtures" / "discrim_eval.jsonl"


def test_loader_reads_the_published_schema():
    prompts = read_discrim_eval(FIXTURE)
    assert len(prompts) == 36  # 2 questions x 3 ages x 3 genders x 2 races
    p = prompts[0]
    assert (p.decision_question_id, p.age, p.gender, p.race, p.fill_type) == (
        0, 20.0, "male", "white", "explicit",
    )  # fmt: skip
    assert p.id == "explicit/0/male/white/20" and p.line == 1
    assert p.filled_template.startswith("The applicant is a 20-year-old white man")
    assert len({x.id for x in prompts}) == 36


@pytest.mark.parametrize(
    "change, message",
    [
        ({"age": "old"}, "age must be a number"),
        ({"decision_question_id": "q1"}, "decision_question_id must be an integer"),
        ({"race": None}, "'race' must be a string"),
        ({"filled_template": " "}, "filled_template is empty"),
    ],
)
def test_loader_names_the_line_of_a_bad_record(tmp_path, change, message):
    rows = [json.loads(x) for x in FIXTURE.read_text().splitlines()[:3]]
    rows[1].update(change)
    path = tmp_path / "bad.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in rows))
    with pytest.raises(DataError, match=f"bad.jsonl:2: .*{message}"):
        read_discrim_eval(path)


def test_loader_refuses_missing_fields_duplicates_and_missing_files(tmp_path):
    rows = [json.loads(x) for x in FIXTURE.read_text().splitlines()[:2]]
    path = tmp_path / "x.jsonl"
    path.write_text(json.dumps({k: v for k, v in rows[0].items() if k != "fill_type"}))
    with pytest.raises(DataError, match="missing fill_type"):
        read_discrim_eval(path)
    path.write_text(json.dumps(rows[0]) + "\n" + json.dumps(rows[0]))
    with pytest.raises(DataError, match="x.jsonl:2: the same question and person as line 1"):
        read_discrim_eval(path)
    with pytest.raises(DataError, match="Anthropic/discrim-eval"):
        read_discrim_eval(tmp_path / "none.jsonl")


def test_no_path_no_run_and_not_in_all(tiny_gpt2_dir, capsys):
    with pytest.raises(FairlmError, match="does not ship.*discrim_eval.path=FILE"):
        DiscrimEval().examples()
    assert "discrim_eval" not in AuditConfig(benchmarks="all").names()
    config = AuditConfig(benchmarks="discrim_eval", benchmark_args=[f"discrim_eval.path={FIXTURE}"])
    assert config.benchmark_args == {"discrim_eval": {"path": str(FIXTURE)}}
    from fairlm.cli import main

    code = main(["audit", "--model", str(tiny_gpt2_dir), "--benchmarks", "discrim_eval"])
    err = capsys.readouterr().err
    assert code != 0 and "discrim_eval.path=FILE" in err and "loading" not in err


# an additive truth: logit(P(yes)) = question + gender + race + age effects
EFFECTS = {
    "q": {0: 0.0, 3: 1.0},
    "gender": {"male": 0.0, "female": -0.5, "non-binary": 0.0},
    "race": {"white": 0.0, "Black": 0.3},
    "age": {20.0: 0.2, 60.0: 0.0, 90.0: -1.0},
}


class Additive:
    """A chat model whose log-odds of yes follow EFFECTS: log p(yes) = log p(Yes) =
    logit - 10 and log p(no) = log p(No) = -10."""

    chat_template_hash = "t5"
    name = "additive"

    def __init__(self, prompts):
        self.by_text = {p.filled_template: p for p in prompts}
        self.pairs = []

    def chat_prompt(self, user, *, system=None):
        return f"<u>{user}</u>"

    def loglikelihood(self, pairs, *, progress=False):
        self.pairs += list(pairs)
        out = []
        for context, answer in pairs:
            user = context.removeprefix("<u>").removeprefix("Human: ")
            p = self.by_text[user.split("\n\n")[0]]
            logit = (EFFECTS["q"][p.decision_question_id] + EFFECTS["gender"][p.gender]
                     + EFFECTS["race"][p.race] + EFFECTS["age"][p.age])  # fmt: skip
            out.append(logit - 10.0 if answer.lower() == "yes" else -10.0)
        return np.array(out)


def test_discrimination_scores_by_hand():
    bench = DiscrimEval(path=str(FIXTURE), n_bootstrap=100)
    prompts = bench.examples()
    lm = Additive(prompts)
    rows = bench.score(lm, prompts, progress=False)
    user = QUESTION.format(filled_template=prompts[0].filled_template)
    assert lm.pairs[:4] == [(lm.chat_prompt(user) + OPENING, a) for a in ("yes", "Yes", "no", "No")]
    # 20-year-old white man, question 0: logit 0.2; P(yes) = 2e^(0.2-10) / (2e^(0.2-10) + 2e^-10)
    assert rows[0]["logit_yes"] == pytest.approx(0.2)
    assert rows[0]["p_yes"] == pytest.approx(1 / (1 + np.exp(-0.2)))
    assert rows[0]["answer_mass"] == pytest.approx(2 * np.exp(-9.8) + 2 * np.exp(-10))
    s = bench.summarize(rows)
    # each effect is recovered exactly: the other attributes are balanced in each question
    for group, want in [
        ("gender: female", -0.5),
        ("gender: non-binary", 0.0),
        ("race: black", 0.3),
        ("age: under 60", 0.2),
        ("age: over 60", -1.0),
    ]:
        f = s.get("discrimination_score", group)
        assert f.kind == "difference" and f.value == pytest.approx(want, abs=1e-12), group
        assert f.n == 2  # one difference per decision question
    head = s.get("largest_discrimination_score")
    assert head.value == pytest.approx(-1.0) and "age: over 60" in head.note
    female = [r["p_yes"] for r in rows if r["gender"] == "female"]
    assert s.get("p_yes_by_gender", "female").value == pytest.approx(100 * np.mean(female))


def test_plain_prompt_for_a_model_without_a_template():
    bench = DiscrimEval(path=str(FIXTURE), n_bootstrap=10)
    prompts = bench.examples()[:1]
    lm = Additive(prompts)
    lm.chat_template_hash = None
    lm.chat_prompt = None
    bench.score(lm, prompts, progress=False)
    user = QUESTION.format(filled_template=prompts[0].filled_template)
    assert lm.pairs[0] == (PLAIN.format(user=user, opening=OPENING), "yes")
    assert lm.pairs[0][0].startswith("Human: The applicant") and lm.pairs[0][0].endswith('be "')


def test_chat_prompt_scored_once_and_against_a_forward_pass(tiny_lm_long, tmp_path):
    short = tmp_path / "short.jsonl"
    short.write_text(json.dumps({"filled_template": "Hire the 30-year-old man?",
                                 "decision_question_id": 1, "age": 30, "gender": "male",
                                 "race": "white", "fill_type": "explicit"}))  # fmt: skip
    lm = tiny_lm_long
    with chat_template_on(lm) as tok:
        bench = DiscrimEval(path=str(short), n_bootstrap=10)
        lm.stats.clear()
        (row,) = bench.score(lm, bench.examples(), progress=False)
        shared = lm.stats["forward_tokens"]
        user = QUESTION.format(filled_template="Hire the 30-year-old man?")
        turns = [{"role": "user", "content": user}]
        context = tok.apply_chat_template(turns, add_generation_prompt=True, tokenize=False)
        context += OPENING
        n = len(lm.tokenize(context))
        wholes = []
        for answer in ("yes", "Yes", "no", "No"):
            ids = lm.tokenize(context + answer)
            assert ids[:n] == lm.tokenize(context)
            want = direct_logprobs(lm.model, ids)[n - 1 :].sum()
            assert row["loglikelihoods"][answer] == pytest.approx(want, abs=1e-4)
            wholes.append(ids)
        openings = {tuple(w[:k]) for w in wholes for k in range(1, len(w))}
        assert len(openings) <= shared <= len(openings) + max(len(w) for w in wholes)
        assert shared < 0.5 * sum(len(w) - 1 for w in wholes)  # 4 answers, 1 prompt
