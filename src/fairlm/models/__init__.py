"""The model layer: one small interface between fairlm and language models.

Every benchmark talks to the :class:`ScoringLM` protocol, never to transformers
directly; :class:`LanguageModel` implements it for Hugging Face models and
:class:`FakeLM` (deterministic, no weights) for tests. :func:`load_model` turns a
built-in name (``smollm2-135m``), a local directory, a ``.gguf`` file or a Hugging Face
hub id into a :class:`LanguageModel`.

Importing this package is cheap; torch is imported when a model is loaded.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__all__ = [
    "BUILTIN_MODELS",
    "DEFAULT_MODEL",
    "PROTOCOLS",
    "FakeLM",
    "LanguageModel",
    "ScoringLM",
    "ScoringProtocol",
    "load_model",
]

_LAZY = {
    "BUILTIN_MODELS": "fairlm.models._builtin",
    "DEFAULT_MODEL": "fairlm.models._builtin",
    "PROTOCOLS": "fairlm.models._protocols",
    "ScoringProtocol": "fairlm.models._protocols",
    "LanguageModel": "fairlm.models._hf",
    "ScoringLM": "fairlm.models._interface",
    "FakeLM": "fairlm.models._fake",
    "load_model": "fairlm.models._loading",
}

if TYPE_CHECKING:
    from fairlm.models._builtin import BUILTIN_MODELS, DEFAULT_MODEL
    from fairlm.models._fake import FakeLM
    from fairlm.models._hf import LanguageModel
    from fairlm.models._interface import ScoringLM
    from fairlm.models._loading import load_model
    from fairlm.models._protocols import PROTOCOLS, ScoringProtocol


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'fairlm.models' has no attribute {name!r}")
