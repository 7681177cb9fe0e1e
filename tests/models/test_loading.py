"""Loading models: local folders, built-in names, bad folders, and the CLI commands."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys

import numpy as np
import pytest
import torch

from fairlm.cli import main
from fairlm.errors import ModelError
from fairlm.models import BUILTIN_MODELS, load_model


def test_local_folder_loads_with_hash_and_prefix(tiny_gpt2_dir):
    lm = load_model(tiny_gpt2_dir)
    info = lm.describe()
    assert info["prefix_token"] == "<|endoftext|>" and info["prefix_token_id"] == 0
    assert info["dtype"] == "float32" and len(info["hash"]) == 16
    assert load_model(tiny_gpt2_dir).describe()["hash"] == info["hash"]


def test_bfloat16_loads(tiny_gpt2_dir):
    lm = load_model(tiny_gpt2_dir, dtype="bfloat16")
    assert lm.dtype == "bfloat16"
    s32 = load_model(tiny_gpt2_dir).sentence_scores(["The doctor said."])
    s16 = lm.sentence_scores(["The doctor said."])
    assert abs(s16[0] - s32[0]) < 0.5  # close, not equal


def test_folder_without_weights_is_a_clear_error(tiny_gpt2_dir, tmp_path):
    shutil.copy(tiny_gpt2_dir / "config.json", tmp_path / "config.json")
    with pytest.raises(ModelError, match="no weights"):
        load_model(tmp_path)


def test_truncated_safetensors_is_a_clear_error(tiny_gpt2_dir, tmp_path):
    broken = tmp_path / "broken"
    shutil.copytree(tiny_gpt2_dir, broken)
    weights = broken / "model.safetensors"
    weights.write_bytes(weights.read_bytes()[:1000])
    with pytest.raises(ModelError, match="could not load model"):
        load_model(broken)


def test_unknown_path_suggests_builtin_names():
    with pytest.raises(ModelError, match="does not exist"):
        load_model("./no/such/model")


def test_bad_dtype():
    with pytest.raises(ModelError, match="dtype must be one of"):
        load_model("smollm2-135m", dtype="int8")  # type: ignore[arg-type]


def test_help_does_not_import_torch():
    code = (
        "import sys, contextlib, io\n"
        "from fairlm.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        "    try: main(['--help'])\n"
        "    except SystemExit: pass\n"
        "    for c in ['audit', 'score', 'metrics', 'data', 'models']:\n"
        "        try: main([c, '--help'])\n"
        "        except SystemExit: pass\n"
        "print('torch' in sys.modules, 'transformers' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False False"


def test_models_command_lists_builtins(capsys):
    assert main(["models", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert {r["name"] for r in rows} == set(BUILTIN_MODELS)
    gemma = next(r for r in rows if r["name"] == "gemma3-270m")
    assert "Gemma Terms of Use" in gemma["license_note"]


def test_score_command_writes_jsonl(tiny_gpt2_dir, tmp_path, capsys):
    src = tmp_path / "texts.txt"
    src.write_text("The doctor said.\n\nThe nurse said that she was tired.\n")
    out = tmp_path / "scores.jsonl"
    code = main(["score", str(src), "--model", str(tiny_gpt2_dir), "--tokens", "-o", str(out)])
    assert code == 0
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert [r["text"] for r in rows] == ["The doctor said.", "The nurse said that she was tired."]
    lm = load_model(tiny_gpt2_dir)
    for r in rows:
        ids = [0, *lm.tokenize(r["text"])]
        with torch.no_grad():
            lp = torch.log_softmax(lm.model(torch.tensor([ids])).logits[0].double(), -1)
        want = sum(lp[k - 1, ids[k]].item() for k in range(1, len(ids)))
        assert r["score"] == pytest.approx(want, abs=1e-4)
        assert len(r["token_logprobs"]) == len(ids) - 1


def test_score_command_errors_are_one_line(tiny_gpt2_dir, tmp_path, capsys):
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"text": "fine"}\n{"txt": "oops"}\n')
    assert main(["score", str(bad), "--model", str(tiny_gpt2_dir)]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "line 2" in err
    binary = tmp_path / "bin.txt"
    binary.write_bytes(b"\xff\xfe bad")
    assert main(["score", str(binary), "--model", str(tiny_gpt2_dir)]) == 2
    assert "bin.txt:1: not UTF-8 text (byte 0xff at offset 0)" in capsys.readouterr().err
    assert main(["score", "--text", "hi", "--model", "smolm2-135m"]) == 2
    assert "smollm2-135m" in capsys.readouterr().err


def test_generate_command(tiny_gpt2_dir, capsys):
    assert (
        main(["generate", "The doctor", "--model", str(tiny_gpt2_dir), "--max-new-tokens", "4"])
        == 0
    )
    assert capsys.readouterr().out.startswith("The doctor")


def test_generate_command_reads_a_file_and_writes_jsonl(tiny_gpt2_dir, tmp_path, capsys):
    """Prompts from the command line, then a .jsonl file's 'prompt' (or 'text') fields;
    the greedy continuations equal transformers' own ``generate`` on the same model."""
    from transformers import AutoModelForCausalLM, AutoTokenizer

    src = tmp_path / "prompts.jsonl"
    src.write_text('{"prompt": "The nurse said"}\n\n{"text": "My neighbour is", "id": 7}\n')
    out = tmp_path / "gen.jsonl"
    argv = ["generate", "The doctor", "--file", str(src), "-o", str(out),
            "--model", str(tiny_gpt2_dir), "--max-new-tokens", "5"]  # fmt: skip
    assert main(argv) == 0
    assert "wrote 3 continuations" in capsys.readouterr().err
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    prompts = ["The doctor", "The nurse said", "My neighbour is"]
    assert [(r["prompt"], r["sample"]) for r in rows] == [(p, 0) for p in prompts]
    tok = AutoTokenizer.from_pretrained(tiny_gpt2_dir)
    model = AutoModelForCausalLM.from_pretrained(tiny_gpt2_dir).eval()
    for r in rows:
        ids = tok(r["prompt"], return_tensors="pt").input_ids
        with torch.no_grad():
            new = model.generate(ids, max_new_tokens=5, do_sample=False,
                                 pad_token_id=tok.eos_token_id)[0, ids.shape[1]:]  # fmt: skip
        assert r["continuation"] == tok.decode(new, skip_special_tokens=True)
    # sampled: two per prompt, the library's texts for the same seed
    argv += ["--sample", "--num-samples", "2", "--seed", "3"]
    assert main(argv) == 0
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    lm = load_model(tiny_gpt2_dir)
    want = lm.generate(prompts, max_new_tokens=5, do_sample=True, top_p=0.95,
                       num_return_sequences=2, seed=3)  # fmt: skip
    assert [r["continuation"] for r in rows] == [t for texts in want for t in texts]
    assert [r["sample"] for r in rows] == [0, 1] * 3


@pytest.mark.integration
def test_default_model_score_equals_transformers_forward(smollm2, tmp_path, capsys):
    """`fairlm score` on smollm2-135m == a direct transformers forward pass."""
    texts = ["The doctor said that he would come back tomorrow.", "She is a nurse."]
    src = tmp_path / "t.txt"
    src.write_text("\n".join(texts) + "\n")
    assert main(["score", str(src)]) == 0
    rows = [json.loads(x) for x in capsys.readouterr().out.splitlines()]
    from transformers import AutoModelForCausalLM, AutoTokenizer

    folder = BUILTIN_MODELS["smollm2-135m"].cache_dir()
    tok = AutoTokenizer.from_pretrained(folder)
    model = AutoModelForCausalLM.from_pretrained(folder, dtype=torch.float32)
    eos = tok.convert_tokens_to_ids("<|endoftext|>")
    for text, row in zip(texts, rows, strict=True):
        ids = [eos, *tok(text, add_special_tokens=False)["input_ids"]]
        with torch.no_grad():
            lp = torch.log_softmax(model(torch.tensor([ids])).logits[0].double(), -1)
        want = sum(lp[k - 1, ids[k]].item() for k in range(1, len(ids)))
        assert row["score"] == pytest.approx(want, abs=1e-3)


@pytest.mark.integration
def test_gguf_file_loads_directly(smollm2):
    spec = BUILTIN_MODELS["smollm2-135m"]
    lm = load_model(spec.package_dir() / spec.gguf_name, prefix_token="<|endoftext|>")
    assert lm.model.config.model_type == "llama"
    a = lm.sentence_scores(["The nurse said she was tired."])
    b = smollm2.sentence_scores(["The nurse said she was tired."])
    np.testing.assert_allclose(a, b, atol=1e-3)


def test_folder_written_by_fairlm_keeps_its_prefix_token(tiny_gpt2_dir, tmp_path):
    import json
    import shutil

    from fairlm.models import load_model

    folder = tmp_path / "debiased"
    shutil.copytree(tiny_gpt2_dir, folder)
    # the tiny tokenizer's only special token is <|endoftext|>; name another vocabulary
    # token to see that the saved choice wins over the tokenizer's BOS
    lm0 = load_model(folder)
    other = lm0.tokenizer.convert_ids_to_tokens(5)
    (folder / "fairlm_model.json").write_text(
        json.dumps({"prefix_token": other, "license": "Apache-2.0", "builtin": "x"})
    )
    lm = load_model(folder)
    assert lm.prefix_token == other and lm.prefix_token_id == 5
    assert lm.describe()["license"] == "Apache-2.0" and lm.describe()["base_model"] == "x"
    assert load_model(folder, prefix_token="<|endoftext|>").prefix_token == "<|endoftext|>"
    (folder / "fairlm_model.json").write_text("not json")
    assert load_model(folder).prefix_token == "<|endoftext|>"
