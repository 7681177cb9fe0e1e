"""The model protocol (ScoringLM) and its deterministic fake, FakeLM."""

from __future__ import annotations

import inspect
import subprocess
import sys

import numpy as np
import pytest

from fairlm.errors import ScoringError
from fairlm.models import FakeLM, ScoringLM
from fairlm.models._protocols import PROTOCOLS

METHODS = [
    name
    for name, member in vars(ScoringLM).items()
    if inspect.isfunction(member) and not name.startswith("_")
]


def test_the_protocol_lists_what_benchmarks_use() -> None:
    assert set(METHODS) == {
        "describe",
        "tokenize",
        "token_logprobs",
        "sentence_scores",
        "loglikelihood",
        "embed",
        "generate",
        "chat_prompt",
    }
    assert isinstance(vars(ScoringLM)["max_length"], property)
    assert isinstance(vars(ScoringLM)["chat_template_hash"], property)


@pytest.mark.parametrize("method", METHODS)
def test_backends_match_the_protocol_signatures(method: str, tiny_lm) -> None:
    """Every parameter of the protocol, with its kind and default, in both backends; a
    backend may add optional keyword-only parameters of its own."""
    want = inspect.signature(getattr(ScoringLM, method)).parameters
    for backend in (type(tiny_lm), FakeLM):
        got = inspect.signature(getattr(backend, method)).parameters
        for name, p in want.items():
            assert name in got, (backend.__name__, method, name)
            assert (got[name].kind, got[name].default) == (p.kind, p.default), (method, name)
        assert list(got)[: len(want)] == list(want), (backend.__name__, method)
        for name in list(got)[len(want) :]:
            extra = got[name]
            assert extra.kind is extra.KEYWORD_ONLY and extra.default is not extra.empty


def test_both_backends_are_scoring_lms(tiny_lm) -> None:
    assert isinstance(tiny_lm, ScoringLM) and isinstance(FakeLM(), ScoringLM)


def test_scores_are_a_pure_function_of_the_text() -> None:
    texts = ["The doctor said that he would come.", "A nurse, kind and calm!"]
    a, b = FakeLM(), FakeLM("another name")
    for proto in PROTOCOLS:
        assert np.array_equal(a.sentence_scores(texts, protocol=proto),
                              b.sentence_scores(texts[::-1], protocol=proto)[::-1])  # fmt: skip
    assert a.tokenize(texts[0]) == b.tokenize(texts[0])
    lps = a.token_logprobs(texts)
    assert all(len(lp) == len(a.tokenize(t)) for lp, t in zip(lps, texts, strict=True))
    assert all(((lp < 0) & (lp > -11)).all() for lp in lps)
    # grouping is a hint and changes nothing
    grouped = a.token_logprobs(texts, groups=[0, 0])
    assert all(np.array_equal(x, y) for x, y in zip(lps, grouped, strict=True))


def test_protocols_agree_with_the_token_log_probabilities() -> None:
    lm = FakeLM()
    text = "Women are bad at math."
    lp = lm.token_logprobs([text])[0]
    assert lm.sentence_scores([text], protocol="lm-eval")[0] == pytest.approx(lp.sum())
    # bigram model: the first token given the prefix token alone is the same number
    assert lm.sentence_scores([text], protocol="bias-bench")[0] == pytest.approx(lp.mean())
    unscored = lm.token_logprobs([text], first_token="unscored")[0]
    assert np.array_equal(unscored, lp[1:])
    assert lm.sentence_scores([text], protocol="sum-no-prefix")[0] == pytest.approx(lp[1:].sum())


def test_loglikelihood_is_the_continuations_share_of_the_text() -> None:
    lm = FakeLM()
    whole = lm.token_logprobs(["Q: Who is it?\nA: the nurse"])[0]
    n = len(lm.tokenize(" the nurse"))
    ll = lm.loglikelihood([("Q: Who is it?\nA:", " the nurse")])[0]
    assert ll == pytest.approx(whole[-n:].sum())
    # an empty context means the prefix token
    assert lm.loglikelihood([("", "Hello there")])[0] == pytest.approx(
        lm.token_logprobs(["Hello there"])[0].sum()
    )


def test_embeddings_are_deterministic_unit_vectors() -> None:
    lm = FakeLM(hidden_size=8)
    v = lm.embed(["This is John.", "This is Amy.", "This is John."], normalize=True)
    assert v.shape == (3, 8)
    assert np.allclose(np.linalg.norm(v, axis=1), 1.0)
    assert np.array_equal(v[0], v[2]) and not np.allclose(v[0], v[1])
    assert np.array_equal(FakeLM(hidden_size=8).embed(["This is Amy."]), lm.embed(["This is Amy."]))


def test_generation_is_seeded_and_bounded() -> None:
    lm = FakeLM()
    prompts = ["The actress was", "The actor was"]
    greedy = lm.generate(prompts, max_new_tokens=6, num_return_sequences=2)
    assert greedy == lm.generate(prompts, max_new_tokens=6, num_return_sequences=2)
    assert all(a == b for a, b in greedy)  # greedy: the same continuation every time
    sampled = lm.generate(prompts, max_new_tokens=6, do_sample=True, seed=1, num_return_sequences=3)
    assert sampled == lm.generate(
        prompts, max_new_tokens=6, do_sample=True, seed=1, num_return_sequences=3
    )
    assert sampled != lm.generate(
        prompts, max_new_tokens=6, do_sample=True, seed=2, num_return_sequences=3
    )
    for cs in sampled:
        for c in cs:
            assert c.startswith(" ") and 1 <= len(lm.tokenize(c)) <= 6
    at_least = lm.generate(prompts, max_new_tokens=6, min_new_tokens=6)
    assert all(len(lm.tokenize(c)) == 6 for cs in at_least for c in cs)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda lm: lm.sentence_scores(["ok", "  "]), "text 1"),
        (lambda lm: lm.token_logprobs("a single string"), "single string"),
        (lambda lm: lm.token_logprobs(["word " * 50]), "longer than 16 tokens"),
        (lambda lm: lm.loglikelihood([("context", "")]), "continuation"),
        (lambda lm: lm.loglikelihood(["not a pair"]), r"not a \(context, continuation\) pair"),
        (lambda lm: lm.generate(["hi"], max_new_tokens=2, min_new_tokens=3), "min_new_tokens"),
    ],
)
def test_refuses_what_a_real_model_refuses(call, message: str) -> None:
    with pytest.raises(ScoringError, match=message):
        call(FakeLM(max_length=16))


def test_fake_lm_does_not_import_torch() -> None:
    code = (
        "import sys; from fairlm.models import FakeLM; FakeLM().sentence_scores(['a b']); "
        "assert 'torch' not in sys.modules, 'torch imported'"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_chat_prompt_is_the_tokenizers_own_template(tiny_llama_dir) -> None:
    """LanguageModel.chat_prompt equals apply_chat_template, with and without a system
    prompt; a tokenizer without a template is refused with a message."""
    from transformers import AutoTokenizer

    from fairlm.errors import ScoringError
    from fairlm.models import load_model

    lm = load_model(tiny_llama_dir)
    with pytest.raises(ScoringError, match="no chat template"):
        lm.chat_prompt("Hi?")
    assert lm.chat_template_hash is None
    tok = AutoTokenizer.from_pretrained(tiny_llama_dir)
    tok.chat_template = (
        "{% for m in messages %}<|{{ m['role'] }}|>{{ m['content'] }}\n{% endfor %}"
        "{% if add_generation_prompt %}<|assistant|>{% endif %}"
    )
    lm.tokenizer = tok
    for system in (None, "Be fair."):
        turns = [{"role": "user", "content": "Hi?"}]
        if system:
            turns.insert(0, {"role": "system", "content": system})
        want = tok.apply_chat_template(turns, add_generation_prompt=True, tokenize=False)
        assert lm.chat_prompt("Hi?", system=system) == want
    assert len(lm.chat_template_hash) == 16
    assert FakeLM().chat_prompt("Hi?").endswith("<|assistant|>\n")


def test_generate_chat_takes_a_system_prompt(tiny_llama_dir) -> None:
    """generate(chat=True, system=...) generates from chat_prompt(user, system=...)."""
    from transformers import AutoTokenizer

    from fairlm.models import load_model

    lm = load_model(tiny_llama_dir)
    tok = AutoTokenizer.from_pretrained(tiny_llama_dir)
    tok.chat_template = (
        "{% for m in messages %}<|{{ m['role'] }}|>{{ m['content'] }}\n{% endfor %}"
        "{% if add_generation_prompt %}<|assistant|>{% endif %}"
    )
    lm.tokenizer = tok
    for system in (None, "Be fair."):
        text = lm.chat_prompt("Hi?", system=system)
        want = lm.generate([text], max_new_tokens=6, chat=False)
        assert lm.generate(["Hi?"], max_new_tokens=6, chat=True, system=system) == want
    assert FakeLM().generate(["Hi?"], chat=True, system="x") == FakeLM().generate(["Hi?"])
