"""Each method trains the tiny model for a few steps; debias writes its folder; resume works."""

from __future__ import annotations

import json
from functools import partial

import pytest
import torch
from safetensors.torch import load_file

from fairlm.cli import main

CORPUS = [
    "He said that his mother was a doctor.",
    "She told her brother about the actress.",
    "My uncle is a kind man who loves his garden.",
    "The nurse said she would come back tomorrow.",
    "The king and the queen came.",
    "His wife is an engineer.",
    "Her husband is a teacher.",
    "The waiter smiled at the girl.",
    "The boy and his father went home.",
    "The woman fixed the machine herself.",
    "It rained all day in the city.",
    "The actor thanked his sister.",
    "The actress thanked her brother.",
    "A man walked his dog.",
    "A woman walked her dog.",
    "The chairman opened the meeting.",
]


def _weights(path):
    return load_file(str(path / "model.safetensors"))


def _changed(before, after):
    return [k for k in before if k in after and not torch.equal(before[k], after[k])]


@pytest.mark.parametrize(
    ("method", "lora"),
    [("cda", False), ("adversarial", False), ("constraint", True), ("finetune", False)],
)
def test_debias_trains_saves_and_compares(tiny_gpt2_dir, data_dir, tmp_path, method, lora):
    from transformers import AutoModelForCausalLM

    from fairlm.mitigation import DebiasConfig, debias
    from fairlm.models import load_model

    out = tmp_path / method
    config = DebiasConfig(
        model=str(tiny_gpt2_dir),
        texts=CORPUS,
        method=method,
        output_dir=out,
        lora=lora,
        max_steps=3,
        batch_size=4,
        lr=1e-2,
        eval_benchmarks=["crows_pairs"],
        guard_benchmarks=(),  # the guard has tests of its own (test_guard.py)
        limit=4,
        bootstrap=20,
        heldout_fraction=0.25,
        data_dir=data_dir,
        progress=False,
    )
    comp = debias(config, log=lambda m: None)

    original = _weights(tiny_gpt2_dir)
    trained = _weights(out / "model")
    assert set(trained) == set(original)  # LoRA merged: a plain GPT-2 checkpoint
    assert _changed(original, trained)  # training moved the weights
    AutoModelForCausalLM.from_pretrained(out / "model")  # plain transformers loads it
    lm = load_model(out / "model")
    assert lm.prefix_token == "<|endoftext|>"

    for part in ("before", "after"):
        assert (out / part / "results.json").is_file()
        assert (out / part / "samples_crows_pairs.jsonl").is_file()
    on_disk = json.loads((out / "comparison.json").read_text())
    assert on_disk["method"] == method and on_disk["training"]["steps"] == 3
    rows = {(r["metric"], r["group"]): r for r in on_disk["benchmarks"]["crows_pairs"]}
    ss = rows[("stereotype_score", "overall")]
    assert ss["delta"] == pytest.approx(ss["after"]["value"] - ss["before"]["value"])
    ppl = on_disk["perplexity"]
    assert ppl["before"]["ci_low"] <= ppl["before"]["value"] <= ppl["before"]["ci_high"]
    assert ppl["relative_change"] == pytest.approx(
        ppl["after"]["value"] / ppl["before"]["value"] - 1
    )
    assert ppl["before"]["n_texts"] == 4  # 25% of 16 distinct texts
    assert comp == on_disk
    if method == "cda":
        # two-sided CDA keeps every text and adds one counterfactual per swapped text
        c = on_disk["cda"]
        assert c["texts_out"] == c["texts_in"] + c["texts_swapped"]
    if method == "adversarial":
        adv = on_disk["adversarial"]
        assert 0 <= adv["probe_before"]["accuracy"] <= 100
        assert adv["probe_after"]["n_test"] == adv["probe_before"]["n_test"] > 0
    if method == "constraint":
        assert on_disk["constraint"]["texts_with_counterfactual"] >= 10


def test_debias_rerun_reuses_audit_and_finished_training(tiny_gpt2_dir, data_dir, tmp_path):
    from fairlm.mitigation import DebiasConfig, debias

    config = DebiasConfig(
        model=str(tiny_gpt2_dir),
        texts=CORPUS,
        method="cda",
        output_dir=tmp_path,
        max_steps=2,
        batch_size=4,
        eval_benchmarks=["crows_pairs"],
        guard_benchmarks=(),  # the guard has tests of its own (test_guard.py)
        limit=4,
        bootstrap=20,
        heldout_fraction=0.25,
        data_dir=data_dir,
        progress=False,
    )
    debias(config, log=lambda m: None)
    stamp = (tmp_path / "before" / "results.json").stat().st_mtime_ns
    said: list[str] = []
    comp = debias(config, log=said.append)
    assert (tmp_path / "before" / "results.json").stat().st_mtime_ns == stamp
    assert not any("auditing the original" in m for m in said)
    assert comp["training"]["steps"] == 2


def test_resumed_adversarial_run_continues_from_its_checkpoint(tiny_gpt2_dir, tmp_path):
    from fairlm.augment import CounterfactualAugmenter
    from fairlm.mitigation import AdversaryHead, adversarial_loss
    from fairlm.mitigation._data import attribute_examples, collate
    from fairlm.models import load_model
    from fairlm.training import TrainConfig, Trainer

    aug = CounterfactualAugmenter("gender", pairs=[("man", "woman"), ("actor", "actress")])

    def run(folder, stop_at=None):
        lm = load_model(tiny_gpt2_dir)
        ds = attribute_examples(
            lm.tokenizer,
            CORPUS,
            [aug.attribute(t) for t in CORPUS],
            prefix_id=lm.prefix_token_id,
            max_length=32,
        )
        torch.manual_seed(0)
        head = AdversaryHead(lm.model.config.n_embd, 2, width=8)
        cfg = TrainConfig(folder, 4, batch_size=4, lr=1e-2, seed=0, save_every=2, progress=False)
        trainer = Trainer(
            lm.model.train(),
            lm.tokenizer,
            ds,
            None,
            cfg,
            loss_fn=adversarial_loss(1.0),
            extra_modules=head,
            collate_fn=partial(collate, pad_id=lm.pad_token_id),
        )
        return trainer, trainer.train(stop_at=stop_at), head

    full, full_result, full_head = run(tmp_path / "full")
    part, part_result, _ = run(tmp_path / "part", stop_at=2)
    assert part_result.steps == 2
    resumed, resumed_result, resumed_head = run(tmp_path / "part")
    assert resumed_result.resumed_from_step == 2 and resumed_result.steps == 4
    assert resumed_result.train_loss[:2] == part_result.train_loss
    assert resumed_result.train_loss == pytest.approx(full_result.train_loss)
    for a, b in zip(full.model.parameters(), resumed.model.parameters(), strict=True):
        torch.testing.assert_close(a, b)
    torch.testing.assert_close(full_head.net[0].weight, resumed_head.net[0].weight)


def test_augment_cli_txt_and_jsonl(data_dir, tmp_path, capsys):
    src = tmp_path / "in.txt"
    src.write_text("He met the manager.\n\nIt rained.\n", encoding="utf-8")
    assert main(["augment", str(src), str(tmp_path / "out.txt"), "--data-dir", str(data_dir)]) == 0
    assert (
        tmp_path / "out.txt"
    ).read_text() == "He met the manager.\nShe met the manager.\nIt rained.\n"
    assert "2 texts read, 1 with gender terms (1 swaps)" in capsys.readouterr().err

    src = tmp_path / "in.jsonl"
    src.write_text('{"id": 1, "body": "Her son"}\n', encoding="utf-8")
    code = main(
        [
            "augment",
            str(src),
            str(tmp_path / "out.jsonl"),
            "--text-field",
            "body",
            "--mode",
            "one-sided",
            "--data-dir",
            str(data_dir),
        ]
    )
    assert code == 0
    rows = [json.loads(x) for x in (tmp_path / "out.jsonl").read_text().splitlines()]
    assert rows == [{"id": 1, "body": "His daughter", "counterfactual": True}]


def test_augment_cli_reports_a_bad_jsonl_row(tmp_path, capsys):
    src = tmp_path / "in.jsonl"
    src.write_text('{"id": 1}\n', encoding="utf-8")
    assert main(["augment", str(src), str(tmp_path / "o.jsonl"), "--axis", "race"]) == 2
    assert "in.jsonl:1: expected an object with a string 'text' field" in capsys.readouterr().err


def test_debias_cli_runs_end_to_end(tiny_gpt2_dir, data_dir, tmp_path, capsys):
    corpus = tmp_path / "corpus.txt"
    corpus.write_text("\n".join(CORPUS) + "\n", encoding="utf-8")
    out = tmp_path / "run"
    code = main(
        [
            "debias",
            "--method",
            "constraint",
            "--constraint-kind",
            "kl",
            "--lambda",
            "0.5",
            "--model",
            str(tiny_gpt2_dir),
            "--corpus",
            str(corpus),
            "--output-dir",
            str(out),
            "--eval-benchmarks",
            "crows_pairs",
            "--guard-benchmarks",
            "",
            "--limit",
            "4",
            "--bootstrap",
            "20",
            "--max-steps",
            "2",
            "--batch-size",
            "4",
            "--data-dir",
            str(data_dir),
            "--quiet",
        ]
    )
    assert code == 0
    comp = json.loads((out / "comparison.json").read_text())
    assert comp["settings"]["strength"] == 0.5 and comp["settings"]["constraint_kind"] == "kl"
    assert "CrowS-Pairs overall SS (50)" in capsys.readouterr().out
    # the report shows both runs side by side
    html = (out / "report.html").read_text()
    assert "before" in html and "after constraint" in html and "crows_pairs" in html


def test_debias_refuses_a_baseline_of_another_model(tiny_gpt2_dir, data_dir, tmp_path):
    from fairlm.errors import FairlmError
    from fairlm.mitigation import DebiasConfig, debias

    base = tmp_path / "base"
    base.mkdir()

    def config(out):
        return DebiasConfig(
            model=str(tiny_gpt2_dir),
            texts=CORPUS,
            method="cda",
            output_dir=out,
            baseline_dir=base,
            max_steps=1,
            eval_benchmarks=["crows_pairs"],
            guard_benchmarks=(),
            data_dir=data_dir,
            progress=False,
        )

    with pytest.raises(FairlmError, match="no results.json"):
        debias(config(tmp_path / "a"), log=lambda m: None)
    (base / "results.json").write_text(
        json.dumps({"model": {"name": "gpt2", "dtype": "float32"}, "benchmarks": {}})
    )
    with pytest.raises(FairlmError, match="was not made with this model"):
        debias(config(tmp_path / "b"), log=lambda m: None)


def test_lora_wrapping_shows_the_user_no_library_deprecation(tiny_gpt2_dir):
    """peft reads an attribute transformers 5 deprecates; fairlm debias --lora printed
    that FutureWarning to users, who can do nothing about it."""
    import warnings

    from transformers import AutoModelForCausalLM

    from fairlm.mitigation._finetune import _prepare_model

    class Options:
        lora, lora_r, lora_alpha, lora_dropout = True, 2, 4, 0.0

    model = AutoModelForCausalLM.from_pretrained(tiny_gpt2_dir)
    with warnings.catch_warnings():
        warnings.simplefilter("error", FutureWarning)
        wrapped = _prepare_model(model, Options())
    assert any(p.requires_grad for n, p in wrapped.named_parameters() if "lora_" in n)
    assert not any(p.requires_grad for n, p in wrapped.named_parameters() if "lora_" not in n)
