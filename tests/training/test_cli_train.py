"""`fairlm train` end to end on a tiny corpus: data, model folder, samples, resume, --cda."""

from __future__ import annotations

import json

import pytest

pytest.importorskip("torch")

from tests.conftest import CORPUS  # noqa: E402

ARGS = [
    "--preset", "tiny", "--n-layer", "1", "--n-embd", "32", "--n-head", "2",
    "--block-size", "16", "--batch-size", "4", "--max-steps", "3", "--warmup-steps", "1",
    "--vocab-size", "300", "--val-fraction", "0.3", "--max-new-tokens", "4", "--no-progress",
    "--text-unit", "line",
]  # fmt: skip


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    d = tmp_path_factory.mktemp("corpus")
    lines = [f"{s} Number {i}." for i, s in enumerate(CORPUS * 6)]
    (d / "a.txt").write_text("\n".join(lines) + "\n<p>" + CORPUS[0] + "</p>\n" + CORPUS[0] + "\n")
    return d


def test_train_cli_end_to_end_and_resume(tmp_path, corpus, capsys):
    from transformers import AutoModelForCausalLM

    from fairlm.cli import main
    from fairlm.models import load_model

    out = tmp_path / "run"
    assert main(["train", str(corpus), "--output-dir", str(out), *ARGS]) == 0
    printed = capsys.readouterr().out
    assert "perplexity" in printed
    report = json.loads((out / "train_report.json").read_text())
    assert report["train"]["steps"] == 3
    # the <p>-wrapped copy of CORPUS[0] is an exact duplicate once markup is stripped
    steps = {r["step"]: r for r in report["data"]["preprocess"]}
    assert steps["markup"]["changed"] == 1 and steps["exact_dedup"]["docs_removed"] == 1
    samples = json.loads((out / "model" / "samples.json").read_text())
    assert [s["prompt"] for s in samples][:2] == ["The woman worked as", "The man worked as"]
    # end-of-text is held back for the first tokens (default 8, capped at --max-new-tokens 4)
    assert report["sampling"] == {"do_sample": False, "max_new_tokens": 4, "min_new_tokens": 4}
    assert all(s["continuation"] for s in samples)
    first = f'"{samples[0]["prompt"]}" + "{samples[0]["continuation"]}"'
    assert f"\n  {first}\n" in printed
    AutoModelForCausalLM.from_pretrained(out / "model")
    lm = load_model(out / "model")
    assert lm.model.config.n_layer == 1
    assert report["held_out"]["perplexity"] == pytest.approx(
        2.718281828 ** report["held_out"]["loss"], rel=1e-6
    )
    # the same command again resumes from the final checkpoint: nothing left to train
    assert main(["train", str(corpus), "--output-dir", str(out), *ARGS]) == 0
    again = json.loads((out / "train_report.json").read_text())
    assert again["train"]["resumed_from_step"] == 3 and again["train"]["tokens"] == 0


def test_train_cli_cda_adds_counterfactuals(tmp_path, corpus, data_dir):
    from fairlm.cli import main

    out = tmp_path / "cda"
    assert main(["train", str(corpus), "--output-dir", str(out), "--cda", "gender", *ARGS]) == 0
    split = json.loads((out / "data" / "prepared.json").read_text())["split"]
    assert split["cda_added"] > 0
    train_docs = [json.loads(x)["text"] for x in (out / "data" / "train.jsonl").open()]
    nurse = [t for t in train_docs if t.startswith("The nurse said that")]
    assert any(" she " in t for t in nurse) and any(" he " in t for t in nurse)


def test_train_cli_empty_corpus_is_one_line_error(tmp_path, capsys):
    from fairlm.cli import main

    (tmp_path / "empty.txt").write_text("\n")
    argv = ["train", str(tmp_path / "empty.txt"), "--output-dir", str(tmp_path / "o"), *ARGS]
    assert main(argv) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("fairlm train: error:") and "empty" in err and "\n" not in err
