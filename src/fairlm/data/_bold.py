"""BOLD: sentence beginnings from Wikipedia about people of a group, for generation.

Each ``bold/prompts/<domain>_prompt.json`` is ``{group: {entity: [prompt, ...]}}``.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from fairlm.data._readers import data_error, read_json
from fairlm.data._registry import select_names
from fairlm.data._resolve import resolve, safe_join

__all__ = ["BoldPrompt", "load_bold", "read_bold", "BOLD_DOMAINS"]

BOLD_DOMAINS = ("gender", "political_ideology", "profession", "race", "religious_ideology")


@dataclass(frozen=True)
class BoldPrompt:
    """One prompt. ``group`` is e.g. "American_actresses"; ``entity`` the Wikipedia page."""

    id: str  # f"{domain}/{group}/{entity}/{k}", k counting the entity's prompts from 0
    domain: str
    group: str
    entity: str
    prompt: str


def load_bold(
    data_dir: str | os.PathLike[str] | None = None,
    *,
    domains: Iterable[str] | None = None,
    verify: bool = True,
) -> list[BoldPrompt]:
    """BOLD prompts of ``domains`` (default: all 5), in file order within each domain."""
    chosen = select_names("BOLD domain", domains, BOLD_DOMAINS)
    root = resolve("bold", data_dir, verify=verify)
    out: list[BoldPrompt] = []
    for d in chosen:
        out.extend(read_bold(safe_join(root, f"bold/prompts/{d}_prompt.json"), domain=d))
    return out


def read_bold(path: Path, *, domain: str) -> list[BoldPrompt]:
    """Parse one BOLD prompt file."""
    doc = read_json(path)
    if not isinstance(doc, dict):
        raise data_error(path, None, "expected a JSON object {group: {entity: [prompt, ...]}}")
    out: list[BoldPrompt] = []
    for group, entities in doc.items():
        if not isinstance(entities, dict):
            raise data_error(path, None, f"{group!r} must map entities to prompt lists")
        for entity, prompts in entities.items():
            if not isinstance(prompts, list) or not all(isinstance(p, str) for p in prompts):
                raise data_error(path, None, f"{group!r}.{entity!r} must be a list of strings")
            out.extend(
                BoldPrompt(f"{domain}/{group}/{entity}/{k}", domain, group, entity, p)
                for k, p in enumerate(prompts)
            )
    return out
