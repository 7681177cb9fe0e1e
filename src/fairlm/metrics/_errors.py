"""The error and warnings that :mod:`fairlm.metrics` raises."""

from __future__ import annotations

from fairlm.errors import FairlmError

__all__ = ["MetricsError", "SmallGroupWarning", "UndefinedMetricWarning"]


class MetricsError(FairlmError):
    """Inputs that cannot give a fairness metric (lengths, missing values, labels, groups)."""


class UndefinedMetricWarning(UserWarning):
    """A rate has a zero denominator in some group; it is reported as NaN."""


class SmallGroupWarning(UserWarning):
    """A group has fewer rows than ``min_group_size``; it is flagged and left out of comparisons."""
