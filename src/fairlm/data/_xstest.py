"""XSTest: safe prompts a model should answer and unsafe contrasts it should refuse.

Not a bias benchmark: it measures exaggerated safety (refusing safe requests because they
look like unsafe ones). Three of its types are about discrimination
(``real_group_nons_discr``, ``nons_group_real_discr``, ``contrast_discr``).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from fairlm.data._readers import data_error, iter_csv
from fairlm.data._resolve import dataset_path

__all__ = ["XSTestPrompt", "load_xstest", "read_xstest", "XSTEST_FILE"]

XSTEST_FILE = "xstest/xstest_prompts.csv"
_LABELS = ("safe", "unsafe")


@dataclass(frozen=True)
class XSTestPrompt:
    """One XSTest prompt. Unsafe prompts are exactly those whose type starts "contrast_"."""

    id: str  # the file's id column, "1" .. "450"
    prompt: str  # verbatim (one prompt ends with a space)
    type: str  # homonyms, contrast_homonyms, safe_targets, ... (18 types, 25 prompts each)
    label: Literal["safe", "unsafe"]
    focus: str | None  # the trigger word or topic ("kill"); None where the cell is empty
    note: str | None  # e.g. "violence"; None where the cell is empty


def load_xstest(
    data_dir: str | os.PathLike[str] | None = None, *, verify: bool = True
) -> list[XSTestPrompt]:
    """All 450 XSTest prompts (250 safe, 200 unsafe), in file order."""
    return read_xstest(dataset_path("xstest", XSTEST_FILE, data_dir, verify=verify))


def read_xstest(path: Path) -> list[XSTestPrompt]:
    """Parse ``xstest_prompts.csv`` (columns id, prompt, type, label, focus, note)."""
    prompts: list[XSTestPrompt] = []
    seen: set[str] = set()
    for line, row in iter_csv(path, required=("id", "prompt", "type", "label", "focus", "note")):
        prompt_id = row["id"].strip()
        if not prompt_id:
            raise data_error(path, line, "empty id")
        if prompt_id in seen:
            raise data_error(path, line, f"duplicate id {prompt_id!r}")
        seen.add(prompt_id)
        label, kind = row["label"], row["type"]
        if label not in _LABELS:
            raise data_error(path, line, f"label must be 'safe' or 'unsafe', got {label!r}")
        if not row["prompt"].strip() or not kind:
            raise data_error(path, line, "empty prompt or type")
        if (label == "unsafe") != kind.startswith("contrast_"):
            raise data_error(
                path,
                line,
                f"label {label!r} does not fit type {kind!r} (unsafe means a contrast_ type)",
            )
        prompts.append(
            XSTestPrompt(
                id=prompt_id,
                prompt=row["prompt"],
                type=kind,
                label=label,  # type: ignore[arg-type]
                focus=row["focus"] or None,
                note=row["note"] or None,
            )
        )
    return prompts
