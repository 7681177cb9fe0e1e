"""Bias benchmarks for language models, registered by name.

``fairlm audit`` runs them; in Python::

    from fairlm.benchmarks import AuditConfig, audit, get_benchmark
    results = audit(AuditConfig(benchmarks="crows_pairs,bbq", limit=100))
    bench = get_benchmark("crows_pairs")(limit=100)

A new benchmark subclasses :class:`Benchmark` (load, score, summarise, and what a
reader needs: headline metric, meaning, caveats, example spec), summarises into
:class:`Figure` objects (:func:`grouped_figures` does the usual ones) and is added to
:data:`BENCHMARKS`; the audit, the report and the contract test then cover it. It can be
tried on :class:`fairlm.models.FakeLM`.

Importing this package does not import torch.
"""

from __future__ import annotations

from fairlm._registry import Registry
from fairlm.benchmarks._base import (
    FIGURE_KINDS,
    Benchmark,
    ExampleSpec,
    Figure,
    FigureKind,
    Summary,
)
from fairlm.benchmarks._config import AuditConfig

__all__ = [
    "BENCHMARKS",
    "FIGURE_KINDS",
    "NOT_IN_ALL",
    "AuditConfig",
    "Benchmark",
    "ExampleSpec",
    "Figure",
    "FigureKind",
    "Summary",
    "audit",
    "get_benchmark",
    "grouped_figures",
    "run_audit",
]

BENCHMARKS: Registry = Registry("benchmark")
BENCHMARKS.add("crows_pairs", "fairlm.benchmarks.crows_pairs:CrowsPairs")
BENCHMARKS.add("stereoset", "fairlm.benchmarks.stereoset:StereoSet")
BENCHMARKS.add("winobias", "fairlm.benchmarks.winobias:WinoBias")
BENCHMARKS.add("bbq", "fairlm.benchmarks.bbq:BBQ")
BENCHMARKS.add("seat", "fairlm.benchmarks.seat:SEAT")
BENCHMARKS.add("bold", "fairlm.benchmarks.bold:BOLD")
BENCHMARKS.add("holistic_bias", "fairlm.benchmarks.holistic_bias:HolisticBias")
BENCHMARKS.add("decisions", "fairlm.benchmarks.decisions:Decisions")
BENCHMARKS.add("bbq_chat", "fairlm.benchmarks.bbq_chat:BBQChat")
BENCHMARKS.add("cbbq", "fairlm.benchmarks.cbbq:CBBQ")
BENCHMARKS.add("chbias", "fairlm.benchmarks.chbias:CHBias")
BENCHMARKS.add("stereotype_agreement", "fairlm.benchmarks.stereotype_agreement:StereotypeAgreement")
BENCHMARKS.add(
    "counterfactual_answers", "fairlm.benchmarks.counterfactual_answers:CounterfactualAnswers"
)
BENCHMARKS.add("discrim_eval", "fairlm.benchmarks.discrim_eval:DiscrimEval")
#: Registered but run only when named: their data is not shipped (the user gives a path)
NOT_IN_ALL = frozenset({"discrim_eval"})
BENCHMARKS.add("truthfulqa", "fairlm.benchmarks.truthfulqa:TruthfulQA")
BENCHMARKS.add("xstest", "fairlm.benchmarks.xstest:XSTest")


def get_benchmark(name: str):
    """The benchmark class registered as ``name`` (raises with a did-you-mean hint)."""
    return BENCHMARKS.get(name)


def grouped_figures(*args, **kwargs):
    """See :func:`fairlm.benchmarks._aggregate.grouped_figures` (imports numpy)."""
    from fairlm.benchmarks._aggregate import grouped_figures as _grouped

    return _grouped(*args, **kwargs)


def run_audit(*args, **kwargs):
    """See :func:`fairlm.benchmarks._audit.run_audit`."""
    from fairlm.benchmarks._audit import run_audit as _run

    return _run(*args, **kwargs)


def audit(*args, **kwargs):
    """See :func:`fairlm.benchmarks._audit.audit`."""
    from fairlm.benchmarks._audit import audit as _audit

    return _audit(*args, **kwargs)
