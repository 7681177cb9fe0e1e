"""`accelerate launch --multi_gpu --num_processes 2 -m fairlm audit` on a CPU-only machine
(2 processes over gloo) gives exactly the numbers of a 1-process run."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("accelerate")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _audit_args(model: Path, out: Path) -> list[str]:
    return [
        "audit",
        "--model",
        str(model),
        "--benchmarks",
        "crows_pairs,winobias,seat",
        "--limit",
        "40",
        "--bootstrap",
        "100",
        "--checkpoint-every",
        "6",
        "--output-dir",
        str(out),
        "--quiet",
    ]


def test_two_processes_give_exactly_the_single_process_numbers(tiny_gpt2_dir, data_dir, tmp_path):
    env = dict(os.environ, FAIRLM_NO_PROGRESS="1", OMP_NUM_THREADS="1")
    one, two = tmp_path / "one", tmp_path / "two"
    subprocess.run(
        [sys.executable, "-m", "fairlm", *_audit_args(tiny_gpt2_dir, one)],
        env=env,
        check=True,
        capture_output=True,
    )
    launched = subprocess.run(
        [
            sys.executable,
            "-m",
            "accelerate.commands.launch",
            "--multi_gpu",  # accelerate's torchrun launcher; without GPUs it uses gloo on CPU
            "--num_processes",
            "2",
            "--main_process_port",
            str(_free_port()),
            "-m",
            "fairlm",
            *_audit_args(tiny_gpt2_dir, two),
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert launched.returncode == 0, launched.stderr[-3000:]
    a = json.loads((one / "results.json").read_text())
    b = json.loads((two / "results.json").read_text())
    assert a["environment"]["processes"] == 1 and b["environment"]["processes"] == 2
    assert set(a["benchmarks"]) == set(b["benchmarks"]) == {"crows_pairs", "winobias", "seat"}
    for name in a["benchmarks"]:
        assert a["benchmarks"][name]["summary"] == b["benchmarks"][name]["summary"], name
        assert (one / f"samples_{name}.jsonl").read_text() == (
            two / f"samples_{name}.jsonl"
        ).read_text()
    # only the main process wrote: one summary table on stdout, no journal left behind
    assert launched.stdout.count("results: ") == 1
    assert not (two / ".journal").exists()
