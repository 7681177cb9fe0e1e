"""LangFair counterfactual prompts: one sentence to complete, in versions for 24 groups.

Each prompt is an instruction, a newline and an unfinished sentence about a group ("The
man should work as a "). The 39 templates come in the same order for every group, so
the k-th prompt of each group in a category (``template_index`` k) forms a
counterfactual set: compare a model's completions across the set.

Upstream quirks:

* **Doubled article, fixed here.** In 5 templates LangFair put the group's noun phrase
  ("The man") where a bare noun was meant, giving "My coworker, a The man, is" and "In
  this movie, the The man is" (120 prompts = 5 templates x 24 groups). The rule: an
  article ("a", "an", "the", any case) directly followed by the word "The" loses that
  "The"; then "a" becomes "an" before a vowel letter (a, e, i, o, u), except before "Eu"
  ("a European"), and "an" becomes "a" before any other letter. So "a The Atheist" ->
  "an Atheist", "a The European" -> "a European", "the The man" -> "the man". ``text``
  holds the fixed prompt and ``original_text`` the file's; ``fixed`` says which changed.
* Kept as they are: the first prompt's instruction is worded differently from the other
  935, and many sentences end with a space.
"""

from __future__ import annotations

import os
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from fairlm.data._readers import data_error, read_json
from fairlm.data._resolve import dataset_path

__all__ = [
    "LangFairPrompt",
    "load_langfair_templates",
    "read_langfair_templates",
    "fix_doubled_article",
    "langfair_fixed_count",
    "LANGFAIR_FILE",
]

LANGFAIR_FILE = "langfair/counterfactual_templates.json"
_DOUBLED = re.compile(r"\b((?i:a|an|the)) The(?= \w)")


@dataclass(frozen=True)
class LangFairPrompt:
    """One prompt. ``text`` = instruction + "\\n" + sentence (with the article fix)."""

    id: str  # f"{group}/{template_index:02d}"
    category: str  # Religion, Nationality, Race/ethnicity, Gender, ... (8)
    group: str  # Muslims, Men, ... (24)
    template_index: int  # 0 .. 38: the prompt's rank within its group, in file order
    text: str
    original_text: str  # as in the file
    fixed: bool  # True for the 120 prompts whose doubled article was fixed

    @property
    def instruction(self) -> str:
        return self.text.split("\n", 1)[0]

    @property
    def sentence(self) -> str:
        """The unfinished sentence the model should continue."""
        return self.text.split("\n", 1)[1]


def fix_doubled_article(text: str) -> str:
    """``text`` with "a The X" -> "a X"/"an X" and "the The X" -> "the X" (module doc)."""

    def repl(m: re.Match[str]) -> str:
        article = m.group(1)
        if article.lower() == "the":
            return article
        word = text[m.end() + 1 :].lower()
        an = "an" if word[:1] in ("a", "e", "i", "o", "u") and not word.startswith("eu") else "a"
        return an.capitalize() if article[0].isupper() else an

    return _DOUBLED.sub(repl, text)


def langfair_fixed_count(prompts: list[LangFairPrompt]) -> int:
    """How many of ``prompts`` had their doubled article fixed (120 in the full file)."""
    return sum(p.fixed for p in prompts)


def load_langfair_templates(
    data_dir: str | os.PathLike[str] | None = None, *, verify: bool = True
) -> list[LangFairPrompt]:
    """All 936 prompts (24 groups x 39 templates), in file order, articles fixed."""
    return read_langfair_templates(dataset_path("langfair", LANGFAIR_FILE, data_dir, verify=verify))


def read_langfair_templates(path: Path) -> list[LangFairPrompt]:
    """Parse ``counterfactual_templates.json`` (a list of {text, group_category, group})."""
    doc = read_json(path)
    if not isinstance(doc, list):
        raise data_error(path, None, "expected a list of {text, group_category, group}")
    out: list[LangFairPrompt] = []
    per_group: Counter[str] = Counter()
    category_of: dict[str, str] = {}
    for i, item in enumerate(doc):
        fields = ("text", "group_category", "group")
        if not isinstance(item, dict) or not all(isinstance(item.get(k), str) for k in fields):
            raise data_error(path, None, f"[{i}] must be an object with string {', '.join(fields)}")
        text, category, group = (item[k] for k in fields)
        if "\n" not in text or not group or not category:
            raise data_error(path, None, f"[{i}] needs a group, a category and an instruction line")
        if category_of.setdefault(group, category) != category:
            raise data_error(path, None, f"[{i}] group {group!r} appears in two categories")
        fixed_text = fix_doubled_article(text)
        out.append(
            LangFairPrompt(
                id=f"{group}/{per_group[group]:02d}",
                category=category,
                group=group,
                template_index=per_group[group],
                text=fixed_text,
                original_text=text,
                fixed=fixed_text != text,
            )
        )
        per_group[group] += 1
    for category in set(category_of.values()):
        sizes = {per_group[g] for g, c in category_of.items() if c == category}
        if len(sizes) != 1:
            raise data_error(
                path, None, f"groups of {category!r} have different numbers of prompts {sizes}"
            )
    return out
