"""Gender word pairs for counterfactual data augmentation (CDA).

The pairs come from Zhao et al. (2018)'s WinoBias swap lists, ``generalized_swaps.txt``
(104 lines, each pair in both directions, stray spaces around the tab) and
``extra_gendered_words.txt`` (92 lines). Neither file says which side is male, and
``extra_gendered_words.txt`` is not consistent (``camerawomen<TAB>cameramen``), so each
pair is oriented with Zhao et al.'s gendered word lists from GN-GloVe
(``male_word_file.txt`` / ``female_word_file.txt``), which name every word of one side of
each pair. Upstream spellings are kept as they are (``mentleman``, ``godess``,
``chairwomen/chairman``).
"""

from __future__ import annotations

import os
from pathlib import Path

from fairlm.data._readers import data_error, iter_lines
from fairlm.data._resolve import resolve, safe_join

__all__ = ["load_cda_pairs", "read_cda_pairs"]

_SWAPS = "cda_wordlists/zhao2018_winobias/generalized_swaps.txt"
_EXTRA = "cda_wordlists/zhao2018_winobias/extra_gendered_words.txt"
_MALE = "cda_wordlists/zhao2018_gn_glove/male_word_file.txt"
_FEMALE = "cda_wordlists/zhao2018_gn_glove/female_word_file.txt"


def load_cda_pairs(
    data_dir: str | os.PathLike[str] | None = None, *, verify: bool = True
) -> list[tuple[str, str]]:
    """(male, female) word pairs, each once, in first-seen order (135 pairs).

    >>> load_cda_pairs()[:2]  # doctest: +SKIP
    [('actor', 'actress'), ('actors', 'actresses')]
    """
    root = resolve("cda_wordlists", data_dir, verify=verify)
    male = _words(safe_join(root, _MALE))
    female = _words(safe_join(root, _FEMALE))
    return read_cda_pairs(
        [safe_join(root, _SWAPS), safe_join(root, _EXTRA)], male_words=male, female_words=female
    )


def _words(path: Path) -> set[str]:
    return {t.strip() for _, t in iter_lines(path) if t.strip()}


def read_cda_pairs(
    paths: list[Path], *, male_words: set[str], female_words: set[str]
) -> list[tuple[str, str]]:
    """Pairs from tab-separated files, oriented male-first with the given word sets."""
    seen: set[frozenset[str]] = set()
    out: list[tuple[str, str]] = []
    for path in paths:
        for line, text in iter_lines(path):
            if not text.strip():
                continue
            parts = [p.strip() for p in text.split("\t")]
            if len(parts) != 2 or not all(parts):
                raise data_error(path, line, f"expected two words separated by a tab, got {text!r}")
            a, b = parts
            if a == b:
                raise data_error(path, line, f"a word paired with itself: {a!r}")
            key = frozenset((a, b))
            if key in seen:
                continue
            a_male = a in male_words or b in female_words
            b_male = b in male_words or a in female_words
            if a_male == b_male:
                raise data_error(
                    path, line, f"cannot tell which of {a!r} and {b!r} is the male word"
                )
            seen.add(key)
            out.append((a, b) if a_male else (b, a))
    return out
