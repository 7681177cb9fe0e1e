"""Augment a file of texts: ``.jsonl`` (one JSON object per line, the text in
``text_field``, other fields kept) or plain text (one text per line, blank lines skipped)."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from fairlm._io import atomic_write_text, read_utf8
from fairlm.augment._augmenter import CounterfactualAugmenter
from fairlm.errors import DataError

__all__ = ["augment_file", "read_records"]


def read_records(path: str | os.PathLike[str], *, text_field: str = "text") -> list[dict[str, Any]]:
    """Rows of one file as dicts with the text under ``text_field`` (plain text: one row
    per non-blank line, ``{text_field: line}``)."""
    p = Path(path)
    if not p.is_file():
        raise DataError(f"{p}: no such file")
    try:
        return _read(p, text_field)
    except UnicodeDecodeError:
        read_utf8(p)  # raises a DataError naming the line and byte
        raise


def _read(p: Path, text_field: str) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    with p.open(encoding="utf-8") as f:
        if p.suffix == ".jsonl":
            for n, line in enumerate(f, 1):
                if not line.strip():
                    continue
                try:
                    row = json.loads(line)
                except json.JSONDecodeError as exc:
                    raise DataError(f"{p}:{n}: not valid JSON ({exc.msg})") from None
                if not isinstance(row, dict) or not isinstance(row.get(text_field), str):
                    raise DataError(
                        f"{p}:{n}: expected an object with a string {text_field!r} field; "
                        "choose the field with --text-field"
                    )
                rows.append(row)
        else:
            rows = [{text_field: line.rstrip("\n")} for line in f if line.strip()]
    return rows


def augment_file(
    source: str | os.PathLike[str],
    target: str | os.PathLike[str],
    augmenter: CounterfactualAugmenter,
    *,
    text_field: str = "text",
) -> dict[str, int]:
    """Write the augmented texts of ``source`` to ``target``, in the same format.

    Rows follow :meth:`CounterfactualAugmenter.expand` (two-sided: every text, then its
    counterfactual where something was swapped; one-sided: the counterfactuals); in
    ``.jsonl`` output each row gets ``"counterfactual": true/false``. Returns the counts
    ``texts_read``, ``texts_with_terms``, ``swaps`` and ``texts_written``.
    """
    rows = read_records(source, text_field=text_field)
    out: list[dict[str, Any]] = []
    changed = swaps = 0
    for row in rows:
        texts, n = augmenter.expand(row[text_field])
        changed += n > 0
        swaps += n
        out += [{**row, text_field: t, "counterfactual": cf} for t, cf in texts]
    if str(source).endswith(".jsonl"):
        text = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in out)
    else:
        text = "".join(r[text_field] + "\n" for r in out)
    atomic_write_text(target, text)
    return {
        "texts_read": len(rows),
        "texts_with_terms": changed,
        "swaps": swaps,
        "texts_written": len(out),
    }
