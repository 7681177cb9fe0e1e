"""Print this installation's facts: versions, CPU features, the engine's path per dtype,
CUDA devices, data and model folders. Paste the output into a bug report."""

from __future__ import annotations

import argparse
import json
from dataclasses import dataclass

from fairlm._config import option
from fairlm.cli._flags import add_options


@dataclass
class EnvOptions:
    json: bool = option(False, help="print JSON instead of text")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_options(parser, EnvOptions)


def run(args: argparse.Namespace) -> int:
    from fairlm._environment import environment, format_environment

    env = environment()
    print(json.dumps(env, indent=2) if args.json else format_environment(env))
    return 0
