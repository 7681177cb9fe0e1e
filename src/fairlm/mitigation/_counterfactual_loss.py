"""The loss of fairness-constrained fine-tuning (:mod:`fairlm.mitigation.constraint`):
the causal-LM loss plus a penalty on treating a text and its counterfactual differently.
Needs torch; the method class does not.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Literal

import torch
from torch.nn import functional as F

__all__ = ["KINDS", "counterfactual_loss", "mean_token_logprob", "aligned_suffix_kl"]

Kind = Literal["loglik", "kl"]
KINDS: tuple[str, ...] = ("loglik", "kl")


def _token_nll(logits: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
    """Per-token negative log-likelihood of ``labels[:, 1:]``, 0 where ignored: (B, T-1)."""
    target = labels[:, 1:]
    nll = F.cross_entropy(
        logits[:, :-1].float().flatten(0, 1), target.flatten(), reduction="none", ignore_index=-100
    )
    return nll.view_as(target)


def mean_token_logprob(logits: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
    """Mean log-probability per predicted token of each row (nats): (B,)."""
    nll = _token_nll(logits, labels)
    n = (labels[:, 1:] != -100).sum(1).clamp_min(1)
    return -nll.sum(1) / n


def aligned_suffix_kl(
    logits: torch.Tensor,
    ids: torch.Tensor,
    mask: torch.Tensor,
    cf_logits: torch.Tensor,
    cf_ids: torch.Tensor,
    cf_mask: torch.Tensor,
) -> torch.Tensor:
    """Symmetric KL between next-token distributions predicting the common token suffix
    of each text and its counterfactual, averaged over those positions: (B,).

    Rows whose texts share no suffix (the swap is at the very end) get 0.
    """
    out = []
    for r in range(ids.shape[0]):
        n, m = int(mask[r].sum()), int(cf_mask[r].sum())
        a, b = ids[r, :n], cf_ids[r, :m]
        k = 0  # common suffix length, never reaching the first token of either
        while k < min(n, m) - 1 and a[n - 1 - k] == b[m - 1 - k]:
            k += 1
        if k == 0:
            out.append(logits.new_zeros((), dtype=torch.float32))
            continue
        # positions n-1-k .. n-2 predict the k suffix tokens of the text; same in cf
        p = F.log_softmax(logits[r, n - 1 - k : n - 1].float(), -1)  # (k, V)
        q = F.log_softmax(cf_logits[r, m - 1 - k : m - 1].float(), -1)  # (k, V)
        kl_pq = F.kl_div(q, p, log_target=True, reduction="none").sum(-1)  # KL(p || q)
        kl_qp = F.kl_div(p, q, log_target=True, reduction="none").sum(-1)
        out.append((0.5 * (kl_pq + kl_qp)).mean())
    return torch.stack(out)


def counterfactual_loss(
    strength: float = 1.0, *, kind: Kind = "loglik"
) -> Callable[[Any, dict[str, torch.Tensor], Any], tuple[torch.Tensor, dict[str, float]]]:
    """A loss for :class:`fairlm.training.Trainer`: LM loss + ``strength`` x regulariser.

    The batch needs ``cf_input_ids``/``cf_attention_mask``/``cf_labels`` and ``has_cf``
    (see :func:`fairlm.mitigation._data.counterfactual_examples`). The LM loss is the
    token-mean cross-entropy of the original texts only.
    """
    if kind not in KINDS:
        raise ValueError(f"unknown constraint kind {kind!r}; choose one of {', '.join(KINDS)}")

    def loss_fn(model: Any, batch: dict[str, torch.Tensor], extra_modules: Any = None):
        logits = model(input_ids=batch["input_ids"], attention_mask=batch["attention_mask"]).logits
        labels = batch["labels"]
        nll = _token_nll(logits, labels)  # (B, T-1)
        n_tok = (labels[:, 1:] != -100).sum().clamp_min(1)
        lm = nll.sum() / n_tok
        has = batch["has_cf"].bool()
        logs = {"lm_loss": float(lm.detach())}
        if not has.any():
            return lm, {**logs, "cf_penalty": 0.0}
        sel = {k: batch[k][has] for k in ("cf_input_ids", "cf_attention_mask", "cf_labels")}
        cf_logits = model(
            input_ids=sel["cf_input_ids"], attention_mask=sel["cf_attention_mask"]
        ).logits
        if kind == "loglik":
            lp = -nll[has].sum(1) / (labels[has][:, 1:] != -100).sum(1).clamp_min(1)
            penalty = (lp - mean_token_logprob(cf_logits, sel["cf_labels"])).abs()
        else:
            penalty = aligned_suffix_kl(
                logits[has],
                batch["input_ids"][has],
                batch["attention_mask"][has],
                cf_logits,
                sel["cf_input_ids"],
                sel["cf_attention_mask"],
            )
        # average over all texts of the batch, so the weight per text does not depend on
        # how many of its neighbours happen to have a counterfactual
        reg = penalty.sum() / has.numel()
        logs["cf_penalty"] = float(penalty.mean().detach())
        return lm + strength * reg, logs

    return loss_fn
