"""Choosing the next token: greedy, or sampled with temperature, top-k and top-p.

The sampling rules are Hugging Face ``generate``'s (its temperature, top-k and top-p
logits warpers, applied in that order): top-p keeps the smallest set of most likely
tokens whose probability reaches ``top_p``, the token that crosses it included; of
tokens equally likely, the one with the smaller id counts as the more likely. Each
row's random numbers come from a generator of its own (see :mod:`._generation`), so a
row's text does not depend on the rows it shares a batch with.

How a token is drawn from that distribution:

- Without top-k, by rejection: a candidate is drawn from the whole vocabulary's softmax
  (the inverse of its cumulative distribution in token-id order, at one uniform number)
  and kept if top-p keeps it, that is if the tokens more likely than it hold less than
  ``top_p``; otherwise the row draws again. What is kept is distributed exactly as the
  nucleus renormalised, and a row draws again with probability at most ``1 - top_p``
  (after ``_ROUNDS`` draws, it draws from its sorted nucleus as below).
  No row is sorted: the cost is a few passes over the logits (Hugging Face sorts the
  whole vocabulary of every row at every step, and a partial selection of the most
  likely tokens cost several times these passes on a 49,152-token vocabulary).
- With top-k, the ``k`` most likely tokens are selected (sorted), and the nucleus among
  them is drawn from by inverting its cumulative distribution, most likely first.
"""

from __future__ import annotations

from collections.abc import Callable

import torch

from fairlm.errors import ModelError

__all__ = ["choose"]

# tokens per block of the two-level cumulative distribution
_BLOCK = 256
# draws after which a row still without a token is drawn from its sorted nucleus: at
# top-p 0.95 a row redraws with probability at most 0.05, and needs this many with at
# most 0.05^32; a tiny top-p over a flat distribution (or logits that are not numbers)
# could redraw for long
_ROUNDS = 32


def choose(
    logits: torch.Tensor,
    *,
    do_sample: bool,
    temperature: float = 1.0,
    top_k: int = 0,
    top_p: float = 1.0,
    uniforms: torch.Tensor | None = None,
    redraw: Callable[[torch.Tensor], torch.Tensor] | None = None,
) -> torch.Tensor:
    """Next token per row of ``logits`` (R, V), float32; sampling overwrites ``logits``.
    ``uniforms`` (R,) in [0, 1) are the rows' first random numbers; ``redraw(rows)``
    gives one more for each of ``rows`` (row numbers, ascending), whose candidates fell
    outside the nucleus: required for top-p without top-k."""
    if not do_sample:
        return logits.argmax(dim=-1)
    if uniforms is None:
        raise ValueError("sampling needs one uniform number per row")
    scores = logits.div_(temperature) if temperature != 1.0 else logits
    vocab = scores.shape[-1]
    if 0 < top_k < vocab:
        return _sorted_draw(scores, top_k, top_p, uniforms)
    if top_p < 1.0 and redraw is None:
        raise ValueError("top-p sampling needs redraw: a row may have to draw again")
    # unnormalised probabilities, the largest of each row 1
    e = scores.sub_(scores.amax(dim=-1, keepdim=True)).exp_()
    cdf = _block_cdf(e)
    if torch.isnan(cdf[:, -1]).any():  # a NaN logit, or an infinite one (inf - inf)
        raise ModelError(
            "the model's next-token logits are not numbers (NaN or infinite): its "
            "weights or this precision are broken for it (try --dtype float32)"
        )
    out = torch.empty(e.shape[0], dtype=torch.long, device=e.device)
    rows = torch.arange(e.shape[0], device=e.device)  # rows still to draw
    u = uniforms.to(device=e.device, dtype=e.dtype)
    for _ in range(_ROUNDS):
        sub_e, sub_cdf = (e, cdf) if len(rows) == e.shape[0] else (e[rows], cdf[rows])
        token = _draw_all(sub_e, sub_cdf, u)
        kept = _in_nucleus(sub_e, token, sub_cdf[:, -1], top_p) if top_p < 1.0 else None
        if kept is None or kept.all():
            out[rows] = token
            return out
        out[rows[kept]] = token[kept]
        rows = rows[~kept]
        u = redraw(rows).to(device=e.device, dtype=e.dtype)
    out[rows] = _sorted_draw(e[rows].log(), e.shape[1], top_p, u)
    return out


def _block_cdf(e: torch.Tensor) -> torch.Tensor:
    """The cumulative mass of ``e`` (R, V) by blocks of ``_BLOCK`` tokens (R, blocks):
    its last column is each row's total."""
    rows, vocab = e.shape
    full = vocab - vocab % _BLOCK
    sums = e[:, :full].reshape(rows, -1, _BLOCK).sum(-1)
    if full < vocab:
        sums = torch.cat([sums, e[:, full:].sum(-1, keepdim=True)], dim=1)
    return sums.cumsum(-1)


def _draw_all(e: torch.Tensor, cdf: torch.Tensor, u: torch.Tensor) -> torch.Tensor:
    """Each row's token at its uniform number under the distribution ``e`` (R, V)
    (unnormalised, non-negative; ``cdf`` its :func:`_block_cdf`), by inverting the
    cumulative distribution in token-id order: first which block of ``_BLOCK`` tokens,
    then where in the block. A token of probability 0 is never drawn."""
    vocab = e.shape[1]
    total = cdf[:, -1:].contiguous()
    t = u[:, None] * total
    # the first block whose cumulative mass exceeds t (t rounded up to the total: the
    # last block with any mass)
    b = torch.minimum(torch.searchsorted(cdf, t, right=True), torch.searchsorted(cdf, total))
    start = b * _BLOCK
    cols = start + torch.arange(_BLOCK, device=e.device)
    inner = torch.where(cols < vocab, e.gather(1, cols.clamp(max=vocab - 1)), 0.0)
    inner_cdf = inner.cumsum(-1)
    before = torch.where(b > 0, cdf.gather(1, (b - 1).clamp(min=0)), 0.0)
    j = torch.searchsorted(inner_cdf, t - before, right=True)
    # a sum in another order may round below t: the block's last token with mass
    j = torch.minimum(j, torch.searchsorted(inner_cdf, inner_cdf[:, -1:].contiguous()))
    return (start + j)[:, 0]


def _in_nucleus(
    e: torch.Tensor, token: torch.Tensor, total: torch.Tensor, top_p: float
) -> torch.Tensor:
    """Whether top-p keeps each row's ``token``: the tokens ranked before it (more
    likely, or as likely with a smaller id) hold less than ``top_p`` of ``total``, or
    there are none (the most likely token is always kept)."""
    p = e.gather(1, token[:, None])
    limit = top_p * total
    # the mass of the tokens at least as likely, the token itself left out: a bound from
    # above, exact unless another token is exactly as likely
    at_least = torch.where(e >= p, e, 0.0).sum(-1) - p[:, 0]
    kept = at_least < limit
    check = (~kept).nonzero()[:, 0]
    if len(check):
        ec, pc, tc = e[check], p[check], token[check]
        ids = torch.arange(e.shape[1], device=e.device)
        tied_before = ((ec == pc) & (ids < tc[:, None])).sum(-1)
        above = torch.where(ec > pc, ec, 0.0).sum(-1) + tied_before * pc[:, 0]
        kept[check] = (above < limit[check]) | (above <= 0)
    return kept


def _sorted_draw(
    scores: torch.Tensor, k: int, top_p: float, uniforms: torch.Tensor
) -> torch.Tensor:
    """Top-k, then top-p among the ``k`` most likely tokens (descending), drawn by
    inverting the nucleus' cumulative distribution at each row's uniform number."""
    vals, idx = torch.topk(scores, k, dim=-1, sorted=True)
    probs = torch.softmax(vals, dim=-1)
    if top_p < 1.0:
        before = torch.cumsum(probs, dim=-1) - probs  # mass strictly above each token
        keep = (before < top_p).sum(dim=-1).clamp(min=1)
        ranks = torch.arange(k, device=probs.device)
        probs = torch.where(ranks[None, :] < keep[:, None], probs, 0.0)
    cdf = torch.cumsum(probs, dim=-1)
    target = uniforms.to(device=cdf.device, dtype=cdf.dtype)[:, None] * cdf[:, -1:]
    pick = torch.searchsorted(cdf, target, right=True)
    last = torch.searchsorted(cdf, cdf[:, -1:].contiguous())  # the last token with mass
    return idx.gather(1, torch.minimum(pick, last))[:, 0]
