"""Read a text corpus from files and folders, one document at a time (streaming).

Sources may be plain text (``.txt``, ``.md``, anything else that decodes as UTF-8), JSON
Lines (``.jsonl``, ``.ndjson``: an object per line with a text field, or a bare string),
CSV/TSV (a header row with a text column), each optionally gzip-compressed (``.gz``),
and folders, searched recursively with a glob. Nothing is held in memory beyond the
current document, so a corpus larger than memory streams through.

A file that cannot be read (permissions, bad encoding, malformed CSV, no text column) is
skipped and counted in :class:`CollectStats`; only a corpus with no document at all is
an error.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import os
import sys
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Literal

from fairlm._io import not_utf8
from fairlm.training._errors import CorpusError

__all__ = ["CollectStats", "iter_corpus", "TEXT_UNITS"]

TextUnit = Literal["file", "paragraph", "line"]
TEXT_UNITS = ("file", "paragraph", "line")
_JSONL = (".jsonl", ".ndjson")
_CSV = {".csv": ",", ".tsv": "\t"}


@dataclass
class CollectStats:
    """What collection read: files, documents, and every skipped file with its reason."""

    files_read: int = 0
    files_skipped: int = 0
    documents: int = 0
    records_skipped: int = 0  # JSONL lines or CSV rows without usable text
    skipped: list[dict[str, str]] = field(default_factory=list)

    def to_dict(self) -> dict:
        return asdict(self)


def iter_corpus(
    sources: Sequence[str | os.PathLike[str]],
    *,
    text_column: str = "text",
    glob: str = "**/*",
    text_unit: TextUnit = "paragraph",
    stats: CollectStats | None = None,
) -> Iterator[str]:
    """Yield the documents of ``sources`` in a fixed order (sorted paths within a folder).

    ``text_column`` names the JSONL field or CSV column. ``text_unit`` splits plain-text
    files into documents: the whole ``file``, each ``paragraph`` (blank-line separated)
    or each ``line``. Raises :class:`CorpusError` at the end if nothing was yielded.
    """
    if text_unit not in TEXT_UNITS:
        raise CorpusError(f"text_unit must be one of {', '.join(TEXT_UNITS)}, not {text_unit!r}")
    if not sources:
        raise CorpusError("no corpus given: pass at least one file or folder")
    stats = stats if stats is not None else CollectStats()
    for path in _files(sources, glob, stats):
        try:
            for doc in _read(path, text_column, text_unit, stats):
                stats.documents += 1
                yield doc
            stats.files_read += 1
        except (OSError, UnicodeDecodeError, csv.Error, _NoColumn) as exc:
            stats.files_skipped += 1
            stats.skipped.append({"path": str(path), "reason": _reason(exc)})
    if stats.documents == 0:
        raise CorpusError(_nothing_message(sources, stats, text_column))


class _NoColumn(Exception):
    pass


def _reason(exc: BaseException) -> str:
    if isinstance(exc, UnicodeDecodeError):
        return not_utf8(exc)
    if isinstance(exc, OSError):
        return exc.strerror or type(exc).__name__
    return str(exc)


def _nothing_message(sources: Sequence, stats: CollectStats, text_column: str) -> str:
    names = ", ".join(str(s) for s in sources[:3]) + (" ..." if len(sources) > 3 else "")
    if stats.files_skipped:
        first = stats.skipped[0]
        return (
            f"the corpus ({names}) has no readable text: {stats.files_skipped} file(s) skipped, "
            f"first {first['path']}: {first['reason']}"
        )
    if stats.records_skipped:
        return (
            f"the corpus ({names}) has no text: {stats.records_skipped} record(s) had no "
            f"non-empty {text_column!r} field; pass --text-column to name the text field"
        )
    return f"the corpus ({names}) is empty: no documents found"


def _files(sources: Sequence, glob: str, stats: CollectStats) -> Iterator[Path]:
    for source in sources:
        path = Path(source).expanduser()
        if path.is_dir():
            found = sorted(p for p in path.glob(glob) if p.is_file() and not p.name.startswith("."))
            yield from found
        elif path.is_file():
            yield path
        elif str(source) == "-":
            yield Path("/dev/stdin")
        else:
            stats.files_skipped += 1
            stats.skipped.append({"path": str(path), "reason": "no such file or folder"})


def _open(path: Path) -> io.TextIOBase:
    if path == Path("/dev/stdin"):
        return io.TextIOWrapper(sys.stdin.buffer, encoding="utf-8")
    if path.suffix == ".gz":
        return io.TextIOWrapper(gzip.open(path, "rb"), encoding="utf-8", newline="")
    return path.open("r", encoding="utf-8", newline="")


def _kind(path: Path) -> str:
    suffixes = [s.lower() for s in path.suffixes]
    if suffixes and suffixes[-1] == ".gz":
        suffixes = suffixes[:-1]
    last = suffixes[-1] if suffixes else ""
    if last in _JSONL:
        return "jsonl"
    if last in _CSV:
        return last
    return "text"


def _read(path: Path, text_column: str, text_unit: str, stats: CollectStats) -> Iterator[str]:
    kind = _kind(path)
    with _open(path) as f:
        if kind == "jsonl":
            yield from _read_jsonl(f, text_column, stats)
        elif kind in _CSV:
            yield from _read_csv(f, _CSV[kind], text_column, stats)
        else:
            yield from _read_text(f, text_unit)


def _read_jsonl(f, text_column: str, stats: CollectStats) -> Iterator[str]:
    for line in f:
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError:
            stats.records_skipped += 1
            continue
        text = (
            obj if isinstance(obj, str) else obj.get(text_column) if isinstance(obj, dict) else None
        )
        if isinstance(text, str) and text.strip():
            yield text
        else:
            stats.records_skipped += 1


def _read_csv(f, delimiter: str, text_column: str, stats: CollectStats) -> Iterator[str]:
    reader = csv.DictReader(f, delimiter=delimiter)
    fields = reader.fieldnames or []
    if text_column not in fields:
        shown = ", ".join(repr(c) for c in fields[:10]) or "none"
        raise _NoColumn(f"no column {text_column!r} (columns: {shown}); pass --text-column")
    for row in reader:
        text = row.get(text_column)
        if isinstance(text, str) and text.strip():
            yield text
        else:
            stats.records_skipped += 1


def _read_text(f, text_unit: str) -> Iterator[str]:
    if text_unit == "file":
        text = f.read()
        if text.strip():
            yield text
        return
    buf: list[str] = []
    for line in f:
        if text_unit == "line":
            if line.strip():
                yield line.rstrip("\r\n")
            continue
        if line.strip():
            buf.append(line)
        elif buf:
            yield "".join(buf).rstrip("\r\n")
            buf = []
    if buf:
        yield "".join(buf).rstrip("\r\n")
