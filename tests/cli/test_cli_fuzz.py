"""The command line driven with random argument lists: whatever the subcommand, flags and
junk values, ``fairlm`` ends with exit code 0, 1 or 2 (argparse's own exit included) and
never with an uncaught exception.

Kept fast and offline: models are the deterministic FakeLM, the data folder holds two
small data sets (the others are "not found", which is a user error like any other),
audits are limited to 3 examples, training and debiasing are stubbed (their configs are
still built and checked from the fuzzed flags), nothing is downloaded, and every path is
a file made for the test inside a temporary folder.
"""

from __future__ import annotations

import argparse
import os
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

import fairlm.data
import fairlm.data._download as download_module
import fairlm.mitigation
import fairlm.models
import fairlm.training
from fairlm.cli import build_parser, main
from fairlm.errors import FairlmError
from fairlm.models import FakeLM

FUZZ = settings(
    max_examples=int(os.environ.get("FAIRLM_FUZZ_EXAMPLES", "200")),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def _flags() -> dict[str, dict[str, bool]]:
    """Every subcommand (``data ACTION`` too): its option strings, each with whether it
    takes a value."""

    def options(parser: argparse.ArgumentParser) -> dict[str, bool]:
        return {s: a.nargs != 0 for a in parser._actions for s in sorted(a.option_strings)}

    def subparsers(parser):
        return next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))

    out = {}
    for name, sub in subparsers(build_parser()).choices.items():
        if name == "data":
            for action, p in subparsers(sub).choices.items():
                out[f"data {action}"] = options(p)
        out[name] = options(sub)
    return out


FLAGS = _flags()
PATHS = ("missing.txt", "folder", "blank.txt", "latin1.txt", "preds.csv", "texts.txt", "out.json")
WORDS = (
    "", "-", "--", "0", "-1", "3", "1.5", "nan", "inf", "-inf", "all", "list", "auto",
    "crows_pairs", "winobias", "bbq", "crows_pairs,winobias", "crows", "float16", "int8",
    "cuda", "cuda:7", "cpu", "lm-eval", "sum", "gender", "label", "pred", "sex", "a",
    "crows_pairs.limit=2", "holistic_bias.data_version=x", "crows_pairs.nope=1", "x=y",
    "\x1b[2J", "a\nb", "é ü", "Hi.", "The nurse said that", "cda", "tiny",
)  # fmt: skip
# what a command line can carry: any text but NUL (argv entries are C strings) and lone
# surrogates
TEXT = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=8)


# a valid start for the commands that need arguments, so that fuzzed flags after it
# (the last spelling of a flag wins) reach the command's own checks, not only argparse's
BASE = {
    "audit": ["--benchmarks", "crows_pairs", "--bootstrap", "5"],
    "metrics": ["preds.csv", "--y-true", "label", "--y-pred", "pred", "--group", "sex"],
    "score": ["--text", "Hi."],
    "generate": ["Hi", "--max-new-tokens", "3"],
    "augment": ["texts.txt", "out.txt"],
    "data-audit": ["texts.txt"],
    "train": ["texts.txt", "--output-dir", "t"],
    "debias": ["--method", "cda", "--corpus", "texts.txt", "--output-dir", "d"],
    "report": ["folder"],
    "data path": ["crows_pairs"],
    "data download": ["crows_pairs"],
}
VALUE = st.one_of(
    st.sampled_from(WORDS),
    st.sampled_from(PATHS),
    st.integers(-3, 40).map(str),
    st.floats(-2, 2, allow_nan=False).map(lambda x: f"{x:.2f}"),
    TEXT,
)


@st.composite
def argv(draw) -> list[str]:
    command = draw(st.sampled_from(sorted(FLAGS)))
    flags = [f for f in FLAGS[command] if f not in ("-h", "--help", "--version")]
    args = list(BASE.get(command, [])) if draw(st.booleans()) or draw(st.booleans()) else []
    for _ in range(draw(st.integers(0, 5))):
        kind = draw(st.sampled_from(["flag", "flag", "flag", "flag", "stray value"]))
        if kind == "flag" and flags:
            flag = draw(st.sampled_from(flags))
            args.append(flag)
            if FLAGS[command][flag]:
                args.append(draw(VALUE))
        else:
            args.append(draw(VALUE))
    if draw(st.integers(0, 49)) == 0:
        args.append("--help")
    if command == "audit":
        args += ["--limit", "3"]  # the last spelling wins: never a full benchmark
    return [*command.split(), *args]


@pytest.fixture
def sandbox(tmp_path, data_dir, monkeypatch):
    """A working folder of test files, FakeLM for every model, two small data sets."""
    data = tmp_path / "data"
    for name in ("crows_pairs", "winobias"):
        shutil.copytree(data_dir / name, data / name)
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    monkeypatch.setenv("FAIRLM_DATA_DIR", str(data))
    monkeypatch.setenv("FAIRLM_NO_PROGRESS", "1")
    monkeypatch.setattr(
        fairlm.models, "load_model", lambda name, **_: FakeLM(str(name), max_length=256)
    )

    def stub(*_args, **_kwargs):
        raise FairlmError("stubbed in the fuzz test")

    for module, name in [
        (fairlm.training, "train"),
        (fairlm.mitigation, "debias"),
        (fairlm.data, "download"),
    ]:
        monkeypatch.setattr(module, name, stub)
    monkeypatch.setattr(download_module, "download", stub)
    return work


def _files(work: Path) -> None:
    """The test files afresh (a fuzzed command may have written over one)."""
    for p in PATHS:
        target = work / p
        if target.is_dir():
            shutil.rmtree(target)
        elif target.exists():
            target.unlink()
    (work / "folder").mkdir()
    (work / "blank.txt").write_text("\n \n")
    (work / "latin1.txt").write_bytes(b"caf\xe9\n")
    (work / "preds.csv").write_text("label,pred,sex\n1,1,a\n0,1,a\n1,0,b\n0,0,b\n1,1,b\n")
    (work / "texts.txt").write_text("The nurse was tired.\nHe said so.\n")


@FUZZ
@given(args=argv())
def test_random_command_lines_never_raise(sandbox, capsys, args):
    _files(sandbox)
    try:
        code = main(args)
    except SystemExit as exc:  # argparse: a usage error (2) or --help/--version (0)
        event(f"argparse exit {exc.code}")
        assert exc.code in (0, 2), args
        return
    finally:
        captured = capsys.readouterr()
    event(f"{args[0]} exit {code}")
    assert code in (0, 1, 2), (args, code)
    assert "Traceback" not in captured.err, args
    if code == 2:
        errors = [line for line in captured.err.splitlines() if ": error: " in line]
        assert len(errors) == 1, (args, captured.err)


def test_the_fuzz_reaches_every_command():
    """Every subcommand (and data action) has flags to draw from."""
    assert {"audit", "score", "generate", "metrics", "report", "data list"} <= set(FLAGS)
    assert "--benchmark-arg" in FLAGS["audit"] and "--json" in FLAGS["metrics"]
