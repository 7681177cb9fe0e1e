"""The glossary: what every metric name and unit on the page means, in plain words.

Terms come from two places. A benchmark declares its own (its metric names, its units,
the words of its tables) in :attr:`fairlm.benchmarks.Benchmark.glossary`; the terms that
many benchmarks share (confidence interval, p-value, pp, nats/token, the group fairness
metrics of :mod:`fairlm.metrics` such as FDR or disparate impact) are in
:data:`SHARED`. A figure's metric and unit are looked up in its benchmark's glossary
first, then in :data:`SHARED`.

A key matches a metric name or unit when both read the same once case, spaces and
underscores are ignored (``"TPR"`` matches ``tpr``, ``"disparate impact"`` matches
``disparate_impact``). A key may hold a placeholder in angle brackets, which stands for
any text: ``"negative_share_<domain>"`` matches ``negative_share_gender``.
:func:`missing_terms` lists what a benchmark's figures use and no glossary explains; the
benchmark contract test requires it to be empty for every registered benchmark.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

__all__ = ["SHARED", "Entry", "Glossary", "benchmark_terms", "glossary_for", "missing_terms"]

#: Terms shared by the benchmarks and the report itself.
SHARED: dict[str, str] = {
    # reading a figure
    "95% CI": (
        "95% confidence interval: the range of values the figure could plausibly take if "
        "the benchmark's examples were drawn again (a bootstrap over the examples, or a "
        "formula where one fits). A wide interval means few examples."
    ),
    "p-value": (
        "Permutation p-value of a comparison between groups: how often shuffling the group "
        "labels at random gives a difference at least as large as the one measured. Below "
        "0.05 the difference is unlikely to be chance alone; above, chance explains it."
    ),
    "Holm-adjusted p": (
        "A p-value corrected for testing many comparisons at once (Holm, 1979): with 20 "
        "comparisons, one would fall below 0.05 by chance, so each p-value is scaled up by "
        "how many comparisons of the benchmark remain. Verdicts on comparisons use it."
    ),
    "n": "The number of examples (pairs, sentences, questions, prompts or tests) behind a figure.",
    "ideal": (
        "The value an unbiased model would get: 50 for a preference between two sentences, "
        "0 for a gap or a difference between groups, 1 for a ratio."
    ),
    "verdict": (
        "What the figure supports, by the one rule printed in the reading guide: "
        "deviates from the ideal, no deviation shown, or no verdict (too few examples, "
        "no interval or no ideal)."
    ),
    # what kind of number a figure is
    "gap (max - min)": (
        "The largest minus the smallest value of a metric over groups: 0 or more, ideal 0. "
        "Noise alone makes it larger than 0, so only its p-value says whether the groups "
        "really differ."
    ),
    "difference": "One group's value minus a reference group's, with its sign; ideal 0.",
    "ratio": "One group's value divided by a reference group's; ideal 1.",
    "effect size": (
        "A difference measured in standard deviations (Cohen's d style): 0 is none, about "
        "0.2 is small, 0.5 medium and 0.8 large."
    ),
    # units
    "%": "Percent of the examples, from 0 to 100.",
    "pp": (
        "Percentage points: the difference between two percentages (60% minus 55% is 5 pp, not 5%)."
    ),
    "points": "Percentage points: the difference between two percentages.",
    "nats": (
        "The unit of a log-likelihood (natural logarithm). A difference of 1 nat means one "
        "text is e, about 2.7, times as likely as the other."
    ),
    "nats/token": (
        "Log-likelihood per token, in nats: a text's log-probability divided by its number "
        "of tokens, so that long and short texts compare fairly (minus the log of the "
        "perplexity)."
    ),
    "log-likelihood": (
        "The logarithm of the probability that the model gives a text; 0 is certain, more "
        "negative is less likely."
    ),
    # group fairness metrics (fairlm.metrics), on a model read as a yes/no classifier
    "accuracy": "The share of answers that are correct.",
    "selection rate": "The share of examples to which the model gives the positive answer.",
    "TPR": (
        "True positive rate (recall): of the examples whose true answer is positive, the "
        "share the model answers positively."
    ),
    "FPR": (
        "False positive rate: of the examples whose true answer is negative, the share the "
        "model answers positively."
    ),
    "TNR": "True negative rate: of the truly negative examples, the share answered negatively.",
    "FNR": "False negative rate: of the truly positive examples, the share answered negatively.",
    "PPV": "Positive predictive value (precision): of the positive answers, the share right.",
    "FDR": "False discovery rate: of the positive answers, the share that are wrong.",
    "NPV": "Negative predictive value: of the negative answers, the share that are right.",
    "FOR": "False omission rate: of the negative answers, the share that are wrong.",
    "TP, FP, TN, FN": (
        "Confusion counts: true positives, false positives, true negatives, false negatives."
    ),
    "accuracy_difference": "Accuracy of one group minus another's; ideal 0.",
    "demographic_parity_difference": (
        "Selection rate of one group minus another's: how much more often one group gets "
        "the positive answer; ideal 0."
    ),
    "demographic_parity_ratio": "Selection rate of one group divided by another's; ideal 1.",
    "disparate impact": (
        "Disparate impact ratio: the lower group's selection rate divided by the higher "
        "one's; ideal 1. The US 'four-fifths rule' flags values below 0.8."
    ),
    "equal_opportunity_difference": "True positive rate (TPR) of one group minus another's.",
    "equalized_odds_difference": (
        "The larger of the groups' differences in true positive rate and in false "
        "positive rate; ideal 0."
    ),
    "predictive_parity_difference": "Precision (PPV) of one group minus another's; ideal 0.",
    "false_discovery_rate_difference": (
        "False discovery rate (FDR) of one group minus another's: how much more often a "
        "positive answer about one group is wrong; ideal 0."
    ),
}


def _norm(term: str) -> str:
    return re.sub(r"[\s_]+", "", str(term)).lower()


def _pattern(key: str) -> re.Pattern[str] | None:
    """A key with ``<placeholder>`` parts as a regular expression; None without one."""
    parts = re.split(r"<[^<>]+>", key)
    if len(parts) == 1:
        return None
    return re.compile(".+".join(re.escape(_norm(p)) for p in parts) + r"\Z")


@dataclass(frozen=True)
class Entry:
    """One glossary term: its key as declared, where it is on the page, what it means."""

    key: str
    anchor: str
    definition: str
    scope: str  # the benchmark that declared it, or "" for a shared term

    @property
    def label(self) -> str:
        return self.key.replace("_", " ")


class Glossary:
    """The terms of one benchmark (``scope``) backed by :data:`SHARED`."""

    def __init__(self, own: Mapping[str, str], scope: str = "") -> None:
        self.scope = scope
        self.own = [_entry(k, v, scope) for k, v in own.items()]
        self.shared = [_entry(k, v, "") for k, v in SHARED.items()]

    def lookup(self, term: Any) -> Entry | None:
        """The entry explaining ``term`` (a metric name or a unit), or None."""
        if term is None or not str(term).strip():
            return None
        t = _norm(term)
        for entries in (self.own, self.shared):
            for e in entries:
                if _norm(e.key) == t:
                    return e
            # placeholders last, the longest (most specific) key first
            for e in sorted(entries, key=lambda e: -len(e.key)):
                pat = _pattern(e.key)
                if pat is not None and pat.match(t):
                    return e
        return None


def _slug(text: str) -> str:
    """An id fragment: lower-case letters, digits, ``_`` and ``-`` ('%' reads 'pct')."""
    text = text.replace("%", "pct").replace("<", "").replace(">", "")
    return re.sub(r"[^A-Za-z0-9_-]+", "-", text).strip("-").lower() or "x"


def _entry(key: str, definition: str, scope: str) -> Entry:
    anchor = f"term-{_slug(scope)}-{_slug(key)}" if scope else f"term-{_slug(key)}"
    return Entry(str(key), anchor, str(definition), scope)


@cache
def benchmark_terms(name: str) -> tuple[tuple[str, str], ...]:
    """The glossary a registered benchmark declares (empty for an unknown name)."""
    from fairlm.report._benchmarks import benchmark_class

    cls = benchmark_class(name)
    terms = getattr(cls, "glossary", None) if cls is not None else None
    if not isinstance(terms, Mapping):
        return ()
    return tuple((str(k), str(v)) for k, v in terms.items())


def glossary(name: str) -> Glossary:
    return Glossary(dict(benchmark_terms(name)), name)


def missing_terms(figures: Iterable[Any], own: Mapping[str, str]) -> list[str]:
    """The metric names and units of ``figures`` (Figure objects or their dictionaries)
    that neither ``own`` nor :data:`SHARED` explains, in first-seen order."""
    g = Glossary(own, "benchmark")
    missing: list[str] = []
    for f in figures:
        d = f if isinstance(f, Mapping) else f.to_dict()
        for term in (d.get("metric"), d.get("unit")):
            if term and str(term).strip() and g.lookup(term) is None and term not in missing:
                missing.append(str(term))
    return missing


def glossary_for(names: Iterable[str], titles: Mapping[str, str]) -> list[dict[str, Any]]:
    """The glossary section: the shared terms, then each benchmark's own terms (all it
    declares: its tables use them as well as its figures), as ``[{"title", "entries"}]``."""
    groups: list[dict[str, Any]] = [{"title": "General terms", "entries": Glossary({}).shared}]
    for name in names:
        own = glossary(name).own
        if own:
            groups.append({"title": f"{titles.get(name, name)} terms", "entries": own})
    return groups
