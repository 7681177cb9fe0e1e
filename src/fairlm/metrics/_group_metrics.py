"""``GroupMetrics``: per-group confusion-matrix rates, their gaps, CIs and p-values."""

from __future__ import annotations

import warnings
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np

from fairlm._registry import did_you_mean, unknown_name_message
from fairlm.metrics import _confusion as cm
from fairlm.metrics import _inputs, _stats
from fairlm.metrics import _intervals as iv
from fairlm.metrics._errors import MetricsError, SmallGroupWarning, UndefinedMetricWarning
from fairlm.metrics._estimate import Estimate, clean
from fairlm.metrics._resample import (
    CellWeights,
    bootstrap_counts,
    interval,
    permutation_p_value,
    permute_counts,
)

__all__ = ["GroupInfo", "GroupMetrics", "SUMMARIES"]

Method = Literal["between_groups", "to_reference"]
CIMethod = Literal["auto", "percentile", "basic"]
METHODS: tuple[str, ...] = ("between_groups", "to_reference")
CI_METHODS: tuple[str, ...] = ("auto", "percentile", "basic")

# Named summary metrics: name -> (kind, metrics). "difference" is max - min (or, with a
# reference, the signed gap of the group farthest from it); "max_difference" is the larger
# of the metrics' differences (unsigned); "ratio" is min / max (or, with a reference, the
# smallest value(g) / value(reference)).
SUMMARIES: dict[str, tuple[str, tuple[str, ...]]] = {
    "demographic_parity_difference": ("difference", ("selection_rate",)),
    "demographic_parity_ratio": ("ratio", ("selection_rate",)),
    "disparate_impact_ratio": ("ratio", ("selection_rate",)),
    "accuracy_difference": ("difference", ("accuracy",)),
    "equal_opportunity_difference": ("difference", ("tpr",)),
    "equalized_odds_difference": ("max_difference", ("tpr", "fpr")),
    "predictive_parity_difference": ("difference", ("ppv",)),
    "false_discovery_rate_difference": ("difference", ("fdr",)),
}


@dataclass(frozen=True)
class GroupInfo:
    """One group: its name, the feature levels that define it, its size and flags."""

    name: str
    levels: dict[str, str]
    n_rows: int
    weight: float  # sum of sample weights (= n_rows without weights)
    confusion: dict[str, float]  # tn, fp, fn, tp (weighted)
    small: bool  # fewer than min_group_size rows: reported, left out of comparisons

    def to_dict(self) -> dict[str, Any]:
        return clean(
            {
                "name": self.name,
                "levels": dict(self.levels),
                "n_rows": self.n_rows,
                "weight": self.weight,
                "confusion": dict(self.confusion),
                "small": self.small,
            }
        )


def _check_choice(name: str, value: str, choices: Sequence[str]) -> None:
    if value not in choices:
        raise MetricsError(f"{name}={value!r} is not one of: {', '.join(choices)}.")


def _count_array(x: Any, name: str, shape: tuple[int, ...] | None = None) -> np.ndarray:
    """A ``(G, 4)`` float array of finite, non-negative counts (or sums of weights)."""
    try:
        arr = np.asarray(x, dtype=np.float64)
    except (ValueError, TypeError):
        raise MetricsError(f"{name} must be numbers, one row of 4 cells per group.") from None
    if arr.ndim != 2 or arr.shape[1] != 4 or (shape is not None and arr.shape != shape):
        want = "(G, 4)" if shape is None else str(shape)
        raise MetricsError(f"{name} must have shape {want} (tn, fp, fn, tp), got {arr.shape}.")
    if not np.all(np.isfinite(arr)) or np.any(arr < 0):
        raise MetricsError(f"{name} must be finite and non-negative.")
    return arr


def _groups_from_names(
    groups: Sequence[str] | Sequence[Mapping[str, str]], features: Sequence[str] | None, n: int
) -> _inputs.Groups:
    """Names, levels and features of ``n`` groups given by name or by ``{feature: level}``."""
    groups = list(groups)
    if len(groups) != n:
        raise MetricsError(f"{len(groups)} group names for {n} rows of counts; give one each.")
    if groups and all(isinstance(g, Mapping) for g in groups):
        levels = [{str(k): str(v) for k, v in g.items()} for g in groups]
        feats = list(features) if features is not None else list(levels[0])
        if any(list(lv) != feats for lv in levels):
            raise MetricsError(f"every group must give a level of each feature: {feats}.")
        names = [" & ".join(lv.values()) for lv in levels]
    else:
        feats = list(features) if features is not None else ["sensitive_feature"]
        if len(feats) != 1:
            raise MetricsError("groups given by name have one feature; pass one name in features.")
        names = [str(g) for g in groups]
        levels = [{feats[0]: name} for name in names]
    if len(set(names)) != len(names):
        raise MetricsError(f"group names must be distinct: {names}.")
    return _inputs.Groups(np.zeros(0, dtype=np.intp), names, levels, feats)


def resolve_metric(name: str, allowed: Sequence[str] = cm.METRICS) -> str:
    key = cm.ALIASES.get(str(name).lower(), str(name).lower())
    if key not in allowed:
        raise MetricsError(unknown_name_message("metric", str(name), list(allowed)))
    return key


class GroupMetrics:
    """Confusion-matrix rates per group, overall and between groups, with uncertainty.

    Like fairlearn's ``MetricFrame`` for the standard binary-classification rates, but every
    accessor returns the same type whatever the input: an :class:`Estimate` (value, CI,
    p-value) or a ``dict`` of them keyed by group name.

    Metrics (see ``fairlm.metrics.METRICS``): ``count`` (rows, or sum of weights),
    ``selection_rate``, ``accuracy``, ``tpr``, ``fpr``, ``tnr``, ``fnr``, ``ppv``
    (precision), ``fdr``, ``npv``, ``for`` (false omission rate). All are proportions in
    [0, 1]. A rate whose denominator is 0 in a group is NaN, with an
    :class:`UndefinedMetricWarning` naming the group, and is left out of that metric's
    between-group comparisons.

    Comparisons: ``difference(m)`` is max - min over groups (>= 0, 0 is parity) and
    ``ratio(m)`` is min / max (<= 1, 1 is parity). With ``reference=`` the signed
    ``value(group) - value(reference)`` and ``value(group) / value(reference)`` per group come
    from ``differences_to_reference`` / ``ratios_to_reference``.

    Uncertainty: with ``ci_method="auto"`` (the default, unweighted data) each figure gets
    the interval made for it (:mod:`fairlm.metrics._intervals`): Wilson's for a rate in a
    group or overall, Newcombe's for the difference of two groups' rates (folded at 0 for
    max - min over two groups), simultaneous Tukey-Kramer intervals for max - min over
    more groups; ratios, equalized odds and unequally weighted data keep the bootstrap.
    ``"percentile"`` or ``"basic"`` bootstrap every figure from ``n_bootstrap`` stratified
    resamples. ``n_permutations`` label permutations give a p-value on every comparison
    (null: the group label is exchangeable). Resampling works on per-group confusion
    counts, not rows (see :mod:`fairlm.metrics._resample`), so it costs the same for a
    thousand rows or ten million. Gaps that take a maximum (max - min, the farthest gap
    from the reference, equalized odds) are biased away from 0; judge whether a gap is
    real by its p-value.

    Labels: with ``pos_label=None`` they must be 0/1 (or bool); otherwise rows equal to
    ``pos_label`` are positive and all other labels negative (one class against the rest).
    Several sensitive features give their intersections (``"f & black"``); groups with
    fewer than ``min_group_size`` rows are reported, flagged ``small`` and left out of the
    comparisons, with a :class:`SmallGroupWarning`.

    >>> gm = GroupMetrics([1, 1, 0, 0, 1, 1, 0, 0], [1, 0, 1, 0, 1, 1, 1, 0],
    ...                   sensitive_features=list("aaaabbbb"), reference="a")
    >>> gm.by_group("tpr")["b"].value, gm.difference("tpr").value  # 2/2, 2/2 - 1/2
    (1.0, 0.5)
    >>> gm.differences_to_reference("selection_rate")["b"].value  # 3/4 - 2/4
    0.25
    """

    def __init__(
        self,
        y_true: Any,
        y_pred: Any,
        *,
        sensitive_features: Any,
        sample_weight: Any = None,
        reference: Any = None,
        pos_label: Any = None,
        metrics: Sequence[str] | None = None,
        min_group_size: int = 1,
        n_bootstrap: int = 1000,
        n_permutations: int = 1000,
        confidence: float = 0.95,
        ci_method: CIMethod = "auto",
        seed: int | None = 0,
    ) -> None:
        self._set_options(
            pos_label, metrics, min_group_size, n_bootstrap, n_permutations, confidence,
            ci_method, seed,
        )  # fmt: skip
        yt, yp, groups, weights = _inputs.prepare(
            y_true, y_pred, sensitive_features, sample_weight, pos_label
        )
        G = len(groups.names)
        rows = cm.confusion_counts(yt, yp, groups.codes, G)  # (G, 4) row counts
        sums = sq = None
        if weights is not None:
            sums = cm.confusion_counts(yt, yp, groups.codes, G, weights)
            sq = cm.confusion_counts(yt, yp, groups.codes, G, weights**2)
        # equal weights scale every count alike: the rates and their intervals are the
        # unweighted ones
        equal = weights is None or bool(np.all(weights == weights.flat[0]))
        self._set_counts(groups, rows, sums, sq, equal, reference)

    @classmethod
    def from_counts(
        cls,
        counts: Any,
        *,
        groups: Sequence[str] | Sequence[Mapping[str, str]],
        features: Sequence[str] | None = None,
        weight_sums: Any = None,
        weight_sq_sums: Any = None,
        equal_weights: bool | None = None,
        reference: Any = None,
        pos_label: Any = None,
        metrics: Sequence[str] | None = None,
        min_group_size: int = 1,
        n_bootstrap: int = 1000,
        n_permutations: int = 1000,
        confidence: float = 0.95,
        ci_method: CIMethod = "auto",
        seed: int | None = 0,
    ) -> GroupMetrics:
        """The same object as the row constructor gives, from per-group confusion counts.

        For data too big to hold as rows (``fairlm metrics`` streams a CSV file into
        counts): every figure, interval and p-value is a function of the counts, so the
        result equals ``GroupMetrics(y_true, y_pred, ...)`` on the rows they count.

        ``counts`` is ``(G, 4)`` row counts per group, cells ``tn, fp, fn, tp`` (whole
        numbers). ``groups`` names the G groups in that order: names (one feature,
        called ``features[0]``, default ``"sensitive_feature"``) or, for intersections,
        one ``{feature: level}`` mapping each (named ``"f & black"``). Groups are kept in
        the order given (the row constructor sorts them by value). With sample weights,
        ``weight_sums`` is ``(G, 4)`` sums of the weights per cell and ``weight_sq_sums``
        the sums of their squares (default: weights constant within each cell);
        ``equal_weights`` says whether every row has the same weight (default: inferred
        from the sums). ``pos_label`` is only recorded. The other arguments are those of
        the row constructor.

        >>> gm = GroupMetrics.from_counts([[2, 0, 1, 1], [1, 1, 0, 2]], groups=["a", "b"])
        >>> gm.by_group("tpr")["b"].value, gm.difference("tpr").value
        (1.0, 0.5)
        """
        self = cls.__new__(cls)
        self._set_options(
            pos_label, metrics, min_group_size, n_bootstrap, n_permutations, confidence,
            ci_method, seed,
        )  # fmt: skip
        rows = _count_array(counts, "counts")
        G = rows.shape[0]
        named = _groups_from_names(groups, features, G)
        if np.any(rows != np.round(rows)):
            raise MetricsError("counts must be whole numbers of rows.")
        sums = sq = None
        if weight_sums is not None:
            sums = _count_array(weight_sums, "weight_sums", shape=rows.shape)
            if weight_sq_sums is None:  # constant within each cell
                with np.errstate(invalid="ignore", divide="ignore"):
                    sq = np.where(rows > 0, sums**2 / np.maximum(rows, 1), 0.0)
            else:
                sq = _count_array(weight_sq_sums, "weight_sq_sums", shape=rows.shape)
            if equal_weights is None:
                cw = CellWeights(rows, sums, sq)
                means = cw.mean[rows > 0]
                equal_weights = cw.constant and (
                    means.size == 0 or bool(np.allclose(means, means.flat[0], rtol=1e-12))
                )
        elif weight_sq_sums is not None:
            raise MetricsError("weight_sq_sums needs weight_sums.")
        self._set_counts(named, rows, sums, sq, sums is None or bool(equal_weights), reference)
        return self

    def _set_options(
        self,
        pos_label: Any,
        metrics: Sequence[str] | None,
        min_group_size: int,
        n_bootstrap: int,
        n_permutations: int,
        confidence: float,
        ci_method: str,
        seed: int | None,
    ) -> None:
        _check_choice("ci_method", ci_method, CI_METHODS)
        for name, val in [
            ("n_bootstrap", n_bootstrap),
            ("n_permutations", n_permutations),
            ("min_group_size", min_group_size),
        ]:
            if isinstance(val, bool) or not isinstance(val, int | np.integer) or val < 0:
                raise MetricsError(f"{name} must be a non-negative integer, got {val!r}.")
        if not 0 < confidence < 1:
            raise MetricsError(f"confidence must be between 0 and 1 (e.g. 0.95), got {confidence}.")
        names = cm.METRICS if metrics is None else tuple(resolve_metric(m) for m in metrics)
        if not names:
            raise MetricsError(f"metrics is empty; pass some of: {', '.join(cm.METRICS)}.")
        self.metrics: tuple[str, ...] = tuple(m for m in cm.METRICS if m in names)
        self.rate_metrics: tuple[str, ...] = tuple(m for m in self.metrics if m != "count")
        self.pos_label = pos_label
        self.confidence = float(confidence)
        self.ci_method = ci_method
        self.n_bootstrap = int(n_bootstrap)
        self.n_permutations = int(n_permutations)
        self.min_group_size = int(min_group_size)
        self.seed = seed

    def _set_counts(
        self,
        groups: _inputs.Groups,
        rows: np.ndarray,
        sums: np.ndarray | None,
        sq: np.ndarray | None,
        equal_weights: bool,
        reference: Any,
    ) -> None:
        """Everything from the ``(G, 4)`` row counts (and weight sums and squared sums)."""
        self.features: tuple[str, ...] = tuple(groups.features)
        self.weighted = sums is not None
        self._equal_weights = equal_weights
        G = len(groups.names)
        cell_weights = None
        if sums is None:
            counts = rows
        else:
            counts = sums
            cell_weights = CellWeights(rows, sums, sq)
        n_rows = rows.sum(-1).astype(np.int64)
        small = n_rows < self.min_group_size
        self.groups_info: tuple[GroupInfo, ...] = tuple(
            GroupInfo(
                name=groups.names[g],
                levels=groups.levels[g],
                n_rows=int(n_rows[g]),
                weight=float(counts[g].sum()),
                confusion=dict(zip(cm.CELLS, map(float, counts[g]), strict=True)),
                small=bool(small[g]),
            )
            for g in range(G)
        )
        self.groups: tuple[str, ...] = tuple(groups.names)
        if G < 2:
            feats = ", ".join(self.features)
            raise MetricsError(
                f"Only one group ({self.groups[0]!r}) in sensitive feature(s) {feats}; "
                "comparing groups needs at least two. Check the group column."
            )
        self._ref = self._resolve_reference(reference)
        self.reference: str | None = None if self._ref is None else self.groups[self._ref]
        self._included = np.flatnonzero(~small)
        self._warn_small(small)

        # Point values, then bootstrap replicates and permutation nulls of every metric.
        self._rows = rows  # (G, 4) unweighted counts, for the closed-form intervals
        self._values = cm.rates(counts, self.metrics)  # (G, M)
        self._overall = cm.rates(counts.sum(0), self.metrics)  # (M,)
        boot_rng, perm_rng = (
            np.random.default_rng(s) for s in np.random.SeedSequence(self.seed).spawn(2)
        )
        self._boot = None  # (B, G, M)
        self._boot_overall = None  # (B, M)
        if self.n_bootstrap:
            bc = bootstrap_counts(rows, self.n_bootstrap, boot_rng, cell_weights)
            self._boot = cm.rates(bc, self.metrics)
            self._boot_overall = cm.rates(bc.sum(1), self.metrics)
        self._perm = None  # (P, G, M)
        if self.n_permutations:
            pc = permute_counts(rows, self.n_permutations, perm_rng, cell_weights)
            self._perm = cm.rates(pc, self.metrics)
        self._warn_undefined(counts)

    # ----------------------------------------------------------------------------- setup
    def _resolve_reference(self, reference: Any) -> int | None:
        if reference is None:
            return None
        if isinstance(reference, tuple | list):
            reference = " & ".join(str(r) for r in reference)
        elif isinstance(reference, np.generic):
            reference = reference.item()
        key = str(reference)
        if key not in self.groups:
            hint = did_you_mean(key, list(self.groups))
            raise MetricsError(
                f"Reference group {key!r} is not among the groups.{hint}"
                f" Groups: {', '.join(self.groups)}."
            )
        g = self.groups.index(key)
        if self.groups_info[g].small:
            raise MetricsError(
                f"Reference group {key!r} has {self.groups_info[g].n_rows} rows, fewer than "
                f"min_group_size={self.min_group_size}; choose a larger reference group or "
                "lower min_group_size."
            )
        return g

    def _warn_small(self, small: np.ndarray) -> None:
        if not small.any():
            return
        listed = ", ".join(
            f"{self.groups[g]!r} (n={self.groups_info[g].n_rows})" for g in np.flatnonzero(small)
        )
        extra = ""
        if self._included.size < 2:
            extra = " Fewer than two groups remain, so every comparison is NaN."
        warnings.warn(
            f"{int(small.sum())} group(s) have fewer than min_group_size="
            f"{self.min_group_size} rows: {listed}. They are reported (flagged 'small') but "
            f"left out of between-group differences and ratios.{extra}",
            SmallGroupWarning,
            stacklevel=4,
        )

    def _warn_undefined(self, counts: np.ndarray) -> None:
        targets = [(f"group {n!r}", c) for n, c in zip(self.groups, counts, strict=True)]
        for label, c in [*targets, ("overall", counts.sum(0))]:
            by_reason: dict[tuple[int, ...], list[str]] = {}
            for m in self.metrics:
                den = cm.denominator(m)
                if den and c[list(den)].sum() <= 0:
                    by_reason.setdefault(den, []).append(m)
            for den, ms in by_reason.items():
                warnings.warn(
                    f"{', '.join(ms)} undefined for {label}: {cm.DENOMINATORS[den]}; "
                    "reported as NaN and left out of between-group comparisons.",
                    UndefinedMetricWarning,
                    stacklevel=4,
                )
        for m in self.rate_metrics:
            v = self._included_values(self._values[:, self.metrics.index(m)])
            if (~np.isnan(v)).sum() >= 2 and np.isnan(_stats.spread_ratio(v)):
                warnings.warn(
                    f"ratio of {m} between groups is undefined: every group's {m} is 0; "
                    "reported as NaN.",
                    UndefinedMetricWarning,
                    stacklevel=4,
                )
            if self._ref is not None and self._values[self._ref, self.metrics.index(m)] == 0:
                warnings.warn(
                    f"ratios of {m} to the reference are undefined: reference group "
                    f"{self.reference!r} has {m} 0; reported as NaN.",
                    UndefinedMetricWarning,
                    stacklevel=4,
                )

    # ---------------------------------------------------------------------- computation
    def _included_values(self, v: np.ndarray) -> np.ndarray:
        return v[..., self._included]

    def _ref_in_included(self) -> int:
        if self._ref is None:
            raise MetricsError(
                "No reference group: pass reference=<group name> to compare with it."
                f" Groups: {', '.join(self.groups)}."
            )
        return int(np.flatnonzero(self._included == self._ref)[0])

    def _estimate(
        self,
        stat: Callable[[np.ndarray], np.ndarray],
        test: Literal["abs", "log", None],
        overall: bool = False,
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Value, CI and p-value arrays of ``stat``, a function of ``(..., G, M)`` values."""
        point = np.asarray(stat(self._overall if overall else self._values), dtype=float)
        nan = np.full(point.shape, np.nan)
        lo = hi = p = nan
        boot = self._boot_overall if overall else self._boot
        if boot is not None:
            lo, hi = interval(stat(boot), point, self.confidence, self.ci_method)
        if test is not None and self._perm is not None:
            with np.errstate(divide="ignore"):
                f = np.abs if test == "abs" else (lambda x: np.abs(np.log(x)))
                p = permutation_p_value(f(stat(self._perm)), f(point))
        return point, np.asarray(lo), np.asarray(hi), np.asarray(p)

    @staticmethod
    def _as_estimates(arrays: tuple[np.ndarray, ...]) -> list[Estimate]:
        point, lo, hi, p = (np.atleast_1d(a) for a in arrays)
        return [Estimate(*map(float, t)) for t in zip(point, lo, hi, p, strict=True)]

    def _col(self, metric: str, rates_only: bool = False) -> int:
        if rates_only and resolve_metric(metric) == "count":
            raise MetricsError(
                "count is not a rate; differences and ratios are defined for: "
                f"{', '.join(self.rate_metrics)}."
            )
        return self.metrics.index(resolve_metric(metric, self.metrics))

    def _gap(self, v: np.ndarray, kind: str, method: str) -> np.ndarray:
        """One summary gap of a ``(..., G)`` metric over the groups being compared."""
        vi = self._included_values(v)
        if vi.shape[-1] < 2:
            return np.full(vi.shape[:-1], np.nan)
        if method == "between_groups":
            return _stats.spread_ratio(vi) if kind == "ratio" else _stats.spread(vi)
        r = self._ref_in_included()
        if kind == "ratio":
            return _stats.min_ratio_to_ref(vi, r)
        return _stats.farthest_diff_to_ref(vi, r)

    # ------------------------------------------------------------ closed-form intervals
    def _closed_form(self, metric: str) -> bool:
        return self.ci_method == "auto" and self._equal_weights and metric != "count"

    def _num_den(self, metric: str) -> tuple[np.ndarray, np.ndarray]:
        """(G,) numerator and denominator row counts of a rate."""
        num_cells, den_cells = cm.cells(metric)
        return self._rows[:, list(num_cells)].sum(-1), self._rows[:, list(den_cells)].sum(-1)

    def _with_interval(self, arrays, lo, hi):
        point, _, _, p = arrays
        return point, np.asarray(lo, dtype=float), np.asarray(hi, dtype=float), p

    def _difference_interval(self, metric: str, method: str) -> tuple[float, float]:
        """The interval of a difference of rates between the groups being compared."""
        num, den = self._num_den(metric)
        keep = self._included[den[self._included] > 0]  # groups where the rate is defined
        if len(keep) < 2:
            return np.nan, np.nan
        if method == "between_groups":
            return iv.gap_interval_binary(num[keep], den[keep], self.confidence)
        v = self._values[:, self._col(metric)]
        ref = self._ref
        others = [g for g in keep if g != ref]
        if ref not in keep or not others:
            return np.nan, np.nan
        g = max(others, key=lambda g: abs(v[g] - v[ref]))  # as farthest_diff_to_ref picks
        lo, hi = iv.newcombe_interval(num[g], den[g], num[ref], den[ref], self.confidence)
        return float(lo), float(hi)

    # -------------------------------------------------------------------------- results
    def by_group(self, metric: str) -> dict[str, Estimate]:
        """Value of ``metric`` in each group (all groups, small ones included), with CIs."""
        j = self._col(metric)
        arrays = self._estimate(lambda v: v[..., j], None)
        if self._closed_form(self.metrics[j]):
            arrays = self._with_interval(
                arrays, *iv.wilson_interval(*self._num_den(self.metrics[j]), self.confidence)
            )
        ests = self._as_estimates(arrays)
        return dict(zip(self.groups, ests, strict=True))

    def overall(self, metric: str) -> Estimate:
        """Value of ``metric`` on all rows together, with a CI (Wilson on the pooled count,
        or a bootstrap stratified by group)."""
        j = self._col(metric)
        arrays = self._estimate(lambda v: v[..., j], None, overall=True)
        if self._closed_form(self.metrics[j]):
            num, den = self._num_den(self.metrics[j])
            arrays = self._with_interval(
                arrays, *iv.wilson_interval(num.sum(), den.sum(), self.confidence)
            )
        return self._as_estimates(arrays)[0]

    def difference(self, metric: str, *, method: Method = "between_groups") -> Estimate:
        """``between_groups``: max - min over groups (>= 0; 0 is parity). ``to_reference``:
        the signed gap value(g) - value(reference) of the group g farthest from the
        reference. With a CI and a permutation p-value (test of |gap|)."""
        _check_choice("method", method, METHODS)
        j = self._col(metric, rates_only=True)
        stat = self._estimate(lambda v: self._gap(v[..., j], "difference", method), "abs")
        if self._closed_form(self.metrics[j]):
            stat = self._with_interval(stat, *self._difference_interval(self.metrics[j], method))
        return self._as_estimates(stat)[0]

    def ratio(self, metric: str, *, method: Method = "between_groups") -> Estimate:
        """``between_groups``: min / max over groups (<= 1; 1 is parity). ``to_reference``:
        the smallest value(g) / value(reference) over groups g != reference. With a CI and
        a permutation p-value (test of |log ratio|)."""
        _check_choice("method", method, METHODS)
        j = self._col(metric, rates_only=True)
        stat = self._estimate(lambda v: self._gap(v[..., j], "ratio", method), "log")
        return self._as_estimates(stat)[0]

    def differences_to_reference(self, metric: str) -> dict[str, Estimate]:
        """value(g) - value(reference) for every other group g (negative: g is lower)."""
        return self._to_reference(metric, _stats.diff_to_ref, "abs")

    def ratios_to_reference(self, metric: str) -> dict[str, Estimate]:
        """value(g) / value(reference) for every other group g (1 is parity)."""
        return self._to_reference(metric, _stats.ratio_to_ref, "log")

    def _to_reference(
        self, metric: str, fn: Callable[[np.ndarray, int], np.ndarray], test: Literal["abs", "log"]
    ) -> dict[str, Estimate]:
        self._ref_in_included()  # raises without a reference
        j = self._col(metric, rates_only=True)
        ref = self._ref
        arrays = self._estimate(lambda v: fn(v[..., j], ref), test)
        if fn is _stats.diff_to_ref and self._closed_form(self.metrics[j]):
            num, den = self._num_den(self.metrics[j])
            ci = iv.newcombe_interval(num, den, num[ref], den[ref], self.confidence)
            arrays = self._with_interval(arrays, *ci)
        ests = self._as_estimates(arrays)
        return {g: e for g, e in zip(self.groups, ests, strict=True) if g != self.reference}

    def summary(self) -> dict[str, Estimate]:
        """The named fairness metrics (see :data:`SUMMARIES`) this object's metrics allow.

        They compare all (non-small) groups, or each group with ``reference`` if one was
        given; see each function's docstring in :mod:`fairlm.metrics` for the convention.
        """
        method = "between_groups" if self._ref is None else "to_reference"
        out = {}
        for name, (kind, metrics) in SUMMARIES.items():
            if not all(m in self.metrics for m in metrics):
                continue
            cols = [self.metrics.index(m) for m in metrics]

            def stat(v: np.ndarray, kind: str = kind, cols: list[int] = cols) -> np.ndarray:
                if kind == "max_difference":
                    gaps = [np.abs(self._gap(v[..., j], "difference", method)) for j in cols]
                    return np.fmax.reduce(gaps) if len(gaps) > 1 else gaps[0]
                return self._gap(v[..., cols[0]], kind, method)

            test = "log" if kind == "ratio" else "abs"
            arrays = self._estimate(stat, test)
            if kind == "difference" and self._closed_form(metrics[0]):
                arrays = self._with_interval(arrays, *self._difference_interval(metrics[0], method))
            out[name] = self._as_estimates(arrays)[0]
        return out

    @property
    def small_groups(self) -> tuple[str, ...]:
        """Groups with fewer than ``min_group_size`` rows (left out of comparisons)."""
        return tuple(g.name for g in self.groups_info if g.small)

    def to_dict(self) -> dict[str, Any]:
        """Everything as plain JSON-ready data (NaN -> None); same keys for any input."""
        rate_metrics = list(self.rate_metrics)
        has_ref = self._ref is not None
        return clean(
            {
                "pos_label": self.pos_label,
                "features": list(self.features),
                "reference": self.reference,
                "min_group_size": self.min_group_size,
                "confidence": self.confidence,
                "ci_method": self.ci_method,
                "n_bootstrap": self.n_bootstrap,
                "n_permutations": self.n_permutations,
                "seed": self.seed,
                "groups": [g.to_dict() for g in self.groups_info],
                "overall": {m: self.overall(m).to_dict() for m in self.metrics},
                "by_group": {
                    m: {g: e.to_dict() for g, e in self.by_group(m).items()} for m in self.metrics
                },
                "between_groups": {
                    m: {
                        "difference": self.difference(m).to_dict(),
                        "ratio": self.ratio(m).to_dict(),
                    }
                    for m in rate_metrics
                },
                "to_reference": {
                    m: {
                        g: {"difference": d.to_dict(), "ratio": r.to_dict()}
                        for (g, d), r in zip(
                            self.differences_to_reference(m).items(),
                            self.ratios_to_reference(m).values(),
                            strict=True,
                        )
                    }
                    for m in (rate_metrics if has_ref else [])
                },
                "summary": {k: e.to_dict() for k, e in self.summary().items()},
            }
        )

    def to_table(self) -> str:
        """A readable plain-text report: groups, per-group values with CIs, comparisons."""
        from fairlm.metrics._report import group_metrics_table

        return group_metrics_table(self)

    def __str__(self) -> str:
        return self.to_table()

    def __repr__(self) -> str:
        return (
            f"GroupMetrics(groups={list(self.groups)}, reference={self.reference!r}, "
            f"metrics={list(self.metrics)}, n_bootstrap={self.n_bootstrap})"
        )
