"""How to load a model: the options shared by every workflow that scores one.

:class:`ModelOptions` is the ``model`` group of ``fairlm audit``, ``score`` and
``generate``; :class:`fairlm.benchmarks.AuditConfig` extends it. No heavy imports.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from fairlm._config import ConfigError, check, option
from fairlm.models._builtin import DEFAULT_MODEL

__all__ = ["ModelOptions", "parse_batch_size"]

# N sequences of up to this many tokens: packed rows are filled to N x this token budget
TOKENS_PER_SEQUENCE = 128


def parse_batch_size(text: str) -> int | str:
    """``"auto"`` or a whole number of at least 1."""
    if text == "auto":
        return text
    try:
        n = int(text)
    except ValueError:
        raise ValueError(f"must be a positive integer or 'auto', not {text!r}") from None
    if n < 1:
        raise ValueError("must be at least 1")
    return n


@dataclass(kw_only=True)
class ModelOptions:
    """Which model to load and how (the arguments of :func:`fairlm.models.load_model`)."""

    model: str = option(
        DEFAULT_MODEL,
        group="model",
        help="built-in name (see `fairlm models`), local folder, .gguf file or hub id "
        f"(default: {DEFAULT_MODEL})",
    )
    dtype: Literal["float32", "bfloat16", "float16"] = option(
        "float32",
        group="model",
        help="float32 (default) scores exactly; bfloat16 is faster: its linear layers "
        "multiply in bfloat16, scoring computes the rest in float32",
    )
    device: str | None = option(
        None, group="model", help="torch device, e.g. cuda:0 (default: cpu)"
    )
    engine: Literal["auto", "portable"] | None = option(
        None,
        group="model",
        help="scoring engine: auto (default; $FAIRLM_ENGINE overrides) takes the fast paths "
        "this machine was probed to run, portable only plain torch ops (see `fairlm env`)",
    )
    batch_size: int | Literal["auto"] = option(
        "auto",
        group="model",
        parse=parse_batch_size,
        minimum=1,
        help="sequences per forward pass (N x 128 tokens), or 'auto' (768 tokens; default)",
    )
    prefix_token: str | None = option(
        None,
        group="model",
        help="token placed before each sentence as its context (default: the model's "
        "document-start token)",
    )
    trust_remote_code: bool = option(
        False,
        group="model",
        help="allow a hub model to run its own Python code (off by default: it runs "
        "whatever the model's author wrote)",
    )

    def __post_init__(self) -> None:
        if isinstance(self.batch_size, str) and self.batch_size != "auto":
            raise ConfigError(
                "batch_size", f"must be a positive integer or 'auto', not {self.batch_size!r}"
            )
        check(self)

    def load_kwargs(self) -> dict[str, Any]:
        """Keyword arguments of :func:`fairlm.models.load_model` (all but the name)."""
        kwargs: dict[str, Any] = {
            "dtype": self.dtype,
            "device": self.device,
            "trust_remote_code": self.trust_remote_code,
            "prefix_token": self.prefix_token,
            "engine": self.engine,
        }
        if self.batch_size != "auto":
            kwargs["batch_size"] = self.batch_size
            kwargs["max_batch_tokens"] = self.batch_size * TOKENS_PER_SEQUENCE
        return kwargs

    def load_model(self, **overrides: Any) -> Any:
        """The model these options name, loaded (``overrides`` replace options)."""
        from fairlm.models import load_model

        return load_model(self.model, **{**self.load_kwargs(), **overrides})
