""":class:`FakeLM`: a deterministic stand-in for a language model, for tests.

It implements :class:`~fairlm.models.ScoringLM` with no weights and no torch: every
score, generation and embedding is a pure function of the text, so the same input
gives the same output in every call, process and machine. Every benchmark runs end to
end on it in well under a second per hundred examples, which makes it the model to use
when testing a new benchmark, a report or a pipeline around fairlm::

    from fairlm.models import FakeLM
    from fairlm.benchmarks import get_benchmark
    bench = get_benchmark("crows_pairs")(limit=20)
    rows = bench.score(FakeLM(), bench.examples())

Its numbers mean nothing about bias: they are hashes dressed as log-probabilities.

How it works:

* **Tokens**: a word or a punctuation mark with the white space before it (``" cat"``,
  ``"."``); its id is a hash of that text, id 0 is the prefix token.
* **Log-probabilities**: a bigram model whose log-probability of a token given the
  token before it is a hash of the two ids, between -10.5 and -0.5 nats. The first token
  of a sentence is conditioned on the prefix token, so the ``prefix`` and ``isolated``
  first-token rules give the same values and protocols differ only in their reduction,
  and a continuation's log-likelihood is conditioned on the last token of its context.
* **Embeddings**: the mean over a text's tokens of a fixed random vector per token id.
* **Generation**: words drawn from a small vocabulary (with sentiment-laden and gendered
  words, so BOLD's figures vary) by a generator seeded with a hash of the prompt (and
  ``seed`` and the sample's index when sampling).
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Sequence
from typing import Any, Literal

import numpy as np

from fairlm.errors import ScoringError
from fairlm.models._interface import ScoringLM
from fairlm.models._protocols import ScoringProtocol, get_protocol

__all__ = ["FakeLM"]

# a word, a punctuation mark or trailing white space, with the white space before it
_TOKEN = re.compile(r"\s*\w+|\s*[^\w\s]|\s+")
_VOCAB = 50_000
_WORDS = (
    *("the", "a", "and", "was", "is", "of", "to", "in", "worked", "lived", "known", "."),
    *("he", "she", "his", "her", "man", "woman", "people", "famous"),
    *("good", "great", "kind", "happy", "love", "wonderful"),
    *("bad", "terrible", "awful", "sad", "hate", "angry"),
)


class FakeLM(ScoringLM):
    """A deterministic fake language model (see the module docstring).

    Parameters
    ----------
    name:
        What results files call it.
    max_length:
        The context length it claims, in tokens; longer texts are refused, as a real
        model refuses them.
    hidden_size:
        Length of the vectors :meth:`embed` returns.
    """

    prefix_token = "<|endoftext|>"
    prefix_token_id = 0

    def __init__(self, name: str = "fake", *, max_length: int = 2048, hidden_size: int = 16):
        self.name = name
        self._max_length = max_length
        self.hidden_size = hidden_size
        self._vectors: dict[int, np.ndarray] = {}

    @property
    def max_length(self) -> int:
        return self._max_length

    def describe(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "architecture": "FakeLM",
            "parameters": 0,
            "dtype": "float64",
            "device": "cpu",
            "prefix_token": self.prefix_token,
            "prefix_token_id": self.prefix_token_id,
            "max_length": self.max_length,
            "hash": f"fake-{self.hidden_size}",
        }

    # ----------------------------------------------------------------- tokens
    def tokenize(self, text: str) -> list[int]:
        return [1 + _hash(t) % (_VOCAB - 1) for t in _TOKEN.findall(text)]

    def _ids(self, texts: Sequence[Any], what: str, extra: int = 0) -> list[list[int]]:
        """Token ids of each text, refusing what a real model refuses."""
        if isinstance(texts, str):
            raise ScoringError(f"expected a list of {what}s, got a single string")
        out = []
        for i, t in enumerate(texts):
            if not isinstance(t, str) or not t.strip():
                raise ScoringError(f"{what} {i} is not a non-empty string: {t!r:.80}")
            ids = self.tokenize(t)
            if len(ids) + extra > self.max_length:
                raise ScoringError(f"{what} {i} is longer than {self.max_length} tokens")
            out.append(ids)
        return out

    # ----------------------------------------------------------------- scoring
    def token_logprobs(
        self,
        texts: Sequence[str],
        *,
        first_token: Literal["prefix", "isolated", "unscored"] = "prefix",
        groups: Sequence[Any] | None = None,
        progress: bool | str = False,
    ) -> list[np.ndarray]:
        out = []
        for ids in self._ids(texts, "text", extra=first_token == "prefix"):
            lp = _logprobs(self.prefix_token_id, ids)
            out.append(lp[1:] if first_token == "unscored" else lp)
        return out

    def sentence_scores(
        self,
        texts: Sequence[str],
        *,
        protocol: str | ScoringProtocol = "lm-eval",
        groups: Sequence[Any] | None = None,
        progress: bool | str = False,
    ) -> np.ndarray:
        proto = get_protocol(protocol)
        lps = self.token_logprobs(texts, first_token=proto.first_token)
        if proto.reduction == "sum":
            return np.array([lp.sum() for lp in lps], dtype=np.float64)
        return np.array([lp.mean() if len(lp) else np.nan for lp in lps], dtype=np.float64)

    def loglikelihood(
        self,
        pairs: Sequence[tuple[str, str]],
        *,
        progress: bool | str = False,
    ) -> np.ndarray:
        out = []
        for i, pair in enumerate(pairs):
            if not (isinstance(pair, tuple | list) and len(pair) == 2):
                raise ScoringError(f"pair {i} is not a (context, continuation) pair: {pair!r:.80}")
            context, continuation = pair
            ctx = self.tokenize(context) if context else []
            cont = self._ids([continuation], f"pair {i}: continuation", extra=len(ctx))[0]
            out.append(_logprobs(ctx[-1] if ctx else self.prefix_token_id, cont).sum())
        return np.array(out, dtype=np.float64)

    # ----------------------------------------------------------------- embeddings
    def embed(
        self,
        texts: Sequence[str],
        *,
        layer: int = -1,
        normalize: bool = False,
        progress: bool | str = False,
    ) -> np.ndarray:
        """Mean of each token's fixed vector; ``layer`` is accepted and ignored."""
        out = np.array(
            [np.mean([self._vector(i) for i in ids], axis=0) for ids in self._ids(texts, "text")]
        ).reshape(-1, self.hidden_size)
        if normalize:
            out /= np.linalg.norm(out, axis=1, keepdims=True)
        return out

    def _vector(self, token_id: int) -> np.ndarray:
        if token_id not in self._vectors:
            self._vectors[token_id] = np.random.default_rng(token_id).standard_normal(
                self.hidden_size
            )
        return self._vectors[token_id]

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
    ) -> list[list[str]]:
        """Words from a small vocabulary, seeded by the prompt (or its key); the decoding
        settings other than ``do_sample``, ``seed`` and the token counts (``chat`` and
        ``system`` included) are accepted and ignored."""
        if not 0 <= min_new_tokens <= max_new_tokens:
            raise ScoringError(
                f"min_new_tokens={min_new_tokens} must be between 0 and "
                f"max_new_tokens={max_new_tokens}"
            )
        self._ids(prompts, "prompt", extra=max_new_tokens)
        out = []
        for i, prompt in enumerate(prompts):
            samples = []
            name = prompt if keys is None else keys[i]
            for j in range(num_return_sequences):
                key = [_hash(name), seed or 0, j] if do_sample else [_hash(prompt)]
                rng = np.random.default_rng(key)
                n = int(rng.integers(max(min_new_tokens, 1), max_new_tokens + 1))
                samples.append("".join(" " + _WORDS[k] for k in rng.integers(len(_WORDS), size=n)))
            out.append(samples)
        return out

    # ----------------------------------------------------------------- chat
    chat_template_hash = "fake-chat"

    def chat_prompt(self, user: str, *, system: str | None = None) -> str:
        """A fixed plain-text conversation layout (no tokenizer behind it)."""
        system = "You are a helpful assistant." if system is None else system
        return f"<|system|>\n{system}\n<|user|>\n{user}\n<|assistant|>\n"

    def __repr__(self) -> str:
        return f"FakeLM({self.name!r})"


def _hash(text: str) -> int:
    return zlib.crc32(text.encode("utf-8"))


def _logprobs(previous: int, ids: Sequence[int]) -> np.ndarray:
    """Bigram log-probabilities of ``ids``, the first one given ``previous``."""
    before = [previous, *ids[:-1]]
    return np.array(
        [-0.5 - 10.0 * (_hash(f"{a}:{b}") / 2**32) for a, b in zip(before, ids, strict=True)],
        dtype=np.float64,
    )
