"""`LanguageModel.generate(min_new_tokens=...)`: a model that prefers end-of-text at once
still continues the prompt.

The tiny GPT-2 gets +100 on the end-of-text logit (a hook on its output layer, standing
in for a model trained on short fragments that each end in end-of-text). The expected
continuation is computed by hand: a greedy loop over the unbiased model with
end-of-text masked, for exactly ``min_new_tokens`` steps, after which end-of-text wins.
"""

from __future__ import annotations

import pytest

torch = pytest.importorskip("torch")

from fairlm.errors import ScoringError  # noqa: E402

PROMPT = "The doctor said that"


@pytest.fixture
def eos_loving_lm(tiny_gpt2_dir):
    from fairlm.models import load_model

    lm = load_model(tiny_gpt2_dir, batch_size=4)
    eos = lm.tokenizer.eos_token_id
    bias = torch.zeros(lm.model.config.vocab_size)
    bias[eos] = 100.0
    handle = lm.model.lm_head.register_forward_hook(lambda _m, _i, out: out + bias)
    yield lm
    handle.remove()


def _greedy_without_eos(lm, prompt: str, steps: int) -> list[int]:
    """Greedy ids with end-of-text forbidden (the hand calculation)."""
    ids = lm.tokenizer(prompt, return_tensors="pt")["input_ids"]  # (1, T)
    eos = lm.tokenizer.eos_token_id
    out: list[int] = []
    with torch.no_grad():
        for _ in range(steps):
            logits = lm.model(ids).logits[0, -1]  # (V,); only EOS carries the hook's +100
            logits[eos] = -float("inf")
            nxt = int(logits.argmax())
            out.append(nxt)
            ids = torch.cat([ids, torch.tensor([[nxt]])], dim=1)
    return out


def test_eos_loving_model_gives_empty_sample_by_default(eos_loving_lm) -> None:
    assert eos_loving_lm.generate([PROMPT], max_new_tokens=8) == [[""]]


def test_min_new_tokens_gives_exactly_that_many_tokens(eos_loving_lm) -> None:
    lm = eos_loving_lm
    expected_ids = _greedy_without_eos(lm, PROMPT, 5)
    assert lm.tokenizer.eos_token_id not in expected_ids
    expected = lm.tokenizer.decode(expected_ids, skip_special_tokens=True)
    assert expected  # the test means something only if the text is not empty
    got = lm.generate([PROMPT, PROMPT], max_new_tokens=8, min_new_tokens=5)
    assert got == [[expected], [expected]]


def test_min_new_tokens_equal_to_max_fills_the_budget(eos_loving_lm) -> None:
    lm = eos_loving_lm
    expected = lm.tokenizer.decode(_greedy_without_eos(lm, PROMPT, 3), skip_special_tokens=True)
    assert lm.generate([PROMPT], max_new_tokens=3, min_new_tokens=3) == [[expected]]


def test_min_new_tokens_is_checked(tiny_lm) -> None:
    with pytest.raises(ScoringError, match="min_new_tokens=9 must be between 0 and"):
        tiny_lm.generate([PROMPT], max_new_tokens=4, min_new_tokens=9)
