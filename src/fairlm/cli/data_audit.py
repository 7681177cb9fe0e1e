"""Audit a corpus for demographic representation and gendered co-occurrence.

Counts mentions of demographic terms per axis and group (gender from Zhao et al.'s word
lists; race, religion, age, ability and the other HolisticBias axes), and for each
occupation and adjective its co-occurrence with male and female terms within --window
words: counts, PMI and the female/male skew ratio. Prints tables; --output writes the
JSON report that `fairlm report` can show.
"""

from __future__ import annotations

import argparse

from fairlm.cli._flags import add_options, config_from_args
from fairlm.training._config import DataAuditConfig


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_options(parser, DataAuditConfig)


def run(args: argparse.Namespace) -> int:
    from fairlm._text import terminal_text
    from fairlm.training import data_audit

    config = config_from_args(DataAuditConfig, args)
    report, data = data_audit(config)
    print(terminal_text(report.to_markdown(top=config.top), keep_newlines=True))
    collect = data["collect"]
    if collect["files_skipped"]:
        first = collect["skipped"][0]
        skipped = f"e.g. {first['path']}: {first['reason']}"
        print(f"\n{collect['files_skipped']} file(s) skipped, {terminal_text(skipped)}")
    if config.output:
        print(f"\nwrote {config.output}")
    return 0
