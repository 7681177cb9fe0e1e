"""The named fairness metrics as plain functions returning one float.

Each is a thin wrapper over :class:`GroupMetrics` (no bootstrap); use
``GroupMetrics(...).summary()`` to get the same numbers with CIs and p-values.

Conventions shared by all of them. Without ``reference`` they compare all groups:
differences are ``max - min`` over groups (>= 0; 0 is parity, larger is worse) and ratios
are ``min / max`` (<= 1; 1 is parity, smaller is worse). With ``reference=<group>`` they
compare each other group with it: differences are the signed ``value(g) - value(reference)``
of the group ``g`` farthest from the reference (negative when that group's rate is lower),
and ratios are the smallest ``value(g) / value(reference)``. Groups with fewer than
``min_group_size`` rows, and groups where the rate is undefined, are left out (with a
warning).
"""

from __future__ import annotations

from typing import Any

from fairlm.metrics._group_metrics import SUMMARIES, GroupMetrics

__all__ = [
    "accuracy_difference",
    "demographic_parity_difference",
    "demographic_parity_ratio",
    "disparate_impact_ratio",
    "equal_opportunity_difference",
    "equalized_odds_difference",
    "false_discovery_rate_difference",
    "predictive_parity_difference",
]


def _summary(
    name: str,
    y_true: Any,
    y_pred: Any,
    sensitive_features: Any,
    sample_weight: Any,
    reference: Any,
    pos_label: Any,
    min_group_size: int,
) -> float:
    gm = GroupMetrics(
        y_true,
        y_pred,
        sensitive_features=sensitive_features,
        sample_weight=sample_weight,
        reference=reference,
        pos_label=pos_label,
        metrics=SUMMARIES[name][1],
        min_group_size=min_group_size,
        n_bootstrap=0,
        n_permutations=0,
    )
    return gm.summary()[name].value


def demographic_parity_difference(
    y_true: Any,
    y_pred: Any,
    *,
    sensitive_features: Any,
    sample_weight: Any = None,
    reference: Any = None,
    pos_label: Any = None,
    min_group_size: int = 1,
) -> float:
    """Gap in selection rate P(y_pred = 1) between groups; 0 is parity.

    ``max - min`` over groups (>= 0), or with ``reference`` the signed gap
    ``rate(g) - rate(reference)`` of the group farthest from it. ``y_true`` is not used.
    Statistical parity: Dwork et al. 2012, "Fairness through awareness" (ITCS); Calders,
    Kamiran & Pechenizkiy 2009, "Building classifiers with independency constraints".
    """
    return _summary(
        "demographic_parity_difference",
        y_true,
        y_pred,
        sensitive_features,
        sample_weight,
        reference,
        pos_label,
        min_group_size,
    )


def demographic_parity_ratio(
    y_true: Any,
    y_pred: Any,
    *,
    sensitive_features: Any,
    sample_weight: Any = None,
    reference: Any = None,
    pos_label: Any = None,
    min_group_size: int = 1,
) -> float:
    """Ratio of selection rates P(y_pred = 1) between groups; 1 is parity.

    ``min / max`` over groups (<= 1), or with ``reference`` the smallest
    ``rate(g) / rate(reference)``. NaN (with a warning) when the denominator rate is 0.
    Dwork et al. 2012; Calders et al. 2009 (see demographic_parity_difference).
    """
    return _summary(
        "demographic_parity_ratio",
        y_true,
        y_pred,
        sensitive_features,
        sample_weight,
        reference,
        pos_label,
        min_group_size,
    )


def disparate_impact_ratio(
    y_true: Any,
    y_pred: Any,
    *,
    sensitive_features: Any,
    sample_weight: Any = None,
    reference: Any = None,
    pos_label: Any = None,
    min_group_size: int = 1,
) -> float:
    """Disparate impact: selection rate of the worst-off group over the reference's; 1 is parity.

    Pass the privileged group as ``reference``: the value is the smallest
    ``P(y_pred = 1 | g) / P(y_pred = 1 | reference)``; values below 0.8 fail the
    "four-fifths rule" (US EEOC Uniform Guidelines, 29 CFR 1607.4(D), 1978). Without a
    reference the group with the highest rate plays that role, which gives ``min / max``,
    the same number as :func:`demographic_parity_ratio`. Feldman, Friedler, Moeller,
    Scheidegger & Venkatasubramanian 2015, "Certifying and removing disparate impact" (KDD).
    """
    return _summary(
        "disparate_impact_ratio",
        y_true,
        y_pred,
        sensitive_features,
        sample_weight,
        reference,
        pos_label,
        min_group_size,
    )


def accuracy_difference(
    y_true: Any,
    y_pred: Any,
    *,
    sensitive_features: Any,
    sample_weight: Any = None,
    reference: Any = None,
    pos_label: Any = None,
    min_group_size: int = 1,
) -> float:
    """Gap in accuracy P(y_pred = y_true) between groups; 0 is parity.

    ``max - min`` over groups (>= 0), or with ``reference`` the signed gap
    ``acc(g) - acc(reference)`` of the group farthest from it (negative: that group is
    served less accurately). "Overall accuracy equality": Berk, Heidari, Jabbari, Kearns &
    Roth 2021, "Fairness in criminal justice risk assessments: the state of the art"
    (Sociological Methods & Research 50(1)).
    """
    return _summary(
        "accuracy_difference",
        y_true,
        y_pred,
        sensitive_features,
        sample_weight,
        reference,
        pos_label,
        min_group_size,
    )


def equal_opportunity_difference(
    y_true: Any,
    y_pred: Any,
    *,
    sensitive_features: Any,
    sample_weight: Any = None,
    reference: Any = None,
    pos_label: Any = None,
    min_group_size: int = 1,
) -> float:
    """Gap in true positive rate P(y_pred = 1 | y_true = 1) between groups; 0 is parity.

    ``max - min`` over groups (>= 0), or with ``reference`` the signed gap
    ``TPR(g) - TPR(reference)`` of the group farthest from it (negative: that group's
    qualified members are selected less often). Hardt, Price & Srebro 2016, "Equality of
    opportunity in supervised learning" (NeurIPS).
    """
    return _summary(
        "equal_opportunity_difference",
        y_true,
        y_pred,
        sensitive_features,
        sample_weight,
        reference,
        pos_label,
        min_group_size,
    )


def equalized_odds_difference(
    y_true: Any,
    y_pred: Any,
    *,
    sensitive_features: Any,
    sample_weight: Any = None,
    reference: Any = None,
    pos_label: Any = None,
    min_group_size: int = 1,
) -> float:
    """The larger of the TPR gap and the FPR gap between groups; 0 is parity, always >= 0.

    ``max(|TPR gap|, |FPR gap|)`` where each gap is ``max - min`` over groups, or with
    ``reference`` the largest ``|rate(g) - rate(reference)|``. Unsigned by construction
    (the two gaps may point in different directions). Hardt, Price & Srebro 2016,
    "Equality of opportunity in supervised learning" (NeurIPS); the max-of-gaps summary is
    fairlearn's ``equalized_odds_difference``.
    """
    return _summary(
        "equalized_odds_difference",
        y_true,
        y_pred,
        sensitive_features,
        sample_weight,
        reference,
        pos_label,
        min_group_size,
    )


def predictive_parity_difference(
    y_true: Any,
    y_pred: Any,
    *,
    sensitive_features: Any,
    sample_weight: Any = None,
    reference: Any = None,
    pos_label: Any = None,
    min_group_size: int = 1,
) -> float:
    """Gap in precision (PPV) P(y_true = 1 | y_pred = 1) between groups; 0 is parity.

    ``max - min`` over groups (>= 0), or with ``reference`` the signed gap
    ``PPV(g) - PPV(reference)`` of the group farthest from it (negative: a positive
    prediction is less often right for that group). Chouldechova 2017, "Fair prediction
    with disparate impact: a study of bias in recidivism prediction instruments" (Big Data
    5(2)).
    """
    return _summary(
        "predictive_parity_difference",
        y_true,
        y_pred,
        sensitive_features,
        sample_weight,
        reference,
        pos_label,
        min_group_size,
    )


def false_discovery_rate_difference(
    y_true: Any,
    y_pred: Any,
    *,
    sensitive_features: Any,
    sample_weight: Any = None,
    reference: Any = None,
    pos_label: Any = None,
    min_group_size: int = 1,
) -> float:
    """Gap in false discovery rate P(y_true = 0 | y_pred = 1) = 1 - PPV; 0 is parity.

    ``max - min`` over groups (>= 0; equal to the predictive parity difference), or with
    ``reference`` the signed gap ``FDR(g) - FDR(reference)`` of the group farthest from it
    (positive: that group's positive predictions are more often wrong). Chouldechova 2017,
    "Fair prediction with disparate impact" (Big Data 5(2)), which equalises FDR across
    groups as predictive parity.
    """
    return _summary(
        "false_discovery_rate_difference",
        y_true,
        y_pred,
        sensitive_features,
        sample_weight,
        reference,
        pos_label,
        min_group_size,
    )
