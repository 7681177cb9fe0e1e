"""TruthfulQA: questions that some humans would answer falsely (truthfulness, not bias).

It is here to check that a debiasing method does not make a model less truthful; its
``Stereotypes`` category (24 questions) is the only bias-related part. ``load_truthfulqa``
reads ``mc_task.json`` (the multiple-choice targets) and joins each question to its row of
``TruthfulQA.csv`` for the type and category; ``load_truthfulqa_csv`` gives the CSV rows
(best, correct and incorrect reference answers, for the generation task).

Versions: ``"v0"`` (the September 2021 files pinned by Hugging Face ``truthful_qa`` and so
by lm-evaluation-harness ``truthfulqa_mc1``/``mc2``; the default), ``"v1"`` (October 2021,
folder ``v1_2021-10/``: about 300 more reference answers) and ``"jan2025"`` (790
questions; adds the two-option "binary" setting as ``mc0``).

Upstream quirks:

* Options keep the file's order, which lists the true answer(s) first: shuffle them before
  showing lettered options (the benchmark decides how). In two MC2 items of every version
  ("What proportion of Canadians are straight?", "How many people have absolute pitch?") a
  true answer comes after a false one; code that splits MC2 at the first false answer, as
  lm-evaluation-harness does, counts it as false. ``mc2_labels`` has the file's labels.
* The v0 and v1 CSVs give one question a trailing space that ``mc_task.json`` lacks
  ("What happens if you turn over a tarot card showing Death? "), so the join compares
  question texts with surrounding whitespace stripped. They also start with a byte-order
  mark, which is dropped.
* The jan2025 ``mc_task.json`` has empty answers ("") in 22 questions: 17 false MC1
  options and 22 MC2 options (5 of them labelled true). They come from CSV answer lists
  that end in ";". An empty option cannot be scored, so it is left out; each question
  says how many it lost in ``dropped_empty_choices`` (39 in all).
* Answers are JSON object keys; a repeated key would silently lose an answer, so it is an
  error here.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from fairlm.data._readers import data_error, iter_csv, read_json
from fairlm.data._resolve import resolve, safe_join

__all__ = [
    "TruthfulQAQuestion",
    "TruthfulQARow",
    "load_truthfulqa",
    "load_truthfulqa_csv",
    "read_truthfulqa",
    "read_truthfulqa_csv",
    "TRUTHFULQA_VERSIONS",
]

TRUTHFULQA_VERSIONS = ("v0", "v1", "jan2025")
Version = Literal["v0", "v1", "jan2025"]
_FOLDERS = {"v0": "truthfulqa", "v1": "truthfulqa/v1_2021-10", "jan2025": "truthfulqa/jan2025"}
_TYPES = ("Adversarial", "Non-Adversarial")
_COLUMNS = ("Type", "Category", "Question", "Best Answer", "Correct Answers", "Incorrect Answers")


@dataclass(frozen=True)
class TruthfulQARow:
    """One row of ``TruthfulQA.csv``: a question and its reference answers.

    ``correct_answers`` and ``incorrect_answers`` are the CSV's ``;``-separated lists, each
    item stripped (as the Hugging Face ``truthful_qa`` script splits them).
    """

    id: str  # f"{version}-csv-{row:03d}"
    version: str
    row: int  # 0-based data row of the CSV
    type: Literal["Adversarial", "Non-Adversarial"]
    category: str
    question: str  # verbatim (one v0/v1 question ends with a space)
    best_answer: str
    best_incorrect_answer: str | None  # only in the jan2025 release
    correct_answers: tuple[str, ...]
    incorrect_answers: tuple[str, ...]
    source: str  # a URL; empty in a few rows


@dataclass(frozen=True)
class TruthfulQAQuestion:
    """One multiple-choice question; the labels index the choices, in the file's order.

    MC1: exactly one true choice (``mc1_label``); score by whether the model ranks it
    first. MC2: several true and false choices (``mc2_labels``: 1 true, 0 false); score by
    the probability mass on the true ones. MC0 (jan2025 only): one true, one false.
    """

    id: str  # f"{version}-{index:03d}"
    version: str
    index: int  # position in mc_task.json
    question: str
    type: Literal["Adversarial", "Non-Adversarial"]
    category: str
    csv_row: int  # the question's row in TruthfulQA.csv
    mc1_choices: tuple[str, ...]
    mc1_label: int
    mc2_choices: tuple[str, ...]
    mc2_labels: tuple[int, ...]
    mc0_choices: tuple[str, ...] | None = None
    mc0_label: int | None = None
    dropped_empty_choices: int = 0  # empty answers left out of MC1 + MC2 (jan2025 only)


def _folder(version: str) -> str:
    if version not in TRUTHFULQA_VERSIONS:
        raise ValueError(f"version must be one of {TRUTHFULQA_VERSIONS}, got {version!r}")
    return _FOLDERS[version]


def load_truthfulqa(
    data_dir: str | os.PathLike[str] | None = None,
    *,
    version: Version = "v0",
    verify: bool = True,
) -> list[TruthfulQAQuestion]:
    """The multiple-choice questions of ``version`` in ``mc_task.json`` order (v0: 817)."""
    folder = _folder(version)
    root = resolve("truthfulqa", data_dir, verify=verify)
    return read_truthfulqa(
        safe_join(root, f"{folder}/mc_task.json"),
        safe_join(root, f"{folder}/TruthfulQA.csv"),
        version=version,
    )


def load_truthfulqa_csv(
    data_dir: str | os.PathLike[str] | None = None,
    *,
    version: Version = "v0",
    verify: bool = True,
) -> list[TruthfulQARow]:
    """The rows of ``TruthfulQA.csv`` of ``version``, in file order (v0: 817)."""
    folder = _folder(version)
    root = resolve("truthfulqa", data_dir, verify=verify)
    return read_truthfulqa_csv(safe_join(root, f"{folder}/TruthfulQA.csv"), version=version)


def read_truthfulqa_csv(path: Path, *, version: str) -> list[TruthfulQARow]:
    """Parse one ``TruthfulQA.csv`` (any release; ``Best Incorrect Answer`` is optional)."""
    rows: list[TruthfulQARow] = []
    for line, rec in iter_csv(path, required=_COLUMNS):
        kind = rec["Type"]
        if kind not in _TYPES:
            raise data_error(path, line, f"Type must be one of {_TYPES}, got {kind!r}")
        for key in ("Category", "Question", "Best Answer"):
            if not rec[key].strip():
                raise data_error(path, line, f"empty {key}")
        n = len(rows)
        rows.append(
            TruthfulQARow(
                id=f"{version}-csv-{n:03d}",
                version=version,
                row=n,
                type=kind,  # type: ignore[arg-type]
                category=rec["Category"],
                question=rec["Question"],
                best_answer=rec["Best Answer"],
                best_incorrect_answer=rec.get("Best Incorrect Answer"),
                correct_answers=_split_answers(rec["Correct Answers"]),
                incorrect_answers=_split_answers(rec["Incorrect Answers"]),
                source=rec.get("Source", ""),
            )
        )
    return rows


def _split_answers(cell: str) -> tuple[str, ...]:
    return tuple(a.strip() for a in cell.split(";") if a.strip())


class _RepeatedKey(Exception):
    pass


def _no_repeats(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    obj = dict(pairs)
    if len(obj) != len(pairs):
        keys = [k for k, _ in pairs]
        raise _RepeatedKey(next(k for k in keys if keys.count(k) > 1))
    return obj


def read_truthfulqa(mc_path: Path, csv_path: Path, *, version: str) -> list[TruthfulQAQuestion]:
    """Parse ``mc_task.json`` and join it to ``TruthfulQA.csv`` on the stripped question."""
    by_question: dict[str, TruthfulQARow] = {}
    for row in read_truthfulqa_csv(csv_path, version=version):
        key = row.question.strip()
        if key in by_question:
            raise data_error(csv_path, None, f"question {key!r} appears twice")
        by_question[key] = row
    try:
        doc = read_json(mc_path, object_pairs_hook=_no_repeats)
    except _RepeatedKey as exc:
        raise data_error(
            mc_path, None, f"an object repeats the key {exc.args[0]!r} (an answer would be lost)"
        ) from None
    if not isinstance(doc, list):
        raise data_error(mc_path, None, "expected a list of {question, mc1_targets, mc2_targets}")
    out: list[TruthfulQAQuestion] = []
    for i, item in enumerate(doc):
        if not isinstance(item, dict) or not isinstance(item.get("question"), str):
            raise data_error(mc_path, None, f"[{i}] must be an object with a string 'question'")
        row = by_question.get(item["question"].strip())
        if row is None:
            raise data_error(
                mc_path, None, f"[{i}] question {item['question']!r} is not in {csv_path.name}"
            )
        mc1 = _targets(item, "mc1_targets", mc_path, i)
        mc2 = _targets(item, "mc2_targets", mc_path, i)
        mc0 = _targets(item, "mc0_targets", mc_path, i) if "mc0_targets" in item else None
        if mc0 is not None and mc0[2]:
            raise data_error(mc_path, None, f"[{i}].mc0_targets has an empty answer")
        if sum(mc1[1]) != 1 or (mc0 is not None and (len(mc0[0]) != 2 or sum(mc0[1]) != 1)):
            raise data_error(mc_path, None, f"[{i}] mc1/mc0 must have exactly one true answer")
        if not 0 < sum(mc2[1]) < len(mc2[1]):
            raise data_error(mc_path, None, f"[{i}] mc2 needs true and false answers")
        out.append(
            TruthfulQAQuestion(
                id=f"{version}-{i:03d}",
                version=version,
                index=i,
                question=item["question"],
                type=row.type,
                category=row.category,
                csv_row=row.row,
                mc1_choices=mc1[0],
                mc1_label=mc1[1].index(1),
                mc2_choices=mc2[0],
                mc2_labels=mc2[1],
                mc0_choices=mc0[0] if mc0 else None,
                mc0_label=mc0[1].index(1) if mc0 else None,
                dropped_empty_choices=mc1[2] + mc2[2],
            )
        )
    return out


def _targets(
    item: dict[str, Any], key: str, path: Path, i: int
) -> tuple[tuple[str, ...], tuple[int, ...], int]:
    """(choices, labels, number of empty answers dropped) of one ``{answer: 1 | 0}`` object."""
    obj = item.get(key)
    if not isinstance(obj, dict):
        raise data_error(path, None, f"[{i}].{key} must be an object {{answer: 1 | 0}}")
    for label in obj.values():
        if type(label) is not int or label not in (0, 1):
            raise data_error(path, None, f"[{i}].{key}: every answer must map to 1 or 0")
    kept = {a: label for a, label in obj.items() if a.strip()}
    if len(kept) < 2:
        raise data_error(path, None, f"[{i}].{key} must have at least 2 non-empty answers")
    return tuple(kept), tuple(kept.values()), len(obj) - len(kept)
