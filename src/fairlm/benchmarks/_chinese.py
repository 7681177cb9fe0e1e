"""What the Chinese benchmarks (``cbbq``, ``chbias``) share: a check that the model's
tokenizer reads Chinese at all.

An English-only byte-level tokenizer (GPT-2's, SmolLM2's) has few or no tokens for
Chinese characters: it spells each one as two or three byte pieces, so the model has
seen little Chinese and its likelihoods on Chinese text say little about its bias.
:func:`tokens_per_character` tokenizes :data:`PROBE`, a run of the most common Chinese
characters; a tokenizer that needs more than :data:`SPLIT_TOKENS_PER_CHARACTER` tokens
per character splits most characters (a multilingual tokenizer needs one or fewer, as it
merges common pairs). Each benchmark records the figure in every sample row
(``zh_tokens_per_char``), so its summary can say so from the rows alone, and logs one
warning line when it scores (:func:`warn_if_split`).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

__all__ = [
    "PROBE",
    "SPLIT_TOKENS_PER_CHARACTER",
    "split_note",
    "tokens_per_character",
    "warn_if_split",
]

#: 36 of the most frequent characters of written Chinese, as one run of text.
PROBE = "的一是不了人我在有他这中大来上们到说国和地也子时道出而要于就下得可你年生"
#: More tokens than characters on :data:`PROBE`: most characters are split.
SPLIT_TOKENS_PER_CHARACTER = 1.0


def tokens_per_character(lm: Any) -> float:
    """Tokens the model's tokenizer needs per character of :data:`PROBE`."""
    return len(lm.tokenize(PROBE)) / len(PROBE)


def _message(value: float) -> str:
    return (
        f"splits Chinese characters into pieces ({value:.2f} tokens per common character): "
        "its scores on Chinese text say little; use a multilingual model such as gemma3-270m"
    )


def warn_if_split(lm: Any, benchmark: str) -> float:
    """The probe's tokens per character, and one log line when it is over the limit."""
    value = tokens_per_character(lm)
    if value > SPLIT_TOKENS_PER_CHARACTER:
        name = str(getattr(lm, "name", "the model"))
        logging.getLogger("fairlm").warning(
            "[%s] warning: the tokenizer of %s %s", benchmark, name, _message(value)
        )
    return value


def split_note(rows: Sequence[dict]) -> str | None:
    """The summary's warning when the rows say the tokenizer splits Chinese, else None."""
    values = [r["zh_tokens_per_char"] for r in rows if r.get("zh_tokens_per_char") is not None]
    if not values or max(values) <= SPLIT_TOKENS_PER_CHARACTER:
        return None
    return f"Warning: the tokenizer of this model {_message(max(values))}."
