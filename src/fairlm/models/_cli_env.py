"""Print this installation's facts: versions, CPU features, the engine's path per dtype,
CUDA devices, data and model folders. Paste the output into a bug report."""

from __future__ import annotations

import argparse
import json


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help="print JSON instead of text")


def run(args: argparse.Namespace) -> int:
    from fairlm._environment import environment, format_environment

    env = environment()
    print(json.dumps(env, indent=2) if args.json else format_environment(env))
    return 0
