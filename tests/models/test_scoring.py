"""The scoring engine against direct transformers forward passes, one text at a time."""

from __future__ import annotations

import os

import numpy as np
import pytest
import torch
from tests.conftest import direct_logprobs

from fairlm.errors import ScoringError
from fairlm.models import _engine
from fairlm.models._engine import Request, score_requests

TEXTS = [
    "The doctor said that he would come back tomorrow.",
    "Hi",
    "The nurse said that she would come back tomorrow.",
    "Women are bad at math and science, and everything else they do on every day "
    "of the week, or so the old man who loves his garden said to the engineer.",
    "x",
    "People from that country are very friendly.",
]


@pytest.fixture(params=["tiny_lm", "tiny_llama"])
def lm(request):
    return request.getfixturevalue(request.param)


def test_prefix_protocol_equals_direct_forward(lm):
    got = lm.token_logprobs(TEXTS, first_token="prefix")
    for text, lp in zip(TEXTS, got, strict=True):
        ids = [lm.prefix_token_id, *lm.tokenize(text)]
        want = direct_logprobs(lm.model, ids)
        assert lp.shape == want.shape
        np.testing.assert_allclose(lp, want, atol=1e-4)


def test_isolated_first_token_is_scored_from_prefix_alone(lm):
    got = lm.token_logprobs(TEXTS, first_token="isolated")
    for text, lp in zip(TEXTS, got, strict=True):
        t = lm.tokenize(text)
        first = direct_logprobs(lm.model, [lm.prefix_token_id, t[0]])
        rest = direct_logprobs(lm.model, t) if len(t) > 1 else np.empty(0)
        np.testing.assert_allclose(lp, np.concatenate([first, rest]), atol=1e-4)


def test_unscored_first_token(lm):
    got = lm.token_logprobs(TEXTS, first_token="unscored")
    for text, lp in zip(TEXTS, got, strict=True):
        t = lm.tokenize(text)
        np.testing.assert_allclose(lp, direct_logprobs(lm.model, t), atol=1e-4)


@pytest.mark.parametrize("first_token", ["prefix", "isolated", "unscored"])
def test_grouped_texts_share_prefix_without_changing_scores(lm, first_token):
    # pairs that share their opening words, as CrowS-Pairs sentences do
    groups = [0, 1, 0, 2, 1, 2]
    plain = lm.token_logprobs(TEXTS, first_token=first_token)
    shared = lm.token_logprobs(TEXTS, first_token=first_token, groups=groups)
    for a, b in zip(plain, shared, strict=True):
        np.testing.assert_allclose(a, b, atol=1e-4)


def test_batched_equals_one_at_a_time_with_very_different_lengths(lm):
    requests = [Request((lm.prefix_token_id,), tuple(lm.tokenize(t))) for t in TEXTS]
    batched = score_requests(lm.model, requests, batch_size=8, max_batch_tokens=10_000)
    singles = [
        score_requests(lm.model, [r], batch_size=1, share_prefixes=False)[0] for r in requests
    ]
    unshared = score_requests(lm.model, requests, batch_size=8, share_prefixes=False)
    for a, b, c in zip(batched, singles, unshared, strict=True):
        np.testing.assert_allclose(a, b, atol=1e-4)
        np.testing.assert_allclose(c, b, atol=1e-4)


def test_score_from_inside_suffix_and_prefix(lm):
    t = lm.tokenize(TEXTS[0])
    reqs = [Request(tuple(t[:3]), tuple(t[3:]), score_from=5), Request(tuple(t[:3]), (), 2)]
    reqs.append(Request(tuple(t[:3]), tuple(t[3:6]), score_from=5))
    out = score_requests(lm.model, reqs)
    full = direct_logprobs(lm.model, t)  # full[k-1] = log p(t[k] | t[:k])
    np.testing.assert_allclose(out[0], full[4:], atol=1e-4)
    np.testing.assert_allclose(out[1], full[1:2], atol=1e-4)
    np.testing.assert_allclose(out[2], full[4:5], atol=1e-4)


def test_sentence_score_protocols(lm):
    lm_eval = lm.sentence_scores(TEXTS, protocol="lm-eval")
    bias_bench = lm.sentence_scores(TEXTS, protocol="bias-bench")
    for k, text in enumerate(TEXTS):
        t = lm.tokenize(text)
        assert lm_eval[k] == pytest.approx(
            direct_logprobs(lm.model, [lm.prefix_token_id, *t]).sum(), abs=1e-4
        )
        first = direct_logprobs(lm.model, [lm.prefix_token_id, t[0]])
        rest = direct_logprobs(lm.model, t) if len(t) > 1 else np.empty(0)
        assert bias_bench[k] == pytest.approx(np.concatenate([first, rest]).mean(), abs=1e-4)


def test_loglikelihood_of_continuation(lm):
    pairs = [
        ("The doctor said", " that he would"),
        ("The doctor said ", "that she would"),
        ("", "Hi there"),
        ("The doctor said", " x"),
    ]
    got = lm.loglikelihood(pairs)
    ctx, whole = lm.tokenize("The doctor said"), lm.tokenize("The doctor said that he would")
    want0 = direct_logprobs(lm.model, whole)[len(ctx) - 1 :].sum()
    assert got[0] == pytest.approx(want0, abs=1e-4)
    # trailing space of the context moves to the continuation: same split as pair 0's shape
    whole1 = lm.tokenize("The doctor said that she would")
    assert got[1] == pytest.approx(
        direct_logprobs(lm.model, whole1)[len(ctx) - 1 :].sum(), abs=1e-4
    )
    ids = [lm.prefix_token_id, *lm.tokenize("Hi there")]
    assert got[2] == pytest.approx(direct_logprobs(lm.model, ids).sum(), abs=1e-4)


@pytest.mark.parametrize(
    "bad, message",
    [([""], "empty"), (["   "], "empty"), ([3], "not a string"), ("a text", "single string")],
)
def test_bad_texts_raise_clear_errors(tiny_lm, bad, message):
    with pytest.raises(ScoringError, match=message):
        tiny_lm.sentence_scores(bad)


def test_text_longer_than_context_is_an_error(tiny_lm):
    long_text = "the doctor " * 200
    with pytest.raises(ScoringError, match="longer than the model's context of 128"):
        tiny_lm.sentence_scores([long_text])


def test_embed_is_masked_mean_of_hidden_states(lm):
    emb = lm.embed(TEXTS[:3], layer=-1)
    body = lm.model.get_decoder()
    for k, text in enumerate(TEXTS[:3]):
        ids = torch.tensor([lm.tokenize(text)])
        with torch.no_grad():
            h = body(input_ids=ids, output_hidden_states=True).hidden_states[-1][0]
        np.testing.assert_allclose(emb[k], h.double().mean(0).numpy(), atol=1e-4)
    emb1 = lm.embed(TEXTS[:3], layer=1, normalize=True)
    np.testing.assert_allclose(np.linalg.norm(emb1, axis=1), 1.0, atol=1e-9)


def test_generate_greedy_matches_transformers(tiny_lm):
    out = tiny_lm.generate(["The doctor", "Women are bad at"], max_new_tokens=6)
    tok = tiny_lm.tokenizer
    for prompt, (text,) in zip(["The doctor", "Women are bad at"], out, strict=True):
        ids = tok(prompt, return_tensors="pt")
        with torch.no_grad():
            ref = tiny_lm.model.generate(
                **ids, max_new_tokens=6, do_sample=False, pad_token_id=tok.eos_token_id
            )
        assert text == tok.decode(ref[0, ids["input_ids"].shape[1] :], skip_special_tokens=True)


def test_generate_sampling_is_seeded(tiny_lm):
    a = tiny_lm.generate(
        ["The nurse"], max_new_tokens=8, do_sample=True, seed=3, num_return_sequences=2
    )
    b = tiny_lm.generate(
        ["The nurse"], max_new_tokens=8, do_sample=True, seed=3, num_return_sequences=2
    )
    assert a == b and len(a[0]) == 2


def test_packing_computes_fewer_tokens_than_plain_rows(lm):
    pairs = [
        (TEXTS[0], TEXTS[0].replace("he would", "she would")),
        (TEXTS[2], TEXTS[2].replace("she would", "he would")),
    ]
    texts = [t for p in pairs for t in p]
    groups = [0, 0, 1, 1]
    packed, plain = {}, {}
    reqs = []
    for g in (0, 1):
        a, b = (lm.tokenize(t) for t in pairs[g])
        n = next(k for k in range(min(len(a), len(b))) if a[k] != b[k])
        reqs += [Request((0, *a[:n]), tuple(a[n:])), Request((0, *b[:n]), tuple(b[n:]))]
    out = score_requests(lm.model, reqs, stats=packed)
    ref = score_requests(lm.model, reqs, share_prefixes=False, stats=plain)
    for x, y in zip(out, ref, strict=True):
        np.testing.assert_allclose(x, y, atol=1e-4)
    assert packed["passes"] == 1
    # plain rows run each pair's shared prefix twice; packed rows run every distinct
    # opening (prefix token, "The", ...) once, across pairs too
    openings = {tuple((r.prefix + r.suffix)[:k]) for r in reqs for k in range(1, r.length)}
    assert packed["forward_tokens"] == len(openings) < plain["forward_tokens"]
    assert packed["logit_rows"] == len(openings)
    assert lm.sentence_scores(texts, groups=groups).shape == (4,)


def test_eager_attention_uses_additive_masks(tiny_llama_dir):
    from fairlm.models import load_model

    lm = load_model(tiny_llama_dir)
    lm.model.set_attn_implementation("eager")
    got = lm.token_logprobs(TEXTS, groups=[0, 1, 0, 2, 1, 2])
    for text, lp in zip(TEXTS, got, strict=True):
        np.testing.assert_allclose(
            lp, direct_logprobs(lm.model, [0, *lm.tokenize(text)]), atol=1e-4
        )


def test_grouped_query_attention_reads_shared_heads_in_place(tiny_llama, monkeypatch):
    """The tiny Llama's 4 query heads share 2 key/value heads: on the CPU, SDPA gets them
    as they are (enable_gqa) instead of copies per query head, with the same scores to
    the bit; transformers' switch is set only while scoring, and a user's value wins."""
    calls = []
    sdpa = torch.nn.functional.scaled_dot_product_attention

    def recording(query, key, value, **kwargs):
        calls.append((query.shape[1], key.shape[1], kwargs.get("enable_gqa", False)))
        return sdpa(query, key, value, **kwargs)

    monkeypatch.setattr(torch.nn.functional, "scaled_dot_product_attention", recording)
    monkeypatch.delenv(_engine._FORCE_GQA, raising=False)
    reqs = [Request((0, *tiny_llama.tokenize(t))) for t in TEXTS]
    shared = score_requests(tiny_llama.model, reqs)
    assert calls and all(c == (4, 2, True) for c in calls)
    assert _engine._FORCE_GQA not in os.environ
    calls.clear()
    monkeypatch.setenv(_engine._FORCE_GQA, "0")
    copied = score_requests(tiny_llama.model, reqs)
    assert calls and all(c == (4, 4, False) for c in calls)
    assert os.environ[_engine._FORCE_GQA] == "0"
    for x, y in zip(shared, copied, strict=True):
        assert np.array_equal(x, y)


def test_big_tries_are_split_into_row_sized_rows(tiny_lm):
    # every text behind the lone prefix token: one trie far bigger than a row
    reqs = [Request((tiny_lm.prefix_token_id,), tuple(tiny_lm.tokenize(t))) for t in TEXTS * 3]
    stats: dict[str, int] = {}
    out = score_requests(tiny_lm.model, reqs, row_tokens=16, stats=stats)
    ref = score_requests(tiny_lm.model, reqs, share_prefixes=False)
    for x, y in zip(out, ref, strict=True):
        np.testing.assert_allclose(x, y, atol=1e-4)
    # repeated texts are computed once; a row repeats the ancestors of its first node
    openings = {tuple((r.prefix + r.suffix)[:k]) for r in reqs for k in range(1, r.length)}
    longest = max(r.length for r in reqs)
    assert len(openings) < stats["forward_tokens"] <= len(openings) + 6 * longest
    assert stats["logit_rows"] == len(openings)  # each node projected once


def test_trie_shares_openings_across_requests_of_any_shape(tiny_lm):
    """Requests whose token paths overlap in every way: one is a prefix of another,
    identical paths with different ``score_from``, a path ending where another branches."""
    t = [tiny_lm.tokenize(x) for x in TEXTS]
    p = tiny_lm.prefix_token_id
    a = (p, *t[0])
    reqs = [
        Request(a[:3], a[3:], 1),
        Request(a[:5], (), 2),  # a prefix of the first request, scored from token 2
        Request(a, (), 4),  # the first request again, scored from token 4
        Request((p,), (*t[0][:4], *t[2][4:]), 1),  # branches off the first after 4 tokens
        Request((p,), (), 1),  # nothing to score
        Request(a[:1], a[1:2], 1),  # one token, the lone prefix
        Request(tuple(t[3]), (), 1),  # no prefix token: a second root
    ]
    stats: dict[str, int] = {}
    out = score_requests(tiny_lm.model, reqs, row_tokens=8, stats=stats)
    for r, got in zip(reqs, out, strict=True):
        seq = [*r.prefix, *r.suffix]
        want = direct_logprobs(tiny_lm.model, seq)[r.score_from - 1 :] if len(seq) > 1 else []
        np.testing.assert_allclose(got, want, atol=1e-4)
    openings = {tuple((r.prefix + r.suffix)[:k]) for r in reqs for k in range(1, r.length)}
    assert stats["logit_rows"] == len(openings)


@pytest.mark.parametrize("vocab_slice", [7, 64, 100_000])
def test_log_probs_are_exact_when_the_vocabulary_is_sliced(tiny_lm, monkeypatch, vocab_slice):
    """The log-sum-exp accumulated over vocabulary slices equals log_softmax, and a row
    serving several targets (``which``) gives each its own log-probability."""
    from fairlm.models import _engine

    monkeypatch.setattr(_engine, "_VOCAB_SLICE", vocab_slice)
    monkeypatch.setattr(_engine, "_LOGIT_ROWS", 3)  # blocks of rows too
    fwd = _engine._Forward(tiny_lm.model)
    gen = torch.Generator().manual_seed(0)
    rows = 4 * torch.randn(5, tiny_lm.model.config.hidden_size, generator=gen)
    vocab = tiny_lm.model.config.vocab_size
    which = np.array([0, 0, 1, 2, 2, 2, 4, 3])
    targets = torch.tensor([0, vocab - 1, 5, 9, 1, 9, 63, vocab // 2])
    with torch.inference_mode():
        got = fwd.logprobs(rows, targets, which)
        want = torch.log_softmax(tiny_lm.model.get_output_embeddings()(rows).double(), -1)
    np.testing.assert_allclose(got, want[torch.tensor(which), targets].numpy(), atol=1e-5)


def test_onednn_projection_matches_torch_linear_in_both_dtypes():
    """Where the probe says oneDNN multiplies a dtype, a reordered weight gives torch's
    product; where it says no (bfloat16 on a CPU without AVX-512), packing refuses."""
    from fairlm.models import _onednn
    from fairlm.models._capabilities import probe

    gen = torch.Generator().manual_seed(1)
    caps = probe()
    for dtype, tol in ((torch.float32, 1e-4), (torch.bfloat16, 5e-2)):
        layer = torch.nn.Linear(24, 40).to(dtype)
        x = torch.randn(3, 5, 24, generator=gen).to(dtype)
        packed = _onednn.pack(layer.weight, 16)
        if not caps.onednn[str(dtype).removeprefix("torch.")]:
            assert packed is None, "the probe said no, yet oneDNN reordered the weight"
            continue
        assert packed is not None
        with torch.inference_mode():
            got = _onednn.linear(x, packed, layer.bias.detach())
            want = layer(x)
        assert got.dtype == dtype and got.shape == want.shape
        torch.testing.assert_close(got.float(), want.float(), atol=tol, rtol=0)


@pytest.mark.parametrize("mode", ["auto", "portable"])
def test_rows_grow_rather_than_repeat_a_long_shared_opening(tiny_lm, monkeypatch, mode):
    """A long opening (a few-shot primer; one context asked in several option orders)
    shared by branches that do not fit one row with it: the row grows up to a pass's
    tokens instead of repeating the opening in a row per branch, so every node is
    computed once; the scores are the same, on the fast path this machine was probed
    to run (oneDNN even for this small job) and on the portable one."""
    from fairlm.models._plan import plan_engine

    plan = plan_engine("float32", mode=mode)
    assert (mode == "portable") == (plan.path == "portable")
    monkeypatch.setattr(_engine, "_FAST_MIN_TOKENS", 0)
    p = tiny_lm.prefix_token_id
    primer = tuple(tiny_lm.tokenize(" ".join([TEXTS[3], TEXTS[0], TEXTS[2]])))
    branches = [tuple(tiny_lm.tokenize(" " + TEXTS[i])) for i in (0, 2, 5, 1)]
    reqs = [Request((p, *primer), b, len(primer) + 1) for b in branches]
    openings = {tuple((r.prefix + r.suffix)[:k]) for r in reqs for k in range(1, r.length)}
    longest_branch = max(map(len, branches))
    assert len(primer) > 2 * longest_branch  # so each branch's row would mostly repeat it

    def run(max_batch_tokens):
        stats: dict[str, int] = {}
        out = score_requests(tiny_lm.model, reqs, row_tokens=longest_branch + 2,
                             max_batch_tokens=max_batch_tokens, stats=stats,
                             plan=plan)  # fmt: skip
        for r, got in zip(reqs, out, strict=True):
            want = direct_logprobs(tiny_lm.model, [*r.prefix, *r.suffix])[r.score_from - 1 :]
            np.testing.assert_allclose(got, want, atol=1e-4)
        return stats["forward_tokens"]

    assert run(max_batch_tokens=768) == len(openings)  # one row: each opening once
    # a pass no longer than a row leaves no room to grow: the primer is computed again
    assert run(max_batch_tokens=longest_branch + 2) > len(openings) + len(primer)
    # nor does the cap on a row's length, whatever the pass
    monkeypatch.setattr(_engine, "_ROW_LIMIT", longest_branch + 2)
    assert run(max_batch_tokens=768) > len(openings) + len(primer)


def test_pack_rows_grows_only_where_that_spares_more_than_it_adds():
    from fairlm.models._engine import Trie, pack_rows

    trie = Trie()
    opening = list(range(100, 140))  # 40 shared nodes
    for b in range(3):
        trie.insert([*opening, *range(10 * b, 10 * b + 8)])  # three branches of 8
    assert [len(r) for r in pack_rows(trie, cap=20)] == [48, 48, 48]  # repeats: old rule
    assert [len(r) for r in pack_rows(trie, cap=20, limit=60)] == [56, 8 + 40]  # up to 60
    assert [len(r) for r in pack_rows(trie, cap=20, limit=100)] == [64]  # every node once
    short = Trie()
    for b in range(3):
        short.insert([7, *range(10 * b, 10 * b + 15)])  # one shared node, branches of 15
    # repeating one node costs less than a branch adds: rows stay near cap
    assert [len(r) for r in pack_rows(short, cap=20, limit=100)] == [16, 16, 16]
