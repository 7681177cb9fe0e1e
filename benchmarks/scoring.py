"""Scoring-engine speed: fairlm's engine vs a naive one-sentence-at-a-time loop.

Scores the 3,016 CrowS-Pairs sentences (lm-eval protocol: prefix token + sentence,
summed) with the default model, in float32 and bfloat16, and prints sentences/s,
tokens/s, the speed-up over the naive loop, and the achieved model FLOP/s as a fraction
of this machine's float32 matrix-multiply FLOP/s measured in the same run.

The naive loop (one unpadded forward pass of the full model per sentence, full-vocabulary
log-softmax) is timed on the first ``--naive-limit`` sentences and its rate is reported
as such. Not a test: run it on an otherwise idle machine.

    python benchmarks/scoring.py [--model smollm2-135m] [--naive-limit 300]
"""

from __future__ import annotations

import argparse
import os
import platform
import time

import numpy as np
import torch
from _measure import gemm_flops


def naive(lm, texts: list[str]) -> tuple[float, int, np.ndarray]:
    """Seconds, tokens and scores of one full forward pass per sentence."""
    scores, tokens = [], 0
    start = time.perf_counter()
    with torch.inference_mode():
        for text in texts:
            ids = torch.tensor([[lm.prefix_token_id, *lm.tokenize(text)]])
            logits = lm.model(ids).logits[0].float()  # (T, V)
            lp = torch.log_softmax(logits[:-1], dim=-1).gather(1, ids[0, 1:, None])
            scores.append(float(lp.sum()))
            tokens += ids.shape[1]
    return time.perf_counter() - start, tokens, np.array(scores)


def engine(lm, texts: list[str], groups: list[int]) -> tuple[float, dict, np.ndarray]:
    lm.stats.clear()
    start = time.perf_counter()
    scores = lm.sentence_scores(texts, protocol="lm-eval", groups=groups)
    return time.perf_counter() - start, dict(lm.stats), scores


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default="smollm2-135m")
    parser.add_argument("--naive-limit", type=int, default=300)
    parser.add_argument("--dtypes", default="float32,bfloat16")
    args = parser.parse_args()

    from fairlm.data import load_crows_pairs
    from fairlm.models import load_model

    pairs = load_crows_pairs()
    texts = [s for p in pairs for s in (p.sent_more, p.sent_less)]
    groups = [k for k in range(len(pairs)) for _ in range(2)]
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, torch {torch.__version__}, "
        f"{torch.get_num_threads()} threads"
    )
    peak32 = gemm_flops(torch.float32)
    peak16 = gemm_flops(torch.bfloat16)
    print(
        f"matrix multiply: float32 {peak32 / 1e9:.0f} GFLOP/s, bfloat16 {peak16 / 1e9:.0f} GFLOP/s"
    )

    reference = None
    for dtype in args.dtypes.split(","):
        lm = load_model(args.model, dtype=dtype)
        n_params = lm.num_parameters
        sub = texts[: args.naive_limit]
        t_naive, tok_naive, s_naive = naive(lm, sub)
        t_eng, stats, s_eng = engine(lm, texts, groups)
        n_tok = sum(len(lm.tokenize(t)) + 1 for t in texts)
        naive_rate = len(sub) / t_naive
        eng_rate = len(texts) / t_eng
        flops = 2 * n_params * stats["forward_tokens"] / t_eng
        peak = peak32 if dtype == "float32" else peak16
        diff = np.abs(s_eng[: len(sub)] - s_naive).max()
        print(f"\n[{dtype}] {len(texts)} sentences, {n_tok} tokens (with the prefix token)")
        print(
            f"  naive loop : {naive_rate:7.1f} sentences/s {tok_naive / t_naive:8.0f} tokens/s "
            f"(first {len(sub)} sentences, {t_naive:.1f} s)"
        )
        print(
            f"  engine     : {eng_rate:7.1f} sentences/s {n_tok / t_eng:8.0f} tokens/s "
            f"({t_eng:.1f} s; {stats['forward_tokens']} tokens computed, "
            f"{stats['padding_tokens']} padding, {stats['passes']} passes)"
        )
        print(f"  speed-up   : {eng_rate / naive_rate:.2f}x the naive loop")
        print(
            f"  model FLOP/s: {flops / 1e9:.0f} G = {flops / peak:.0%} of the {dtype} "
            f"matrix-multiply peak (2 x {n_params / 1e6:.1f}M params x tokens computed)"
        )
        print(f"  max |engine - naive| on the timed subset: {diff:.2e} nats")
        if reference is None:
            reference = s_eng
        else:
            more = s_eng[0::2] > s_eng[1::2]
            ref_more = reference[0::2] > reference[1::2]
            print(
                f"  pair verdicts agreeing with {args.dtypes.split(',')[0]}: "
                f"{(more == ref_more).mean():.2%}"
            )


if __name__ == "__main__":
    main()
