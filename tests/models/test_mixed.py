"""Half-precision scoring: matrix products in the model's dtype, the rest in float32."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from tests.conftest import direct_logprobs

from fairlm.models import _engine, _mixed
from fairlm.models._engine import Request, score_requests

TEXTS = [
    "The doctor said that he would come back tomorrow.",
    "The nurse said that she would come back tomorrow.",
    "People from that country are very friendly.",
    "Women are bad at math and science, or so the old man said to the engineer.",
]


def _round(t: torch.Tensor) -> torch.Tensor:
    return t.bfloat16().float()


def _mixed_reference(path):
    """A float32 model computing what the mixed pass should: bfloat16-rounded weights,
    and each body linear layer's input and output rounded to bfloat16. A product of
    bfloat16 numbers is exact in float32, so only the order of the sums differs, but
    that can move an output across a bfloat16 rounding boundary (one step is 0.4%)."""
    from fairlm.models import load_model

    model = load_model(path, dtype="float32").model
    head = model.get_output_embeddings()
    with torch.no_grad():
        for p in model.parameters():
            p.copy_(_round(p))
    for m in model.modules():
        if type(m) is torch.nn.Linear and m is not head:
            m.register_forward_pre_hook(lambda _, args: (_round(args[0]),))
            m.register_forward_hook(lambda _, __, out: _round(out))
    return model


@pytest.mark.parametrize("folder", ["tiny_gpt2_dir", "tiny_llama_dir"])
@pytest.mark.parametrize("fast", [False, True])
def test_half_model_computes_in_float32_between_products(folder, fast, request, monkeypatch):
    """The engine's scores of a bfloat16 model match an independent float32 computation
    of the same rounding (GPT-2's Conv1D layers are not nn.Linear: all float32), far
    closer than the bfloat16 model run as loaded (residual stream in bfloat16)."""
    from fairlm.models import load_model

    path = request.getfixturevalue(folder)
    lm = load_model(path, dtype="bfloat16")
    ref_model = _mixed_reference(path)
    if fast:  # oneDNN with reordered weights, normally for big jobs only
        monkeypatch.setattr(_engine, "_FAST_MIN_TOKENS", 0)
    seqs = [[lm.prefix_token_id, *lm.tokenize(t)] for t in TEXTS]
    got = score_requests(lm.model, [Request(tuple(s)) for s in seqs])
    err = as_is_err = 0.0
    for s, lp in zip(seqs, got, strict=True):
        ref = direct_logprobs(ref_model, s)
        err = max(err, np.abs(lp - ref).max())
        as_is_err = max(as_is_err, np.abs(direct_logprobs(lm.model, s) - ref).max())
    # measured: GPT-2 8e-7 vs 0.016 as loaded; Llama 2.0e-3 vs 0.029
    assert err < 5e-3
    assert as_is_err > 5 * err
    # the model is its own again
    assert all(p.dtype == torch.bfloat16 for p in lm.model.parameters())
    assert all("forward" not in m.__dict__ for m in lm.model.modules())


def test_float32_between_products_and_restored_afterwards():
    gen = torch.Generator().manual_seed(0)
    emb = torch.nn.Embedding(10, 8)
    layer = torch.nn.Linear(8, 6)
    norm = torch.nn.LayerNorm(6)
    root = torch.nn.Sequential(emb, layer, norm).to(torch.bfloat16)
    before = {name: (p, p.data_ptr()) for name, p in root.named_parameters()}
    ids = torch.tensor([[1, 2, 3]])
    x = torch.randn(2, 8, generator=gen)
    with torch.no_grad(), _mixed.float32_between_products(root, pack=False) as n:
        assert n == 1
        assert emb.weight.dtype == norm.weight.dtype == torch.float32
        assert layer.weight.dtype == torch.bfloat16
        y = layer(x)
        want = torch.nn.functional.linear(x.bfloat16(), layer.weight, layer.bias).float()
        assert y.dtype == torch.float32 and torch.equal(y, want)
        assert root(ids).dtype == torch.float32
    for name, p in root.named_parameters():
        assert p is before[name][0] and p.data_ptr() == before[name][1]
        assert p.dtype == torch.bfloat16
    assert "forward" not in layer.__dict__
    # also after an error inside the block
    with pytest.raises(RuntimeError), _mixed.float32_between_products(root, pack=False):
        raise RuntimeError("boom")
    assert emb.weight.dtype == torch.bfloat16 and "forward" not in layer.__dict__


def test_an_input_read_by_several_layers_is_cast_once():
    cast = _mixed._LastCast()
    x = torch.randn(3, 4)
    first = cast(x, torch.bfloat16)
    assert cast(x, torch.bfloat16) is first
    assert torch.equal(first, x.bfloat16())
    x.add_(1.0)  # changed in place: cast again
    again = cast(x, torch.bfloat16)
    assert again is not first and torch.equal(again, x.bfloat16())
    assert cast(x.clone(), torch.bfloat16) is not again  # another tensor
    h = x.bfloat16()
    assert cast(h, torch.bfloat16) is h  # already in the dtype


@pytest.mark.integration
def test_default_model_in_bfloat16_stays_near_float32(smollm2, data_dir):
    """The real model on 200 CrowS-Pairs pairs: a pair's log-likelihood difference in
    bfloat16 stays near float32's (on the full set: 0.066 nats at the median, and 0.157
    with the model run as loaded, all in bfloat16)."""
    from fairlm.benchmarks import get_benchmark
    from fairlm.models import load_model

    bench = get_benchmark("crows_pairs")(protocol="lm-eval", n_bootstrap=10)
    examples = bench.examples()[:200]

    def differences(lm) -> np.ndarray:
        rows = bench.score(lm, examples, progress=False)
        return np.array([r["score_more"] - r["score_less"] for r in rows])

    d32 = differences(smollm2)
    d16 = differences(load_model("smollm2-135m", dtype="bfloat16"))
    err = np.abs(d16 - d32)
    # measured on these pairs: 0.073 (0.158 as loaded), 99.5% of verdicts agreeing
    assert np.median(err) < 0.1
    assert ((d16 > 0) == (d32 > 0)).mean() >= 0.97


@pytest.mark.parametrize("fast", [False, True])
def test_bfloat16_vocabulary_projection_shifts_each_row_before_rounding(
    tiny_llama_dir, fast, monkeypatch
):
    """A bfloat16 head's log-probabilities equal a float64 computation of the documented
    method (first vocabulary slice and the targets' logits from the float32 rows, the
    other slices from the rows rounded to bfloat16), although every product after the
    first slice comes out of a bfloat16 matmul: it is shifted by the row's running
    maximum before it is rounded. Rounding the unshifted logits costs ~50x more."""
    from fairlm.models import load_model

    model = load_model(tiny_llama_dir, dtype="bfloat16").model
    gen = torch.Generator().manual_seed(0)
    vocab, width, slice_ = 1000, model.config.hidden_size, 128
    head = torch.nn.Linear(width, vocab, bias=False).to(torch.bfloat16)
    with torch.no_grad():
        head.weight.copy_(torch.randn(vocab, width, generator=gen))
    model.lm_head = head
    monkeypatch.setattr(_engine, "_VOCAB_SLICE", slice_)
    rows = torch.randn(40, width, generator=gen)  # logits up to ~20
    last = head.weight.detach()[-1].float()
    rows[:5] = 3 * last / last.norm()  # these rows' top logit in the last slice
    which = np.repeat(np.arange(40), 2)  # two targets per row
    targets = torch.randint(vocab, (80,), generator=gen)
    fwd = _engine._Forward(model)
    fwd.fast = fast
    with torch.inference_mode():
        got = fwd.logprobs(rows, targets, which)

    w = head.weight.detach().double()
    h = rows.double()
    h16 = rows.bfloat16().double()
    logits = torch.cat([h @ w[:slice_].T, h16 @ w[slice_:].T], dim=1)
    target_logit = (h[which] * w[targets]).sum(-1)
    want = (target_logit - torch.logsumexp(logits, -1)[which]).numpy()
    err = np.abs(got - want).max()
    # rounding the same logits to bfloat16 unshifted, as a plain bfloat16 product would
    rounded = torch.cat([logits[:, :slice_], logits[:, slice_:].bfloat16().double()], dim=1)
    naive = (target_logit - torch.logsumexp(rounded, -1)[which]).numpy()
    assert logits.abs().max() > 16  # where bfloat16's step is 0.125
    # a logit within a nat above its shift is off by at most half a step, 2**-9;
    # measured: 9.7e-4, and 0.052 rounded unshifted
    assert err < 2.5e-3
    assert np.abs(naive - want).max() > 20 * err
