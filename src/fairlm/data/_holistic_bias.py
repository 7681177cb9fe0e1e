"""HolisticBias term lists: descriptors, nouns, sentence templates, standalone noun phrases.

The data set ships as lists that are combined into sentences ("I'm a Deaf grandma.");
this module reads the lists only. Building sentences is a separate step.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from fairlm.data._readers import data_error, read_json
from fairlm.data._resolve import resolve, safe_join

__all__ = [
    "HolisticBiasDescriptor",
    "HolisticBiasNoun",
    "HolisticBiasTemplate",
    "HolisticBiasNounPhrase",
    "HolisticBiasTerms",
    "load_holistic_bias",
    "read_holistic_bias",
    "HOLISTIC_BIAS_VERSIONS",
]

HOLISTIC_BIAS_VERSIONS = ("v1.0", "v1.1")
_NOUN_GENDERS = ("female", "male", "neutral")
_FILES = (
    "descriptors.json",
    "nouns.json",
    "sentence_templates.json",
    "standalone_noun_phrases.json",
)


@dataclass(frozen=True)
class HolisticBiasDescriptor:
    """A descriptor ("Deaf") in an axis ("ability") and bucket ("auditory")."""

    id: str  # f"{axis}/{bucket}/{descriptor}", with "#2" on a repeat
    axis: str
    bucket: str
    descriptor: str
    preference: str | None  # "reviewed", "dispreferred", "polarizing" or None
    gender: str | None  # "female"/"male" for gendered descriptors ("Chicana"), else None
    article: str | None  # an explicit article ("a" for "US-born"), else None


@dataclass(frozen=True)
class HolisticBiasNoun:
    id: str  # f"{gender}/{singular}"
    gender: Literal["female", "male", "neutral"]
    singular: str
    plural: str


@dataclass(frozen=True)
class HolisticBiasTemplate:
    """A sentence template with ``{noun_phrase}`` or ``{plural_noun_phrase}``."""

    id: str  # the template text itself
    template: str
    first_turn_only: bool
    must_be_noun: bool


@dataclass(frozen=True)
class HolisticBiasNounPhrase:
    """A noun phrase used without a descriptor ("a wheelchair user")."""

    id: str  # f"{axis}/{noun_phrase}", with "#2" on a repeat
    axis: str
    noun_phrase: str
    plural_noun_phrase: str | None
    preference: str | None


@dataclass(frozen=True)
class HolisticBiasTerms:
    """All term lists of one HolisticBias version."""

    version: str
    descriptors: tuple[HolisticBiasDescriptor, ...]
    nouns: tuple[HolisticBiasNoun, ...]
    templates: tuple[HolisticBiasTemplate, ...]
    noun_phrases: tuple[HolisticBiasNounPhrase, ...]


def load_holistic_bias(
    data_dir: str | os.PathLike[str] | None = None,
    *,
    version: Literal["v1.0", "v1.1"] = "v1.1",
    verify: bool = True,
) -> HolisticBiasTerms:
    """The term lists of ``version`` (v1.1: 583 descriptors, 32 nouns, 26 templates)."""
    if version not in HOLISTIC_BIAS_VERSIONS:
        raise ValueError(f"version must be one of {HOLISTIC_BIAS_VERSIONS}, got {version!r}")
    root = resolve("holistic_bias", data_dir, verify=verify)
    for name in _FILES:  # refuse files that resolve outside the data directory
        safe_join(root, f"holistic_bias/{version}/{name}")
    return read_holistic_bias(safe_join(root, f"holistic_bias/{version}"), version=version)


def read_holistic_bias(folder: Path, *, version: str) -> HolisticBiasTerms:
    """Parse the four JSON files of one version folder."""
    return HolisticBiasTerms(
        version=version,
        descriptors=_descriptors(folder / "descriptors.json"),
        nouns=_nouns(folder / "nouns.json"),
        templates=_templates(folder / "sentence_templates.json"),
        noun_phrases=_noun_phrases(folder / "standalone_noun_phrases.json"),
    )


def _unique(base: str, seen: dict[str, int]) -> str:
    """``base``, or ``base#2``, ``base#3`` ... for later repeats (v1.1 lists "a Rasta" twice)."""
    seen[base] = seen.get(base, 0) + 1
    return base if seen[base] == 1 else f"{base}#{seen[base]}"


def _opt_str(obj: dict[str, Any], key: str, path: Path, where: str) -> str | None:
    value = obj.get(key)
    if value is not None and not isinstance(value, str):
        raise data_error(path, None, f"{where}.{key} must be a string")
    return value


def _descriptors(path: Path) -> tuple[HolisticBiasDescriptor, ...]:
    doc = read_json(path)
    if not isinstance(doc, dict):
        raise data_error(path, None, "expected {axis: {bucket: [descriptor, ...]}}")
    out = []
    seen: dict[str, int] = {}
    for axis, buckets in doc.items():
        if not isinstance(buckets, dict):
            raise data_error(path, None, f"{axis} must map buckets to lists")
        for bucket, items in buckets.items():
            if not isinstance(items, list):
                raise data_error(path, None, f"{axis}.{bucket} must be a list")
            for i, item in enumerate(items):
                where = f"{axis}.{bucket}[{i}]"
                if isinstance(item, str):
                    item = {"descriptor": item}
                if not isinstance(item, dict) or not isinstance(item.get("descriptor"), str):
                    raise data_error(path, None, f"{where} must be a string or {{descriptor, ...}}")
                out.append(
                    HolisticBiasDescriptor(
                        id=_unique(f"{axis}/{bucket}/{item['descriptor']}", seen),
                        axis=axis,
                        bucket=bucket,
                        descriptor=item["descriptor"],
                        preference=_opt_str(item, "preference", path, where),
                        gender=_opt_str(item, "gender", path, where),
                        article=_opt_str(item, "article", path, where),
                    )
                )
    return tuple(out)


def _nouns(path: Path) -> tuple[HolisticBiasNoun, ...]:
    doc = read_json(path)
    if not isinstance(doc, dict):
        raise data_error(path, None, "expected {female|male|neutral: [[singular, plural], ...]}")
    out = []
    for gender, pairs in doc.items():
        if gender not in _NOUN_GENDERS:
            raise data_error(path, None, f"unknown noun gender {gender!r}")
        if not isinstance(pairs, list):
            raise data_error(path, None, f"{gender} must be a list")
        for i, pair in enumerate(pairs):
            if not (
                isinstance(pair, list) and len(pair) == 2 and all(isinstance(p, str) for p in pair)
            ):
                raise data_error(path, None, f"{gender}[{i}] must be [singular, plural]")
            out.append(HolisticBiasNoun(f"{gender}/{pair[0]}", gender, pair[0], pair[1]))  # type: ignore[arg-type]
    return tuple(out)


def _templates(path: Path) -> tuple[HolisticBiasTemplate, ...]:
    doc = read_json(path)
    if not isinstance(doc, dict):
        raise data_error(path, None, "expected {template: {first_turn_only?, must_be_noun?}}")
    out = []
    for template, opts in doc.items():
        if not isinstance(opts, dict) or not all(isinstance(v, bool) for v in opts.values()):
            raise data_error(path, None, f"options of {template!r} must be an object of booleans")
        out.append(
            HolisticBiasTemplate(
                id=template,
                template=template,
                first_turn_only=opts.get("first_turn_only", False),
                must_be_noun=opts.get("must_be_noun", False),
            )
        )
    return tuple(out)


def _noun_phrases(path: Path) -> tuple[HolisticBiasNounPhrase, ...]:
    doc = read_json(path)
    if not isinstance(doc, dict):
        raise data_error(path, None, "expected {axis: [noun phrase, ...]}")
    out = []
    seen: dict[str, int] = {}
    for axis, items in doc.items():
        if not isinstance(items, list):
            raise data_error(path, None, f"{axis} must be a list")
        for i, item in enumerate(items):
            where = f"{axis}[{i}]"
            if isinstance(item, str):
                item = {"noun_phrase": item}
            if not isinstance(item, dict) or not isinstance(item.get("noun_phrase"), str):
                raise data_error(path, None, f"{where} must be a string or {{noun_phrase, ...}}")
            out.append(
                HolisticBiasNounPhrase(
                    id=_unique(f"{axis}/{item['noun_phrase']}", seen),
                    axis=axis,
                    noun_phrase=item["noun_phrase"],
                    plural_noun_phrase=_opt_str(item, "plural_noun_phrase", path, where),
                    preference=_opt_str(item, "preference", path, where),
                )
            )
    return tuple(out)
