"""Small file helpers: atomic writes, checks that an output can be written, files a user
may edit, and a lock on a folder.

Every failed write becomes an :class:`~fairlm.errors.OutputError` naming the path and
what is wrong (read-only, a folder where a file is needed), which the command line shows
as one line.
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import hashlib
import json
import logging
import os
import socket
import sys
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from fairlm.errors import DataError, OutputError

__all__ = [
    "FileLock",
    "LockHeld",
    "atomic_write_json",
    "atomic_write_text",
    "check_writable",
    "ensure_dir",
    "give_usual_modes",
    "owned_target",
    "not_utf8",
    "read_utf8",
    "write_jsonl",
    "write_owned_text",
]

log = logging.getLogger("fairlm")


def read_utf8(path: str | os.PathLike[str]) -> str:
    """A text file's contents; a file that is not UTF-8 is a :class:`DataError` naming
    its line and the first byte that is not."""
    data = Path(path).read_bytes()
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise DataError(
            f"{path}:{line}: {not_utf8(exc, f'offset {exc.start}')}; save the file as UTF-8"
        ) from None


def not_utf8(exc: UnicodeDecodeError, at: str | None = None) -> str:
    """How every reader says a text is not UTF-8: the first byte that is not, and where
    it is in the reader's terms (``at``: "offset 28", "column 7")."""
    byte = exc.object[exc.start : exc.start + 1].hex()
    return f"not UTF-8 text (byte 0x{byte}{f' at {at}' if at else ''})"


def atomic_write_text(path: str | os.PathLike[str], text: str) -> Path:
    """Write ``text`` to ``path`` through a temporary file and a rename.

    A reader never sees a half-written file, even if the process dies mid-write.
    """
    path = Path(path)
    if path.is_dir():
        raise OutputError(f"cannot write {path}: it is a folder; give a file name")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as exc:
        raise OutputError(f"cannot write {path}: {_reason(exc)}") from exc
    try:
        # mkstemp makes the file owner-only; give it the mode a plain open() would
        os.fchmod(fd, 0o666 & ~_umask())
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException as exc:
        Path(tmp).unlink(missing_ok=True)
        if isinstance(exc, OSError) and not isinstance(exc, OutputError):
            raise OutputError(f"cannot write {path}: {_reason(exc)}") from exc
        raise
    return path


def _reason(exc: OSError) -> str:
    """``Permission denied``, ``Read-only file system``, ... (the errno's words)."""
    return exc.strerror or str(exc)


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def give_usual_modes(folder: str | os.PathLike[str]) -> None:
    """Give every file in ``folder`` the mode a plain ``open()`` would (some writers, like
    safetensors through a temporary file, leave weights owner-only)."""
    mode = 0o666 & ~_umask()
    for p in Path(folder).iterdir():
        if p.is_file() and not p.is_symlink():
            p.chmod(mode)


def atomic_write_json(path: str | os.PathLike[str], obj: Any) -> Path:
    return atomic_write_text(path, json.dumps(obj, indent=2, ensure_ascii=False) + "\n")


def write_jsonl(path: str | os.PathLike[str], rows: Iterable[dict[str, Any]]) -> Path:
    """Write rows as JSON Lines, atomically."""
    return atomic_write_text(path, "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows))


# --------------------------------------------------------------- checks before the work


def _existing_ancestor(path: Path) -> Path:
    """The nearest of ``path`` and its parents that exists."""
    path = path.absolute()
    while not path.exists() and path != path.parent:
        path = path.parent
    return path


def _probe(folder: Path, what: str, target: Path) -> None:
    """Create and delete a temporary file in ``folder`` (the only sure test: permission
    bits do not tell about read-only mounts, and root ignores them)."""
    try:
        with tempfile.TemporaryFile(dir=folder, prefix=".fairlm-probe-"):
            pass
    except OSError as exc:
        where = "" if folder == target.absolute() else f" (in {folder})"
        raise OutputError(f"{what} {target}: cannot write there{where}: {_reason(exc)}") from None


def check_writable(path: str | os.PathLike[str], *, what: str = "output") -> None:
    """Raise :class:`OutputError` unless a file can be written at ``path``.

    Called before long work (a report, a metrics run) so that a read-only or mistyped
    output path fails at once, with ``what`` (the flag, e.g. ``--json``) in the message.
    Creates nothing.
    """
    path = Path(path)
    if path.is_dir():
        raise OutputError(f"{what} {path} is a folder; give a file name inside it")
    ancestor = _existing_ancestor(path.parent)
    if not ancestor.is_dir():
        raise OutputError(f"{what} {path}: {ancestor} is a file, not a folder")
    _probe(ancestor, what, path)


def ensure_dir(path: str | os.PathLike[str], *, what: str = "output folder") -> bool:
    """Create folder ``path`` (and its parents) if needed and check that it is writable;
    return whether it was created. Raises :class:`OutputError` naming ``what``."""
    path = Path(path)
    if path.exists() and not path.is_dir():
        raise OutputError(f"{what} {path} is a file, not a folder; give a folder")
    ancestor = _existing_ancestor(path)
    if not ancestor.is_dir():
        raise OutputError(f"{what} {path}: {ancestor} is a file, not a folder")
    created = not path.exists()
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"{what} {path}: cannot create it: {_reason(exc)}") from None
    try:
        _probe(path, what, path)
    except OutputError:
        if created:
            with contextlib.suppress(OSError):
                path.rmdir()
        raise
    return created


# ------------------------------------------------------------- files a user may edit


def _stamp_path(path: Path) -> Path:
    return path.parent / f".{path.name}.sha256"


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def owned_target(path: str | os.PathLike[str]) -> Path:
    """Where :func:`write_owned_text` would write: ``path`` if it is absent or unchanged
    since fairlm wrote it, else ``<stem>.new<suffix>`` beside it."""
    path = Path(path)
    if not path.exists():
        return path
    try:
        stamp = _stamp_path(path).read_text(encoding="utf-8").strip()
        if stamp == _sha256(path.read_bytes()):
            return path
    except OSError:
        pass
    return path.with_name(f"{path.stem}.new{path.suffix}")


def write_owned_text(path: str | os.PathLike[str], text: str) -> Path:
    """Write a file the user is invited to edit (``model_card.md``) without ever
    overwriting their edits; return the path written.

    fairlm records the sha256 of what it wrote in a hidden file beside it
    (``.model_card.md.sha256``). The file is (re)written when it is absent or still
    holds exactly what fairlm wrote last; otherwise (edited, or written by someone
    else) it is left alone and the new text goes to ``model_card.new.md``, with a
    warning on the ``fairlm`` logger saying so.
    """
    path = Path(path)
    target = owned_target(path)
    if target != path:
        with contextlib.suppress(OSError):
            if path.read_text(encoding="utf-8") == text:  # already what we would write
                target = path
    atomic_write_text(target, text)
    if target == path:
        atomic_write_text(_stamp_path(path), _sha256(text.encode("utf-8")) + "\n")
    else:
        log.warning(
            "%s was edited since fairlm wrote it: left it as it is and wrote %s beside it",
            path,
            target.name,
        )
    return target


# ------------------------------------------------------------------------------ lock


class LockHeld(OutputError):
    """Another live process holds the lock; ``holder`` is what it wrote in the lock file
    (``pid``, ``host``, ``started``, ``command``; empty if unreadable)."""

    def __init__(self, message: str, holder: dict[str, Any]) -> None:
        super().__init__(message)
        self.holder = holder


class FileLock:
    """An exclusive lock on a folder, held through a lock file.

    On POSIX the file is locked with ``fcntl.flock``, which the kernel releases when the
    holder dies however it dies, so a lock file left by a killed run is free: the next
    run takes it over and :meth:`acquire` returns what the dead holder had written
    (to say so). Elsewhere the file is created with ``O_EXCL`` and a lock whose pid is
    no longer running is taken over. The holder writes its pid, host, start time and
    command line into the file; the file is removed on release.

    >>> with FileLock("runs/x/.fairlm.lock"):  # doctest: +SKIP
    ...     ...
    """

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)
        self._fd: int | None = None

    def acquire(self) -> dict[str, Any] | None:
        """Take the lock; raise :class:`LockHeld` if a live process holds it. Returns the
        record of a dead holder whose lock was taken over, else None."""
        me = {
            "pid": os.getpid(),
            "host": socket.gethostname(),
            "started": _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds"),
            "command": " ".join([Path(sys.argv[0]).name, *sys.argv[1:]])[:300],
        }
        try:
            import fcntl
        except ImportError:  # pragma: no cover - not POSIX
            return self._acquire_exclusive(me)
        while True:
            fd = self._open(os.O_RDWR | os.O_CREAT)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:  # held by a live process
                holder = _read_record(fd)
                os.close(fd)
                raise LockHeld(
                    f"{self.path} is locked by pid {holder.get('pid')}", holder
                ) from None
            except OSError:  # a filesystem without flock (some network mounts)
                os.close(fd)
                return self._acquire_exclusive(me)
            # a holder that was releasing may have unlinked the file we opened: lock the
            # file that is at the path now
            try:
                same = os.fstat(fd).st_ino == os.stat(self.path).st_ino
            except FileNotFoundError:
                same = False
            if same:
                break
            os.close(fd)
        previous = _read_record(fd)
        self._write(fd, me)
        self._fd = fd
        return previous or None

    def _open(self, flags: int) -> int:
        try:
            return os.open(self.path, flags, 0o644)
        except FileExistsError:
            raise
        except OSError as exc:
            raise OutputError(f"cannot lock {self.path.parent}: {_reason(exc)}") from None

    def _acquire_exclusive(self, me: dict[str, Any]) -> dict[str, Any] | None:
        previous = None
        for _ in range(3):
            try:
                fd = self._open(os.O_RDWR | os.O_CREAT | os.O_EXCL)
            except FileExistsError:
                try:
                    holder = json.loads(self.path.read_text(encoding="utf-8"))
                except (OSError, ValueError):
                    holder = {}
                holder = holder if isinstance(holder, dict) else {}
                if _alive(holder.get("pid")):
                    raise LockHeld(f"{self.path} is locked", holder) from None
                previous = holder
                self.path.unlink(missing_ok=True)
                continue
            self._write(fd, me)
            self._fd = fd
            return previous or None
        raise LockHeld(f"{self.path} is locked", {})

    @staticmethod
    def _write(fd: int, record: dict[str, Any]) -> None:
        os.ftruncate(fd, 0)
        os.lseek(fd, 0, os.SEEK_SET)
        os.write(fd, (json.dumps(record) + "\n").encode("utf-8"))
        os.fsync(fd)

    def release(self) -> None:
        """Remove the lock file and let go (unlinked while still held, so no one else
        can have locked it)."""
        if self._fd is None:
            return
        with contextlib.suppress(OSError):
            self.path.unlink()
        os.close(self._fd)
        self._fd = None

    def __enter__(self) -> FileLock:
        self.acquire()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()


def _read_record(fd: int) -> dict[str, Any]:
    try:
        os.lseek(fd, 0, os.SEEK_SET)
        data = os.read(fd, 4096)
        record = json.loads(data.decode("utf-8")) if data.strip() else {}
    except (OSError, ValueError):
        return {}
    return record if isinstance(record, dict) else {}


def _alive(pid: Any) -> bool:
    if not isinstance(pid, int) or pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
