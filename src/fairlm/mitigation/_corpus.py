"""Read the corpus a mitigation method fine-tunes on.

A corpus is one or more files: ``.jsonl`` (one JSON object per line, the text in
``text_field``), anything else as plain text with one text per line (blank lines
skipped). The name ``bold`` (or ``bold:DOMAIN[,DOMAIN...]``) stands for the BOLD prompts
(Dhamala et al., FAccT 2021): Wikipedia sentence openings about people, which are not
the test data of any benchmark fairlm audits with.
"""

from __future__ import annotations

import os
from collections.abc import Sequence

from fairlm.augment import read_records
from fairlm.errors import DataError

__all__ = ["read_corpus", "BOLD_PREFIX"]

BOLD_PREFIX = "bold"


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
