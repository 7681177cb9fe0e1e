"""DecodingTrust: stereotype-agreement prompts and zero-shot fairness prompts.

**Stereotypes** (``load_decodingtrust_stereotypes``): 1,152 user prompts (16 topics x 3
statement templates x 24 groups), each asking the model to end with "I agree." or "I
disagree." about a stereotype, and 3 system prompts (benign, untargeted, targeted; the
targeted one names the user prompt's group through a ``[target_group]`` placeholder).
Upstream reports the share of "I agree" answers per group and system prompt.

**Fairness** (``load_decodingtrust_fairness``): the zero-shot Adult income and Communities
& Crime sets, read from the original files ``fairness_data/<set>.jsonl`` +
``gt_labels_<set>.npy`` + ``sensitive_attr_<set>.npy`` (element ``i`` of each array
belongs to record ``i``; the arrays are read with ``numpy.load(allow_pickle=False)``).

* Adult: the sensitive attribute is the ``sensitive_attr`` array ("Male"/"Female"),
  checked against the ``sex ...`` written in each prompt. ``label_int`` 1 means income
  above $50k ("yes").
* Crime: upstream's ``sensitive_attr_crime_*.npy`` files are copies of the gt-label files
  (an upstream bug), so they are only checked for length. The intended attribute, the
  share of white residents, is parsed from the prompt instead ("The portion of white in
  the community is large|small." -> ``"large"``/``"small"``). In all three crime sets it
  coincides with the label ("large" <=> "Low"), whatever their names say about base rates.
  ``label_int`` 1 means a low crime rate ("Low").

``decodingtrust_counterfactual`` swaps the sensitive attribute in a prompt's text.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from fairlm.data._readers import data_error, get_str, get_str_list, iter_csv, iter_jsonl
from fairlm.data._registry import select_names
from fairlm.data._resolve import resolve, safe_join

__all__ = [
    "DecodingTrustUserPrompt",
    "DecodingTrustSystemPrompt",
    "DecodingTrustStereotypes",
    "DecodingTrustFairnessPrompt",
    "load_decodingtrust_stereotypes",
    "read_decodingtrust_stereotypes",
    "load_decodingtrust_fairness",
    "read_decodingtrust_fairness_set",
    "decodingtrust_counterfactual",
    "DECODINGTRUST_FAIRNESS_SETS",
]

DECODINGTRUST_FAIRNESS_SETS = (
    "adult_0_200_test_base_rate_0.0",
    "adult_0_200_test_base_rate_0.5",
    "adult_0_200_test_base_rate_1.0",
    "adult_0_8",
    "crime_0_300_test_base_rate_0.0",
    "crime_0_300_test_base_rate_0.5",
    "crime_0_300_test_base_rate_1.0",
)
_PLACEHOLDER = "[target_group]"
_SYSTEM_TYPES = ("benign", "untargeted", "targeted")
# The attribute as written in the prompt, and what the counterfactual swaps it for.
_ATTRIBUTE = {
    "adult": re.compile(r"(?<=, sex )(Male|Female)(?=, )"),
    "crime": re.compile(r"(?<=The portion of white in the community is )(large|small)(?=\.)"),
}
_SWAP = {"Male": "Female", "Female": "Male", "large": "small", "small": "large"}
_POSITIVE = {"adult": "yes", "crime": "Low"}  # the label that gt_labels codes as 1


@dataclass(frozen=True)
class DecodingTrustUserPrompt:
    """A user prompt: the fixed agree/disagree instruction, then ``statement``."""

    id: str  # f"{topic}/{template_number}/{target_group}"
    topic: str  # hiv, terrorists, drug_addicts, ... (16)
    template_number: int  # 0, 1, 2: the template's rank within its topic, in file order
    target_group: str  # Homosexuals, Muslims, ... (24)
    template: str  # the statement with "[target_group]"
    statement: str  # the template with the group filled in
    user_prompt: str


@dataclass(frozen=True)
class DecodingTrustSystemPrompt:
    """A system prompt; the targeted one contains ``[target_group]`` (see ``text``)."""

    id: str  # the type
    type: Literal["benign", "untargeted", "targeted"]
    template: str

    def text(self, target_group: str) -> str:
        """The system prompt for a user prompt about ``target_group``."""
        return self.template.replace(_PLACEHOLDER, target_group)


@dataclass(frozen=True)
class DecodingTrustStereotypes:
    user_prompts: tuple[DecodingTrustUserPrompt, ...]
    system_prompts: tuple[DecodingTrustSystemPrompt, ...]  # benign, untargeted, targeted


@dataclass(frozen=True)
class DecodingTrustFairnessPrompt:
    """One zero-shot fairness prompt; ``label_int`` and ``sensitive_attr`` as in the module doc."""

    id: str  # f"{set_name}/{row:03d}"
    set_name: str
    task: Literal["adult", "crime"]
    row: int  # 0-based record of <set>.jsonl, and index into the .npy arrays
    prompt: str
    options: tuple[str, ...]  # ("yes", "no") or ("high", "low")
    label: str  # as in the file: "yes"/"no", "High"/"Low"
    label_int: int  # gt_labels: 1 = "yes" (adult) or "Low" (crime)
    sensitive_attr: str  # adult "Male"/"Female"; crime "large"/"small" (white share)


def load_decodingtrust_stereotypes(
    data_dir: str | os.PathLike[str] | None = None, *, verify: bool = True
) -> DecodingTrustStereotypes:
    """The 1,152 user prompts and the 3 system prompts, in file order."""
    root = resolve("decodingtrust", data_dir, verify=verify)
    return read_decodingtrust_stereotypes(
        safe_join(root, "decodingtrust/stereotype/user_prompts.csv"),
        safe_join(root, "decodingtrust/stereotype/system_prompts.csv"),
    )


def read_decodingtrust_stereotypes(user_csv: Path, system_csv: Path) -> DecodingTrustStereotypes:
    """Parse ``user_prompts.csv`` and ``system_prompts.csv``."""
    columns = ("stereotype_topic", "target_group", "stereotype_template", "user_prompt")
    users: list[DecodingTrustUserPrompt] = []
    templates: dict[str, list[str]] = {}
    seen: set[str] = set()
    for line, row in iter_csv(user_csv, required=columns):
        topic, group, template = (row[c] for c in columns[:3])
        if not topic or not group or template.count(_PLACEHOLDER) != 1:
            raise data_error(
                user_csv, line, f"need a topic, a group and one {_PLACEHOLDER} in the template"
            )
        statement = template.replace(_PLACEHOLDER, group)
        if not row["user_prompt"].endswith(statement):
            raise data_error(user_csv, line, "user_prompt does not end with the filled template")
        known = templates.setdefault(topic, [])
        if template not in known:
            known.append(template)
        prompt_id = f"{topic}/{known.index(template)}/{group}"
        if prompt_id in seen:
            raise data_error(user_csv, line, f"duplicate prompt {prompt_id!r}")
        seen.add(prompt_id)
        users.append(
            DecodingTrustUserPrompt(
                id=prompt_id,
                topic=topic,
                template_number=known.index(template),
                target_group=group,
                template=template,
                statement=statement,
                user_prompt=row["user_prompt"],
            )
        )
    systems: dict[str, DecodingTrustSystemPrompt] = {}
    for line, row in iter_csv(system_csv, required=("type", "system_prompt")):
        kind = row["type"]
        if kind not in _SYSTEM_TYPES or kind in systems:
            raise data_error(system_csv, line, f"type must be one of {_SYSTEM_TYPES}, once each")
        if (_PLACEHOLDER in row["system_prompt"]) != (kind == "targeted"):
            raise data_error(system_csv, line, f"only the targeted prompt has {_PLACEHOLDER}")
        systems[kind] = DecodingTrustSystemPrompt(kind, kind, row["system_prompt"])  # type: ignore[arg-type]
    if len(systems) != len(_SYSTEM_TYPES):
        missing = [k for k in _SYSTEM_TYPES if k not in systems]
        raise data_error(system_csv, None, f"missing system prompt(s) {', '.join(missing)}")
    return DecodingTrustStereotypes(tuple(users), tuple(systems[k] for k in _SYSTEM_TYPES))


def load_decodingtrust_fairness(
    data_dir: str | os.PathLike[str] | None = None,
    *,
    sets: Iterable[str] | str | None = None,
    verify: bool = True,
) -> list[DecodingTrustFairnessPrompt]:
    """The prompts of ``sets`` (default: all 7 zero-shot sets), set by set, in file order."""
    chosen = select_names("DecodingTrust fairness set", sets, DECODINGTRUST_FAIRNESS_SETS)
    root = resolve("decodingtrust", data_dir, verify=verify)
    folder = safe_join(root, "decodingtrust/fairness/fairness_data")
    out: list[DecodingTrustFairnessPrompt] = []
    for name in chosen:
        for file in (f"{name}.jsonl", f"gt_labels_{name}.npy", f"sensitive_attr_{name}.npy"):
            safe_join(folder, file)  # refuse a link that leaves the data folder
        out.extend(read_decodingtrust_fairness_set(folder, name))
    return out


def read_decodingtrust_fairness_set(folder: Path, name: str) -> list[DecodingTrustFairnessPrompt]:
    """Parse ``<name>.jsonl`` with its two ``.npy`` arrays from ``folder``."""
    task: Literal["adult", "crime"] = "adult" if name.startswith("adult") else "crime"
    path = folder / f"{name}.jsonl"
    records = list(iter_jsonl(path))
    labels = _read_npy(folder / f"gt_labels_{name}.npy", len(records), "iu")
    attrs = _read_npy(
        folder / f"sensitive_attr_{name}.npy", len(records), "U" if task == "adult" else "iu"
    )
    out: list[DecodingTrustFairnessPrompt] = []
    for row, (line, obj) in enumerate(records):
        prompt, label = get_str(obj, "input", path, line), get_str(obj, "label", path, line)
        options = get_str_list(obj, "option", path, line)
        if label.lower() not in options:
            raise data_error(path, line, f"label {label!r} is not one of the options {options}")
        if labels[row] != int(label == _POSITIVE[task]):
            raise data_error(
                path, line, f"gt_labels[{row}] = {labels[row]} does not fit label {label!r}"
            )
        attr = _attribute_match(prompt, task, path, line).group()
        if task == "adult" and attrs[row] != attr:
            raise data_error(
                path, line, f"sensitive_attr[{row}] = {attrs[row]!r} but the prompt says sex {attr}"
            )
        out.append(
            DecodingTrustFairnessPrompt(
                id=f"{name}/{row:03d}",
                set_name=name,
                task=task,
                row=row,
                prompt=prompt,
                options=options,
                label=label,
                label_int=labels[row],
                sensitive_attr=attr,
            )
        )
    return out


def _read_npy(path: Path, length: int, kinds: str) -> list[Any]:
    """A one-dimensional array of ``length`` items of dtype kind in ``kinds``, as a list."""
    import numpy as np

    try:
        array = np.load(path, allow_pickle=False)
    except (OSError, ValueError, EOFError) as exc:
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise data_error(
            path, None, f"not a readable .npy array (no pickle allowed): {first}"
        ) from None
    if array.ndim != 1 or len(array) != length or array.dtype.kind not in kinds:
        raise data_error(
            path,
            None,
            f"expected {length} values of kind {kinds!r} in one dimension, got shape "
            f"{array.shape} of {array.dtype}",
        )
    return array.tolist()


def _attribute_match(text: str, task: str, path: Path | None, line: int | None) -> re.Match[str]:
    found = list(_ATTRIBUTE[task].finditer(text))
    if len(found) != 1:
        what = "', sex Male|Female, '" if task == "adult" else "'white ... is large|small.'"
        message = f"expected {what} once in the prompt, found it {len(found)} times"
        raise data_error(path, line, message) if path else ValueError(message)
    return found[0]


def decodingtrust_counterfactual(example: DecodingTrustFairnessPrompt) -> str:
    """The prompt with the sensitive attribute swapped, nothing else changed.

    Adult: "sex Female" <-> "sex Male"; crime: "The portion of white in the community is
    large." <-> "... small.". Exactly one occurrence must be present.
    """
    match = _attribute_match(example.prompt, example.task, None, None)
    return example.prompt[: match.start()] + _SWAP[match.group()] + example.prompt[match.end() :]
