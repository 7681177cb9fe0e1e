"""Counterfactual data augmentation (CDA): swap demographic terms in text.

CDA rebalances a training corpus by adding, for each text that mentions a demographic
group, the same text about another group (Lu et al., "Gender Bias in Neural Natural
Language Processing", 2020; Zmigrod et al., ACL 2019; Webster et al., "Measuring and
Reducing Gendered Correlations in Pre-trained Models", 2020). Fine-tuning on the
augmented corpus is the ``cda`` method of ``fairlm debias``, ``fairlm train --cda`` adds
counterfactuals to a training corpus, and ``fairlm augment`` runs the augmenter alone.

How a text is swapped
---------------------
* **Gender**: the word pairs of the ``cda_wordlists`` data set (Zhao et al. 2018,
  :func:`fairlm.data.load_cda_pairs`), plus the pairs and first names of
  :mod:`fairlm.augment._wordlists`; each word maps to one partner (where upstream gives
  a word two partners the first listed wins, misspellings are dropped). First names swap
  only when capitalised ("John" -> "Mary", "john" stays).
* **Race, religion**: the approach of bias-bench (Meade et al., ACL 2022): terms sit in
  aligned rows, one column per group; each group found in a text is replaced by another
  group chosen at random (seeded by ``seed`` and the text, so a text always gets the same
  counterfactual), the same choice for every term of that group in the text.
* Terms match whole words only (``manager``, ``history``, ``woman`` contain a gender word
  and are left alone), case-insensitively; multi-word terms ("african american") match
  across any whitespace. A hyphen counts as a word boundary, so "mother-in-law" becomes
  "father-in-law" (and, less happily, "man-made" becomes "woman-made").
* Capitalisation follows the original: "He" -> "She", "HE" -> "SHE", and a capitalised
  multi-word term has every word capitalised. Punctuation and spacing are untouched.

The ambiguous English pronouns are decided by a rule on the next word, not by a POS
tagger: **her** is possessive ("his") when the next word is a letter-word that is not a
function word, and objective ("him") before punctuation, the end of the text, or a word
from a list of determiners, prepositions, conjunctions, pronouns, auxiliaries, time and
place adverbs and a few bare verbs ("let her go"). Likewise **his** becomes "hers" when
it stands alone ("the book is his.") and "her" before a noun. The rule is wrong on some
sentences ("I told her stories" gives "his stories"); that costs a little noise in
training data, which CDA tolerates.

**Chinese** (``lang="zh"``, gender only): fairlm's own word list
(:mod:`fairlm.augment._wordlists_zh`) swapped by longest match, since Chinese has no
spaces; protected words keep the gendered words inside them (他人 "others", 其他, 吉他)
unchanged. The rules are in :mod:`fairlm.augment._zh`.

Two modes (Webster et al. 2020): **two-sided** keeps every original and adds the
counterfactual of each text that changed; **one-sided** replaces each text by its
counterfactual.

>>> aug = CounterfactualAugmenter("gender", pairs=[("man", "woman")])
>>> aug.swap("He gave her the manager's report, said the man.")
"She gave him the manager's report, said the woman."
"""

from __future__ import annotations

import os
import random
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Literal

from fairlm.augment import _wordlists as W
from fairlm.augment._zh import ChineseSwapper
from fairlm.errors import FairlmError

__all__ = ["AXES", "LANGUAGES", "MODES", "CounterfactualAugmenter"]

Axis = Literal["gender", "race", "religion"]
Mode = Literal["two-sided", "one-sided"]
Language = Literal["en", "zh"]
AXES: tuple[str, ...] = ("gender", "race", "religion")
MODES: tuple[str, ...] = ("two-sided", "one-sided")
LANGUAGES: tuple[str, ...] = ("en", "zh")

GENDER_GROUPS = ("male", "female")

# Words after which "her" is the object ("him") and "his" stands alone ("hers").
_FUNCTION_WORDS_TEXT = """
    a an the this that these those my your his her its our their some any every each no
    all both either neither another such what which whose
    to in on at for with from by about into onto of up down out off over under after
    before as than like through across against along around behind beside between
    beyond during except near past since toward towards until upon within without via
    and or but nor so yet because if when while though although unless whereas whether
    i me you he him she it we us they them myself yourself himself herself itself
    ourselves themselves who whom
    is am are was were be been being do does did have has had will would shall should
    can could may might must
    not again too also back away home here there then now today tonight tomorrow
    yesterday already still once twice either instead anyway later soon ever never
    go come know see feel think say tell leave stay find give get make take become
    understand
"""
_FUNCTION_WORDS = frozenset(_FUNCTION_WORDS_TEXT.split())


@dataclass(frozen=True)
class _Term:
    kind: Literal["pair", "name", "pronoun", "group"]
    group: int  # index into the axis's groups (gender: 0 male, 1 female)
    target: str = ""  # pair/name: the partner; pronoun: the pronoun itself
    row: int = -1  # group terms: their row in the aligned table


class CounterfactualAugmenter:
    """Swaps demographic terms of one axis; see the module docstring for the rules.

    Parameters
    ----------
    axis:
        ``gender``, ``race`` or ``religion``.
    mode:
        ``two-sided`` (keep originals, add counterfactuals) or ``one-sided`` (replace);
        used by :meth:`augment`.
    names:
        Also swap first names (gender only).
    seed:
        Seeds the random choice of replacement group (race and religion).
    pairs:
        (male, female) word pairs to use instead of the ``cda_wordlists`` data set (with
        ``lang="zh"``, instead of fairlm's Chinese pairs and names).
    data_dir:
        Where the ``cda_wordlists`` data set is (default: fairlm's data resolution).
    lang:
        ``en`` (English) or ``zh`` (Chinese: gender only, fairlm's own word list, no data
        set needed).
    """

    def __init__(
        self,
        axis: Axis = "gender",
        *,
        mode: Mode = "two-sided",
        names: bool = True,
        seed: int = 0,
        pairs: Sequence[tuple[str, str]] | None = None,
        data_dir: str | os.PathLike[str] | None = None,
        lang: Language = "en",
    ) -> None:
        if axis not in AXES:
            raise FairlmError(f"unknown CDA axis {axis!r}; choose one of {', '.join(AXES)}")
        if mode not in MODES:
            raise FairlmError(f"unknown CDA mode {mode!r}; choose one of {', '.join(MODES)}")
        if lang not in LANGUAGES:
            raise FairlmError(
                f"unknown CDA language {lang!r}; choose one of {', '.join(LANGUAGES)}"
            )
        if lang == "zh" and axis != "gender":
            raise FairlmError(
                f"Chinese CDA (lang 'zh') has gender terms only; got axis {axis!r}: use "
                "axis 'gender'"
            )
        self.lang = lang
        self.axis = axis
        self.mode = mode
        self.names = names
        self.seed = seed
        self.pairs = None if pairs is None else list(pairs)
        self.data_dir = data_dir

    # ------------------------------------------------------------------ tables
    @property
    def groups(self) -> tuple[str, ...]:
        """Names of the axis's groups, in the order :meth:`attribute` numbers them."""
        return {"gender": GENDER_GROUPS, "race": W.RACE_GROUPS, "religion": W.RELIGION_GROUPS}[
            self.axis
        ]

    @cached_property
    def _zh(self) -> ChineseSwapper:
        if self.pairs is None:
            return ChineseSwapper.default()
        from fairlm.augment import _wordlists_zh as Z

        return ChineseSwapper(self.pairs, protected=Z.ZH_PROTECTED)

    @cached_property
    def _terms(self) -> dict[str, _Term]:
        if self.axis == "gender":
            return self._gender_terms()
        rows = W.RACE_ROWS if self.axis == "race" else W.RELIGION_ROWS
        terms: dict[str, _Term] = {}
        for r, row in enumerate(rows):
            for g, term in enumerate(row):
                terms.setdefault(term, _Term("group", g, row=r))
        return terms

    def _gender_terms(self) -> dict[str, _Term]:
        if self.pairs is not None:
            upstream = self.pairs
            preferred: Sequence[tuple[str, str]] = ()
        else:
            from fairlm.data import load_cda_pairs

            upstream = load_cda_pairs(self.data_dir)
            preferred = W.GENDER_PREFERRED_PAIRS
        terms: dict[str, _Term] = {
            "he": _Term("pair", 0, "she"),
            "she": _Term("pair", 1, "he"),
            "himself": _Term("pair", 0, "herself"),
            "herself": _Term("pair", 1, "himself"),
            "him": _Term("pronoun", 0, "him"),
            "his": _Term("pronoun", 0, "his"),
            "her": _Term("pronoun", 1, "her"),
            "hers": _Term("pronoun", 1, "hers"),
        }
        for male, female in [*preferred, *upstream]:
            m, f = male.lower(), female.lower()
            if {m, f} & W.GENDER_EXCLUDED_WORDS or m in terms or f in terms or m == f:
                continue  # first partner wins: each word keeps exactly one
            terms[m] = _Term("pair", 0, f)
            terms[f] = _Term("pair", 1, m)
        for src, dst in W.GENDER_ONE_WAY:
            terms.setdefault(src, _Term("pair", 1 if src in ("ms", "madam") else 0, dst))
        if self.names:
            for male, female in W.NAME_PAIRS:
                terms.setdefault(male.lower(), _Term("name", 0, female))
                terms.setdefault(female.lower(), _Term("name", 1, male))
        return terms

    @cached_property
    def _pattern(self) -> re.Pattern[str]:
        alts = sorted(self._terms, key=lambda t: (-len(t), t))
        body = "|".join(r"\s+".join(re.escape(w) for w in t.split()) for t in alts)
        return re.compile(rf"(?<!\w)(?:{body})(?!\w)", re.IGNORECASE)

    @property
    def two_sided_words(self) -> frozenset[str]:
        """Words that swap both ways (w -> v and v -> w): swapping twice returns them.

        Lower-case, except first names, which are capitalised. Empty for race and
        religion, whose replacement is random.
        """
        if self.axis != "gender":
            return frozenset()
        if self.lang == "zh":
            return self._zh.two_sided_words
        out = set()
        for word, t in self._terms.items():
            back = self._terms.get(t.target.lower())
            if t.kind in ("pair", "name") and back is not None and back.target.lower() == word:
                out.add(word.capitalize() if t.kind == "name" else word)
        return frozenset(out)

    # ------------------------------------------------------------------ swapping
    def swap(self, text: str) -> str:
        """The counterfactual of ``text`` (``text`` itself when it has no terms)."""
        return self.swap_count(text)[0]

    def swap_count(self, text: str) -> tuple[str, int]:
        """The counterfactual of ``text`` and how many terms were swapped."""
        if not isinstance(text, str):
            raise FairlmError(f"expected a string, got {type(text).__name__}")
        if self.lang == "zh":
            return self._zh.swap_count(text)
        count = 0
        targets: dict[int, int] = {}  # race/religion: source group -> target group
        rng: random.Random | None = None

        def replace(m: re.Match[str]) -> str:
            nonlocal count, rng
            src = m.group(0)
            key = " ".join(src.lower().split())
            term = self._terms.get(key)
            if term is None:  # a non-ASCII letter that case-folds onto a term
                return src
            if term.kind == "name":
                if not _capitalised(src):
                    return src
                count += 1
                return term.target.upper() if src.isupper() and len(src) > 1 else term.target
            if term.kind == "pronoun":
                new = _pronoun(term.target, text, m.end())
            elif term.kind == "pair":
                new = term.target
            else:
                if rng is None:
                    rng = random.Random(f"{self.seed}\x00{text}")
                if term.group not in targets:
                    others = [g for g in range(len(self.groups)) if g != term.group]
                    targets[term.group] = rng.choice(others)
                rows = W.RACE_ROWS if self.axis == "race" else W.RELIGION_ROWS
                new = rows[term.row][targets[term.group]]
            count += 1
            return _match_case(src, new)

        out = self._pattern.sub(replace, text)
        return out, count

    def augment(self, texts: Iterable[str]) -> list[str]:
        """The augmented corpus: two-sided keeps each text and adds its counterfactual
        right after it (only where something was swapped); one-sided replaces it."""
        return [t for text in texts for t, _ in self.expand(text)[0]]

    def expand(self, text: str) -> tuple[list[tuple[str, bool]], int]:
        """What the augmented corpus holds for ``text``, and how many terms were swapped.

        The first part lists ``(text, is_counterfactual)``: two-sided, the text and, where
        something was swapped, its counterfactual; one-sided, the counterfactual alone
        (flagged only where something was swapped).
        """
        cf, n = self.swap_count(text)
        if self.mode == "one-sided":
            return [(cf, n > 0)], n
        return ([(text, False), (cf, True)] if n else [(text, False)]), n

    def attribute(self, text: str) -> int:
        """The group a text is about: index into :attr:`groups`, or -1 when it mentions
        no group's terms or several groups' (gender: 0 male, 1 female)."""
        if self.lang == "zh":
            return self._zh.attribute(text)
        found: set[int] = set()
        for m in self._pattern.finditer(text):
            src = m.group(0)
            term = self._terms.get(" ".join(src.lower().split()))
            if term is None:
                continue
            if term.kind == "name" and not _capitalised(src):
                continue
            found.add(term.group)
        return found.pop() if len(found) == 1 else -1

    def __repr__(self) -> str:
        return (
            f"CounterfactualAugmenter({self.axis!r}, mode={self.mode!r}, seed={self.seed}, "
            f"lang={self.lang!r})"
        )


_NEXT = re.compile(r"\s*(\S)")
_NEXT_WORD = re.compile(r"[A-Za-z]+(?:['’][A-Za-z]+)?")


def _pronoun(word: str, text: str, end: int) -> str:
    """him -> her; hers -> his; her -> him/his and his -> her/hers by the next word."""
    if word == "him":
        return "her"
    if word == "hers":
        return "his"
    nxt = _NEXT.match(text, end)
    standalone = True  # before punctuation or the end of the text
    if nxt is not None:
        ch = nxt.group(1)
        if ch.isdigit():
            standalone = False
        elif ch.isalpha():
            w = _NEXT_WORD.match(text, nxt.start(1))
            standalone = w is not None and w.group(0).lower() in _FUNCTION_WORDS
    if word == "her":
        return "him" if standalone else "his"
    return "hers" if standalone else "her"  # his


def _capitalised(word: str) -> bool:
    """Names swap only as "John" or "JOHN", never as "john"."""
    return word[:1].isupper() and (word[1:].islower() or word.isupper())


def _match_case(src: str, new: str) -> str:
    """``new`` in the capitalisation of ``src`` (all caps, capitalised, or lower)."""
    letters = [c for c in src if c.isalpha()]
    if len(letters) > 1 and all(c.isupper() for c in letters):
        return new.upper()
    if src[:1].isupper():
        return " ".join(w[:1].upper() + w[1:] for w in new.split(" "))
    return new
