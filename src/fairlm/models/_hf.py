""":class:`LanguageModel`: the Hugging Face backend of :class:`~fairlm.models.ScoringLM`.

It wraps a Hugging Face causal LM and its tokenizer. Scores are natural-log
probabilities (nats); higher means more likely.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Sequence
from typing import Any, Literal

import numpy as np
import torch

from fairlm.errors import ScoringError
from fairlm.models._engine import PASS_TOKENS, Request, score_requests
from fairlm.models._interface import ScoringLM
from fairlm.models._plan import EnginePlan, plan_engine
from fairlm.models._protocols import ScoringProtocol, get_protocol

__all__ = ["LanguageModel"]


class LanguageModel(ScoringLM):
    """A causal language model with the operations fairlm needs (:class:`ScoringLM`).

    Parameters
    ----------
    model, tokenizer:
        A loaded ``transformers`` causal LM and its tokenizer.
    name:
        What results files call this model (built-in name, path or hub id).
    prefix_token:
        The token placed before a sentence as its only context (the token the model saw
        at document starts in pre-training: ``<|endoftext|>`` for GPT-2 and SmolLM2, BOS
        for Llama-style tokenizers). It changes bias scores measurably, so it is
        recorded in every result.
    batch_size, max_batch_tokens:
        Scoring batch limits: at most ``batch_size`` sequences and ``max_batch_tokens``
        (padded) tokens per forward pass.
    engine:
        ``auto`` (default: ``$FAIRLM_ENGINE`` or the fast paths this machine was probed
        to run) or ``portable`` (plain torch ops only); see :mod:`fairlm.models._plan`.
        Where the hardware has no products in the model's half-precision dtype, the
        weights are widened to float32 here, once, and a one-line notice is logged.
    """

    def __init__(
        self,
        model: Any,
        tokenizer: Any,
        *,
        name: str,
        prefix_token: str | None = None,
        batch_size: int = 32,
        max_batch_tokens: int = PASS_TOKENS,
        info: dict[str, Any] | None = None,
        engine: str | None = None,
    ) -> None:
        self.engine: EnginePlan = plan_engine(
            str(next(model.parameters()).dtype).removeprefix("torch."),
            str(next(model.parameters()).device),
            mode=engine,
        )
        if self.engine.widen_weights:
            model = model.float()
            logging.getLogger("fairlm").warning("%s", self.engine.notice())
        self.model = model.eval()
        self.tokenizer = tokenizer
        self.name = name
        self.batch_size = batch_size
        self.max_batch_tokens = max_batch_tokens
        self.info: dict[str, Any] = dict(info or {})
        self.share_prefixes = True  # set False to score every sequence in full (for timing)
        self.stats: dict[str, int] = {}  # work done by the scoring engine, accumulated
        self.prefix_token, self.prefix_token_id = self._choose_prefix(prefix_token)
        self.pad_token_id = (
            tokenizer.pad_token_id if tokenizer.pad_token_id is not None else self.prefix_token_id
        )

    # ----------------------------------------------------------------- properties
    @property
    def max_length(self) -> int:
        """Longest sequence (in tokens) the model accepts."""
        cfg = getattr(self.model.config, "text_config", None) or self.model.config
        for key in ("max_position_embeddings", "n_positions", "n_ctx"):
            value = getattr(cfg, key, None)
            if isinstance(value, int) and value > 0:
                return value
        return 2048

    @property
    def dtype(self) -> str:
        """The dtype of the weights' values (float32 storage where the engine widened
        them: ``engine.products`` says what the products run in)."""
        return self.engine.weights

    @property
    def device(self) -> torch.device:
        return next(self.model.parameters()).device

    @property
    def num_parameters(self) -> int:
        return sum(p.numel() for p in self.model.parameters())

    def describe(self) -> dict[str, Any]:
        """JSON-ready facts about the model, recorded in every result file."""
        return {
            "name": self.name,
            "architecture": type(self.model).__name__,
            "parameters": self.num_parameters,
            "dtype": self.dtype,
            "device": str(self.device),
            "prefix_token": self.prefix_token,
            "prefix_token_id": self.prefix_token_id,
            "max_length": self.max_length,
            "engine": self.engine.describe(),
            **self.info,
        }

    def _choose_prefix(self, prefix_token: str | None) -> tuple[str, int]:
        tok = self.tokenizer
        if prefix_token is None:
            for candidate in (tok.bos_token, tok.eos_token):
                if candidate is not None:
                    prefix_token = candidate
                    break
        if prefix_token is None:
            raise ScoringError(
                f"model {self.name!r}: the tokenizer has neither a BOS nor an EOS token; "
                "pass prefix_token= (CLI: --prefix-token) to choose the sentence prefix"
            )
        ids = tok.convert_tokens_to_ids([prefix_token])
        if not ids or ids[0] is None or tok.convert_ids_to_tokens(ids[0]) != prefix_token:
            raise ScoringError(f"prefix token {prefix_token!r} is not in the model's vocabulary")
        return prefix_token, int(ids[0])

    # ----------------------------------------------------------------- tokens
    def tokenize(self, text: str) -> list[int]:
        """Token ids of ``text`` with no special tokens added."""
        return list(self.tokenizer(text, add_special_tokens=False)["input_ids"])

    def _check_texts(self, texts: Sequence[Any], what: str = "text") -> list[str]:
        if isinstance(texts, str):
            raise ScoringError(f"expected a list of {what}s, got a single string")
        out = []
        for i, t in enumerate(texts):
            if not isinstance(t, str):
                raise ScoringError(f"{what} {i} is a {type(t).__name__}, not a string: {t!r:.80}")
            if not t.strip():
                raise ScoringError(f"{what} {i} is empty; an empty text has no likelihood")
            out.append(t)
        return out

    def _check_length(self, i: int, n_tokens: int) -> None:
        if n_tokens > self.max_length:
            raise ScoringError(
                f"text {i} is {n_tokens} tokens long, longer than the model's context of "
                f"{self.max_length} tokens; shorten or split it"
            )

    def score_token_requests(
        self, requests: Sequence[Request], *, progress: bool | str = False
    ) -> list[np.ndarray]:
        """Run the scoring engine on token-level requests (see :mod:`fairlm.models._engine`)."""
        total = sum(max(r.length - r.score_from, 0) for r in requests)
        bar = _progress_bar(total, progress)
        try:
            return score_requests(
                self.model,
                requests,
                batch_size=self.batch_size,
                max_batch_tokens=self.max_batch_tokens,
                pad_id=self.pad_token_id,
                share_prefixes=self.share_prefixes,
                progress=bar.update if bar is not None else None,
                stats=self.stats,
                plan=self.engine,
            )
        finally:
            if bar is not None:
                bar.close()

    # ----------------------------------------------------------------- scoring
    def token_logprobs(
        self,
        texts: Sequence[str],
        *,
        first_token: Literal["prefix", "isolated", "unscored"] = "prefix",
        groups: Sequence[Any] | None = None,
        progress: bool | str = False,
    ) -> list[np.ndarray]:
        """Log-probability of each token of each text (nats), in input order.

        ``first_token`` says how the first token gets its context (see
        :class:`~fairlm.models.ScoringProtocol`). Texts with the same ``groups`` key share
        their common opening tokens: the model runs over those once. The values do not
        depend on the grouping (up to float rounding).
        """
        texts = self._check_texts(texts)
        ids = [self.tokenize(t) for t in texts]
        for i, t in enumerate(ids):
            self._check_length(i, len(t) + (first_token == "prefix"))
        if groups is not None and len(groups) != len(texts):
            raise ScoringError(f"{len(groups)} group keys for {len(texts)} texts")
        common = _common_prefixes(ids, groups)
        p = self.prefix_token_id
        requests: list[Request] = []
        # which request feeds which text: (text index, request index)
        parts: list[list[int]] = [[] for _ in texts]
        for i, (t, c) in enumerate(zip(ids, common, strict=True)):
            if first_token == "prefix":
                # shared prefix = [P] + common opening tokens (at least [P])
                requests.append(Request((p, *t[:c]), tuple(t[c:]), 1))
            else:
                if first_token == "isolated":
                    parts[i].append(len(requests))
                    requests.append(Request((p,), (t[0],), 1))
                if len(t) > 1:
                    c = max(c, 1)
                    requests.append(Request(tuple(t[:c]), tuple(t[c:]), 1))
                else:
                    continue
            parts[i].append(len(requests) - 1)
        scores = self.score_token_requests(requests, progress=progress)
        out = []
        for i, t in enumerate(ids):
            lp = np.concatenate([scores[k] for k in parts[i]]) if parts[i] else np.empty(0)
            expected = len(t) - (first_token == "unscored")
            assert len(lp) == expected, (len(lp), expected)
            out.append(lp)
        return out

    def sentence_scores(
        self,
        texts: Sequence[str],
        *,
        protocol: str | ScoringProtocol = "lm-eval",
        groups: Sequence[Any] | None = None,
        progress: bool | str = False,
    ) -> np.ndarray:
        """One score per sentence under a named protocol (``lm-eval``, ``bias-bench``...).

        Returns float64 nats: summed or mean token log-probability; higher = more likely.
        """
        proto = get_protocol(protocol)
        lps = self.token_logprobs(
            texts, first_token=proto.first_token, groups=groups, progress=progress
        )
        reduce = np.sum if proto.reduction == "sum" else _mean_or_nan
        return np.array([float(reduce(lp)) for lp in lps], dtype=np.float64)

    def loglikelihood(
        self,
        pairs: Sequence[tuple[str, str]],
        *,
        progress: bool | str = False,
    ) -> np.ndarray:
        """Summed log-probability (nats) of each continuation given its context.

        Tokenised as lm-evaluation-harness does: ``context + continuation`` is encoded
        whole and split where the context's own tokens end (trailing spaces of the context
        move to the continuation). An empty context means the prefix token. Pairs with
        identical contexts share one pass over the context.
        """
        requests = []
        for i, pair in enumerate(pairs):
            if not (isinstance(pair, tuple | list) and len(pair) == 2):
                raise ScoringError(f"pair {i} is not a (context, continuation) pair: {pair!r:.80}")
            context, cont = pair
            if not isinstance(context, str) or not isinstance(cont, str):
                raise ScoringError(f"pair {i}: context and continuation must be strings")
            if not cont:
                raise ScoringError(f"pair {i}: the continuation is empty")
            n_space = len(context) - len(context.rstrip(" "))
            if n_space:
                context, cont = context[:-n_space], context[-n_space:] + cont
            whole = self.tokenize(context + cont)
            ctx = self.tokenize(context) if context else []
            cut = len(ctx)
            if whole[:cut] != ctx:  # merges across the boundary: fall back to separate
                whole, cut = ctx + self.tokenize(cont), len(ctx)
            if cut == 0:
                whole, cut = [self.prefix_token_id, *whole], 1
            if cut >= len(whole):
                raise ScoringError(f"pair {i}: the continuation has no tokens of its own")
            self._check_length(i, len(whole))
            requests.append(Request(tuple(whole[:cut]), tuple(whole[cut:]), cut))
        scores = self.score_token_requests(requests, progress=progress)
        return np.array([float(np.sum(s)) for s in scores], dtype=np.float64)

    # ----------------------------------------------------------------- embeddings
    def embed(
        self,
        texts: Sequence[str],
        *,
        layer: int = -1,
        normalize: bool = False,
        progress: bool | str = False,
    ) -> np.ndarray:
        """Mean-pooled hidden states of ``layer`` (default: the last), shape (N, hidden).

        No prefix token is added (the SEAT protocol). Layer 0 is the embedding output,
        -1 the last layer (after the final norm). ``normalize`` makes rows unit length.
        """
        texts = self._check_texts(texts)
        ids = [self.tokenize(t) for t in texts]
        for i, t in enumerate(ids):
            self._check_length(i, len(t))
        out: np.ndarray | None = None
        order = sorted(range(len(ids)), key=lambda i: len(ids[i]))
        bar = _progress_bar(len(ids), progress, unit="text")
        body = self.model.get_decoder() if hasattr(self.model, "get_decoder") else None
        body = body or self.model.base_model
        with torch.inference_mode():
            for start in range(0, len(order), self.batch_size):
                batch = order[start : start + self.batch_size]
                width = max(len(ids[i]) for i in batch)
                x = torch.full((len(batch), width), self.pad_token_id, dtype=torch.long)
                mask = torch.zeros_like(x)
                for r, i in enumerate(batch):
                    x[r, : len(ids[i])] = torch.tensor(ids[i])
                    mask[r, : len(ids[i])] = 1
                res = body(
                    input_ids=x.to(self.device),
                    attention_mask=mask.to(self.device),
                    output_hidden_states=True,
                )
                h = res.hidden_states[layer].float()  # (B, T, H)
                m = mask.to(h.device)[..., None].float()
                pooled = (h * m).sum(1) / m.sum(1)  # (B, H)
                if out is None:
                    out = np.empty((len(ids), pooled.shape[1]), dtype=np.float64)
                out[batch] = pooled.double().cpu().numpy()
                if bar is not None:
                    bar.update(len(batch))
        if bar is not None:
            bar.close()
        assert out is not None
        if normalize:
            out /= np.linalg.norm(out, axis=1, keepdims=True)
        return out

    # ----------------------------------------------------------------- generation
    def generate(
        self,
        prompts: Sequence[str],
        *,
        max_new_tokens: int = 32,
        do_sample: bool = False,
        temperature: float = 1.0,
        top_p: float = 1.0,
        num_return_sequences: int = 1,
        seed: int | None = None,
        chat: bool | None = None,
        batch_size: int | None = None,
        progress: bool | str = False,
        min_new_tokens: int = 0,
        keys: Sequence[str] | None = None,
        system: str | None = None,
        logits_processor: Sequence[Any] | None = None,
    ) -> list[list[str]]:
        """Continuations of each prompt: ``result[i][j]`` is sample j of prompt i.

        Greedy by default; ``do_sample=True`` samples (seeded by ``seed``; each prompt
        draws from a random stream of its own, named by ``keys``, default the prompt
        itself, so the texts do not depend on batching). ``chat`` wraps each prompt in
        the model's chat template as a user turn, after ``system`` (None: the template's
        default system prompt). ``batch_size`` is how many rows decode
        at once (default 128). Runs on fairlm's generation engine (continuous batching,
        :mod:`fairlm.models._generation`), or on transformers' ``generate`` for a model
        whose generation config asks for logits processors the engine does not apply.

        ``min_new_tokens`` forbids end-of-text for that many generated tokens, so a
        model that learned to end every short text at once (one trained on sentence
        fragments, say) still continues a prompt; it must not exceed ``max_new_tokens``.

        ``logits_processor``: transformers ``LogitsProcessor`` objects applied after the
        model's own (Self-Debias's, :mod:`fairlm.models._self_debias`); they run on
        transformers' ``generate``, not on the engine.
        """
        from fairlm.models import _generation

        _check_sampling(
            max_new_tokens, min_new_tokens, do_sample, temperature, top_p, num_return_sequences
        )
        texts = self._generation_texts(prompts, chat, system)
        if keys is not None and len(keys) != len(texts):
            raise ScoringError(f"{len(keys)} keys for {len(texts)} prompts")
        ids = [self.tokenize_prompt(t, chat=chat) for t in texts]
        self._check_room(ids, max_new_tokens)
        why_not = _generation.supports(self.model)
        if why_not is not None or logits_processor:
            return self._hf_generate(
                texts, chat, max_new_tokens, do_sample, temperature, top_p,
                num_return_sequences, seed, batch_size, progress, min_new_tokens,
                logits_processor,
            )  # fmt: skip
        sampling = _generation.Sampling(
            max_new_tokens=max_new_tokens,
            do_sample=do_sample,
            temperature=temperature,
            top_p=top_p,
            min_new_tokens=min_new_tokens,
            eos_ids=self._eos_ids(),
            seed=seed if seed is not None else int(torch.randint(2**62, (1,))),
        )
        return self._engine_generate(ids, sampling, keys, num_return_sequences, batch_size,
                                     progress)  # fmt: skip

    def _engine_generate(self, ids, sampling, keys, samples, batch_size, progress):
        """Token ids through fairlm's generation engine, decoded."""
        from fairlm.models import _generation

        bar = _progress_bar(len(ids) * samples, progress, unit="text")
        try:
            with self._generation_context():
                out = _generation.generate_tokens(
                    self.model,
                    ids,
                    sampling,
                    keys=keys,
                    samples=samples,
                    max_rows=batch_size or 128,
                    pad_id=self.pad_token_id,
                    progress=bar.update if bar is not None else None,
                )
        finally:
            if bar is not None:
                bar.close()
        decode = self.tokenizer.batch_decode
        return [decode(rows, skip_special_tokens=True) for rows in out]

    def _check_room(self, ids: Sequence[Sequence[int]], max_new_tokens: int) -> None:
        """Refuse a prompt that leaves no room for ``max_new_tokens`` in the context.

        Refused rather than cut: which end of a prompt matters is the caller's to decide,
        and a model run past its context either fails (learned positions) or writes
        text it was never trained to continue, slowly (a 21,900-token prompt on an
        8,192-token model ran for minutes)."""
        room = self.max_length - max_new_tokens
        for i, prompt in enumerate(ids):
            if len(prompt) > room:
                fit = (
                    f"shorten it to at most {room:,} tokens or lower max_new_tokens"
                    if room > 0
                    else f"max_new_tokens must be below {self.max_length:,}"
                )
                raise ScoringError(
                    f"prompt {i} is {len(prompt):,} tokens long; with max_new_tokens="
                    f"{max_new_tokens:,} that passes the model's context of "
                    f"{self.max_length:,} tokens: {fit}"
                )

    def _generation_texts(
        self, prompts: Sequence[str], chat: bool | None, system: str | None = None
    ) -> list[str]:
        prompts = self._check_texts(prompts, "prompt")
        return [self.chat_prompt(p, system=system) for p in prompts] if chat else prompts

    # ----------------------------------------------------------------- chat
    @property
    def chat_template_hash(self) -> str | None:
        """sha256 (16 hex digits) of the tokenizer's chat template; None without one."""
        import hashlib

        template = getattr(self.tokenizer, "chat_template", None)
        if not isinstance(template, str) or not template:
            return None
        return hashlib.sha256(template.encode()).hexdigest()[:16]

    def chat_prompt(self, user: str, *, system: str | None = None) -> str:
        """The conversation's text up to the assistant's answer, by the tokenizer's own
        ``apply_chat_template`` (its default system prompt when ``system`` is None)."""
        if self.chat_template_hash is None:
            raise ScoringError(
                f"model {self.name!r} has no chat template: ask it with plain prompts "
                "(--chat off) or use an instruction-tuned model"
            )
        turns = [{"role": "user", "content": user}]
        if system is not None:
            turns.insert(0, {"role": "system", "content": system})
        return self.tokenizer.apply_chat_template(turns, add_generation_prompt=True, tokenize=False)

    def tokenize_prompt(self, text: str, *, chat: bool | None = False) -> list[int]:
        """A generation prompt's token ids: the tokenizer's special tokens added as its
        ``__call__`` adds them, except after a chat template (which holds its own)."""
        ids = list(self.tokenizer(text, add_special_tokens=not chat)["input_ids"])
        if not ids:
            raise ScoringError("a prompt has no tokens")
        return ids

    def _eos_ids(self) -> tuple[int, ...]:
        """End-of-text ids from the generation config, else the tokenizer's."""
        eos = getattr(self.model.generation_config, "eos_token_id", None)
        if eos is None:
            eos = self.tokenizer.eos_token_id
        if eos is None:
            return ()
        return tuple(eos) if isinstance(eos, list | tuple) else (int(eos),)

    @contextlib.contextmanager
    def _generation_context(self):
        """Generation runs on the engine's plan like scoring: a half-precision model's
        products in its dtype and the rest in float32 (:mod:`fairlm.models._mixed`),
        shared key/value heads read in place where the probe allows."""
        from fairlm.models import _mixed
        from fairlm.models._engine import shared_kv_heads

        with contextlib.ExitStack() as stack:
            if self.engine.gqa_in_place:
                stack.enter_context(shared_kv_heads(self.device))
            if next(self.model.parameters()).dtype in _mixed.HALF_DTYPES:
                body = self.model.get_decoder() if hasattr(self.model, "get_decoder") else None
                stack.enter_context(
                    _mixed.float32_between_products(
                        body or self.model.base_model,
                        pack=self.engine.onednn,
                        fuse=self.engine.fused_mlp,
                        half_products=self.engine.products == self.engine.weights,
                    )
                )
            yield

    def _hf_generate(
        self, texts, chat, max_new_tokens, do_sample, temperature, top_p,
        num_return_sequences, seed, batch_size, progress, min_new_tokens,
        logits_processor=None,
    ) -> list[list[str]]:  # fmt: skip
        """transformers' ``generate`` in batches with left padding (models whose
        generation config the engine does not cover, or extra logits processors)."""
        tok = self.tokenizer
        bs = batch_size or min(self.batch_size, 16)
        results: list[list[str]] = []
        bar = _progress_bar(len(texts), progress, unit="prompt")
        old_side = tok.padding_side
        tok.padding_side = "left"
        if tok.pad_token is None:
            tok.pad_token = tok.eos_token or self.prefix_token
        kwargs: dict[str, Any] = dict(
            max_new_tokens=max_new_tokens,
            do_sample=do_sample,
            num_return_sequences=num_return_sequences,
            pad_token_id=tok.pad_token_id,
        )
        if min_new_tokens:
            kwargs.update(min_new_tokens=min_new_tokens, eos_token_id=list(self._eos_ids()))
        if do_sample:
            kwargs.update(temperature=temperature, top_p=top_p, top_k=0)
        if logits_processor:
            from transformers import LogitsProcessorList

            kwargs["logits_processor"] = LogitsProcessorList(logits_processor)
        try:
            for start in range(0, len(texts), bs):
                chunk = texts[start : start + bs]
                enc = tok(chunk, return_tensors="pt", padding=True, add_special_tokens=not chat)
                if enc["input_ids"].shape[1] == 0:
                    raise ScoringError("a prompt has no tokens")
                if seed is not None:
                    torch.manual_seed(seed + start)
                with torch.inference_mode():
                    out = self.model.generate(**enc.to(self.device), **kwargs)
                decoded = tok.batch_decode(
                    out[:, enc["input_ids"].shape[1] :], skip_special_tokens=True
                )
                n = num_return_sequences
                results += [decoded[k * n : (k + 1) * n] for k in range(len(chunk))]
                if bar is not None:
                    bar.update(len(chunk))
        finally:
            tok.padding_side = old_side
            if bar is not None:
                bar.close()
        return results

    def __repr__(self) -> str:
        return f"LanguageModel({self.name!r}, dtype={self.dtype}, prefix={self.prefix_token!r})"


def _mean_or_nan(x: np.ndarray) -> float:
    return float(np.mean(x)) if len(x) else float("nan")


def _common_prefixes(ids: list[list[int]], groups: Sequence[Any] | None) -> list[int]:
    """For each text, how many opening tokens it shares with every other text of its group."""
    if groups is None:
        return [0] * len(ids)
    members: dict[Any, list[int]] = {}
    for i, g in enumerate(groups):
        members.setdefault(g, []).append(i)
    common = [0] * len(ids)
    for idx in members.values():
        if len(idx) < 2:
            continue
        seqs = [ids[i] for i in idx]
        n = 0
        shortest = min(len(s) for s in seqs)
        while n < shortest and all(s[n] == seqs[0][n] for s in seqs):
            n += 1
        for i in idx:
            common[i] = n
    return common


def _progress_bar(total: int, progress: bool | str, unit: str = "tok"):
    if not progress or total <= 0:
        return None
    from fairlm._progress import progress_bar

    desc = progress if isinstance(progress, str) else "scoring"
    return progress_bar(total=total, desc=desc, unit=unit, leave=False)


def _check_sampling(
    max_new_tokens: int,
    min_new_tokens: int,
    do_sample: bool,
    temperature: float,
    top_p: float,
    num_return_sequences: int,
) -> None:
    """Generation settings a user can get wrong, each named in its own message."""
    if max_new_tokens < 1:
        raise ScoringError(f"max_new_tokens must be at least 1, not {max_new_tokens}")
    if not 0 <= min_new_tokens <= max_new_tokens:
        raise ScoringError(
            f"min_new_tokens={min_new_tokens} must be between 0 and max_new_tokens={max_new_tokens}"
        )
    if num_return_sequences < 1:
        raise ScoringError(f"num_return_sequences must be at least 1, not {num_return_sequences}")
    if do_sample and not temperature > 0:
        raise ScoringError(
            f"temperature must be greater than 0 when sampling, not {temperature:g} "
            "(greedy decoding: do_sample=False)"
        )
    if do_sample and not 0 < top_p <= 1:
        raise ScoringError(f"top_p must be greater than 0 and at most 1, not {top_p:g}")
