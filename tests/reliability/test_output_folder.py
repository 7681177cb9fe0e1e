"""No silent loss: a default output folder that cannot collide, one run per folder (another
run refused unless --overwrite), one writer per folder (a lock, tested with two real
processes), and a model card that never overwrites a user's edits."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

import fairlm.models
from fairlm._io import FileLock, LockHeld, owned_target, write_owned_text
from fairlm.benchmarks import _audit
from fairlm.benchmarks._journal import read_run_record
from fairlm.benchmarks._output import LOCK_FILE, default_output_dir, model_label
from fairlm.cli import main
from fairlm.models import FakeLM

FAST = ["--limit", "4", "--bootstrap", "0", "--quiet", "--no-report"]


@pytest.fixture
def fake_models(monkeypatch):
    """load_model gives a FakeLM named after the model; ``hidden[name]`` changes its
    weight hash. Records every load in ``loads``."""
    state = {"hidden": {}, "loads": []}

    def load(name, **_kwargs):
        state["loads"].append(str(name))
        return FakeLM(str(name), hidden_size=state["hidden"].get(str(name), 16))

    monkeypatch.setattr(fairlm.models, "load_model", load)
    return state


def _audit_cli(capsys, model, bench, out, *extra):
    argv = ["audit", "--model", model, "--benchmarks", bench, *FAST, *extra]
    if out is not None:
        argv += ["--output-dir", str(out)]
    code = main(argv)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def _error_line(err: str) -> str:
    lines = [line for line in err.splitlines() if "error:" in line]
    assert len(lines) == 1, err
    assert "Traceback" not in err
    return lines[0]


# --- the default folder ---------------------------------------------------------------


def test_model_labels_are_safe_folder_names():
    assert model_label("smollm2-135m") == "smollm2-135m"
    assert model_label("m1/final") == "m1-final"
    assert model_label("/home/u/models/m2/final/") == "m2-final"
    assert model_label("HuggingFaceTB/SmolLM2-135M") == "HuggingFaceTB-SmolLM2-135M"
    assert model_label("q/model.Q4.gguf") == "q-model.Q4"
    assert model_label("../x y\n\x1b[2J/..") == "x-y-2J"
    assert model_label("///") == "model"
    assert len(model_label("a" * 300)) == 64
    when = dt.datetime(2026, 12, 6, 13, 0, 45, tzinfo=dt.UTC)
    assert default_output_dir("m1/final", when) == Path("runs/m1-final-20261206T130045Z")


def test_default_folders_of_two_models_do_not_collide(
    fake_models, data_dir, tmp_path, capsys, monkeypatch
):
    """The issue's case: m1/final then m2/final used to share runs/final."""
    from fairlm.benchmarks import AuditConfig

    monkeypatch.chdir(tmp_path)
    config = AuditConfig(model="m1/final")
    assert config.output_path() == config.output_path()  # chosen once
    assert config.output_path().parent == Path("runs")
    assert config.output_path().name.startswith("m1-final-20")

    assert _audit_cli(capsys, "m1/final", "crows_pairs", None)[0] == 0
    code, out, err = _audit_cli(capsys, "m2/final", "winobias", None)
    assert code == 0
    assert "writing to runs/m2-final-" in err
    folders = sorted(p.name for p in (tmp_path / "runs").iterdir())
    assert [f.split("-20")[0] for f in folders] == ["m1-final", "m2-final"]
    m1 = json.loads((tmp_path / "runs" / folders[0] / "results.json").read_text())
    assert list(m1["benchmarks"]) == ["crows_pairs"] and m1["model"]["name"] == "m1/final"
    assert f"results: runs/{folders[1]}/results.json" in out


# --- one run per folder ---------------------------------------------------------------


def test_another_benchmark_into_the_same_folder_is_refused(fake_models, data_dir, tmp_path, capsys):
    """Audit A into d, then benchmark B into d: refused, A's files untouched, nothing
    loaded."""
    d = tmp_path / "d"
    assert _audit_cli(capsys, "m", "crows_pairs", d)[0] == 0
    before = {p.name: p.read_bytes() for p in d.iterdir() if p.is_file()}
    fake_models["loads"].clear()

    code, out, err = _audit_cli(capsys, "m", "winobias", d)
    assert code == 2 and out == ""
    line = _error_line(err)
    assert f"{d} holds the results of another run (benchmarks: crows_pairs -> winobias)" in line
    assert "--overwrite" in line and "fairlm report" in line
    assert fake_models["loads"] == []  # refused before the model loaded
    assert {p.name: p.read_bytes() for p in d.iterdir() if p.is_file()} == before
    assert not (d / LOCK_FILE).exists()


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (["--model", "other", "--benchmarks", "crows_pairs"], "model: m -> other"),
        (["--model", "m", "--benchmarks", "crows_pairs", "--seed", "3"], "seed: 0 -> 3"),
        (
            ["--model", "m", "--benchmarks", "crows_pairs", "--protocol", "lm-eval"],
            "protocol: None -> lm-eval",
        ),
    ],
)
def test_another_model_or_setting_is_refused(fake_models, data_dir, tmp_path, capsys, args, said):
    d = tmp_path / "d"
    assert _audit_cli(capsys, "m", "crows_pairs", d)[0] == 0
    code = main(["audit", *args, *FAST, "--output-dir", str(d)])
    line = _error_line(capsys.readouterr().err)
    assert code == 2 and said in line


def test_changed_weights_are_refused_after_loading(fake_models, data_dir, tmp_path, capsys):
    d = tmp_path / "d"
    assert _audit_cli(capsys, "m", "crows_pairs", d)[0] == 0
    fake_models["hidden"]["m"] = 8  # the same path now holds other weights
    code, _, err = _audit_cli(capsys, "m", "crows_pairs", d)
    assert code == 2
    assert "model weights (hash): fake-16 -> fake-8" in _error_line(err)
    assert json.loads((d / "results.json").read_text())["model"]["hash"] == "fake-16"


def test_the_same_run_runs_again(fake_models, data_dir, tmp_path, capsys):
    d = tmp_path / "d"
    assert _audit_cli(capsys, "m", "crows_pairs", d)[0] == 0
    first = json.loads((d / "results.json").read_text())
    assert _audit_cli(capsys, "m", "crows_pairs", d)[0] == 0
    again = json.loads((d / "results.json").read_text())
    assert (
        again["benchmarks"]["crows_pairs"]["summary"]
        == first["benchmarks"]["crows_pairs"]["summary"]
    )


def test_overwrite_replaces_the_run_and_its_samples(fake_models, data_dir, tmp_path, capsys):
    d = tmp_path / "d"
    assert _audit_cli(capsys, "m1", "crows_pairs", d)[0] == 0
    (d / "notes.txt").write_text("mine")
    code, _, err = _audit_cli(capsys, "m2", "winobias", d, "--overwrite")
    assert code == 0
    assert (
        f"--overwrite: removed the results of the previous run in {d} (model m1, crows_pairs)"
        in err
    )
    results = json.loads((d / "results.json").read_text())
    assert list(results["benchmarks"]) == ["winobias"] and results["model"]["name"] == "m2"
    assert sorted(p.name for p in d.glob("samples_*")) == ["samples_winobias.jsonl"]
    assert (d / "notes.txt").read_text() == "mine"  # not fairlm's: kept


def test_unfinished_run_is_resumed_or_refused(fake_models, data_dir, tmp_path, capsys, monkeypatch):
    """A run that stopped part-way records itself in .journal/run.json: the same run
    resumes there, another is refused (or, with --overwrite, replaces it)."""
    d = tmp_path / "d"
    real = _audit.run_audit

    def crash(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(_audit, "run_audit", crash)
    assert _audit_cli(capsys, "m", "crows_pairs", d)[0] == 130
    assert read_run_record(d)["model"]["name"] == "m"
    assert not (d / LOCK_FILE).exists()
    monkeypatch.setattr(_audit, "run_audit", real)

    code, _, err = _audit_cli(capsys, "m", "winobias", d)
    assert code == 2
    assert "holds an unfinished audit of another run (benchmarks: crows_pairs -> winobias)" in err
    assert _audit_cli(capsys, "m", "crows_pairs", d)[0] == 0  # the same run finishes
    assert read_run_record(d) is None and not (d / ".journal").exists()


def test_unreadable_results_and_stray_samples_are_not_replaced_silently(
    fake_models, data_dir, tmp_path, capsys
):
    d = tmp_path / "d"
    d.mkdir()
    (d / "results.json").write_text("{ cut sho")
    code, _, err = _audit_cli(capsys, "m", "crows_pairs", d)
    assert code == 2 and "holds a results.json that fairlm cannot read" in _error_line(err)
    assert _audit_cli(capsys, "m", "crows_pairs", d, "--overwrite")[0] == 0

    e = tmp_path / "e"
    e.mkdir()
    (e / "samples_bbq.jsonl").write_text("{}\n")
    code, _, err = _audit_cli(capsys, "m", "crows_pairs", e)
    assert code == 2 and "samples_bbq.jsonl but no results.json" in _error_line(err)


# --- the folder itself: checked before the model loads --------------------------------


def _unwritable_dir(tmp_path: Path) -> Path:
    """A folder this process cannot write in (root ignores permission bits: /sys then)."""
    if os.geteuid() != 0:
        d = tmp_path / "ro"
        d.mkdir()
        d.chmod(0o555)
        return d
    try:
        with open("/sys/.fairlm-probe", "w"):
            pass
    except OSError:
        return Path("/sys")
    pytest.skip("no folder here refuses writes to root")


def test_output_dir_that_is_a_file_or_read_only(fake_models, data_dir, tmp_path, capsys):
    f = tmp_path / "file"
    f.write_text("x")
    code, _, err = _audit_cli(capsys, "m", "crows_pairs", f)
    assert code == 2
    assert f"--output-dir {f} is a file, not a folder" in _error_line(err)
    code, _, err = _audit_cli(capsys, "m", "crows_pairs", f / "sub")
    assert code == 2 and f"{f} is a file, not a folder" in _error_line(err)
    ro = _unwritable_dir(tmp_path) / "out"
    code, _, err = _audit_cli(capsys, "m", "crows_pairs", ro)
    assert code == 2
    line = _error_line(err)
    assert f"--output-dir {ro}" in line and ("denied" in line or "not permitted" in line)
    assert fake_models["loads"] == []  # all three before loading the model


def test_a_failed_run_leaves_no_empty_folder(data_dir, tmp_path, capsys, monkeypatch):
    def broken(name, **_kwargs):
        from fairlm.errors import ModelError

        raise ModelError("no such model")

    monkeypatch.setattr(fairlm.models, "load_model", broken)
    code, _, err = _audit_cli(capsys, "m", "crows_pairs", tmp_path / "new" / "out")
    assert code == 2 and "no such model" in err
    assert not (tmp_path / "new" / "out").exists()


# --- one writer per folder --------------------------------------------------------------


def test_lock_file_lock_and_stale_takeover(tmp_path):
    path = tmp_path / LOCK_FILE
    first = FileLock(path)
    assert first.acquire() is None
    record = json.loads(path.read_text())
    assert record["pid"] == os.getpid() and "started" in record
    with pytest.raises(LockHeld) as held:
        FileLock(path).acquire()  # another open file: flock says no, even in one process
    assert held.value.holder["pid"] == os.getpid()
    first.release()
    assert not path.exists()

    # a lock file left by a dead process is taken over, saying whose it was
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    path.write_text(json.dumps({"pid": dead.pid, "started": "then"}))
    lock = FileLock(path)
    assert lock.acquire() == {"pid": dead.pid, "started": "then"}
    lock.release()


def test_a_stale_lock_is_taken_over_with_a_message(fake_models, data_dir, tmp_path, capsys):
    d = tmp_path / "d"
    d.mkdir()
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    (d / LOCK_FILE).write_text(json.dumps({"pid": dead.pid, "started": "2026-12-06T13:00:00"}))
    code, _, err = _audit_cli(capsys, "m", "crows_pairs", d)
    assert code == 0
    assert f"took over the lock left by pid {dead.pid}" in err and "no longer running" in err
    assert not (d / LOCK_FILE).exists()


def test_a_held_lock_refuses_a_second_audit(fake_models, data_dir, tmp_path, capsys):
    d = tmp_path / "d"
    d.mkdir()
    with FileLock(d / LOCK_FILE):
        code, _, err = _audit_cli(capsys, "m", "crows_pairs", d)
    assert code == 2
    assert f"{d} is in use by another fairlm audit (pid {os.getpid()}" in _error_line(err)
    assert fake_models["loads"] == []


def test_two_concurrent_audits_one_stops(tiny_gpt2_dir, data_dir, tmp_path):
    """Two real processes into one folder: the second stops with a message naming the
    first; the first finishes and its results are whole."""
    d = tmp_path / "d"
    cmd = [
        sys.executable, "-m", "fairlm", "audit", "--model", str(tiny_gpt2_dir),
        "--benchmarks", "crows_pairs", "--limit", "24", "--checkpoint-every", "4",
        "--bootstrap", "20", "--output-dir", str(d), "--quiet", "--no-report",
    ]  # fmt: skip
    env = dict(os.environ, FAIRLM_NO_PROGRESS="1", OMP_NUM_THREADS="1")
    first = subprocess.Popen(
        cmd,
        env={**env, "FAIRLM_TEST_CHUNK_DELAY": "0.5"},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 120
    while not (d / ".journal").is_dir() and time.monotonic() < deadline:
        assert first.poll() is None, first.communicate()
        time.sleep(0.05)
    second = subprocess.run(cmd, env=env, capture_output=True, text=True)
    out, err = first.communicate(timeout=300)
    assert first.returncode == 0, err
    assert second.returncode == 2
    line = _error_line(second.stderr)
    assert f"{d} is in use by another fairlm audit (pid {first.pid}" in line
    results = json.loads((d / "results.json").read_text())
    assert results["benchmarks"]["crows_pairs"]["n_examples"] == 24
    assert not (d / LOCK_FILE).exists()


# --- the model card ----------------------------------------------------------------------


def test_write_owned_text_keeps_a_users_edits(tmp_path, caplog):
    card = tmp_path / "model_card.md"
    assert write_owned_text(card, "v1\n") == card
    assert write_owned_text(card, "v2\n") == card and card.read_text() == "v2\n"  # unchanged: ours
    card.write_text("mine\n")
    assert owned_target(card) == tmp_path / "model_card.new.md"
    assert write_owned_text(card, "v3\n") == tmp_path / "model_card.new.md"
    assert card.read_text() == "mine\n"
    assert (tmp_path / "model_card.new.md").read_text() == "v3\n"
    assert "was edited since fairlm wrote it" in caplog.text
    card.unlink()  # removed by the user: written again
    assert write_owned_text(card, "v4\n") == card and card.read_text() == "v4\n"
    other = tmp_path / "theirs.md"  # a file fairlm never wrote is not fairlm's
    other.write_text("x")
    assert write_owned_text(other, "y") == tmp_path / "theirs.new.md"


def test_report_and_audit_never_overwrite_an_edited_model_card(
    fake_models, data_dir, tmp_path, capsys
):
    """The issue's case: echo mine > d/model_card.md; fairlm report RUN -o d/r.html."""
    d = tmp_path / "d"
    argv = ["audit", "--model", "m", "--benchmarks", "crows_pairs", "--limit", "4"]
    assert main([*argv, "--bootstrap", "0", "--quiet", "--output-dir", str(d)]) == 0
    generated = (d / "model_card.md").read_text()
    assert generated.strip()
    assert main(["report", str(d), "-o", str(d / "r.html")]) == 0  # unchanged: rewritten
    assert (d / "model_card.md").read_text() == generated
    assert not (d / "model_card.new.md").exists()

    (d / "model_card.md").write_text("mine\n")
    capsys.readouterr()
    assert main(["report", str(d), "-o", str(d / "r.html")]) == 0
    out = capsys.readouterr().out
    assert (d / "model_card.md").read_text() == "mine\n"
    assert (d / "model_card.new.md").read_text() == generated
    assert f"and {d / 'model_card.new.md'}" in out
    assert main([*argv, "--bootstrap", "0", "--quiet", "--output-dir", str(d)]) == 0
    assert (d / "model_card.md").read_text() == "mine\n"


def test_lock_without_flock_uses_an_exclusive_file(tmp_path, monkeypatch):
    """On a filesystem without flock (some network mounts): O_EXCL plus the pid."""
    import errno
    import fcntl

    def no_flock(*_args):
        raise OSError(errno.ENOLCK, "No locks available")

    monkeypatch.setattr(fcntl, "flock", no_flock)
    path = tmp_path / LOCK_FILE
    lock = FileLock(path)
    assert lock.acquire() is None
    with pytest.raises(LockHeld):
        FileLock(path).acquire()  # this process is alive
    lock.release()
    assert not path.exists()
