"""``fairlm data list | verify | download | path``."""

from __future__ import annotations

import argparse
import json
import subprocess
import sys

import pytest

from fairlm.cli import data as _cli
from fairlm.errors import FairlmError


def run_cli(argv: list[str], capsys) -> tuple[int, str, str]:
    """Parse and run like ``fairlm data ...`` (errors become exit code 2, as in fairlm.cli)."""
    parser = argparse.ArgumentParser(prog="fairlm data")
    _cli.add_arguments(parser)
    args = parser.parse_args(argv)
    try:
        rc = _cli.run(args)
    except FairlmError as exc:
        print(f"fairlm data: error: {exc}", file=sys.stderr)
        rc = 2
    captured = capsys.readouterr()
    return rc, captured.out, captured.err


def test_list_real_data(capsys, real_data_dir):
    rc, out, _ = run_cli(["list", "--data-dir", str(real_data_dir)], capsys)
    assert rc == 0
    lines = {line.split()[0]: line for line in out.splitlines()[1:]}
    assert set(lines) == {
        "crows_pairs",
        "stereoset",
        "winobias",
        "bbq",
        "bold",
        "holistic_bias",
        "seat",
        "cda_wordlists",
        "truthfulqa",
        "xstest",
        "decodingtrust",
        "langfair",
        "cbbq",
        "chbias",
    }
    assert "CC-BY-NC-4.0 (non-commercial)" in lines["seat"]
    assert f"{real_data_dir} (--data-dir)" in lines["bbq"]
    assert " 47 " in lines["seat"]  # 46 tests + LICENSE


def test_list_json_and_missing(capsys, toy, kit, isolated_env, monkeypatch, tmp_path):
    rc, out, _ = run_cli(["list"], capsys)
    assert rc == 0
    assert f"not downloaded (cache: {isolated_env})" in out
    kit.write_toy(isolated_env)
    rc, out, _ = run_cli(["list", "--json"], capsys)
    rows = {r["name"]: r for r in json.loads(out)}
    assert rows["toy"]["available"] and rows["toy"]["source"] == "cache"
    assert rows["toy"]["root"] == str(isolated_env)
    assert rows["seat"]["commercial_use_ok"] is False
    monkeypatch.setenv("FAIRLM_DATA_DIR", str(tmp_path / "nowhere"))
    rc, out, _ = run_cli(["list"], capsys)
    assert f"missing in FAIRLM_DATA_DIR={tmp_path / 'nowhere'}" in out


def test_verify(capsys, toy, kit, tmp_path):
    root = kit.write_toy(tmp_path / "root")
    rc, out, _ = run_cli(["verify", "toy", "--data-dir", str(root)], capsys)
    assert (rc, out.strip()) == (0, f"toy: ok (3 files) in {root}")

    changed = b"changed\n"
    (root / "toy/a.txt").write_bytes(changed)
    rc, out, _ = run_cli(["verify", "toy", "--data-dir", str(root)], capsys)
    assert rc == 1
    expected = toy.file("toy/a.txt").sha256
    assert f"sha256 mismatch  toy/a.txt: expected {expected}, got {kit.sha(changed)}" in out

    rc, out, _ = run_cli(["verify", "toy"], capsys)  # nothing in the cache
    assert (rc, out.strip()) == (1, "toy: not available locally")


def test_verify_all_real_data(capsys, real_data_dir):
    rc, out, _ = run_cli(["verify", "--data-dir", str(real_data_dir)], capsys)
    assert rc == 0
    assert "seat: ok (47 files)" in out and "crows_pairs: ok (2 files)" in out
    assert "decodingtrust: ok (31 files)" in out and "cbbq: ok (24 files)" in out


def test_download_and_path(capsys, toy, server, kit, isolated_env):
    rc, out, err = run_cli(["path", "toy"], capsys)
    assert rc == 2 and "fairlm data download toy" in err
    rc, out, _ = run_cli(["download", "toy"], capsys)
    assert (rc, out.strip()) == (0, f"toy: ready in {isolated_env / 'toy'}")
    assert kit.files_under(isolated_env) == ["toy/a.txt", "toy/c.txt", "toy/sub/b.jsonl"]
    rc, out, _ = run_cli(["path", "toy"], capsys)
    assert (rc, out.strip()) == (0, str(isolated_env / "toy"))


def test_path_download_flag_and_no_verify(capsys, toy, server, kit, isolated_env, tmp_path):
    rc, out, _ = run_cli(["path", "toy", "--download"], capsys)
    assert (rc, out.strip()) == (0, str(isolated_env / "toy"))
    root = kit.write_toy(tmp_path / "root")
    (root / "toy/a.txt").write_bytes(b"mine\n")
    rc, _, err = run_cli(["path", "toy", "--data-dir", str(root)], capsys)
    assert rc == 2 and "sha256 mismatch" in err
    rc, out, _ = run_cli(["path", "toy", "--data-dir", str(root), "--no-verify"], capsys)
    assert (rc, out.strip()) == (0, str(root / "toy"))


def test_unknown_name(capsys):
    rc, _, err = run_cli(["download", "crows"], capsys)
    assert rc == 2 and "Did you mean: crows_pairs?" in err
    rc, _, err = run_cli(["path", "winobas"], capsys)
    assert rc == 2 and "Did you mean: winobias?" in err


def test_no_action(capsys):
    rc, out, err = run_cli([], capsys)
    assert rc == 2 and out == ""
    assert err == (
        "fairlm data: error: choose an action: list, verify, download or path "
        "(see fairlm data -h)\n"
    )


def test_cli_module_imports_are_light():
    code = (
        "import sys, fairlm.cli.data; "
        "heavy = [m for m in ('tqdm', 'torch', 'numpy', 'urllib.request') if m in sys.modules]; "
        "print(heavy)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_through_fairlm_main(capsys, toy, kit, tmp_path):
    from fairlm import cli

    try:
        cli.build_parser()
    except ImportError as exc:  # other subcommands not written yet
        pytest.skip(f"fairlm.cli cannot build its parser yet: {exc}")
    root = kit.write_toy(tmp_path / "root")
    assert cli.main(["data", "path", "toy", "--data-dir", str(root)]) == 0
    assert capsys.readouterr().out.strip() == str(root / "toy")
    assert cli.main(["data", "path", "nope"]) == 2
    assert "Unknown data set 'nope'" in capsys.readouterr().err
