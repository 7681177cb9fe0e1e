"""The scoring engine: per-token log-probabilities for many token sequences, fast.

Work is described as :class:`Request` objects on token ids (``prefix + suffix``, scored
from ``score_from``). The fast path puts every request's token path into one trie: a
node is an opening ``tokens[:k]`` and its hidden state depends on nothing else, so it is
computed once however many requests pass through it. CrowS-Pairs sentences share their
prefix token and opening words (within a pair and across pairs), BBQ's three answers
share context + question and its ambiguous and disambiguated versions share the
context's opening, and every sentence under the bias-bench protocol shares the lone
prefix token.

The trie is laid out as packed rows of about ``row_tokens`` nodes (depth-first, so
neighbouring sentences share ancestors; a row repeats the ancestors of its first node,
or grows up to a forward pass's tokens (at most ``_ROW_LIMIT``) where those ancestors
are a long opening its units share: TruthfulQA's few-shot primer, a CBBQ context asked
in three option orders),
with a custom attention mask (a node sees its ancestors and itself) and explicit
position ids (a node's depth). Rows of similar length are batched, so almost no padding
is computed; the vocabulary projection and log-softmax run once per node whose next
token is scored, a vocabulary slice at a time. Models whose attention cannot take a
custom mask use the plain path: one right-padded row per request, length-sorted batches.

Which products run where is an :class:`~fairlm.models._plan.EnginePlan`, decided from
what this machine was probed to run (:mod:`._capabilities`). On the fast path, big jobs
run the vocabulary projection through oneDNN (:mod:`._onednn`). A half-precision model
keeps its matrix products in its dtype and computes everything else in float32
(:mod:`._mixed`); a bfloat16 model's vocabulary projection multiplies in bfloat16 too,
each row shifted by its running maximum before the product is rounded
(:meth:`_Forward._half_lse`). Where the hardware has no half-precision products, the
weights are widened to float32 and everything runs in float32.

Results come back in input order and equal one-request-at-a-time scoring up to float
rounding (tested to 1e-4 in float32).
"""

from __future__ import annotations

import contextlib
import functools
import inspect
import math
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import torch

from fairlm.models import _mixed, _onednn
from fairlm.models._plan import EnginePlan, plan_engine

__all__ = [
    "PASS_TOKENS",
    "Request",
    "Trie",
    "pack_rows",
    "score_requests",
    "shared_kv_heads",
    "tree_layout",
]

# Rows of hidden states projected onto the vocabulary at once, and the width of a
# vocabulary slice: the logits buffer (1,024 x 2,048 x 4 bytes = 8 MB) stays in cache for
# the log-sum-exp that reads it (4,096 rows measured 16% slower for the projection).
_LOGIT_ROWS = 1024
_VOCAB_SLICE = 2048
# Tokens per forward pass unless told otherwise: small enough for the activations to stay
# in cache (768 scored faster than 1,024 and 2,048 on a 2-core machine)
PASS_TOKENS = 768
# The most nodes a packed row grows to (rows of 768 and 1,536 scored TruthfulQA and CBBQ
# about as fast; a row's attention costs its length squared)
_ROW_LIMIT = 1024
# Work (tokens) from which reordering the weights for oneDNN (a copy of every weight)
# pays for itself
_FAST_MIN_TOKENS = 2048


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

    def __init__(self, model: torch.nn.Module, plan: EnginePlan | None = None) -> None:
        self.model = model
        self.body = model.get_decoder() if hasattr(model, "get_decoder") else model.base_model
        self.head = model.get_output_embeddings()
        cfg = model.config
        cfg = getattr(cfg, "text_config", None) or cfg
        self.softcap = getattr(cfg, "final_logit_softcapping", None)
        self.logit_scale = getattr(cfg, "logit_scale", None)
        self.device = next(model.parameters()).device
        self._head: tuple[torch.Tensor, torch.Tensor | None] | None = None
        self._slices: list | None = None
        self._half: tuple | None = None
        self.fast = False  # oneDNN with reordered weights (set by score_requests)
        # work done, for benchmarks: tokens through the body (real and padding), logit rows
        self.stats = {"forward_tokens": 0, "padding_tokens": 0, "logit_rows": 0, "passes": 0}
        self.dtype = next(model.parameters()).dtype
        dtype_name = str(self.dtype).removeprefix("torch.")
        self.plan = plan or plan_engine(dtype_name, str(self.device))
        # of the body's activations: a half-precision body computes in float32 (_mixed)
        self.compute_dtype = torch.float32 if self.dtype in _mixed.HALF_DTYPES else self.dtype
        # the products' dtype: the model's, or float32 where the hardware has none
        self.half_products = self.plan.products == dtype_name
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
                dtype = self.compute_dtype
                mask = torch.zeros(mask.shape, dtype=dtype, device=self.device).masked_fill(
                    ~mask, torch.finfo(dtype).min
                )
        kwargs = {} if position_ids is None else {"position_ids": position_ids.to(self.device)}
        out = self.body(
            input_ids=input_ids.to(self.device), attention_mask=mask, use_cache=False, **kwargs
        )
        return out.last_hidden_state

    def logprobs(
        self, rows: torch.Tensor, targets: torch.Tensor, which: np.ndarray | None = None
    ) -> np.ndarray:
        """Log-probability of ``targets[k]`` after hidden state ``rows[which[k]]``.

        rows: (R, H); ``which`` defaults to 0..R-1 (one target per row). A row is projected
        onto the vocabulary once however many targets it serves.

        log p = logit[target] - logsumexp(logits), without materialising the log-softmax:
        rows are taken ``_LOGIT_ROWS`` at a time and the vocabulary in slices of
        ``_VOCAB_SLICE`` (a slice of the weight stays in cache while the rows meet it, and
        the slice's logits stay in cache for the log-sum-exp; measured faster than bigger
        blocks either way), accumulating the log-sum-exp across slices with a running
        maximum. A float32 model projects in float32; a bfloat16 one as :meth:`_half_lse`
        says.
        """
        which = np.arange(rows.shape[0]) if which is None else np.asarray(which)
        out = np.empty(len(which), dtype=np.float64)
        self.stats["logit_rows"] += rows.shape[0]
        targets = targets.cpu().numpy()
        half = self._half_head()
        dev = rows.device
        for start in range(0, rows.shape[0], _LOGIT_ROWS):
            h = rows[start : start + _LOGIT_ROWS].float()
            (mine,) = np.nonzero((which >= start) & (which < start + h.shape[0]))
            if half is not None:
                weight, slices = half
                rel = torch.from_numpy(which[mine] - start).to(dev)
                tgt = torch.from_numpy(targets[mine]).to(dev)
                # the logits that are read out, exactly (float32, from the rows unrounded)
                target_logit = (h[rel] * weight[tgt].float()).sum(dim=-1)
                lse = self._half_lse(h, slices, target_logit, rel)
            else:
                target_logit, lse, mine = self._float_lse(h, targets, which, mine, start)
                rel = torch.from_numpy(which[mine] - start).to(dev)
            out[mine] = (target_logit - lse[rel]).double().cpu().numpy()
        return out

    def _float_lse(self, h, targets, which, mine, start):
        """Float32 logits a vocabulary slice at a time: the targets' logits (for the keys
        ``mine``, returned reordered by slice) and every row's log-sum-exp."""
        slices = self.head_slices()
        vocab = self._head_params()[0].shape[0]
        dev = h.device
        part = np.argsort(targets[mine] // _VOCAB_SLICE, kind="stable")
        mine = mine[part]  # this block's keys, by vocabulary slice
        cut = np.searchsorted(targets[mine], np.arange(0, vocab, _VOCAB_SLICE))
        cut = [*cut.tolist(), len(mine)]
        target_logit = torch.empty(len(mine), device=dev)
        top = total = None
        for n, (v0, project) in enumerate(slices):
            logits = project(h)  # (r, slice)
            if self.logit_scale is not None:
                logits = logits * self.logit_scale
            if self.softcap:
                logits = torch.tanh(logits / self.softcap) * self.softcap
            k = mine[cut[n] : cut[n + 1]]
            if len(k):
                r = torch.from_numpy(which[k] - start).to(dev)
                c = torch.from_numpy(targets[k] - v0).to(dev)
                target_logit[cut[n] : cut[n + 1]] = logits[r, c]
            top, total = _lse_step(top, total, logits)
        return target_logit, top + torch.log(total), mine

    def _half_lse(self, h, slices, target_logit, rel) -> torch.Tensor:
        """Log-sum-exp of a bfloat16 model's logits, its products in bfloat16.

        A bfloat16 product accumulates in float32 but rounds its output to bfloat16: for
        logits of 16-32 that is up to 0.06 nats each, too coarse for a log-sum-exp. So
        each row's product is shifted before it is rounded: the weight gets one more
        column of ones and the row one more entry, minus a shift near its maximum logit
        (rounded to bfloat16, so the shift is known exactly), and the product comes out
        as ``logit - shift``, near 0 for the logits that weigh in the sum, where
        bfloat16 is fine (the rounding is relative). The first slice (the most frequent
        tokens, for a BPE vocabulary) is projected in float32 to give that maximum, as
        do the targets' exact logits. A later slice's shifted logits are then at most
        about 1 and need no maximum of their own: the sum of their exponentials is
        taken as they are (float32). Rows whose sum exceeds e may hold a logit more than
        a nat above the shift, rounded more coarsely: those whose maximum does are
        projected again, shifted by it. Only the rows' rounding to bfloat16 is left, as
        in the body's products.
        """
        first, rest = slices
        # the running maximum starts at the targets' logits, then the first slice's
        top = torch.full_like(h[:, 0], -torch.inf).scatter_reduce_(0, rel, target_logit, "amax")
        top, total = _lse_step(top, torch.zeros_like(top), first(h))
        # from here on every row's sum is kept relative to its shift
        shift = top.to(torch.bfloat16)
        total = total * torch.exp(top - shift.float())
        width = h.shape[1]
        shifted = torch.zeros(h.shape[0], width + 1, dtype=torch.bfloat16, device=h.device)
        shifted[:, :width] = h
        shifted[:, width] = -shift
        for project in rest:
            logits = project(shifted)  # bfloat16, logit - shift
            part = logits.float().exp_().sum(dim=-1)
            (high,) = torch.nonzero(part > math.e, as_tuple=True)
            if len(high):  # a logit may rise more than a nat above the shift
                peak = logits[high].amax(dim=-1).float()
                over = peak > 1.0
                redo = high[over]
                if len(redo):
                    new = (shift[redo].float() + peak[over]).to(torch.bfloat16)
                    total[redo] *= torch.exp(shift[redo].float() - new.float())
                    shift[redo] = new
                    shifted[redo, width] = -new
                    part[redo] = project(shifted[redo]).float().exp_().sum(dim=-1)
            total += part
        return shift.float() + torch.log(total)

    def _head_params(self) -> tuple[torch.Tensor, torch.Tensor | None]:
        if self._head is None:
            w = self.head.weight
            b = getattr(self.head, "bias", None)
            self._head = (w.float(), None if b is None else b.float())
        return self._head

    def _half_head(self):
        """For a bfloat16 head without bias, scale or cap: (its weight, (the first slice's
        float32 projection, the later slices' shifted bfloat16 projections)); else None."""
        if not (
            self.dtype == torch.bfloat16
            and self.plan.half_vocabulary
            and self.half_products
            and getattr(self.head, "bias", None) is None
            and self.logit_scale is None
            and not self.softcap
        ):
            return None
        if self._half is None:
            # inside _mixed a tied embedding is widened to float32: its values are bfloat16
            weight = self.head.weight.detach().to(torch.bfloat16)
            vocab, width = weight.shape
            first = _projection(weight[:_VOCAB_SLICE].float(), None, self.fast)
            rest = []
            for v0 in range(_VOCAB_SLICE, vocab, _VOCAB_SLICE):
                part = weight[v0 : v0 + _VOCAB_SLICE]
                aug = torch.zeros(
                    part.shape[0], width + 1, dtype=torch.bfloat16, device=part.device
                )
                aug[:, :width] = part
                aug[:, width] = 1.0
                rest.append(_projection(aug, None, self.fast))
            self._half = (weight, (first, rest))
        return self._half

    def head_slices(self) -> list[tuple[int, Callable[[torch.Tensor], torch.Tensor]]]:
        """The vocabulary projection cut into slices: (first token id, float32 projection).

        With ``self.fast``, each slice's weight is reordered once for oneDNN (see
        :mod:`fairlm.models._onednn`); else plain ``linear``.
        """
        if self._slices is None:
            weight, bias = self._head_params()
            self._slices = []
            for v0 in range(0, weight.shape[0], _VOCAB_SLICE):
                w = weight[v0 : v0 + _VOCAB_SLICE]
                b = None if bias is None else bias[v0 : v0 + _VOCAB_SLICE]
                self._slices.append((v0, _projection(w, b, self.fast)))
        return self._slices


def _projection(w: torch.Tensor, b: torch.Tensor | None, fast: bool) -> Callable:
    """``x -> linear(x, w, b)``, through oneDNN with ``w`` reordered once when ``fast``."""
    packed = _onednn.pack(w, _LOGIT_ROWS) if fast else None
    if packed is not None:
        return functools.partial(_onednn.linear, packed=packed, bias=b)
    return functools.partial(_plain_linear, w=w, b=b)


def _lse_step(top, total, logits: torch.Tensor):
    """Fold a float32 slice of logits (r, slice), overwritten, into a running (maximum,
    sum of exp(x - maximum))."""
    peak = logits.amax(dim=-1)
    if top is None:
        new_top, total = peak, 0.0
    else:
        new_top = torch.maximum(top, peak)
        total = total * torch.exp(top - new_top)
    return new_top, total + logits.sub_(new_top[:, None]).exp_().sum(dim=-1)


def _plain_linear(x: torch.Tensor, *, w: torch.Tensor, b: torch.Tensor | None) -> torch.Tensor:
    return torch.nn.functional.linear(x, w, b)


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
    max_batch_tokens: int = PASS_TOKENS,
    pad_id: int = 0,
    share_prefixes: bool = True,
    row_tokens: int = 128,
    progress: Callable[[int], None] | None = None,
    stats: dict[str, int] | None = None,
    plan: EnginePlan | None = None,
) -> list[np.ndarray]:
    """Per-token log-probabilities (float64 arrays, natural log) for each request.

    ``share_prefixes`` packs groups into tree-masked rows of about ``row_tokens`` tokens
    (the fast path); off, every request is its own right-padded row. A forward pass
    holds at most ``max_batch_tokens`` tokens (and ``batch_size`` rows on the plain
    path). ``progress`` is called with the number of scored tokens finished after each
    pass; ``stats``, when given, receives counts of the work done (tokens through the
    model, padding tokens, rows projected onto the vocabulary, forward passes). ``plan``
    (default: the one :func:`~fairlm.models._plan.plan_engine` makes for the model's
    dtype and device) says which fast paths may run: with oneDNN, the vocabulary
    projection (and, in half precision, the linear layers) go through it with reordered
    weights when the work is big enough (:mod:`fairlm.models._onednn`). A bfloat16 or
    float16 model computes in float32 between its matrix products
    (:mod:`fairlm.models._mixed`), and entirely in float32 where the plan has no
    half-precision products.
    """
    for i, r in enumerate(requests):
        if r.score_from < 1:
            raise ValueError(f"request {i}: score_from must be >= 1 (got {r.score_from})")
        if not r.prefix:
            raise ValueError(f"request {i}: the prefix must hold at least one token")
    fwd = _Forward(model, plan)
    cfg = _Batching(batch_size=max(1, batch_size), max_batch_tokens=max(1, max_batch_tokens))
    results: list[np.ndarray | None] = [None] * len(requests)
    fwd.fast = fwd.plan.onednn and sum(r.length for r in requests) >= _FAST_MIN_TOKENS
    # A half-precision body computes in float32 between its matrix products (see
    # _mixed), whose weights go through oneDNN for big jobs. A float32 body stays on
    # MKL: through oneDNN its sums (another order, other blocking) drift further from a
    # float64 pass. The vocabulary projection is as exact either way (see logprobs).
    layers: contextlib.AbstractContextManager = contextlib.nullcontext()
    if fwd.compute_dtype != fwd.dtype:
        layers = _mixed.float32_between_products(
            fwd.body,
            pack=fwd.fast,
            fuse=fwd.plan.fused_mlp,
            half_products=fwd.half_products,
            rows_hint=cfg.max_batch_tokens,
        )
    kv_heads = shared_kv_heads(fwd.device) if fwd.plan.gqa_in_place else contextlib.nullcontext()
    with layers, kv_heads, torch.inference_mode():
        if share_prefixes and fwd.can_pack:
            _score_packed(fwd, requests, results, cfg, row_tokens, pad_id, progress)
        else:
            _score_plain(fwd, requests, range(len(requests)), results, cfg, pad_id, progress)
    if stats is not None:
        for k, v in fwd.stats.items():
            stats[k] = stats.get(k, 0) + v
    return [r if r is not None else np.empty(0) for r in results]


# transformers reads this at every SDPA call (its sdpa_attention_forward)
_FORCE_GQA = "TRANSFORMERS_SDPA_FORCE_GQA"


@contextlib.contextmanager
def shared_kv_heads(device: torch.device):
    """On the CPU, a model whose query heads share key/value heads (grouped-query
    attention) reads them in place in SDPA instead of copying them to every head.

    transformers copies them (``repeat_kv``) whenever an attention mask is given, as the
    engine's tree masks are, because CUDA's fused kernels take no mask together with
    ``enable_gqa``; PyTorch's CPU kernel takes both (the plan uses this only where the
    probe found it giving the copied heads' answer). The output is the same to the bit,
    and attention reads a third of the key/value memory on a model with three query
    heads per key/value head. A value the user set is left alone.
    """
    if device.type != "cpu" or _FORCE_GQA in os.environ:
        yield
        return
    os.environ[_FORCE_GQA] = "1"
    try:
        yield
    finally:
        os.environ.pop(_FORCE_GQA, None)


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


class Trie:
    """Every distinct token path of the requests, stored once.

    Node ``v`` stands for the opening tokens ``seq[: depth[v] + 1]`` of the requests that
    pass through it; its hidden state depends on nothing else, so it is computed once
    (or once per row whose nodes descend from it, see :func:`pack_rows`). ``targets[v]``
    maps each token whose log-probability is wanted after ``v`` to a key; a key's value
    serves every request slot that names it. The generation engine packs its prompt
    passes with the same trie, without targets.
    """

    def __init__(self) -> None:
        self.parent: list[int] = []
        self.token: list[int] = []
        self.depth: list[int] = []
        self.children: list[dict[int, int]] = []
        self.roots: dict[int, int] = {}
        self.targets: list[dict[int, int]] = []
        self.key_node: list[int] = []
        self.key_target: list[int] = []
        self.key_uses: list[int] = []

    def insert(self, tokens: Sequence[int]) -> list[int]:
        """The node of each opening ``tokens[:k+1]``, created where missing."""
        nodes = []
        level, parent = self.roots, -1
        for tok in tokens:
            v = level.get(tok)
            if v is None:
                v = len(self.token)
                level[tok] = v
                self.parent.append(parent)
                self.token.append(tok)
                self.depth.append(0 if parent < 0 else self.depth[parent] + 1)
                self.children.append({})
                self.targets.append({})
            nodes.append(v)
            level, parent = self.children[v], v
        return nodes

    def key(self, node: int, target: int) -> int:
        k = self.targets[node].get(target)
        if k is None:
            k = len(self.key_node)
            self.targets[node][target] = k
            self.key_node.append(node)
            self.key_target.append(target)
            self.key_uses.append(0)
        self.key_uses[k] += 1
        return k

    def preorder(self) -> tuple[list[int], list[int], list[int]]:
        """Nodes in depth-first order, each node's index in it, and its subtree size."""
        order: list[int] = []
        stack = list(reversed(self.roots.values()))
        while stack:
            v = stack.pop()
            order.append(v)
            stack.extend(reversed(self.children[v].values()))
        index = [0] * len(order)
        for i, v in enumerate(order):
            index[v] = i
        size = [1] * len(order)
        for v in reversed(order):
            if self.parent[v] >= 0:
                size[self.parent[v]] += size[v]
        return order, index, size


def pack_rows(trie: Trie, cap: int, limit: int | None = None) -> list[list[int]]:
    """Lay the trie out as rows of about ``cap`` nodes, each row closed under ancestors.

    Subtrees of at most ``cap`` nodes are the units; a bigger subtree's root is not a unit
    itself but rides along as an ancestor of its children's units. Units are taken in
    depth-first order and appended to the current row with whichever of their ancestors
    it lacks, so neighbouring units (sentences with the same opening words) share those
    ancestors; a unit that does not fit starts a new row, which repeats its ancestors.
    Where that repetition would cost at least as many nodes as the unit adds to the
    current row (a long shared opening: a few-shot primer, a context asked about in
    several option orders), the row grows instead, up to ``limit`` nodes (default
    ``cap``: never).
    """
    limit = max(cap, limit or cap)
    order, index, size = trie.preorder()
    units: list[int] = []
    stack = list(reversed(trie.roots.values()))
    while stack:
        v = stack.pop()
        if size[v] <= cap or not trie.children[v]:
            units.append(v)
        else:
            stack.extend(reversed(trie.children[v].values()))
    rows: list[list[int]] = []
    row: list[int] = []
    seen: set[int] = set()
    for u in units:
        body = order[index[u] : index[u] + size[u]]
        missing = _missing_ancestors(trie, u, seen)
        adds = len(missing) + len(body)
        repeats = trie.depth[u] - len(missing)  # ancestors a new row would compute again
        grow = repeats >= adds and len(row) + adds <= limit
        if row and len(row) + adds > cap and not grow:
            rows.append(row)
            row, seen = [], set()
            missing = _missing_ancestors(trie, u, seen)
        row += missing
        row += body
        seen.update(missing)
        seen.update(body)
    if row:
        rows.append(row)
    return rows


def _missing_ancestors(trie: Trie, v: int, seen: set[int]) -> list[int]:
    """Ancestors of ``v`` not in ``seen``, root first."""
    out = []
    p = trie.parent[v]
    while p >= 0 and p not in seen:
        out.append(p)
        p = trie.parent[p]
    return out[::-1]


def _score_packed(fwd, requests, results, cfg, row_tokens, pad_id, progress) -> None:
    """Score every request through one trie of their token paths (see the module doc)."""
    trie = Trie()
    slots: list[tuple[int, list[int]]] = []  # (request, key of each scored position)
    for i, r in enumerate(requests):
        seq = r.prefix + r.suffix
        if len(seq) <= r.score_from:
            results[i] = np.empty(0)  # nothing to score
            continue
        nodes = trie.insert(seq[:-1])
        slots.append((i, [trie.key(nodes[t - 1], seq[t]) for t in range(r.score_from, len(seq))]))
    values = np.full(len(trie.key_node), np.nan)
    # a row may grow past row_tokens (see pack_rows), within one pass and _ROW_LIMIT
    rows = pack_rows(trie, max(row_tokens, 1), min(cfg.max_batch_tokens, _ROW_LIMIT))
    lengths = [len(row) for row in rows]
    order = sorted(range(len(rows)), key=lambda k: lengths[k])
    big = _Batching(batch_size=1 << 30, max_batch_tokens=cfg.max_batch_tokens)
    done = np.zeros(len(trie.token), dtype=bool)  # node's log-probs already computed
    for batch in _batches(lengths, order, big):
        _run_rows(fwd, trie, [rows[k] for k in batch], done, values, pad_id, progress)
    for i, keys in slots:
        results[i] = values[keys]


def tree_layout(trie: Trie, rows: list[list[int]], pad_id: int):
    """Rows of trie nodes (each closed under ancestors, parents first) as one forward
    pass's inputs: token ids and positions (B, W), the tree mask (B, W, W) in which a
    node sees its ancestors and itself and padding only itself, and each row's column of
    every node in it."""
    width = max(len(row) for row in rows)
    B = len(rows)
    ids = np.full((B, width), pad_id, dtype=np.int64)
    pos = np.zeros((B, width), dtype=np.int64)
    mask = np.zeros((B, width, width), dtype=bool)
    cols: list[dict[int, int]] = []
    for b, row in enumerate(rows):
        col: dict[int, int] = {}
        m = mask[b]
        for c, v in enumerate(row):
            ids[b, c] = trie.token[v]
            pos[b, c] = trie.depth[v]
            p = trie.parent[v]
            if p >= 0:
                m[c] = m[col[p]]  # a node sees its ancestors (all earlier in the row) ...
            m[c, c] = True  # ... and itself
            col[v] = c
        n = len(row)
        mask[b, np.arange(n, width), np.arange(n, width)] = True  # padding sees itself only
        cols.append(col)
    return ids, pos, mask, cols


def _run_rows(fwd, trie, rows, done, values, pad_id, progress) -> None:
    """One forward pass over rows of trie nodes; fills ``values`` for nodes new to it."""
    ids, pos, mask, cols = tree_layout(trie, rows, pad_id)
    at_r: list[int] = []  # (row, column) of each node whose log-probs this pass computes
    at_c: list[int] = []
    which: list[int] = []  # per key: index into those nodes
    keys: list[int] = []
    for b, row in enumerate(rows):
        for v in row:
            if trie.targets[v] and not done[v]:
                done[v] = True
                for k in trie.targets[v].values():
                    which.append(len(at_r))
                    keys.append(k)
                at_r.append(b)
                at_c.append(cols[b][v])
    n_real = sum(len(row) for row in rows)
    hidden = fwd.hidden(
        torch.from_numpy(ids), torch.from_numpy(mask), torch.from_numpy(pos), n_real=n_real
    )
    if not keys:
        return
    targets = torch.tensor([trie.key_target[k] for k in keys])
    picked = hidden[torch.tensor(at_r), torch.tensor(at_c)]
    values[keys] = fwd.logprobs(picked, targets, np.array(which))
    if progress:
        progress(sum(trie.key_uses[k] for k in keys))


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
