"""Where a data set's files are: explicit folder, FAIRLM_DATA_DIR, the user cache, or a download.

``resolve(name)`` returns the *data root*, the folder that holds ``<name>/...`` in the same
layout as the shared data folder. The first of these that applies wins:

1. ``data_dir`` (the CLI's ``--data-dir``): must hold the data set, else an error;
2. the ``FAIRLM_DATA_DIR`` environment variable: likewise;
3. the user cache, ``$FAIRLM_CACHE_DIR/data``, else ``$XDG_CACHE_HOME/fairlm/data``, else
   ``~/.cache/fairlm/data``: used when it holds every required file;
4. a download into that cache (see :mod:`fairlm.data._download`).

Every file's sha256 is checked against the registry the first time the process uses it;
the result is remembered per (path, mtime, size), so a second load is free.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from fairlm.data._registry import DatasetInfo, FileSpec, get_dataset
from fairlm.errors import DataError

__all__ = [
    "DATA_DIR_ENV",
    "CACHE_DIR_ENV",
    "Location",
    "cache_dir",
    "locate",
    "resolve",
    "safe_join",
    "sha256_file",
    "verify_file",
    "remember_verified",
    "missing_files",
    "dataset_path",
]

DATA_DIR_ENV = "FAIRLM_DATA_DIR"
CACHE_DIR_ENV = "FAIRLM_CACHE_DIR"

Source = Literal["data_dir", "env", "cache"]

# (real path, mtime_ns, size, expected sha256) of files that matched in this process
_verified: set[tuple[str, int, int, str]] = set()


@dataclass(frozen=True)
class Location:
    """Where a data set was found: the data root and which rule found it."""

    root: Path
    source: Source  # "data_dir" (argument / --data-dir), "env" (FAIRLM_DATA_DIR) or "cache"


def cache_dir() -> Path:
    """The folder downloads go to (it need not exist yet)."""
    if base := os.environ.get(CACHE_DIR_ENV):
        return Path(base).expanduser() / "data"
    if xdg := os.environ.get("XDG_CACHE_HOME"):
        return Path(xdg).expanduser() / "fairlm" / "data"
    return Path.home() / ".cache" / "fairlm" / "data"


def safe_join(root: str | os.PathLike[str], relpath: str) -> Path:
    """``root / relpath``, refusing names that would leave ``root``.

    Rejects absolute paths and ``..`` parts outright, then resolves symbolic links and
    checks that the result is still inside ``root`` (a link pointing elsewhere is refused).
    """
    rel = Path(relpath)
    if not relpath or rel.is_absolute() or rel.drive or ".." in rel.parts or "\\" in relpath:
        raise DataError(
            f"Refusing data path {relpath!r}: it must be relative and stay inside {root}"
        )
    root_real = Path(root).expanduser().resolve()
    full = (root_real / rel).resolve()
    if not full.is_relative_to(root_real):
        raise DataError(
            f"Refusing data path {relpath!r}: in {root} it resolves to {full}, which is outside "
            "the data directory (a symbolic link pointing elsewhere?). Copy the file in instead."
        )
    return full


def sha256_file(path: str | os.PathLike[str]) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(1 << 20):
            h.update(chunk)
    return h.hexdigest()


def verify_file(path: Path, spec: FileSpec) -> None:
    """Raise a DataError if ``path`` does not have the sha256 the registry records.

    A match is remembered for this process, keyed by path, mtime and size.
    """
    st = path.stat()
    key = (str(path), st.st_mtime_ns, st.st_size, spec.sha256)
    if key in _verified:
        return
    try:
        got = sha256_file(path)
    except OSError as exc:
        raise DataError(f"{path}: cannot read: {exc.strerror or exc}") from None
    if got != spec.sha256:
        name = spec.path.split("/")[0]
        raise DataError(
            f"{path}: sha256 mismatch: expected {spec.sha256}, got {got}; re-download it "
            f"('fairlm data download {name} --force', with --data-dir to fix that "
            f"folder), or point --data-dir or {DATA_DIR_ENV} at an unmodified copy. "
            "Benchmarks refuse changed data so that their figures stay comparable; "
            "'fairlm data verify' lists every mismatch."
        )
    _verified.add(key)


def remember_verified(path: Path, spec: FileSpec) -> None:
    """Record that ``path`` (just written and hashed) matches ``spec``."""
    st = path.stat()
    _verified.add((str(path), st.st_mtime_ns, st.st_size, spec.sha256))


def missing_files(info: DatasetInfo, root: Path) -> list[str]:
    """Relative paths of required files that ``root`` lacks."""
    return [f.path for f in info.required_files if not safe_join(root, f.path).is_file()]


def _check_dir(info: DatasetInfo, root: Path, where: str) -> None:
    missing = missing_files(info, root)
    if not missing:
        return
    hint = ""
    if not (root / info.name).exists() and root.name == info.name:
        hint = f" It looks like the data set folder itself; pass its parent, {root.parent}."
    elif not root.is_dir():
        hint = " That directory does not exist."
    more = f" (and {len(missing) - 1} more)" if len(missing) > 1 else ""
    raise DataError(
        f"Data set {info.name!r} not found in {where}: missing file {missing[0]}{more}."
        f"{hint} Point it at the folder that holds {info.name}/, or run "
        f"'fairlm data download {info.name}'."
    )


def _verify_all(info: DatasetInfo, root: Path) -> None:
    for spec in info.files:
        path = safe_join(root, spec.path)
        if spec.required or path.is_file():
            verify_file(path, spec)


def locate(name: str, data_dir: str | os.PathLike[str] | None = None) -> Location | None:
    """Where ``name`` would be read from, without downloading or hashing; None if nowhere.

    An explicit ``data_dir`` or ``FAIRLM_DATA_DIR`` that lacks the data set gives None
    rather than falling through to the cache: those settings mean "use this folder".
    """
    info = get_dataset(name)
    root, source = _candidate(data_dir)
    return None if missing_files(info, root) else Location(root, source)


def _candidate(data_dir: str | os.PathLike[str] | None) -> tuple[Path, Source]:
    """The one folder the resolution order points at (explicit settings never fall through)."""
    if data_dir is not None:
        return Path(data_dir).expanduser(), "data_dir"
    if env := os.environ.get(DATA_DIR_ENV):
        return Path(env).expanduser(), "env"
    return cache_dir(), "cache"


def resolve(
    name: str,
    data_dir: str | os.PathLike[str] | None = None,
    *,
    download: bool = True,
    verify: bool = True,
) -> Path:
    """The data root (the folder holding ``<name>/``) for data set ``name``.

    Looks in ``data_dir``, else ``FAIRLM_DATA_DIR``, else the user cache, downloading into
    the cache when ``download`` is true and the data set is not there. With ``verify``
    (the default) every file's sha256 is checked on first use; ``verify=False`` is for a
    deliberately modified copy.

    >>> root = resolve("crows_pairs")  # doctest: +SKIP
    >>> (root / "crows_pairs" / "crows_pairs_anonymized.csv").is_file()  # doctest: +SKIP
    True
    """
    info = get_dataset(name)
    root, source = _candidate(data_dir)
    if source == "data_dir":
        _check_dir(info, root, f"--data-dir {root}")
    elif source == "env":
        _check_dir(info, root, f"{DATA_DIR_ENV}={root}")
    elif missing_files(info, root):
        if not download:
            raise DataError(
                f"Data set {name!r} is not available: it is not in the cache {root} and "
                f"{DATA_DIR_ENV} is not set. Run 'fairlm data download {name}', or set "
                f"{DATA_DIR_ENV} to a folder that holds {name}/."
            )
        from fairlm.data._download import download as _download

        _download(name, data_dir=root)
    if verify:
        _verify_all(info, root)
    return root


def dataset_path(
    name: str,
    relpath: str,
    data_dir: str | os.PathLike[str] | None = None,
    *,
    verify: bool = True,
) -> Path:
    """The path of one file of data set ``name`` (``relpath`` relative to the data root)."""
    return safe_join(resolve(name, data_dir, verify=verify), relpath)
