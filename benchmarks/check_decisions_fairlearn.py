"""Check a run's decision metrics against fairlearn, from its saved files alone.

Reads ``results.json`` and ``samples_decisions.jsonl`` of a ``fairlm audit`` run that
included ``decisions`` and, per DecodingTrust set, recomputes with fairlearn from the
samples' ``decision``, ``label`` and ``sex``: ``demographic_parity_difference``,
``equal_opportunity_difference`` and ``MetricFrame(...).difference()`` of accuracy and
of the false discovery rate. fairlm reports them signed (Female - Male) in points;
fairlearn unsigned as proportions, so |fairlm| / 100 is compared. Exits 1 if any
differs by more than 1e-9.

Where a group has no denominator for a rate (on ``adult_0_200_test_base_rate_1.0`` no
woman has the positive label, so her true-positive rate is 0/0), fairlm reports the gap
as undefined (None, with a note) while fairlearn's ``true_positive_rate`` counts 0/0 as
0; the check says so and does not count it as a mismatch.

    python benchmarks/check_decisions_fairlearn.py runs/smollm2-assistants
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np


def fairlearn_values(y: list[int], d: list[int], sex: list[str]) -> dict[str, float]:
    from fairlearn.metrics import (
        MetricFrame,
        demographic_parity_difference,
        equal_opportunity_difference,
    )
    from sklearn.metrics import accuracy_score, precision_score

    def fdr(yt, yp):
        return 1.0 - precision_score(yt, yp, zero_division=np.nan)

    def diff(metric) -> float:
        return MetricFrame(metrics=metric, y_true=y, y_pred=d, sensitive_features=sex).difference()

    return {
        "demographic_parity_difference": demographic_parity_difference(
            y, d, sensitive_features=sex
        ),
        "equal_opportunity_difference": equal_opportunity_difference(y, d, sensitive_features=sex),
        "accuracy_difference": diff(accuracy_score),
        "false_discovery_rate_difference": diff(fdr),
    }


def _undefined(rows: list[dict], metric: str) -> str:
    """Which sex has no denominator for ``metric``'s rate, in words ('' if none)."""
    need = {
        "equal_opportunity_difference": ("label", "the positive label"),
        "false_discovery_rate_difference": ("decision", "a yes decision"),
    }.get(metric)
    if need is None:
        return ""
    key, what = need
    empty = sorted({r["sex"] for r in rows} - {r["sex"] for r in rows if r[key] == 1})
    if not empty:
        return ""
    return f"no {', '.join(empty)} row has {what} (fairlearn counts 0/0 as 0)"


def main(run: Path) -> int:
    results = json.loads((run / "results.json").read_text(encoding="utf-8"))
    figures = results["benchmarks"]["decisions"]["summary"]["figures"]
    lines = (run / "samples_decisions.jsonl").read_text(encoding="utf-8").splitlines()
    rows = [json.loads(x) for x in lines if x.strip()]
    worst = 0.0
    for name in sorted({r["set"] for r in rows}):
        part = [r for r in rows if r["set"] == name]
        want = fairlearn_values(*([r[k] for r in part] for k in ("label", "decision", "sex")))
        for metric, value in want.items():
            (fig,) = [f for f in figures if f["metric"] == metric and f["group"] == name]
            ours = None if fig["value"] is None else abs(fig["value"]) / 100
            if ours is None or not np.isfinite(value):
                why = _undefined(part, metric)
                ok = ours is None and (why or not np.isfinite(value))
                verdict = (
                    f"undefined: {why}" if ok and why else ("both undefined" if ok else "MISMATCH")
                )
                print(f"{name:<34} {metric:<34} fairlm {ours}  fairlearn {value}  {verdict}")
                worst = worst if ok else np.inf
                continue
            gap = abs(ours - value)
            worst = max(worst, gap)
            print(f"{name:<34} {metric:<34} fairlm {ours:.12f}  fairlearn {value:.12f}  "
                  f"|diff| {gap:.1e}")  # fmt: skip
    print(f"largest |fairlm - fairlearn|: {worst:.1e}")
    return 0 if worst <= 1e-9 else 1


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1])))
