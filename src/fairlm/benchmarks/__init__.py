"""Bias benchmarks for language models, registered by name.

``fairlm audit`` runs them; in Python::

    from fairlm.benchmarks import AuditConfig, audit, get_benchmark
    results = audit(AuditConfig(benchmarks="crows_pairs,bbq", limit=100))
    bench = get_benchmark("crows_pairs")(limit=100)

Importing this package does not import torch.
"""

from __future__ import annotations

from fairlm._registry import Registry
from fairlm.benchmarks._config import AuditConfig

__all__ = ["BENCHMARKS", "AuditConfig", "audit", "get_benchmark", "run_audit"]

BENCHMARKS: Registry = Registry("benchmark")
BENCHMARKS.add("crows_pairs", "fairlm.benchmarks.crows_pairs:CrowsPairs")
BENCHMARKS.add("stereoset", "fairlm.benchmarks.stereoset:StereoSet")
BENCHMARKS.add("winobias", "fairlm.benchmarks.winobias:WinoBias")
BENCHMARKS.add("bbq", "fairlm.benchmarks.bbq:BBQ")
BENCHMARKS.add("seat", "fairlm.benchmarks.seat:SEAT")
BENCHMARKS.add("bold", "fairlm.benchmarks.bold:BOLD")
BENCHMARKS.add("holistic_bias", "fairlm.benchmarks.holistic_bias:HolisticBias")


def get_benchmark(name: str):
    """The benchmark class registered as ``name`` (raises with a did-you-mean hint)."""
    return BENCHMARKS.get(name)


def run_audit(*args, **kwargs):
    """See :func:`fairlm.benchmarks._audit.run_audit`."""
    from fairlm.benchmarks._audit import run_audit as _run

    return _run(*args, **kwargs)


def audit(*args, **kwargs):
    """See :func:`fairlm.benchmarks._audit.audit`."""
    from fairlm.benchmarks._audit import audit as _audit

    return _audit(*args, **kwargs)
