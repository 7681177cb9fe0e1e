"""Choosing the next token: greedy, or sampled with temperature, top-k and top-p.

The sampling rules are Hugging Face ``generate``'s (its temperature, top-k and top-p
logits warpers, applied in that order): top-p keeps the smallest set of most likely
tokens whose probability reaches ``top_p``, the token that crosses it included. A token
is then drawn by inverting the cumulative distribution of the kept tokens, most likely
first, at one uniform number per row; each row's uniform numbers come from a generator
of its own (see :mod:`._generation`), so a row's text does not depend on the rows it
shares a batch with.

Speed: Hugging Face sorts the whole vocabulary of every row at every step to apply
top-p. Here the most likely ``_TOP`` tokens are taken first (a partial selection); rows
whose nucleus is wider take ``_GROWTH`` times as many, and so on up to the whole
vocabulary. Selecting the most likely ``n`` tokens costs far less than a full sort when
``n`` is much smaller than the vocabulary, and the result is the same.
"""

from __future__ import annotations

import torch

__all__ = ["choose"]

# tokens taken by the first partial selection, and how much the next one takes
_TOP = 256
_GROWTH = 8


def choose(
    logits: torch.Tensor,
    *,
    do_sample: bool,
    temperature: float = 1.0,
    top_k: int = 0,
    top_p: float = 1.0,
    uniforms: torch.Tensor | None = None,
) -> torch.Tensor:
    """Next token per row of ``logits`` (R, V), float32. ``uniforms`` (R,) in [0, 1) are
    the rows' random numbers, needed when sampling."""
    if not do_sample:
        return logits.argmax(dim=-1)
    if uniforms is None:
        raise ValueError("sampling needs one uniform number per row")
    scores = logits / temperature if temperature != 1.0 else logits
    vocab = scores.shape[-1]
    k = min(top_k, vocab) if top_k > 0 else vocab
    take = min(k, _TOP)
    probs, idx, log_z = _top(scores, take, k)  # (R, take), descending
    if top_p >= 1.0 and take == k:
        return _draw(probs, idx, uniforms)
    out = torch.empty(scores.shape[0], dtype=torch.long, device=scores.device)
    rows = torch.arange(scores.shape[0], device=scores.device)  # rows still to draw
    while True:
        keep = _nucleus(probs, top_p) if top_p < 1.0 else torch.full_like(idx[:, 0], take)
        # the nucleus ends inside the selection, or the selection holds all k tokens
        complete = keep < take if take < k else torch.ones_like(keep, dtype=torch.bool)
        if complete.any():
            c = complete.nonzero(as_tuple=True)[0]
            out[rows[c]] = _draw(probs[c], idx[c], uniforms[rows[c]], keep[c])
        if complete.all():
            return out
        rows = rows[~complete]  # wide nuclei: select more of these rows' tokens
        take = k if top_p >= 1.0 else min(k, take * _GROWTH)
        probs, idx, _ = _top(scores[rows], take, k, log_z[rows])


def _top(
    scores: torch.Tensor, take: int, k: int, log_z: torch.Tensor | None = None
) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """The ``take`` most likely tokens of each row (descending), their probabilities
    under the softmax over the row's ``k`` most likely tokens (top-k renormalised), and
    that softmax's log normaliser (R, 1): ``log_z`` when given (a later, wider selection
    of the same rows), else computed."""
    vals, idx = torch.topk(scores, take, dim=-1, sorted=True)
    if log_z is None:
        if k == scores.shape[-1]:
            log_z = torch.logsumexp(scores, dim=-1, keepdim=True)
        elif k == take:
            log_z = torch.logsumexp(vals, dim=-1, keepdim=True)
        else:
            top_k = torch.topk(scores, k, dim=-1).values
            log_z = torch.logsumexp(top_k, dim=-1, keepdim=True)
    return torch.exp(vals - log_z), idx, log_z


def _nucleus(probs: torch.Tensor, top_p: float) -> torch.Tensor:
    """How many of the descending ``probs`` top-p keeps: every token whose higher-ranked
    tokens hold less than ``top_p`` (at least one)."""
    before = torch.cumsum(probs, dim=-1) - probs  # mass strictly above each token
    return (before < top_p).sum(dim=-1).clamp(min=1)


def _draw(
    probs: torch.Tensor,
    idx: torch.Tensor,
    uniforms: torch.Tensor,
    keep: torch.Tensor | None = None,
) -> torch.Tensor:
    """Invert the cumulative distribution of each row's first ``keep`` tokens at its
    uniform number."""
    if keep is not None:
        ranks = torch.arange(probs.shape[-1], device=probs.device)
        probs = torch.where(ranks[None, :] < keep[:, None], probs, 0.0)
    cdf = torch.cumsum(probs, dim=-1)
    target = uniforms.to(cdf.dtype)[:, None] * cdf[:, -1:]
    pick = torch.searchsorted(cdf, target, right=True).clamp(max=probs.shape[-1] - 1)
    if keep is not None:
        pick = torch.minimum(pick, keep[:, None] - 1)
    return idx.gather(1, pick)[:, 0]
