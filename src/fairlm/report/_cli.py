"""Write one self-contained HTML fairness report from saved audit runs.

Reads results.json and samples_<benchmark>.jsonl from each RUN_DIR (never runs a model)
and writes an HTML file with no external resources, plus model_card.md next to it.
Give several run directories (for example before and after debiasing) to compare them
side by side. A JSON file written by `fairlm data-audit --output` may be given among
them (or alone): it is shown as a "Training data" section.
"""

from __future__ import annotations

import argparse
from pathlib import Path


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "run_dirs",
        nargs="+",
        metavar="RUN_DIR",
        help="directories written by 'fairlm audit', or data-audit JSON files written by "
        "'fairlm data-audit --output'",
    )
    parser.add_argument(
        "-o",
        "--output",
        default=None,
        help="HTML file to write (default: report.html in the last RUN_DIR)",
    )
    parser.add_argument("--title", default=None, help="page title (default: from the model names)")
    parser.add_argument(
        "--labels",
        default=None,
        help="comma-separated display names for the runs, one per RUN_DIR "
        "(default: the directory names)",
    )


def run(args: argparse.Namespace) -> int:
    from fairlm.errors import FairlmError
    from fairlm.report._data_audit import is_data_audit_file
    from fairlm.report._html import write_report

    dirs = [Path(p) for p in args.run_dirs]
    labels = None
    if args.labels:
        labels = [s.strip() for s in args.labels.split(",")]
        if len(labels) != len(dirs):
            raise FairlmError(
                f"--labels has {len(labels)} names for {len(dirs)} run directories or files; "
                "give one each"
            )
    base = dirs[-1] if dirs[-1].is_dir() else dirs[-1].parent
    output = Path(args.output) if args.output else base / "report.html"
    if output.exists() and output.is_dir():
        raise FairlmError(f"--output {output} is a directory; give a file name such as report.html")
    path = write_report(dirs, output, title=args.title, labels=labels)
    if all(is_data_audit_file(p) for p in dirs):
        print(f"wrote {path}")  # no audit run, so no model card
    else:
        print(f"wrote {path} and {path.parent / 'model_card.md'}")
    return 0
