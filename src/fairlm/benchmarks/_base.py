"""What every bias benchmark is: metadata, examples, per-example scoring, a summary.

A benchmark talks only to :class:`~fairlm.models.LanguageModel`. It turns its data set
into examples (each with a stable ``id``), scores examples into one JSON-ready row each
(kept as ``samples_<name>.jsonl``), and summarises rows into :class:`Figure` objects with
confidence intervals. Scoring is per example, so a run can be split across processes or
resumed, and the summary is recomputed from rows alone.
"""

from __future__ import annotations

import math
import random
from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any, ClassVar

__all__ = ["NEAR_TIE_NATS", "Benchmark", "Figure", "Summary"]

# A verdict decided by less than this many nats (or nats per token, in the benchmark's
# own score unit) is a tie within numerical noise: float32 sums differ between CPUs
# (AVX-512 against AVX2 kernels) by up to about 1e-4 nats per sentence, enough to flip
# a verdict that close. The protocols' decision rules stay as published; such verdicts
# are counted and reported.
NEAR_TIE_NATS = 1e-4


@dataclass(frozen=True)
class Figure:
    """One reported number: a metric for a group, with its confidence interval.

    ``ideal`` is the unbiased value where there is one (50 for a stereotype score, 0 for
    a gap); ``higher_is_better`` is None when closeness to ``ideal`` is what counts.
    """

    metric: str
    value: float | None
    group: str = "overall"
    ci_low: float | None = None
    ci_high: float | None = None
    n: int | None = None
    p_value: float | None = None
    unit: str = ""
    ideal: float | None = None
    higher_is_better: bool | None = None
    note: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {k: _clean(v) for k, v in asdict(self).items()}


@dataclass
class Summary:
    """A benchmark's results: its headline figure first, then every other figure."""

    figures: list[Figure]
    headline: str  # metric name of the headline figure (group "overall")
    notes: list[str] = field(default_factory=list)
    tables: dict[str, Any] = field(default_factory=dict)  # e.g. group-metric tables

    def get(self, metric: str, group: str = "overall") -> Figure:
        for f in self.figures:
            if f.metric == metric and f.group == group:
                return f
        raise KeyError((metric, group))

    def to_dict(self) -> dict[str, Any]:
        return {
            "headline": self.headline,
            "figures": [f.to_dict() for f in self.figures],
            "notes": list(self.notes),
            "tables": self.tables,
        }


class Benchmark(ABC):
    """Base class. Subclasses set the class attributes and implement the three steps."""

    name: ClassVar[str]
    title: ClassVar[str]
    version: ClassVar[str]  # bump whenever the numbers can change
    dataset: ClassVar[str]  # key in fairlm.data's registry
    citation: ClassVar[str]
    license: ClassVar[str]
    commercial_use_ok: ClassVar[bool] = True
    higher_is_better: ClassVar[bool | None]  # of the headline figure; None: closer to ideal
    description: ClassVar[str]
    group_column: ClassVar[str] = "group"
    # examples per durable checkpoint of `fairlm audit` (--checkpoint-every overrides):
    # big enough that the scoring engine shares openings across many examples (a chunk
    # is scored as one set), small enough that a killed run loses a few minutes at most
    checkpoint_every: ClassVar[int] = 2048

    def __init__(
        self,
        *,
        data_dir: str | None = None,
        limit: int | None = None,
        seed: int = 0,
        n_bootstrap: int = 1000,
        confidence: float = 0.95,
    ) -> None:
        self.data_dir = data_dir
        self.limit = limit
        self.seed = seed
        self.n_bootstrap = n_bootstrap
        self.confidence = confidence
        self._examples: list[Any] | None = None

    # -- the three steps -------------------------------------------------------
    @abstractmethod
    def load_examples(self) -> list[Any]:
        """Every example of the data set, in a fixed order, each with a string ``id``."""

    @abstractmethod
    def score(self, lm: Any, examples: Sequence[Any], *, progress: bool = True) -> list[dict]:
        """One JSON-ready row per example (in the order given), each with ``id``."""

    @abstractmethod
    def summarize(self, rows: Sequence[dict]) -> Summary:
        """Figures with confidence intervals, from rows alone."""

    def verdict_margins(self, rows: Sequence[dict]) -> Any:
        """The score margin deciding each verdict, (rows, verdicts per row) nats, NaN
        where a row has no such verdict; None for a benchmark whose figures are not
        verdicts between likelihoods (embeddings, generated text)."""
        return None

    # -- shared behaviour --------------------------------------------------------
    def near_ties(self, rows: Sequence[dict]) -> dict[str, Any] | None:
        """How many verdicts are ties within numerical noise (margin under
        :data:`NEAR_TIE_NATS`), of how many, and the ids of their rows (at most 20)."""
        import numpy as np

        margins = self.verdict_margins(rows)
        if margins is None:
            return None
        m = np.abs(np.asarray(margins, dtype=np.float64).reshape(len(rows), -1))
        close = m < NEAR_TIE_NATS  # NaN compares False
        rows_close = np.nonzero(close.any(axis=1))[0]
        return {
            "threshold_nats": NEAR_TIE_NATS,
            "count": int(close.sum()),
            "verdicts": int(np.isfinite(m).sum()),
            "ids": [str(rows[i]["id"]) for i in rows_close[:20]],
        }

    def config(self) -> dict[str, Any]:
        """Settings that change the numbers; recorded in results.json."""
        return {
            "limit": self.limit,
            "seed": self.seed,
            "n_bootstrap": self.n_bootstrap,
            "confidence": self.confidence,
        }

    def examples(self) -> list[Any]:
        """The examples this run scores: all of them, or ``limit`` chosen reproducibly.

        With a limit, a seeded random sample (kept in data-set order) rather than the
        first N, so that every bias type is represented.
        """
        if self._examples is None:
            items = self.load_examples()
            if self.limit is not None and self.limit < len(items):
                if self.limit < 1:
                    raise ValueError("limit must be at least 1")
                keep = sorted(random.Random(self.seed).sample(range(len(items)), self.limit))
                items = [items[i] for i in keep]
            self._examples = items
        return self._examples

    def metadata(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "title": self.title,
            "version": self.version,
            "dataset": self.dataset,
            "citation": self.citation,
            "license": self.license,
            "commercial_use_ok": self.commercial_use_ok,
            "higher_is_better": self.higher_is_better,
            "description": self.description,
        }


def _clean(v: Any) -> Any:
    if isinstance(v, float) and not math.isfinite(v):
        return None
    return v
