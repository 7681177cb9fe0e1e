"""The building blocks of adversarial debiasing (:mod:`fairlm.mitigation.adversarial`):
the adversary head, gradient reversal, the training loss, and a fresh probe of the
protected attribute. These need torch; the method class does not, so ``fairlm debias
--help`` stays light.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Literal

import torch
from torch import nn
from torch.nn import functional as F

from fairlm.mitigation._data import collate

__all__ = [
    "OBJECTIVES",
    "AdversaryHead",
    "adversarial_loss",
    "grad_reverse",
    "pooled_hidden_states",
    "probe_accuracy",
    "probe_from_features",
]


class _GradReverse(torch.autograd.Function):
    @staticmethod
    def forward(ctx: Any, x: torch.Tensor, scale: float) -> torch.Tensor:
        ctx.scale = scale
        return x.view_as(x)

    @staticmethod
    def backward(ctx: Any, grad: torch.Tensor) -> tuple[torch.Tensor, None]:
        return -ctx.scale * grad, None


def grad_reverse(x: torch.Tensor, scale: float = 1.0) -> torch.Tensor:
    """Identity on the way forward; multiplies the gradient by ``-scale`` on the way back."""
    return _GradReverse.apply(x, scale)


class AdversaryHead(nn.Module):
    """Predicts the protected attribute from pooled hidden states: (B, H) -> (B, C) logits.

    Features are standardised with fixed statistics (:meth:`set_normalization`, kept as
    buffers so checkpoints carry them), then a one-hidden-layer MLP (``width`` > 0) or a
    linear layer (``width`` = 0).
    """

    def __init__(self, hidden_size: int, n_classes: int = 2, *, width: int = 128) -> None:
        super().__init__()
        self.register_buffer("mean", torch.zeros(hidden_size))
        self.register_buffer("std", torch.ones(hidden_size))
        if width > 0:
            self.net: nn.Module = nn.Sequential(
                nn.Linear(hidden_size, width), nn.ReLU(), nn.Linear(width, n_classes)
            )
        else:
            self.net = nn.Linear(hidden_size, n_classes)

    def set_normalization(self, features: torch.Tensor) -> None:
        """Standardise inputs with the mean and std of ``features`` (N, H)."""
        self.mean.copy_(features.mean(0))
        self.std.copy_(features.std(0).clamp_min(1e-6))

    def forward(self, h: torch.Tensor) -> torch.Tensor:
        return self.net((h.float() - self.mean) / self.std)  # (B, C)


def pooled_hidden_states(
    model: Any, batch: dict[str, torch.Tensor], *, labels: bool = True
) -> tuple[Any, torch.Tensor]:
    """Run the LM on a batch; return its output and the mean of the last layer's hidden
    states over each text's tokens, (B, H)."""
    out = model(
        input_ids=batch["input_ids"],
        attention_mask=batch["attention_mask"],
        labels=batch["labels"] if labels else None,
        output_hidden_states=True,
    )
    h = out.hidden_states[-1]  # (B, T, H)
    m = batch["attention_mask"].to(h.dtype)[..., None]  # (B, T, 1)
    return out, (h * m).sum(1) / m.sum(1).clamp_min(1.0)


OBJECTIVES: tuple[str, ...] = ("reversal", "confusion")


def adversarial_loss(
    strength: float = 1.0,
    *,
    objective: Literal["reversal", "confusion"] = "reversal",
) -> Callable[[Any, dict[str, torch.Tensor], nn.Module | None], tuple[torch.Tensor, dict]]:
    """A loss for :class:`fairlm.training.Trainer`: LM loss + an adversarial term. The
    batch needs ``attribute`` (-100: no label); ``extra_modules`` is the
    :class:`AdversaryHead`. In both objectives the adversary itself minimises its
    cross-entropy at full rate, and ``strength`` = 0 is plain fine-tuning.

    ``reversal`` (Ganin & Lempitsky 2015)
        The adversary reads the hidden states through a gradient reversal layer of scale
        ``strength``: the LM gets ``-strength`` times the adversary's gradient, i.e. it
        *maximises* the adversary's cross-entropy. That objective is unbounded: with a
        large ``strength`` or learning rate the LM can wreck its hidden states to make the
        adversary confidently wrong (see docs/mitigation.md).
    ``confusion`` (Alvi, Zisserman & Nellaker, ECCV Workshops 2018)
        The adversary learns on detached hidden states; the LM minimises ``strength`` times
        the cross-entropy between the uniform distribution and the (frozen) adversary's
        prediction, which is smallest when the adversary is at chance: a bounded goal.
    """
    if objective not in OBJECTIVES:
        raise ValueError(f"objective must be one of {', '.join(OBJECTIVES)}, not {objective!r}")

    def loss_fn(model: Any, batch: dict[str, torch.Tensor], extra_modules: Any):
        if extra_modules is None:
            raise ValueError("adversarial_loss needs the AdversaryHead as extra_modules")
        out, pooled = pooled_hidden_states(model, batch)
        if objective == "reversal":
            logits = extra_modules(grad_reverse(pooled, strength))  # (B, C)
        else:
            logits = extra_modules(pooled.detach())  # (B, C): trains the adversary only
        target = batch["attribute"].to(logits.device)
        labelled = target != -100
        logs = {"lm_loss": float(out.loss.detach())}
        if not labelled.any():
            # keeps the graph (and DDP) happy on unlabelled batches
            return out.loss + logits.sum() * 0.0, logs
        adv = F.cross_entropy(logits[labelled], target[labelled])
        acc = (logits[labelled].argmax(-1) == target[labelled]).float().mean()
        logs.update(adv_loss=float(adv.detach()), adv_acc=float(acc))
        if objective == "reversal":
            return out.loss + adv, logs
        # the adversary's parameters, detached: the confusion term moves the LM only
        frozen = {k: v.detach() for k, v in extra_modules.named_parameters()}
        frozen.update(dict(extra_modules.named_buffers()))
        fooled = torch.func.functional_call(extra_modules, frozen, (pooled[labelled],))
        confusion = -F.log_softmax(fooled, -1).mean(-1).mean()  # CE(uniform, p), >= log C
        logs["confusion"] = float(confusion.detach())
        return out.loss + adv + strength * confusion, logs

    return loss_fn


@torch.no_grad()
def _features(
    model: Any,
    examples: Sequence[dict[str, Any]],
    *,
    batch_size: int,
    pad_id: int,
    bf16: bool = False,
):
    was_training = model.training
    model.eval()
    device = next(model.parameters()).device
    feats, labels = [], []
    try:
        for start in range(0, len(examples), batch_size):
            batch = collate(list(examples[start : start + batch_size]), pad_id=pad_id)
            batch = {k: v.to(device) for k, v in batch.items()}
            with torch.autocast(device.type, dtype=torch.bfloat16, enabled=bf16):
                _, pooled = pooled_hidden_states(model, batch, labels=False)
            feats.append(pooled.float().cpu())
            labels.append(batch["attribute"].cpu())
    finally:
        model.train(was_training)
    return torch.cat(feats), torch.cat(labels)


def fit_head(
    head: AdversaryHead,
    x: torch.Tensor,
    y: torch.Tensor,
    *,
    steps: int = 300,
    lr: float = 1e-2,
    seed: int = 0,
) -> AdversaryHead:
    """Train ``head`` full-batch with Adam on features ``x`` (N, H) and labels ``y`` (N,)."""
    torch.manual_seed(seed)
    head.set_normalization(x)
    opt = torch.optim.Adam(head.parameters(), lr=lr, weight_decay=1e-4)
    head.train()
    for _ in range(steps):
        opt.zero_grad()
        F.cross_entropy(head(x), y).backward()
        opt.step()
    head.eval()
    return head


def probe_accuracy(
    model: Any,
    train_examples: Sequence[dict[str, Any]],
    test_examples: Sequence[dict[str, Any]],
    *,
    n_classes: int = 2,
    width: int = 128,
    steps: int = 300,
    batch_size: int = 32,
    pad_id: int = 0,
    seed: int = 0,
    bf16: bool = False,
) -> tuple[dict[str, float], AdversaryHead]:
    """Train a fresh adversary on the model's pooled hidden states; score it on held-out.

    Examples are dicts with ``input_ids`` and ``attribute`` (-100 = unlabelled, skipped).
    Returns ``{"accuracy", "chance", "n_train", "n_test"}`` (accuracy and chance in
    percent; chance is the held-out majority-class rate, ``ci_low``/``ci_high`` a 95%
    Wilson interval of the accuracy) and the fitted head. ``bf16`` runs the model under
    bfloat16 autocast (faster on CPUs with bf16 instructions and on GPUs).
    """
    train = [e for e in train_examples if e["attribute"] >= 0]
    test = [e for e in test_examples if e["attribute"] >= 0]
    if not train or not test:
        raise ValueError("probe_accuracy needs labelled examples in both splits")
    x, y = _features(model, train, batch_size=batch_size, pad_id=pad_id, bf16=bf16)
    xt, yt = _features(model, test, batch_size=batch_size, pad_id=pad_id, bf16=bf16)
    return probe_from_features(
        x, y, xt, yt, n_classes=n_classes, width=width, steps=steps, seed=seed
    )


def probe_from_features(
    x: torch.Tensor,
    y: torch.Tensor,
    xt: torch.Tensor,
    yt: torch.Tensor,
    *,
    n_classes: int = 2,
    width: int = 128,
    steps: int = 300,
    seed: int = 0,
) -> tuple[dict[str, float], AdversaryHead]:
    """:func:`probe_accuracy` on features already computed: a fresh head fitted on ``x``
    (N, H) and labels ``y``, scored on ``xt``, ``yt``. Seeded: the head's initial
    weights too."""
    torch.manual_seed(seed)
    head = AdversaryHead(x.shape[1], n_classes, width=width)
    fit_head(head, x, y, steps=steps, seed=seed)
    with torch.no_grad():
        acc = (head(xt).argmax(-1) == yt).float().mean().item()
    chance = torch.bincount(yt, minlength=n_classes).max().item() / len(yt)
    lo, hi = _wilson(acc, len(yt))
    return (
        {
            "accuracy": 100.0 * acc,
            "ci_low": 100.0 * lo,
            "ci_high": 100.0 * hi,
            "chance": 100.0 * chance,
            "n_train": len(y),
            "n_test": len(yt),
        },
        head,
    )


def _wilson(p: float, n: int, z: float = 1.959964) -> tuple[float, float]:
    """Wilson score interval of a proportion ``p`` out of ``n`` (95% by default)."""
    denom = 1.0 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z * ((p * (1 - p) / n + z * z / (4 * n * n)) ** 0.5) / denom
    return max(0.0, centre - half), min(1.0, centre + half)
