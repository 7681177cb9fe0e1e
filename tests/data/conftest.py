"""Fixtures for the data-layer tests: an isolated environment, the real data folder, a toy
data set registered for the test, and a local HTTP server to download it from."""

from __future__ import annotations

import hashlib
import http.server
import io
import os
import threading
import zipfile
from collections.abc import Iterator
from functools import partial
from pathlib import Path
from types import SimpleNamespace

import pytest

from fairlm.data import _datasets, _resolve
from fairlm.data._registry import DatasetInfo, FileSpec, License

# Read once, before the autouse fixture below removes it from the environment.
_REAL_DATA_DIR = os.environ.get("FAIRLM_DATA_DIR")


@pytest.fixture(autouse=True)
def isolated_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """No FAIRLM_* settings from the caller; the cache is a fresh folder under tmp_path."""
    for var in ("FAIRLM_DATA_DIR", "FAIRLM_DATA_URL", "XDG_CACHE_HOME"):
        monkeypatch.delenv(var, raising=False)
    cache = tmp_path / "fairlm-cache"
    monkeypatch.setenv("FAIRLM_CACHE_DIR", str(cache))
    monkeypatch.setattr(_resolve, "_verified", set())
    return cache / "data"


@pytest.fixture(scope="session")
def real_data_dir() -> Path:
    """The shared benchmark data folder from FAIRLM_DATA_DIR (set by the Makefile and CI)."""
    if not _REAL_DATA_DIR:
        pytest.skip("FAIRLM_DATA_DIR is not set; point it at the benchmark data folder")
    path = Path(_REAL_DATA_DIR)
    if not path.is_dir():
        pytest.skip(f"FAIRLM_DATA_DIR={path} is not a directory")
    return path


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# The toy data set: two plain files, one member of a zip archive and an optional notice.
TOY_FILES = {
    "toy/a.txt": b"alpha\n",
    "toy/sub/b.jsonl": b'{"x": 1}\n{"x": 2}\n',
    "toy/c.txt": b"gamma from the archive\n",
}
TOY_NOTICE = b"written by hand, no upstream copy\n"
TOY_ZIP_MEMBER = "pkg/data/c.txt"


def toy_zip() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr(TOY_ZIP_MEMBER, TOY_FILES["toy/c.txt"])
        zf.writestr("pkg/other.txt", b"not needed")
    return buf.getvalue()


class Server:
    """A static file server on 127.0.0.1 serving ``root``; ``url(path)`` addresses a file."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.requests: list[str] = []
        requests = self.requests

        class Handler(http.server.SimpleHTTPRequestHandler):
            def log_message(self, format: str, *args: object) -> None:  # noqa: A002
                requests.append(self.path)

        handler = partial(Handler, directory=str(root))
        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.base = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(
            target=self.httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )

    def url(self, path: str) -> str:
        return f"{self.base}/{path}"

    def put(self, path: str, data: bytes) -> str:
        target = self.root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        return self.url(path)


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Server]:
    srv = Server(tmp_path / "srv")
    srv.root.mkdir()
    srv.thread.start()
    try:
        yield srv
    finally:
        srv.httpd.shutdown()
        srv.httpd.server_close()
        srv.thread.join(timeout=5)


@pytest.fixture
def toy(monkeypatch: pytest.MonkeyPatch, server: Server) -> DatasetInfo:
    """Register data set "toy" whose files the local server serves as "upstream"."""
    for path, data in TOY_FILES.items():
        if path != "toy/c.txt":
            server.put(f"upstream/{path}", data)
    archive = toy_zip()
    archive_url = server.put("upstream/toy-1.0.zip", archive)
    files = (
        FileSpec(
            "toy/a.txt",
            sha256=sha(TOY_FILES["toy/a.txt"]),
            size=len(TOY_FILES["toy/a.txt"]),
            url=server.url("upstream/toy/a.txt"),
        ),
        FileSpec(
            "toy/sub/b.jsonl",
            sha256=sha(TOY_FILES["toy/sub/b.jsonl"]),
            size=len(TOY_FILES["toy/sub/b.jsonl"]),
            url=server.url("upstream/toy/sub/b.jsonl"),
        ),
        FileSpec(
            "toy/c.txt",
            sha256=sha(TOY_FILES["toy/c.txt"]),
            size=len(TOY_FILES["toy/c.txt"]),
            url=archive_url,
            member=TOY_ZIP_MEMBER,
            archive_sha256=sha(archive),
        ),
        FileSpec(
            "toy/NOTICE",
            sha256=sha(TOY_NOTICE),
            size=len(TOY_NOTICE),
            url=None,
            required=False,
        ),
    )
    info = DatasetInfo(
        name="toy",
        title="Toy",
        description="a test data set",
        license=License("CC0-1.0", commercial_use_ok=True),
        citation="nobody",
        source="the test",
        files=files,
    )
    monkeypatch.setitem(_datasets.DATASETS, "toy", info)
    return info


def write_toy(root: Path, *, notice: bool = False) -> Path:
    """A complete, valid copy of the toy data set under ``root``."""
    for path, data in TOY_FILES.items():
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        (root / path).write_bytes(data)
    if notice:
        (root / "toy/NOTICE").write_bytes(TOY_NOTICE)
    return root


def files_under(root: Path) -> list[str]:
    """Every file below ``root`` (hidden ones too), relative, sorted."""
    if not root.exists():
        return []
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())


@pytest.fixture
def kit() -> SimpleNamespace:
    """The helpers above, as a fixture (test modules do not import conftest)."""
    return SimpleNamespace(
        sha=sha,
        write_toy=write_toy,
        files_under=files_under,
        toy_zip=toy_zip,
        TOY_FILES=TOY_FILES,
        TOY_NOTICE=TOY_NOTICE,
    )
