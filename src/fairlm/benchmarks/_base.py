"""What every bias benchmark is: metadata, examples, per-example scoring, a summary,
and what a reader needs to understand its numbers.

A benchmark talks only to the model interface :class:`~fairlm.models.ScoringLM`. It
turns its data set into examples (each with a stable ``id``), scores examples into one
JSON-ready row each (kept as ``samples_<name>.jsonl``), and summarises rows into
:class:`Figure` objects with confidence intervals. Scoring is per example, so a run can
be split across processes or resumed, and the summary is recomputed from rows alone.

A benchmark also describes itself for the report (``fairlm report``): its headline in
plain words (:attr:`Benchmark.meaning`), its caveats, and how to choose the examples
worth showing (:attr:`Benchmark.example_spec`, or :meth:`Benchmark.pick_examples`).
The report asks the registered class for these, so a new benchmark needs no change in
:mod:`fairlm.report`.
"""

from __future__ import annotations

import math
import random
from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar, Literal, get_args

from fairlm.benchmarks._examples import Example, ExampleSpec, pick_examples

if TYPE_CHECKING:
    from fairlm.models._interface import ScoringLM

__all__ = [
    "FIGURE_KINDS",
    "NEAR_TIE_NATS",
    "NOISY_DATA_CAVEAT",
    "Benchmark",
    "Example",
    "ExampleSpec",
    "Figure",
    "FigureKind",
    "Summary",
]

# A verdict decided by less than this many nats (or nats per token, in the benchmark's
# own score unit) is a tie within numerical noise: float32 sums differ between CPUs
# (AVX-512 against AVX2 kernels) by up to about 1e-4 nats per sentence, enough to flip
# a verdict that close. The protocols' decision rules stay as published; such verdicts
# are counted and reported.
NEAR_TIE_NATS = 1e-4

#: A caveat shared by the crowd-sourced stereotype data sets (CrowS-Pairs, StereoSet).
NOISY_DATA_CAVEAT = (
    "The data set is known to be noisy (Blodgett et al., ACL 2021): some items do not test "
    "the stereotype they name, or compare groups in ways that are not minimal. Read single "
    "examples with care; the aggregate is more trustworthy than any one item."
)

#: What a figure's number is (:attr:`Figure.kind`):
#:
#: ``"value"``
#:     a quantity measured on one group, or on all examples (group ``"overall"``): a
#:     rate, a score, a mean;
#: ``"gap"``
#:     the largest minus the smallest value of a metric over groups (0 or more, ideal
#:     0); derived from the metric's ``value`` figures, so a chart of those leaves it out;
#: ``"difference"``
#:     one group's value minus a reference group's, signed (ideal 0), e.g. accuracy on
#:     pro- minus anti-stereotypical sentences;
#: ``"ratio"``
#:     one group's value divided by a reference group's (ideal 1);
#: ``"effect_size"``
#:     a standardised effect size such as SEAT's (Cohen's d style), or a mean of them.
FigureKind = Literal["value", "gap", "difference", "ratio", "effect_size"]
FIGURE_KINDS: tuple[str, ...] = get_args(FigureKind)


@dataclass(frozen=True)
class Figure:
    """One reported number: a metric for a group, with its confidence interval.

    ``ideal`` is the unbiased value where there is one (50 for a stereotype score, 0 for
    a gap); ``higher_is_better`` is None when closeness to ``ideal`` is what counts.
    ``kind`` says what sort of number it is (:data:`FigureKind`); ``group`` is then
    only a label, so a real group may have any name.
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
    kind: FigureKind = "value"

    def __post_init__(self) -> None:
        if self.kind not in FIGURE_KINDS:
            raise ValueError(f"Figure kind must be one of {FIGURE_KINDS}, got {self.kind!r}")

    def to_dict(self) -> dict[str, Any]:
        return {k: _clean(v) for k, v in asdict(self).items()}


@dataclass
class Summary:
    """A benchmark's results: its headline figure first, then every other figure."""

    figures: list[Figure]
    headline: str  # metric name of the headline figure (group "overall")
    notes: list[str] = field(default_factory=list)
    tables: dict[str, Any] = field(default_factory=dict)  # e.g. group-metric tables

    def get(self, metric: str, group: str = "overall", *, kind: str | None = None) -> Figure:
        """The figure of ``metric`` for ``group`` (of ``kind``, when given)."""
        for f in self.figures:
            if f.metric == metric and f.group == group and kind in (None, f.kind):
                return f
        raise KeyError((metric, group) if kind is None else (metric, group, kind))

    def to_dict(self) -> dict[str, Any]:
        return {
            "headline": self.headline,
            "figures": [f.to_dict() for f in self.figures],
            "notes": list(self.notes),
            "tables": self.tables,
        }


class Benchmark(ABC):
    """Base class. Subclasses set the class attributes and implement the three steps.

    What the report shows comes from the class attributes too: ``description`` and
    ``meaning`` (the headline in plain words), ``caveats``, the licence and citation,
    and the examples chosen by :meth:`pick_examples` from ``example_spec``.
    """

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
    #: metric of the headline figure (group "overall"), what ``summarize`` puts first
    headline_metric: ClassVar[str]
    #: the headline in plain words, for a reader who does not know the benchmark; empty
    #: when ``description`` already says it plainly (the report then shows that)
    meaning: ClassVar[str] = ""
    #: what the numbers cannot tell, shown next to them in the report and model card
    caveats: ClassVar[tuple[str, ...]] = ()
    #: the report's glossary entries for this benchmark's own terms: each metric name and
    #: unit its figures use (``"negative_share_<domain>"`` stands for any domain) and the
    #: words of its tables, in plain words; shared terms (CI, pp, nats, FDR, ...) are in
    #: :data:`fairlm.report._glossary.SHARED`, and the contract test checks the rest
    glossary: ClassVar[dict[str, str]] = {}
    #: how the report picks the examples worth showing from the sample rows; None: a
    #: heuristic on the rows' fields (see :func:`fairlm.benchmarks._examples.guess_spec`)
    example_spec: ClassVar[ExampleSpec | None] = None
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
    def score(self, lm: ScoringLM, examples: Sequence[Any], *, progress: bool = True) -> list[dict]:
        """One JSON-ready row per example (in the order given), each with ``id``."""

    @abstractmethod
    def summarize(self, rows: Sequence[dict]) -> Summary:
        """Figures with confidence intervals, from rows alone."""

    def verdict_margins(self, rows: Sequence[dict]) -> Any:
        """The score margin deciding each verdict, (rows, verdicts per row) nats, NaN
        where a row has no such verdict; None for a benchmark whose figures are not
        verdicts between likelihoods (embeddings, generated text)."""
        return None

    @classmethod
    def pick_examples(cls, rows: Sequence[dict], k: int = 5) -> tuple[str, list[Example]]:
        """The ``k`` sample rows most worth showing a reader (the most stereotyped
        ones), and a sentence saying how they were chosen; from :attr:`example_spec`.

        Override it where a declarative spec cannot say how to rank or show a row.
        """
        return pick_examples(rows, k, spec=cls.example_spec)

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
