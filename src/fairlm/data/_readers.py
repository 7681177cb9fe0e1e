"""Readers that turn every malformed-file problem into a DataError naming file and line.

Invalid UTF-8, empty files, bad CSV quoting, a wrong number of columns, invalid JSON and
wrong field types all end up as ``DataError("path:line: what is wrong")``. For whole-file
JSON, structural problems name the JSON path (``targ1.examples``) because the parser does
not report lines for values.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

from fairlm._io import not_utf8
from fairlm.errors import DataError

__all__ = [
    "data_error",
    "iter_lines",
    "iter_jsonl",
    "read_json",
    "iter_csv",
    "get_str",
    "get_int",
    "get_str_list",
]


def data_error(path: Path, line: int | None, message: str) -> DataError:
    where = f"{path}:{line}" if line is not None else str(path)
    return DataError(f"{where}: {message}")


def iter_lines(path: Path, *, keepends: bool = False) -> Iterator[tuple[int, str]]:
    """(line number, text) for each line, decoded as UTF-8 (a leading BOM is dropped)."""
    empty = True
    try:
        f = open(path, "rb")  # noqa: SIM115 - closed by the with below
    except OSError as exc:
        raise data_error(path, None, f"cannot open: {exc.strerror or exc}") from None
    with f:
        for lineno, raw in enumerate(f, 1):
            empty = False
            try:
                text = raw.decode("utf-8-sig" if lineno == 1 else "utf-8")
            except UnicodeDecodeError as exc:
                raise data_error(
                    path,
                    lineno,
                    not_utf8(exc, f"column {exc.start + 1}"),
                ) from None
            yield lineno, text if keepends else text.rstrip("\r\n")
    if empty:
        raise data_error(path, None, "the file is empty")


def iter_jsonl(path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    """(line number, object) for each non-blank line of a JSON Lines file."""
    seen = False
    for lineno, text in iter_lines(path):
        if not text.strip():
            continue
        try:
            obj = json.loads(text)
        except json.JSONDecodeError as exc:
            raise data_error(
                path, lineno, f"invalid JSON: {exc.msg} (column {exc.colno})"
            ) from None
        if not isinstance(obj, dict):
            raise data_error(path, lineno, f"expected a JSON object, got {type(obj).__name__}")
        seen = True
        yield lineno, obj
    if not seen:
        raise data_error(path, None, "no records (only blank lines)")


def read_json(
    path: Path, *, object_pairs_hook: Callable[[list[tuple[str, Any]]], Any] | None = None
) -> Any:
    """A whole JSON document (``object_pairs_hook`` as for :func:`json.loads`)."""
    text = "".join(t for _, t in iter_lines(path, keepends=True))
    if not text.strip():
        raise data_error(path, None, "the file is empty")
    try:
        return json.loads(text, object_pairs_hook=object_pairs_hook)
    except json.JSONDecodeError as exc:
        raise data_error(
            path, exc.lineno, f"invalid JSON: {exc.msg} (column {exc.colno})"
        ) from None


def iter_csv(path: Path, *, required: tuple[str, ...]) -> Iterator[tuple[int, dict[str, str]]]:
    """(line where the record starts, {column: value}) for each CSV record after the header.

    Quoting is checked strictly; every record must have as many fields as the header.
    """
    lines = (text for _, text in iter_lines(path, keepends=True))
    reader = csv.reader(lines, strict=True)
    try:
        header = next(reader)
        missing = [c for c in required if c not in header]
        if missing:
            raise data_error(path, 1, f"missing column(s) {', '.join(map(repr, missing))}")
        start = reader.line_num + 1
        for row in reader:
            if not row:  # a blank line
                start = reader.line_num + 1
                continue
            if len(row) != len(header):
                raise data_error(
                    path, start, f"expected {len(header)} fields as in the header, found {len(row)}"
                )
            yield start, dict(zip(header, row, strict=True))
            start = reader.line_num + 1
    except csv.Error as exc:
        raise data_error(path, reader.line_num or 1, f"malformed CSV: {exc}") from None
    except StopIteration:  # pragma: no cover - iter_lines raises on empty files first
        raise data_error(path, None, "the file is empty") from None


def get_str(
    obj: Mapping[str, Any], key: str, path: Path, line: int | None, *, where: str = ""
) -> str:
    """``obj[key]`` as a string, or a DataError naming file, line and field."""
    if key not in obj:
        raise data_error(path, line, f"missing field {where}{key!r}")
    value = obj[key]
    if not isinstance(value, str):
        raise data_error(
            path, line, f"field {where}{key!r} must be a string, got {type(value).__name__}"
        )
    return value


def get_int(
    obj: Mapping[str, Any], key: str, path: Path, line: int | None, *, where: str = ""
) -> int:
    if key not in obj:
        raise data_error(path, line, f"missing field {where}{key!r}")
    value = obj[key]
    if isinstance(value, bool) or not isinstance(value, int):
        raise data_error(path, line, f"field {where}{key!r} must be an integer, got {value!r}")
    return value


def get_str_list(
    obj: Mapping[str, Any], key: str, path: Path, line: int | None, *, where: str = ""
) -> tuple[str, ...]:
    if key not in obj:
        raise data_error(path, line, f"missing field {where}{key!r}")
    value = obj[key]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise data_error(path, line, f"field {where}{key!r} must be a list of strings")
    return tuple(value)
