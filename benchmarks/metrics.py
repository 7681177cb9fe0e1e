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

Streaming (``fairlm metrics`` on a CSV file): writes a CSV of --stream-rows rows (default
35 million: y_true, y_pred and one of 10 groups, about 0.3 GB) to /tmp, runs
``fairlm metrics`` on it as a subprocess with its defaults (1,000 bootstrap resamples and
1,000 permutations) and reports its wall time and peak resident memory (from
``resource.getrusage(RUSAGE_CHILDREN)``), with the load average before and after.

    .venv/bin/python benchmarks/metrics.py --stream-only [--stream-rows 35000000]
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import time
import warnings
from pathlib import Path

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


def write_csv(path: Path, n: int, n_groups: int = 10, chunk: int = 1 << 20) -> int:
    """A CSV of ``n`` rows (y_true, y_pred, group) like :func:`make_data`'s; its size."""
    # every row is one of 2 x 2 x n_groups lines: index a table of them
    table = np.array(
        [f"{t},{p},g{g}\n" for g in range(n_groups) for t in (0, 1) for p in (0, 1)], dtype=object
    )
    with path.open("w", encoding="utf-8") as f:
        f.write("y_true,y_pred,group\n")
        for start in range(0, n, chunk):
            y_true, y_pred, groups = make_data(min(chunk, n - start), n_groups, seed=start)
            f.write("".join(table[groups * 4 + y_true * 2 + y_pred]))
    return path.stat().st_size


def time_streaming(rows: int) -> None:
    """``fairlm metrics`` on a CSV of ``rows`` rows, as a subprocess: wall time, peak RSS."""
    path = Path("/tmp") / f"fairlm-metrics-{rows}.csv"
    t0 = time.perf_counter()
    size = write_csv(path, rows)
    print(f"\nfairlm metrics streaming a CSV file ({rows:,} rows, {size / 1e6:,.0f} MB):")
    _row("writing the file (not part of the measurement)", time.perf_counter() - t0)
    cmd = [sys.executable, "-m", "fairlm", "metrics", str(path)]
    cmd += ["--y-true", "y_true", "--y-pred", "y_pred", "--group", "group"]
    load_before = os.getloadavg()
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True)
    seconds = time.perf_counter() - t0
    load_after = os.getloadavg()
    if proc.returncode != 0:
        raise SystemExit(f"fairlm metrics failed: {proc.stderr}")
    peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024  # KiB on Linux
    print(f"  command: fairlm {' '.join(cmd[3:])}")
    _row("wall time (1,000 bootstrap resamples + 1,000 permutations)", seconds)
    ratio = peak_mb * 2**20 / size
    print(f"  {'peak resident memory (MiB)':<66}{peak_mb:>10,.0f}    ({ratio:.2f}x the file)")
    print(f"  {'rows per second':<66}{rows / seconds:>10,.0f}")
    print(
        f"  load average (1, 5, 15 min) before: {', '.join(f'{x:.2f}' for x in load_before)}; "
        f"after: {', '.join(f'{x:.2f}' for x in load_after)}"
    )
    verdict = "met" if peak_mb < 500 and seconds < 60 else "MISSED"
    print(f"  target: under 500 MB and under 60 s: {verdict}")
    path.unlink()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--groups", type=int, default=10)
    parser.add_argument("--resamples", type=int, default=1000)
    parser.add_argument("--fairlearn-rows", type=int, default=1_000_000, help="0: skip fairlearn")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument(
        "--stream-rows", type=int, default=35_000_000, help="rows of the streamed CSV (0: skip)"
    )
    parser.add_argument("--stream-only", action="store_true", help="only the streaming part")
    args = parser.parse_args()
    if args.stream_only:
        time_streaming(args.stream_rows)
        return

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
    if args.stream_rows:
        del y_true, y_pred, groups  # the subprocess's memory is the one measured
        time_streaming(args.stream_rows)


if __name__ == "__main__":
    main()
