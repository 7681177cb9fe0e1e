"""Generation speed side by side: Hugging Face ``generate`` at its best batched settings
against fairlm's generation engine, on BOLD prompts, in one run.

Both generate 20 new tokens per prompt with top-p 0.95 sampling (temperature 1, no
top-k) from the same model in the same process, in interleaved rounds: Hugging Face
``generate`` in batches with left padding at each ``--hf-batch`` size and each
``--hf-cache`` (its dynamic KV cache or its static one; the best is the one reported),
fairlm's ``LanguageModel.generate`` at each ``--rows``. Printed per run: wall seconds,
new tokens/s, and model FLOP/s (2 x parameters x tokens through the model, prompt and
new) as a share of a float32 (or bfloat16) matrix multiply timed in the same run; how
many of fairlm's seeded texts are the same at each number of rows. Then greedy decoding
on ``--greedy`` prompts: fairlm's tokens against transformers' generate,
one prompt at a time (unpadded) and batched, token for token.

``--full-bold`` also times ``fairlm audit --benchmarks bold`` on the full data (23,679
prompts) as one command. Not a test: run it on an otherwise idle machine.

    python benchmarks/generation.py [--prompts 512] [--rounds 2] [--dtype float32] [--full-bold]
"""

from __future__ import annotations

import argparse
import itertools
import os
import random
import sys
import tempfile
import time

import torch
from _measure import gemm_flops, machine, run_timed  # benchmarks/_measure.py


def bold_prompts(n: int, seed: int = 0) -> tuple[list[str], list[str]]:
    from fairlm.data import load_bold

    items = load_bold()
    random.Random(seed).shuffle(items)
    items = items[:n]
    return [it.prompt.rstrip() for it in items], [str(it.id) for it in items]


def hf_generate(lm, prompts: list[str], batch: int, **kw) -> float:
    """Seconds for transformers' generate over ``prompts`` in batches, left padding."""
    tok = lm.tokenizer
    tok.padding_side = "left"
    start = time.perf_counter()
    for s in range(0, len(prompts), batch):
        enc = tok(prompts[s : s + batch], return_tensors="pt", padding=True)
        with torch.inference_mode():
            lm.model.generate(**enc, pad_token_id=tok.pad_token_id, **kw)
    return time.perf_counter() - start


def ours(lm, prompts: list[str], keys: list[str], rows: int, **kw) -> tuple[float, list]:
    """Seconds for fairlm's generate with ``rows`` rows decoding at once, and the texts."""
    start = time.perf_counter()
    texts = lm.generate(prompts, keys=keys, batch_size=rows, **kw)
    return time.perf_counter() - start, texts


def greedy_agreement(lm, prompts: list[str], n: int) -> tuple[float, float]:
    """Share of prompts whose greedy tokens equal transformers' (unpadded, batched)."""
    from fairlm.models._generation import Sampling, generate_tokens

    ids = [lm.tokenize_prompt(p) for p in prompts]
    eos = lm._eos_ids()
    got = generate_tokens(lm.model, ids, Sampling(max_new_tokens=n, eos_ids=eos))

    def cut(tokens: list[int]) -> list[int]:
        hit = [k for k, t in enumerate(tokens) if t in eos]
        return tokens[: hit[0]] if hit else tokens

    single = batched = 0
    tok = lm.tokenizer
    tok.padding_side = "left"
    enc = tok(prompts, return_tensors="pt", padding=True)
    with torch.inference_mode():
        out = lm.model.generate(
            **enc, max_new_tokens=n, do_sample=False, pad_token_id=tok.pad_token_id
        )
    for k, p in enumerate(ids):
        with torch.inference_mode():
            one = lm.model.generate(
                input_ids=torch.tensor([p]),
                attention_mask=torch.ones(1, len(p), dtype=torch.long),
                max_new_tokens=n,
                do_sample=False,
                pad_token_id=tok.pad_token_id,
            )
        single += cut(one[0, len(p) :].tolist()) == got[k][0]
        batched += cut(out[k, enc["input_ids"].shape[1] :].tolist()) == got[k][0]
    return single / len(ids), batched / len(ids)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", default="smollm2-135m")
    ap.add_argument("--dtype", default="float32", choices=["float32", "bfloat16"])
    ap.add_argument("--prompts", type=int, default=512)
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument(
        "--hf-batch",
        default="64,128,256",
        help="comma-separated batch sizes (on 2 cores 128 and 256 were its fastest of 32-256)",
    )
    ap.add_argument(
        "--hf-cache", default="dynamic", help="comma-separated: dynamic, static (its KV caches)"
    )
    ap.add_argument("--rows", default="128,256", help="fairlm rows decoding at once")
    ap.add_argument("--new-tokens", type=int, default=20)
    ap.add_argument("--greedy", type=int, default=32, help="prompts for the greedy check")
    ap.add_argument("--full-bold", action="store_true")
    args = ap.parse_args()

    from fairlm.models import load_model

    print(f"machine: {machine()}")
    lm = load_model(args.model, dtype=args.dtype)
    print(f"engine: {lm.describe()['engine']['products']}")
    prompts, keys = bold_prompts(args.prompts)
    n_params = lm.num_parameters
    prompt_tokens = sum(len(lm.tokenize_prompt(p)) for p in prompts)
    tokens = prompt_tokens + len(prompts) * args.new_tokens
    sample = dict(max_new_tokens=args.new_tokens, do_sample=True, top_p=0.95)
    dtype = getattr(torch, args.dtype)
    gemm = [gemm_flops(dtype)]
    print(f"{len(prompts)} BOLD prompts, {prompt_tokens} prompt tokens, {args.new_tokens} new each")
    print(f"matrix multiply before: {gemm[0] / 1e9:.0f} GFLOP/s ({args.dtype})")
    ours(lm, prompts[:16], keys[:16], 16, seed=0, **sample)  # warm-up
    results: dict[str, list[float]] = {}
    texts: dict[int, list] = {}  # fairlm's texts at each number of rows (same seed)
    for r in range(args.rounds):
        for b, cache in itertools.product(
            map(int, args.hf_batch.split(",")), args.hf_cache.split(",")
        ):
            t = hf_generate(lm, prompts, b, top_k=0, cache_implementation=cache, **sample)
            name = f"hf batch {b}" + ("" if cache == "dynamic" else f" {cache}")
            results.setdefault(name, []).append(t)
            print(f"round {r + 1}: transformers generate, batch {b}, {cache} cache: {t:.1f} s",
                  flush=True)  # fmt: skip
        for rows in map(int, args.rows.split(",")):
            t, texts[rows] = ours(lm, prompts, keys, rows, seed=0, **sample)
            results.setdefault(f"fairlm rows {rows}", []).append(t)
            print(f"round {r + 1}: fairlm, {rows} rows: {t:.1f} s", flush=True)
    gemm.append(gemm_flops(dtype))
    rate = sum(gemm) / len(gemm)
    print(f"matrix multiply after: {gemm[1] / 1e9:.0f} GFLOP/s; mean {rate / 1e9:.0f}")
    print(f"\n{'run':<22} {'best s':>7} {'new tok/s':>10} {'GFLOP/s':>8} {'share':>6}")
    best = {name: min(ts) for name, ts in results.items()}
    for name, t in best.items():
        flops = 2 * n_params * tokens / t
        print(
            f"{name:<22} {t:7.1f} {len(prompts) * args.new_tokens / t:10.0f} "
            f"{flops / 1e9:8.1f} {flops / rate:6.1%}"
        )
    hf_best = min(t for n, t in best.items() if n.startswith("hf"))
    ours_best = min(t for n, t in best.items() if n.startswith("fairlm"))
    print(f"fairlm vs transformers at its best: {hf_best / ours_best:.2f}x")
    for a, b in itertools.combinations(texts, 2):
        same = sum(x == y for x, y in zip(texts[a], texts[b], strict=True))
        print(f"seeded texts equal between {a} and {b} rows: {same} of {len(prompts)}")
    single, batched = greedy_agreement(lm, prompts[: args.greedy], args.new_tokens)
    print(f"greedy: {single:.0%} of prompts equal to transformers one at a time, "
          f"{batched:.0%} to its batched run")  # fmt: skip
    if args.full_bold:
        out = tempfile.mkdtemp(prefix="fairlm-bold-")
        cmd = [sys.executable, "-m", "fairlm", "audit", "--model", args.model, "--dtype"]
        cmd += [args.dtype, "--benchmarks", "bold", "--output-dir", out, "--no-report"]
        wall, rss, _ = run_timed(cmd, {**os.environ, "FAIRLM_NO_PROGRESS": "1"})
        print(f"full BOLD as one command: {wall / 60:.1f} min, peak {rss:.2f} GiB ({out})")


if __name__ == "__main__":
    main()
