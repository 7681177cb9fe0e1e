"""Erasers inside a model: hooks reach the scoring engine, folding equals hooking, saved
folders come back with (fairlm) or without (plain transformers) their hooks."""

from __future__ import annotations

import json

import numpy as np
import pytest
import torch
from tests.conftest import direct_logprobs

from fairlm.models._erasure import (
    FINAL,
    Eraser,
    erasure_hooks,
    fold_into_head,
    parse_points,
    save_erased,
)

TEXTS = [
    "The doctor said that he would come back tomorrow.",
    "The nurse said that she would come back tomorrow.",
    "Women are bad at math.",
    "My neighbour is a kind old man who loves his garden.",
]


def _random_eraser(hidden: int, rank: int, *, affine: bool, seed: int = 0) -> Eraser:
    g = torch.Generator().manual_seed(seed)
    basis, _ = torch.linalg.qr(torch.randn(hidden, rank, generator=g, dtype=torch.float64))
    bias = torch.randn(hidden, generator=g, dtype=torch.float64) if affine else None
    return Eraser(basis, basis.T.clone(), bias)


def _scores(lm) -> list[np.ndarray]:
    return lm.token_logprobs(TEXTS)


def _close(a, b, tol=1e-4) -> bool:
    return all(np.allclose(x, y, atol=tol) for x, y in zip(a, b, strict=True))


def _hidden(lm) -> int:
    return lm.model.config.get_text_config().hidden_size


def test_eraser_formula_by_hand():
    # x - left @ right @ (x - bias) with left = right.T = e1, bias = (1, 1): the first
    # coordinate is set to the bias's, the second kept
    e = Eraser(torch.tensor([[1.0], [0.0]]), torch.tensor([[1.0, 0.0]]), torch.tensor([1.0, 1.0]))
    assert torch.allclose(e(torch.tensor([[5.0, 7.0]])), torch.tensor([[1.0, 7.0]]))
    p = Eraser.projection(torch.tensor([[0.6, 0.8]]))
    assert torch.allclose(p(torch.tensor([0.6, 0.8])), torch.zeros(2), atol=1e-7)
    assert p.linear and p.rank == 1
    assert torch.allclose(p.matrix(), torch.eye(2, dtype=torch.float64) - torch.tensor(
        [[0.36, 0.48], [0.48, 0.64]], dtype=torch.float64))  # fmt: skip


def test_parse_points():
    assert parse_points("final", 4) == ["final"]
    assert parse_points("-1, 0,final", 4) == ["layers.0", "layers.3", "final"]
    assert parse_points("all", 2) == ["layers.0", "layers.1"]
    for bad in ("4", "x", ""):
        with pytest.raises(ValueError):
            parse_points(bad, 4)


@pytest.mark.parametrize("lm_name", ["tiny_lm", "tiny_llama"])
@pytest.mark.parametrize("points", [["final"], ["layers.0"], ["layers.1", "final"]])
def test_hooks_reach_the_scoring_engine_and_leave_no_trace(lm_name, points, request):
    """With hooks the engine's scores differ from the model's and equal a plain forward
    pass of the hooked model; without them they are the original scores, exactly."""
    lm = request.getfixturevalue(lm_name)
    before = _scores(lm)
    erasers = {p: _random_eraser(_hidden(lm), 3, affine=True, seed=i) for i, p in enumerate(points)}
    with erasure_hooks(lm.model, erasers):
        hooked = _scores(lm)
        ids = [[lm.prefix_token_id, *lm.tokenize(t)] for t in TEXTS]
        direct = [direct_logprobs(lm.model, i) for i in ids]
    assert not _close(before, hooked, tol=1e-3)
    assert _close(hooked, direct)
    after = _scores(lm)
    assert all(np.array_equal(x, y) for x, y in zip(before, after, strict=True))


@pytest.mark.parametrize("folder", ["tiny_gpt2_dir", "tiny_llama_dir"])
def test_folding_into_the_head_equals_the_hook(folder, request, tmp_path):
    """A linear eraser at ``final`` folded into the (tied) LM head scores as the hook
    does; the saved folder is a plain checkpoint that transformers loads with it."""
    from transformers import AutoModelForCausalLM

    from fairlm.models import load_model

    src = request.getfixturevalue(folder)
    lm = load_model(src)
    eraser = {FINAL: _random_eraser(_hidden(lm), 2, affine=False)}
    with erasure_hooks(lm.model, eraser):
        hooked = _scores(lm)
    meta = save_erased(tmp_path, lm.model, lm.tokenizer, eraser, {"method": "test"})
    assert meta["applied"] == "folded into the LM head"
    assert not (tmp_path / "fairlm_erasure.safetensors").exists()
    assert _close(_scores(lm), hooked)  # folded in place
    emb = lm.model.get_input_embeddings().weight
    assert torch.equal(emb, load_model(src).model.get_input_embeddings().weight)
    plain = AutoModelForCausalLM.from_pretrained(tmp_path)
    ids = [[lm.prefix_token_id, *lm.tokenize(t)] for t in TEXTS]
    assert _close([direct_logprobs(plain, i) for i in ids], hooked)


def test_fold_refuses_an_affine_eraser(tiny_gpt2_dir):
    from fairlm.models import load_model

    lm = load_model(tiny_gpt2_dir)
    with pytest.raises(ValueError, match="linear"):
        fold_into_head(lm.model, _random_eraser(_hidden(lm), 1, affine=True))


@pytest.mark.parametrize("folder", ["tiny_gpt2_dir", "tiny_llama_dir"])
def test_a_hooks_folder_loads_with_its_hooks_in_fairlm_only(folder, request, tmp_path):
    from transformers import AutoModelForCausalLM

    from fairlm.models import load_model

    lm = load_model(request.getfixturevalue(folder))
    original = _scores(lm)
    erasers = {
        "layers.0": _random_eraser(_hidden(lm), 2, affine=True, seed=1),
        FINAL: _random_eraser(_hidden(lm), 1, affine=True, seed=2),
    }
    with erasure_hooks(lm.model, erasers):
        hooked = _scores(lm)
    meta = save_erased(tmp_path, lm.model, lm.tokenizer, erasers, {"method": "test"})
    (tmp_path / "fairlm_model.json").write_text(json.dumps({"erasure": meta}))
    assert meta["applied"] == "forward hooks" and meta["ranks"] == {"layers.0": 2, "final": 1}

    again = load_model(tmp_path)
    assert _close(_scores(again), hooked)
    note = again.describe()["erasure"]["note"]
    assert "WITHOUT" in note and "plain transformers" in note
    plain = AutoModelForCausalLM.from_pretrained(tmp_path)
    ids = [[lm.prefix_token_id, *lm.tokenize(t)] for t in TEXTS]
    assert _close([direct_logprobs(plain, i) for i in ids], original)
