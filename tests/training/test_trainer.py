"""The generic trainer: it learns, trains only what it should, and resumes exactly."""

from __future__ import annotations

import math
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

torch = pytest.importorskip("torch")

from tests.conftest import CORPUS  # noqa: E402

from fairlm.training import (  # noqa: E402
    TokenBlocks,
    TrainConfig,
    Trainer,
    TrainingError,
    causal_lm_loss,
    default_collate,
    lr_at,
)

os.environ.setdefault("FAIRLM_NO_PROGRESS", "1")


def _model(path):
    from transformers import AutoModelForCausalLM

    return AutoModelForCausalLM.from_pretrained(path)


def _tok(path):
    from transformers import AutoTokenizer

    return AutoTokenizer.from_pretrained(path)


@pytest.fixture(scope="module")
def data(tiny_gpt2_dir):
    tok = _tok(tiny_gpt2_dir)
    train = TokenBlocks.from_texts(CORPUS * 3, tok, block_size=16)
    held = TokenBlocks.from_texts(CORPUS[:4], tok, block_size=16, mode="per_text")
    return tok, train, held


def _cfg(tmp_path, **kw):
    base = dict(max_steps=6, batch_size=4, lr=3e-3, warmup_steps=2, seed=7, progress=False)
    base.update(kw)
    return TrainConfig(tmp_path, **base)


def _same_weights(a, b) -> bool:
    sa, sb = a.state_dict(), b.state_dict()
    return sa.keys() == sb.keys() and all(torch.equal(sa[k], sb[k]) for k in sa)


# ----------------------------------------------------------------- pure helpers
def test_lr_schedule_by_hand():
    kw = dict(lr=1.0, max_steps=10, warmup_steps=2, min_lr_ratio=0.1)
    assert lr_at(0, **kw) == 0.5  # warm-up: (0 + 1) / 2
    assert lr_at(1, **kw) == 1.0
    assert lr_at(2, **kw) == 1.0  # cosine starts at the peak
    assert lr_at(6, **kw) == pytest.approx(0.55)  # half-way: 0.1 + 0.9 * 0.5
    assert lr_at(10, **kw) == pytest.approx(0.1)
    assert lr_at(6, **kw, schedule="linear") == pytest.approx(0.55)
    assert lr_at(8, **kw, schedule="linear") == pytest.approx(1 - 0.9 * 0.75)
    assert lr_at(9, **kw, schedule="constant") == 1.0


def test_default_collate_pads_right_and_masks_labels():
    batch = default_collate(
        [{"input_ids": [5, 6, 7], "group": 1}, {"input_ids": [8], "group": 0}], pad_token_id=0
    )
    assert batch["input_ids"].tolist() == [[5, 6, 7], [8, 0, 0]]
    assert batch["attention_mask"].tolist() == [[1, 1, 1], [1, 0, 0]]
    assert batch["labels"].tolist() == [[5, 6, 7], [8, -100, -100]]
    assert batch["group"].tolist() == [1, 0]


def test_token_blocks_concat_and_per_text():
    ds = TokenBlocks.from_ids([[1, 2, 3], [4, 5, 6, 7]], block_size=3, eos_token_id=0)
    # stream 1 2 3 0 4 5 6 7 0 -> three blocks of 3
    assert [ds[i]["input_ids"] for i in range(len(ds))] == [[1, 2, 3], [0, 4, 5], [6, 7, 0]]
    per = TokenBlocks.from_ids([[1, 2, 3], [4], [5, 6]], block_size=2, mode="per_text")
    assert [per[i]["input_ids"] for i in range(len(per))] == [[1, 2], [5, 6]]  # [4] too short
    assert per.n_tokens == 4


def test_token_file_roundtrip(tmp_path, data):
    from fairlm.training._blocks import write_token_file

    tok, train, _ = data
    n = write_token_file(CORPUS * 3, tok, tmp_path / "train.bin")
    assert n == len(train.tokens)
    ds = TokenBlocks.from_token_file(tmp_path / "train.bin", block_size=16)
    assert len(ds) == len(train) and ds[3] == train[3]


# ----------------------------------------------------------------- training
def test_loss_falls_and_evaluate_is_token_weighted(tmp_path, tiny_gpt2_dir, data):
    tok, train, held = data
    model = _model(tiny_gpt2_dir)
    before = {k: v.clone() for k, v in model.state_dict().items()}
    trainer = Trainer(model, tok, train, held, _cfg(tmp_path, max_steps=25, eval_every=25))
    first = trainer.evaluate()

    # independent check: sum of per-example summed NLL over all predicted tokens
    total, count = 0.0, 0
    with torch.no_grad():
        for i in range(len(held)):
            ids = torch.tensor([held[i]["input_ids"]])
            out = model(input_ids=ids, labels=ids)
            n = ids.shape[1] - 1
            total += float(out.loss) * n
            count += n
    assert first["n_tokens"] == count
    assert first["loss"] == pytest.approx(total / count, rel=1e-5)
    assert first["perplexity"] == pytest.approx(math.exp(total / count), rel=1e-5)

    result = trainer.train()
    assert result.steps == 25 and len(result.train_loss) == 25
    assert sum(result.train_loss[-5:]) / 5 < sum(result.train_loss[:5]) / 5 - 1.0
    assert result.eval[-1]["step"] == 25
    assert result.eval[-1]["loss"] < first["loss"] - 1.0
    # 25 blocks of 16 tokens, batches of 4: an epoch is 6 full batches + 1 of one block;
    # 25 steps = 3 epochs (75 blocks) + 4 full batches (16 blocks) = 91 blocks
    assert len(train) == 25
    assert result.tokens == 91 * 16
    assert result.tokens_per_s > 0
    assert any(not torch.equal(before[k], v) for k, v in model.state_dict().items())


def test_only_trainable_parameters_change(tmp_path, tiny_gpt2_dir, data):
    tok, train, _ = data
    model = _model(tiny_gpt2_dir)
    for name, p in model.named_parameters():
        p.requires_grad = name.startswith("transformer.ln_f")
    before = {k: v.clone() for k, v in model.state_dict().items()}
    Trainer(model, tok, train, None, _cfg(tmp_path, max_steps=3)).train()
    after = model.state_dict()
    changed = {k for k in after if not torch.equal(before[k], after[k])}
    assert changed == {"transformer.ln_f.weight", "transformer.ln_f.bias"}


def test_custom_loss_and_extra_modules_are_trained(tmp_path, tiny_gpt2_dir, data):
    tok, train, _ = data
    model = _model(tiny_gpt2_dir)
    head = torch.nn.Linear(32, 1)
    head_before = head.weight.detach().clone()

    def loss_fn(m, batch, extra):
        out = m(input_ids=batch["input_ids"], output_hidden_states=True)
        pooled = out.hidden_states[-1].mean(dim=1)  # (B, H)
        aux = (extra(pooled).squeeze(-1) - 1.0).pow(2).mean()
        lm, _ = causal_lm_loss(m, batch)
        return lm + aux, {"aux": float(aux.detach())}

    trainer = Trainer(
        model, tok, train, None, _cfg(tmp_path, max_steps=4), loss_fn=loss_fn, extra_modules=head
    )
    result = trainer.train()
    assert not torch.equal(head.weight, head_before)
    assert [e["step"] for e in result.logs] == [1, 2, 3, 4]
    assert all("aux" in e and e["aux"] >= 0 for e in result.logs)
    assert (Path(result.checkpoint) / "extra_modules.safetensors").is_file()


def _run(tmp_path, tiny_gpt2_dir, data, stop_at=None, **kw):
    tok, train, held = data
    model = _model(tiny_gpt2_dir)
    trainer = Trainer(model, tok, train, held, _cfg(tmp_path, grad_accum=2, **kw))
    return model, trainer.train(stop_at=stop_at)


def test_resume_gives_identical_weights(tmp_path, tiny_gpt2_dir, data):
    # dropout is on (GPT-2's default 0.1), so the RNG state must be restored too;
    # 6 steps x 2 micro-batches x 4 > len(train), so the data order crosses an epoch.
    tok, train, _ = data
    assert len(train) < 6 * 2 * 4
    full, full_result = _run(tmp_path / "a", tiny_gpt2_dir, data)
    _, part = _run(tmp_path / "b", tiny_gpt2_dir, data, stop_at=3)
    assert part.steps == 3
    resumed, res = _run(tmp_path / "b", tiny_gpt2_dir, data)
    assert res.resumed_from_step == 3 and res.steps == 6
    assert _same_weights(full, resumed)
    assert res.train_loss == full_result.train_loss
    assert res.eval[-1]["loss"] == full_result.eval[-1]["loss"]


def test_resume_after_sigkill(tmp_path, tiny_gpt2_dir, data):
    script = textwrap.dedent(
        f"""
        import os, signal, sys
        sys.path.insert(0, {str(Path(__file__).parents[2])!r})
        from tests.conftest import CORPUS
        from transformers import AutoModelForCausalLM, AutoTokenizer
        import torch
        from fairlm.training import TokenBlocks, TrainConfig, Trainer

        # as many threads as the uninterrupted run in this process: float sums, and so
        # bitwise equality, depend on how the work is split between threads
        torch.set_num_threads({torch.get_num_threads()})
        d = {str(tiny_gpt2_dir)!r}
        tok = AutoTokenizer.from_pretrained(d)
        train = TokenBlocks.from_texts(CORPUS * 3, tok, block_size=16)
        held = TokenBlocks.from_texts(CORPUS[:4], tok, block_size=16, mode="per_text")
        cfg = TrainConfig({str(tmp_path / "k")!r}, max_steps=6, batch_size=4, lr=3e-3,
                          warmup_steps=2, seed=7, progress=False, grad_accum=2, save_every=2)

        def die(step, logs):
            if step == 5:  # checkpoint 4 is on disk, step 5 is lost
                os.kill(os.getpid(), signal.SIGKILL)

        Trainer(AutoModelForCausalLM.from_pretrained(d), tok, train, held, cfg,
                callbacks=[die]).train()
        """
    )
    env = dict(os.environ, FAIRLM_NO_PROGRESS="1")
    proc = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True)
    assert proc.returncode == -9, proc.stderr[-2000:]
    ckpts = sorted(p.name for p in (tmp_path / "k" / "checkpoints").iterdir())
    assert ckpts == ["step-00000002", "step-00000004"]
    resumed, res = _run(tmp_path / "k", tiny_gpt2_dir, data, save_every=2)
    assert res.resumed_from_step == 4
    full, _ = _run(tmp_path / "full", tiny_gpt2_dir, data, save_every=2)
    assert _same_weights(full, resumed)


def test_resume_with_other_options_is_refused(tmp_path, tiny_gpt2_dir, data):
    _run(tmp_path, tiny_gpt2_dir, data, stop_at=1)
    with pytest.raises(TrainingError, match="batch_size 4 -> 2"):
        tok, train, held = data
        cfg = _cfg(tmp_path, grad_accum=2, batch_size=2)
        Trainer(_model(tiny_gpt2_dir), tok, train, held, cfg).train()


def test_empty_dataset_is_an_error(tmp_path, tiny_gpt2_dir, data):
    tok = data[0]
    with pytest.raises(TrainingError, match="empty"):
        Trainer(
            _model(tiny_gpt2_dir), tok, TokenBlocks.from_ids([], block_size=4), None, _cfg(tmp_path)
        )


def test_bad_options_are_errors(tmp_path):
    with pytest.raises(TrainingError, match="schedule"):
        TrainConfig(tmp_path, max_steps=1, schedule="step")
    with pytest.raises(TrainingError, match="max_steps"):
        TrainConfig(tmp_path, max_steps=0)


# ----------------------------------------------------------------- saving
def test_saved_model_loads_with_fairlm_and_transformers(tmp_path, tiny_gpt2_dir, data):
    from fairlm.models import load_model

    tok, train, _ = data
    model = _model(tiny_gpt2_dir)
    trainer = Trainer(model, tok, train, None, _cfg(tmp_path, max_steps=2))
    trainer.train()
    out = trainer.save_model(tmp_path / "model")
    assert (out / "model.safetensors").is_file() and (out / "fairlm_training.json").is_file()
    umask = os.umask(0)
    os.umask(umask)
    # the weights are as readable as any other file (safetensors alone leaves them 0600)
    assert (out / "model.safetensors").stat().st_mode & 0o777 == 0o666 & ~umask
    ids = torch.tensor([train[0]["input_ids"]])
    model.eval()
    with torch.no_grad():
        expected = model(input_ids=ids).logits
        again = _model(out).eval()(input_ids=ids).logits
    assert torch.equal(expected, again)
    lm = load_model(out)
    assert lm.tokenizer.eos_token_id == tok.eos_token_id


def test_peft_lora_trains_adapters_only_and_saves_merged(tmp_path, tiny_gpt2_dir, data):
    peft = pytest.importorskip("peft")
    tok, train, _ = data
    base = _model(tiny_gpt2_dir)
    base_before = {k: v.clone() for k, v in base.state_dict().items()}
    cfg = peft.LoraConfig(r=4, lora_alpha=8, target_modules=["c_attn"], fan_in_fan_out=True)
    model = peft.get_peft_model(base, cfg)
    trainer = Trainer(model, tok, train, None, _cfg(tmp_path, max_steps=3, lr=1e-2))
    trainer.train()
    for name, value in base.state_dict().items():  # frozen base weights are untouched
        if "lora_" not in name and "base_layer" not in name:
            assert torch.equal(value, base_before.get(name, value)), name
    out = trainer.save_model(tmp_path / "merged")
    merged = _model(out).eval()
    assert not any("lora" in k for k in merged.state_dict())
    ids = torch.tensor([train[0]["input_ids"]])
    model.eval()
    with torch.no_grad():
        torch.testing.assert_close(
            merged(input_ids=ids).logits, model(input_ids=ids).logits, atol=1e-4, rtol=1e-4
        )
