"""One self-contained HTML fairness report from saved audit runs.

Built from ``results.json`` and ``samples_<benchmark>.jsonl`` only (no model is run):
headline figures with their meaning, a chart and tables per benchmark, the most
stereotyped examples, caveats, a side-by-side comparison of several runs, and a
model-card section (also written as ``model_card.md``); a corpus audit from
``fairlm data-audit --output`` adds a "Training data" section::

    from fairlm.report import write_report
    write_report(["runs/before", "runs/after"], "report.html", labels=["before", "after"])

Importing this package imports nothing heavy (no torch).
"""

from __future__ import annotations

from typing import Any

__all__ = ["write_report", "build_report_html", "build_model_card", "load_runs"]


def __getattr__(name: str) -> Any:
    if name in ("write_report", "build_report_html"):
        from fairlm.report import _html

        return getattr(_html, name)
    if name == "build_model_card":
        from fairlm.report._model_card import build_model_card

        return build_model_card
    if name == "load_runs":
        from fairlm.report._load import load_runs

        return load_runs
    raise AttributeError(f"module 'fairlm.report' has no attribute {name!r}")
