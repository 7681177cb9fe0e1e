"""The scoring engine: per-token log-probabilities for many token sequences, fast.

Work is described as :class:`Request` objects on token ids. Requests that share the same
``prefix`` (and ``score_from``) form a group whose prefix is run through the model once;
each member's own ``suffix`` then continues from the prefix's key/value cache. CrowS-Pairs
sentence pairs share their opening words, BBQ's three answers share context + question,
and every sentence scored under the bias-bench protocol shares the lone prefix token.

Within a pass, sequences are sorted by length and batched so that little padding is
computed; padding is on the right with an attention mask (right padding keeps positions
exact without position ids). The vocabulary projection and log-softmax run only on the
positions whose next token is scored. Results come back in input order.

The answers equal one-request-at-a-time scoring up to float rounding (tested to 1e-4 in
float32).
"""

from __future__ import annotations

import copy
import inspect
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import torch

__all__ = ["Request", "score_requests"]

# Rows of hidden states projected onto the vocabulary at once: bounds the logits buffer
# (rows x vocabulary x 4 bytes; 512 x 49,152 x 4 = 100 MB).
_LOGIT_ROWS = 512


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
        # work done, for benchmarks: tokens through the body (real and padding), logit rows
        self.stats = {"forward_tokens": 0, "padding_tokens": 0, "logit_rows": 0, "passes": 0}
        # transformers >= 5.2x renamed ``past_key_values`` to ``cache``
        params = inspect.signature(self.body.forward).parameters
        self.cache_kw = "cache" if "cache" in params else "past_key_values"

    def hidden(
        self,
        input_ids: torch.Tensor,
        attention_mask: torch.Tensor,
        past_key_values=None,
        use_cache: bool = False,
    ):
        kwargs = {self.cache_kw: past_key_values} if past_key_values is not None else {}
        real = int(attention_mask[:, -input_ids.shape[1] :].sum())
        self.stats["forward_tokens"] += real
        self.stats["padding_tokens"] += input_ids.numel() - real
        self.stats["passes"] += 1
        out = self.body(
            input_ids=input_ids.to(self.device),
            attention_mask=attention_mask.to(self.device),
            use_cache=use_cache,
            **kwargs,
        )
        cache = getattr(out, "cache", None) or getattr(out, "past_key_values", None)
        return out.last_hidden_state, (cache if use_cache else None)

    def logprobs(self, rows: torch.Tensor, targets: torch.Tensor) -> np.ndarray:
        """Log-probability of ``targets[i]`` after hidden state ``rows[i]``.  rows: (R, H)"""
        out = np.empty(rows.shape[0], dtype=np.float64)
        self.stats["logit_rows"] += rows.shape[0]
        targets = targets.to(rows.device)
        for start in range(0, rows.shape[0], _LOGIT_ROWS):
            h = rows[start : start + _LOGIT_ROWS]
            logits = self.head(h).float()  # (r, V)
            if self.logit_scale is not None:
                logits = logits * self.logit_scale
            if self.softcap:
                logits = torch.tanh(logits / self.softcap) * self.softcap
            lp = torch.log_softmax(logits, dim=-1)
            t = targets[start : start + _LOGIT_ROWS]
            out[start : start + h.shape[0]] = lp.gather(1, t[:, None])[:, 0].double().cpu().numpy()
        return out


def _batches(lengths: Sequence[int], order: Sequence[int], cfg: _Batching) -> list[list[int]]:
    """Cut ``order`` (indices sorted by length) into batches within both budgets."""
    batches: list[list[int]] = []
    cur: list[int] = []
    cur_max = 0
    for i in order:
        n = max(lengths[i], 1)
        new_max = max(cur_max, n)
        if cur and (len(cur) + 1 > cfg.batch_size or new_max * (len(cur) + 1) > cfg.max_batch_tokens):
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
    max_batch_tokens: int = 4096,
    pad_id: int = 0,
    share_prefixes: bool = True,
    progress: Callable[[int], None] | None = None,
    stats: dict[str, int] | None = None,
) -> list[np.ndarray]:
    """Per-token log-probabilities (float64 arrays, natural log) for each request.

    ``progress`` is called with the number of scored tokens finished after each batch.
    ``stats``, when given, receives counts of the work done (tokens through the model,
    padding tokens, rows projected onto the vocabulary, forward passes).
    """
    for i, r in enumerate(requests):
        if r.score_from < 1:
            raise ValueError(f"request {i}: score_from must be >= 1 (got {r.score_from})")
        if not r.prefix:
            raise ValueError(f"request {i}: the prefix must hold at least one token")
    fwd = _Forward(model)
    cfg = _Batching(batch_size=max(1, batch_size), max_batch_tokens=max(1, max_batch_tokens))
    results: list[np.ndarray | None] = [None] * len(requests)

    groups: dict[tuple[tuple[int, ...], int], list[int]] = defaultdict(list)
    for i, r in enumerate(requests):
        groups[(r.prefix, r.score_from)].append(i)
    if share_prefixes:
        shared = [m for m in groups.values() if len(m) > 1]
        plain = [m[0] for m in groups.values() if len(m) == 1]
    else:
        shared, plain = [], list(range(len(requests)))

    with torch.inference_mode():
        _score_plain(fwd, requests, plain, results, cfg, pad_id, progress)
        _score_shared(fwd, requests, shared, results, cfg, pad_id, progress)
    if stats is not None:
        for k, v in fwd.stats.items():
            stats[k] = stats.get(k, 0) + v
    return [r if r is not None else np.empty(0) for r in results]


def _score_plain(fwd, requests, idx, results, cfg, pad_id, progress) -> None:
    """One pass per sequence: input = tokens[:-1], targets = tokens[score_from:]."""
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
        hidden, _ = fwd.hidden(ids, mask)  # (B, T, H)
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


def _score_shared(fwd, requests, groups, results, cfg, pad_id, progress) -> None:
    """Prefix once per group (batched by equal prefix length), then members' suffixes."""
    # equal prefix lengths batch without padding, so the cache needs no mask
    by_len: dict[int, list[list[int]]] = defaultdict(list)
    for members in groups:
        by_len[len(requests[members[0]].prefix)].append(members)
    for plen in sorted(by_len):
        glist = sorted(by_len[plen], key=lambda m: max(len(requests[i].suffix) for i in m))
        batch: list[list[int]] = []
        tokens = 0
        for members in glist:
            cost = plen + sum(max(len(requests[i].suffix) - 1, 0) for i in members)
            if batch and (len(batch) + 1 > cfg.batch_size or tokens + cost > cfg.max_batch_tokens):
                _run_group_batch(fwd, requests, batch, results, cfg, pad_id, progress)
                batch, tokens = [], 0
            batch.append(members)
            tokens += cost
        if batch:
            _run_group_batch(fwd, requests, batch, results, cfg, pad_id, progress)


def _run_group_batch(fwd, requests, batch, results, cfg, pad_id, progress) -> None:
    prefixes = [requests[m[0]].prefix for m in batch]
    plen = len(prefixes[0])
    start = requests[batch[0][0]].score_from
    ids = torch.tensor(prefixes, dtype=torch.long)  # (G, P)
    need_cache = any(len(requests[i].suffix) > 1 for m in batch for i in m)
    hidden, cache = fwd.hidden(ids, torch.ones_like(ids), use_cache=need_cache)  # (G, P, H)

    # Prefix tokens start..P-1 (shared by the group), predicted from positions start-1..P-2.
    n_pre = max(plen - start, 0)
    pre_lp = np.empty((len(batch), n_pre))
    if n_pre:
        rows = hidden[:, start - 1 : plen - 1].reshape(-1, hidden.shape[-1])
        targets = ids[:, start:plen].reshape(-1)
        pre_lp = fwd.logprobs(rows, targets).reshape(len(batch), n_pre)
    # Each member's first suffix token, predicted from the last prefix position.
    first_rows, first_t, first_of = [], [], []
    for g, members in enumerate(batch):
        for i in members:
            if requests[i].suffix:
                first_rows.append(g)
                first_t.append(requests[i].suffix[0])
                first_of.append(i)
    first_lp = {}
    if first_rows:
        rows = hidden[torch.tensor(first_rows), plen - 1]
        lp = fwd.logprobs(rows, torch.tensor(first_t))
        first_lp = dict(zip(first_of, lp, strict=True))

    # Remaining suffix tokens: continue from the cached prefix.
    rest_lp: dict[int, np.ndarray] = {}
    long = [(g, i) for g, m in enumerate(batch) for i in m if len(requests[i].suffix) > 1]
    if long:
        lengths = {k: len(requests[i].suffix) - 1 for k, (_, i) in enumerate(long)}
        order = sorted(lengths, key=lambda k: lengths[k])
        chunks = _batches(_dense(lengths), order, cfg)
        for chunk in chunks:
            members = [long[k] for k in chunk]
            sub_cache = copy.deepcopy(cache) if len(chunks) > 1 else cache
            sub_cache.batch_select_indices(torch.tensor([g for g, _ in members]))
            s_ids, s_mask = _pad([requests[i].suffix[:-1] for _, i in members], pad_id)
            mask = torch.cat([torch.ones((len(members), plen), dtype=torch.long), s_mask], dim=1)
            h, _ = fwd.hidden(s_ids, mask, past_key_values=sub_cache, use_cache=True)
            rows, targets, spans = [], [], []
            for r, (_, i) in enumerate(members):
                n = len(requests[i].suffix) - 1
                rows.append(h[r, :n])
                targets.extend(requests[i].suffix[1:])
                spans.append((i, n))
            lp = fwd.logprobs(torch.cat(rows), torch.tensor(targets))
            off = 0
            for i, n in spans:
                rest_lp[i] = lp[off : off + n]
                off += n

    done = 0
    for g, members in enumerate(batch):
        for i in members:
            parts = [pre_lp[g]]
            if i in first_lp:
                parts.append(np.array([first_lp[i]]))
            if i in rest_lp:
                parts.append(rest_lp[i])
            # tokens before score_from inside the suffix are not scored
            out = np.concatenate(parts)
            skip = max(start - plen, 0)
            results[i] = out[skip:]
            done += len(results[i])
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
