"""What the report says about each benchmark, asked of the benchmark itself.

A registered benchmark class declares the headline in plain words, its caveats and how
to pick its most telling examples (see :class:`fairlm.benchmarks._base.Benchmark`); the
report looks the class up by the name recorded in ``results.json``. A run of a
benchmark this fairlm does not know (a plug-in not installed here, say) gets generic
text and a heuristic example picker, so the report never fails on an unknown name and
needs no edit when a benchmark is added.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from fairlm.benchmarks._examples import Example
from fairlm.benchmarks._examples import pick_examples as _pick_rows

__all__ = [
    "GENERAL_CAVEATS",
    "Example",
    "Reading",
    "benchmark_class",
    "model_caveats",
    "pick_examples",
    "reading",
]

GENERIC_CAVEATS = (
    "fairlm has no reading notes for this benchmark yet: rely on its description, "
    "notes and licence as recorded in results.json.",
)

GENERAL_CAVEATS = (
    "A benchmark measures behaviour on its own data only. A good score is not evidence "
    "that a model is fair in another setting, language or application.",
    "Intervals are bootstrap confidence intervals over the examples scored. An interval "
    "that includes the ideal means no clear evidence of bias at this sample size, not "
    "evidence of no bias.",
    "Figures from different benchmarks measure different things and are not comparable "
    "with each other.",
)

Picker = Callable[[Sequence[dict[str, Any]], int], tuple[str, list[Example]]]


@dataclass(frozen=True)
class Reading:
    """How to read one benchmark: its headline in plain words (empty: its description
    says it), its caveats (never empty), and its example picker."""

    meaning: str
    caveats: tuple[str, ...]
    pick: Picker


def benchmark_class(name: str) -> Any:
    """The registered class of benchmark ``name``, or None (unknown, or not importable)."""
    from fairlm.benchmarks import BENCHMARKS

    if name not in BENCHMARKS:
        return None
    try:
        return BENCHMARKS.get(name)
    except ImportError:  # registered, but its module cannot be imported here
        return None


def reading(name: str) -> Reading:
    """The registered benchmark's own reading notes, or generic ones."""
    cls = benchmark_class(name)
    if cls is None:
        return Reading("", GENERIC_CAVEATS, lambda rows, k: _pick_rows(rows, k))
    return Reading(cls.meaning, tuple(cls.caveats) or GENERIC_CAVEATS, cls.pick_examples)


def pick_examples(name: str, rows: list[dict[str, Any]], k: int = 5) -> tuple[str, list[Example]]:
    """The ``k`` most stereotyped rows of benchmark ``name`` (with an explanation of the
    choice), or the first ones."""
    return reading(name).pick(rows, k)


def model_caveats(model: dict[str, Any], *, licence: bool = True) -> list[str]:
    """Caveats from the model description (its licence, Gemma's terms)."""
    out = []
    text = " ".join(str(v) for v in model.values() if isinstance(v, str | int | float))
    if "gemma" in text.lower():
        out.append(
            "Gemma models are provided under and subject to Google's Gemma Terms of Use "
            "(ai.google.dev/gemma/terms), including its Prohibited Use Policy; this applies "
            "to the model and to derivatives such as debiased versions."
        )
    lic = model.get("license")
    if lic and licence:
        out.append(f"Model licence as recorded in the run: {lic}.")
    return out
