"""The engine on a CUDA device: same scores as float32 on the CPU, generation included.

These run only where torch sees a GPU (``benchmarks/gpu_check.py`` runs them with the
throughput check on a lent GPU). Without one they skip, saying so; the engine code they
exercise is the same as on the CPU apart from the device, and the CPU tests check it.
"""

from __future__ import annotations

import numpy as np
import pytest
import torch
from tests.conftest import direct_logprobs

from fairlm.models._engine import Request

pytestmark = [
    pytest.mark.cuda,
    pytest.mark.skipif(
        not torch.cuda.is_available(),
        reason="no CUDA device on this machine (the CPU tests run the same engine code)",
    ),
]

TEXTS = [
    "The doctor said that he would come back tomorrow.",
    "Women are bad at math and science, or so the old man said to the engineer.",
]


@pytest.mark.parametrize("folder", ["tiny_gpt2_dir", "tiny_llama_dir"])
@pytest.mark.parametrize(("dtype", "tol"), [("float32", 1e-4), ("bfloat16", 0.1)])
def test_cuda_scores_match_float32_on_the_cpu(folder, dtype, tol, request):
    from fairlm.models import load_model

    path = request.getfixturevalue(folder)
    cpu = load_model(path)
    gpu = load_model(path, dtype=dtype, device="cuda")
    assert gpu.engine.device.startswith("cuda") and not gpu.engine.onednn
    assert gpu.engine.products == dtype  # native on a GPU: no fallback
    seqs = [(cpu.prefix_token_id, *cpu.tokenize(t)) for t in TEXTS]
    got = gpu.score_token_requests([Request(s) for s in seqs])
    for s, lp in zip(seqs, got, strict=True):
        np.testing.assert_allclose(lp, direct_logprobs(cpu.model, list(s)), atol=tol)


def test_cuda_greedy_generation_equals_the_cpu(tiny_llama_dir):
    from fairlm.models import load_model

    cpu = load_model(tiny_llama_dir)
    gpu = load_model(tiny_llama_dir, device="cuda")
    assert gpu.generate(TEXTS, max_new_tokens=8) == cpu.generate(TEXTS, max_new_tokens=8)
