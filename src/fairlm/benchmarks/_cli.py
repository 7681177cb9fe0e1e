"""Run bias benchmarks on a model: the project's main job.

Writes results.json (every figure with its confidence interval, the model, its hash,
benchmark versions, config and timings) and samples_<benchmark>.jsonl (one row per
example) to --output-dir, and prints a summary table. Flags follow lm-evaluation-harness
where they can.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

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
    parser.add_argument(
        "--benchmark-arg",
        "--task-arg",
        dest="benchmark_args",
        action="append",
        default=[],
        metavar="NAME.KEY=VALUE",
        help="an option of one benchmark, e.g. bbq.categories=Age,Religion, "
        "winobias.split=test, holistic_bias.limit=400 (repeatable; values are JSON or text)",
    )
    parser.add_argument(
        "--checkpoint-every",
        type=int,
        default=None,
        metavar="N",
        help="save scored examples durably every N examples (default: 2048, BOLD 32); "
        "a re-run of a killed audit resumes from there",
    )
    parser.add_argument(
        "--no-resume",
        action="store_true",
        help="score everything again even if an interrupted run left results in --output-dir",
    )
    parser.add_argument(
        "--no-report",
        action="store_true",
        help="do not write report.html (the HTML fairness report) next to results.json",
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


def parse_benchmark_args(specs: list[str], names: list[str]) -> dict[str, dict[str, Any]]:
    """``["bbq.categories=Age,Religion"]`` -> ``{"bbq": {"categories": ["Age", "Religion"]}}``.

    A value is read as JSON when it parses (numbers, true/false, lists), otherwise as
    text, and text with commas as a list of strings. Keys are checked against the
    benchmark's constructor, with a did-you-mean hint.
    """
    import inspect
    import json

    from fairlm._registry import unknown_name_message
    from fairlm.benchmarks import BENCHMARKS
    from fairlm.benchmarks._base import Benchmark
    from fairlm.errors import FairlmError

    out: dict[str, dict[str, Any]] = {}
    for spec in specs:
        target, eq, value = spec.partition("=")
        bench, dot, key = target.strip().partition(".")
        if not eq or not dot or not bench or not key:
            raise FairlmError(f"--benchmark-arg {spec!r}: expected NAME.KEY=VALUE")
        cls = BENCHMARKS.get(bench)
        if bench not in names:
            raise FairlmError(f"--benchmark-arg {spec!r}: {bench} is not among --benchmarks")
        # the benchmark's own options, and the shared ones it may override (a --limit of
        # its own, say), but not the data folder, which --data-dir sets for all
        shared = [p for p in inspect.signature(Benchmark.__init__).parameters if p != "self"]
        known = [
            p
            for p in (*inspect.signature(cls.__init__).parameters, *shared)
            if p not in ("self", "args", "kwargs", "data_dir")
        ]
        known = list(dict.fromkeys(known))
        if key not in known:
            raise FairlmError(unknown_name_message(f"option of {bench}", key, known or ["(none)"]))
        try:
            parsed: Any = json.loads(value)
        except json.JSONDecodeError:
            parsed = [v.strip() for v in value.split(",")] if "," in value else value
        out.setdefault(bench, {})[key] = parsed
    return out


def run(args: argparse.Namespace) -> int:
    from pathlib import Path

    from fairlm.benchmarks import BENCHMARKS
    from fairlm.benchmarks._audit import build_benchmarks, format_summary, run_audit
    from fairlm.benchmarks._workers import workers_from_env
    from fairlm.errors import FairlmError

    if args.benchmarks == "list":
        for name in BENCHMARKS.names():
            cls = BENCHMARKS.get(name)
            print(f"{name:<16}{cls.title}: {cls.description}")
        return 0
    if args.limit is not None and args.limit < 1:
        raise FairlmError("--limit must be at least 1")
    if args.checkpoint_every is not None and args.checkpoint_every < 1:
        raise FairlmError("--checkpoint-every must be at least 1")
    names = _names(args.benchmarks)
    per_benchmark = parse_benchmark_args(args.benchmark_args, names)
    options = dict(
        data_dir=args.data_dir,
        limit=args.limit,
        seed=args.seed,
        n_bootstrap=args.bootstrap,
        confidence=args.confidence,
    )
    if args.protocol is not None:
        options["protocol"] = args.protocol
    benches = build_benchmarks(names, per_benchmark=per_benchmark, **options)
    for b in benches:  # fail on missing data before loading the model
        b.examples()
    out = Path(args.output_dir or Path("runs") / Path(str(args.model)).name)
    workers = workers_from_env()
    if workers.world > 1 and args.device is None and workers.device.type != "cpu":
        args.device = str(workers.device)  # one GPU per process
    if workers.is_main:
        print(f"loading {args.model} ({args.dtype})", file=sys.stderr)
    lm = model_from_args(args)
    results = run_audit(
        lm,
        benches,
        output_dir=out,
        progress=not args.quiet,
        log=lambda m: print(m, file=sys.stderr),
        chunk_size=args.checkpoint_every,
        resume=not args.no_resume,
        workers=workers,
        extra_config={
            "benchmarks": names,
            "limit": args.limit,
            "seed": args.seed,
            "bootstrap": args.bootstrap,
            "confidence": args.confidence,
            "dtype": args.dtype,
            "protocol": args.protocol,
            "benchmark_args": per_benchmark,
        },
    )
    if not workers.is_main:
        return 0
    print(format_summary(results))
    print(f"\nresults: {out / 'results.json'}")
    if not args.no_report:
        from fairlm.report import write_report

        print(f"report:  {write_report([out], out / 'report.html')}")
    return 0
