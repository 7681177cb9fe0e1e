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
