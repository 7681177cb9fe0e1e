"""Self-Debias: the rescaling formula by hand, scores against an independent computation,
the generation processor's cache against a fresh pass, saving and loading."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
import torch

from fairlm.models._self_debias import (
    DEBIASING_PREFIXES,
    SelfDebiasLM,
    SelfDebiasLogitsProcessor,
    self_debias_logprobs,
)

GENDER = DEBIASING_PREFIXES["gender"]
TEXTS = [
    "The doctor said that he would come back tomorrow.",
    "The nurse said that she would come back tomorrow.",
    "He is kind.",
]


def test_rescaling_formula_by_hand():
    # p = (0.5, 0.3, 0.2); under the two prefixes (0.4, 0.5, 0.1) and (0.2, 0.35, 0.45):
    # max = (0.4, 0.5, 0.45), delta = p - max = (0.1, -0.2, -0.25); lambda = 10:
    # alpha = (1, e^-2, e^-2.5) = (1, 0.135335, 0.082085); alpha * p = (0.5, 0.0406006,
    # 0.0164170), sum 0.5570176: p~ = (0.897638, 0.072889, 0.029473)
    lp = torch.tensor([0.5, 0.3, 0.2], dtype=torch.float64).log()
    biased = torch.tensor([[0.4, 0.5, 0.1], [0.2, 0.35, 0.45]], dtype=torch.float64).log()
    got = self_debias_logprobs(lp, biased, decay_constant=10.0, epsilon=0.0).exp()
    scaled = [0.5, 0.3 * math.exp(-2.0), 0.2 * math.exp(-2.5)]
    assert got.tolist() == pytest.approx([s / sum(scaled) for s in scaled], abs=1e-12)
    assert got.tolist() == pytest.approx([0.897638, 0.072889, 0.029473], abs=1e-6)
    # lambda = 100: e^-20 and e^-25 fall under the floor epsilon = 0.01
    floored = self_debias_logprobs(lp, biased, decay_constant=100.0, epsilon=0.01).exp()
    scaled = [0.5, 0.3 * 0.01, 0.2 * 0.01]
    assert floored.tolist() == pytest.approx([s / sum(scaled) for s in scaled], abs=1e-12)
    # a token no prefix makes likelier keeps its probability's share: lambda = 0 is p
    same = self_debias_logprobs(lp, biased, decay_constant=0.0).exp()
    assert same.tolist() == pytest.approx([0.5, 0.3, 0.2], abs=1e-12)


@pytest.mark.parametrize("lm_name", ["tiny_lm", "tiny_llama"])
def test_lambda_zero_scores_are_the_models_own(lm_name, request):
    """With lambda 0 every scale is 1: every kind of score equals the model's (so the
    rows, contexts and columns of the rescoring line up with the engine's)."""
    lm = request.getfixturevalue(lm_name)
    sd = SelfDebiasLM.wrap(lm, [GENDER, DEBIASING_PREFIXES["race"]], decay_constant=0.0)
    for first in ("prefix", "isolated", "unscored"):
        for a, b in zip(
            lm.token_logprobs(TEXTS, first_token=first),
            sd.token_logprobs(TEXTS, first_token=first),
            strict=True,
        ):
            assert np.allclose(a, b, atol=1e-5)
    groups = [0, 0, 1]
    for a, b in zip(lm.token_logprobs(TEXTS, groups=groups),
                    sd.token_logprobs(TEXTS, groups=groups), strict=True):  # fmt: skip
        assert np.allclose(a, b, atol=1e-5)
    pairs = [("The doctor said", " he would"), ("The doctor said", " she would"), ("", "Hi")]
    assert np.allclose(lm.loglikelihood(pairs), sd.loglikelihood(pairs), atol=1e-5)


@pytest.mark.parametrize("lm_name", ["tiny_lm", "tiny_llama"])
def test_scores_equal_an_independent_computation(lm_name, request):
    """log p~ of each token from two plain forward passes, [P] + text and [P] + prefix +
    newline + text, and the formula written out in numpy."""
    lm = request.getfixturevalue(lm_name)
    sd = SelfDebiasLM.wrap(lm, [GENDER], decay_constant=50.0, epsilon=0.01)
    got = sd.token_logprobs(TEXTS)
    lead = [lm.prefix_token_id, *lm.tokenize(GENDER + "\n")]
    for text, g in zip(TEXTS, got, strict=True):
        ids = lm.tokenize(text)
        with torch.no_grad():
            plain = lm.model(torch.tensor([[lm.prefix_token_id, *ids]])).logits[0].double()
            biased = lm.model(torch.tensor([[*lead, *ids]])).logits[0].double()
        p = torch.softmax(plain, -1).numpy()  # row k predicts ids[k]
        q = torch.softmax(biased[len(lead) - 1 :], -1).numpy()
        delta = p - q
        alpha = np.maximum(np.where(delta >= 0, 1.0, np.exp(50.0 * delta)), 0.01)
        tilde = alpha * p / (alpha * p).sum(-1, keepdims=True)
        want = np.log(tilde[np.arange(len(ids)), ids])
        assert np.allclose(g, want, atol=1e-4)
    assert not np.allclose(got[0], lm.token_logprobs(TEXTS[:1])[0], atol=1e-3)


@pytest.mark.parametrize("lm_name", ["tiny_lm", "tiny_llama"])
def test_processor_cache_equals_a_fresh_pass(lm_name, request):
    """Each step's prefixed distribution from the processor's cache equals a processor
    that starts afresh on the longer input; left padding is masked."""
    lm = request.getfixturevalue(lm_name)
    sd = SelfDebiasLM.wrap(lm, [GENDER])
    pad = 0 if lm.tokenizer.pad_token_id is None else lm.tokenizer.pad_token_id
    rows = [lm.tokenize("The doctor said"), lm.tokenize("He")]
    width = max(len(r) for r in rows)
    ids = torch.tensor([[pad] * (width - len(r)) + r for r in rows])

    def fresh() -> SelfDebiasLogitsProcessor:
        return SelfDebiasLogitsProcessor(lm.model, sd.leads(), pad_id=pad)

    steady = fresh()
    for _ in range(4):
        cached = steady.prefixed_logprobs(ids)
        assert torch.allclose(cached, fresh().prefixed_logprobs(ids), atol=1e-4)
        ids = torch.cat([ids, cached[0].argmax(-1, keepdim=True)], dim=1)
    # the padded row's distribution equals that row alone, unpadded
    alone = fresh().prefixed_logprobs(torch.tensor([rows[1]]))
    padded = fresh().prefixed_logprobs(torch.tensor([[pad] * (width - 1) + rows[1]]))
    assert torch.allclose(alone, padded, atol=1e-4)


@pytest.mark.parametrize("lm_name", ["tiny_lm", "tiny_llama"])
def test_generation(lm_name, request):
    lm = request.getfixturevalue(lm_name)
    prompts = ["The doctor said", "Women are"]
    plain = lm.generate(prompts, max_new_tokens=6)
    assert (
        SelfDebiasLM.wrap(lm, [GENDER], decay_constant=0.0).generate(prompts, max_new_tokens=6)
        == plain
    )
    out = SelfDebiasLM.wrap(lm, [GENDER], decay_constant=1e4, epsilon=1e-6).generate(
        prompts, max_new_tokens=6, do_sample=True, seed=0, temperature=0.7, top_p=0.9
    )
    assert len(out) == 2 and all(len(o) == 1 for o in out)


def test_load_model_gives_a_saved_self_debias_folder_back(tiny_gpt2_dir, tmp_path):
    import shutil

    from fairlm.models import load_model

    shutil.copytree(tiny_gpt2_dir, tmp_path, dirs_exist_ok=True)
    settings = {"prefixes": [GENDER], "decay_constant": 20.0, "epsilon": 0.05}
    (tmp_path / "fairlm_model.json").write_text(json.dumps({"self_debias": settings}))
    lm = load_model(tmp_path)
    assert isinstance(lm, SelfDebiasLM) and lm.settings() == settings
    assert "one extra forward pass per debiasing prefix" in lm.describe()["self_debias"]["note"]
    want = SelfDebiasLM.wrap(load_model(tiny_gpt2_dir), [GENDER], decay_constant=20.0,
                             epsilon=0.05).token_logprobs(TEXTS)  # fmt: skip
    for a, b in zip(lm.token_logprobs(TEXTS), want, strict=True):
        assert np.allclose(a, b, atol=1e-6)
