"""One process vs several: wall time of the same `fairlm audit` run both ways.

    python benchmarks/audit_scale.py                       # full CrowS-Pairs, smollm2-135m
    python benchmarks/audit_scale.py --benchmarks crows_pairs,winobias --limit 300

Runs ``fairlm audit`` once as a single process (with the chunks of examples a
multi-process run makes: one per process), then under ``accelerate launch
--multi_gpu --num_processes N`` (on a machine without GPUs the processes share the CPU
cores and talk over gloo), checks that both wrote exactly the same figures and samples,
and prints the wall times, their ratio and the peak resident memory of the largest
process. Run it on an otherwise idle machine.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import sys
import tempfile
from pathlib import Path

from _measure import run_timed  # benchmarks/_measure.py


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--model", default="smollm2-135m")
    ap.add_argument("--benchmarks", default="crows_pairs")
    ap.add_argument("--limit", type=int, default=None)
    ap.add_argument("--dtype", default="float32")
    ap.add_argument("--processes", type=int, default=2)
    ap.add_argument("--keep", action="store_true", help="keep the two output folders")
    args = ap.parse_args()

    # Both runs use the chunks the multi-process run gets by default (one per process),
    # so that they batch the same work and their samples can be compared byte for byte.
    from fairlm.benchmarks._audit import build_benchmarks, default_chunk_size

    benches = build_benchmarks(args.benchmarks.split(","), limit=args.limit)
    chunk = min(default_chunk_size(b, len(b.examples()), args.processes) for b in benches)

    work = Path(tempfile.mkdtemp(prefix="fairlm-scale-"))
    common = [
        "audit",
        "--model",
        args.model,
        "--benchmarks",
        args.benchmarks,
        "--dtype",
        args.dtype,
        "--no-report",
        "--quiet",
        "--checkpoint-every",
        str(chunk),
    ]
    if args.limit:
        common += ["--limit", str(args.limit)]
    env = dict(os.environ, FAIRLM_NO_PROGRESS="1")
    env.pop("OMP_NUM_THREADS", None)

    one = work / "one"
    # warm-up: converts the model into the cache and fills the page cache
    run_timed(
        [
            sys.executable,
            "-m",
            "fairlm",
            *common,
            "--limit",
            "4",
            "--output-dir",
            str(work / "warm"),
        ],
        env,
    )
    single = [sys.executable, "-m", "fairlm", *common, "--output-dir", str(one)]
    wall_1, rss_1, _ = run_timed(single, env)

    many = work / "many"
    launch = [
        sys.executable,
        "-m",
        "accelerate.commands.launch",
        "--multi_gpu",
        "--num_processes",
        str(args.processes),
        "--main_process_port",
        str(_free_port()),
        "-m",
        "fairlm",
        *common,
        "--output-dir",
        str(many),
    ]
    wall_n, rss_n, _ = run_timed(launch, env)

    a = json.loads((one / "results.json").read_text())
    b = json.loads((many / "results.json").read_text())
    same = all(
        a["benchmarks"][k]["summary"] == b["benchmarks"][k]["summary"]
        and (one / f"samples_{k}.jsonl").read_bytes() == (many / f"samples_{k}.jsonl").read_bytes()
        for k in a["benchmarks"]
    )
    n = sum(x["n_examples"] for x in a["benchmarks"].values())
    print(
        f"model {args.model} ({args.dtype}), benchmarks {args.benchmarks}, {n} examples, "
        f"{os.cpu_count()} cores"
    )
    print(f"1 process:           {wall_1:7.1f} s wall, peak RSS {rss_1:.2f} GiB")
    print(
        f"{args.processes} processes (gloo): {wall_n:7.1f} s wall, "
        f"peak RSS of the largest process {rss_n:.2f} GiB"
    )
    print(f"speed-up 1 -> {args.processes}: {wall_1 / wall_n:.2f}x")
    print(f"identical figures and samples: {same}")
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)
    else:
        print(f"outputs kept in {work}")
    if not same:
        sys.exit(1)


if __name__ == "__main__":
    main()
