"""Resolution order (explicit > FAIRLM_DATA_DIR > cache > download), checksums, path safety."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from fairlm.data import _resolve as resolve_mod
from fairlm.data import cache_dir, locate, resolve
from fairlm.data._registry import get_dataset
from fairlm.data._resolve import safe_join
from fairlm.errors import DataError, UnknownNameError


def test_cache_dir_precedence(monkeypatch, tmp_path):
    monkeypatch.setenv("FAIRLM_CACHE_DIR", str(tmp_path / "fc"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert cache_dir() == tmp_path / "fc" / "data"
    monkeypatch.delenv("FAIRLM_CACHE_DIR")
    assert cache_dir() == tmp_path / "xdg" / "fairlm" / "data"
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert cache_dir() == tmp_path / "home" / ".cache" / "fairlm" / "data"
    monkeypatch.setenv("FAIRLM_CACHE_DIR", "")  # empty counts as unset
    assert cache_dir() == tmp_path / "home" / ".cache" / "fairlm" / "data"


def test_resolution_order(monkeypatch, tmp_path, toy, server, kit, isolated_env):
    explicit = kit.write_toy(tmp_path / "explicit")
    env = kit.write_toy(tmp_path / "env")
    cache = kit.write_toy(isolated_env)
    monkeypatch.setenv("FAIRLM_DATA_DIR", str(env))

    assert resolve("toy", explicit) == explicit
    assert locate("toy", explicit).source == "data_dir"
    assert resolve("toy") == env
    assert locate("toy").source == "env"

    monkeypatch.delenv("FAIRLM_DATA_DIR")
    assert resolve("toy") == cache
    assert locate("toy").source == "cache"
    assert server.requests == []  # nothing downloaded so far

    for path in kit.files_under(cache):
        (cache / path).unlink()
    assert locate("toy") is None
    assert resolve("toy") == cache  # downloaded into the cache
    assert kit.files_under(cache) == ["toy/a.txt", "toy/c.txt", "toy/sub/b.jsonl"]
    assert (cache / "toy/c.txt").read_bytes() == kit.TOY_FILES["toy/c.txt"]
    assert sorted(server.requests) == [
        "/upstream/toy-1.0.zip",
        "/upstream/toy/a.txt",
        "/upstream/toy/sub/b.jsonl",
    ]


def test_explicit_dir_missing_file_is_an_error(tmp_path, toy, kit, isolated_env):
    kit.write_toy(isolated_env)  # the cache has it, but an explicit dir wins and lacks it
    explicit = kit.write_toy(tmp_path / "explicit")
    (explicit / "toy/sub/b.jsonl").unlink()
    with pytest.raises(DataError) as err:
        resolve("toy", explicit)
    msg = str(err.value)
    assert "'toy'" in msg and "toy/sub/b.jsonl" in msg and str(explicit) in msg
    assert "--data-dir" in msg


def test_env_dir_missing_is_an_error(monkeypatch, tmp_path, toy, kit, isolated_env):
    kit.write_toy(isolated_env)
    monkeypatch.setenv("FAIRLM_DATA_DIR", str(tmp_path / "empty"))
    with pytest.raises(DataError) as err:
        resolve("toy")
    msg = str(err.value)
    assert f"FAIRLM_DATA_DIR={tmp_path / 'empty'}" in msg
    assert "toy/a.txt" in msg and "(and 2 more)" in msg
    assert locate("toy") is None  # an explicit setting does not fall through to the cache


def test_dataset_folder_instead_of_root_gets_a_hint(tmp_path, toy, kit):
    root = kit.write_toy(tmp_path / "root")
    with pytest.raises(DataError, match="pass its parent"):
        resolve("toy", root / "toy")


def test_optional_file_not_required_but_checked(tmp_path, toy, kit):
    root = kit.write_toy(tmp_path / "root")
    assert resolve("toy", root) == root  # no NOTICE: fine
    (root / "toy/NOTICE").write_bytes(b"edited\n")
    with pytest.raises(DataError, match="sha256 mismatch"):
        resolve("toy", root)


def test_no_download_without_network_or_copy(toy):
    with pytest.raises(DataError) as err:
        resolve("toy", download=False)
    msg = str(err.value)
    assert "'toy'" in msg and "FAIRLM_DATA_DIR" in msg and "fairlm data download toy" in msg


def test_tampered_copy_mismatch_and_escape_hatch(tmp_path, toy, kit):
    root = kit.write_toy(tmp_path / "root")
    (root / "toy/a.txt").write_bytes(b"alpha, edited\n")
    with pytest.raises(DataError) as err:
        resolve("toy", root)
    msg = str(err.value)
    expected = toy.file("toy/a.txt").sha256
    got = kit.sha(b"alpha, edited\n")
    assert f"sha256 mismatch: expected {expected}, got {got}" in msg
    assert "re-download" in msg and "FAIRLM_DATA_DIR" in msg
    assert str(root / "toy/a.txt") in msg
    assert resolve("toy", root, verify=False) == root


def test_verification_is_cached_per_path_mtime_size(monkeypatch, tmp_path, toy, kit):
    root = kit.write_toy(tmp_path / "root")
    calls = []
    real = resolve_mod.sha256_file

    def counting(path):
        calls.append(Path(path).name)
        return real(path)

    monkeypatch.setattr(resolve_mod, "sha256_file", counting)
    resolve("toy", root)
    assert sorted(calls) == ["a.txt", "b.jsonl", "c.txt"]
    resolve("toy", root)
    assert len(calls) == 3  # second use: no hashing
    # a changed file (new size and mtime) is hashed again and caught
    (root / "toy/a.txt").write_bytes(b"different length\n")
    with pytest.raises(DataError, match="sha256 mismatch"):
        resolve("toy", root)
    assert calls[3:] == ["a.txt"]


@pytest.mark.parametrize("bad", ["../outside.txt", "/etc/passwd", "toy/../../x", "", "a\\..\\b"])
def test_safe_join_rejects_escaping_names(tmp_path, bad):
    with pytest.raises(DataError, match="Refusing data path"):
        safe_join(tmp_path, bad)


def test_safe_join_rejects_symlink_out_of_the_data_dir(tmp_path, toy, kit):
    outside = tmp_path / "outside.txt"
    outside.write_bytes(kit.TOY_FILES["toy/a.txt"])  # even with the right content
    root = kit.write_toy(tmp_path / "root")
    (root / "toy/a.txt").unlink()
    os.symlink(outside, root / "toy/a.txt")
    with pytest.raises(DataError, match="outside the data directory"):
        resolve("toy", root)


def test_safe_join_allows_symlink_inside(tmp_path, toy, kit):
    root = kit.write_toy(tmp_path / "root")
    (root / "toy/a.txt").rename(root / "a-real.txt")
    os.symlink(root / "a-real.txt", root / "toy/a.txt")
    assert resolve("toy", root) == root


def test_unknown_dataset_suggests():
    with pytest.raises(UnknownNameError, match="Did you mean: crows_pairs"):
        resolve("crows")


def test_registry_paths_are_safe_and_hashes_wellformed():
    from fairlm.data import dataset_names

    for name in dataset_names():
        info = get_dataset(name)
        assert info.files and info.required_files
        for f in info.files:
            assert f.path.startswith(f"{name}/") and ".." not in f.path.split("/")
            assert len(f.sha256) == 64 and int(f.sha256, 16) >= 0
            assert f.size > 0
            if f.url is not None:
                assert f.url.startswith("https://")
            else:
                assert not f.required
            if f.url and "raw.githubusercontent.com" in f.url:
                commit = f.url.split("/")[5]
                assert len(commit) == 40 and int(commit, 16) >= 0, f.url
                # a raw file keeps its upstream name (only the folders are remapped)
                assert f.url.rsplit("/", 1)[1] == f.path.rsplit("/", 1)[1], f.url
            if f.member is not None:
                assert f.archive_sha256 and len(f.archive_sha256) == 64
