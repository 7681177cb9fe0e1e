"""Read a text corpus for ``fairlm augment`` and ``fairlm debias``.

A corpus is one or more files: ``.jsonl`` (one JSON object per line, the text in
``text_field``), anything else as plain text with one text per line (blank lines
skipped). The name ``bold`` (or ``bold:DOMAIN[,DOMAIN...]``) stands for the BOLD prompts
(Dhamala et al., FAccT 2021): Wikipedia sentence openings about people, which are not
the test data of any benchmark fairlm audits with.
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from fairlm.errors import DataError

__all__ = ["read_corpus", "read_records", "BOLD_PREFIX"]

BOLD_PREFIX = "bold"


def read_records(path: str | os.PathLike[str], *, text_field: str = "text") -> list[dict[str, Any]]:
    """Rows of one file as dicts with the text under ``text_field`` (plain text: one row
    per non-blank line, ``{text_field: line}``)."""
    p = Path(path)
    if not p.is_file():
        raise DataError(f"{p}: no such file")
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


def read_corpus(
    sources: Sequence[str | os.PathLike[str]],
    *,
    text_field: str = "text",
    data_dir: str | os.PathLike[str] | None = None,
) -> list[str]:
    """All texts of ``sources`` in order (files, or ``bold[:domains]``)."""
    texts: list[str] = []
    for src in sources:
        name = str(src)
        if name == BOLD_PREFIX or name.startswith(BOLD_PREFIX + ":"):
            from fairlm.data import load_bold

            domains = name.partition(":")[2]
            chosen = [d for d in domains.split(",") if d] or None
            texts += [p.prompt.strip() for p in load_bold(data_dir, domains=chosen)]
        else:
            texts += [r[text_field] for r in read_records(name, text_field=text_field)]
    if not texts:
        raise DataError(f"the corpus ({', '.join(map(str, sources))}) has no texts")
    return texts
