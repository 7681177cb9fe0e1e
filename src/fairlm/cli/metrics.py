"""Group fairness metrics, with confidence intervals and p-values, for a CSV file.

The file needs one row per example with a true label, a predicted label and one or more
group columns. Example:

  fairlm metrics preds.csv --y-true label --y-pred pred --group sex --reference m

Labels must be 0/1 unless --pos-label names the positive class (every other label is then
negative). Several --group columns give their intersections. The file is streamed into
per-group counts, so its size does not matter (35 million rows: see docs/performance.md).
Control characters in group names are shown as escapes (\\n, \\x1b), in the table and the
JSON alike.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from fairlm._config import option
from fairlm.cli._flags import add_options, config_from_args


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
    seed: int = option(0, parse=_count, metavar="S", help="random seed, 0 or more (default 0)")
    confidence: float = option(0.95, help="CI confidence level (default 0.95)")
    ci_method: Literal["auto", "percentile", "basic"] = option(
        "auto",
        help="auto (default): the interval made for each figure (Wilson for rates, "
        "Newcombe for differences; docs/metrics.md); percentile or basic: bootstrap all",
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


def run(args: argparse.Namespace) -> int:
    import warnings

    from fairlm._io import check_writable
    from fairlm._text import terminal_text
    from fairlm.metrics._csv import group_metrics_from_csv

    opts = config_from_args(MetricsOptions, args)
    if opts.json:
        check_writable(opts.json, what="--json")  # before the work, not after
    path = Path(opts.file)
    groups = list(dict.fromkeys(opts.group))
    metrics = None
    if opts.metrics:
        metrics = [m.strip() for m in opts.metrics.split(",") if m.strip()]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        # streamed: memory depends on the number of groups, not of rows
        gm = group_metrics_from_csv(
            path,
            y_true=opts.y_true,
            y_pred=opts.y_pred,
            groups=groups,
            sample_weight=opts.sample_weight,
            pos_label=opts.pos_label,
            group_names=terminal_text,  # a newline or escape sequence in a group name
            reference=opts.reference,
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
        print(f"fairlm metrics: warning: {terminal_text(w.message)}", file=sys.stderr)
    columns = f"y_true={opts.y_true}, y_pred={opts.y_pred}, groups={', '.join(groups)}"
    print(terminal_text(f"{path}: {columns}"))
    print(table, end="")
    if opts.json:
        from fairlm._io import atomic_write_json

        atomic_write_json(opts.json, {"file": str(path), **result})
        print(f"wrote {terminal_text(opts.json)}", file=sys.stderr)
    return 0
