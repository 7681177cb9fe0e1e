"""What scoring an assistant's answer options costs: one prompt plus its short options.

For ``decisions`` (DecodingTrust Adult: 600 prompts, each asked as written and with the
sex swapped, 2 answers each) and ``bbq_chat`` (BBQ, 7 categories, 3 orders x 3 letters
per question), on a model (default smollm2-135m, float32, through its chat template):

1. **tokens computed** by fairlm's engine (``lm.stats["forward_tokens"]``: every
   distinct opening once) against the tokens a per-option pass computes (each context +
   option in full, as one forward pass per option would: counted from the tokenised
   pairs, exact), and the engine's scoring time;
2. **options scored per second** (a "sentence" = one context + option) against a naive
   loop: one plain ``model(ids)`` forward pass per option, batch 1, on a seeded sample
   of ``--naive-limit`` examples (its rate extrapolated to the whole set), and the
   largest difference between the two scores over that sample (nats).

``--per-option-engine`` also times the engine with prefix sharing off (every sequence in
full, batched): the part of the speed-up that comes from sharing alone.

    python benchmarks/assistant_scoring.py [--benchmarks decisions,bbq_chat] [--limit N]
        [--naive-limit 30] [--model smollm2-135m] [--dtype float32] [--chat auto]
        [--per-option-engine] [--json OUT]

Use the full sets (no ``--limit``) for the figures in docs/performance.md; a small
``--limit`` checks that the script runs.
"""

from __future__ import annotations

import argparse
import json
import random
import time
from typing import Any

import numpy as np
import torch


class Recorder:
    """The model, recording every (context, continuation) pair it is asked to score."""

    def __init__(self, lm: Any) -> None:
        self._lm = lm
        self.pairs: list[tuple[str, str]] = []

    def __getattr__(self, name: str) -> Any:
        return getattr(self._lm, name)

    def loglikelihood(self, pairs, **kwargs):
        self.pairs += list(pairs)
        return self._lm.loglikelihood(pairs, **kwargs)


def split_ids(lm: Any, context: str, continuation: str) -> tuple[list[int], int]:
    """Token ids of context + continuation and where the continuation starts, split as
    ``LanguageModel.loglikelihood`` splits them."""
    n_space = len(context) - len(context.rstrip(" "))
    if n_space:
        context, continuation = context[:-n_space], context[-n_space:] + continuation
    whole = lm.tokenize(context + continuation)
    ctx = lm.tokenize(context) if context else []
    if whole[: len(ctx)] != ctx:
        whole = ctx + lm.tokenize(continuation)
    if not ctx:
        return [lm.prefix_token_id, *whole], 1
    return whole, len(ctx)


@torch.inference_mode()
def naive_loop(lm: Any, pairs: list[tuple[str, str]]) -> tuple[np.ndarray, float]:
    """One forward pass per pair, batch 1: summed log-probabilities and seconds."""
    out = np.empty(len(pairs))
    t0 = time.perf_counter()
    for i, (context, continuation) in enumerate(pairs):
        ids, cut = split_ids(lm, context, continuation)
        logits = lm.model(torch.tensor([ids], device=lm.device)).logits[0].double()  # (T, V)
        lp = torch.log_softmax(logits, dim=-1)
        out[i] = sum(lp[k - 1, ids[k]].item() for k in range(cut, len(ids)))
    return out, time.perf_counter() - t0


def measure(lm: Any, name: str, args: argparse.Namespace) -> dict[str, Any]:
    """The figures of the module docstring for one benchmark."""
    from fairlm.benchmarks import get_benchmark

    bench = get_benchmark(name)(limit=args.limit, seed=args.seed, chat=args.chat)
    examples = bench.examples()
    rec = Recorder(lm)
    lm.stats.clear()
    t0 = time.perf_counter()
    bench.score(rec, examples, progress=False)
    engine_s = time.perf_counter() - t0
    shared = lm.stats["forward_tokens"]
    pairs = rec.pairs
    per_option = sum(len(split_ids(lm, c, a)[0]) - 1 for c, a in pairs)
    result: dict[str, Any] = {
        "benchmark": name,
        "examples": len(examples),
        "options": len(pairs),
        "distinct_prompts": len({c for c, _ in pairs}),
        "tokens_computed": shared,
        "tokens_per_option_pass": per_option,
        "engine_s": engine_s,
        "engine_options_per_s": len(pairs) / engine_s,
    }
    per_example = len(pairs) // max(len(examples), 1)
    n_naive = min(args.naive_limit, len(examples))
    keep = sorted(random.Random(args.seed).sample(range(len(examples)), n_naive))
    sample = [pairs[i * per_example + j] for i in keep for j in range(per_example)]
    naive, naive_s = naive_loop(lm, sample)
    ours = np.asarray(lm.loglikelihood(sample))
    result.update(
        naive_sample_options=len(sample),
        naive_s=naive_s,
        naive_options_per_s=len(sample) / naive_s,
        max_abs_diff_nats=float(np.max(np.abs(ours - naive))),
    )
    if args.per_option_engine:
        lm.share_prefixes = False
        lm.stats.clear()
        t0 = time.perf_counter()
        lm.loglikelihood(pairs)
        result["engine_unshared_s"] = time.perf_counter() - t0
        result["engine_unshared_tokens"] = lm.stats["forward_tokens"]
        lm.share_prefixes = True
    return result


def report(r: dict[str, Any]) -> None:
    print(f"\n[{r['benchmark']}] {r['examples']} examples, {r['options']} options scored, "
          f"{r['distinct_prompts']} distinct prompts")  # fmt: skip
    print(f"  tokens computed: {r['tokens_computed']:,} (engine) vs "
          f"{r['tokens_per_option_pass']:,} (a pass per option): "
          f"{r['tokens_per_option_pass'] / r['tokens_computed']:.2f}x fewer")  # fmt: skip
    print(f"  engine: {r['engine_s']:.1f} s, {r['engine_options_per_s']:.1f} options/s")
    print(f"  naive loop (batch 1, one pass per option) on {r['naive_sample_options']} options: "
          f"{r['naive_options_per_s']:.1f} options/s -> engine "
          f"{r['engine_options_per_s'] / r['naive_options_per_s']:.1f}x faster; whole set "
          f"naive ~ {r['options'] / r['naive_options_per_s']:.0f} s")  # fmt: skip
    print(f"  max |engine - naive| over the sample: {r['max_abs_diff_nats']:.2e} nats")
    if "engine_unshared_s" in r:
        print(f"  engine without prefix sharing: {r['engine_unshared_s']:.1f} s, "
              f"{r['engine_unshared_tokens']:,} tokens")  # fmt: skip


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--benchmarks", default="decisions,bbq_chat")
    ap.add_argument("--model", default="smollm2-135m")
    ap.add_argument("--dtype", default="float32")
    ap.add_argument("--chat", default="auto", choices=("auto", "on", "off"))
    ap.add_argument("--limit", type=int, default=None, help="a seeded sample (default: all)")
    ap.add_argument("--naive-limit", type=int, default=30, help="examples in the naive loop")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--per-option-engine", action="store_true")
    ap.add_argument("--json", help="write the figures here")
    args = ap.parse_args()
    from fairlm.models import load_model

    lm = load_model(args.model, dtype=args.dtype)
    print(f"{args.model} ({args.dtype}), chat template hash {lm.chat_template_hash}, "
          f"{torch.get_num_threads()} threads")  # fmt: skip
    results = []
    for name in args.benchmarks.split(","):
        results.append(measure(lm, name.strip(), args))
        report(results[-1])
    if args.json:
        with open(args.json, "w", encoding="utf-8") as f:
            json.dump({"model": args.model, "dtype": args.dtype, "results": results}, f, indent=1)


if __name__ == "__main__":
    main()
