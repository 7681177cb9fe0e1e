"""SEAT / WEAT association tests (May et al. 2019): two target and two attribute sets.

Each ``seat/<name>.jsonl`` file is one (pretty-printed) JSON object ``{targ1, targ2, attr1,
attr2}``, each ``{category, examples: [str]}``. Licence: CC BY-NC 4.0, non-commercial.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from fairlm._registry import did_you_mean
from fairlm.data._readers import data_error, get_str, get_str_list, read_json
from fairlm.data._registry import get_dataset
from fairlm.data._resolve import resolve, safe_join
from fairlm.errors import UnknownNameError

__all__ = ["SeatSet", "SeatTest", "load_seat", "read_seat_test", "seat_test_names"]

_ROLES = ("targ1", "targ2", "attr1", "attr2")


@dataclass(frozen=True)
class SeatSet:
    """A named set of words or sentences, e.g. category "MaleNames"."""

    category: str
    examples: tuple[str, ...]


@dataclass(frozen=True)
class SeatTest:
    """One association test: targets X (``targ1``), Y (``targ2``); attributes A, B."""

    id: str  # the test name, e.g. "sent-weat6"
    name: str
    targ1: SeatSet
    targ2: SeatSet
    attr1: SeatSet
    attr2: SeatSet


def seat_test_names() -> list[str]:
    """The 46 test names, sorted."""
    files = get_dataset("seat").files
    return sorted(
        f.path.removeprefix("seat/").removesuffix(".jsonl")
        for f in files
        if f.path.endswith(".jsonl")
    )


def load_seat(
    data_dir: str | os.PathLike[str] | None = None,
    *,
    tests: Iterable[str] | None = None,
    verify: bool = True,
) -> list[SeatTest]:
    """SEAT tests named in ``tests`` (default: all 46, sorted by name)."""
    known = seat_test_names()
    if tests is None:
        chosen = known
    elif isinstance(tests, str):
        chosen = [tests]
    else:
        chosen = list(tests)
    for t in chosen:
        if t not in known:
            raise UnknownNameError(f"Unknown SEAT test {t!r}.{did_you_mean(t, known)}")
    root = resolve("seat", data_dir, verify=verify)
    return [read_seat_test(safe_join(root, f"seat/{t}.jsonl")) for t in chosen]


def read_seat_test(path: Path) -> SeatTest:
    """Parse one SEAT test file; the test's name is the file name without ``.jsonl``."""
    doc = read_json(path)
    if not isinstance(doc, dict):
        raise data_error(path, None, "expected a JSON object with targ1, targ2, attr1, attr2")
    sets = {}
    for role in _ROLES:
        part = doc.get(role)
        if not isinstance(part, dict):
            raise data_error(path, None, f"{role} must be an object {{category, examples}}")
        examples = get_str_list(part, "examples", path, None, where=f"{role}.")
        if not examples:
            raise data_error(path, None, f"{role}.examples is empty")
        sets[role] = SeatSet(get_str(part, "category", path, None, where=f"{role}."), examples)
    name = path.name.removesuffix(".jsonl")
    return SeatTest(id=name, name=name, **sets)
