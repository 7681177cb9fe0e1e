"""Checking a local copy of a data set file by file (``fairlm data verify``)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from fairlm.data._registry import get_dataset
from fairlm.data._resolve import locate, safe_join, sha256_file

__all__ = ["FileCheck", "check_dataset"]


@dataclass(frozen=True)
class FileCheck:
    """The state of one file: ``ok``, ``missing`` (optional files too) or ``mismatch``."""

    path: str  # relative to the data root
    status: Literal["ok", "missing", "mismatch"]
    required: bool
    expected_sha256: str
    actual_sha256: str | None


def check_dataset(
    name: str, data_dir: str | os.PathLike[str] | None = None
) -> tuple[Path | None, list[FileCheck]]:
    """Hash every file of ``name`` where it would be read from (no download, no cache).

    Returns the data root (None when the data set is not available) and one check per
    file. Raises only for unsafe paths.
    """
    info = get_dataset(name)
    where = locate(name, data_dir)
    if where is None:
        return None, []
    checks = []
    for spec in info.files:
        path = safe_join(where.root, spec.path)
        if not path.is_file():
            checks.append(FileCheck(spec.path, "missing", spec.required, spec.sha256, None))
            continue
        got = sha256_file(path)
        status: Literal["ok", "mismatch"] = "ok" if got == spec.sha256 else "mismatch"
        checks.append(FileCheck(spec.path, status, spec.required, spec.sha256, got))
    return where.root, checks
