"""Speed of fairlm.metrics on 10 million rows with 10 groups, against fairlearn's MetricFrame.

Not a test: run it and read the figures.

    .venv/bin/python benchmarks/metrics.py [--rows 10000000] [--groups 10]
        [--resamples 1000] [--fairlearn-rows 1000000] [--repeats 5]

fairlm times (best of --repeats runs):
  1. counts: rows -> checked inputs -> per-group confusion counts and point values;
  2. + bootstrap: the same plus 1,000 stratified bootstrap resamples of all 11 metrics and
     a CI for every per-group value, overall value, difference and ratio (``to_dict()``);
  3. + permutations: the same plus 1,000 permutations (a p-value for every comparison).

fairlearn's MetricFrame (if importable) evaluates the same 11 metrics once. In fairlearn
0.15 that costs a Python-level loop per row per metric, so by default it runs on the first
--fairlearn-rows rows and the cost is extrapolated linearly to --rows, then to --resamples
row-bootstrap resamples (a lower bound: drawing the resampled rows is not counted). The
point values of fairlm and fairlearn on those rows are compared.
"""

from __future__ import annotations

import argparse
import time
import warnings

import numpy as np

from fairlm.metrics import GroupMetrics
from fairlm.metrics._confusion import rates
from fairlm.metrics._resample import bootstrap_counts, interval

METRIC_ORDER = (
    "count",
    "selection_rate",
    "accuracy",
    "tpr",
    "fpr",
    "tnr",
    "fnr",
    "ppv",
    "fdr",
    "npv",
    "for",
)


def make_data(n: int, n_groups: int, seed: int = 0) -> tuple[np.ndarray, ...]:
    """Labels whose base rate and prediction quality differ by group."""
    rng = np.random.default_rng(seed)
    groups = rng.integers(0, n_groups, n)
    y_true = (rng.random(n) < 0.3 + 0.4 * groups / n_groups).astype(np.int8)
    noise = (rng.random(n) < 0.4).astype(np.int8)
    keep = rng.random(n) < 0.9 - 0.2 * groups / n_groups
    y_pred = np.where(keep, y_true, noise).astype(np.int8)
    return y_true, y_pred, groups


def time_fairlm(y_true, y_pred, groups, n_boot: int, n_perm: int, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        gm = GroupMetrics(
            y_true, y_pred, sensitive_features=groups, n_bootstrap=n_boot, n_permutations=n_perm
        )
        gm.to_dict()  # every CI and p-value
        times.append(time.perf_counter() - t0)
    return min(times)


def _row(label: str, seconds: float, spec: str = ".3f") -> None:
    print(f"  {label:<66}{seconds:>10{spec}} s")


def time_resampling_only(counts: np.ndarray, n_boot: int, repeats: int) -> float:
    """Bootstrap draws from (G, 4) counts, the 11 metrics per resample, per-group CIs."""
    times = []
    for seed in range(repeats):
        t0 = time.perf_counter()
        boot = bootstrap_counts(counts, n_boot, np.random.default_rng(seed))  # (B, G, 4)
        values = rates(boot)  # (B, G, 11)
        interval(values, rates(counts), 0.95)
        times.append(time.perf_counter() - t0)
    return min(times)


def fairlearn_metrics() -> dict:
    import fairlearn.metrics as flm
    from sklearn.metrics import accuracy_score, precision_score

    def ratio(num, den):
        return num / den if den else np.nan

    def fdr(y_true, y_pred):
        return ratio(((y_true == 0) & (y_pred == 1)).sum(), (y_pred == 1).sum())

    def npv(y_true, y_pred):
        return ratio(((y_true == 0) & (y_pred == 0)).sum(), (y_pred == 0).sum())

    def false_omission_rate(y_true, y_pred):
        return ratio(((y_true == 1) & (y_pred == 0)).sum(), (y_pred == 0).sum())

    def ppv(y_true, y_pred):
        return precision_score(y_true, y_pred, zero_division=np.nan)

    return {
        "count": flm.count,
        "selection_rate": flm.selection_rate,
        "accuracy": accuracy_score,
        "tpr": flm.true_positive_rate,
        "fpr": flm.false_positive_rate,
        "tnr": flm.true_negative_rate,
        "fnr": flm.false_negative_rate,
        "ppv": ppv,
        "fdr": fdr,
        "npv": npv,
        "for": false_omission_rate,
    }


def compare_with_fairlearn(y_true, y_pred, groups, rows: int, target_rows: int, resamples: int):
    try:
        import fairlearn
        from fairlearn.metrics import MetricFrame
    except ImportError:
        print("fairlearn is not importable: skipped the comparison.")
        return
    yt, yp, g = y_true[:rows], y_pred[:rows], groups[:rows]
    metrics = fairlearn_metrics()
    t0 = time.perf_counter()
    mf = MetricFrame(metrics=metrics, y_true=yt, y_pred=yp, sensitive_features=g)
    t_eval = time.perf_counter() - t0

    # One stratified row resample, to show what a row bootstrap adds on top.
    rng = np.random.default_rng(0)
    t0 = time.perf_counter()
    idx = np.concatenate(
        [rng.choice(m, size=m.size) for m in (np.flatnonzero(g == k) for k in np.unique(g))]
    )
    _ = (yt[idx], yp[idx], g[idx])
    t_draw = time.perf_counter() - t0

    scale = target_rows / rows
    print(f"\nfairlearn {fairlearn.__version__} MetricFrame, the same 11 metrics:")
    _row(f"one evaluation on {rows:,} rows", t_eval)
    _row(f"one stratified row resample of {rows:,} rows (index draw)", t_draw)
    if scale != 1:
        _row(f"one evaluation extrapolated to {target_rows:,} rows (x{scale:g})", t_eval * scale)
    total = (t_eval + t_draw) * scale * resamples
    _row(f"{resamples:,} row-bootstrap resamples, extrapolated", total, ",.0f")
    print(f"{'':62}(~{total / 3600:.1f} h)")

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        gm = GroupMetrics(yt, yp, sensitive_features=g, n_bootstrap=0, n_permutations=0)
    names = [str(k) for k in mf.by_group.index]
    assert names == list(gm.groups), (names, gm.groups)
    diffs = []
    for m in METRIC_ORDER:
        ours = np.array([gm.by_group(m)[k].value for k in names] + [gm.overall(m).value])
        theirs = np.append(mf.by_group[m].to_numpy(dtype=float), float(mf.overall[m]))
        diffs.append(np.max(np.abs(ours - theirs)))
        if m != "count":
            diffs.append(abs(gm.difference(m).value - float(mf.difference()[m])))
            diffs.append(abs(gm.ratio(m).value - float(mf.ratio()[m])))
    print(f"  max |fairlm - fairlearn| over {len(diffs)} comparisons of per-group, overall,")
    print(f"    difference and ratio values on those {rows:,} rows: {max(diffs):.3g}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--groups", type=int, default=10)
    parser.add_argument("--resamples", type=int, default=1000)
    parser.add_argument("--fairlearn-rows", type=int, default=1_000_000, help="0: skip fairlearn")
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()

    y_true, y_pred, groups = make_data(args.rows, args.groups)
    time_fairlm(y_true, y_pred, groups, 0, 0, 1)  # warm-up: page in the arrays
    b = args.resamples
    t_counts = time_fairlm(y_true, y_pred, groups, 0, 0, args.repeats)
    gm_counts = GroupMetrics(y_true, y_pred, sensitive_features=groups, n_bootstrap=0)
    t_boot = time_fairlm(y_true, y_pred, groups, b, 0, args.repeats)
    t_full = time_fairlm(y_true, y_pred, groups, b, b, args.repeats)
    print(
        f"fairlm.metrics on {args.rows:,} rows, {args.groups} groups, 11 metrics "
        f"(best of {args.repeats} runs):"
    )
    _row("rows -> confusion counts + point values", t_counts)
    _row(f"rows -> counts + {b:,} bootstrap resamples + every CI", t_boot)
    counts = np.array(
        [[g.confusion[c] for c in ("tn", "fp", "fn", "tp")] for g in gm_counts.groups_info]
    ).astype(np.int64)
    _row(
        "  of which: bootstrap from counts alone (draws, metrics, CIs)",
        time_resampling_only(counts, b, args.repeats),
    )
    _row(f"rows -> counts + bootstraps + {b:,} permutations + every p-value", t_full)
    verdict = "met" if t_boot < 5 else "MISSED"
    print(f"  target: rows -> {b:,} bootstrap CIs in under 5 s: {verdict}")
    if args.fairlearn_rows:
        compare_with_fairlearn(
            y_true, y_pred, groups, min(args.fairlearn_rows, args.rows), args.rows, b
        )


if __name__ == "__main__":
    main()
