"""WinoBias: coreference sentences with an occupation, a second occupation and a pronoun.

Each line looks like ``1 [The developer] argued with the designer because [he] did not
like the design.``: a running number, then the sentence with the pronoun's referent and
the pronoun in brackets. 87 of the 3,168 lines bracket a second pronoun (``[she] needed
to cut [her] hair``). The other occupation is not marked; it is found with the 2 x 20
occupation lists that ship with the data.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from fairlm.data._readers import iter_lines
from fairlm.data._resolve import resolve, safe_join
from fairlm.errors import DataError

__all__ = ["WinoBiasExample", "load_winobias", "parse_winobias_line", "read_occupations"]

Span = tuple[int, int]
_SPLITS = ("dev", "test")
_MALE = {"he", "him", "his", "himself"}
_FEMALE = {"she", "her", "hers", "herself"}
_LINE = re.compile(r"^\s*(\d+)\s+(.*\S)\s*$")
_MENTION = re.compile(r"\[([^\[\]]+)\]")
_DETERMINER = re.compile(r"\b(the|a|an) $", re.IGNORECASE)


@dataclass(frozen=True)
class WinoBiasExample:
    """One WinoBias sentence. Spans are [start, end) character offsets into ``sentence``.

    ``referent`` is the occupation the pronoun refers to (the bracketed mention);
    ``other`` is the sentence's other occupation, the wrong reading. Lines with the same
    ``split``, ``type`` and ``number`` in the pro and anti files are the same sentence with
    the pronoun's gender swapped, except test type 2 lines 382 and 384, where the upstream
    anti file has a different sentence.
    """

    id: str  # "dev-pro-type1-001"
    split: Literal["dev", "test"]
    stereotype: Literal["pro", "anti"]
    type: Literal[1, 2]  # 1: needs world knowledge; 2: resolvable by syntax
    number: int  # the running number that starts the line
    sentence: str  # brackets removed
    referent: str  # "The developer"
    referent_span: Span
    referent_occupation: str  # as in the occupation list: "developer"
    pronoun: str  # the first bracketed pronoun: "he"
    pronoun_span: Span
    pronoun_gender: Literal["male", "female"]
    other: str  # "the designer"
    other_span: Span
    other_occupation: str  # "designer"
    pronoun_spans: tuple[Span, ...]  # every bracketed pronoun (1 or 2)


def load_winobias(
    data_dir: str | os.PathLike[str] | None = None,
    *,
    split: Literal["dev", "test"] = "dev",
    verify: bool = True,
) -> list[WinoBiasExample]:
    """The 1,584 sentences of one split: type 1 pro, type 1 anti, type 2 pro, type 2 anti.

    Raises a DataError listing examples if any line cannot be parsed (none can't in the
    released data).
    """
    if split not in _SPLITS:
        raise ValueError(f"split must be one of {_SPLITS}, got {split!r}")
    root = resolve("winobias", data_dir, verify=verify)
    occupations = read_occupations(
        safe_join(root, "winobias/male_occupations.txt"),
        safe_join(root, "winobias/female_occupations.txt"),
    )
    matcher = _occupation_pattern(occupations)
    out: list[WinoBiasExample] = []
    failures: list[str] = []
    for kind in (1, 2):
        for stereotype in ("pro", "anti"):
            path = safe_join(root, f"winobias/{stereotype}_stereotyped_type{kind}.txt.{split}")
            for lineno, text in iter_lines(path):
                if not text.strip():
                    continue
                try:
                    out.append(
                        parse_winobias_line(
                            text,
                            split=split,
                            stereotype=stereotype,  # type: ignore[arg-type]
                            type=kind,  # type: ignore[arg-type]
                            occupations=matcher,
                        )
                    )
                except ValueError as exc:
                    failures.append(f"{path}:{lineno}: {exc}: {text!r}")
    if failures:
        shown = "\n  ".join(failures[:5])
        raise DataError(
            f"{len(failures)} WinoBias line(s) could not be parsed, for example:\n  {shown}"
        )
    return out


def read_occupations(*paths: Path) -> list[str]:
    """Occupations, one per line, from each file in turn (blank lines skipped)."""
    out: list[str] = []
    for path in paths:
        out.extend(t.strip() for _, t in iter_lines(path) if t.strip())
    return out


def _occupation_pattern(occupations: list[str]) -> tuple[re.Pattern[str], dict[str, str]]:
    # longest first so that "construction worker" wins over any shorter name; optional
    # plural; case-insensitive because sentences start with a capital ("The CEO ...")
    names = sorted(occupations, key=len, reverse=True)
    pattern = re.compile(
        r"\b(" + "|".join(re.escape(n) for n in names) + r")(?:s|es)?\b", re.IGNORECASE
    )
    return pattern, {n.lower(): n for n in occupations}


def _unbracket(raw: str) -> tuple[str, list[Span]]:
    """The sentence without brackets, and each bracketed mention's span in it."""
    parts: list[str] = []
    spans: list[Span] = []
    pos = 0
    length = 0
    for mm in _MENTION.finditer(raw):
        parts.append(raw[pos : mm.start()])
        length += mm.start() - pos
        spans.append((length, length + len(mm.group(1))))
        parts.append(mm.group(1))
        length += len(mm.group(1))
        pos = mm.end()
    parts.append(raw[pos:])
    sentence = "".join(parts)
    if "[" in sentence or "]" in sentence:
        raise ValueError("unbalanced or nested brackets")
    if len(spans) < 2:
        raise ValueError(f"expected 2 or more [bracketed] mentions, found {len(spans)}")
    return sentence, spans


def _pronoun_gender(pronouns: list[str]) -> str:
    """``male`` or ``female``: the one gender all the pronoun mentions share."""
    genders = set()
    for p in pronouns:
        if p.lower() in _MALE:
            genders.add("male")
        elif p.lower() in _FEMALE:
            genders.add("female")
        else:
            raise ValueError(f"mention {p!r} is not a gendered pronoun")
    if len(genders) != 1:
        raise ValueError(f"pronouns of both genders: {pronouns}")
    return genders.pop()


def _other_occupation(
    sentence: str,
    ref_span: Span,
    ref_occupation: str,
    occupations: tuple[re.Pattern[str], dict[str, str]],
) -> tuple[int, int, str]:
    """(start, end, occupation) of the first occupation other than the referent's, its
    determiner included."""
    pattern, canonical = occupations
    for om in pattern.finditer(sentence):
        if om.start() < ref_span[1] and om.end() > ref_span[0]:
            continue  # the referent itself
        occupation = canonical[om.group(1).lower()]
        if occupation == ref_occupation:
            continue  # e.g. "... a good baker" repeating the referent's occupation
        start = om.start()
        det = _DETERMINER.search(sentence, 0, start)
        if det is not None:
            start = det.start()
        return start, om.end(), occupation
    raise ValueError(f"no second occupation besides {ref_occupation!r}")


def parse_winobias_line(
    line: str,
    *,
    split: Literal["dev", "test"],
    stereotype: Literal["pro", "anti"],
    type: Literal[1, 2],  # noqa: A002 - the data set's own name for it
    occupations: tuple[re.Pattern[str], dict[str, str]],
) -> WinoBiasExample:
    """Parse one line; raises ValueError saying what is wrong."""
    m = _LINE.match(line)
    if not m:
        raise ValueError("expected '<number> <sentence>'")
    number = int(m.group(1))
    sentence, spans = _unbracket(m.group(2))
    pattern, canonical = occupations
    ref_span, pronoun_spans = spans[0], spans[1:]
    referent = sentence[slice(*ref_span)]
    ref_match = pattern.search(referent)
    if ref_match is None:
        raise ValueError(f"the first mention {referent!r} names no known occupation")
    ref_occupation = canonical[ref_match.group(1).lower()]
    pronouns = [sentence[slice(*s)] for s in pronoun_spans]
    gender = _pronoun_gender(pronouns)
    other = _other_occupation(sentence, ref_span, ref_occupation, occupations)
    return WinoBiasExample(
        id=f"{split}-{stereotype}-type{type}-{number:03d}",
        split=split,
        stereotype=stereotype,
        type=type,
        number=number,
        sentence=sentence,
        referent=referent,
        referent_span=ref_span,
        referent_occupation=ref_occupation,
        pronoun=pronouns[0],
        pronoun_span=pronoun_spans[0],
        pronoun_gender=gender,  # type: ignore[arg-type]
        other=sentence[other[0] : other[1]],
        other_span=(other[0], other[1]),
        other_occupation=other[2],
        pronoun_spans=tuple(pronoun_spans),
    )
