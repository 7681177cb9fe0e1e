"""Reading the texts a command works on: lines of a file (or standard input), or the
``field`` of each JSON object of a ``.jsonl`` file, plus any given on the command line."""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence

from fairlm._io import not_utf8
from fairlm.errors import FairlmError

__all__ = ["read_texts"]


def read_texts(
    file: str | None, given: Sequence[str], *, fields: Sequence[str], what: str
) -> list[str]:
    """``given`` and then the texts of ``file`` (``-``: standard input): its non-blank
    lines, or in a ``.jsonl`` file the first of ``fields`` each object has. ``what``
    names the texts in errors ("texts to score"). Refuses a file that is not UTF-8 and an
    empty result, each in one line."""
    texts = list(given)
    if file:
        lines = _lines(file)
        if file.endswith(".jsonl"):
            texts += [_field(file, n, line, fields) for n, line in enumerate(lines, 1)
                      if line.strip()]  # fmt: skip
        else:
            texts += [line for line in lines if line.strip()]
        if len(texts) == len(given):
            name = "standard input" if file == "-" else file
            how = "is empty" if not lines else "holds only blank lines"
            raise FairlmError(f"{name} {how}: no {what} (one per line)")
    if not texts:
        raise FairlmError(f"no {what}: give them, or a file of them (- for standard input)")
    return texts


def _lines(file: str) -> list[str]:
    name = "standard input" if file == "-" else file
    try:
        if file == "-":  # bytes, decoded strictly (the locale may not be UTF-8)
            raw = getattr(sys.stdin, "buffer", None)
            data = (
                raw.read()
                if raw is not None
                else sys.stdin.read().encode("utf-8", "surrogateescape")
            )
        else:
            with open(file, "rb") as stream:
                data = stream.read()
        return data.decode("utf-8-sig").splitlines()
    except OSError as exc:
        raise FairlmError(f"cannot read {file}: {exc.strerror}") from exc
    except UnicodeDecodeError as exc:
        line = exc.object.count(b"\n", 0, exc.start) + 1
        raise FairlmError(
            f"{name}:{line}: {not_utf8(exc, f'offset {exc.start}')}; "
            "convert it first, e.g. iconv -f latin1 -t utf-8"
        ) from exc


def _field(file: str, n: int, line: str, fields: Sequence[str]) -> str:
    names = " or ".join(f"'{f}'" for f in fields)
    try:
        row = json.loads(line)
        value = next(row[f] for f in fields if f in row)
    except (json.JSONDecodeError, TypeError, StopIteration) as exc:
        raise FairlmError(f"{file} line {n}: expected a JSON object with a {names} field") from exc
    if not isinstance(value, str):
        raise FairlmError(f"{file} line {n}: the {names} field must be text, not {value!r:.40}")
    return value
