"""Every script under benchmarks/ imports and answers --help: the scripts run for hours on
real models, so a broken import should show here and not an hour into a measurement."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).parents[1] / "benchmarks"
SCRIPTS = sorted(p for p in BENCH.glob("*.py") if not p.name.startswith("_"))
NO_PARSER = {"check_decisions_fairlearn.py"}  # takes one positional run folder


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda p: p.name)
def test_script_imports_and_answers_help(script, monkeypatch, capsys):
    monkeypatch.syspath_prepend(str(BENCH))  # the scripts import their _helpers
    spec = importlib.util.spec_from_file_location(f"bench_{script.stem}", script)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert callable(module.main)
    if script.name in NO_PARSER:
        return
    monkeypatch.setattr(sys, "argv", [script.name, "--help"])
    with pytest.raises(SystemExit) as done:
        module.main()
    assert done.value.code == 0
    assert "usage:" in capsys.readouterr().out


def test_every_script_is_listed():
    assert {p.name for p in SCRIPTS} >= {"debias_experiment.py", "scoring.py", "generation.py"}


def test_gpu_check_runs_on_the_cpu(monkeypatch, capsys):
    """The GPU session's script, on a tiny random model on the CPU: both tools generate,
    and greedy decoding agrees with transformers."""
    monkeypatch.syspath_prepend(str(BENCH))
    spec = importlib.util.spec_from_file_location("bench_gpu_check", BENCH / "gpu_check.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    argv = ["gpu_check.py", "--device", "cpu", "--shape", "tiny", "--dtype", "float32"]
    argv += ["--prompts", "12", "--rounds", "1", "--hf-batch", "6", "--rows", "4,12"]
    monkeypatch.setattr(sys, "argv", [*argv, "--greedy", "6"])
    module.main()
    out = capsys.readouterr().out
    assert "12 prompts" in out and "fairlm rows 12" in out and "hf batch 6" in out
    assert "greedy: 100% of 6 prompts equal to transformers one at a time" in out
