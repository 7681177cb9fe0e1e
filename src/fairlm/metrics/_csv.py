"""Group metrics from a CSV file of any size: streamed into per-group confusion counts.

Every metric, interval and p-value of :class:`~fairlm.metrics.GroupMetrics` is a function
of the ``(group, y_true, y_pred)`` counts, so the file is read in chunks of rows and only
the counts are kept: memory depends on the number of distinct (group, label, prediction)
combinations, not on the number of rows. The standard library's C ``csv`` reader and
``collections.Counter`` do the per-row work, so no row is touched by Python code in the
common case (about 2.5 s per 5 million rows on a 2-core CPU; see ``benchmarks/metrics.py``).

Errors a file can have (a missing column, a row with the wrong number of fields, an
empty or NA cell, labels that are not 0/1) are found while streaming; the file is then
read a second time to name the first offending line, so that the message is exact.
"""

from __future__ import annotations

import csv
import math
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from itertools import islice
from operator import itemgetter
from pathlib import Path
from typing import Any

import numpy as np

from fairlm._io import not_utf8
from fairlm._registry import did_you_mean
from fairlm.errors import DataError
from fairlm.metrics._errors import MetricsError

__all__ = ["CsvCounts", "group_metrics_from_csv", "read_csv_counts"]

MISSING = frozenset({"", "na", "nan", "null", "none", "n/a"})
CHUNK_ROWS = 1 << 16
# more distinct (group, label, prediction) combinations than this are not class labels
MAX_KEYS = 200_000


@dataclass(frozen=True)
class CsvCounts:
    """A CSV file's per-group confusion counts (the input of ``GroupMetrics.from_counts``).

    ``levels[g]`` is group g's ``{column: value}``, groups sorted by value as the row
    constructor sorts them; ``rows`` is ``(G, 4)`` row counts (tn, fp, fn, tp);
    ``weight_sums`` and ``weight_sq_sums`` the sums of the weights and of their
    squares per cell (None without a weight column); ``pos_label`` the positive label as
    parsed (None: labels were 0/1).
    """

    features: list[str]
    levels: list[dict[str, str]]
    rows: np.ndarray
    weight_sums: np.ndarray | None
    weight_sq_sums: np.ndarray | None
    equal_weights: bool
    pos_label: Any
    n_rows: int


def group_metrics_from_csv(
    path: str | Path,
    *,
    y_true: str,
    y_pred: str,
    groups: Sequence[str],
    sample_weight: str | None = None,
    pos_label: str | None = None,
    group_names: Callable[[str], str] | None = None,
    **options: Any,
) -> Any:
    """:class:`GroupMetrics` of a CSV file, streamed (see :func:`read_csv_counts`).

    ``group_names`` maps each group column's value to the name it is reported under
    (``fairlm metrics`` shows control characters as escapes); two values mapped to one
    name are refused. ``options`` are ``GroupMetrics``'s (reference, metrics, bootstrap
    and permutation counts, ...).

    >>> gm = group_metrics_from_csv("preds.csv", y_true="label", y_pred="pred",
    ...                             groups=["sex"], reference="m")  # doctest: +SKIP
    """
    from fairlm.metrics._group_metrics import GroupMetrics

    counts = read_csv_counts(
        path,
        y_true=y_true,
        y_pred=y_pred,
        groups=groups,
        sample_weight=sample_weight,
        pos_label=pos_label,
    )
    levels = counts.levels
    if group_names is not None:
        levels = [{k: group_names(v) for k, v in lv.items()} for lv in levels]
        renamed = [tuple(lv.values()) for lv in levels]
        if len(set(renamed)) != len(renamed):
            clash = next(r for r in renamed if renamed.count(r) > 1)
            raise DataError(
                f"{path}: distinct group values are shown as the same name {' & '.join(clash)!r} "
                "(they differ only in control characters); clean the group column"
            )
    return GroupMetrics.from_counts(
        counts.rows,
        groups=levels,
        features=counts.features,
        weight_sums=counts.weight_sums,
        weight_sq_sums=counts.weight_sq_sums,
        equal_weights=counts.equal_weights,
        pos_label=counts.pos_label,
        **options,
    )


def read_csv_counts(
    path: str | Path,
    *,
    y_true: str,
    y_pred: str,
    groups: Sequence[str],
    sample_weight: str | None = None,
    pos_label: str | None = None,
    chunk_rows: int = CHUNK_ROWS,
) -> CsvCounts:
    """Stream a CSV (``.tsv``/``.tab``: tab-separated) file into per-group counts.

    Cells are stripped of surrounding spaces; blank lines are skipped. Labels must be
    0/1 (or 0.0/1.0) unless ``pos_label`` names the positive class, every other label
    then being negative; a column whose every label is a whole number is compared as
    integers (``01`` is ``1``), else as decimal numbers if every label is one, else as
    text. Several ``groups`` columns give their intersections. Raises
    :class:`~fairlm.errors.DataError` naming the file, column and line of a problem.
    """
    path = Path(path)
    groups = list(dict.fromkeys(groups))
    wanted = list(dict.fromkeys([y_true, y_pred, *groups]))
    if sample_weight:
        wanted.append(sample_weight)
    reader = _Reader(path, wanted)
    key_cols = [y_true, y_pred, *groups]
    acc = _Accumulator(len(key_cols), weighted=bool(sample_weight))
    getter = itemgetter(*(reader.index[c] for c in key_cols))
    wget = itemgetter(reader.index[sample_weight]) if sample_weight else None
    for chunk in reader.chunks(chunk_rows):
        acc.add(chunk, getter, wget)
        if len(acc.keys) > MAX_KEYS:
            _too_many_values(path, key_cols, acc.keys)
    if acc.n_rows == 0:
        raise DataError(f"{path} has a header but no data rows.")
    merged = acc.merged()  # stripped key -> (rows, sum w, sum w^2)
    _check_missing(reader, wanted, key_cols, merged, acc, sample_weight)
    if acc.bad_weight is not None:
        line = reader.first_line(reader.index[sample_weight], _not_a_weight)
        raise DataError(
            f"Column {sample_weight!r} in {path} must hold finite, non-negative numbers: "
            f"line {line} has {acc.bad_weight!r}."
        )
    y_map, p_map, parsed_pos = _label_maps(path, y_true, y_pred, merged, pos_label)
    return _counts(groups, merged, y_map, p_map, parsed_pos, acc)


class _Reader:
    """A CSV file's header (checked for the wanted columns) and its data rows in chunks."""

    def __init__(self, path: Path, wanted: list[str]) -> None:
        self.path = path
        self.delimiter = "\t" if path.suffix.lower() in {".tsv", ".tab"} else ","
        if not path.exists():
            raise DataError(f"{path}: no such file.")
        if path.is_dir():
            raise DataError(f"{path} is a directory; pass a CSV file.")
        with self._open() as reader:
            header = next(reader, None)
        if header is None or not any(h.strip() for h in header):
            raise DataError(f"{path} is empty; expected a header row with column names.")
        header = [h.strip() for h in header]
        self.width = len(header)
        self.index: dict[str, int] = {}
        for col in wanted:
            if col not in header:
                raise DataError(
                    f"Column {col!r} not found in {path}.{did_you_mean(col, header)}"
                    f" Columns: {', '.join(header)}."
                )
            if header.count(col) > 1:
                raise DataError(f"Column {col!r} appears more than once in {path}'s header.")
            self.index[col] = header.index(col)

    def _open(self):
        return _CsvFile(self.path, self.delimiter)

    def chunks(self, size: int) -> Iterator[list[list[str]]]:
        """Lists of up to ``size`` data rows, blank lines left out; a row with the wrong
        number of fields raises (naming its line)."""
        with self._open() as reader:
            next(reader, None)
            while chunk := list(islice(reader, size)):
                if set(map(len, chunk)) != {self.width}:
                    if any(len(r) != self.width and not _blank(r) for r in chunk):
                        self._raise_ragged()
                    chunk = [r for r in chunk if len(r) == self.width]
                yield chunk

    def rows(self) -> Iterator[tuple[int, list[str]]]:
        """(line number, row) of every data row, for the messages of the error path."""
        with self._open() as reader:
            next(reader, None)
            for row in reader:
                if not _blank(row):
                    yield reader.line_num, row

    def _raise_ragged(self) -> None:
        for line, row in self.rows():
            if len(row) != self.width:
                raise DataError(
                    f"{self.path} line {line} has {len(row)} fields but the header "
                    f"has {self.width}."
                )

    def first_line(self, col: int, bad: Callable[[str], bool]) -> int:
        return next(line for line, row in self.rows() if bad(row[col].strip()))


class _CsvFile:
    """``csv.reader`` over a UTF-8 file, its decoding and format errors as DataErrors."""

    def __init__(self, path: Path, delimiter: str) -> None:
        self.path, self.delimiter = path, delimiter

    def __enter__(self) -> Iterator[list[str]]:
        self._f = self.path.open(newline="", encoding="utf-8-sig")
        return _Guarded(csv.reader(self._f, delimiter=self.delimiter), self.path)

    def __exit__(self, *exc: object) -> None:
        self._f.close()


class _Guarded:
    """A csv reader whose UnicodeDecodeError and csv.Error become one-line DataErrors."""

    def __init__(self, reader: Any, path: Path) -> None:
        self._reader, self._path = reader, path

    @property
    def line_num(self) -> int:
        return self._reader.line_num

    def __iter__(self) -> _Guarded:
        return self

    def __next__(self) -> list[str]:
        try:
            return next(self._reader)
        except UnicodeDecodeError as exc:
            raise DataError(f"{self._path}: {not_utf8(exc)}; save the file as UTF-8.") from None
        except csv.Error as exc:
            raise DataError(f"{self._path} is not a valid CSV file: {exc}.") from None


def _blank(row: list[str]) -> bool:
    return not row or (len(row) == 1 and not row[0].strip())


class _Accumulator:
    """Counts per distinct raw key (y_true, y_pred, group values...), with weight sums."""

    def __init__(self, width: int, *, weighted: bool) -> None:
        self.width = width
        self.weighted = weighted
        self.keys: Counter[tuple[str, ...]] = Counter()  # key -> rows
        self.index: dict[tuple[str, ...], int] = {}  # weighted: key -> slot
        self.sums = np.zeros(0)
        self.sq = np.zeros(0)
        self.n_rows = 0
        self.first_weight: float | None = None
        self.equal_weights = True
        self.missing_weights = 0
        self.bad_weight: str | None = None

    def add(self, chunk: list[list[str]], getter: Any, wget: Any) -> None:
        self.n_rows += len(chunk)
        if wget is None:
            self.keys.update(map(getter, chunk))
            return
        keys = list(map(getter, chunk))
        texts = [t.strip() for t in map(wget, chunk)]
        missing = [t.lower() in MISSING for t in texts]
        if any(missing):
            self.missing_weights += sum(missing)
            keep = [not m for m in missing]
            keys = [k for k, ok in zip(keys, keep, strict=True) if ok]
            texts = [t for t, ok in zip(texts, keep, strict=True) if ok]
        self.keys.update(keys)
        try:
            w = np.array(texts, dtype=np.float64)
        except ValueError:
            w = np.array([_float_or_nan(t) for t in texts], dtype=np.float64)
        bad = ~np.isfinite(w) | (w < 0)
        if bad.any():
            if self.bad_weight is None:
                self.bad_weight = texts[int(np.flatnonzero(bad)[0])]
            w = np.where(bad, 0.0, w)
        slots = np.fromiter(
            (self.index.setdefault(k, len(self.index)) for k in keys), np.intp, len(keys)
        )
        n = len(self.index)
        self.sums = np.pad(self.sums, (0, n - self.sums.size))
        self.sq = np.pad(self.sq, (0, n - self.sq.size))
        self.sums += np.bincount(slots, weights=w, minlength=n)
        self.sq += np.bincount(slots, weights=w * w, minlength=n)
        if w.size:
            if self.first_weight is None:
                self.first_weight = float(w[0])
            self.equal_weights = self.equal_weights and bool(np.all(w == self.first_weight))

    def merged(self) -> dict[tuple[str, ...], list[float]]:
        """Stripped key -> [rows, sum of weights, sum of squared weights]."""
        out: dict[tuple[str, ...], list[float]] = {}
        for key, n in self.keys.items():
            slot = out.setdefault(tuple(v.strip() for v in key), [0, 0.0, 0.0])
            slot[0] += n
            if self.weighted:
                i = self.index[key]
                slot[1] += float(self.sums[i])
                slot[2] += float(self.sq[i])
        return out


def _float_or_nan(text: str) -> float:
    try:
        return float(text)
    except ValueError:
        return math.nan


def _not_a_weight(text: str) -> bool:
    if text.lower() in MISSING:
        return False
    value = _float_or_nan(text)
    return not math.isfinite(value) or value < 0


def _too_many_values(path: Path, columns: list[str], keys: Counter) -> None:
    distinct = [len({k[j] for k in keys}) for j in range(len(columns))]
    j = int(np.argmax(distinct))
    raise DataError(
        f"Column {columns[j]!r} in {path} has more than {distinct[j]:,} distinct values; "
        "fairlm metrics needs class labels and group names (threshold a score column "
        "first, or bin a numeric group column)."
    )


def _check_missing(reader, wanted, key_cols, merged, acc, sample_weight) -> None:
    """An empty or NA cell in a wanted column: the message of the first such column."""
    for col in wanted:
        if col == sample_weight:
            n_bad = acc.missing_weights
        else:
            j = key_cols.index(col)
            n_bad = sum(v[0] for k, v in merged.items() if k[j].lower() in MISSING)
        if n_bad:
            line = reader.first_line(reader.index[col], lambda t: t.lower() in MISSING)
            more = f" (and {n_bad - 1} more rows)" if n_bad > 1 else ""
            raise DataError(
                f"Column {col!r} in {reader.path} is empty or NA at line {line}{more}; "
                "drop or fill those rows."
            )


def _parse_labels(values: list[str]) -> tuple[type, dict[str, Any]]:
    """Each distinct label parsed: as integers if every one is, else floats, else text."""
    for kind in (int, float):
        try:
            return kind, {v: kind(v) for v in values}
        except ValueError:
            continue
    return str, {v: v for v in values}


def _label_maps(path, y_true, y_pred, merged, pos_label):
    """Each distinct label of both columns -> 0/1, and the parsed positive label."""
    kinds, parsed = [], []
    for j in (0, 1):
        kind, values = _parse_labels(sorted({k[j] for k in merged}))
        kinds.append(kind)
        parsed.append(values)
    if pos_label is None:
        for col, values in ((y_true, parsed[0]), (y_pred, parsed[1])):
            seen = sorted({str(v) for v in values.values()})
            if not set(seen) <= {"0", "1", "0.0", "1.0"}:
                shown = ", ".join(repr(s) for s in seen[:8]) + (", ..." if len(seen) > 8 else "")
                raise DataError(
                    f"Column {col!r} in {path} has labels outside {{0, 1}}: {shown}. Pass "
                    "--pos-label LABEL to count one label as positive and every other label "
                    "as negative."
                )
        maps = [{v: int(p) for v, p in values.items()} for values in parsed]
        return maps[0], maps[1], None
    pos: Any = pos_label
    if kinds[0] in (int, float):
        try:
            pos = kinds[0](pos_label)
        except ValueError:
            pos = pos_label
    maps = [{v: int(p == pos) for v, p in values.items()} for values in parsed]
    if not any(maps[0].values()) and not any(maps[1].values()):
        labels = sorted({*parsed[0].values(), *parsed[1].values()}, key=str)
        shown = ", ".join(repr(v) for v in labels[:8]) + (", ..." if len(labels) > 8 else "")
        raise MetricsError(
            f"pos_label={pos!r} does not occur in y_true or y_pred (labels seen: {shown}); "
            "pass one of those labels."
        )
    return maps[0], maps[1], pos


def _counts(groups, merged, y_map, p_map, pos, acc: _Accumulator) -> CsvCounts:
    names = sorted({k[2:] for k in merged})
    slot = {g: i for i, g in enumerate(names)}
    rows = np.zeros((len(names), 4))
    sums = np.zeros((len(names), 4)) if acc.weighted else None
    sq = np.zeros((len(names), 4)) if acc.weighted else None
    for key, (n, s, s2) in merged.items():
        g, cell = slot[key[2:]], 2 * y_map[key[0]] + p_map[key[1]]
        rows[g, cell] += n
        if sums is not None and sq is not None:
            sums[g, cell] += s
            sq[g, cell] += s2
    return CsvCounts(
        features=list(groups),
        levels=[dict(zip(groups, g, strict=True)) for g in names],
        rows=rows,
        weight_sums=sums,
        weight_sq_sums=sq,
        equal_weights=acc.equal_weights,
        pos_label=pos,
        n_rows=acc.n_rows,
    )
