"""Downloading from a local HTTP server: success, zip members, mirrors, and every failure
leaving nothing behind."""

from __future__ import annotations

import http.server
import socket
import threading

import pytest

from fairlm.data import dataset_names, download, get_dataset, resolve
from fairlm.data._download import fetch_file
from fairlm.errors import DataError


def test_download_into_cache_and_skip_when_present(toy, server, kit, isolated_env):
    root = download("toy")
    assert root == isolated_env
    assert kit.files_under(root) == ["toy/a.txt", "toy/c.txt", "toy/sub/b.jsonl"]
    for path, data in kit.TOY_FILES.items():
        assert (root / path).read_bytes() == data
    n = len(server.requests)
    download("toy")  # all present and verified: no requests
    assert len(server.requests) == n
    download("toy", force=True)
    assert len(server.requests) == 2 * n


def test_download_replaces_a_bad_copy(toy, server, kit, isolated_env):
    kit.write_toy(isolated_env)
    (isolated_env / "toy/a.txt").write_bytes(b"corrupt")
    download("toy")
    assert server.requests == ["/upstream/toy/a.txt"]
    assert (isolated_env / "toy/a.txt").read_bytes() == kit.TOY_FILES["toy/a.txt"]


def test_checksum_mismatch_file_not_kept(toy, server, kit, isolated_env):
    tampered = b"tampered upstream\n"
    server.put("upstream/toy/a.txt", tampered)
    with pytest.raises(DataError) as err:
        resolve("toy")
    msg = str(err.value)
    assert server.url("upstream/toy/a.txt") in msg and "'toy'" in msg
    assert f"expected {toy.file('toy/a.txt').sha256}, got {kit.sha(tampered)}" in msg
    assert "not kept" in msg
    assert "toy/a.txt" not in kit.files_under(isolated_env)
    assert not [p for p in kit.files_under(isolated_env) if p.endswith(".part")]


def test_archive_checksum_mismatch(toy, server, kit, isolated_env):
    server.put("upstream/toy-1.0.zip", kit.toy_zip() + b"trailing junk")
    with pytest.raises(DataError, match="sha256 mismatch"):
        download("toy")
    # the plain files were fetched first and are fine; the archive and member are gone
    assert kit.files_under(isolated_env) == ["toy/a.txt", "toy/sub/b.jsonl"]


def test_zip_member_missing(toy, server, kit, monkeypatch, isolated_env):
    import dataclasses

    from fairlm.data import _datasets

    spec = dataclasses.replace(toy.file("toy/c.txt"), member="pkg/nope.txt")
    files = tuple(spec if f.path == "toy/c.txt" else f for f in toy.files)
    monkeypatch.setitem(_datasets.DATASETS, "toy", dataclasses.replace(toy, files=files))
    with pytest.raises(DataError, match="has no member 'pkg/nope.txt'"):
        download("toy")
    assert "toy/c.txt" not in kit.files_under(isolated_env)


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_unreachable_server_error_names_dataset_url_and_env(toy, kit, isolated_env):
    base = f"http://127.0.0.1:{_closed_port()}/mirror"
    with pytest.raises(DataError) as err:
        download("toy", base_url=base)
    msg = str(err.value)
    assert "'toy'" in msg
    assert f"{base}/toy/a.txt" in msg
    assert "FAIRLM_DATA_DIR" in msg
    assert kit.files_under(isolated_env) == []


def test_resolve_without_network_names_dataset_url_and_env(monkeypatch, toy, kit, isolated_env):
    base = f"http://127.0.0.1:{_closed_port()}"
    monkeypatch.setenv("FAIRLM_DATA_URL", base)
    with pytest.raises(DataError) as err:
        resolve("toy")
    msg = str(err.value)
    assert "'toy'" in msg and base in msg and "FAIRLM_DATA_DIR" in msg


def test_http_404(toy, server, kit, isolated_env):
    (server.root / "upstream/toy/sub/b.jsonl").unlink()
    with pytest.raises(DataError, match="HTTP 404"):
        download("toy")
    assert "toy/sub/b.jsonl" not in kit.files_under(isolated_env)


def test_mirror_base_url_from_env(monkeypatch, toy, server, kit, isolated_env):
    for path, data in kit.TOY_FILES.items():  # a mirror laid out like the data folder
        server.put(f"mirror/{path}", data)
    monkeypatch.setenv("FAIRLM_DATA_URL", server.url("mirror"))
    download("toy")
    assert sorted(server.requests) == [
        "/mirror/toy/a.txt",
        "/mirror/toy/c.txt",
        "/mirror/toy/sub/b.jsonl",
    ]


class _TruncatingHandler(http.server.BaseHTTPRequestHandler):
    """Announces 1,000 bytes, sends 10, then drops the connection."""

    def do_GET(self) -> None:  # noqa: N802
        self.send_response(200)
        self.send_header("Content-Length", "1000")
        self.end_headers()
        self.wfile.write(b"0123456789")
        self.wfile.flush()
        self.close_connection = True

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


def test_interrupted_transfer_leaves_no_partial_file(tmp_path, kit):
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _TruncatingHandler)
    thread = threading.Thread(
        target=httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
    )
    thread.start()
    try:
        url = f"http://127.0.0.1:{httpd.server_address[1]}/big.bin"
        dest = tmp_path / "cache" / "toy" / "big.bin"
        with pytest.raises(DataError) as err:
            fetch_file(url, dest, "0" * 64, dataset="toy", timeout=10)
    finally:
        httpd.shutdown()
        httpd.server_close()
    msg = str(err.value)
    assert url in msg and "'toy'" in msg
    assert kit.files_under(tmp_path / "cache") == []  # no big.bin, no .part


def test_non_http_url_refused(tmp_path):
    with pytest.raises(DataError, match="not an http"):
        fetch_file("ftp://example.org/x", tmp_path / "x", None, dataset="toy")


@pytest.mark.parametrize("name", dataset_names())
def test_every_dataset_downloads_from_a_mirror_of_the_real_data(name, real_data_dir, kit, tmp_path):
    """Each registered file is fetched (file:// mirror of the data folder, no network) and
    checked; files with no upstream copy (notices, converted files) are left out."""
    info = get_dataset(name)
    root = download(name, data_dir=tmp_path / "root", base_url=real_data_dir.as_uri())
    assert kit.files_under(root) == sorted(f.path for f in info.files if f.url is not None)
    assert resolve(name, root, download=False) == root  # every required file there and valid
