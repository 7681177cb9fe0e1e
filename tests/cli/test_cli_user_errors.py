"""Every error a user can make on the command line is one line and exit code 2, with no
traceback, and says what to do (issue 18's list, a test each); data never reaches the
terminal with its control characters."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

import fairlm.models
from fairlm.cli import main
from fairlm.models import FakeLM


def _one_line(capsys, argv: list[str]) -> str:
    """Run ``fairlm ARGV`` in-process; assert exit 2 and one error line; return it."""
    code = main(argv)
    captured = capsys.readouterr()
    assert code == 2, captured
    assert "Traceback" not in captured.err
    assert captured.err.count("\n") == 1 and captured.err.startswith(f"fairlm {argv[0]}: error: ")
    return captured.err.strip()


def _run(*args: str, stdin: bytes | None = None, env_extra: dict[str, str] | None = None):
    env = dict(os.environ, FAIRLM_NO_PROGRESS="1", **(env_extra or {}))
    return subprocess.run(
        [sys.executable, "-m", "fairlm", *args], input=stdin, capture_output=True, env=env
    )


def _sub_one_line(proc) -> str:
    err = proc.stderr.decode()
    assert proc.returncode == 2, err
    assert "Traceback" not in err
    lines = [line for line in err.splitlines() if "error:" in line]
    assert len(lines) == 1, err
    return lines[0]


@pytest.fixture
def no_model(monkeypatch):
    """load_model fails the test: these errors must come before any model loads."""

    def refuse(*_args, **_kwargs):
        raise AssertionError("the model was loaded")

    monkeypatch.setattr(fairlm.models, "load_model", refuse)


@pytest.fixture
def fake_model(monkeypatch):
    monkeypatch.setattr(fairlm.models, "load_model", lambda name, **_: FakeLM(str(name)))


def _unwritable_dir(tmp_path: Path) -> Path:
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


CSV = "label,pred,sex\n1,1,a\n0,1,a\n1,0,b\n0,0,b\n1,1,b\n"


# --- outputs that cannot be written --------------------------------------------------


def test_audit_output_dir_is_a_file(no_model, data_dir, tmp_path, capsys):
    f = tmp_path / "f"
    f.write_text("")
    line = _one_line(capsys, ["audit", "--benchmarks", "crows_pairs", "--output-dir", str(f)])
    assert "is a file, not a folder" in line


def test_audit_output_dir_read_only(no_model, data_dir, tmp_path, capsys):
    ro = _unwritable_dir(tmp_path)
    line = _one_line(capsys, ["audit", "--benchmarks", "crows_pairs", "--output-dir", str(ro)])
    assert f"--output-dir {ro}" in line


def test_report_output_read_only_or_a_folder(fake_model, data_dir, tmp_path, capsys):
    src = tmp_path / "run"
    argv = ["audit", "--benchmarks", "crows_pairs", "--limit", "4", "--bootstrap", "0"]
    assert main([*argv, "--quiet", "--no-report", "--output-dir", str(src)]) == 0
    capsys.readouterr()
    ro = _unwritable_dir(tmp_path)
    line = _one_line(capsys, ["report", str(src), "-o", str(ro / "r.html")])
    assert f"--output {ro / 'r.html'}: cannot write there" in line
    line = _one_line(capsys, ["report", str(src), "-o", str(tmp_path)])
    assert "is a folder; give a file name" in line


def test_metrics_json_read_only_or_a_folder(tmp_path, capsys):
    f = tmp_path / "p.csv"
    f.write_text(CSV)
    base = ["metrics", str(f), "--y-true", "label", "--y-pred", "pred", "--group", "sex"]
    ro = _unwritable_dir(tmp_path)
    line = _one_line(capsys, [*base, "--json", str(ro / "m.json")])
    assert f"--json {ro / 'm.json'}: cannot write there" in line
    line = _one_line(capsys, [*base, "--json", str(tmp_path)])
    assert f"--json {tmp_path} is a folder" in line


# --- inputs ---------------------------------------------------------------------------


def test_score_non_utf8_stdin(tiny_gpt2_dir):
    proc = _run("score", "-", "--model", str(tiny_gpt2_dir), stdin=b"hi \xff")
    line = _sub_one_line(proc)
    assert "standard input:1: not UTF-8 text (byte 0xff at offset 3)" in line


def test_score_file_of_blank_lines(no_model, tmp_path, capsys):
    f = tmp_path / "blank.txt"
    f.write_text("\n   \n\n")
    line = _one_line(capsys, ["score", str(f)])
    assert f"{f} holds only blank lines: no texts to score" in line
    assert "give a FILE" not in line


def test_generate_sample_with_temperature_zero(no_model, capsys):
    line = _one_line(capsys, ["generate", "hi", "--sample", "--temperature", "0"])
    assert "--temperature must be greater than 0 with --sample" in line
    assert "leave out --sample" in line


def test_generate_max_new_tokens_negative_names_that_flag(no_model, capsys):
    line = _one_line(capsys, ["generate", "hi", "--max-new-tokens", "-1"])
    assert "--max-new-tokens must be at least 1" in line and "min_new_tokens" not in line


def test_generate_num_samples_zero(no_model, capsys):
    line = _one_line(capsys, ["generate", "hi", "--num-samples", "0"])
    assert "--num-samples must be at least 1" in line


def test_library_generate_names_its_own_arguments(tiny_lm):
    from fairlm.errors import ScoringError

    with pytest.raises(ScoringError, match="^max_new_tokens must be at least 1"):
        tiny_lm.generate(["hi"], max_new_tokens=-1)
    with pytest.raises(ScoringError, match="temperature must be greater than 0"):
        tiny_lm.generate(["hi"], do_sample=True, temperature=0)
    with pytest.raises(ScoringError, match="top_p must be greater than 0"):
        tiny_lm.generate(["hi"], do_sample=True, top_p=0)


def test_generate_prompt_longer_than_the_context(tiny_gpt2_dir, capsys):
    """Refused with its length at once (the tiny model's context is 128 tokens)."""
    prompt = "The doctor said that he would come back tomorrow. " * 40
    t0 = time.perf_counter()
    line = _one_line(capsys, ["generate", prompt, "--model", str(tiny_gpt2_dir)])
    assert time.perf_counter() - t0 < 60
    assert "prompt 0 is " in line and "passes the model's context of 128 tokens" in line
    assert "shorten it to at most 88 tokens or lower max_new_tokens" in line


def test_benchmark_arg_with_a_bad_value(no_model, data_dir, tmp_path, capsys):
    out = ["--output-dir", str(tmp_path / "o")]
    base = ["audit", "--benchmarks", "holistic_bias", *out]
    line = _one_line(capsys, [*base, "--benchmark-arg", "holistic_bias.data_version=x"])
    assert "holistic_bias: data_version must be one of v1.0, v1.1, not 'x'" in line
    line = _one_line(capsys, [*base, "--benchmark-arg", "holistic_bias.top_k=many"])
    assert "holistic_bias: top_k must be a whole number, not 'many'" in line
    assert not (tmp_path / "o").exists()


def test_tampered_data_says_what_to_do(no_model, data_dir, tmp_path, capsys):
    copy = tmp_path / "data"
    shutil.copytree(data_dir / "crows_pairs", copy / "crows_pairs")
    csv = copy / "crows_pairs" / "crows_pairs_anonymized.csv"
    csv.write_text(csv.read_text().replace("He ", "She ", 1))
    argv = ["audit", "--benchmarks", "crows_pairs", "--data-dir", str(copy)]
    line = _one_line(capsys, [*argv, "--output-dir", str(tmp_path / "o")])
    assert "sha256 mismatch" in line and "verify=False" not in line
    assert "fairlm data download crows_pairs --force" in line and "--data-dir" in line


# --- models ---------------------------------------------------------------------------


def test_remote_code_names_the_flag(tiny_gpt2_dir, tmp_path, capsys):
    """A folder whose config asks for its own code: refused, naming --trust-remote-code,
    and the code did not run."""
    import json

    folder = tmp_path / "custom"
    shutil.copytree(tiny_gpt2_dir, folder)
    config = json.loads((folder / "config.json").read_text())
    config.update(
        model_type="fairlmcustom",
        auto_map={"AutoConfig": "cfg.C", "AutoModelForCausalLM": "mdl.M"},
    )
    (folder / "config.json").write_text(json.dumps(config))
    (folder / "cfg.py").write_text("raise SystemExit('remote code ran')\n")
    (folder / "mdl.py").write_text("raise SystemExit('remote code ran')\n")
    line = _one_line(capsys, ["score", "--text", "Hi.", "--model", str(folder)])
    assert "--trust-remote-code" in line and "its own Python code" in line


def test_offline_hub_id_fails_in_seconds(monkeypatch, capsys):
    """No network: one short probe, then the cache only (was 50 s of retries)."""
    from fairlm.models import _loading

    monkeypatch.setattr(_loading, "_REACHABLE", {})
    monkeypatch.setenv("HF_ENDPOINT", "http://127.0.0.1:9")  # nothing listens there
    monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)
    t0 = time.perf_counter()
    line = _one_line(capsys, ["score", "--text", "Hi.", "--model", "nobody/smolm2-135m"])
    assert time.perf_counter() - t0 < 20
    assert "is not a built-in name (fairlm models lists them), not a local folder" in line
    assert "Hub (http://127.0.0.1:9) is unreachable from this machine" in line
    assert line.endswith("Did you mean: smollm2-135m?")
    assert _loading._REACHABLE == {"http://127.0.0.1:9": False}


def test_offline_setting_skips_the_probe(monkeypatch):
    from fairlm.models import _loading

    monkeypatch.setattr(_loading, "_answers", lambda *a: pytest.fail("probed"))
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    assert _loading.hub_reachable() is False


# --- data in terminal output --------------------------------------------------------


def test_control_characters_in_group_names_do_not_break_the_metrics_table(tmp_path, capsys):
    f = tmp_path / "p.csv"
    f.write_text('label,pred,sex\n1,1,"a\nb"\n0,1,"a\nb"\n1,0,\x1b[31mred\n0,0,\x1b[31mred\n')
    code = main(["metrics", str(f), "--y-true", "label", "--y-pred", "pred", "--group", "sex"])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert "\x1b" not in out + err
    groups = out.split("Groups (sex)")[1].split("\n\n")[0].splitlines()
    assert [line.split()[0] for line in groups[3:]] == ["\\x1b[31mred", "a\\nb"]


def test_control_characters_from_data_and_models_are_escaped(fake_model, monkeypatch, capsys):
    from fairlm.benchmarks._audit import format_summary

    results = {
        "model": {"name": "m\x1b]0;title\x07", "dtype": "float32", "prefix_token": "<s>"},
        "benchmarks": {
            "b": {
                "summary": {
                    "figures": [
                        {"metric": "m", "group": "g\x1b[2J\nx", "value": 1.0, "ci_low": None,
                         "ci_high": None, "n": 3},
                    ]
                }
            }
        },
    }  # fmt: skip
    table = format_summary(results)
    assert "\x1b" not in table and "g\\x1b[2J\\nx" in table and len(table.splitlines()) == 4

    def noisy(self, prompts, **kwargs):
        return [["\x1b[31mred\rline\nnext"] for _ in prompts]

    monkeypatch.setattr(FakeLM, "generate", noisy)
    assert main(["generate", "hi"]) == 0
    assert capsys.readouterr().out == "hi\\x1b[31mred\\rline\nnext\n"


def test_error_messages_are_one_line_whatever_they_hold(monkeypatch, capsys):
    from fairlm.cli import score
    from fairlm.errors import FairlmError

    def fail(_args):
        raise FairlmError("bad value 'a\nb\x1b[2J'")

    monkeypatch.setattr(score, "run", fail)
    line = _one_line(capsys, ["score", "--text", "x"])
    assert line == "fairlm score: error: bad value 'a\\nb\\x1b[2J'"


def test_os_errors_are_one_line(monkeypatch, capsys):
    from fairlm.cli import score

    def fail(_args):
        raise PermissionError(13, "Permission denied", "/x/y")

    monkeypatch.setattr(score, "run", fail)
    assert _one_line(capsys, ["score", "--text", "x"]) == (
        "fairlm score: error: /x/y: Permission denied"
    )


def test_negative_seeds_are_refused_before_the_work(no_model, tmp_path, capsys):
    """Found by the fuzz test: numpy refused a negative seed with a traceback."""
    f = tmp_path / "p.csv"
    f.write_text(CSV)
    with pytest.raises(SystemExit):
        main(["metrics", str(f), "--y-true", "label", "--y-pred", "pred", "--group", "sex",
              "--seed", "-1"])  # fmt: skip
    assert "argument --seed: -1 is negative; pass 0 or more" in capsys.readouterr().err
    assert "--seed must be at least 0" in _one_line(capsys, ["audit", "--seed", "-1"])
    assert "--seed must be at least 0" in _one_line(capsys, ["generate", "hi", "--seed", "-2"])


def test_files_in_another_encoding_are_one_line_errors(tmp_path, capsys):
    """Found by the fuzz test: a Latin-1 word list (and text file) raised a
    UnicodeDecodeError with a traceback; now a one-line error names the file where the
    command knows it, and the CLI turns any other into one."""
    latin1 = tmp_path / "latin1.txt"
    latin1.write_bytes(b"caf\xe9\n")
    texts = tmp_path / "texts.txt"
    texts.write_text("The nurse was tired.\n")
    line = _one_line(capsys, ["data-audit", str(texts), "--occupations", str(latin1)])
    assert line == (
        f"fairlm data-audit: error: {latin1}:1: not UTF-8 text (byte 0xe9 at offset 3); "
        "save the file as UTF-8"
    )
    line = _one_line(capsys, ["augment", str(latin1), str(tmp_path / "out.txt")])
    assert line == (
        f"fairlm augment: error: {latin1}:1: not UTF-8 text (byte 0xe9 at offset 3); "
        "save the file as UTF-8"
    )


def test_an_undecodable_file_anywhere_is_a_one_line_error(monkeypatch, capsys):
    from fairlm.cli import score

    def fail(_args):
        return b"ab\xff".decode("utf-8")

    monkeypatch.setattr(score, "run", fail)
    assert _one_line(capsys, ["score", "--text", "x"]) == (
        "fairlm score: error: an input file: not UTF-8 text (byte 0xff at offset 2 of what "
        "was read); fairlm reads text as UTF-8: save the file as UTF-8"
    )
