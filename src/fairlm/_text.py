"""Small text helpers shared by the command line, the audit log and the report."""

from __future__ import annotations

from typing import Any

__all__ = ["near_tie_text"]


def near_tie_text(ties: dict[str, Any]) -> str:
    """E.g. ``2 of 1,508 verdicts are ties within numerical noise (margin < 0.0001
    nats): ...`` from a benchmark's ``near_ties`` record."""
    n, of = ties["count"], ties["verdicts"]
    verb = "is a tie" if n == 1 else "are ties"
    return (
        f"{n:,} of {of:,} verdicts {verb} within numerical noise "
        f"(margin < {ties['threshold_nats']:g} nats): a CPU with other float rounding "
        "may decide them the other way"
    )
