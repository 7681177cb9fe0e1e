"""The ``fairlm`` command line.

One thin module per subcommand, each with ``add_arguments(parser)`` and ``run(args) ->
int``. Flags are generated from the typed config of the workflow a command drives
(:mod:`fairlm.cli._flags`), and ``run`` hands that config to the library function
(:func:`fairlm.benchmarks.audit`, :func:`fairlm.mitigation.debias`,
:func:`fairlm.training.train`), so Python users and the command line call the same code.
The modules import nothing heavy at the top, so ``fairlm --help`` never imports torch.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from fairlm import __version__
from fairlm._config import ConfigError
from fairlm._io import not_utf8
from fairlm.errors import FairlmError

__all__ = ["COMMANDS", "build_parser", "main"]

# (name, module, one-line help), in the order ``fairlm --help`` lists them.
COMMANDS: list[tuple[str, str, str]] = [
    ("audit", "fairlm.cli.audit", "run bias benchmarks on a model (the main job)"),
    ("models", "fairlm.cli.models", "list the built-in models and whether each is available"),
    ("env", "fairlm.cli.env", "versions, CPU features and engine paths (for bug reports)"),
    ("score", "fairlm.cli.score", "score texts with a language model (JSONL out)"),
    ("generate", "fairlm.cli.generate", "generate text from a prompt"),
    ("metrics", "fairlm.cli.metrics", "group fairness metrics with confidence intervals"),
    ("data", "fairlm.cli.data", "list, locate, verify or download the benchmark data sets"),
    ("train", "fairlm.cli.train", "train or continue pre-training a GPT-2-style model"),
    ("data-audit", "fairlm.cli.data_audit", "audit a corpus for demographic skew"),
    ("augment", "fairlm.cli.augment", "swap demographic terms in texts (CDA)"),
    ("debias", "fairlm.cli.debias", "reduce bias by fine-tuning, audit before+after"),
    ("report", "fairlm.cli.report", "write a self-contained HTML fairness report from saved runs"),
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
    except ConfigError as exc:  # name the flag, not the field
        flag = "--" + exc.field.replace("_", "-")
        return _error(args.command, f"{flag} {exc.problem}")
    except FairlmError as exc:
        return _error(args.command, str(exc))
    except OSError as exc:  # a file or folder the user named: missing, read-only, disk full
        return _error(args.command, _os_error_text(exc))
    except UnicodeDecodeError as exc:  # a text file the user named, in another encoding
        where = f"offset {exc.start} of what was read"
        return _error(
            args.command,
            f"an input file: {not_utf8(exc, where)}; fairlm reads text as UTF-8: save the "
            "file as UTF-8",
        )
    except KeyboardInterrupt:
        print(f"fairlm {args.command}: interrupted", file=sys.stderr)
        return 130


def _error(command: str, message: str) -> int:
    """Print ``fairlm COMMAND: error: MESSAGE`` as one line (control characters, newlines
    included, shown as escapes) and return exit code 2."""
    from fairlm._text import terminal_text

    print(f"fairlm {command}: error: {terminal_text(message)}", file=sys.stderr)
    return 2


def _os_error_text(exc: OSError) -> str:
    """``/x/y: Permission denied`` from an ``OSError`` (its words, and the path if any)."""
    reason = exc.strerror or str(exc) or type(exc).__name__
    if exc.filename is not None:
        return f"{exc.filename}: {reason}"
    return reason


if __name__ == "__main__":
    sys.exit(main())
