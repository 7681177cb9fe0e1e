"""The command line: every --help without torch, flags generated from typed configs, old
spellings still accepted, config errors named by their flag."""

from __future__ import annotations

import argparse
import dataclasses
import subprocess
import sys
from typing import Literal

import pytest

from fairlm._config import ConfigError, check, comma_list, option
from fairlm.cli import COMMANDS, build_parser, main
from fairlm.cli._flags import add_options, config_from_args


def test_every_help_is_instant_and_torch_free():
    """``fairlm --help`` and every subcommand's (data's actions too) import no torch."""
    commands = [[name] for name, _, _ in COMMANDS]
    commands += [["data", action] for action in ("list", "verify", "download", "path")]
    code = (
        "import sys, contextlib, io\n"
        "from fairlm.cli import main\n"
        f"for argv in [[], *{commands!r}]:\n"
        "    with contextlib.redirect_stdout(io.StringIO()) as out:\n"
        "        try: main([*argv, '--help'])\n"
        "        except SystemExit as e: assert e.code == 0, argv\n"
        "    assert 'usage: fairlm' in out.getvalue(), argv\n"
        "heavy = ('torch', 'transformers', 'accelerate', 'peft', 'numpy', 'tqdm')\n"
        "print(sorted(m for m in heavy if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"


def _parse(argv: list[str]) -> argparse.Namespace:
    return build_parser().parse_args(argv)


@pytest.mark.parametrize(
    ("argv", "dest", "value"),
    [
        (["audit", "--tasks", "bbq"], "benchmarks", ("bbq",)),
        (["audit", "--output-path", "x"], "output_dir", "x"),
        (["audit", "--task-arg", "bbq.categories=Age"], "benchmark_args", ["bbq.categories=Age"]),
        (["audit", "--quiet"], "progress", False),
        (["audit", "--no-progress"], "progress", False),
        (["audit", "--no-resume"], "resume", False),
        (["audit", "--batch-size", "4"], "batch_size", 4),
        (["debias", "--method", "cda", "--corpus", "c", "--output-dir", "o", "--quiet"],
         "progress", False),
        (["debias", "--method", "cda", "--corpus", "c", "--output-dir", "o", "--baseline", "b"],
         "baseline_dir", "b"),
        (["debias", "--method", "constraint", "--corpus", "c", "--output-dir", "o",
          "--lambda", "0.5"], "strength", 0.5),
        (["train", "c", "--output-dir", "o", "--no-dedup"], "exact_dedup", False),
        (["train", "c", "--output-dir", "o", "--quiet"], "progress", False),
        (["data-audit", "c", "--axes", "gender,race"], "axes", ("gender", "race")),
        (["data", "path", "bbq", "--no-verify"], "verify", False),
        (["report", "r", "-o", "x.html"], "output", "x.html"),
    ],
)  # fmt: skip
def test_old_and_new_spellings_reach_the_config_field(argv, dest, value):
    assert getattr(_parse(argv), dest) == value


def test_flags_share_the_config_field_names():
    """``--batch-size`` <-> ``batch_size``: every flag's dest is its config field, and its
    first long spelling is the field's name, except the few older spellings kept."""
    from fairlm.benchmarks import AuditConfig
    from fairlm.mitigation import DebiasConfig
    from fairlm.training import TrainRunConfig

    kept = {"--benchmark-arg"}  # one flag per benchmark option, a dict field
    subparsers = next(
        a for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction)
    )
    configs = {"audit": AuditConfig, "debias": DebiasConfig, "train": TrainRunConfig}
    for command, config in configs.items():
        sub = subparsers.choices[command]
        actions = {a.dest: a for a in sub._actions}
        for f in dataclasses.fields(config):
            if f.metadata.get("hidden"):
                continue
            assert f.name in actions, (command, f.name)
            longs = [s for s in actions[f.name].option_strings if s.startswith("--")]
            spelled = f.name.replace("_", "-")
            assert not longs or longs[0] in (f"--{spelled}", f"--no-{spelled}") or longs[0] in kept


def test_config_errors_name_the_flag(tiny_gpt2_dir, capsys):
    assert main(["audit", "--model", str(tiny_gpt2_dir), "--limit", "0"]) == 2
    assert "fairlm audit: error: --limit must be at least 1" in capsys.readouterr().err
    with pytest.raises(ConfigError, match="limit must be at least 1"):
        from fairlm.benchmarks import AuditConfig

        AuditConfig(limit=0)


def test_python_callers_get_the_same_checks():
    from fairlm.benchmarks import AuditConfig
    from fairlm.errors import FairlmError
    from fairlm.mitigation import DebiasConfig

    with pytest.raises(ConfigError, match="dtype must be one of float32, bfloat16, float16"):
        AuditConfig(dtype="int8")  # type: ignore[arg-type]
    with pytest.raises(ConfigError, match="batch_size must be a positive integer or 'auto'"):
        AuditConfig(batch_size="many")  # type: ignore[arg-type]
    with pytest.raises(FairlmError, match="Did you mean: crows_pairs"):
        AuditConfig(benchmarks="crows")
    with pytest.raises(ConfigError, match="corpus is required"):
        DebiasConfig(method="cda", output_dir="x")
    with pytest.raises(FairlmError, match="Did you mean: constraint"):
        DebiasConfig(method="constrain", texts=["a", "b"], output_dir="x")
    assert AuditConfig(benchmarks=["bbq", "seat"]).names() == ["bbq", "seat"]


# ---- the generator on a config of its own


@dataclasses.dataclass(kw_only=True)
class _Toy:
    files: list[str] = option(positional=True, nargs="+", metavar="FILE")
    name: str = option(help="required: no default")
    size: int = option(3, minimum=1, help="how many")
    mode: Literal["fast", "exact"] = option("exact", group="tuning")
    ratio: float | None = option(None, group="tuning")
    report: bool = option(True, help="skip the report")
    loud: bool = option(False, aliases=("-l",))
    tags: list[str] = option((), append=True)
    names: tuple[str, ...] = option(("a",), parse=comma_list, aliases=("--keys",))
    secret: str = option("x", cli=False)

    def __post_init__(self) -> None:
        check(self)


@dataclasses.dataclass(kw_only=True)
class _Other:
    size: int = option(3, help="shared with _Toy: added once")
    depth: int = option(2, group="extra")


def _toy_parser(*configs, **kwargs) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="toy")
    add_options(parser, *configs, **kwargs)
    return parser


def test_generated_flags_follow_the_fields():
    parser = _toy_parser(_Toy)
    args = parser.parse_args(
        ["f1", "f2", "--name", "n", "--mode", "fast", "--no-report", "-l", "--tags", "a",
         "--tags", "b", "--keys", "x, y", "--ratio", "0.5"]
    )  # fmt: skip
    toy = config_from_args(_Toy, args)
    assert toy == _Toy(
        files=["f1", "f2"],
        name="n",
        mode="fast",
        ratio=0.5,
        report=False,
        loud=True,
        tags=["a", "b"],
        names=("x", "y"),
    )
    assert not hasattr(args, "secret")
    defaults = config_from_args(_Toy, parser.parse_args(["f", "--name", "n"]))
    assert (defaults.size, defaults.report, defaults.tags, defaults.names) == (3, True, [], ("a",))


def test_generated_flags_refuse_what_the_field_refuses(capsys):
    parser = _toy_parser(_Toy)
    for argv, message in [
        (["f"], "the following arguments are required: --name"),
        (["f", "--name", "n", "--mode", "slow"], "invalid choice: 'slow'"),
        (["f", "--name", "n", "--size", "x"], "invalid int value"),
    ]:
        with pytest.raises(SystemExit):
            parser.parse_args(argv)
        assert message in capsys.readouterr().err
    with pytest.raises(ConfigError, match="size must be at least 1"):
        config_from_args(_Toy, parser.parse_args(["f", "--name", "n", "--size", "0"]))


def test_parse_errors_read_as_argparse_errors(capsys):
    def positive(text: str) -> int:
        if int(text) < 1:
            raise ValueError(f"{text} is not positive")
        return int(text)

    @dataclasses.dataclass
    class C:
        n: int = option(1, parse=positive)

    with pytest.raises(SystemExit):
        _toy_parser(C).parse_args(["--n", "0"])
    assert "argument --n: 0 is not positive" in capsys.readouterr().err


def test_help_lists_ungrouped_then_named_groups_then_the_rest():
    text = _toy_parser(_Other, _Toy, groups=("tuning",)).format_help()
    assert text.index("--name") < text.index("tuning:") < text.index("extra:")
    assert text.count("--size") == 2  # once in usage, once in the options
    assert "shared with _Toy: added once" in text and "how many" not in text
    assert "-l, --loud" in text and "--names NAMES, --keys NAMES" in text
    assert "--no-report" in text and "skip the report" in text


def test_help_shows_each_default_once():
    @dataclasses.dataclass
    class C:
        size: int = option(3, help="how many")
        said: int = option(2, help="how deep (default 2)")
        bare: float = option(0.5)
        names: tuple[str, ...] = option(("a", "b"))
        share: str = option("5%", help="a share")
        unset: int | None = option(None, help="a limit")
        extra: list[str] = option((), append=True, help="repeatable")
        flag: bool = option(False, help="a switch")

    text = " ".join(_toy_parser(C).format_help().split())
    assert "how many (default: 3)" in text
    assert "how deep (default 2)" in text and "(default 2) (default" not in text
    assert "--bare BARE default: 0.5" in text
    assert "--names NAMES [NAMES ...] default: a,b" in text
    assert "a share (default: 5%)" in text  # argparse's % formatting escaped
    assert "a limit --extra EXTRA repeatable --flag" in text  # not given: nothing shown
    assert "a switch" in text and "a switch (default" not in text


def test_option_of_keeps_the_base_fields_help_and_checks():
    from fairlm._config import option_of

    @dataclasses.dataclass
    class Base:
        steps: int = option(1000, group="training", minimum=1, help="optimizer steps")

    @dataclasses.dataclass
    class Short(Base):
        steps: int = option_of(Base, "steps", 200)

    assert Short().steps == 200 and Base().steps == 1000
    text = " ".join(_toy_parser(Short).format_help().split())
    assert "training: --steps STEPS optimizer steps (default: 200)" in text
    with pytest.raises(ConfigError, match="steps must be at least 1"):
        check(Short(steps=0))


def test_every_flag_of_every_command_says_what_it_does():
    parser = build_parser()
    commands = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    silent = [
        f"{name} {action.option_strings or action.dest}"
        for name, sub in commands.choices.items()
        for action in sub._actions
        if action.help is None and action.dest not in ("help", "data_command")
    ]
    assert silent == []
