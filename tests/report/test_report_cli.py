"""`fairlm report`: exit codes, output files, one-line errors."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from fairlm.cli import main


def test_report_command_writes_html_and_model_card(run_dir: Path, tmp_path: Path, capsys) -> None:
    out = tmp_path / "x.html"
    assert main(["report", str(run_dir), "-o", str(out)]) == 0
    assert out.is_file() and (tmp_path / "model_card.md").is_file()
    assert "wrote" in capsys.readouterr().out
    assert "Fairness report: tiny-test-model" in out.read_text(encoding="utf-8")


def test_default_output_is_in_the_last_run_dir(two_runs, capsys) -> None:
    before, after = two_runs
    argv = ["report", str(before), str(after), "--labels", "before,after", "--title", "B vs A"]
    assert main(argv) == 0
    html = (after / "report.html").read_text(encoding="utf-8")
    assert "<title>B vs A</title>" in html


@pytest.mark.parametrize(
    ("argv_tail", "message"),
    [
        (["{missing}"], "run directory not found"),
        (["{empty}"], "no results.json"),
        (["{run}", "--labels", "a,b"], "--labels has 2 names for 1 run directories"),
    ],
)
def test_bad_input_gives_one_line_error_and_exit_2(
    run_dir: Path, tmp_path: Path, capsys, argv_tail: list[str], message: str
) -> None:
    (tmp_path / "empty").mkdir()
    subs = {
        "{missing}": str(tmp_path / "nope"),
        "{empty}": str(tmp_path / "empty"),
        "{run}": str(run_dir),
    }
    argv = ["report"] + [subs.get(a, a) for a in argv_tail] + ["-o", str(tmp_path / "o.html")]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith("fairlm report: error: ") and message in err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert not (tmp_path / "o.html").exists()


def test_invalid_results_file_in_a_real_process(tmp_path: Path) -> None:
    d = tmp_path / "bad"
    d.mkdir()
    (d / "results.json").write_text("{oops", encoding="utf-8")
    proc = subprocess.run(
        [sys.executable, "-m", "fairlm", "report", str(d), "-o", str(tmp_path / "r.html")],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 2
    assert proc.stderr.startswith("fairlm report: error: ") and "not valid JSON" in proc.stderr
    assert proc.stderr.count("\n") == 1 and "Traceback" not in proc.stderr
