"""What a benchmark data set is: its files, where each comes from, its licence and citation.

The entries themselves live in :mod:`fairlm.data._datasets` (generated once from the data
folder's ``MANIFEST.sha256`` and committed as code); this module holds the types and the
lookup by name.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from fairlm._registry import unknown_name_message
from fairlm.errors import UnknownNameError

__all__ = ["FileSpec", "License", "DatasetInfo", "get_dataset", "dataset_names", "GitHubSource"]


@dataclass(frozen=True)
class GitHubSource:
    """A repository pinned to one commit; ``url(path)`` gives the raw-file address."""

    repo: str  # "owner/name"
    commit: str  # full 40-hex commit

    def url(self, path: str) -> str:
        return f"https://raw.githubusercontent.com/{self.repo}/{self.commit}/{path}"

    def __str__(self) -> str:
        return f"{self.repo}@{self.commit}"


@dataclass(frozen=True)
class FileSpec:
    """One file of a data set.

    ``path`` is relative to the data root (the folder that holds ``<name>/``), in the same
    layout as the shared data folder. ``url`` is the canonical download address pinned to
    an upstream commit; when ``member`` is set, ``url`` is a zip archive (``archive_sha256``)
    and the file is that member of it. ``url`` is None for a file that has no upstream copy
    (a licence notice written by the data collector); such a file is ``required=False``:
    checked when present, never downloaded, not needed to use the data.
    """

    path: str
    sha256: str
    size: int  # bytes
    url: str | None
    member: str | None = None
    archive_sha256: str | None = None
    required: bool = True


@dataclass(frozen=True)
class License:
    """A data set's licence: an SPDX-style id, and whether commercial use is allowed."""

    spdx: str
    commercial_use_ok: bool
    note: str = ""

    def __str__(self) -> str:
        return self.spdx if self.commercial_use_ok else f"{self.spdx} (non-commercial)"


@dataclass(frozen=True)
class DatasetInfo:
    """A benchmark data set: name, description, licence, citation, source and files."""

    name: str
    title: str
    description: str
    license: License
    citation: str
    source: str  # where the bytes come from, with commits
    files: tuple[FileSpec, ...]

    @property
    def required_files(self) -> tuple[FileSpec, ...]:
        return tuple(f for f in self.files if f.required)

    @property
    def size(self) -> int:
        """Total size of the files in bytes."""
        return sum(f.size for f in self.files)

    def file(self, path: str) -> FileSpec:
        """The spec of one file, by its path relative to the data root."""
        for f in self.files:
            if f.path == path:
                return f
        raise KeyError(f"{self.name} has no file {path!r}")


def _datasets() -> dict[str, DatasetInfo]:
    from fairlm.data._datasets import DATASETS

    return DATASETS


def dataset_names() -> list[str]:
    """Names of the registered data sets, in registry order."""
    return list(_datasets())


def get_dataset(name: str) -> DatasetInfo:
    """The registry entry for ``name``; an unknown name raises with close matches."""
    datasets = _datasets()
    if name not in datasets:
        raise UnknownNameError(unknown_name_message("data set", name, list(datasets)))
    return datasets[name]


def select_names(kind: str, chosen: Iterable[str] | str | None, known: Sequence[str]) -> list[str]:
    """``chosen`` (one name, several, or None for all of ``known``), each checked."""
    if chosen is None:
        names = list(known)
    elif isinstance(chosen, str):
        names = [chosen]
    else:
        names = list(chosen)
    for n in names:
        if n not in known:
            raise UnknownNameError(unknown_name_message(kind, n, list(known)))
    return names
