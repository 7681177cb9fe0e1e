"""Choosing the sample rows worth showing a reader: a benchmark's most telling examples.

The report shows, for each benchmark, a few rows of ``samples_<name>.jsonl`` (the most
stereotyped pairs, the most confidently wrong answers...). Which rows, ranked by what,
and which of their fields to show is the benchmark's knowledge, not the report's: each
benchmark class declares an :class:`ExampleSpec` (``Benchmark.example_spec``) and
:func:`pick_examples` applies it. A benchmark without one, or a run of a benchmark this
fairlm does not know, gets :func:`guess_spec`, a heuristic on the rows' field names.

Rows come from files and may be malformed; picking never raises on a bad row, it
leaves the row out.
"""

from __future__ import annotations

import contextlib
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

__all__ = ["Example", "ExampleSpec", "guess_spec", "pick_examples"]

Fields = list[tuple[str, Any]]


@dataclass(frozen=True)
class ExampleSpec:
    """Which rows to show, how to rank them, and which fields to display.

    * ``where``: keep rows whose fields equal all these values (booleans match only
      booleans, so ``False`` does not match ``0``);
    * ``score``: rank by this field, or by ``field_a - field_b`` for a pair of names,
      largest first (largest absolute value with ``absolute``); rows without a number
      there are left out;
    * ``show``: ``(label, field)`` pairs displayed for each row, in order; empty: the
      row's plain fields;
    * ``explain``: one sentence telling the reader how the rows were chosen;
      ``score_label`` names the score shown with each row.
    """

    explain: str
    show: tuple[tuple[str, str], ...] = ()
    score: str | tuple[str, str] | None = None
    score_label: str = ""
    where: Mapping[str, Any] = field(default_factory=dict)
    absolute: bool = False

    def keeps(self, row: Mapping[str, Any]) -> bool:
        return all(_same(row.get(k), v) for k, v in self.where.items())

    def score_of(self, row: Mapping[str, Any]) -> float | None:
        if self.score is None:
            return None
        if isinstance(self.score, str):
            return _number(row.get(self.score))
        a, b = (_number(row.get(k)) for k in self.score)
        return None if a is None or b is None else a - b

    def fields_of(self, row: Mapping[str, Any]) -> Fields:
        if not self.show:  # nothing declared: the row's plain fields
            return [(k, v) for k, v in row.items() if k != "id" and not isinstance(v, dict)][:8]
        return [(label, row[key]) for label, key in self.show if key in row]


@dataclass
class Example:
    """One chosen row: the fields to show, and its score (None when none applies)."""

    row: Mapping[str, Any]
    fields: Fields
    score_label: str = ""
    score: float | None = None


NO_MATCH = "No row matched the usual selection; these are the first examples of the run."


def pick_examples(
    rows: Sequence[Mapping[str, Any]],
    k: int = 5,
    *,
    spec: ExampleSpec | None = None,
    score: Callable[[Mapping[str, Any]], float | None] | None = None,
    extra: Callable[[Mapping[str, Any]], Fields] | None = None,
) -> tuple[str, list[Example]]:
    """The ``k`` top rows under ``spec`` (or :func:`guess_spec`), and how they were chosen.

    ``score`` replaces the spec's ranking and ``extra`` adds fields to each example, for
    benchmarks whose rows need more than field names (BBQ's answer lists). With no row
    to rank, the first ``k`` rows are shown and the explanation says so.
    """
    if not rows:
        return "", []
    spec = spec or guess_spec(rows)
    score = score or spec.score_of
    ranked = []
    for i, row in enumerate(rows):
        try:
            s = score(row) if spec.keeps(row) else None
        except Exception:  # a malformed row must not break the report
            s = None
        if s is not None:
            ranked.append((abs(s) if spec.absolute else s, i, s))
    explain = spec.explain
    if ranked:
        ranked.sort(key=lambda t: (-t[0], t[1]))
        chosen = [(rows[i], s) for _, i, s in ranked[:k]]
    else:
        explain, chosen = NO_MATCH, [(r, None) for r in rows[:k]]
    out = []
    for row, s in chosen:
        fields = spec.fields_of(row)
        if extra is not None:
            with contextlib.suppress(Exception):  # a malformed row must not break the report
                fields += extra(row)
        out.append(Example(row=row, fields=fields, score_label=spec.score_label, score=s))
    return explain, out


_FLAG_KEYS = ("stereotyped", "biased", "is_stereotyped", "pro")
_SCORE_HINTS = ("score_diff", "diff", "margin", "gap", "delta", "effect_size", "bias")


def guess_spec(rows: Sequence[Mapping[str, Any]]) -> ExampleSpec:
    """A spec read off the first row: a boolean flag such as ``stereotyped`` selects,
    the numeric field whose name hints a difference (``score_diff``, ``margin``...)
    ranks by absolute value, and the first text fields are shown."""
    sample = rows[0]
    flag = next((k for k in _FLAG_KEYS if isinstance(sample.get(k), bool)), None)
    numeric = [k for k, v in sample.items() if _number(v) is not None and k != "id"]
    key = next((k for hint in _SCORE_HINTS for k in numeric if hint in k.lower()), None)
    texts = [k for k, v in sample.items() if k != "id" and _is_text(v)][:6]
    if key is None:
        explain = "The first examples of the run (no per-example bias score was recognised)."
    else:
        explain = f"Examples with the largest |{key}|" + (
            f" among rows with {flag} = true." if flag else "."
        )
    return ExampleSpec(
        explain=explain,
        show=tuple((k.replace("_", " "), k) for k in texts),
        score=key,
        score_label=key or "",
        where={flag: True} if flag else {},
        absolute=True,
    )


def _is_text(v: Any) -> bool:
    """A string, or a non-empty list of strings."""
    if isinstance(v, list):
        return bool(v) and all(isinstance(x, str) for x in v)
    return isinstance(v, str)


def _same(a: Any, b: Any) -> bool:
    return a == b and isinstance(a, bool) == isinstance(b, bool)


def _number(v: Any) -> float | None:
    if isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v):
        return float(v)
    return None
