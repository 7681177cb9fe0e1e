"""Run bias benchmarks on a model: the project's main job.

Writes results.json (every figure with its confidence interval, the model, its hash,
benchmark versions, config and timings) and samples_<benchmark>.jsonl (one row per
example) to --output-dir, and prints a summary table. Flags follow lm-evaluation-harness
where they can.
"""

from __future__ import annotations

import argparse
import sys

from fairlm.models._cli_common import add_model_arguments, model_from_args


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--benchmarks",
        "--tasks",
        dest="benchmarks",
        default="all",
        help="comma-separated benchmark names, or 'all' (default); 'list' lists them",
    )
    parser.add_argument(
        "--limit",
        type=int,
        default=None,
        help="score at most N examples per benchmark (a seeded sample)",
    )
    parser.add_argument("--seed", type=int, default=0, help="seed for sampling and bootstrap")
    parser.add_argument(
        "--bootstrap",
        type=int,
        default=1000,
        help="bootstrap resamples for confidence intervals (default 1000)",
    )
    parser.add_argument("--confidence", type=float, default=0.95)
    parser.add_argument(
        "--protocol",
        default=None,
        help="sentence scoring protocol for crows_pairs, stereoset and winobias: "
        "bias-bench or lm-eval (default: each benchmark's own, bias-bench)",
    )
    parser.add_argument(
        "--data-dir",
        default=None,
        help="benchmark data folder (default: $FAIRLM_DATA_DIR, then the cache)",
    )
    parser.add_argument(
        "--output-dir",
        "--output-path",
        dest="output_dir",
        default=None,
        help="where to write results (default: runs/<model>)",
    )
    parser.add_argument("--quiet", action="store_true", help="no progress bars")
    add_model_arguments(parser)


def _names(spec: str) -> list[str]:
    from fairlm.benchmarks import BENCHMARKS

    if spec == "all":
        return BENCHMARKS.names()
    names = [s.strip() for s in spec.split(",") if s.strip()]
    for n in names:
        BENCHMARKS.get(n)  # raises with a did-you-mean hint
    return names


def run(args: argparse.Namespace) -> int:
    from pathlib import Path

    from fairlm.benchmarks import BENCHMARKS
    from fairlm.benchmarks._audit import build_benchmarks, format_summary, run_audit
    from fairlm.errors import FairlmError

    if args.benchmarks == "list":
        for name in BENCHMARKS.names():
            cls = BENCHMARKS.get(name)
            print(f"{name:<16}{cls.title}: {cls.description}")
        return 0
    if args.limit is not None and args.limit < 1:
        raise FairlmError("--limit must be at least 1")
    names = _names(args.benchmarks)
    options = dict(
        data_dir=args.data_dir,
        limit=args.limit,
        seed=args.seed,
        n_bootstrap=args.bootstrap,
        confidence=args.confidence,
    )
    if args.protocol is not None:
        options["protocol"] = args.protocol
    benches = build_benchmarks(names, **options)
    for b in benches:  # fail on missing data before loading the model
        b.examples()
    out = Path(args.output_dir or Path("runs") / Path(str(args.model)).name)
    print(f"loading {args.model} ({args.dtype})", file=sys.stderr)
    lm = model_from_args(args)
    results = run_audit(
        lm,
        benches,
        output_dir=out,
        progress=not args.quiet,
        log=lambda m: print(m, file=sys.stderr),
        extra_config={
            "benchmarks": names,
            "limit": args.limit,
            "seed": args.seed,
            "bootstrap": args.bootstrap,
            "confidence": args.confidence,
            "dtype": args.dtype,
            "protocol": args.protocol,
        },
    )
    print(format_summary(results))
    print(f"\nresults: {out / 'results.json'}")
    return 0
