"""The adversarial and constraint losses, checked against independent calculations."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch
from torch.nn import functional as F

from fairlm.mitigation._adversary import (
    AdversaryHead,
    adversarial_loss,
    grad_reverse,
    pooled_hidden_states,
)
from fairlm.mitigation._counterfactual_loss import (
    aligned_suffix_kl,
    counterfactual_loss,
    mean_token_logprob,
)
from fairlm.mitigation._data import (
    attribute_examples,
    collate,
    counterfactual_examples,
    encode,
    split_heldout,
)


def test_grad_reverse_is_identity_forward_and_negates_gradient():
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    y = grad_reverse(x, 0.5)
    assert torch.equal(y, x)
    (3.0 * y).sum().backward()
    assert x.grad.tolist() == [-1.5, -1.5]  # d(3y)/dx = 3, reversed and scaled by 0.5


def test_mean_token_logprob_uniform_and_masked():
    logits = torch.zeros(2, 4, 5)  # uniform over 5 tokens: log p = -log 5
    labels = torch.tensor([[0, 1, 2, 3], [0, 1, -100, -100]])
    logits[0, 0, 1] = math.log(4.0)  # p(token 1 at position 1) = 4 / (4 + 4) = 1/2
    got = mean_token_logprob(logits, labels)
    row0 = (math.log(0.5) - 2 * math.log(5)) / 3
    assert got.tolist() == pytest.approx([row0, -math.log(5)])


def test_aligned_suffix_kl_by_hand():
    # text: [9, 1, 7, 7], counterfactual: [9, 2, 7, 7]: common suffix [7, 7], k = 2;
    # positions 1 and 2 predict it in both. Make position 1 differ: p=(1/2,1/2), q=(1/4,3/4).
    ids = torch.tensor([[9, 1, 7, 7]])
    cf_ids = torch.tensor([[9, 2, 7, 7]])
    mask = torch.ones_like(ids)
    logits = torch.zeros(1, 4, 2)
    cf_logits = torch.zeros(1, 4, 2)
    cf_logits[0, 1] = torch.tensor([0.0, math.log(3.0)])
    got = aligned_suffix_kl(logits, ids, mask, cf_logits, cf_ids, mask)
    p, q = np.array([0.5, 0.5]), np.array([0.25, 0.75])
    sym = 0.5 * (np.sum(p * np.log(p / q)) + np.sum(q * np.log(q / p)))
    assert got.item() == pytest.approx(sym / 2, rel=1e-6)  # mean over the 2 positions
    # swap at the very end: no common suffix, no penalty
    end = aligned_suffix_kl(logits, ids, mask, cf_logits, torch.tensor([[9, 1, 7, 8]]), mask)
    assert end.item() == 0.0


def test_collate_pads_and_masks():
    batch = collate(
        [
            {"input_ids": [5, 6, 7], "cf_input_ids": [5, 8], "has_cf": 1},
            {"input_ids": [5], "cf_input_ids": [5], "has_cf": 0},
        ],
        pad_id=0,
    )
    assert batch["input_ids"].tolist() == [[5, 6, 7], [5, 0, 0]]
    assert batch["labels"].tolist() == [[5, 6, 7], [5, -100, -100]]
    assert batch["cf_attention_mask"].tolist() == [[1, 1], [1, 0]]
    assert batch["has_cf"].tolist() == [1, 0]


def test_split_heldout_is_seeded_disjoint_and_deduplicated():
    texts = [f"text {i}" for i in range(20)] + ["text 3", "  "]
    train, held = split_heldout(texts, fraction=0.25, seed=1)
    assert len(held) == 5 and len(train) == 15
    assert not set(train) & set(held)
    assert split_heldout(texts, fraction=0.25, seed=1) == (train, held)
    assert split_heldout(texts, fraction=0.25, seed=1, max_heldout=2)[1].__len__() == 2


@pytest.fixture
def tiny(tiny_gpt2_dir):
    from fairlm.models import load_model

    lm = load_model(tiny_gpt2_dir)
    lm.model.train()
    return lm


def test_constraint_loglik_penalty_matches_scored_gap(tiny):
    lm = tiny
    lm.model.eval()  # no dropout, so the scoring engine and the loss see the same model
    texts = ["The doctor said that he would come.", "The nurse said nothing."]
    cfs = ["The doctor said that she would come.", "The nurse said nothing."]
    ex = counterfactual_examples(
        lm.tokenizer, texts, cfs, prefix_id=lm.prefix_token_id, max_length=64
    )
    assert [e["has_cf"] for e in ex] == [1, 0]
    batch = collate(ex, pad_id=lm.pad_token_id)
    loss, logs = counterfactual_loss(2.0, kind="loglik")(lm.model, batch, None)
    # independent: the model layer's scores, every token after the prefix token
    lp = lm.token_logprobs([texts[0], cfs[0], *texts], first_token="prefix")
    gap = abs(lp[0].mean() - lp[1].mean())
    nll = -np.concatenate(lp[2:])
    lm_loss = nll.mean()
    assert logs["lm_loss"] == pytest.approx(lm_loss, rel=1e-4)
    assert logs["cf_penalty"] == pytest.approx(gap, rel=1e-4)
    # the penalty is averaged over the batch's 2 texts, one of which has no counterfactual
    assert loss.item() == pytest.approx(lm_loss + 2.0 * gap / 2, rel=1e-4)


def test_constraint_without_counterfactuals_is_the_lm_loss(tiny):
    lm = tiny
    ex = counterfactual_examples(
        lm.tokenizer, ["It rained."], ["It rained."], prefix_id=lm.prefix_token_id, max_length=64
    )
    batch = collate(ex, pad_id=lm.pad_token_id)
    loss, logs = counterfactual_loss(5.0, kind="kl")(lm.model, batch, None)
    assert logs["cf_penalty"] == 0.0 and loss.item() == pytest.approx(logs["lm_loss"])


def _he_she_batch_and_head(lm):
    """Three texts (attribute 0, 1 and none) as a batch, and a seeded 2-way adversary."""
    ex = attribute_examples(
        lm.tokenizer,
        ["He came back.", "She came back.", "It rained."],
        [0, 1, -1],
        prefix_id=lm.prefix_token_id,
        max_length=64,
    )
    batch = collate(ex, pad_id=lm.pad_token_id)
    torch.manual_seed(0)
    return batch, AdversaryHead(lm.model.config.n_embd, 2, width=8)


def test_adversarial_gradients_are_reversed_for_the_lm_only(tiny):
    lm = tiny
    lm.model.eval()  # deterministic forward passes
    batch, head = _he_she_batch_and_head(lm)
    strength = 0.7

    lm.model.zero_grad()
    loss, logs = adversarial_loss(strength)(lm.model, batch, head)
    loss.backward()
    g_lm = lm.model.transformer.wte.weight.grad.clone()
    g_head = head.net[0].weight.grad.clone()

    # independent: LM loss and adversary loss, gradients taken separately
    lm.model.zero_grad()
    head.zero_grad()
    out, pooled = pooled_hidden_states(lm.model, batch)
    adv = F.cross_entropy(head(pooled)[:2], batch["attribute"][:2])
    assert loss.item() == pytest.approx((out.loss + adv).item(), rel=1e-5)
    assert logs["adv_loss"] == pytest.approx(adv.item(), rel=1e-5)
    g_lm_only = torch.autograd.grad(out.loss, lm.model.transformer.wte.weight, retain_graph=True)[0]
    g_adv_lm, g_adv_head = torch.autograd.grad(
        adv, [lm.model.transformer.wte.weight, head.net[0].weight]
    )
    torch.testing.assert_close(g_lm, g_lm_only - strength * g_adv_lm, rtol=1e-4, atol=1e-6)
    torch.testing.assert_close(g_head, g_adv_head)  # the adversary itself learns normally


def test_encode_prepends_prefix_and_truncates(tiny):
    lm = tiny
    ids = encode(lm.tokenizer, "The doctor said", prefix_id=lm.prefix_token_id, max_length=3)
    assert ids[0] == lm.prefix_token_id and len(ids) == 3
    assert ids[1:] == lm.tokenize("The doctor said")[:2]


def test_confusion_objective_moves_the_lm_only_and_is_log_c_at_chance(tiny):
    lm = tiny
    lm.model.eval()
    batch, head = _he_she_batch_and_head(lm)
    loss_fn = adversarial_loss(0.3, objective="confusion")
    w = lm.model.transformer.wte.weight

    lm.model.zero_grad()
    loss, logs = loss_fn(lm.model, batch, head)
    loss.backward()
    g_lm, g_head = w.grad.clone(), head.net[0].weight.grad.clone()

    # independent: the three terms, each differentiated on its own
    lm.model.zero_grad()
    head.zero_grad()
    out, pooled = pooled_hidden_states(lm.model, batch)
    y = batch["attribute"][:2]
    adv = F.cross_entropy(head(pooled.detach()[:2]), y)
    p = F.softmax(head(pooled[:2]), -1)
    confusion = -(0.5 * torch.log(p)).sum(-1).mean()  # CE(uniform over 2, p)
    assert logs["confusion"] == pytest.approx(confusion.item(), rel=1e-5)
    assert loss.item() == pytest.approx((out.loss + adv + 0.3 * confusion).item(), rel=1e-5)
    g_lm_expected = torch.autograd.grad(out.loss + 0.3 * confusion, w, retain_graph=True)[0]
    g_head_expected = torch.autograd.grad(adv, head.net[0].weight)[0]
    torch.testing.assert_close(g_lm, g_lm_expected, rtol=1e-4, atol=1e-6)
    torch.testing.assert_close(g_head, g_head_expected)  # the confusion term spares the head

    # an adversary at chance (all-zero last layer) gives exactly log 2
    with torch.no_grad():
        head.net[2].weight.zero_()
        head.net[2].bias.zero_()
    _, logs = loss_fn(lm.model, batch, head)
    assert logs["confusion"] == pytest.approx(math.log(2), rel=1e-6)
    assert logs["adv_loss"] == pytest.approx(math.log(2), rel=1e-6)
