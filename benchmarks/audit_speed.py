"""Full CrowS-Pairs audit speed of the default model, for comparison with lm-evaluation-harness.

Runs the whole CrowS-Pairs benchmark (1,508 pairs, 3,016 sentences) on smollm2-135m:

1. float32, lm-eval protocol: wall time including model load, scoring time, tokens
   computed, and the effective model FLOP/s (2 x parameters x tokens computed / scoring
   time) as a fraction of this machine's float32 matrix-multiply FLOP/s measured in the
   same run; per-sentence log-likelihoods checked against an independent one-sentence
   forward pass on a subset (|diff| < 1e-3);
2. bfloat16, lm-eval protocol: time and the share of pair verdicts that agree with
   float32;
3. float32, bias-bench protocol: time;
4. BBQ: tokens computed with the shared context scored once vs three times, on a sample.

The lm-evaluation-harness figures printed in-process are against the issue's reference,
measured on this machine kind by the issue's author: lm-evaluation-harness 0.4.13,
``--model hf --batch_size 16``, float32, its crows_pairs_english task pointed at the same
CSV: 120 s wall, 103 s of scoring, 29 sentences/s, 1.6 GiB peak memory. With
``--lm-eval-python`` (the python of an environment with ``lm_eval==0.4.13``), the script
then runs lm-evaluation-harness and ``fairlm audit`` in both dtypes side by side as whole
commands, in interleaved rounds (``benchmarks/lm_eval_side_by_side.py``), which is the
comparison that counts: the host's speed drifts.

    python benchmarks/audit_speed.py [--lm-eval-python PATH [--rounds N]]
"""

from __future__ import annotations

import argparse
import resource
import time

import numpy as np
import torch
from _measure import gemm_flops

LM_EVAL_WALL_S = 120.0  # reference, see the docstring


def run_crows(dtype: str, protocol: str):
    from fairlm.benchmarks import get_benchmark
    from fairlm.models import load_model

    t0 = time.perf_counter()
    lm = load_model("smollm2-135m", dtype=dtype)
    t1 = time.perf_counter()
    bench = get_benchmark("crows_pairs")(protocol=protocol, n_bootstrap=1000)
    rows = bench.score(lm, bench.examples(), progress=False)
    t2 = time.perf_counter()
    summary = bench.summarize(rows)
    t3 = time.perf_counter()
    return (
        lm,
        rows,
        summary,
        {"load": t1 - t0, "score": t2 - t1, "summary": t3 - t2, "wall": t3 - t0},
    )


def naive_scores(lm, texts: list[str]) -> np.ndarray:
    out = []
    with torch.inference_mode():
        for text in texts:
            ids = torch.tensor([[lm.prefix_token_id, *lm.tokenize(text)]])
            lp = torch.log_softmax(lm.model(ids).logits[0].double(), -1)
            out.append(float(lp[:-1].gather(1, ids[0, 1:, None]).sum()))
    return np.array(out)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--lm-eval-python", help="then time lm-evaluation-harness side by side")
    ap.add_argument("--rounds", type=int, default=2, help="side-by-side rounds")
    args = ap.parse_args()
    before = gemm_flops(torch.float32)
    lm, rows, summary, t = run_crows("float32", "lm-eval")
    after = gemm_flops(torch.float32)  # the host's speed drifts: time it on both sides
    peak32 = (before + after) / 2
    print(
        f"float32 matrix multiply on this machine: {before / 1e9:.0f} GFLOP/s before the "
        f"run, {after / 1e9:.0f} after ({torch.get_num_threads()} threads)"
    )
    n_sent = 2 * len(rows)
    tokens = lm.stats["forward_tokens"]
    flops = 2 * lm.num_parameters * tokens / t["score"]
    head = summary.get("stereotype_score")
    print(f"\n[float32, lm-eval protocol] {len(rows)} pairs")
    print(
        f"  wall {t['wall']:.1f} s (load {t['load']:.1f} s, scoring {t['score']:.1f} s, "
        f"summary {t['summary']:.1f} s): {n_sent / t['score']:.1f} sentences/s"
    )
    print(
        f"  tokens computed {tokens} (+{lm.stats['padding_tokens']} padding) in "
        f"{lm.stats['passes']} passes; effective {flops / 1e9:.0f} GFLOP/s = "
        f"{flops / peak32:.0%} of the float32 matrix multiply (mean of both)"
    )
    print(
        f"  vs lm-evaluation-harness reference ({LM_EVAL_WALL_S:.0f} s wall): "
        f"{LM_EVAL_WALL_S / t['wall']:.2f}x"
    )
    print(f"  stereotype score {head.value:.2f} [{head.ci_low:.2f}, {head.ci_high:.2f}]")
    sub = rows[:100]
    texts = [s for r in sub for s in (r["sent_more"], r["sent_less"])]
    ours = np.array([s for r in sub for s in (r["score_more"], r["score_less"])])
    diff = np.abs(naive_scores(lm, texts) - ours).max()
    print(f"  max |fairlm - independent forward pass| over {len(texts)} sentences: {diff:.2e}")
    ref_verdicts = np.array([r["stereotyped"] for r in rows])
    del lm

    lm16, rows16, s16, t16 = run_crows("bfloat16", "lm-eval")
    agree = (np.array([r["stereotyped"] for r in rows16]) == ref_verdicts).mean()
    print(
        f"\n[bfloat16, lm-eval protocol] wall {t16['wall']:.1f} s (scoring "
        f"{t16['score']:.1f} s): {LM_EVAL_WALL_S / t16['wall']:.2f}x the lm-eval reference; "
        f"pair verdicts agreeing with float32: {agree:.2%}; stereotype score "
        f"{s16.get('stereotype_score').value:.2f}"
    )
    del lm16

    lmb, rowsb, sb, tb = run_crows("float32", "bias-bench")
    print(
        f"\n[float32, bias-bench protocol] wall {tb['wall']:.1f} s (scoring {tb['score']:.1f} s,"
        f" {lmb.stats['forward_tokens']} tokens computed); stereotype score "
        f"{sb.get('stereotype_score').value:.2f}"
    )

    from fairlm.benchmarks import get_benchmark

    bbq = get_benchmark("bbq")(limit=100, seed=0)
    examples = bbq.examples()
    lmb.stats.clear()
    start = time.perf_counter()
    bbq.score(lmb, examples, progress=False)
    shared_s, shared_tok = time.perf_counter() - start, lmb.stats["forward_tokens"]
    lmb.share_prefixes = False
    lmb.stats.clear()
    start = time.perf_counter()
    bbq.score(lmb, examples, progress=False)
    plain_s, plain_tok = time.perf_counter() - start, lmb.stats["forward_tokens"]
    print(
        f"\n[BBQ, 100 examples] context scored once: {shared_tok} tokens, {shared_s:.1f} s; "
        f"each answer in full: {plain_tok} tokens, {plain_s:.1f} s "
        f"({plain_s / shared_s:.2f}x)"
    )
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"\npeak resident memory of this process: {peak_mb:.0f} MiB")
    del lmb
    if args.lm_eval_python:
        from lm_eval_side_by_side import compare  # benchmarks/lm_eval_side_by_side.py

        print("\n[side by side with lm-evaluation-harness, whole commands]", flush=True)
        compare(args.lm_eval_python, rounds=args.rounds)


if __name__ == "__main__":
    main()
