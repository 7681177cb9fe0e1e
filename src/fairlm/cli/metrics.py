"""Group fairness metrics, with confidence intervals and p-values, for a CSV file.

The file needs one row per example with a true label, a predicted label and one or more
group columns. Example:

  fairlm metrics preds.csv --y-true label --y-pred pred --group sex --reference m

Labels must be 0/1 unless --pos-label names the positive class (every other label is then
negative). Several --group columns give their intersections.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from fairlm._config import option
from fairlm.cli._flags import add_options, config_from_args

_MISSING = {"", "na", "nan", "null", "none", "n/a"}


def _count(text: str) -> int:
    """An integer >= 0, from the command line."""
    try:
        value = int(text)
    except ValueError:
        raise ValueError(f"{text!r} is not a whole number") from None
    if value < 0:
        raise ValueError(f"{text} is negative; pass 0 or more")
    return value


@dataclass(kw_only=True)
class MetricsOptions:
    file: str = option(positional=True, metavar="FILE.csv", help="CSV file with a header row")
    y_true: str = option(metavar="COL", help="column of true labels")
    y_pred: str = option(metavar="COL", help="column of predictions")
    group: list[str] = option(
        append=True,
        metavar="COL",
        help="sensitive-feature column; repeat for intersectional groups",
    )
    reference: str | None = option(None, metavar="GROUP", help="group to compare the others with")
    sample_weight: str | None = option(None, metavar="COL", help="column of non-negative weights")
    pos_label: str | None = option(
        None, metavar="L", help="label counted as positive (default: labels are 0/1)"
    )
    metrics: str | None = option(
        None,
        metavar="M,M,...",
        help="comma-separated metrics to report (default: all; e.g. selection_rate,tpr,fpr)",
    )
    bootstrap: int = option(
        1000,
        parse=_count,
        metavar="N",
        help="bootstrap resamples for CIs (0: none; default 1000)",
    )
    permutations: int = option(
        1000,
        parse=_count,
        metavar="N",
        help="label permutations for p-values (0: none; default 1000)",
    )
    seed: int = option(0, metavar="S", help="random seed (default 0)")
    confidence: float = option(0.95, help="CI confidence level (default 0.95)")
    ci_method: Literal["percentile", "basic"] = option(
        "percentile", help="bootstrap CI method (default percentile)"
    )
    min_group_size: int = option(
        1,
        parse=_count,
        metavar="N",
        help="groups with fewer rows are reported but not compared (default 1)",
    )
    json: str | None = option(None, metavar="OUT", help="also write all results as JSON to OUT")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    add_options(parser, MetricsOptions)


def _read_columns(path: Path, wanted: list[str]) -> tuple[dict[str, list[str]], list[int]]:
    """The wanted columns as lists of strings, and each data row's line number."""
    import csv

    from fairlm._registry import did_you_mean
    from fairlm.errors import DataError

    if not path.exists():
        raise DataError(f"{path}: no such file.")
    if path.is_dir():
        raise DataError(f"{path} is a directory; pass a CSV file.")
    delimiter = "\t" if path.suffix.lower() in {".tsv", ".tab"} else ","
    try:
        with path.open(newline="", encoding="utf-8-sig") as f:
            reader = csv.reader(f, delimiter=delimiter)
            header = next(reader, None)
            if header is None or not any(h.strip() for h in header):
                raise DataError(f"{path} is empty; expected a header row with column names.")
            header = [h.strip() for h in header]
            index = {}
            for col in wanted:
                if col not in header:
                    raise DataError(
                        f"Column {col!r} not found in {path}.{did_you_mean(col, header)}"
                        f" Columns: {', '.join(header)}."
                    )
                if header.count(col) > 1:
                    raise DataError(f"Column {col!r} appears more than once in {path}'s header.")
                index[col] = header.index(col)
            columns: dict[str, list[str]] = {col: [] for col in wanted}
            lines: list[int] = []
            for row in reader:
                if not row or (len(row) == 1 and not row[0].strip()):
                    continue  # blank line
                if len(row) != len(header):
                    raise DataError(
                        f"{path} line {reader.line_num} has {len(row)} fields but the header "
                        f"has {len(header)}."
                    )
                for col, j in index.items():
                    columns[col].append(row[j].strip())
                lines.append(reader.line_num)
    except UnicodeDecodeError as exc:
        raise DataError(f"{path} is not UTF-8 text ({exc.reason} at byte {exc.start}).") from None
    except csv.Error as exc:
        raise DataError(f"{path} is not a valid CSV file: {exc}.") from None
    if not lines:
        raise DataError(f"{path} has a header but no data rows.")
    for col, values in columns.items():
        bad = [i for i, v in enumerate(values) if v.lower() in _MISSING]
        if bad:
            raise DataError(
                f"Column {col!r} in {path} is empty or NA at line {lines[bad[0]]}"
                f"{f' (and {len(bad) - 1} more rows)' if len(bad) > 1 else ''}; "
                "drop or fill those rows."
            )
    return columns, lines


def _parse_labels(values: list[str]) -> list[Any]:
    """Integers if every value is one, else floats, else the strings as they are."""
    for kind in (int, float):
        try:
            return [kind(v) for v in values]
        except ValueError:
            continue
    return values


def _parse_pos_label(text: str, labels: list[Any]) -> Any:
    kind = type(labels[0])
    try:
        return kind(text) if kind in (int, float) else text
    except ValueError:
        return text


def _check_binary(path: Path, col: str, labels: list[Any]) -> None:
    from fairlm.errors import DataError

    seen = sorted({str(v) for v in labels})
    if not set(seen) <= {"0", "1", "0.0", "1.0"}:
        shown = ", ".join(repr(s) for s in seen[:8]) + (", ..." if len(seen) > 8 else "")
        raise DataError(
            f"Column {col!r} in {path} has labels outside {{0, 1}}: {shown}. Pass --pos-label "
            "LABEL to count one label as positive and every other label as negative."
        )


def run(args: argparse.Namespace) -> int:
    import warnings

    import numpy as np

    from fairlm.errors import DataError
    from fairlm.metrics import GroupMetrics

    opts = config_from_args(MetricsOptions, args)
    path = Path(opts.file)
    groups = list(dict.fromkeys(opts.group))
    wanted = list(dict.fromkeys([opts.y_true, opts.y_pred, *groups]))
    if opts.sample_weight:
        wanted.append(opts.sample_weight)
    columns, _ = _read_columns(path, wanted)

    y_true = _parse_labels(columns[opts.y_true])
    y_pred = _parse_labels(columns[opts.y_pred])
    pos_label = None
    if opts.pos_label is not None:
        pos_label = _parse_pos_label(opts.pos_label, y_true)
    else:
        _check_binary(path, opts.y_true, y_true)
        _check_binary(path, opts.y_pred, y_pred)
    weights = None
    if opts.sample_weight:
        try:
            weights = np.array([float(v) for v in columns[opts.sample_weight]])
        except ValueError as exc:
            raise DataError(
                f"Column {opts.sample_weight!r} in {path} must hold numbers: {exc}."
            ) from None

    metrics = None
    if opts.metrics:
        metrics = [m.strip() for m in opts.metrics.split(",") if m.strip()]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        gm = GroupMetrics(
            y_true,
            y_pred,
            sensitive_features={col: columns[col] for col in groups},
            sample_weight=weights,
            reference=opts.reference,
            pos_label=pos_label,
            metrics=metrics,
            min_group_size=opts.min_group_size,
            n_bootstrap=opts.bootstrap,
            n_permutations=opts.permutations,
            confidence=opts.confidence,
            ci_method=opts.ci_method,
            seed=opts.seed,
        )
        result = gm.to_dict()
        table = gm.to_table()
    for w in caught:
        print(f"fairlm metrics: warning: {w.message}", file=sys.stderr)
    print(f"{path}: y_true={opts.y_true}, y_pred={opts.y_pred}, groups={', '.join(groups)}")
    print(table, end="")
    if opts.json:
        from fairlm._io import atomic_write_json

        atomic_write_json(opts.json, {"file": str(path), **result})
        print(f"wrote {opts.json}", file=sys.stderr)
    return 0
