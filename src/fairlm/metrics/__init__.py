"""Group fairness metrics with confidence intervals, permutation tests and verdicts.

numpy only: importing this package does not import torch, transformers or pandas (pandas
objects are accepted as inputs). Everything is computed from per-group confusion counts,
so uncertainty costs the same for a thousand rows or ten million.

>>> from fairlm.metrics import GroupMetrics, mean_by_group
>>> gm = GroupMetrics(y_true, y_pred, sensitive_features=sex, reference="m")  # doctest: +SKIP
>>> print(gm.to_table())  # doctest: +SKIP

Names are imported on first use, so ``fairlm --help`` (which imports the ``_cli`` module)
does not pay for numpy.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

# public name -> private module that defines it
_EXPORTS: dict[str, str] = {
    "METRICS": "_confusion",
    "MetricsError": "_errors",
    "SmallGroupWarning": "_errors",
    "UndefinedMetricWarning": "_errors",
    "Estimate": "_estimate",
    "SUMMARIES": "_group_metrics",
    "GroupInfo": "_group_metrics",
    "GroupMetrics": "_group_metrics",
    "GroupMean": "_grouped_mean",
    "GroupedMean": "_grouped_mean",
    "bootstrap_ci": "_grouped_mean",
    "group_metrics_from_csv": "_csv",
    "mean_by_group": "_grouped_mean",
    "one_vs_rest": "_multiclass",
    "accuracy_difference": "_summary",
    "demographic_parity_difference": "_summary",
    "demographic_parity_ratio": "_summary",
    "disparate_impact_ratio": "_summary",
    "equal_opportunity_difference": "_summary",
    "equalized_odds_difference": "_summary",
    "false_discovery_rate_difference": "_summary",
    "predictive_parity_difference": "_summary",
    "Verdict": "_verdict",
    "VERDICT_RULE": "_verdict",
    "holm": "_verdict",
    "verdict": "_verdict",
}

__all__ = [
    "Estimate",
    "GroupInfo",
    "GroupMean",
    "GroupMetrics",
    "GroupedMean",
    "METRICS",
    "MetricsError",
    "SUMMARIES",
    "SmallGroupWarning",
    "UndefinedMetricWarning",
    "VERDICT_RULE",
    "Verdict",
    "accuracy_difference",
    "bootstrap_ci",
    "demographic_parity_difference",
    "demographic_parity_ratio",
    "disparate_impact_ratio",
    "equal_opportunity_difference",
    "equalized_odds_difference",
    "false_discovery_rate_difference",
    "group_metrics_from_csv",
    "holm",
    "mean_by_group",
    "one_vs_rest",
    "predictive_parity_difference",
    "verdict",
]


def __getattr__(name: str) -> Any:
    if name not in _EXPORTS:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{_EXPORTS[name]}"), name)
    globals()[name] = value  # later lookups skip __getattr__
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))


if TYPE_CHECKING:
    from fairlm.metrics._confusion import METRICS
    from fairlm.metrics._csv import group_metrics_from_csv
    from fairlm.metrics._errors import MetricsError, SmallGroupWarning, UndefinedMetricWarning
    from fairlm.metrics._estimate import Estimate
    from fairlm.metrics._group_metrics import SUMMARIES, GroupInfo, GroupMetrics
    from fairlm.metrics._grouped_mean import GroupedMean, GroupMean, bootstrap_ci, mean_by_group
    from fairlm.metrics._multiclass import one_vs_rest
    from fairlm.metrics._summary import (
        accuracy_difference,
        demographic_parity_difference,
        demographic_parity_ratio,
        disparate_impact_ratio,
        equal_opportunity_difference,
        equalized_odds_difference,
        false_discovery_rate_difference,
        predictive_parity_difference,
    )
    from fairlm.metrics._verdict import RULE as VERDICT_RULE
    from fairlm.metrics._verdict import Verdict, holm, verdict
