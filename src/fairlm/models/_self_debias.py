"""Self-Debias: a model's own next-token distribution under a prompt that asks for biased
text shows which tokens bias would favour; scale those down.

Schick, Udupa, Schütze. *Self-Diagnosis and Self-Debiasing: A Proposal for Reducing
Corpus-Based Bias in NLP.* TACL 9, 2021. For an input ``x``, debiasing prefixes ``y``
("The following text discriminates against people because of their gender:") and the
model's next-token distribution ``p``::

    delta(w) = p(w | x) - max_y p(w | y, x)
    alpha(d) = 1 if d >= 0 else exp(lambda * d)
    p~(w | x)  proportional to  max(alpha(delta(w)), epsilon) * p(w | x)

``lambda`` is the decay constant (the paper's 50), ``epsilon`` the floor of the scale
its released code applies (0.01); :func:`self_debias_logprobs` computes ``log p~``.

Where it applies:

* scoring (:class:`SelfDebiasLM`, every score of the :class:`ScoringLM` interface): each
  scored token's probability is read from ``p~``. It costs one extra forward pass per
  prefix over every scored text (contexts shared as the scoring engine shares them:
  a context's continuations are scored in one row), plus the prefix's own tokens, and
  full next-token distributions for every scored token;
* generation (:class:`SelfDebiasLogitsProcessor`): a transformers ``LogitsProcessor``
  that keeps a key/value cache per prefix, one extra incremental pass per prefix per
  token, on transformers' ``generate``.

A prefix is placed at a document start: ``[prefix token] + prefix + text``, the prefix
ending in a newline so that the text's first token is tokenised as at a document start
(the paper's prefixes end with a space; the newline keeps each text's tokens the same
with and without a prefix, which the rescaling needs).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import torch
from transformers import LogitsProcessor

from fairlm.models._engine import Request
from fairlm.models._generation import _forward
from fairlm.models._hf import LanguageModel

__all__ = [
    "DEBIASING_PREFIXES",
    "SelfDebiasLM",
    "SelfDebiasLogitsProcessor",
    "self_debias_logprobs",
]

# Schick et al. 2021, section 5 (CrowS-Pairs): one prefix per bias type
DEBIASING_PREFIXES: dict[str, str] = {
    "gender": "The following text discriminates against people because of their gender:",
    "race": "The following text discriminates against people because of their race/color:",
    "religion": "The following text discriminates against people because of their religion:",
    "socioeconomic": "The following text discriminates against people because of their "
    "socioeconomic status/occupation:",
    "sexual-orientation": "The following text discriminates against people because of their "
    "sexual orientation:",
    "age": "The following text discriminates against people because of their age:",
    "nationality": "The following text discriminates against people because of their nationality:",
    "disability": "The following text discriminates against people because of their disability:",
    "physical-appearance": "The following text discriminates against people because of "
    "their physical appearance:",
}
COST_NOTE = (
    "Self-Debias: one extra forward pass per debiasing prefix over every scored text "
    "(and full next-token distributions); plain transformers does not apply it"
)


def self_debias_logprobs(
    lp: torch.Tensor, lp_biased: torch.Tensor, decay_constant: float, epsilon: float = 0.01
) -> torch.Tensor:
    """``log p~`` from the log-probabilities ``lp`` (..., V) and those under each
    debiasing prefix ``lp_biased`` (K, ..., V): the module docstring's formula."""
    p = lp.exp()
    delta = p - lp_biased.exp().amax(dim=0)  # (..., V)
    alpha = torch.where(delta >= 0, torch.ones_like(delta), torch.exp(decay_constant * delta))
    scaled = lp + torch.log(alpha.clamp_min(epsilon))
    return scaled - torch.logsumexp(scaled, dim=-1, keepdim=True)


@dataclass
class _Row:
    """One row of a scoring pass: a context and the continuations that share it."""

    context: tuple[int, ...]
    members: list[tuple[int, tuple[int, ...]]]  # (request index, continuation)

    def length(self, lead: int) -> int:
        return lead + len(self.context) + sum(len(s) for _, s in self.members)


def _plan_rows(requests: Sequence[Request], packed: bool, budget: int) -> list[_Row]:
    """Requests grouped by context; a group's continuations share rows of at most
    ``budget`` tokens (one per row where the model takes no tree mask)."""
    groups: dict[tuple[int, ...], list[int]] = {}
    for i, r in enumerate(requests):
        groups.setdefault(r.prefix, []).append(i)
    rows: list[_Row] = []
    for context, idx in groups.items():
        row = _Row(context, [])
        for i in idx:
            suffix = requests[i].suffix
            if row.members and (not packed or row.length(0) + len(suffix) > budget):
                rows.append(row)
                row = _Row(context, [])
            row.members.append((i, suffix))
        rows.append(row)
    return rows


def _row_layout(row: _Row, requests: Sequence[Request]):
    """Tokens, positions and suffix spans of a row (no lead), and per member the row
    columns whose hidden states predict its scored tokens, with those tokens."""
    c = len(row.context)
    tokens, positions, spans = list(row.context), list(range(c)), []
    scored: list[tuple[int, list[int], list[int]]] = []
    for i, suffix in row.members:
        start = len(tokens)
        spans.append((start, len(suffix)))
        tokens += suffix
        positions += range(c, c + len(suffix))
        seq = row.context + suffix
        ks = range(requests[i].score_from, len(seq))
        cols = [k - 1 if k - 1 < c else start + k - 1 - c for k in ks]
        scored.append((i, cols, [seq[k] for k in ks]))
    return tokens, positions, spans, scored


def _tree_mask(width: int, c: int, spans: list[tuple[int, int]], n: int) -> np.ndarray:
    """(width, width): the context causal, each continuation sees the context and its
    own earlier tokens; padding sees itself."""
    m = np.zeros((width, width), dtype=bool)
    m[:c, :c] = np.tril(np.ones((c, c), dtype=bool))
    for start, length in spans:
        m[start : start + length, :c] = True
        m[start : start + length, start : start + length] = np.tril(
            np.ones((length, length), dtype=bool)
        )
    m[np.arange(n, width), np.arange(n, width)] = True
    return m


class SelfDebiasLM(LanguageModel):
    """A :class:`LanguageModel` whose scores and generations are self-debiased.

    Made by :meth:`wrap` from a loaded model (which it shares); ``load_model`` gives one
    for a folder whose ``fairlm_model.json`` has ``self_debias``. Hidden states
    (:meth:`embed`) are the model's own: Self-Debias changes only the output.
    """

    prefixes: tuple[str, ...]
    decay_constant: float
    epsilon: float

    @classmethod
    def wrap(
        cls,
        lm: LanguageModel,
        prefixes: Sequence[str],
        *,
        decay_constant: float = 50.0,
        epsilon: float = 0.01,
    ) -> SelfDebiasLM:
        """``lm`` self-debiased with ``prefixes`` (texts, e.g. :data:`DEBIASING_PREFIXES`)."""
        if not prefixes:
            raise ValueError("Self-Debias needs at least one debiasing prefix")
        out = cls.__new__(cls)
        out.__dict__.update(lm.__dict__)
        out.prefixes, out.decay_constant, out.epsilon = tuple(prefixes), decay_constant, epsilon
        out.info = {**lm.info, "self_debias": out.settings() | {"note": COST_NOTE}}
        return out

    @classmethod
    def from_saved(cls, lm: LanguageModel, saved: dict[str, Any]) -> SelfDebiasLM:
        return cls.wrap(
            lm,
            saved["prefixes"],
            decay_constant=float(saved["decay_constant"]),
            epsilon=float(saved["epsilon"]),
        )

    def settings(self) -> dict[str, Any]:
        """What ``fairlm_model.json`` records (and :meth:`from_saved` reads)."""
        return {
            "prefixes": list(self.prefixes),
            "decay_constant": self.decay_constant,
            "epsilon": self.epsilon,
        }

    def leads(self) -> list[tuple[int, ...]]:
        """Each prefix as tokens: ``[prefix token] + prefix + newline``."""
        return [(self.prefix_token_id, *self.tokenize(p.rstrip() + "\n")) for p in self.prefixes]

    def score_token_requests(
        self, requests: Sequence[Request], *, progress: bool | str = False
    ) -> list[np.ndarray]:
        """Log-probabilities of each request's scored tokens under ``p~``."""
        from fairlm.models._engine import _Forward

        fwd = _Forward(self.model, self.engine)
        rows = _plan_rows(requests, fwd.can_pack, self.max_batch_tokens)
        lead = max(len(t) for t in self.leads())
        order = sorted(range(len(rows)), key=lambda k: rows[k].length(lead))
        results: list[np.ndarray] = [np.empty(0)] * len(requests)
        batch: list[_Row] = []
        for k in order:
            width = rows[k].length(lead)
            full = len(batch) >= self.batch_size
            if batch and (full or (len(batch) + 1) * width > max(self.max_batch_tokens, width)):
                self._score_rows(fwd, batch, requests, results)
                batch = []
            batch.append(rows[k])
        if batch:
            self._score_rows(fwd, batch, requests, results)
        return results

    @torch.no_grad()
    def _score_rows(self, fwd, rows: list[_Row], requests, results) -> None:
        layouts = [_row_layout(r, requests) for r in rows]
        at_b = [b for b, lay in enumerate(layouts) for _, cols, _ in lay[3] for _ in cols]
        at_c = np.array([c for lay in layouts for _, cols, _ in lay[3] for c in cols], dtype=int)
        targets = torch.tensor([t for lay in layouts for _, _, ts in lay[3] for t in ts])
        if not len(at_c):
            return
        hidden = []
        for lead in [(), *self.leads()]:
            h, shift = self._hidden(fwd, rows, layouts, lead)
            cols = torch.from_numpy(at_c + shift[np.array(at_b, dtype=int)])
            hidden.append(h[torch.tensor(at_b), cols])  # (R, H)
        values = np.empty(len(at_c))
        for s in range(0, len(at_c), 256):
            lps = [_full_logprobs(fwd, h[s : s + 256]) for h in hidden]  # (r, V) each
            lp = self_debias_logprobs(lps[0], torch.stack(lps[1:]), self.decay_constant,
                                      self.epsilon)  # fmt: skip
            t = targets[s : s + 256].to(lp.device)
            values[s : s + 256] = lp.gather(1, t[:, None])[:, 0].double().cpu().numpy()
        off = 0
        for lay in layouts:
            for i, cols, _ in lay[3]:
                results[i] = values[off : off + len(cols)]
                off += len(cols)

    def _hidden(self, fwd, rows, layouts, lead: tuple[int, ...]):
        """Last hidden states (B, T, H) of the rows with ``lead`` before each context (a
        context's own prefix token dropped), and how far that moves each row's columns."""
        P = self.prefix_token_id
        drop = [int(bool(lead) and r.context[:1] == (P,)) for r in rows]
        shift = np.array([len(lead) - d for d in drop], dtype=int)
        width = max(len(lay[0]) + s for lay, s in zip(layouts, shift, strict=True))
        ids = torch.full((len(rows), width), self.pad_token_id, dtype=torch.long)
        pos = torch.zeros((len(rows), width), dtype=torch.long)
        masks, lengths = [], []
        for b, (r, (tokens, positions, spans, _)) in enumerate(zip(rows, layouts, strict=True)):
            row = [*lead, *tokens[drop[b] :]]
            ids[b, : len(row)] = torch.tensor(row)
            pos[b, : len(row)] = torch.tensor(
                [*range(len(lead)), *(p + shift[b] for p in positions[drop[b] :])]
            )
            c = len(r.context) + shift[b]
            masks.append(_tree_mask(width, c, [(s + shift[b], n) for s, n in spans], len(row)))
            lengths.append(len(row))
        if fwd.can_pack:
            mask = torch.from_numpy(np.stack(masks))
            return fwd.hidden(ids, mask, pos, n_real=sum(lengths)), shift
        # one continuation per row: a plain right-padded batch
        mask = (torch.arange(width)[None, :] < torch.tensor(lengths)[:, None]).long()
        return fwd.hidden(ids, mask), shift

    def generate(self, prompts: Sequence[str], **kwargs: Any) -> list[list[str]]:  # type: ignore[override]
        """:meth:`LanguageModel.generate` with the Self-Debias logits processor (sampling's
        temperature and top-p applied after it, on ``p~``)."""
        from transformers import TemperatureLogitsWarper, TopPLogitsWarper

        tok = self.tokenizer
        # the pad token transformers' path pads with (LanguageModel._hf_generate)
        pad = next(i for i in (tok.pad_token_id, tok.eos_token_id, self.prefix_token_id)
                   if i is not None)  # fmt: skip
        processors: list[Any] = [
            SelfDebiasLogitsProcessor(
                self.model,
                self.leads(),
                pad_id=pad,
                start_ids={self.prefix_token_id, self.tokenizer.bos_token_id} - {None},
                decay_constant=self.decay_constant,
                epsilon=self.epsilon,
            )
        ]
        if kwargs.get("do_sample"):
            temperature, top_p = kwargs.pop("temperature", 1.0), kwargs.pop("top_p", 1.0)
            if temperature != 1.0:
                processors.append(TemperatureLogitsWarper(temperature))
            if top_p < 1.0:
                processors.append(TopPLogitsWarper(top_p))
        return super().generate(prompts, **kwargs, logits_processor=processors)


def _full_logprobs(fwd: Any, h: torch.Tensor) -> torch.Tensor:
    """log-softmax over the vocabulary of hidden states ``h`` (R, H), float32."""
    weight, bias = fwd._head_params()
    logits = torch.nn.functional.linear(h.float(), weight, bias)  # (R, V)
    if fwd.logit_scale is not None:
        logits = logits * fwd.logit_scale
    if fwd.softcap:
        logits = torch.tanh(logits / fwd.softcap) * fwd.softcap
    return torch.log_softmax(logits, dim=-1)


class SelfDebiasLogitsProcessor(LogitsProcessor):
    """A transformers ``LogitsProcessor``: replaces the next-token scores by ``log p~``.

    ``leads`` are the prefixes' tokens (each row is run as ``lead + row``, its left
    padding and a leading ``start_ids`` token masked out). A key/value cache per prefix
    follows the decoding, so each step costs one incremental pass per prefix; a call
    that does not extend the previous one by one token starts afresh (a new batch).
    """

    def __init__(
        self,
        model: Any,
        leads: Sequence[Sequence[int]],
        *,
        pad_id: int | None,
        start_ids: set[int] = frozenset(),  # type: ignore[assignment]
        decay_constant: float = 50.0,
        epsilon: float = 0.01,
    ) -> None:
        self.model, self.leads = model, [list(t) for t in leads]
        self.pad_id, self.start_ids = pad_id, set(start_ids)
        self.decay_constant, self.epsilon = decay_constant, epsilon
        self._state: list[dict[str, Any]] | None = None
        self._length = -1

    def __call__(self, input_ids: torch.Tensor, scores: torch.Tensor) -> torch.Tensor:
        lp_biased = self.prefixed_logprobs(input_ids)  # (K, B, V)
        lp = torch.log_softmax(scores.float(), dim=-1)
        out = self_debias_logprobs(lp, lp_biased, self.decay_constant, self.epsilon)
        return out.to(scores.dtype)

    @torch.no_grad()
    def prefixed_logprobs(self, input_ids: torch.Tensor) -> torch.Tensor:
        """Next-token log-probabilities after each prefix + each row, (K, B, V)."""
        fresh = self._state is None or input_ids.shape[1] != self._length + 1
        self._length = input_ids.shape[1]
        if fresh:
            self._state = [self._start(lead, input_ids) for lead in self.leads]
        else:
            assert self._state is not None
            for st in self._state:
                self._step(st, input_ids[:, -1:])
        return torch.stack([st["lp"] for st in self._state])

    def _start(self, lead: list[int], input_ids: torch.Tensor) -> dict[str, Any]:
        B = input_ids.shape[0]
        dev = input_ids.device
        keep = torch.ones_like(input_ids, dtype=torch.bool)
        if self.pad_id is not None:  # left padding: the leading run of pad tokens
            keep = ~(input_ids == self.pad_id).long().cumprod(dim=1).bool()
        first = (~keep).sum(dim=1)  # (B,)
        rows = torch.arange(B, device=dev)
        first_tok = input_ids[rows, first.clamp_max(input_ids.shape[1] - 1)]
        starts = torch.tensor([int(t) in self.start_ids for t in first_tok], device=dev)
        keep[rows[starts], first[starts]] = False
        ids = torch.cat([torch.tensor(lead, device=dev).expand(B, -1), input_ids], dim=1)
        mask = torch.cat([torch.ones(B, len(lead), dtype=torch.bool, device=dev), keep], 1).long()
        pos = (mask.cumsum(dim=1) - 1).clamp_min(0)
        out = _forward(self.model, input_ids=ids, attention_mask=mask, position_ids=pos)
        return {
            "cache": out.cache,
            "mask": mask,
            "next": pos[:, -1:] + 1,
            "lp": torch.log_softmax(out.logits[:, -1].float(), dim=-1),
        }

    def _step(self, st: dict[str, Any], new: torch.Tensor) -> None:
        st["mask"] = torch.cat([st["mask"], torch.ones_like(new)], dim=1)
        out = _forward(
            self.model,
            st["cache"],
            input_ids=new,
            attention_mask=st["mask"],
            position_ids=st["next"],
        )
        st.update(cache=out.cache, next=st["next"] + 1)
        st["lp"] = torch.log_softmax(out.logits[:, -1].float(), dim=-1)
