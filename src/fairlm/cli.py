"""The ``fairlm`` command line.

Thin by design: each subcommand lives next to the library code it drives, in a
``_cli.py`` module that exposes ``add_arguments(parser)`` and ``run(args) -> int``. Those
modules import nothing heavy at the top, so ``fairlm --help`` never imports torch.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from fairlm import __version__
from fairlm.errors import FairlmError

# (name, module, one-line help), in the order ``fairlm --help`` lists them.
COMMANDS: list[tuple[str, str, str]] = [
    ("audit", "fairlm.benchmarks._cli", "run bias benchmarks on a model (the main job)"),
    ("models", "fairlm.models._cli", "list the built-in models and whether each is available"),
    ("env", "fairlm.models._cli_env", "versions, CPU features and engine paths (for bug reports)"),
    ("score", "fairlm.models._cli_score", "score texts with a language model (JSONL out)"),
    ("generate", "fairlm.models._cli_generate", "generate text from a prompt"),
    ("metrics", "fairlm.metrics._cli", "group fairness metrics with confidence intervals"),
    ("data", "fairlm.data._cli", "list, locate, verify or download the benchmark data sets"),
    ("train", "fairlm.training._cli_train", "train or continue pre-training a GPT-2-style model"),
    ("data-audit", "fairlm.training._cli_data_audit", "audit a corpus for demographic skew"),
    ("augment", "fairlm.mitigation._cli_augment", "swap demographic terms in texts (CDA)"),
    ("debias", "fairlm.mitigation._cli_debias", "reduce bias by fine-tuning, audit before+after"),
    ("report", "fairlm.report._cli", "write a self-contained HTML fairness report from saved runs"),
]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="fairlm",
        description="Measure, mitigate and report social bias in language models.",
    )
    parser.add_argument("--version", action="version", version=f"fairlm {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, module_name, help_text in COMMANDS:
        module = importlib.import_module(module_name)
        p = sub.add_parser(name, help=help_text, description=module.__doc__)
        module.add_arguments(p)
        p.set_defaults(_run=module.run)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "_run", None):
        parser.print_help()
        return 2
    try:
        return int(args._run(args) or 0)
    except FairlmError as exc:
        print(f"fairlm {args.command}: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"fairlm {args.command}: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
