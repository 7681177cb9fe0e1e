"""The generation engine against Hugging Face ``generate`` and a reference sampler."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from fairlm.models import _generation, _sampling
from fairlm.models._generation import Sampling, generate_tokens, row_seed

TEXTS = [
    "The doctor said",
    "Women are",
    "My neighbour is a kind old man who",
    "He",
    "The engineer fixed the machine because",
    "People from that country are very",
]


def _hf_greedy(model, prompt: list[int], n: int, eos: int | None) -> list[int]:
    """transformers' greedy ``generate`` on one prompt (no padding), end of text cut."""
    ids = torch.tensor([prompt])
    with torch.inference_mode():
        out = model.generate(
            input_ids=ids,
            attention_mask=torch.ones_like(ids),
            max_new_tokens=n,
            do_sample=False,
            pad_token_id=0,
        )
    new = out[0, len(prompt) :].tolist()
    return new[: new.index(eos)] if eos in new else new


@pytest.mark.parametrize("folder", ["tiny_gpt2_dir", "tiny_llama_dir"])
@pytest.mark.parametrize("rows", [1, 3, 64])
def test_greedy_equals_transformers_generate_token_for_token(folder, rows, request):
    """Whatever the number of rows decoding together (rows join and leave the batch at
    different lengths), greedy tokens equal transformers' one prompt at a time."""
    from fairlm.models import load_model

    lm = load_model(request.getfixturevalue(folder))
    prompts = [lm.tokenize_prompt(t) for t in TEXTS * 2]
    eos = lm._eos_ids()
    got = generate_tokens(
        lm.model, prompts, Sampling(max_new_tokens=14, eos_ids=eos), max_rows=rows
    )
    for p, g in zip(prompts, got, strict=True):
        assert g[0] == _hf_greedy(lm.model, p, 14, eos[0] if eos else None)


def _hf_kept(logits: torch.Tensor, *, temperature: float, top_k: int, top_p: float):
    """Hugging Face's warpers on the whole sorted vocabulary, in float64: temperature,
    top-k, then top-p removing tokens whose ascending cumulative probability is <= 1 -
    top_p (ties: a stable sort, the smaller id ranked as the more likely). The tokens'
    probabilities before top-p, and which tokens top-p keeps."""
    scores = logits.double() / temperature
    if top_k:
        kth = torch.topk(scores, top_k).values[-1]
        scores = torch.where(scores < kth, -torch.inf, scores)
    probs = torch.softmax(scores, -1)
    desc = torch.argsort(probs, descending=True, stable=True)
    asc = desc.flip(0)
    remove = torch.softmax(scores[asc], -1).cumsum(-1) <= 1 - top_p
    remove[-1] = False
    kept = torch.ones_like(probs, dtype=torch.bool)
    kept[asc[remove]] = False
    return probs, kept


def _reference_sample(logits, gen, *, temperature, top_k, top_p):
    """The documented draw, written plainly. With top-k: the inverse of the kept tokens'
    cumulative distribution, most likely first, at one uniform number. Without: draw a
    candidate from the whole distribution (its cumulative distribution in token-id
    order) until top-p keeps one."""
    probs, kept = _hf_kept(logits, temperature=temperature, top_k=top_k, top_p=top_p)
    if top_k:
        nucleus = torch.where(kept, probs, 0.0)
        desc = torch.argsort(nucleus, descending=True, stable=True)
        cdf = nucleus[desc].cumsum(-1)
        u = torch.rand(1, generator=gen).item()
        return int(desc[int(torch.searchsorted(cdf, u * cdf[-1], right=True))])
    cdf = probs.cumsum(-1)
    while True:
        u = torch.rand(1, generator=gen).item()
        token = min(int(torch.searchsorted(cdf, u * cdf[-1], right=True)), len(cdf) - 1)
        if kept[token]:
            return token


def _streams(n: int, seed: int = 0) -> list[torch.Generator]:
    return [torch.Generator().manual_seed(seed * 1000 + r) for r in range(n)]


def _sample(logits, *, temperature=1.0, top_k=0, top_p=1.0, seed=0, redraws=None):
    """``choose`` with each row drawing from its own stream (as the engine does);
    ``redraws`` collects the rows that drew again."""
    gens = _streams(logits.shape[0], seed)

    def redraw(rows):
        if redraws is not None:
            redraws.extend(rows.tolist())
        return torch.cat([torch.rand(1, generator=gens[r]) for r in rows.tolist()])

    first = torch.cat([torch.rand(1, generator=g) for g in gens])
    return _sampling.choose(logits.clone(), do_sample=True, temperature=temperature,
                            top_k=top_k, top_p=top_p, uniforms=first, redraw=redraw)  # fmt: skip


@pytest.mark.parametrize(
    ("temperature", "top_k", "top_p"),
    [(1.0, 0, 0.95), (0.7, 0, 0.5), (1.3, 50, 0.9), (1.0, 0, 1.0), (1.0, 7, 1.0)],
)
def test_sampling_equals_a_reference_on_the_same_random_numbers(temperature, top_k, top_p):
    """Peaked and flat rows, with and without top-k, on each row's own stream."""
    gen = torch.Generator().manual_seed(0)
    vocab = 3000  # not a whole number of blocks: the last block is shorter
    logits = torch.randn(12, vocab, generator=gen) * torch.tensor([8.0] * 6 + [0.3] * 6)[:, None]
    redraws: list[int] = []
    got = _sample(logits, temperature=temperature, top_k=top_k, top_p=top_p, redraws=redraws)
    gens = _streams(12)
    want = [
        _reference_sample(logits[r], gens[r], temperature=temperature, top_k=top_k, top_p=top_p)
        for r in range(12)
    ]
    assert got.tolist() == want
    if top_p == 0.5:  # candidates outside a nucleus of half the mass: rows drew again
        assert len(redraws) > 0


def _boundary_gap(logits: torch.Tensor, gen: torch.Generator) -> float:
    """How far the row's first uniform number lies from the nearest step of the whole
    distribution's cumulative distribution in token-id order (float64)."""
    cdf = torch.softmax(logits.double(), -1).cumsum(-1)
    u = torch.rand(1, generator=gen).item()
    return float((cdf / cdf[-1] - u).abs().min())


@pytest.mark.parametrize("top_p", [0.95, 0.5])
def test_nuclei_of_every_width_draw_the_reference_token(top_p):
    """Rows whose nucleus holds one token to thousands of a 20,000-token vocabulary (not
    a whole number of blocks) all draw the reference's token."""
    gen = torch.Generator().manual_seed(3)
    vocab, lifted = 20000, [1, 20, 200, 1000, 4000, 19000]
    logits = torch.randn(len(lifted) * 3, vocab, generator=gen)
    for r in range(logits.shape[0]):  # about `m` tokens hold most of the mass
        m = lifted[r % len(lifted)]
        logits[r, torch.randperm(vocab, generator=gen)[:m]] += 8.0 if m > 1 else 30.0
    got = _sample(logits, top_p=top_p, seed=5)
    gens = _streams(logits.shape[0], 5)
    want = [_reference_sample(logits[r], gens[r], temperature=1.0, top_k=0, top_p=top_p)
            for r in range(logits.shape[0])]  # fmt: skip
    # the reference's cumulative distribution is in float64, ours in float32: over
    # thousands of tokens they may disagree where a uniform lies within float32 rounding
    # of a step, never further from one
    differ = [r for r in range(logits.shape[0]) if got[r] != want[r]]
    assert len(differ) <= 1
    assert all(_boundary_gap(logits[r], _streams(logits.shape[0], 5)[r]) < 1e-6 for r in differ)
    probs = torch.softmax(logits, -1).sort(descending=True).values
    width = ((probs.cumsum(-1) - probs) < top_p).sum(-1)
    assert width.min() == 1 and width.max() > 2500


def test_sampled_frequencies_follow_the_nucleus_distribution():
    """Many draws on one row: each kept token's share matches its renormalised
    probability (worked out by hand); dropped tokens never appear. Four tokens tie at
    the nucleus' edge: the one with the smallest id is kept. The nucleus' mass stops
    just short of the next token (0.5248 against top-p 0.52)."""
    logits = torch.tensor([[1.0, 2.0, 1.0, 1.0, 0.0, -torch.inf, 1.0]])
    # probabilities e^2, e, e, e, 1, 0, e over Z = e^2 + 4e + 1; top-p 0.52 keeps token 1
    # (none before it) and token 0 (e^2 / Z = 0.3837 before it), and drops token 2
    # (0.3837 + e / Z = 0.5248 before it), tokens 3 and 6 (as likely, larger ids) and
    # tokens 4 and 5
    e = np.e
    z = e**2 + 4 * e + 1
    assert e**2 / z < 0.52 <= (e**2 + e) / z < 0.53
    kept = e**2 + e
    want = np.array([e / kept, e**2 / kept, 0, 0, 0, 0, 0])
    n = 20000
    draws = _sample(logits.expand(n, -1).contiguous(), top_p=0.52, seed=1)
    got = torch.bincount(draws, minlength=7).double().numpy() / n
    assert (got[want == 0] == 0).all()
    np.testing.assert_allclose(got, want, atol=0.012)
    # no ties: probabilities 0.665, 0.245, 0.090; top-p 0.66 keeps the first token only
    draws = _sample(torch.tensor([[2.0, 1.0, 0.0]]).expand(1000, -1).contiguous(), top_p=0.66)
    assert torch.softmax(torch.tensor([2.0, 1.0, 0.0]), -1)[0] < 0.67
    assert (draws == 0).all()


def test_a_uniform_next_to_one_never_draws_an_impossible_token():
    """Tokens of probability 0 (logits -inf: the last block's tail, and a whole
    block) are never drawn, however close to 1 the uniform number is."""
    vocab = 700  # blocks of 256, 256 and 188
    logits = torch.full((3, vocab), -torch.inf)
    logits[:, :300] = torch.randn(3, 300, generator=torch.Generator().manual_seed(2))
    logits[1, 10] = 50.0  # one token holds (nearly) everything
    last = [int(torch.nonzero(row > -torch.inf).max()) for row in logits]
    # exactly 1 stands for a product that rounded up to the total
    for u in (1.0 - 2.0**-24, 1.0):
        got = _sampling.choose(logits.clone(), do_sample=True, uniforms=torch.full((3,), u))
        assert got[0] == last[0] and got[2] == last[2] and got[1] <= 10


@pytest.mark.parametrize("bad", [float("nan"), float("inf")])
def test_logits_that_are_not_numbers_are_refused(bad):
    from fairlm.errors import ModelError

    logits = torch.zeros(3, 600)
    logits[1, 5] = bad
    with pytest.raises(ModelError, match="logits are not numbers"):
        _sample(logits, top_p=0.9)


def test_a_row_that_keeps_redrawing_draws_from_its_sorted_nucleus():
    """A tiny top-p over a flat distribution keeps only the most likely token, which a
    draw hits once in thousands: after _ROUNDS draws the row takes it from its nucleus;
    top-p 0 keeps the most likely token too (Hugging Face keeps at least one)."""
    logits = torch.randn(4, 5000, generator=torch.Generator().manual_seed(4)) * 0.01
    redraws: list[int] = []
    got = _sample(logits, top_p=1e-6, redraws=redraws)
    assert got.tolist() == logits.argmax(-1).tolist()
    assert max(redraws.count(r) for r in range(4)) == _sampling._ROUNDS
    peaked = logits.clone()
    peaked[:, 7] = 10.0  # 82% of the mass: most draws hit it at once
    again: list[int] = []
    assert _sample(peaked, top_p=0.0, redraws=again).tolist() == [7] * 4
    assert max(again.count(r) for r in range(4)) < _sampling._ROUNDS


def test_seeded_sampling_is_the_same_in_any_batch_size_and_order(tiny_llama):
    prompts = [tiny_llama.tokenize_prompt(t) for t in TEXTS]
    keys = [f"p{i}" for i in range(len(TEXTS))]
    s = Sampling(max_new_tokens=10, do_sample=True, top_p=0.9, seed=7, eos_ids=(0,))
    a = generate_tokens(tiny_llama.model, prompts, s, keys=keys, samples=2, max_rows=1)
    b = generate_tokens(tiny_llama.model, prompts, s, keys=keys, samples=2, max_rows=64)
    rev = generate_tokens(tiny_llama.model, prompts[::-1], s, keys=keys[::-1], samples=2)
    assert a == b == rev[::-1]
    assert a[0][0] != a[0][1]  # the two samples of a prompt draw different streams
    other = generate_tokens(tiny_llama.model, prompts, Sampling(**{**s.__dict__, "seed": 8}),
                            keys=keys, samples=2)  # fmt: skip
    assert other != a


def test_row_seeds_are_stable_and_distinct():
    assert row_seed(0, "bold-1", 0) == row_seed(0, "bold-1", 0)
    seeds = {row_seed(s, k, j) for s in (0, 1) for k in ("a", "b") for j in (0, 1)}
    assert len(seeds) == 8 and all(0 <= x < 2**63 for x in seeds)


def test_min_new_tokens_and_end_of_text(tiny_gpt2_dir):
    """With end of text (id 0) made the likeliest token everywhere, a greedy row ends at
    once (end of text is not part of its text); min_new_tokens=3 holds it off for
    exactly three tokens."""
    from transformers import AutoModelForCausalLM

    model = AutoModelForCausalLM.from_pretrained(tiny_gpt2_dir).eval()

    def favour_eos(_module, _args, logits):
        logits = logits.clone()
        logits[..., 0] += 100.0
        return logits

    model.lm_head.register_forward_hook(favour_eos)
    prompts = [[5, 6, 7], [9, 10]]
    out = generate_tokens(model, prompts, Sampling(max_new_tokens=6, eos_ids=(0,)))
    assert out == [[[]], [[]]]
    forced = generate_tokens(
        model, prompts, Sampling(max_new_tokens=6, min_new_tokens=3, eos_ids=(0,))
    )
    assert [len(o[0]) for o in forced] == [3, 3] and all(0 not in o[0] for o in forced)


def test_language_model_generate_uses_the_engine_and_decodes(tiny_llama, monkeypatch):
    calls = []
    real = _generation.generate_tokens
    monkeypatch.setattr(
        _generation, "generate_tokens", lambda *a, **k: calls.append(1) or real(*a, **k)
    )
    out = tiny_llama.generate(TEXTS[:3], max_new_tokens=5, num_return_sequences=2, do_sample=True,
                              seed=0)  # fmt: skip
    assert calls and len(out) == 3 and all(len(o) == 2 for o in out)
    assert all(isinstance(t, str) for o in out for t in o)
    again = tiny_llama.generate(TEXTS[:3], max_new_tokens=5, num_return_sequences=2,
                                do_sample=True, seed=0)  # fmt: skip
    assert again == out


def test_unsupported_generation_config_falls_back_to_transformers(tiny_llama, monkeypatch):
    monkeypatch.setattr(tiny_llama.model.generation_config, "repetition_penalty", 1.3)
    assert "repetition_penalty" in _generation.supports(tiny_llama.model)
    monkeypatch.setattr(_generation, "generate_tokens", lambda *a, **k: pytest.fail("engine used"))
    out = tiny_llama.generate(TEXTS[:2], max_new_tokens=4)
    assert len(out) == 2


@pytest.mark.parametrize("folder", ["tiny_gpt2_dir", "tiny_llama_dir"])
def test_a_shared_opening_is_computed_once_and_changes_nothing(folder, request):
    """Prompts behind one long instruction (a chat system prompt, a template): the
    opening runs once for the pass, the rest packed (what the rests share once too), and
    greedy tokens still equal transformers'."""
    from fairlm.models import load_model

    lm = load_model(request.getfixturevalue(folder))
    opening = lm.tokenize_prompt("My neighbour is a kind old man who loves his garden. " * 2)
    prompts = [opening + lm.tokenize(" " + t) for t in TEXTS]
    eos = lm._eos_ids()
    stats: dict[str, int] = {}
    got = generate_tokens(lm.model, prompts, Sampling(max_new_tokens=8, eos_ids=eos), stats=stats)
    for p, g in zip(prompts, got, strict=True):
        assert g[0] == _hf_greedy(lm.model, p, 8, eos[0] if eos else None)
    # the opening once, then each distinct opening of what follows it once (one packed row)
    n = len(opening)
    rests = {tuple(p[n:k]) for p in prompts for k in range(n + 1, len(p) + 1)}
    assert stats["prefill_tokens"] == n + len(rests) < sum(len(p) for p in prompts) - 5 * n


@pytest.mark.parametrize("folder", ["tiny_gpt2_dir", "tiny_llama_dir"])
def test_longer_prompts_joining_a_running_batch(folder, request):
    """Prompts admitted in several passes (a pass holds at most max_prefill_tokens), the
    later ones longer than the rows already decoding: the batch's keys and values are
    widened together, and greedy tokens still equal transformers'."""
    from fairlm.models import load_model

    lm = load_model(request.getfixturevalue(folder))
    prompts = [lm.tokenize_prompt(t) for t in TEXTS]
    prompts += [lm.tokenize_prompt(" ".join(TEXTS[:3]) + " " + t) for t in TEXTS[:2]]
    eos = lm._eos_ids()
    got = generate_tokens(
        lm.model, prompts, Sampling(max_new_tokens=6, eos_ids=eos), max_prefill_tokens=24
    )
    for p, g in zip(prompts, got, strict=True):
        assert g[0] == _hf_greedy(lm.model, p, 6, eos[0] if eos else None)


def test_rows_leaving_after_padding_columns_are_cut(tiny_llama):
    """Dropping rows and cutting leading columns, as a row's end does, changes a buffered
    layer's keys and values alike: setting the keys must not change how the values are
    read (each keeps its own length)."""
    from fairlm.models._generation import _buffered_class

    layer_class = _buffered_class()
    layer = layer_class.__new__(layer_class)
    keys = torch.arange(2 * 1 * 5 * 2, dtype=torch.float32).reshape(2, 1, 5, 2)
    layer.keys, layer.values = keys, -keys
    layer.keys = layer.keys[torch.tensor([1]), :, 2:]
    layer.values = layer.values[torch.tensor([1]), :, 2:]
    assert torch.equal(layer.keys, keys[1:, :, 2:]) and torch.equal(layer.values, -keys[1:, :, 2:])
    k, v = layer.update(torch.ones(1, 1, 1, 2), torch.zeros(1, 1, 1, 2))
    assert k.shape == v.shape == (1, 1, 4, 2) and torch.equal(v[:, :, :3], -keys[1:, :, 2:])


def test_leaving_rows_move_up_within_the_buffers(tiny_llama):
    """``keep_rows`` (rows leaving, no column cut) gives the kept rows' keys and values,
    and later updates still write after them."""
    from fairlm.models._generation import _buffered_class

    layer_class = _buffered_class()
    layer = layer_class.__new__(layer_class)
    keys = torch.arange(4 * 2 * 3 * 2, dtype=torch.float32).reshape(4, 2, 3, 2)
    layer.keys, layer.values = keys, -keys
    buffer = layer._keys
    layer.keep_rows(torch.tensor([1, 3]))
    assert layer._keys.data_ptr() == buffer.data_ptr()  # the same memory
    assert torch.equal(layer.keys, keys[[1, 3]]) and torch.equal(layer.values, -keys[[1, 3]])
    k, v = layer.update(torch.ones(2, 2, 1, 2), torch.zeros(2, 2, 1, 2))
    assert torch.equal(k[:, :, :3], keys[[1, 3]]) and torch.equal(k[:, :, 3], torch.ones(2, 2, 2))


def test_waiting_prompts_fill_the_batch_before_it_decodes(tiny_llama, monkeypatch):
    """Prompts that fit ``max_rows`` all join before the first decoding step, in as many
    passes as ``max_prefill_tokens`` asks (not only until half the rows are taken)."""
    prompts = [tiny_llama.tokenize_prompt(t) for t in TEXTS]
    passes, widths = [], []
    real_prefill, real_step = _generation._prefill, _generation._step
    monkeypatch.setattr(
        _generation,
        "_prefill",
        lambda r, seqs, *a: passes.append(len(seqs)) or real_prefill(r, seqs, *a),
    )
    monkeypatch.setattr(
        _generation,
        "_step",
        lambda r, batch, s: widths.append(len(batch.rows)) or real_step(r, batch, s),
    )
    sampling = Sampling(max_new_tokens=3)
    generate_tokens(tiny_llama.model, prompts, sampling, max_rows=6, max_prefill_tokens=8)
    assert len(passes) > 2 and sum(passes) == len(TEXTS)
    assert widths[0] == len(TEXTS)


def test_a_model_that_changes_its_logits_runs_whole(tiny_llama_dir):
    """A model whose forward changes the logits after its output embedding (a scale, a
    cap; here a bias towards token 5) is not split into decoder and head: the engine reads
    the model's own logits, and greedy tokens follow them."""
    from transformers import AutoModelForCausalLM

    from fairlm.models._generation import _Runner

    model = AutoModelForCausalLM.from_pretrained(tiny_llama_dir).eval()

    def favour_five(_module, _args, out):
        out.logits[..., 5] += 100.0
        return out

    model.register_forward_hook(favour_five)
    with torch.inference_mode():
        assert not _Runner(model).split
    out = generate_tokens(model, [[7, 8, 9], [10, 11]], Sampling(max_new_tokens=4))
    assert out == [[[5, 5, 5, 5]], [[5, 5, 5, 5]]]
    plain = AutoModelForCausalLM.from_pretrained(tiny_llama_dir).eval()
    with torch.inference_mode():
        assert _Runner(plain).split and _Runner(plain).packs


@pytest.mark.parametrize("folder", ["tiny_gpt2_dir", "tiny_llama_dir"])
def test_a_packed_prompt_pass_equals_a_padded_one(folder, request):
    """The packed pass (a trie under tree masks, keys and values gathered per prompt)
    gives each prompt the last-position logits and the keys and values of the
    left-padded pass, on its real columns, to float32 rounding."""
    from fairlm.models import load_model
    from fairlm.models._generation import _prefill, _Runner

    lm = load_model(request.getfixturevalue(folder))
    # prompts sharing openings, one a prefix of another, one repeated
    prompts = [lm.tokenize_prompt(t) for t in [*TEXTS, TEXTS[0], TEXTS[0] + " that"]]
    with torch.inference_mode():
        runner = _Runner(lm.model)
        assert runner.packs
        packed = _prefill(runner, prompts, 0, {})
        runner.packs = False
        padded = _prefill(runner, prompts, 0, {})
        assert torch.equal(packed[2], padded[2])  # the same mask
        real = packed[2].bool()
        torch.testing.assert_close(
            runner.logits(packed[0], 0, len(prompts)),
            runner.logits(padded[0], 0, len(prompts)),
            rtol=1e-5,
            atol=1e-5,
        )
        for a, b in zip(packed[1].layers, padded[1].layers, strict=True):
            for x, y in ((a.keys, b.keys), (a.values, b.values)):
                torch.testing.assert_close(
                    x.transpose(1, 2)[real], y.transpose(1, 2)[real], rtol=1e-5, atol=1e-5
                )


@pytest.mark.parametrize("folder", ["tiny_gpt2_dir", "tiny_llama_dir"])
@pytest.mark.parametrize("engine", ["portable", "auto"])
def test_packed_prompt_passes_of_a_bfloat16_model_on_either_path(folder, engine, request):
    """A bfloat16 model generates under the engine's plan (its products in bfloat16 where
    this CPU has them, through oneDNN on the fast path; float32 products of the rounded
    weights where it has none, as CI's AVX2 pass makes it): the packed prompt pass gives
    the padded pass's last-position logits to a bfloat16 rounding step, and greedy
    generation runs through both prompt passes."""
    from fairlm.models import load_model
    from fairlm.models._capabilities import probe
    from fairlm.models._generation import _prefill, _Runner

    lm = load_model(request.getfixturevalue(folder), dtype="bfloat16", engine=engine)
    assert lm.engine.products == ("bfloat16" if probe().onednn["bfloat16"] else "float32")
    prompts = [lm.tokenize_prompt(t) for t in [*TEXTS, TEXTS[0] + " that"]]
    eos = lm._eos_ids()
    with torch.inference_mode(), lm._generation_context():
        runner = _Runner(lm.model)
        assert runner.packs
        packed = _prefill(runner, prompts, 0, {})
        got = generate_tokens(lm.model, prompts, Sampling(max_new_tokens=6, eos_ids=eos))
        runner.packs = False
        padded = _prefill(runner, prompts, 0, {})
        a = runner.logits(packed[0], 0, len(prompts))
        b = runner.logits(padded[0], 0, len(prompts))
    # the same sums in another order; a bfloat16 product output can round one step
    # (0.4%) the other way, which the later layers carry on
    err = (a - b).abs()
    assert err.median() < 1e-5 and err.max() < 5e-3 * max(1.0, b.abs().max().item())
    assert all(len(g[0]) <= 6 for g in got) and any(g[0] for g in got)
