"""CrowS-Pairs: minimal pairs of a more and a less stereotyping sentence."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from fairlm.data._readers import data_error, iter_csv
from fairlm.data._resolve import dataset_path

__all__ = ["CrowsPair", "load_crows_pairs", "CROWS_PAIRS_FILE"]

CROWS_PAIRS_FILE = "crows_pairs/crows_pairs_anonymized.csv"
_DIRECTIONS = ("stereo", "antistereo")


@dataclass(frozen=True)
class CrowsPair:
    """One CrowS-Pairs pair.

    ``sent_more`` is the more stereotyping sentence for both directions: for ``antistereo``
    pairs it is the one that violates a stereotype about a disadvantaged group.
    """

    id: str  # the CSV's row-index column, "0" .. "1507"
    sent_more: str
    sent_less: str
    stereo_antistereo: Literal["stereo", "antistereo"]
    bias_type: str  # race-color, gender, socioeconomic, nationality, religion, age, ...


def load_crows_pairs(
    data_dir: str | os.PathLike[str] | None = None, *, verify: bool = True
) -> list[CrowsPair]:
    """All 1,508 CrowS-Pairs pairs, in file order."""
    return read_crows_pairs(dataset_path("crows_pairs", CROWS_PAIRS_FILE, data_dir, verify=verify))


def read_crows_pairs(path: Path) -> list[CrowsPair]:
    """Parse a CrowS-Pairs CSV file (the anonymized release's columns)."""
    columns = ("", "sent_more", "sent_less", "stereo_antistereo", "bias_type")
    pairs: list[CrowsPair] = []
    seen: set[str] = set()
    for line, row in iter_csv(path, required=columns):
        pair_id = row[""].strip()
        if not pair_id:
            raise data_error(path, line, "empty row index (first column)")
        if pair_id in seen:
            raise data_error(path, line, f"duplicate row index {pair_id!r}")
        seen.add(pair_id)
        direction = row["stereo_antistereo"]
        if direction not in _DIRECTIONS:
            raise data_error(
                path, line, f"stereo_antistereo must be 'stereo' or 'antistereo', got {direction!r}"
            )
        for key in ("sent_more", "sent_less", "bias_type"):
            if not row[key].strip():
                raise data_error(path, line, f"empty {key}")
        pairs.append(
            CrowsPair(
                id=pair_id,
                sent_more=row["sent_more"],
                sent_less=row["sent_less"],
                stereo_antistereo=direction,  # type: ignore[arg-type]
                bias_type=row["bias_type"],
            )
        )
    return pairs
