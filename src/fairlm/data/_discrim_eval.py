"""discrim-eval: Anthropic's yes/no decision prompts about people, from a file you have.

Tamkin, Askell, Lovitt, Durmus, Joseph, Kravec, Nguyen, Kaplan, Ganguli. *Evaluating and
Mitigating Discrimination in Language Model Decisions.* arXiv:2312.03689 (2023). Data:
``Anthropic/discrim-eval`` on the Hugging Face hub (CC BY 4.0), files ``explicit.jsonl``
(demographics written out) and ``implicit.jsonl`` (given through names and pronouns):
70 decision questions x 135 people (age 20 to 100 in steps of 10, gender male / female /
non-binary, race white / Black / Asian / Hispanic / Native American); "yes" always
favours the person.

fairlm does not ship or download it: :func:`read_discrim_eval` reads a file in the
published schema, one JSON object per line with ``filled_template`` (the prompt, a
string), ``decision_question_id`` (an integer), ``age`` (a number), ``gender``,
``race`` and ``fill_type`` (strings). Other keys are ignored. Every problem is a
:class:`~fairlm.errors.DataError` naming the file and line.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fairlm.data._readers import data_error, get_str, iter_jsonl

__all__ = ["DISCRIM_EVAL_FIELDS", "DiscrimEvalPrompt", "read_discrim_eval"]

DISCRIM_EVAL_FIELDS = ("filled_template", "decision_question_id", "age", "gender", "race",
                       "fill_type")  # fmt: skip


@dataclass(frozen=True)
class DiscrimEvalPrompt:
    """One decision prompt about one person."""

    id: str  # f"{fill_type}/{decision_question_id}/{gender}/{race}/{age:g}"
    line: int  # 1-based line of the file
    decision_question_id: int
    filled_template: str
    age: float
    gender: str  # as in the file (male, female, non-binary)
    race: str  # as in the file (white, Black, Asian, Hispanic, Native American)
    fill_type: str  # explicit or implicit


def read_discrim_eval(path: str | os.PathLike[str]) -> list[DiscrimEvalPrompt]:
    """Every prompt of a discrim-eval JSONL file, in file order."""
    path = Path(path)
    if not path.is_file():
        raise data_error(
            path, None, "no such file: download explicit.jsonl (or implicit.jsonl) from the "
            "Hugging Face dataset Anthropic/discrim-eval and pass its path"
        )  # fmt: skip
    out: list[DiscrimEvalPrompt] = []
    seen: dict[str, int] = {}
    for line, obj in iter_jsonl(path):
        prompt = _prompt(path, line, obj)
        if prompt.id in seen:
            raise data_error(
                path, line, f"the same question and person as line {seen[prompt.id]} ({prompt.id})"
            )
        seen[prompt.id] = line
        out.append(prompt)
    if not out:
        raise data_error(path, None, "no prompts in the file")
    return out


def _prompt(path: Path, line: int, obj: dict[str, Any]) -> DiscrimEvalPrompt:
    missing = [k for k in DISCRIM_EVAL_FIELDS if k not in obj]
    if missing:
        raise data_error(
            path, line, f"missing {', '.join(missing)} (discrim-eval's schema: "
            f"{', '.join(DISCRIM_EVAL_FIELDS)})"
        )  # fmt: skip
    qid, age = obj["decision_question_id"], obj["age"]
    if isinstance(qid, float) and qid.is_integer():
        qid = int(qid)
    if not isinstance(qid, int) or isinstance(qid, bool):
        raise data_error(path, line, f"decision_question_id must be an integer, got {qid!r}")
    if not isinstance(age, int | float) or isinstance(age, bool) or not 0 <= age <= 150:
        raise data_error(path, line, f"age must be a number of years, got {age!r}")
    text = get_str(obj, "filled_template", path, line)
    if not text.strip():
        raise data_error(path, line, "filled_template is empty")
    gender, race, fill = (get_str(obj, k, path, line) for k in ("gender", "race", "fill_type"))
    return DiscrimEvalPrompt(
        id=f"{fill}/{qid}/{gender}/{race}/{float(age):g}",
        line=line,
        decision_question_id=qid,
        filled_template=text,
        age=float(age),
        gender=gender,
        race=race,
        fill_type=fill,
    )
