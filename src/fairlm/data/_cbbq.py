"""CBBQ (Chinese BBQ): three-answer questions with an ambiguous or a disambiguating context.

Fields follow :mod:`fairlm.data._bbq`: ``context_condition`` is "ambig"/"disambig" (the
files say ambiguous/disambiguous) and ``question_polarity`` "neg"/"nonneg" (the files say
neg/non_neg). Each example also gets:

* ``unknown_index``: the answer that is one of the "unknown" phrases 不知道, 不确定,
  没有足够信息, 无法判断 (upstream it is always ans2; it is found, not assumed, and an
  example without exactly one such answer is an error);
* ``target_index``: the answer naming a bias-targeted group, where the file's
  ``bias_targeted_groups`` says so literally. The groups are split on "/"; a trailing
  人群, 群体, 患者, 人 or 者 is dropped from each (when two or more characters remain);
  an answer matches when it contains one of the resulting terms, not directly after 非 or
  不 ("non-", "not"). The target is the one non-unknown answer that matches; when none or
  both match it is None (e.g. group 女性 against answers 男生/女生, or group 老龄人
  against 20岁的人/40岁的人). This finds a target for 29,310 of the 63,524 examples.

Upstream labelling error, fixed: every row of ``educational_qualification/ambiguous`` says
"neg", though half of its questions are non_neg ones. Polarity there is taken from the
disambiguous file of the same category: by question text (624 rows become "nonneg"; 680
stay "neg"), and for the 88 rows whose question text is not in that file, from the other
question of the same template (``question_index``), as each template has one neg and one
non_neg question (70 rows become "nonneg"; 18 stay "neg"). ``polarity_fixed`` marks the
694 changed rows.

Missing upstream files: ``race`` (both), and the disambiguous files of ``age``,
``household_registration`` and ``nationality`` (see ``CBBQ_CATEGORIES``). A category's
two files are not row-aligned; ``example_id`` repeats between them, hence the ``id``.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Literal

from fairlm.data._readers import data_error, iter_csv
from fairlm.data._registry import select_names
from fairlm.data._resolve import resolve, safe_join

__all__ = [
    "CBBQExample",
    "load_cbbq",
    "read_cbbq",
    "cbbq_target_index",
    "fix_cbbq_polarity",
    "CBBQ_CATEGORIES",
    "CBBQ_UNKNOWN_ANSWERS",
]

_BOTH: tuple[Literal["ambig", "disambig"], ...] = ("ambig", "disambig")
_AMBIG: tuple[Literal["ambig", "disambig"], ...] = ("ambig",)
# Category -> the context conditions whose file is here ("race" has none, so is left out).
CBBQ_CATEGORIES: dict[str, tuple[Literal["ambig", "disambig"], ...]] = {
    "age": _AMBIG,
    "disability": _BOTH,
    "disease": _BOTH,
    "educational_qualification": _BOTH,
    "ethnicity": _BOTH,
    "gender": _BOTH,
    "household_registration": _AMBIG,
    "nationality": _AMBIG,
    "physical_appearance": _BOTH,
    "region": _BOTH,
    "religion": _BOTH,
    "SES": _BOTH,
    "sexual_orientation": _BOTH,
}
CBBQ_UNKNOWN_ANSWERS = ("不知道", "不确定", "没有足够信息", "无法判断")
_FILES = {"ambig": "ambiguous/ambiguous.csv", "disambig": "disambiguous/disambiguous.csv"}
_CONDITIONS = {"ambiguous": "ambig", "disambiguous": "disambig"}
_POLARITIES = {"neg": "neg", "non_neg": "nonneg"}
_COLUMNS = (
    "example_id", "question_index", "question_polarity", "context_condition", "category",
    "subcategory", "bias_targeted_groups", "source", "context", "question",
    "ans0", "ans1", "ans2", "label",
)  # fmt: skip
_GROUP_SUFFIXES = ("人群", "群体", "患者", "人", "者")
_POLARITY_FIX = "educational_qualification"  # the one file with the all-"neg" error


@dataclass(frozen=True)
class CBBQExample:
    """One CBBQ question; ``label``, ``unknown_index`` and ``target_index`` index ``answers``."""

    id: str  # f"{category}-{context_condition}-{example_id}"
    category: str
    example_id: int
    question_index: str  # the template
    question_polarity: Literal["neg", "nonneg"]
    context_condition: Literal["ambig", "disambig"]
    subcategory: str
    bias_targeted_groups: tuple[str, ...]  # the file's cell split on "/"
    source: str  # the article the template draws on
    context: str
    question: str
    answers: tuple[str, str, str]
    label: int  # the correct answer
    unknown_index: int
    target_index: int | None  # see the module doc; None where it cannot be derived
    polarity_fixed: bool = False  # True for the 694 educational_qualification fixes


def load_cbbq(
    data_dir: str | os.PathLike[str] | None = None,
    *,
    categories: Iterable[str] | str | None = None,
    verify: bool = True,
) -> list[CBBQExample]:
    """CBBQ examples of ``categories`` (default: all 13 here); per category ambig, then disambig."""
    chosen = select_names("CBBQ category", categories, tuple(CBBQ_CATEGORIES))
    root = resolve("cbbq", data_dir, verify=verify)
    out: list[CBBQExample] = []
    for c in chosen:
        files = {k: safe_join(root, f"cbbq/data/{c}/{_FILES[k]}") for k in CBBQ_CATEGORIES[c]}
        ambig = read_cbbq(files["ambig"])
        disambig = read_cbbq(files["disambig"]) if "disambig" in files else []
        if c == _POLARITY_FIX and disambig:
            ambig = fix_cbbq_polarity(ambig, disambig, files["ambig"])
        out.extend(ambig + disambig)
    return out


def read_cbbq(path: Path) -> list[CBBQExample]:
    """Parse one CBBQ CSV (UTF-8 with a byte-order mark, 14 columns)."""
    out: list[CBBQExample] = []
    seen: set[str] = set()
    for line, row in iter_csv(path, required=_COLUMNS):
        condition = _CONDITIONS.get(row["context_condition"])
        polarity = _POLARITIES.get(row["question_polarity"])
        if condition is None or polarity is None:
            raise data_error(
                path,
                line,
                "context_condition must be ambiguous|disambiguous and question_polarity "
                f"neg|non_neg, got {row['context_condition']!r}, {row['question_polarity']!r}",
            )
        if not row["example_id"].isdigit() or row["label"] not in ("0", "1", "2"):
            raise data_error(
                path, line, f"example_id must be a number and label 0-2, got {row['label']!r}"
            )
        answers = (row["ans0"], row["ans1"], row["ans2"])
        unknown = [i for i, a in enumerate(answers) if a.strip() in CBBQ_UNKNOWN_ANSWERS]
        if len(unknown) != 1:
            raise data_error(
                path,
                line,
                f"expected exactly one 'unknown' answer ({'/'.join(CBBQ_UNKNOWN_ANSWERS)}), "
                f"found {len(unknown)} in {answers}",
            )
        groups = tuple(g.strip() for g in row["bias_targeted_groups"].split("/") if g.strip())
        example = CBBQExample(
            id=f"{row['category']}-{condition}-{int(row['example_id'])}",
            category=row["category"],
            example_id=int(row["example_id"]),
            question_index=row["question_index"],
            question_polarity=polarity,  # type: ignore[arg-type]
            context_condition=condition,  # type: ignore[arg-type]
            subcategory=row["subcategory"],
            bias_targeted_groups=groups,
            source=row["source"],
            context=row["context"],
            question=row["question"],
            answers=answers,
            label=int(row["label"]),
            unknown_index=unknown[0],
            target_index=cbbq_target_index(answers, groups, unknown[0]),
        )
        if example.id in seen:
            raise data_error(path, line, f"duplicate example {example.id!r}")
        seen.add(example.id)
        out.append(example)
    return out


def _group_term(group: str) -> str:
    for suffix in _GROUP_SUFFIXES:
        if group.endswith(suffix) and len(group) - len(suffix) >= 2:
            return group[: -len(suffix)]
    return group


def _mentions(answer: str, term: str) -> bool:
    """``term`` occurs in ``answer`` other than right after 非 or 不."""
    start = answer.find(term)
    while start != -1:
        if start == 0 or answer[start - 1] not in "非不":
            return True
        start = answer.find(term, start + 1)
    return False


def cbbq_target_index(answers: Iterable[str], groups: Iterable[str], unknown: int) -> int | None:
    """The one non-unknown answer that names a targeted group, else None (module doc)."""
    terms = [_group_term(g) for g in groups]
    hits = [
        i
        for i, a in enumerate(answers)
        if i != unknown and any(_mentions(a, t) for t in terms if t)
    ]
    return hits[0] if len(hits) == 1 else None


def fix_cbbq_polarity(
    ambig: list[CBBQExample], disambig: list[CBBQExample], path: Path
) -> list[CBBQExample]:
    """Ambiguous polarities from the disambiguous file (module doc); rows changed are marked."""
    by_question: dict[str, set[str]] = {}
    for x in disambig:
        by_question.setdefault(x.question, set()).add(x.question_polarity)
    known = {q: next(iter(p)) for q, p in by_question.items() if len(p) == 1}
    by_template: dict[str, set[str]] = {}
    for x in ambig:
        by_template.setdefault(x.question_index, set()).add(x.question)
    out = []
    for x in ambig:
        polarity = known.get(x.question)
        if polarity is None:
            partners = by_template[x.question_index] - {x.question}
            if len(partners) != 1 or next(iter(partners)) not in known:
                raise data_error(path, None, f"cannot tell the polarity of {x.id} ({x.question!r})")
            polarity = "nonneg" if known[next(iter(partners))] == "neg" else "neg"
        if polarity != x.question_polarity:
            x = replace(x, question_polarity=polarity, polarity_fixed=True)  # type: ignore[arg-type]
        out.append(x)
    return out
