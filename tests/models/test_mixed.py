"""Half-precision scoring: matrix products in the model's dtype, the rest in float32."""

from __future__ import annotations

import functools

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from tests.conftest import direct_logprobs
from transformers import LlamaConfig
from transformers.activations import ACT2FN
from transformers.models.llama.modeling_llama import LlamaMLP

from fairlm.models import _engine, _mixed, _onednn
from fairlm.models._capabilities import probe
from fairlm.models._engine import Request, score_requests
from fairlm.models._plan import EnginePlan, plan_engine

TEXTS = [
    "The doctor said that he would come back tomorrow.",
    "The nurse said that she would come back tomorrow.",
    "People from that country are very friendly.",
    "Women are bad at math and science, or so the old man said to the engineer.",
]


def _round(t: torch.Tensor) -> torch.Tensor:
    return t.bfloat16().float()


def _fused_mlp(mlp, x):
    """A gated MLP as the mixed pass computes it: act(gate) and up * act(gate) are each
    rounded once (the layer by layer path would round gate, up and their product)."""
    h = _round(x)
    g = _round(mlp.act_fn(F.linear(h, mlp.gate_proj.weight, mlp.gate_proj.bias)))
    y = _round(F.linear(h, mlp.up_proj.weight, mlp.up_proj.bias) * g)
    return _round(F.linear(y, mlp.down_proj.weight, mlp.down_proj.bias))


def _mixed_reference(path, *, products: str = "bfloat16", fused: bool = True):
    """A float32 model computing what the engine should: bfloat16-rounded weights and,
    with bfloat16 products, each body linear layer's input and output rounded to
    bfloat16, a gated MLP's intermediate rounded as :func:`_fused_mlp` says where the
    MLP is ``fused``. A product of bfloat16 numbers is exact in float32, so only the
    order of the sums differs, but that can move an output across a bfloat16 rounding
    boundary (one step is 0.4%). With float32 products only the weights are rounded."""
    from fairlm.models import load_model

    model = load_model(path, dtype="float32").model
    head = model.get_output_embeddings()
    with torch.no_grad():
        for p in model.parameters():
            p.copy_(_round(p))
    if products == "float32":
        return model
    for m in model.modules():
        if isinstance(m, LlamaMLP) and fused:
            m.forward = functools.partial(_fused_mlp, m)
        elif type(m) is torch.nn.Linear and m is not head:
            m.register_forward_pre_hook(lambda _, args: (_round(args[0]),))
            m.register_forward_hook(lambda _, __, out: _round(out))
    return model


def _raw_model(path, dtype=torch.bfloat16):
    """The saved model as transformers loads it (no engine plan applied)."""
    from transformers import AutoModelForCausalLM

    return AutoModelForCausalLM.from_pretrained(path, dtype=dtype).eval()


@pytest.mark.parametrize("folder", ["tiny_gpt2_dir", "tiny_llama_dir"])
@pytest.mark.parametrize("engine", ["portable", "fast"])
def test_half_model_computes_in_float32_between_products(folder, engine, request, monkeypatch):
    """The engine's scores of a bfloat16 model match an independent float32 computation
    of the same rounding (GPT-2's Conv1D layers are not nn.Linear: all float32), far
    closer than the bfloat16 model run as loaded (residual stream in bfloat16). Where
    this machine has no bfloat16 products (probed), the plan says so and the scores are
    float32 products of the bfloat16-rounded weights."""
    from fairlm.models import load_model

    path = request.getfixturevalue(folder)
    lm = load_model(path, dtype="bfloat16", engine="auto" if engine == "fast" else "portable")
    plan, caps = lm.engine, probe()
    assert plan.products == ("bfloat16" if caps.onednn["bfloat16"] else "float32")
    if engine == "fast":  # oneDNN with reordered weights, normally for big jobs only
        monkeypatch.setattr(_engine, "_FAST_MIN_TOKENS", 0)
        assert plan.onednn == caps.onednn["float32"]
        assert plan.fused_mlp == (caps.onednn["bfloat16"] and caps.post_ops)
    else:
        assert not plan.onednn and not plan.fused_mlp
    ref_model = _mixed_reference(path, products=plan.products, fused=plan.fused_mlp)
    seqs = [[lm.prefix_token_id, *lm.tokenize(t)] for t in TEXTS]
    calls = []
    real_linear = _onednn.linear
    monkeypatch.setattr(
        _onednn, "linear", lambda x, *a, **k: calls.append(x.dtype) or real_linear(x, *a, **k)
    )
    got = score_requests(lm.model, [Request(tuple(s)) for s in seqs], plan=plan)
    as_loaded = _raw_model(path)
    errs, as_is_err = [], 0.0
    for s, lp in zip(seqs, got, strict=True):
        ref = direct_logprobs(ref_model, s)
        errs.append(np.abs(lp - ref))
        as_is_err = max(as_is_err, np.abs(direct_logprobs(as_loaded, s) - ref).max())
    errs = np.concatenate(errs)
    # oneDNN ran exactly where the plan said, in the dtypes it said (GPT-2's body has
    # Conv1D layers, and a vocabulary this small is one float32 slice)
    assert bool(calls) == plan.onednn
    half_layers = folder == "tiny_llama_dir" and plan.products == "bfloat16"
    assert (torch.bfloat16 in calls) == (plan.onednn and half_layers)
    # Almost every token agrees to float32 rounding; a sum in another order (packed rows
    # against one plain pass) can cross a bfloat16 rounding boundary, one step being
    # 0.4%, and move a later token more. Measured: median under 1e-6 everywhere; max
    # 7.7e-7 (GPT-2) and 7.2e-7 (Llama, fused MLP), 2.0e-3 (Llama, layer by layer);
    # the model run as loaded is off by 0.016 (GPT-2) and 0.027 (Llama).
    assert np.median(errs) < 1e-5
    assert errs.max() < 5e-3
    assert as_is_err > 5 * errs.max()
    # the model is its own again: bfloat16, or widened once at load where no products
    want = torch.bfloat16 if plan.products == "bfloat16" else torch.float32
    assert all(p.dtype == want for p in lm.model.parameters())
    assert all("forward" not in m.__dict__ for m in lm.model.modules())


@pytest.mark.parametrize(
    ("act", "post_op"),
    [("silu", ("swish", "")), ("gelu_pytorch_tanh", ("gelu", "tanh")), ("gelu", ("gelu", "none"))],
)
def test_gated_mlp_runs_as_three_fused_products(act, post_op):
    """A Llama-style MLP computes down(act(gate(x)) * up(x)) with the activation and the
    multiplication fused into oneDNN's products: its values are a float64 computation
    rounded at those two places, and the post-op is the activation itself (checked in
    float32, where GELU's tanh approximation and its exact form differ by up to 4.7e-4
    on these values: the other GELU's post-op fails the check). On a machine whose
    probe finds no oneDNN bfloat16 post-ops, the plan never asks for the fusion."""
    caps = probe()
    if not caps.post_ops:
        assert not plan_engine("bfloat16", caps=caps).fused_mlp
        assert caps.reasons["post_ops"]
        return
    gen = torch.Generator().manual_seed(0)
    cfg = LlamaConfig(
        hidden_size=16, intermediate_size=48, num_attention_heads=4, hidden_act=act, mlp_bias=True
    )
    mlp = LlamaMLP(cfg)
    with torch.no_grad():
        for p in mlp.parameters():
            p.copy_(torch.randn(p.shape, generator=gen))
    assert _mixed._post_op(mlp.act_fn) == post_op
    x = torch.randn(7, 16, generator=gen)
    weight = mlp.gate_proj.weight.detach()
    ours = _onednn.linear(x, weight, mlp.gate_proj.bias.detach(), post_op)
    theirs = mlp.act_fn(F.linear(x, weight, mlp.gate_proj.bias))
    assert torch.allclose(ours, theirs, rtol=1e-5, atol=1e-5)

    mlp.to(torch.bfloat16)
    with torch.no_grad(), _mixed.float32_between_products(mlp, pack=False, fuse=True) as n:
        assert n == 3 and "forward" in mlp.__dict__
        assert all("forward" not in m.__dict__ for m in (mlp.gate_proj, mlp.up_proj))
        got = mlp(x).double()
    double = {k: v.double() for k, v in mlp.state_dict().items()}
    act_fn = ACT2FN[act]
    h = x.bfloat16().double()
    g = act_fn(F.linear(h, double["gate_proj.weight"], double["gate_proj.bias"]))
    y = F.linear(h, double["up_proj.weight"], double["up_proj.bias"]) * _round(g).double()
    want = F.linear(_round(y).double(), double["down_proj.weight"], double["down_proj.bias"])
    want = _round(want).double()
    # layer by layer: gate, up and their product rounded (what the fusion replaces)
    g_ = _round(F.linear(h, double["gate_proj.weight"], double["gate_proj.bias"])).double()
    u_ = _round(F.linear(h, double["up_proj.weight"], double["up_proj.bias"])).double()
    y_ = _round(act_fn(g_) * u_).double()
    layered = _round(F.linear(y_, double["down_proj.weight"], double["down_proj.bias"]))
    # the rounding happens in the same places: outputs equal to the bit (measured: all
    # 112, against 41-61 of them for the layer by layer rounding), or a step apart where
    # a float32 sum fell on the other side of a bfloat16 rounding boundary
    step = 2.0**-7 * want.abs()
    assert ((got - want).abs() <= step).all()
    assert (got == want).float().mean() > 0.9
    assert (layered.double() == want).float().mean() < 0.75
    assert "forward" not in mlp.__dict__


def test_an_mlp_computing_something_else_is_not_fused():
    """Only the exact gated form is fused: an MLP whose forward differs keeps its own,
    and its layers are swapped one by one."""

    class Swapped(LlamaMLP):
        def forward(self, x):
            return self.down_proj(self.act_fn(self.up_proj(x)) * self.gate_proj(x))

    mlp = Swapped(LlamaConfig(hidden_size=8, intermediate_size=16, num_attention_heads=2)).to(
        torch.bfloat16
    )
    assert _mixed._gated_parts(mlp) is None
    assert (
        _mixed._gated_parts(
            LlamaMLP(LlamaConfig(hidden_size=8, intermediate_size=16, num_attention_heads=2))
        )
        is None
    )
    with torch.no_grad(), _mixed.float32_between_products(mlp, pack=False, fuse=True) as n:
        assert n == 3 and "forward" not in mlp.__dict__
        assert all("forward" in m.__dict__ for m in (mlp.gate_proj, mlp.up_proj, mlp.down_proj))
    # and a real gated MLP is left layer by layer unless the fusion is asked for
    gated = LlamaMLP(LlamaConfig(hidden_size=8, intermediate_size=16, num_attention_heads=2))
    gated.to(torch.bfloat16)
    with torch.no_grad(), _mixed.float32_between_products(gated, pack=False) as n:
        assert n == 3 and "forward" not in gated.__dict__


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
    # no half-precision products: the linear layer is widened like the rest
    with (
        torch.no_grad(),
        _mixed.float32_between_products(root, pack=False, half_products=False) as n,
    ):
        assert n == 0 and layer.weight.dtype == torch.float32
        y = layer(x)
        want = torch.nn.functional.linear(x, _round(layer.weight), _round(layer.bias))
        assert y.dtype == torch.float32 and torch.equal(y, want)
    assert all(p.dtype == torch.bfloat16 for p in root.parameters())


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
    caps = probe()
    if fast and not caps.onednn["bfloat16"]:
        # no oneDNN bfloat16 products here: the plan projects in float32 instead
        plan = plan_engine("bfloat16", caps=caps)
        assert not plan.half_vocabulary and plan.products == "float32"
        assert "bfloat16" in caps.reasons["onednn.bfloat16"]
        return
    model = _raw_model(tiny_llama_dir)
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
    plan = EnginePlan("auto", "cpu", "bfloat16", "bfloat16", onednn=fast, half_vocabulary=True)
    fwd = _engine._Forward(model, plan)
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
