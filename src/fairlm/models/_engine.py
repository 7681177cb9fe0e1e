"""The scoring engine: per-token log-probabilities for many token sequences, fast.

Work is described as :class:`Request` objects on token ids. Requests that share the same
``prefix`` (and ``score_from``) form a group whose prefix is computed once: CrowS-Pairs
sentence pairs share their opening words, BBQ's three answers share context + question,
and every sentence scored under the bias-bench protocol shares the lone prefix token.

The fast path packs whole groups into rows as small trees: the prefix, then each
member's suffix, with a custom attention mask (a suffix sees the prefix and itself, not
its siblings; groups in one row never see each other) and explicit position ids (each
suffix continues from the end of its prefix). Rows are filled first-fit by length, so
almost no padding is computed; the vocabulary projection and log-softmax run only on
positions whose next token is scored. Models whose attention cannot take a custom mask
use the plain path: one right-padded row per request, length-sorted batches.

Results come back in input order and equal one-request-at-a-time scoring up to float
rounding (tested to 1e-4 in float32).
"""

from __future__ import annotations

import inspect
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import torch

__all__ = ["Request", "score_requests"]

# Rows of hidden states projected onto the vocabulary at once: bounds the logits buffer
# (rows x vocabulary x 4 bytes; 256 x 49,152 x 4 = 50 MB).
_LOGIT_ROWS = 256


@dataclass(frozen=True)
class Request:
    """Score tokens ``score_from`` .. end of ``prefix + suffix``.

    ``score_from`` counts from the start of ``prefix + suffix`` and is at least 1 (the
    first token has no context to be predicted from).
    """

    prefix: tuple[int, ...]
    suffix: tuple[int, ...] = ()
    score_from: int = 1

    @property
    def length(self) -> int:
        return len(self.prefix) + len(self.suffix)


@dataclass
class _Batching:
    batch_size: int
    max_batch_tokens: int


class _Forward:
    """The two model calls the engine needs: body -> hidden states, head -> log-probs."""

    def __init__(self, model: torch.nn.Module) -> None:
        self.model = model
        self.body = model.get_decoder() if hasattr(model, "get_decoder") else model.base_model
        self.head = model.get_output_embeddings()
        cfg = model.config
        cfg = getattr(cfg, "text_config", None) or cfg
        self.softcap = getattr(cfg, "final_logit_softcapping", None)
        self.logit_scale = getattr(cfg, "logit_scale", None)
        self.device = next(model.parameters()).device
        self._head: tuple[torch.Tensor, torch.Tensor | None] | None = None
        # work done, for benchmarks: tokens through the body (real and padding), logit rows
        self.stats = {"forward_tokens": 0, "padding_tokens": 0, "logit_rows": 0, "passes": 0}
        self.dtype = next(model.parameters()).dtype
        impl = getattr(model.config, "_attn_implementation", "sdpa") or "sdpa"
        self.bool_masks = impl != "eager"
        params = inspect.signature(self.body.forward).parameters
        # packing needs explicit positions and the model's own 4D-mask support
        self.can_pack = "position_ids" in params and impl in ("sdpa", "eager")

    def hidden(
        self,
        input_ids: torch.Tensor,
        attention_mask: torch.Tensor,
        position_ids: torch.Tensor | None = None,
        n_real: int | None = None,
    ) -> torch.Tensor:
        """Last hidden states (B, T, H). ``attention_mask``: (B, T) padding or (B, T, T) tree."""
        real = int(attention_mask.sum()) if attention_mask.dim() == 2 else int(n_real or 0)
        self.stats["forward_tokens"] += real
        self.stats["padding_tokens"] += input_ids.numel() - real
        self.stats["passes"] += 1
        mask = attention_mask.to(self.device)
        if mask.dim() == 3:  # (B, 1, T, T): True = may attend, or additive for eager kernels
            mask = mask[:, None]
            if not self.bool_masks:
                mask = torch.zeros(mask.shape, dtype=self.dtype, device=self.device).masked_fill(
                    ~mask, torch.finfo(self.dtype).min
                )
        kwargs = {} if position_ids is None else {"position_ids": position_ids.to(self.device)}
        out = self.body(
            input_ids=input_ids.to(self.device), attention_mask=mask, use_cache=False, **kwargs
        )
        return out.last_hidden_state

    def logprobs(self, rows: torch.Tensor, targets: torch.Tensor) -> np.ndarray:
        """Log-probability of ``targets[i]`` after hidden state ``rows[i]``.  rows: (R, H)

        The vocabulary projection runs in float32 whatever the model's dtype: rounding
        logits of size ~30 to bfloat16 would cost ~0.1 nats per token.
        log p = logit[target] - logsumexp(logits), without materialising the log-softmax.
        """
        out = np.empty(rows.shape[0], dtype=np.float64)
        self.stats["logit_rows"] += rows.shape[0]
        targets = targets.to(rows.device)
        weight, bias = self._head_params()
        for start in range(0, rows.shape[0], _LOGIT_ROWS):
            h = rows[start : start + _LOGIT_ROWS].float()
            logits = torch.nn.functional.linear(h, weight, bias)  # (r, V)
            if self.logit_scale is not None:
                logits = logits * self.logit_scale
            if self.softcap:
                logits = torch.tanh(logits / self.softcap) * self.softcap
            t = targets[start : start + _LOGIT_ROWS]
            lp = logits.gather(1, t[:, None])[:, 0] - torch.logsumexp(logits, dim=-1)
            out[start : start + h.shape[0]] = lp.double().cpu().numpy()
        return out

    def _head_params(self) -> tuple[torch.Tensor, torch.Tensor | None]:
        if self._head is None:
            w = self.head.weight
            b = getattr(self.head, "bias", None)
            self._head = (w.float(), None if b is None else b.float())
        return self._head


def _batches(lengths: Sequence[int], order: Sequence[int], cfg: _Batching) -> list[list[int]]:
    """Cut ``order`` (indices sorted by length) into batches within both budgets."""
    batches: list[list[int]] = []
    cur: list[int] = []
    cur_max = 0
    for i in order:
        n = max(lengths[i], 1)
        new_max = max(cur_max, n)
        if cur and (
            len(cur) + 1 > cfg.batch_size or new_max * (len(cur) + 1) > cfg.max_batch_tokens
        ):
            batches.append(cur)
            cur, new_max = [], n
        cur.append(i)
        cur_max = new_max
    if cur:
        batches.append(cur)
    return batches


def _pad(seqs: list[Sequence[int]], pad_id: int) -> tuple[torch.Tensor, torch.Tensor]:
    width = max(len(s) for s in seqs)
    ids = torch.full((len(seqs), width), pad_id, dtype=torch.long)
    mask = torch.zeros((len(seqs), width), dtype=torch.long)
    for r, s in enumerate(seqs):
        ids[r, : len(s)] = torch.tensor(s, dtype=torch.long)
        mask[r, : len(s)] = 1
    return ids, mask


def score_requests(
    model: torch.nn.Module,
    requests: Sequence[Request],
    *,
    batch_size: int = 32,
    max_batch_tokens: int = 2048,
    pad_id: int = 0,
    share_prefixes: bool = True,
    row_tokens: int = 96,
    progress: Callable[[int], None] | None = None,
    stats: dict[str, int] | None = None,
) -> list[np.ndarray]:
    """Per-token log-probabilities (float64 arrays, natural log) for each request.

    ``share_prefixes`` packs groups into tree-masked rows of about ``row_tokens`` tokens
    (the fast path); off, every request is its own right-padded row. A forward pass
    holds at most ``max_batch_tokens`` tokens (and ``batch_size`` rows on the plain
    path). ``progress`` is called with the number of scored tokens finished after each
    pass; ``stats``, when given, receives counts of the work done (tokens through the
    model, padding tokens, rows projected onto the vocabulary, forward passes).
    """
    for i, r in enumerate(requests):
        if r.score_from < 1:
            raise ValueError(f"request {i}: score_from must be >= 1 (got {r.score_from})")
        if not r.prefix:
            raise ValueError(f"request {i}: the prefix must hold at least one token")
    fwd = _Forward(model)
    cfg = _Batching(batch_size=max(1, batch_size), max_batch_tokens=max(1, max_batch_tokens))
    results: list[np.ndarray | None] = [None] * len(requests)
    with torch.inference_mode():
        if share_prefixes and fwd.can_pack:
            groups: dict[tuple[tuple[int, ...], int], list[int]] = defaultdict(list)
            for i, r in enumerate(requests):
                groups[(r.prefix, r.score_from)].append(i)
            _score_packed(
                fwd, requests, list(groups.values()), results, cfg, row_tokens, pad_id, progress
            )
        else:
            _score_plain(fwd, requests, range(len(requests)), results, cfg, pad_id, progress)
    if stats is not None:
        for k, v in fwd.stats.items():
            stats[k] = stats.get(k, 0) + v
    return [r if r is not None else np.empty(0) for r in results]


def _score_plain(fwd, requests, idx, results, cfg, pad_id, progress) -> None:
    """One row per request: input = tokens[:-1], targets = tokens[score_from:]."""
    seqs = {i: requests[i].prefix + requests[i].suffix for i in idx}
    todo = []
    for i in idx:
        if requests[i].score_from >= len(seqs[i]):
            results[i] = np.empty(0)  # nothing to score
        else:
            todo.append(i)
    lengths = {i: len(seqs[i]) - 1 for i in todo}
    order = sorted(todo, key=lambda i: lengths[i])
    for batch in _batches(_dense(lengths), order, cfg):
        ids, mask = _pad([seqs[i][:-1] for i in batch], pad_id)
        hidden = fwd.hidden(ids, mask)  # (B, T, H)
        rows, targets, spans = [], [], []
        for r, i in enumerate(batch):
            s, start = seqs[i], requests[i].score_from
            rows.append(hidden[r, start - 1 : len(s) - 1])
            targets.extend(s[start:])
            spans.append((i, len(s) - start))
        lp = fwd.logprobs(torch.cat(rows), torch.tensor(targets))
        _scatter(lp, spans, results)
        if progress:
            progress(len(targets))


@dataclass
class _Unit:
    """A group laid out as a tree: prefix tokens, then each member's suffix[:-1]."""

    members: list[int]
    prefix: tuple[int, ...]
    start: int  # score_from
    length: int  # tokens it occupies in a row


def _score_packed(fwd, requests, groups, results, cfg, row_tokens, pad_id, progress) -> None:
    cap = max(row_tokens, 1)
    units = []
    for members in groups:
        r0 = requests[members[0]]
        for i in members:
            results[i] = np.empty(max(requests[i].length - r0.score_from, 0))
        # A big group (e.g. every sentence behind the lone prefix token) is split into
        # row-sized units that each repeat the prefix: attention cost grows with the
        # square of a row's length, a repeated prefix only linearly.
        chunk: list[int] = []
        n = len(r0.prefix)
        for i in members:
            extra = max(len(requests[i].suffix) - 1, 0)
            if chunk and n + extra > cap:
                units.append(_Unit(chunk, r0.prefix, r0.score_from, n))
                chunk, n = [], len(r0.prefix)
            chunk.append(i)
            n += extra
        units.append(_Unit(chunk, r0.prefix, r0.score_from, n))
    # first-fit decreasing into rows of at most `cap` tokens (a longer unit gets its own)
    rows: list[list[_Unit]] = []
    room: list[int] = []
    for u in sorted(units, key=lambda u: -u.length):
        for r, free in enumerate(room):
            if u.length <= free:
                rows[r].append(u)
                room[r] -= u.length
                break
        else:
            rows.append([u])
            room.append(max(cap, u.length) - u.length)
    lengths = [sum(u.length for u in row) for row in rows]
    order = sorted(range(len(rows)), key=lambda r: lengths[r])
    big = _Batching(batch_size=1 << 30, max_batch_tokens=cfg.max_batch_tokens)
    for batch in _batches(lengths, order, big):
        _run_packed(fwd, requests, [rows[r] for r in batch], results, pad_id, progress)


def _run_packed(fwd, requests, rows, results, pad_id, progress) -> None:
    width = max(sum(u.length for u in row) for row in rows)
    B = len(rows)
    ids = torch.full((B, width), pad_id, dtype=torch.long)
    pos = torch.zeros((B, width), dtype=torch.long)
    mask = torch.zeros((B, width, width), dtype=torch.bool)
    tril = torch.ones((width, width), dtype=torch.bool).tril()
    # scored positions: (row, column, target token) and where each log-prob goes
    at_r: list[int] = []
    at_c: list[int] = []
    tgt: list[int] = []
    dest: list[list[tuple[int, int]]] = []  # per scored position: (request, slot) pairs
    n_real = 0
    for b, row in enumerate(rows):
        o = 0
        for u in row:
            P, L, start = u.prefix, len(u.prefix), u.start
            ids[b, o : o + L] = torch.tensor(P)
            pos[b, o : o + L] = torch.arange(L)
            mask[b, o : o + L, o : o + L] = tril[:L, :L]
            for t in range(start - 1, L - 1):  # prefix tokens, shared by all members
                at_r.append(b), at_c.append(o + t), tgt.append(P[t + 1])
                dest.append([(i, t + 1 - start) for i in u.members])
            q = o + L
            for i in u.members:
                S = requests[i].suffix
                if not S:
                    continue
                if start <= L:  # first suffix token, from the last prefix position
                    at_r.append(b), at_c.append(o + L - 1), tgt.append(S[0])
                    dest.append([(i, L - start)])
                n = len(S) - 1
                if n:
                    ids[b, q : q + n] = torch.tensor(S[:-1])
                    pos[b, q : q + n] = torch.arange(L, L + n)
                    mask[b, q : q + n, o : o + L] = True
                    mask[b, q : q + n, q : q + n] = tril[:n, :n]
                    for m in range(n):
                        slot = L + m + 1 - start
                        if slot >= 0:
                            at_r.append(b), at_c.append(q + m), tgt.append(S[m + 1])
                            dest.append([(i, slot)])
                    q += n
            o = q
        n_real += o
        mask[b, o:, o:] = torch.eye(width - o, dtype=torch.bool)  # padding sees itself only
    hidden = fwd.hidden(ids, mask, pos, n_real=n_real)  # (B, T, H)
    if not tgt:
        return
    lp = fwd.logprobs(hidden[torch.tensor(at_r), torch.tensor(at_c)], torch.tensor(tgt))
    done = 0
    for value, places in zip(lp, dest, strict=True):
        for i, slot in places:
            results[i][slot] = value
            done += 1
    if progress:
        progress(done)


def _dense(lengths: dict[int, int]) -> list[int]:
    """A list indexable by the dict's integer keys (which may be sparse)."""
    if not lengths:
        return []
    out = [0] * (max(lengths) + 1)
    for k, v in lengths.items():
        out[k] = v
    return out


def _scatter(lp: np.ndarray, spans: list[tuple[int, int]], results: list) -> None:
    off = 0
    for i, n in spans:
        results[i] = lp[off : off + n]
        off += n
