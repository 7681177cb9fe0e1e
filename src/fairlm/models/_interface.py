"""The model interface that benchmarks talk to: :class:`ScoringLM`.

A benchmark never needs to know which backend scores its texts. Everything it asks of a
model is listed here, with the signatures of the Hugging Face backend
(:class:`~fairlm.models.LanguageModel`, which declares that it implements this
protocol). A second backend (a GPU server, an API model, the deterministic
:class:`~fairlm.models.FakeLM` used in tests) implements the same methods and runs every
benchmark unchanged.

Conventions shared by every method:

* scores are natural-log probabilities (nats); higher means more likely;
* results come back in input order;
* ``groups`` are hints that texts with the same key share their opening tokens, so a
  backend may compute those once; they never change the values (up to float rounding);
* ``progress`` is ``False``, ``True`` or a label for a progress bar; a backend may
  ignore it.

Importing this module imports nothing heavy (no torch, no numpy).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Literal, Protocol, runtime_checkable

if TYPE_CHECKING:
    import numpy as np

    from fairlm.models._protocols import ScoringProtocol

__all__ = ["ScoringLM"]


@runtime_checkable
class ScoringLM(Protocol):
    """What a language model must offer to be audited by fairlm's benchmarks.

    ``isinstance(obj, ScoringLM)`` checks that the members exist (not their
    signatures); a type checker checks the signatures.
    """

    #: What results files call this model (built-in name, path or hub id).
    name: str
    #: The token placed before a sentence as its only context, and its id. It changes
    #: bias scores measurably, so it is recorded in every result.
    prefix_token: str
    prefix_token_id: int

    @property
    def max_length(self) -> int:
        """Longest sequence, in tokens, the model accepts."""
        ...

    def describe(self) -> dict[str, Any]:
        """JSON-ready facts about the model, recorded in every result file.

        At least ``name``, ``dtype`` and ``prefix_token``; ``hash`` (an identity of the
        weights) lets an interrupted audit resume only on the same model.
        """
        ...

    def tokenize(self, text: str) -> list[int]:
        """Token ids of ``text`` with no special tokens added."""
        ...

    def token_logprobs(
        self,
        texts: Sequence[str],
        *,
        first_token: Literal["prefix", "isolated", "unscored"] = "prefix",
        groups: Sequence[Any] | None = None,
        progress: bool | str = False,
    ) -> list[np.ndarray]:
        """Log-probability of each token of each text (nats): one 1-D array per text.

        ``first_token`` says how the first token gets its context (see
        :class:`~fairlm.models.ScoringProtocol`); with ``"unscored"`` the first token
        has no entry.
        """
        ...

    def sentence_scores(
        self,
        texts: Sequence[str],
        *,
        protocol: str | ScoringProtocol = "lm-eval",
        groups: Sequence[Any] | None = None,
        progress: bool | str = False,
    ) -> np.ndarray:
        """One float64 score per sentence under a named protocol (``lm-eval``,
        ``bias-bench``...): the summed or mean token log-probability."""
        ...

    def loglikelihood(
        self,
        pairs: Sequence[tuple[str, str]],
        *,
        progress: bool | str = False,
    ) -> np.ndarray:
        """Summed log-probability (nats, float64) of each continuation given its context;
        an empty context means the prefix token."""
        ...

    def embed(
        self,
        texts: Sequence[str],
        *,
        layer: int = -1,
        normalize: bool = False,
        progress: bool | str = False,
    ) -> np.ndarray:
        """One vector per text, shape (N, hidden): mean-pooled hidden states of
        ``layer``, no prefix token; ``normalize`` makes rows unit length."""
        ...

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
        """Continuations of each prompt (the prompt not repeated): ``result[i][j]`` is
        sample j of prompt i. Greedy unless ``do_sample``; sampling is seeded by
        ``seed``, and each prompt draws from a stream of its own named by ``keys``
        (default: the prompt), so the texts do not depend on batching. With ``chat``
        each prompt is the user turn of :meth:`chat_prompt` after ``system`` (None: the
        template's default system prompt)."""
        ...

    @property
    def chat_template_hash(self) -> str | None:
        """A short identity of the model's chat template, None when it has none (a base
        model, asked with plain prompts)."""
        ...

    def chat_prompt(self, user: str, *, system: str | None = None) -> str:
        """The text of a chat conversation with one user turn (after ``system``, or the
        template's own default system prompt when ``system`` is None), ending where the
        assistant's answer begins: exactly what the tokenizer's ``apply_chat_template``
        gives with ``add_generation_prompt=True``. Raises for a model without a chat
        template."""
        ...
