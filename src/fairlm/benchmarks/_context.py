"""How a scored context starts: the special tokens a model's tokenizer puts before a text.

``LanguageModel.loglikelihood`` tokenises with no special tokens added, so a context is
scored from its first character. lm-evaluation-harness (0.4.13, ``hf`` model) encodes a
context with the tokenizer's defaults instead: a Gemma or Llama tokenizer puts its BOS
token first, a GPT-2 or SmolLM2 tokenizer puts nothing. Benchmarks that follow
lm-evaluation-harness's prompts (TruthfulQA, XSTest without a chat template) start their
contexts as it does, with :func:`context_start`.
"""

from __future__ import annotations

from typing import Any, Literal

__all__ = ["START_MODES", "StartMode", "context_start"]

StartMode = Literal["auto", "prefix", "none"]
START_MODES: tuple[str, ...] = ("auto", "prefix", "none")


def context_start(lm: Any, mode: StartMode = "auto") -> str:
    """The text to put before a context so that it starts as ``mode`` says.

    ``"auto"``: the model's prefix token when its tokenizer adds that token to a text by
    default (Gemma: ``<bos>``), else nothing (SmolLM2, GPT-2), as lm-evaluation-harness
    encodes contexts; a model without a tokenizer of that kind (``FakeLM``) gets nothing.
    ``"prefix"``: always the model's prefix token. ``"none"``: nothing.
    """
    if mode not in START_MODES:
        raise ValueError(f"context start must be one of {', '.join(START_MODES)}, got {mode!r}")
    if mode == "none":
        return ""
    if mode == "prefix":
        return str(lm.prefix_token)
    encode = getattr(lm, "tokenize_prompt", None)  # the Hugging Face backend's
    if encode is None:
        return ""
    plain = list(lm.tokenize("Q"))
    full = list(encode("Q"))
    added = full[: len(full) - len(plain)] if full[len(full) - len(plain) :] == plain else []
    return str(lm.prefix_token) if added == [lm.prefix_token_id] else ""
