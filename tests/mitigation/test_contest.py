"""benchmarks/debias_experiment.py in pieces: the original model is audited once, later
pieces reuse that audit, and ``--archive`` carries the results to a fresh output folder."""

from __future__ import annotations

import importlib.util
import json
import os
from pathlib import Path

import pytest

BENCH = Path(__file__).parents[2] / "benchmarks"


@pytest.fixture
def contest(monkeypatch):
    monkeypatch.syspath_prepend(str(BENCH))  # the script imports its sibling _contest_table
    script = BENCH / "debias_experiment.py"
    spec = importlib.util.spec_from_file_location("debias_experiment", script)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _run(contest, tiny_gpt2_dir, data_dir, out, archive, methods, *extra):
    args = ["--model", str(tiny_gpt2_dir), "--methods", methods, "--output-dir", str(out),
            "--archive", str(archive), "--benchmarks", "crows_pairs", "--guard", "",
            "--limit", "6", "--max-texts", "80", "--max-heldout", "10",
            "--data-dir", str(data_dir), *extra]  # fmt: skip
    assert contest.main(args) == 0


def test_contest_runs_in_pieces_through_its_archive(contest, tiny_gpt2_dir, data_dir, tmp_path):
    archive = tmp_path / "archive"
    first, second = tmp_path / "first", tmp_path / "second"
    _run(contest, tiny_gpt2_dir, data_dir, first, archive, "leace")
    kept = sorted(str(p.relative_to(archive)) for p in archive.rglob("*") if p.is_file())
    assert kept == [
        "experiment.log",
        "leace/before/perplexity.json",
        "leace/before/results.json",
        "leace/comparison.json",
        "leace/probe.json",
        "leace/timing.json",
    ]
    original = json.loads((archive / "leace" / "before" / "results.json").read_text())

    # a later piece on a machine without the first folder: restored, the original's audit
    # is reused (not run again), and only the new method's own files are added
    _run(contest, tiny_gpt2_dir, data_dir, second, archive, "sentence-debias")
    log = (second / "experiment.log").read_text(encoding="utf-8")
    assert "auditing the original model" in log.split("sentence-debias: start")[0]  # leace's
    later = log.split("sentence-debias: start")[1]
    assert "auditing the original model" not in later
    assert f"reusing the audit in {second / 'leace' / 'before'}" in later
    copied = second / "sentence-debias" / "before" / "results.json"
    assert json.loads(copied.read_text()) == original
    assert not (archive / "sentence-debias" / "before").exists()
    assert (archive / "sentence-debias" / "comparison.json").is_file()
    assert (archive / "experiment.log").read_text(encoding="utf-8") == log

    # a finished method is not run again, and the archive alone rebuilds the same tables
    _run(contest, tiny_gpt2_dir, data_dir, second, archive, "leace,sentence-debias")
    assert (second / "experiment.log").read_text(encoding="utf-8").count(": start (") == 2
    both = "leace,sentence-debias"
    assert contest.main(["--summary-only", "--output-dir", str(archive), "--methods", both]) == 0
    from_archive = json.loads((archive / "summary.json").read_text())
    assert from_archive == json.loads((second / "summary.json").read_text())
    assert set(from_archive) == {"leace", "sentence-debias"}

    # each method's wall time says on which machine it was taken (pieces may run on others)
    from fairlm.models._capabilities import cpu_info

    timing = json.loads((archive / "leace" / "timing.json").read_text())
    cpu = cpu_info()
    assert timing["machine"].startswith(f"{cpu['model']}, {os.cpu_count()} cores (")
    assert f"(vector unit {cpu['torch_capability']}, " in timing["machine"]
    assert f"machine: {timing['machine']}" in log
    md = (archive / "summary.md").read_text(encoding="utf-8")
    assert f"| leace | {timing['debias_s'] / 60:.1f} | - | {timing['machine']} |" in md


def test_a_stopped_piece_keeps_the_original_models_audit(
    contest, tiny_gpt2_dir, data_dir, tmp_path, monkeypatch
):
    archive = tmp_path / "archive"

    def stop(*args, **kwargs):
        raise KeyboardInterrupt

    with monkeypatch.context() as m:
        m.setattr(contest, "method_probe", stop)  # after the audits, before probe.json
        with pytest.raises(KeyboardInterrupt):
            _run(contest, tiny_gpt2_dir, data_dir, tmp_path / "a", archive, "leace")
    assert (archive / "leace" / "before" / "results.json").is_file()
    assert not (archive / "leace" / "probe.json").exists()

    # the next piece, elsewhere, finishes leace without auditing the original again
    _run(contest, tiny_gpt2_dir, data_dir, tmp_path / "b", archive, "leace")
    log = (archive / "experiment.log").read_text(encoding="utf-8")
    assert log.count("auditing the original model") == 1
    assert log.count("leace: start (") == 2
    assert (archive / "leace" / "probe.json").is_file()


def _probe_file(by: str, before: float, after: float, n_test: int) -> dict:
    def read(acc: float) -> dict:
        one = {"accuracy": acc, "ci_low": acc - 4, "ci_high": acc + 3, "n_test": n_test}
        return {"linear": one, "mlp": {**one, "accuracy": acc + 5}}

    return {"by": by, "before": read(before), "after": read(after)}


@pytest.mark.parametrize("order", [("leace", "cda"), ("cda", "leace")])
def test_the_before_probe_is_the_saved_models_whichever_method_comes_first(contest, order):
    from _contest_table import figures_table, probe_note

    probes = {"leace": _probe_file("leace", 83.7, 50.5, 374),
              "cda": _probe_file("benchmarks/debias_experiment.py", 84.7, 84.9, 378)}  # fmt: skip
    runs = {m: {"comparison": {}, "probe": probes[m]} for m in order}
    line = next(x for x in figures_table(runs).splitlines() if "probe, linear" in x)
    cells = dict(zip(["label", "before", *order], line.strip("| ").split(" | "), strict=True))
    assert (cells["before"], cells["leace"], cells["cda"]) == (
        "84.7 [80.7, 87.7]",
        "50.5 [46.5, 53.5]",
        "84.9 [80.9, 87.9]",
    )
    note = probe_note(runs)
    assert "leace: linear 83.7, MLP 88.7, 374 pairs" in note and "(378 held out)" in note
    # with the eraser alone there is only its own probe: it is the before column, no note
    alone = {"leace": runs["leace"]}
    assert "| 83.7 [79.7, 86.7] | 50.5" in figures_table(alone) and probe_note(alone) is None
