"""Run bias benchmarks on a model: the project's main job.

Writes results.json (every figure with its confidence interval, the model, its hash,
benchmark versions, config and timings) and samples_<benchmark>.jsonl (one row per
example) to --output-dir (default: a new folder runs/<model>-<UTC date-time>), and prints a
summary table. A folder that holds another run's results is refused unless --overwrite;
a folder another audit is writing to is refused while it runs. Flags follow lm-evaluation-harness
where they can.
"""

from __future__ import annotations

import argparse
import sys

from fairlm._text import terminal_text
from fairlm.benchmarks._config import AuditConfig
from fairlm.cli._flags import add_options, config_from_args


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_options(parser, AuditConfig)


def run(args: argparse.Namespace) -> int:
    from fairlm.benchmarks import BENCHMARKS

    if list(args.benchmarks) == ["list"]:
        names = BENCHMARKS.names()
        width = max(map(len, names)) + 2
        for name in names:
            cls = BENCHMARKS.get(name)
            print(f"{name:<{width}}{cls.title}: {cls.description}")
        return 0
    from fairlm.benchmarks._audit import audit, format_summary

    config = config_from_args(AuditConfig, args)
    results = audit(config, log=lambda m: print(terminal_text(m), file=sys.stderr))
    if not results:  # a process other than the main one
        return 0
    out = config.output_path()
    print(format_summary(results))
    print(f"\nresults: {terminal_text(out / 'results.json')}")
    if config.report:
        print(f"report:  {terminal_text(out / 'report.html')}")
    return 0
