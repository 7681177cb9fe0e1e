"""Crash safety of `fairlm audit`: durable chunk journal, resume after SIGKILL, atomic files."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from fairlm.benchmarks._journal import Journal, chunk_keys


def _audit_cmd(model: Path, out: Path, *extra: str) -> list[str]:
    return [
        sys.executable,
        "-m",
        "fairlm",
        "audit",
        "--model",
        str(model),
        "--benchmarks",
        "crows_pairs,stereoset",
        "--limit",
        "60",
        "--bootstrap",
        "50",
        "--checkpoint-every",
        "8",
        "--output-dir",
        str(out),
        "--quiet",
        *extra,
    ]


def _env(**extra: str) -> dict[str, str]:
    env = dict(os.environ, FAIRLM_NO_PROGRESS="1", OMP_NUM_THREADS="1")
    env.update(extra)
    return env


def _figures(results: dict) -> dict:
    return {name: b["summary"] for name, b in results["benchmarks"].items()}


def _journal_lines(out: Path) -> int:
    d = out / ".journal"
    if not d.is_dir():
        return 0
    return sum(p.read_text().count("\n") for p in d.glob("*.jsonl"))


def test_killed_audit_resumes_to_the_same_results(tiny_gpt2_dir, data_dir, tmp_path):
    clean, crashed = tmp_path / "clean", tmp_path / "crashed"
    subprocess.run(_audit_cmd(tiny_gpt2_dir, clean), env=_env(), check=True, capture_output=True)

    # slow each chunk down so the run can be killed part-way, then kill it hard
    proc = subprocess.Popen(
        _audit_cmd(tiny_gpt2_dir, crashed),
        env=_env(FAIRLM_TEST_CHUNK_DELAY="0.4"),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 120
    while _journal_lines(crashed) < 3 and time.monotonic() < deadline:
        assert proc.poll() is None, "the audit ended before it could be killed"
        time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert not (crashed / "results.json").exists()
    assert not list(crashed.glob("samples_*.jsonl"))
    done_before = _journal_lines(crashed)
    assert 3 <= done_before < 8 + 8  # 60 crows pairs + 60 stereoset items = 16 chunks

    resumed = subprocess.run(
        _audit_cmd(tiny_gpt2_dir, crashed), env=_env(), check=True, capture_output=True, text=True
    )
    assert "resuming" in resumed.stderr
    a = json.loads((clean / "results.json").read_text())
    b = json.loads((crashed / "results.json").read_text())
    assert _figures(a) == _figures(b)
    assert b["benchmarks"]["crows_pairs"]["timing"]["resumed_examples"] >= 3 * 8 - 8
    for name in ("crows_pairs", "stereoset"):
        sa = (clean / f"samples_{name}.jsonl").read_text()
        sb = (crashed / f"samples_{name}.jsonl").read_text()
        assert sa == sb
    assert not (crashed / ".journal").exists()  # removed once results are written


def test_no_resume_scores_everything_again(tiny_gpt2_dir, data_dir, tmp_path):
    out = tmp_path / "run"
    # a journal left by a crash: the first chunk's rows, deliberately falsified
    subprocess.run(_audit_cmd(tiny_gpt2_dir, out), env=_env(), check=True, capture_output=True)
    honest = (out / "samples_crows_pairs.jsonl").read_text()
    rows = [json.loads(line) for line in honest.splitlines()][:8]
    from fairlm.benchmarks import get_benchmark
    from fairlm.benchmarks._journal import run_identity

    model = json.loads((out / "results.json").read_text())["model"]
    bench = get_benchmark("crows_pairs")(limit=60, seed=0, n_bootstrap=50)
    ids = [e.id for e in bench.examples()]
    keys = chunk_keys(run_identity(model, bench), ids, 8)
    forged = [dict(r, stereotyped=not r["stereotyped"]) for r in rows]
    j = Journal(out, "crows_pairs")
    j.append(keys[0], 0, forged)
    j.close()

    subprocess.run(_audit_cmd(tiny_gpt2_dir, out), env=_env(), check=True, capture_output=True)
    samples = (out / "samples_crows_pairs.jsonl").read_text()
    resumed = [json.loads(line) for line in samples.splitlines()]
    assert resumed[:8] == forged  # the journal is trusted for its own key...

    j = Journal(out, "crows_pairs")
    j.append(keys[0], 0, forged)
    j.close()
    subprocess.run(
        _audit_cmd(tiny_gpt2_dir, out, "--no-resume"), env=_env(), check=True, capture_output=True
    )
    assert (out / "samples_crows_pairs.jsonl").read_text() == honest  # ...and --no-resume is not


def test_journal_ignores_torn_lines_and_foreign_keys(tmp_path):
    keys = chunk_keys({"model": "m"}, ["a", "b", "c"], 2)
    assert len(keys) == 2 and keys[0] != keys[1]
    j = Journal(tmp_path, "bench")
    j.append(keys[0], 0, [{"id": "a"}, {"id": "b"}])
    j.append("someone-else", 1, [{"id": "zzz"}])
    j.close()
    with open(j.path, "a") as f:
        f.write('{"key": "' + keys[1] + '", "chunk": 1, "rows": [{"id"')  # cut by a crash
    assert Journal(tmp_path, "bench").load(keys) == {0: [{"id": "a"}, {"id": "b"}]}
    # an append after the torn line starts on a fresh line
    j2 = Journal(tmp_path, "bench")
    j2.append(keys[1], 1, [{"id": "c"}])
    j2.close()
    assert Journal(tmp_path, "bench").load(keys) == {
        0: [{"id": "a"}, {"id": "b"}],
        1: [{"id": "c"}],
    }
    # the key covers the identity (model, version, settings) and the chunk's ids
    assert chunk_keys({"model": "other"}, ["a", "b", "c"], 2)[0] != keys[0]
    assert chunk_keys({"model": "m"}, ["a", "x", "c"], 2)[0] != keys[0]
    assert chunk_keys({"model": "m"}, ["a", "b", "x"], 2)[0] == keys[0]


def test_chunk_size_must_be_positive(tiny_gpt2_dir, tmp_path, capsys):
    from fairlm.cli import main

    code = main(["audit", "--model", str(tiny_gpt2_dir), "--checkpoint-every", "0"])
    assert code == 2
    assert "--checkpoint-every must be at least 1" in capsys.readouterr().err


def test_default_chunks_are_each_benchmarks_own(tiny_lm, data_dir, tmp_path, monkeypatch):
    """Without --checkpoint-every, a benchmark is journaled in chunks of its own
    ``checkpoint_every``; each chunk goes to the benchmark's scorer as one call."""
    from fairlm.benchmarks import get_benchmark
    from fairlm.benchmarks._audit import build_benchmarks, run_audit

    cls = get_benchmark("crows_pairs")
    monkeypatch.setattr(cls, "checkpoint_every", 7)
    calls: list[int] = []
    real = cls.score

    def counting(self, lm, examples, *, progress=True):
        calls.append(len(examples))
        return real(self, lm, examples, progress=progress)

    monkeypatch.setattr(cls, "score", counting)
    (bench,) = build_benchmarks(["crows_pairs"], limit=20, n_bootstrap=20)
    assert get_benchmark("bold").checkpoint_every == 512  # generation: smaller chunks
    run_audit(tiny_lm, [bench], output_dir=tmp_path, progress=False, log=lambda _: None)
    assert calls == [7, 7, 6]
    calls.clear()
    run_audit(
        tiny_lm,
        [bench],
        output_dir=tmp_path / "b",
        progress=False,
        log=lambda _: None,
        chunk_size=10,
    )
    assert calls == [10, 10]

    # a second process of two: 20 examples make 2 default chunks of 10, and it scores one
    from fairlm.benchmarks._workers import Workers

    class SecondOfTwo(Workers):
        def barrier(self) -> None:
            pass

        def gather(self, obj):
            return [{}, obj]

    monkeypatch.setattr(cls, "checkpoint_every", 2048)
    calls.clear()
    out = run_audit(
        tiny_lm,
        [bench],
        output_dir=tmp_path / "c",
        progress=False,
        log=lambda _: None,
        workers=SecondOfTwo(rank=1, world=2),
    )
    assert out == {} and calls == [10]


@pytest.mark.parametrize(
    "spec", ["bbq.categories=Age", "winobias.split=dev", "holistic_bias.limit=400"]
)
def test_benchmark_args_reach_the_benchmark(spec, data_dir):
    from fairlm.benchmarks._audit import build_benchmarks
    from fairlm.benchmarks._config import parse_benchmark_args

    name = spec.split(".")[0]
    (bench,) = build_benchmarks([name], per_benchmark=parse_benchmark_args([spec], [name]))
    key, value = spec.split(".", 1)[1].split("=")
    assert bench.config()[key] in (value, [value], int(value) if value.isdigit() else None)


def test_benchmark_args_errors(tiny_gpt2_dir, capsys):
    from fairlm.cli import main

    base = ["audit", "--model", str(tiny_gpt2_dir), "--benchmarks", "bbq"]
    assert main([*base, "--benchmark-arg", "bbq.normalise=tokens"]) == 2
    assert "Did you mean: normalize" in capsys.readouterr().err
    assert main([*base, "--benchmark-arg", "bbq.normalize=nonsense"]) == 2
    assert "bbq: normalize must be one of" in capsys.readouterr().err
    assert main([*base, "--benchmark-arg", "winobias.split=dev"]) == 2
    assert "not among --benchmarks" in capsys.readouterr().err
    assert main([*base, "--benchmark-arg", "bbq"]) == 2
    assert "expected NAME.KEY=VALUE" in capsys.readouterr().err
    assert main([*base, "--benchmark-arg", "bbq.data_dir=/elsewhere"]) == 2
    assert "Unknown option of bbq 'data_dir'" in capsys.readouterr().err
