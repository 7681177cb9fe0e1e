"""The engine's paths side by side: full CrowS-Pairs verdicts and time, per path.

Scores the 1,508 CrowS-Pairs pairs (bias-bench protocol, the benchmark's default) with
the default model along each path this machine can take, each in its own process so
that oneDNN's CPU dispatch can be limited per path:

* ``float32``: the reference verdicts;
* ``float32-portable``: ``FAIRLM_ENGINE=portable`` (plain torch ops);
* ``bfloat16``: whatever the probe allows here (oneDNN bfloat16 products where the CPU
  has them);
* ``bfloat16-no-bf16``: oneDNN limited to AVX2 (``ONEDNN_MAX_CPU_ISA=AVX2``), as on a
  CPU without AVX-512: the fallback, bfloat16 weights with float32 products;
* ``bfloat16-portable``: ``FAIRLM_ENGINE=portable``.

Prints, per path, the scoring time, the share of verdicts equal to float32's, the
median and largest change of a pair's score difference, the near-tie count and the
engine record. Not a test: run it on an otherwise idle machine.

    python benchmarks/engine_paths.py [--model smollm2-135m] [--paths float32,bfloat16]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

PATHS = {
    "float32": ("float32", {}),
    "float32-portable": ("float32", {"FAIRLM_ENGINE": "portable"}),
    "bfloat16": ("bfloat16", {}),
    "bfloat16-no-bf16": ("bfloat16", {"ONEDNN_MAX_CPU_ISA": "AVX2"}),
    "bfloat16-portable": ("bfloat16", {"FAIRLM_ENGINE": "portable"}),
}


def score_one(model: str, dtype: str, out: str) -> None:
    """In a child process: score the full set and write diffs, time and engine."""
    import numpy as np

    from fairlm.benchmarks import get_benchmark
    from fairlm.models import load_model

    lm = load_model(model, dtype=dtype)
    bench = get_benchmark("crows_pairs")()
    examples = bench.examples()
    bench.score(lm, examples[:20], progress=False)  # warm-up: weights, caches
    start = time.perf_counter()
    rows = bench.score(lm, examples, progress=False)
    seconds = time.perf_counter() - start
    diffs = np.array([r["score_diff"] for r in rows])
    with open(out, "w", encoding="utf-8") as f:
        json.dump(
            {
                "seconds": seconds,
                "diffs": diffs.tolist(),
                "near_ties": bench.near_ties(rows),
                "engine": lm.describe()["engine"],
            },
            f,
        )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", default="smollm2-135m")
    ap.add_argument("--paths", default=",".join(PATHS), help="comma-separated, float32 first")
    ap.add_argument("--child", nargs=2, metavar=("DTYPE", "OUT"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        score_one(args.model, *args.child)
        return
    import numpy as np
    from _measure import machine  # benchmarks/_measure.py

    print(f"machine: {machine()}")
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        for name in args.paths.split(","):
            dtype, extra = PATHS[name]
            out = os.path.join(tmp, f"{name}.json")
            child_env = {**os.environ, **extra}
            cmd = [sys.executable, __file__, "--model", args.model, "--child", dtype, out]
            subprocess.run(cmd, env=child_env, check=True)
            with open(out, encoding="utf-8") as f:
                results[name] = json.load(f)
    ref = np.array(results[next(iter(results))]["diffs"])
    print(f"\n{'path':<20} {'scoring s':>9} {'agree':>8} {'median |d|':>10} {'max |d|':>8} ties")
    for name, r in results.items():
        d = np.array(r["diffs"])
        agree = np.mean((d > 0) == (ref > 0))
        moved = np.abs(d - ref)
        ties = r["near_ties"]["count"]
        print(
            f"{name:<20} {r['seconds']:9.1f} {100 * agree:7.2f}% {np.median(moved):10.2e} "
            f"{moved.max():8.2e} {ties}"
        )
    for name, r in results.items():
        e = r["engine"]
        print(f"\n{name}: products {e['products']}; vocabulary {e['vocabulary_projection']}")
        for f in e["fallbacks"]:
            print(f"  fallback: {f}")


if __name__ == "__main__":
    main()
