"""The generation engine: many prompts through one model, continuously batched.

Prompts are taken shortest first. A batch of rows decodes together, one token per row
per step, each row reading its own keys and values from a shared cache; a row that ends
(end of text, or its token budget) leaves at once, and once half the rows have left,
waiting prompts are computed (their whole prompts, in passes until the batch is full
again; an opening all prompts of a pass share is computed once) and join the running
batch.
The cache is kept left-aligned: a row shorter than the longest holds masked padding on
its left, and columns that no row needs any more are cut away. Only the last position
of a prompt is projected onto the vocabulary, and sampling touches only the rows being
decoded (:mod:`._sampling`).

Seeded sampling does not depend on the batching: every row draws its random numbers
from a generator of its own, seeded from the run's seed, the prompt's key (by default
its text and how often that text came before) and the sample's number, so the same seed
and prompts draw the same numbers in any batch size and order, and give the same texts
wherever the logits come out the same. Their last bits can differ, since a product's
rounding depends on how many rows it holds, and a draw that close to a step of the
distribution (or a nucleus' edge) moves: a few texts in float32, many in bfloat16, whose
products round to bfloat16 (``benchmarks/generation.py`` counts them; see
docs/performance.md).

Greedy decoding equals Hugging Face ``generate``'s token for token (tested); sampling
applies its temperature, top-k and top-p rules. A model whose generation config asks
for other logits processors (repetition penalty, banned words...), or whose cache is not
plain dynamic layers (sliding windows) decodes in waves: new prompts join only an empty
batch.
"""

from __future__ import annotations

import functools
import hashlib
import inspect
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np
import torch

from fairlm.models._engine import Trie, pack_rows, tree_layout
from fairlm.models._sampling import choose

__all__ = ["Sampling", "generate_tokens", "row_seed", "supports"]

# generation-config fields that change the distribution beyond what this engine applies
_UNSUPPORTED = {
    "repetition_penalty": 1.0,
    "no_repeat_ngram_size": 0,
    "encoder_repetition_penalty": 1.0,
    "bad_words_ids": None,
    "suppress_tokens": None,
    "begin_suppress_tokens": None,
    "forced_bos_token_id": None,
    "forced_eos_token_id": None,
    "sequence_bias": None,
    "epsilon_cutoff": 0.0,
    "eta_cutoff": 0.0,
    "typical_p": 1.0,
    "min_p": None,
    "renormalize_logits": False,
}


@dataclass(frozen=True)
class Sampling:
    """How each next token is chosen, and when a row ends."""

    max_new_tokens: int
    do_sample: bool = False
    temperature: float = 1.0
    top_k: int = 0
    top_p: float = 1.0
    min_new_tokens: int = 0
    eos_ids: tuple[int, ...] = ()
    seed: int = 0


def supports(model: torch.nn.Module) -> str | None:
    """None when the engine can run ``model``; else why not (the caller falls back to
    Hugging Face ``generate``)."""
    cfg = getattr(model, "generation_config", None)
    for name, default in _UNSUPPORTED.items():
        value = getattr(cfg, name, default)
        if value is not None and value != default:
            return f"generation config sets {name}={value!r}"
    if getattr(model.config, "is_encoder_decoder", False):
        return "encoder-decoder model"
    return None


def row_seed(seed: int, key: str, sample: int) -> int:
    """A 63-bit seed for one row's random numbers, from the run's seed, the prompt's key
    and the sample's number."""
    digest = hashlib.sha256(f"{seed}\x00{key}\x00{sample}".encode()).digest()
    return int.from_bytes(digest[:8], "little") >> 1


@dataclass
class _Row:
    index: int  # position in the output
    generator: torch.Generator | None
    out: list[int] = field(default_factory=list)


@dataclass
class _Batch:
    """The rows being decoded: their cache, mask (R, T), positions and last tokens."""

    rows: list[_Row] = field(default_factory=list)
    cache: object | None = None
    mask: torch.Tensor | None = None  # (R, T) 1 = a real token
    pending: torch.Tensor | None = None  # (R,) last chosen token, not yet in the cache


def generate_tokens(
    model: torch.nn.Module,
    prompts: Sequence[Sequence[int]],
    sampling: Sampling,
    *,
    keys: Sequence[str] | None = None,
    samples: int = 1,
    max_rows: int = 128,
    max_prefill_tokens: int = 2048,
    pad_id: int = 0,
    progress: Callable[[int], None] | None = None,
    stats: dict[str, int] | None = None,
) -> list[list[list[int]]]:
    """New tokens for each prompt: ``result[i][j]`` is sample ``j`` of prompt ``i`` (the
    prompt not repeated, no end-of-text token). ``keys`` name the prompts for the
    per-row random streams (default: text position among equal prompts). ``max_rows``
    rows decode at once; a pass over new prompts holds at most ``max_prefill_tokens``.
    ``stats``, when given, receives counts of the tokens computed (prompt and decoding)."""
    if keys is None:
        keys = _default_keys(prompts)
    stats = {} if stats is None else stats
    work = [(i, j) for i in sorted(range(len(prompts)), key=lambda i: len(prompts[i]))
            for j in range(samples)]  # fmt: skip
    queue = deque(work)
    results: list[list[list[int]]] = [[[] for _ in range(samples)] for _ in prompts]
    batch = _Batch()
    with torch.inference_mode():
        runner = _Runner(model)
        filling = False  # admitting prompts: passes go on until the batch is full
        while queue or batch.rows:
            room = len(batch.rows) < (max_rows if filling else max_rows // 2 + 1)
            filling = bool(queue) and (not batch.rows or (_plain(batch.cache) and room))
            if filling:
                _admit(runner, batch, queue, prompts, keys, sampling, max_rows,
                       max_prefill_tokens, pad_id, stats)  # fmt: skip
            else:
                _step(runner, batch, sampling)
                stats["decode_tokens"] = stats.get("decode_tokens", 0) + len(batch.rows)
            done = _retire(batch, sampling)
            for row in done:
                i, j = row.index
                results[i][j] = row.out
            if progress and done:
                progress(len(done))
    return results


def _default_keys(prompts: Sequence[Sequence[int]]) -> list[str]:
    """A prompt's tokens plus how many equal prompts came before it."""
    seen: dict[tuple[int, ...], int] = {}
    out = []
    for p in prompts:
        t = tuple(p)
        out.append(f"{','.join(map(str, t))}#{seen.get(t, 0)}")
        seen[t] = seen.get(t, 0) + 1
    return out


def _admit(runner, batch, queue, prompts, keys, sampling, max_rows, max_tokens, pad_id, stats):
    """Compute waiting prompts in one pass and add them to the running batch."""
    take: list[tuple[int, int]] = []
    width = 0
    while queue and len(batch.rows) + len(take) < max_rows:
        i, j = queue[0]
        # tokens the pass computes: the prompts' own when packed, else padded to the longest
        w = width + len(prompts[i]) if runner.packs else max(width, len(prompts[i]))
        if take and (w if runner.packs else w * (len(take) + 1)) > max_tokens:
            break
        take.append(queue.popleft())
        width = w
    last, cache, mask = _prefill(runner, [prompts[i] for i, _ in take], pad_id, stats)
    rows = [_Row((i, j), _generator(sampling, keys[i], j)) for i, j in take]
    first = _choose_blocks(runner, last, rows, sampling)
    _buffer_cache(cache)
    _merge(batch, rows, cache, mask, first)


# Prompts of one pass sharing at least this many opening tokens compute them once
_MIN_SHARED = 8


def _prefill(runner, seqs: list[Sequence[int]], pad_id: int, stats: dict[str, int]):
    """The last position's output (see :meth:`_Runner.forward`), the cache and the mask
    (R, T) of ``seqs``.

    Their common opening (a chat template's system prompt, a shared instruction) runs
    once, and its keys and values are shared by every row. The rest runs packed where
    the model allows (:meth:`_Runner.packs`): the prompts' token paths go into one trie,
    laid out as rows of about ``_ROW_TOKENS`` nodes under a tree mask (as the scoring
    engine does), so no padding is computed and an opening several prompts share runs
    once per row; each prompt's keys and values are then gathered from the row that
    holds it. Otherwise the rest runs left-padded. Either way the mask reads
    [opening | padding | rest of the prompt].
    """
    device = runner.device
    shared = min(_common_length(seqs), min(len(s) for s in seqs) - 1)
    past, width0 = None, 0
    if len(seqs) > 1 and shared >= _MIN_SHARED:
        opening = torch.tensor([list(seqs[0][:shared])], device=device)
        positions = torch.arange(shared, device=device)[None]
        out = runner.forward(input_ids=opening, position_ids=positions)
        stats["prefill_tokens"] = stats.get("prefill_tokens", 0) + shared
        if _plain(out.cache):
            past, width0 = out.cache, shared
            seqs = [s[shared:] for s in seqs]
    width = max(len(s) for s in seqs)
    mask = torch.zeros((len(seqs), width0 + width), dtype=torch.long)
    mask[:, :width0] = 1
    for r, p in enumerate(seqs):  # left padding
        mask[r, width0 + width - len(p) :] = 1
    if runner.packs:
        last, cache = _packed_pass(runner, seqs, past, width0, pad_id, stats)
        return last, cache, mask.to(device)
    if past is not None:
        _expand(past, len(seqs))
    ids = torch.full((len(seqs), width), pad_id, dtype=torch.long)
    for r, p in enumerate(seqs):
        ids[r, width - len(p) :] = torch.tensor(p, dtype=torch.long)
    positions = (mask.cumsum(-1) - 1).clamp(min=0)[:, width0:]
    out = runner.forward(
        cache=past,
        input_ids=ids.to(device),
        attention_mask=mask.to(device),
        position_ids=positions.to(device),
    )
    stats["prefill_tokens"] = stats.get("prefill_tokens", 0) + sum(len(s) for s in seqs)
    return out.last, out.cache, mask.to(device)


# Prompts of a packed pass go into rows of about this many tokens: long enough that few
# rows share a pass (little padding), short enough that attention over a row's tree
# mask stays a small part of the pass
_ROW_TOKENS = 256


def _packed_pass(runner, seqs, past, width0: int, pad_id: int, stats: dict[str, int]):
    """``seqs`` (after an opening of ``width0`` tokens held by ``past``) through the
    model as packed rows of a trie; the last position's output and the cache laid out
    as :func:`_prefill` says."""
    device = runner.device
    trie = Trie()
    paths = [trie.insert(s) for s in seqs]
    rows = pack_rows(trie, _ROW_TOKENS)
    ids, pos, tree, cols = tree_layout(trie, rows, pad_id)
    n_rows, n_cols = ids.shape
    mask = np.ones((n_rows, 1, n_cols, width0 + n_cols), dtype=bool)  # the opening: all
    mask[:, 0, :, width0:] = tree
    if past is not None:
        _expand(past, n_rows)
    holder: dict[int, int] = {}  # node -> the first row holding it
    for b, col in enumerate(cols):
        for v in col:
            holder.setdefault(v, b)
    # each prompt's columns in the pass's cache: [opening | padding | its path]
    width = max(len(s) for s in seqs)
    src_row = np.zeros(len(seqs), dtype=np.int64)
    src_col = np.zeros((len(seqs), width0 + width), dtype=np.int64)
    src_col[:, :width0] = np.arange(width0)
    for r, path in enumerate(paths):
        b = holder[path[-1]]  # a row holding the last node holds its ancestors too
        src_row[r] = b
        src_col[r, width0 + width - len(path) :] = [width0 + cols[b][v] for v in path]
    out = runner.forward(
        cache=past,
        at=(torch.from_numpy(src_row), torch.from_numpy(src_col[:, -1] - width0)),
        input_ids=torch.from_numpy(ids).to(device),
        attention_mask=torch.from_numpy(mask).to(device),
        position_ids=torch.from_numpy(pos + width0).to(device),
    )
    stats["prefill_tokens"] = stats.get("prefill_tokens", 0) + sum(len(r) for r in rows)
    rows_t = torch.from_numpy(src_row).to(device)[:, None]
    cols_t = torch.from_numpy(src_col).to(device)
    for layer in out.cache.layers:
        # (B, heads, T, d) -> (R, heads, width0 + width, d)
        keys, values = layer.keys, layer.values
        layer.keys = keys.transpose(1, 2)[rows_t, cols_t].transpose(1, 2)
        layer.values = values.transpose(1, 2)[rows_t, cols_t].transpose(1, 2)
    return out.last, out.cache


def _expand(cache, rows: int) -> None:
    """A one-row cache's keys and values read by ``rows`` rows (views, not copies)."""
    for layer in cache.layers:
        layer.keys = layer.keys.expand(rows, -1, -1, -1)
        layer.values = layer.values.expand(rows, -1, -1, -1)


def _common_length(seqs: list[Sequence[int]]) -> int:
    """Length of the opening all ``seqs`` share."""
    first = seqs[0]
    n = min(len(s) for s in seqs)
    for k in range(n):
        if any(s[k] != first[k] for s in seqs):
            return k
    return n


# Logits of at most this many bytes are computed and sampled at once. glibc serves a
# block over 32 MiB with fresh pages from the kernel at every allocation, and the page
# faults cost more than the work on them (an exp over the logits of 256 rows of a
# 49,152-token vocabulary: 15 ms into fresh pages, 2.4 ms into reused ones); smaller
# blocks reuse the process's memory.
_LOGIT_BYTES = 24 << 20


@dataclass
class _Out:
    last: torch.Tensor  # each row's last position: hidden state (R, H), or logits (R, V)
    cache: object


class _Runner:
    """The model's passes for the engine. Where the model's logits are its output
    embedding applied to its decoder's last hidden states (checked on a probe: a model
    that scales or caps them is not split), a pass runs the decoder only, and the
    vocabulary is projected a block of rows at a time (:meth:`logits`), so no logits
    larger than ``_LOGIT_BYTES`` are ever held; otherwise the model's own forward gives
    the last position's logits, which are then read a block of rows at a time."""

    def __init__(self, model: torch.nn.Module) -> None:
        self.model = model
        self.device = next(model.parameters()).device
        self.body = model.get_decoder() if hasattr(model, "get_decoder") else None
        self.head = model.get_output_embeddings()
        self.split, self.plain = False, False
        if self.body is not None and self.head is not None:
            self.split, self.plain = self._probe()
        impl = getattr(model.config, "_attn_implementation", None)
        params = inspect.signature(self.body.forward).parameters if self.split else {}
        # prompts packed under tree masks (see _prefill): the decoder must take explicit
        # positions and a ready 4D boolean mask, and its cache must be plain
        self.packs = self.split and self.plain and impl == "sdpa" and "position_ids" in params
        weight = getattr(self.head, "weight", None)
        vocab = weight.shape[0] if weight is not None else model.config.get_text_config().vocab_size
        self.block = max(1, _LOGIT_BYTES // (4 * vocab))

    def _probe(self) -> tuple[bool, bool]:
        """Whether the model's logits are its head on its decoder's last hidden states
        (two tokens through both), and whether its cache is plain."""
        ids = torch.tensor([[1, 2]], device=self.device)
        whole, cache = _call(self.model, input_ids=ids, logits_to_keep=1)
        hidden = self.body(input_ids=ids, use_cache=False).last_hidden_state[:, -1:]
        parts = self.head(hidden)
        same = parts.shape == whole.logits.shape and torch.equal(
            parts.float(), whole.logits.float()
        )
        return same, _plain(cache)

    def forward(self, cache=None, at=None, **inputs) -> _Out:
        """One pass with the key/value cache (see :func:`_call`); the output at each
        row's last position, or at the (rows, columns) ``at`` names (split models only)."""
        if self.split:
            out, new_cache = _call(self.body, cache, **inputs)
        else:
            out, new_cache = _call(self.model, cache, logits_to_keep=1, **inputs)
        if at is not None:
            last = out.last_hidden_state[at[0].to(self.device), at[1].to(self.device)]
        else:
            last = out.last_hidden_state[:, -1] if self.split else out.logits[:, -1]
        return _Out(last, new_cache)

    def logits(self, last: torch.Tensor, start: int, stop: int) -> torch.Tensor:
        """Float32 logits of rows ``start:stop`` of a pass's output."""
        if self.split:
            return self.head(last[start:stop]).float()
        return last[start:stop].float()


@dataclass
class _Logits:
    logits: torch.Tensor
    cache: object


def _forward(model, cache=None, **inputs) -> _Logits:
    """One pass of the whole model with the key/value cache (Self-Debias decodes with
    it)."""
    out, new_cache = _call(model, cache, **inputs)
    return _Logits(out.logits, new_cache)


def _call(module, cache=None, **inputs):
    """``module``'s output for one pass with the key/value cache, under whichever name
    this version of transformers gives it (``cache``, formerly ``past_key_values``), and
    the cache it returns."""
    if cache is not None:
        inputs[_cache_argument(type(module))] = cache
    out = module(**inputs, use_cache=True)
    new_cache = getattr(out, "cache", None)
    return out, new_cache if new_cache is not None else getattr(out, "past_key_values", None)


@functools.cache
def _cache_argument(model_class: type) -> str:
    params = inspect.signature(model_class.forward).parameters
    return "cache" if "cache" in params else "past_key_values"


def _generator(sampling: Sampling, key: str, sample: int) -> torch.Generator | None:
    if not sampling.do_sample:
        return None
    return torch.Generator().manual_seed(row_seed(sampling.seed, key, sample))


def _choose_blocks(runner: _Runner, last: torch.Tensor, rows: list[_Row], sampling: Sampling):
    """Next token of each row from a pass's output, a block of rows at a time."""
    return torch.cat([
        _choose(runner.logits(last, s, s + runner.block), rows[s : s + runner.block], sampling)
        for s in range(0, len(rows), runner.block)
    ])  # fmt: skip


def _choose(logits: torch.Tensor, rows: list[_Row], sampling: Sampling) -> torch.Tensor:
    """Next token of each row, end of text forbidden where ``min_new_tokens`` says."""
    if sampling.min_new_tokens and sampling.eos_ids:
        young = torch.tensor([len(r.out) < sampling.min_new_tokens for r in rows])
        if young.any():
            logits[young.to(logits.device)[:, None] & _eos_columns(logits, sampling)] = -torch.inf

    def draw(which) -> torch.Tensor:  # one uniform number from each row's own stream
        return torch.cat([torch.rand(1, generator=rows[k].generator) for k in which])

    tokens = choose(
        logits,
        do_sample=sampling.do_sample,
        temperature=sampling.temperature,
        top_k=sampling.top_k,
        top_p=sampling.top_p,
        uniforms=draw(range(len(rows))) if sampling.do_sample else None,
        redraw=lambda which: draw(which.tolist()),
    )
    for r, t in zip(rows, tokens.tolist(), strict=True):
        r.out.append(t)
    return tokens


def _eos_columns(logits: torch.Tensor, sampling: Sampling) -> torch.Tensor:
    cols = torch.zeros(logits.shape[-1], dtype=torch.bool, device=logits.device)
    cols[list(sampling.eos_ids)] = True
    return cols[None, :]


def _step(runner: _Runner, batch: _Batch, sampling: Sampling) -> None:
    """One token for every row: feed the pending tokens, choose the next ones."""
    ones = torch.ones((len(batch.rows), 1), dtype=batch.mask.dtype, device=batch.mask.device)
    mask = torch.cat([batch.mask, ones], dim=1)
    positions = batch.mask.sum(-1, keepdim=True)  # (R, 1): real tokens before this one
    out = runner.forward(
        cache=batch.cache,
        input_ids=batch.pending[:, None],
        attention_mask=mask,
        position_ids=positions,
    )
    batch.cache, batch.mask = out.cache, mask
    batch.pending = _choose_blocks(runner, out.last, batch.rows, sampling)


def _retire(batch: _Batch, sampling: Sampling) -> list[_Row]:
    """Remove rows that chose end of text or reached their budget; cut the cache's
    columns that only padding of the remaining rows holds."""
    ended = [
        k
        for k, r in enumerate(batch.rows)
        if len(r.out) >= sampling.max_new_tokens or r.out[-1] in sampling.eos_ids
    ]
    if not ended:
        return []
    done = [batch.rows[k] for k in ended]
    for r in done:
        if r.out[-1] in sampling.eos_ids:
            r.out.pop()  # the end-of-text token is not part of the text
    keep = [k for k in range(len(batch.rows)) if k not in set(ended)]
    batch.rows = [batch.rows[k] for k in keep]
    if not keep:
        batch.cache = batch.mask = batch.pending = None
        return done
    idx = torch.tensor(keep, device=batch.mask.device)
    batch.mask, batch.pending = batch.mask[idx], batch.pending[idx]
    if not _plain(batch.cache):  # e.g. sliding-window layers keep more state
        batch.cache.batch_select_indices(idx)
        return done
    start = int((batch.mask.sum(0) > 0).nonzero()[0])  # first column a row still reads
    batch.mask = batch.mask[:, start:]
    for layer in batch.cache.layers:
        if start == 0 and hasattr(layer, "keep_rows"):
            layer.keep_rows(idx)
        else:
            layer.keys = layer.keys[idx, :, start:]
            layer.values = layer.values[idx, :, start:]
    return done


def _plain(cache) -> bool:
    """Whether every layer of the cache is a plain dynamic layer (tensors only), which
    rows can join and whose columns can be cut."""
    from transformers.cache_utils import DynamicLayer

    layers = getattr(cache, "layers", None)
    kinds = (DynamicLayer, _buffered_class())
    return bool(layers) and all(type(layer) in kinds for layer in layers)


@functools.cache
def _buffered_class() -> type:
    """A dynamic cache layer that writes new keys and values into spare room at the end
    of its buffers instead of concatenating (a copy of the whole cache per step)."""
    from transformers.cache_utils import DynamicLayer

    def buffer(t: torch.Tensor, room: int) -> torch.Tensor:
        shape = list(t.shape)
        shape[2] += room
        out = t.new_empty(shape)
        out[:, :, : t.shape[2]] = t
        return out

    class BufferedLayer(DynamicLayer):
        room = 32  # spare columns allocated at each growth

        # keys and values each keep their own length, so that setting one (the batch
        # losing rows, or gaining them) never changes how the other is read
        def _set(self, which: str, t: torch.Tensor) -> None:
            self.__dict__[f"_{which}"] = buffer(t, self.room)
            self.__dict__[f"_{which}_length"] = t.shape[2]

        keys = property(lambda self: self._keys[:, :, : self._keys_length],
                        lambda self, t: self._set("keys", t))  # fmt: skip
        values = property(lambda self: self._values[:, :, : self._values_length],
                          lambda self, t: self._set("values", t))  # fmt: skip

        def keep_rows(self, idx: torch.Tensor) -> None:
            """Keep rows ``idx`` (ascending), moved up within the same buffers: no new
            memory for the whole cache each time rows leave."""
            for name in ("_keys", "_values"):
                buf, n = self.__dict__[name], self.__dict__[f"{name}_length"]
                buf[: len(idx), :, :n] = buf[idx, :, :n]
                self.__dict__[name] = buf[: len(idx)]

        def update(self, key_states, value_states, *args, **kwargs):
            n, q = self._keys_length, key_states.shape[2]
            if n + q > self._keys.shape[2]:
                self.keys, self.values = self.keys, self.values  # grow by `room`
            self._keys[:, :, n : n + q] = key_states
            self._values[:, :, n : n + q] = value_states
            self.__dict__["_keys_length"] = self.__dict__["_values_length"] = n + q
            return self.keys, self.values

    return BufferedLayer


def _buffer_cache(cache) -> None:
    """Turn a fresh cache's plain dynamic layers into buffered ones, in place."""
    from transformers.cache_utils import DynamicLayer

    for layer in getattr(cache, "layers", ()):
        if type(layer) is DynamicLayer and layer.is_initialized:
            keys, values = layer.__dict__.pop("keys"), layer.__dict__.pop("values")
            layer.__class__ = _buffered_class()
            layer.keys, layer.values = keys, values


def _merge(batch: _Batch, rows: list[_Row], cache, mask: torch.Tensor, first: torch.Tensor):
    """Append new rows (their cache and mask) to the batch, left-padding the shorter."""
    if not batch.rows:
        batch.rows, batch.cache, batch.mask, batch.pending = list(rows), cache, mask, first
        return
    old_t, new_t = batch.mask.shape[1], mask.shape[1]
    width = max(old_t, new_t)
    batch.mask = torch.cat([_pad_left(batch.mask, width), _pad_left(mask, width)])
    for old, new in zip(batch.cache.layers, cache.layers, strict=True):
        # read both before writing either: a buffered layer's keys and values share one
        # length, which setting the keys changes
        keys, values = old.keys, old.values
        old.keys = torch.cat([_pad_left(keys, width, 2), _pad_left(new.keys, width, 2)])
        old.values = torch.cat([_pad_left(values, width, 2), _pad_left(new.values, width, 2)])
    batch.rows += rows
    batch.pending = torch.cat([batch.pending, first])


def _pad_left(t: torch.Tensor, width: int, dim: int = 1) -> torch.Tensor:
    """``t`` with zeros prepended along ``dim`` up to ``width``."""
    missing = width - t.shape[dim]
    if missing <= 0:
        return t
    shape = list(t.shape)
    shape[dim] = missing
    return torch.cat([t.new_zeros(shape), t], dim=dim)
