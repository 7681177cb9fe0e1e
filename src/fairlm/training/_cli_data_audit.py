"""Audit a corpus for demographic representation and gendered co-occurrence.

Counts mentions of demographic terms per axis and group (gender from Zhao et al.'s word
lists; race, religion, age, ability and the other HolisticBias axes), and for each
occupation and adjective its co-occurrence with male and female terms within --window
words: counts, PMI and the female/male skew ratio. Prints tables; --output writes the
JSON report that `fairlm report` can show.
"""

from __future__ import annotations

import argparse


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("corpus", nargs="+", help="text/JSONL/CSV files or folders")
    parser.add_argument("--text-column", default="text", help="JSONL field / CSV column")
    parser.add_argument("--glob", default="**/*", help="files to read inside a folder")
    parser.add_argument("--text-unit", default="paragraph", choices=("file", "paragraph", "line"))
    parser.add_argument("--window", type=int, default=10, help="context words on each side")
    parser.add_argument("--axes", default=None, help="comma-separated axes (default: all)")
    parser.add_argument("--occupations", default=None, help="file with one occupation a line")
    parser.add_argument("--adjectives", default=None, help="file with one adjective a line")
    parser.add_argument(
        "--clean",
        action="store_true",
        help="run the preprocessing steps (cleaning, de-duplication) first",
    )
    parser.add_argument("--top", type=int, default=10, help="rows per table")
    parser.add_argument("--output", default=None, help="write the JSON report here")
    parser.add_argument("--data-dir", default=None, help="fairlm data folder (word lists)")
    parser.add_argument("--no-progress", dest="progress", action="store_false")


def run(args: argparse.Namespace) -> int:
    from pathlib import Path

    from fairlm._io import atomic_write_json
    from fairlm.training._collect import CollectStats, iter_corpus
    from fairlm.training._data_audit import audit_corpus, default_term_lists

    def words(path: str | None) -> list[str] | None:
        if path is None:
            return None
        text = Path(path).read_text(encoding="utf-8")
        return [w.strip() for w in text.splitlines() if w.strip()]

    terms = default_term_lists(
        args.data_dir,
        axes=args.axes.split(",") if args.axes else None,
        occupations=words(args.occupations),
        adjectives=words(args.adjectives),
    )
    stats = CollectStats()
    docs = iter_corpus(
        args.corpus,
        text_column=args.text_column,
        glob=args.glob,
        text_unit=args.text_unit,
        stats=stats,
    )
    pre = None
    if args.clean:
        from fairlm.training._preprocess import Preprocessor

        pre = Preprocessor()
        docs = pre(docs)
    report = audit_corpus(
        docs, terms, window=args.window, top_terms=args.top, progress=args.progress
    )
    print(report.to_markdown(top=args.top))
    if stats.files_skipped:
        print(
            f"\n{stats.files_skipped} file(s) skipped, e.g. {stats.skipped[0]['path']}: "
            f"{stats.skipped[0]['reason']}"
        )
    if args.output:
        data = report.to_dict()
        data["collect"] = stats.to_dict()
        if pre is not None:
            data["preprocess"] = pre.report()
        atomic_write_json(args.output, data)
        print(f"\nwrote {args.output}")
    return 0
