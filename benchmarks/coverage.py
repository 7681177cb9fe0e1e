"""Coverage of fairlm's 95% intervals by simulation, with more replications than the tests.

Runs every case of :data:`fairlm.metrics._coverage.CASES` plus larger and more
unbalanced ones, and prints the share of simulated data sets whose interval holds the
known truth, with its Monte Carlo standard error. docs/metrics.md gives the table.

    python benchmarks/coverage.py [--replications 20000]
"""

from __future__ import annotations

import argparse
import math
import time

from fairlm.metrics._coverage import CASES, Case, coverage

EXTRA = (
    Case("proportion", (3,)),
    Case("proportion", (1000,)),
    Case("mean", (3,), dist="t3"),
    Case("proportion_difference", (1, 50)),
    Case("gap", (3, 3, 3, 3), (0.5, 0.5, 0.5, 0.5)),
    Case("gap", (2, 10, 50, 250), (0.3, 0.3, 0.3, 0.3)),
    Case("gap", (40, 40, 40), (0.2, 0.5, 0.8)),
    Case("gap_mean", (30, 30, 30, 30), (0.0, 0.0, 0.0, 0.0)),
    Case("effect_size", (8, 8), (2.0,)),
)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--replications", type=int, default=20000)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    print(f"{'case':<78} {'coverage':>8} {'+-se':>6} {'s':>5}")
    for case in (*CASES, *EXTRA):
        reps = args.replications // (5 if case.kind.startswith("gap") else 1)
        start = time.perf_counter()
        c = coverage(case, reps, seed=args.seed)
        se = math.sqrt(c * (1 - c) / reps)
        print(f"{case.label():<78} {c:8.4f} {se:6.4f} {time.perf_counter() - start:5.1f}")


if __name__ == "__main__":
    main()
