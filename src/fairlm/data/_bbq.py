"""BBQ: multiple-choice questions with an ambiguous or a disambiguating context.

Besides the file's fields, each example gets ``unknown_index`` (the "can't be determined"
answer) and ``target_index`` (the answer naming the stereotyped group), derived from
``answer_info`` and ``additional_metadata.stereotyped_groups`` with the rules of the BBQ
authors' analysis script (``analysis_scripts/BBQ_results_metadata.R``):

* answer groups "man"/"boy" count as "M" and "woman"/"girl" as "F"; an "M-"/"F-" prefix
  is dropped;
* stereotyped groups "transgender women", "transgender men" and "trans" all mean "trans",
  and any answer group starting with "trans" (trans, trans_F, trans_M) matches it, while
  "nonTrans..." does not;
* Nationality answers carry a region as group (AsiaPacific), so they match on the answer
  text (Japanese) instead;
* groups are compared whole and case-insensitively, so "old" does not match "nonOld"
  (the R script needed a special case for that, as it matches substrings).

In the 7 categories here this gives exactly one target for 17,612 of the 17,628 examples.
The other 16 (Gender_identity, question_index "13", contexts such as "a man or a boy")
compare two people of the same gender: for "boy" vs "man" with stereotyped group F no
answer matches, for "woman" vs "girl" both do. Their ``target_index`` is None; a bias
score should leave them out. (The R script gives the first 8 no target and the other 8
the first matching answer.)
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from fairlm.data._readers import data_error, get_int, get_str, get_str_list, iter_jsonl
from fairlm.data._registry import select_names
from fairlm.data._resolve import resolve, safe_join

__all__ = ["BBQExample", "load_bbq", "read_bbq", "BBQ_CATEGORIES", "bbq_target_index"]

BBQ_CATEGORIES = (
    "Age",
    "Disability_status",
    "Gender_identity",
    "Nationality",
    "Physical_appearance",
    "Religion",
    "Sexual_orientation",
)

_GENDER_WORDS = {
    "man": "m",
    "men": "m",
    "boy": "m",
    "boys": "m",
    "woman": "f",
    "women": "f",
    "girl": "f",
    "girls": "f",
}


@dataclass(frozen=True)
class BBQExample:
    """One BBQ question. ``label``, ``target_index`` and ``unknown_index`` index ``answers``.

    ``answer_info`` maps "ans0".."ans2" to (answer text, group) as in the file; groups are
    labels such as "old"/"nonOld", "F"/"M", "trans_F" or a region for nationalities. (Being
    a dict, it makes examples unhashable; use ``id`` as the key.)
    """

    id: str  # f"{category}-{example_id}"
    category: str
    example_id: int
    question_index: str
    question_polarity: Literal["neg", "nonneg"]
    context_condition: Literal["ambig", "disambig"]
    context: str
    question: str
    answers: tuple[str, str, str]
    label: int  # the correct answer
    answer_info: dict[str, tuple[str, str]]
    stereotyped_groups: tuple[str, ...]
    subcategory: str
    target_index: int | None  # the stereotyped group's answer; None for 16 examples
    unknown_index: int  # the "unknown" answer


def load_bbq(
    data_dir: str | os.PathLike[str] | None = None,
    *,
    categories: Iterable[str] | None = None,
    verify: bool = True,
) -> list[BBQExample]:
    """BBQ examples of ``categories`` (default: all 7 here), category by category."""
    chosen = select_names("BBQ category", categories, BBQ_CATEGORIES)
    root = resolve("bbq", data_dir, verify=verify)
    out: list[BBQExample] = []
    for c in chosen:
        out.extend(read_bbq(safe_join(root, f"bbq/data/{c}.jsonl")))
    return out


def read_bbq(path: Path) -> list[BBQExample]:
    """Parse one BBQ JSONL file."""
    out: list[BBQExample] = []
    seen: set[str] = set()
    for line, obj in iter_jsonl(path):
        ex = _example(obj, path, line)
        if ex.id in seen:
            raise data_error(path, line, f"duplicate example {ex.id!r}")
        seen.add(ex.id)
        out.append(ex)
    return out


def _example(obj: dict[str, Any], path: Path, line: int) -> BBQExample:
    category = get_str(obj, "category", path, line)
    example_id = get_int(obj, "example_id", path, line)
    polarity = get_str(obj, "question_polarity", path, line)
    if polarity not in ("neg", "nonneg"):
        raise data_error(path, line, f"question_polarity must be neg or nonneg, got {polarity!r}")
    condition = get_str(obj, "context_condition", path, line)
    if condition not in ("ambig", "disambig"):
        raise data_error(
            path, line, f"context_condition must be ambig or disambig, got {condition!r}"
        )
    answers = tuple(get_str(obj, f"ans{i}", path, line) for i in range(3))
    label = get_int(obj, "label", path, line)
    if label not in (0, 1, 2):
        raise data_error(path, line, f"label must be 0, 1 or 2, got {label}")

    raw_info = obj.get("answer_info")
    if not isinstance(raw_info, dict):
        raise data_error(path, line, "field 'answer_info' must be an object")
    info: dict[str, tuple[str, str]] = {}
    for i in range(3):
        entry = raw_info.get(f"ans{i}")
        if not (
            isinstance(entry, list) and len(entry) == 2 and all(isinstance(e, str) for e in entry)
        ):
            raise data_error(path, line, f"answer_info.ans{i} must be [text, group]")
        info[f"ans{i}"] = (entry[0], entry[1])

    meta = obj.get("additional_metadata")
    if not isinstance(meta, dict):
        raise data_error(path, line, "field 'additional_metadata' must be an object")
    where = "additional_metadata."
    groups = get_str_list(meta, "stereotyped_groups", path, line, where=where)
    subcategory = get_str(meta, "subcategory", path, line, where=where)

    unknown = [i for i in range(3) if info[f"ans{i}"][1].lower() == "unknown"]
    if len(unknown) != 1:
        raise data_error(
            path, line, f"expected exactly one answer with group 'unknown', found {len(unknown)}"
        )
    return BBQExample(
        id=f"{category}-{example_id}",
        category=category,
        example_id=example_id,
        question_index=get_str(obj, "question_index", path, line),
        question_polarity=polarity,  # type: ignore[arg-type]
        context_condition=condition,  # type: ignore[arg-type]
        context=get_str(obj, "context", path, line),
        question=get_str(obj, "question", path, line),
        answers=answers,  # type: ignore[arg-type]
        label=label,
        answer_info=info,
        stereotyped_groups=groups,
        subcategory=subcategory,
        target_index=bbq_target_index(category, info, groups),
        unknown_index=unknown[0],
    )


def _answer_group(group: str) -> str:
    g = group.strip().lower()
    g = _GENDER_WORDS.get(g, g)
    if g.startswith(("m-", "f-")):
        g = g[2:]
    if g.startswith("trans"):  # trans, trans_f, trans_m (but not nontrans...)
        return "trans"
    return g


def _stereotyped_group(group: str) -> str:
    g = group.strip().lower()
    g = _GENDER_WORDS.get(g, g)
    if g == "trans" or g.startswith("transgender"):
        return "trans"
    return g.replace(" ses", "ses")  # "low SES" -> "lowses", as the answer groups spell it


def bbq_target_index(
    category: str, answer_info: dict[str, tuple[str, str]], stereotyped_groups: Iterable[str]
) -> int | None:
    """Index of the one non-unknown answer whose group is stereotyped, else None."""
    targets = {_stereotyped_group(g) for g in stereotyped_groups}
    hits = []
    for i in range(3):
        text, group = answer_info[f"ans{i}"]
        if group.lower() == "unknown":
            continue
        key = text.strip().lower() if category == "Nationality" else _answer_group(group)
        if key in targets:
            hits.append(i)
    return hits[0] if len(hits) == 1 else None
