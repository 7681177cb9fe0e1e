"""CHBias test sets: Chinese biased sentences paired with a group-swapped version.

Each category has two row-aligned files: row i of the first (``age_old_test.csv``) is a
Weibo sentence about the targeted group, row i of the second (``age_young_test.csv``) the
same sentence with the group term swapped (老人 -> 年轻人). Upstream compares a model's
perplexity on the two sides of each pair.

Cleaning: every zero-width space (U+200B) is removed and trailing whitespace stripped,
on both sides (the age and orientation files carry both, copied from Weibo; other
characters, including the zero-width joiners inside emoji, are kept).

Pairs that the swap left unchanged (identical sides after cleaning: age 12, appearance 1,
gender 5, orientation 7) are kept and flagged ``unchanged``; a benchmark should drop and
count them.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from fairlm.data._readers import data_error, iter_csv
from fairlm.data._registry import select_names
from fairlm.data._resolve import resolve, safe_join

__all__ = ["CHBiasPair", "load_chbias", "read_chbias", "clean_chbias_text", "CHBIAS_CATEGORIES"]

# Category -> (targeted group, swapped group), as the files name them.
CHBIAS_CATEGORIES = {
    "age": ("old", "young"),
    "appearance": ("fat", "slim"),
    "gender": ("female", "male"),
    "orientation": ("lgbt", "straight"),
}


@dataclass(frozen=True)
class CHBiasPair:
    """Row ``row`` of a category's two files: the biased sentence and its swapped version."""

    id: str  # f"{category}-{row:03d}"
    category: str
    row: int  # 0-based, the files' index column
    stereotyped_group: str  # "old", "fat", "female", "lgbt"
    swapped_group: str  # "young", "slim", "male", "straight"
    stereotyped_sentence: str  # cleaned (see the module doc)
    swapped_sentence: str
    unchanged: bool  # the two sentences are identical


def clean_chbias_text(text: str) -> str:
    """``text`` without zero-width spaces (U+200B) and trailing whitespace."""
    return text.replace("\u200b", "").rstrip()


def load_chbias(
    data_dir: str | os.PathLike[str] | None = None,
    *,
    categories: Iterable[str] | str | None = None,
    verify: bool = True,
) -> list[CHBiasPair]:
    """The pairs of ``categories`` (default: all 4, 200 pairs each), category by category."""
    chosen = select_names("CHBias category", categories, tuple(CHBIAS_CATEGORIES))
    root = resolve("chbias", data_dir, verify=verify)
    out: list[CHBiasPair] = []
    for c in chosen:
        first, second = (
            safe_join(root, f"chbias/data/{c}/{c}_{g}_test.csv") for g in CHBIAS_CATEGORIES[c]
        )
        out.extend(read_chbias(first, second, category=c))
    return out


def _sentences(path: Path) -> list[tuple[int, str]]:
    """(line, sentence) per row; the index column must count 0, 1, 2, ..."""
    out: list[tuple[int, str]] = []
    for line, row in iter_csv(path, required=("", "replaced_sentence")):
        if row[""] != str(len(out)):
            raise data_error(path, line, f"index column should be {len(out)}, got {row['']!r}")
        text = clean_chbias_text(row["replaced_sentence"])
        if not text.strip():
            raise data_error(path, line, "empty sentence")
        out.append((line, text))
    return out


def read_chbias(first: Path, second: Path, *, category: str) -> list[CHBiasPair]:
    """Pair the rows of a category's two files (same length, same index column)."""
    left, right = _sentences(first), _sentences(second)
    if len(left) != len(right):
        raise data_error(
            second, None, f"{len(right)} rows, but {first.name} has {len(left)}; they must pair up"
        )
    groups = CHBIAS_CATEGORIES.get(category, (first.stem, second.stem))
    return [
        CHBiasPair(
            id=f"{category}-{row:03d}",
            category=category,
            row=row,
            stereotyped_group=groups[0],
            swapped_group=groups[1],
            stereotyped_sentence=a,
            swapped_sentence=b,
            unchanged=a == b,
        )
        for row, ((_, a), (_, b)) in enumerate(zip(left, right, strict=True))
    ]
