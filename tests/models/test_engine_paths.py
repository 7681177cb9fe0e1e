"""The engine's fast paths are probed, never assumed: fallbacks, overrides, and the record.

These tests hold on any CPU. Where a test needs a capability this machine lacks, it
simulates the capability's absence instead (a monkeypatched probe), which is the case a
user's laptop without AVX-512 meets; ``make test`` also runs the model tests once more
with oneDNN limited to AVX2 (``ONEDNN_MAX_CPU_ISA=AVX2``), so both paths run for real
on a machine that has AVX-512.
"""

from __future__ import annotations

import dataclasses
import logging
from pathlib import Path

import numpy as np
import pytest
import torch
from tests.conftest import direct_logprobs

from fairlm.errors import ModelError
from fairlm.models import _capabilities, _engine, _onednn, _plan
from fairlm.models._capabilities import Capabilities, engine_mode, probe
from fairlm.models._engine import Request, score_requests
from fairlm.models._plan import plan_engine

TEXTS = [
    "The doctor said that he would come back tomorrow.",
    "Women are bad at math and science, or so the old man said to the engineer.",
]


def _no_bfloat16(caps: Capabilities) -> Capabilities:
    """``caps`` as a CPU with AVX2 only would have them."""
    why = "oneDNN cannot multiply bfloat16 on this CPU [AVX2, no AVX-512; simulated]"
    return dataclasses.replace(
        caps,
        onednn={**caps.onednn, "bfloat16": False},
        post_ops=False,
        reasons={**caps.reasons, "onednn.bfloat16": why, "post_ops": "needs bfloat16"},
    )


def _rounded_float32(path) -> torch.nn.Module:
    """Independent reference: the float32 model with every weight rounded to bfloat16."""
    from transformers import AutoModelForCausalLM

    model = AutoModelForCausalLM.from_pretrained(path, dtype=torch.float32).eval()
    with torch.no_grad():
        for p in model.parameters():
            p.copy_(p.bfloat16().float())
    return model


def test_probe_runs_once_and_agrees_with_a_direct_try():
    caps = probe()
    assert probe() is caps  # cached for the process
    assert caps.torch_version == torch.__version__
    assert caps.onednn["float32"] in (True, False)
    # the probe's bfloat16 answer is what packing a bfloat16 weight does here
    packed = _onednn.pack(torch.randn(8, 4).bfloat16(), 4)
    if caps.torch_tested and _onednn.ops_present():
        assert caps.onednn["bfloat16"] == (packed is not None)
    for path, ok in (("onednn.bfloat16", caps.onednn["bfloat16"]), ("post_ops", caps.post_ops)):
        assert ok == (path not in caps.reasons), "a path that is off says why, and only then"


def test_missing_bfloat16_falls_back_to_float32_products_with_one_notice(
    tiny_llama_dir, monkeypatch, caplog
):
    """A CPU without bfloat16 products (simulated): loading in bfloat16 says so in one
    line, records the path, never calls oneDNN in bfloat16, and scores equal float32
    products of the bfloat16-rounded weights."""
    from fairlm.models import load_model

    monkeypatch.setattr(_plan, "probe", lambda: _no_bfloat16(probe()))
    monkeypatch.setattr(_engine, "_FAST_MIN_TOKENS", 0)
    real_linear = _onednn.linear

    def no_bfloat16(x, *args, **kwargs):
        assert x.dtype != torch.bfloat16, "oneDNN called in bfloat16 after the probe said no"
        return real_linear(x, *args, **kwargs)

    monkeypatch.setattr(_onednn, "linear", no_bfloat16)
    with caplog.at_level(logging.WARNING, logger="fairlm"):
        lm = load_model(tiny_llama_dir, dtype="bfloat16")
    notices = [r.getMessage() for r in caplog.records if r.name == "fairlm"]
    assert len(notices) == 1
    assert "bfloat16 requested" in notices[0] and "float32" in notices[0]
    assert "simulated" in notices[0]  # the probe's reason is in the line
    engine = lm.describe()["engine"]
    assert engine["weights"] == "bfloat16" and engine["products"].startswith("float32")
    assert engine["gated_mlp"] == "layer by layer" and engine["fallbacks"]
    assert lm.dtype == "bfloat16"
    assert all(p.dtype == torch.float32 for p in lm.model.parameters())

    ref = _rounded_float32(tiny_llama_dir)
    seqs = [[lm.prefix_token_id, *lm.tokenize(t)] for t in TEXTS]
    got = lm.score_token_requests([Request(tuple(s)) for s in seqs])
    for s, lp in zip(seqs, got, strict=True):
        np.testing.assert_allclose(lp, direct_logprobs(ref, s), atol=1e-4)
    # and the plain float32 model differs: the weights really are rounded
    plain = load_model(tiny_llama_dir, dtype="float32")
    assert np.abs(plain.score_token_requests([Request(tuple(seqs[1]))])[0] - got[1]).max() > 1e-3


def test_a_raw_half_model_without_products_is_widened_for_the_call(tiny_llama_dir, monkeypatch):
    """``score_requests`` on a bfloat16 model the engine did not load: with no bfloat16
    products in the plan, every layer runs in float32 for the call and is restored."""
    from transformers import AutoModelForCausalLM

    model = AutoModelForCausalLM.from_pretrained(tiny_llama_dir, dtype=torch.bfloat16).eval()
    plan = plan_engine("bfloat16", caps=_no_bfloat16(probe()))
    seqs = [[0, 5, 9, 17, 33, 2, 8]]
    got = score_requests(model, [Request(tuple(seqs[0]))], plan=plan)
    np.testing.assert_allclose(
        got[0], direct_logprobs(_rounded_float32(tiny_llama_dir), seqs[0]), atol=1e-4
    )
    assert all(p.dtype == torch.bfloat16 for p in model.parameters())


def test_torch_outside_the_tested_range_takes_the_portable_path(monkeypatch, tiny_lm):
    monkeypatch.setattr(torch, "__version__", "2.99.0")
    caps = probe.__wrapped__()  # a fresh probe, not the cached one
    assert not caps.torch_tested
    assert not any(caps.onednn.values()) and not caps.post_ops
    assert "2.99.0" in caps.reasons["onednn"] and "2.13" in caps.reasons["onednn"]
    plan = plan_engine("float32", caps=caps)
    assert not plan.onednn
    assert plan_engine("bfloat16", caps=caps).products == "float32"


def test_a_missing_private_op_takes_the_portable_path(monkeypatch, tiny_lm):
    monkeypatch.setattr(_onednn, "ops_present", lambda: False)
    caps = probe.__wrapped__()
    assert not any(caps.onednn.values())
    assert "_linear_pointwise" in caps.reasons["onednn.float32"]
    plan = plan_engine("float32", caps=caps)
    assert not plan.onednn and plan.describe()["vocabulary_projection"] == "float32 (torch)"
    # the engine under that plan never touches oneDNN, and scores as before
    monkeypatch.setattr(_engine, "_FAST_MIN_TOKENS", 0)
    monkeypatch.setattr(_onednn, "linear", lambda *a, **k: pytest.fail("oneDNN called"))
    seq = (tiny_lm.prefix_token_id, *tiny_lm.tokenize(TEXTS[1]))
    got = score_requests(tiny_lm.model, [Request(seq)], plan=plan)[0]
    np.testing.assert_allclose(got, direct_logprobs(tiny_lm.model, list(seq)), atol=1e-5)


def test_engine_override_from_the_environment_and_the_argument(monkeypatch, tiny_gpt2_dir):
    from fairlm.models import load_model

    monkeypatch.setenv("FAIRLM_ENGINE", "portable")
    assert engine_mode() == "portable"
    lm = load_model(tiny_gpt2_dir)
    assert lm.engine.path == "portable" and not lm.engine.onednn
    assert lm.describe()["engine"]["requested"] == "portable"
    assert engine_mode("auto") == "auto"  # the argument wins
    monkeypatch.setenv("FAIRLM_ENGINE", "turbo")
    with pytest.raises(ModelError, match="FAIRLM_ENGINE"):
        engine_mode()
    monkeypatch.delenv("FAIRLM_ENGINE")
    # float32 scores agree between the two paths
    fast = load_model(tiny_gpt2_dir, engine="auto")
    texts = TEXTS * 40  # enough work for the fast path's reordered weights
    a = fast.sentence_scores(texts, protocol="lm-eval")
    b = lm.sentence_scores(texts, protocol="lm-eval")
    np.testing.assert_allclose(a, b, atol=1e-4)


def test_fast_path_is_taken_where_the_probe_allows_it(tiny_lm, monkeypatch):
    """float32: the vocabulary projection runs through oneDNN exactly when the probe
    found oneDNN float32 products working; either way the scores are the same."""
    caps = probe()
    plan = plan_engine("float32", mode="auto", caps=caps)
    assert plan.onednn == caps.onednn["float32"]
    calls = []
    real_linear = _onednn.linear
    monkeypatch.setattr(_onednn, "linear", lambda *a, **k: calls.append(1) or real_linear(*a, **k))
    monkeypatch.setattr(_engine, "_FAST_MIN_TOKENS", 0)
    seq = (tiny_lm.prefix_token_id, *tiny_lm.tokenize(TEXTS[0]))
    got = score_requests(tiny_lm.model, [Request(seq)], plan=plan)[0]
    assert bool(calls) == caps.onednn["float32"]
    np.testing.assert_allclose(got, direct_logprobs(tiny_lm.model, list(seq)), atol=1e-5)


def test_a_device_this_machine_lacks_is_one_clear_error(tiny_gpt2_dir):
    from fairlm.models import load_model

    if torch.cuda.is_available():
        pytest.skip("this machine has CUDA; tests/models/test_cuda.py checks that path")
    with pytest.raises(ModelError, match="cuda") as err:
        load_model(tiny_gpt2_dir, device="cuda")
    assert "Traceback" not in str(err.value)
    with pytest.raises(ModelError, match="not a torch device"):
        load_model(tiny_gpt2_dir, device="gpu7")


def test_cpu_facts_name_the_features_that_matter():
    info = _capabilities.cpu_info()
    assert info["logical_cores"] >= 1 and info["model"]
    if info["features"]:  # Linux: read from /proc/cpuinfo
        assert set(info["features"]) >= {"AVX2", "AVX-512", "AVX512-BF16", "AMX-BF16"}
        flags = Path("/proc/cpuinfo").read_text()
        assert info["features"]["AVX2"] == (" avx2 " in flags or flags.endswith(" avx2"))


def test_bfloat16_audit_where_onednn_has_no_bfloat16(tiny_llama_dir, data_dir, tmp_path):
    """The whole command in a fresh process with oneDNN limited to AVX2, as on a CPU
    without AVX-512: exit 0, one line saying what it fell back to, the path recorded."""
    import json
    import os
    import subprocess
    import sys

    out = tmp_path / "run"
    env = {**os.environ, "ONEDNN_MAX_CPU_ISA": "AVX2", "FAIRLM_NO_PROGRESS": "1"}
    env.pop("FAIRLM_ENGINE", None)
    cmd = [sys.executable, "-m", "fairlm", "audit", "--model", str(tiny_llama_dir)]
    cmd += ["--dtype", "bfloat16", "--benchmarks", "crows_pairs", "--limit", "30"]
    cmd += ["--bootstrap", "50", "--output-dir", str(out), "--no-report", "--quiet"]
    done = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "Traceback" not in done.stderr
    notices = [line for line in done.stderr.splitlines() if "bfloat16 requested" in line]
    assert len(notices) == 1 and "ONEDNN_MAX_CPU_ISA=AVX2" in notices[0]
    results = json.loads((out / "results.json").read_text())
    engine = results["model"]["engine"]
    assert engine["weights"] == "bfloat16" and engine["products"].startswith("float32")
    assert engine["fallbacks"] and results["model"]["dtype"] == "bfloat16"
    assert results["environment"]["engine"]["probe"]["onednn"]["bfloat16"] is False
    ties = results["benchmarks"]["crows_pairs"]["near_ties"]
    assert ties["verdicts"] == 30 and ties["threshold_nats"] == 1e-4


def test_fairlm_env_prints_the_facts_a_bug_report_needs(capsys):
    import importlib.metadata
    import json

    from fairlm.cli import main

    assert main(["env"]) == 0
    text = capsys.readouterr().out
    for needle in ("fairlm ", "torch ", "transformers ", "CPU: ", "engine (mode", "bfloat16"):
        assert needle in text
    assert "model cache:" in text and "built-in models:" in text
    assert main(["env", "--json"]) == 0
    env = json.loads(capsys.readouterr().out)
    assert env["packages"]["torch"] == importlib.metadata.version("torch")
    assert env["engine"]["probe"] == probe().to_dict()
    assert set(env["engine"]["cpu"]) == {"float32", "bfloat16", "float16"}
    assert env["cuda"] == [] or all("name" in d for d in env["cuda"])
