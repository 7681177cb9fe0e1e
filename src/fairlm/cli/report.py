"""Write one self-contained HTML fairness report from saved audit runs.

Reads results.json and samples_<benchmark>.jsonl from each RUN_DIR (never runs a model)
and writes an HTML file with no external resources, plus model_card.md next to it
(model_card.new.md instead when you have edited model_card.md: your edits are kept).
Give several run directories (for example before and after debiasing) to compare them
side by side. A JSON file written by `fairlm data-audit --output` may be given among
them (or alone): it is shown as a "Training data" section.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from pathlib import Path

from fairlm._config import option
from fairlm.cli._flags import add_options, config_from_args


@dataclass(kw_only=True)
class ReportOptions:
    run_dirs: list[str] = option(
        positional=True,
        nargs="+",
        metavar="RUN_DIR",
        help="directories written by 'fairlm audit', or data-audit JSON files written by "
        "'fairlm data-audit --output'",
    )
    output: str | None = option(
        None,
        aliases=("-o",),
        help="HTML file to write (default: report.html in the last RUN_DIR)",
    )
    title: str | None = option(None, help="page title (default: from the model names)")
    labels: str | None = option(
        None,
        help="comma-separated display names for the runs, one per RUN_DIR "
        "(default: the directory names)",
    )


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_options(parser, ReportOptions)


def run(args: argparse.Namespace) -> int:
    from fairlm._io import check_writable, owned_target
    from fairlm._text import terminal_text
    from fairlm.errors import FairlmError
    from fairlm.report import write_report
    from fairlm.report._data_audit import is_data_audit_file

    opts = config_from_args(ReportOptions, args)
    dirs = [Path(p) for p in opts.run_dirs]
    labels = None
    if opts.labels:
        labels = [s.strip() for s in opts.labels.split(",")]
        if len(labels) != len(dirs):
            raise FairlmError(
                f"--labels has {len(labels)} names for {len(dirs)} run directories or files; "
                "give one each"
            )
    base = dirs[-1] if dirs[-1].is_dir() else dirs[-1].parent
    output = Path(opts.output) if opts.output else base / "report.html"
    if output.is_dir():
        raise FairlmError(f"--output {output} is a folder; give a file name such as report.html")
    check_writable(output, what="--output")
    card = owned_target(output.parent / "model_card.md")
    path = write_report(dirs, output, title=opts.title, labels=labels)
    if all(is_data_audit_file(p) for p in dirs):
        print(f"wrote {terminal_text(path)}")  # no audit run, so no model card
    else:
        print(f"wrote {terminal_text(path)} and {terminal_text(card)}")
    return 0
