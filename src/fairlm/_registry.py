"""Name -> object registries with lazy loading and "did you mean" errors."""

from __future__ import annotations

import difflib
import importlib
from collections.abc import Iterator
from typing import Generic, TypeVar

from fairlm.errors import UnknownNameError

T = TypeVar("T")

__all__ = ["Registry", "did_you_mean", "unknown_name_message"]


def did_you_mean(name: str, choices: list[str]) -> str:
    """A hint such as ``" Did you mean: crows_pairs?"``, or an empty string."""
    close = difflib.get_close_matches(name, choices, n=3, cutoff=0.5)
    if not close:
        # substrings help with abbreviations such as "crows" or "smollm"
        close = [c for c in choices if name.lower() in c.lower()][:3]
    return f" Did you mean: {', '.join(close)}?" if close else ""


def unknown_name_message(kind: str, name: str, known: list[str]) -> str:
    """``Unknown benchmark 'crows'. Did you mean: crows_pairs? Known: a, b.``"""
    return f"Unknown {kind} {name!r}.{did_you_mean(name, known)} Known: {', '.join(known)}."


class Registry(Generic[T]):
    """Maps names to objects given as ``"module:attribute"`` strings, imported on first use.

    Keeping the target as a string lets ``fairlm --help`` list names without importing
    torch.
    """

    def __init__(self, kind: str) -> None:
        self.kind = kind
        self._targets: dict[str, str] = {}
        self._loaded: dict[str, T] = {}

    def add(self, name: str, target: str) -> None:
        if name in self._targets:
            raise ValueError(f"{self.kind} {name!r} is registered twice")
        self._targets[name] = target

    def names(self) -> list[str]:
        return sorted(self._targets)

    def __contains__(self, name: object) -> bool:
        return name in self._targets

    def __iter__(self) -> Iterator[str]:
        return iter(self.names())

    def get(self, name: str) -> T:
        if name not in self._targets:
            raise UnknownNameError(unknown_name_message(self.kind, name, self.names()))
        if name not in self._loaded:
            module, _, attr = self._targets[name].partition(":")
            self._loaded[name] = getattr(importlib.import_module(module), attr)
        return self._loaded[name]
