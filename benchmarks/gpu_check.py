"""The checks that need a GPU, as one short script for a lent machine.

1. ``--tests``: ``tests/models/test_cuda.py`` (the engine on CUDA against float32 on the
   CPU, scoring and generation).
2. Generation side by side on the device: a random-weight Llama of a 1B-class shape
   (``--shape 1b``: hidden 2048, 16 layers, 32 query and 8 key/value heads, MLP 8192,
   49,152-token vocabulary, tied embeddings, about 1.1 B parameters) built in place, so
   nothing is downloaded and no tokenizer is needed: the prompts are random token ids of
   BOLD's prompt lengths (5 to 16 tokens). transformers' ``generate`` in batches with
   left padding against fairlm's generation engine, top-p 0.95 sampling of 20 new
   tokens, best of ``--rounds``; then greedy decoding on ``--greedy`` prompts, fairlm's
   tokens against transformers' one prompt at a time.

Prints the card, torch and transformers, and per run the seconds and new tokens/s. The
script runs on a CPU too (``--device cpu --shape tiny``), which is how it is checked
where no GPU is lent. Not a test: run it on an otherwise idle machine.

    PYTHONPATH=src python benchmarks/gpu_check.py --tests --device cuda --shape 1b
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

import torch

SHAPES = {
    # hidden, layers, query heads, key/value heads, MLP, vocabulary
    "1b": (2048, 16, 32, 8, 8192, 49152),
    "tiny": (64, 2, 4, 2, 128, 1000),
}


def random_llama(shape: str, dtype: torch.dtype, device: str, seed: int = 0):
    """A Llama with random weights (no end-of-text token: every row generates the same
    number of tokens), in ``dtype`` on ``device``."""
    from transformers import LlamaConfig, LlamaForCausalLM

    hidden, layers, heads, kv, mlp, vocab = SHAPES[shape]
    config = LlamaConfig(
        hidden_size=hidden,
        num_hidden_layers=layers,
        num_attention_heads=heads,
        num_key_value_heads=kv,
        intermediate_size=mlp,
        vocab_size=vocab,
        tie_word_embeddings=True,
        max_position_embeddings=2048,
        bos_token_id=None,
        eos_token_id=None,
        pad_token_id=0,
    )
    torch.manual_seed(seed)
    model = LlamaForCausalLM(config).to(device=device, dtype=dtype).eval()
    model.generation_config.eos_token_id = None
    model.generation_config.pad_token_id = 0
    return model


def random_prompts(n: int, vocab: int, seed: int = 0) -> list[list[int]]:
    """``n`` prompts of random token ids (never 0, the padding id), 5 to 16 tokens long
    as BOLD's are."""
    gen = torch.Generator().manual_seed(seed)
    lengths = torch.randint(5, 17, (n,), generator=gen).tolist()
    return [torch.randint(1, vocab, (k,), generator=gen).tolist() for k in lengths]


def _sync(device: str) -> None:
    if device.startswith("cuda"):
        torch.cuda.synchronize()


def hf_generate(model, prompts: list[list[int]], batch: int, device: str, **kw) -> float:
    """Seconds for transformers' generate over ``prompts`` in batches, left padding."""
    _sync(device)
    start = time.perf_counter()
    for s in range(0, len(prompts), batch):
        chunk = prompts[s : s + batch]
        width = max(map(len, chunk))
        ids = torch.tensor([[0] * (width - len(p)) + p for p in chunk], device=device)
        mask = torch.tensor([[0] * (width - len(p)) + [1] * len(p) for p in chunk], device=device)
        with torch.inference_mode():
            model.generate(input_ids=ids, attention_mask=mask, pad_token_id=0, **kw)
    _sync(device)
    return time.perf_counter() - start


def fairlm_generate(model, prompts: list[list[int]], rows: int, device: str, **kw) -> float:
    """Seconds for fairlm's engine over ``prompts`` with ``rows`` rows decoding at once."""
    from fairlm.models._generation import Sampling, generate_tokens

    _sync(device)
    start = time.perf_counter()
    with torch.inference_mode():
        generate_tokens(model, prompts, Sampling(**kw), max_rows=rows)
    _sync(device)
    return time.perf_counter() - start


def greedy_agreement(model, prompts: list[list[int]], n: int, device: str) -> float:
    """Share of prompts whose greedy tokens equal transformers' one prompt at a time."""
    from fairlm.models._generation import Sampling, generate_tokens

    with torch.inference_mode():
        got = generate_tokens(model, prompts, Sampling(max_new_tokens=n), max_rows=len(prompts))
    same = 0
    for p, g in zip(prompts, got, strict=True):
        ids = torch.tensor([p], device=device)
        with torch.inference_mode():
            out = model.generate(
                input_ids=ids,
                attention_mask=torch.ones_like(ids),
                max_new_tokens=n,
                do_sample=False,
                pad_token_id=0,
            )
        same += out[0, len(p) :].tolist() == g[0]
    return same / len(prompts)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--device", default="cuda", help="cuda, cuda:N or cpu")
    ap.add_argument("--shape", default="1b", choices=sorted(SHAPES))
    ap.add_argument("--dtype", default="bfloat16", choices=["float32", "bfloat16"])
    ap.add_argument("--prompts", type=int, default=512)
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--hf-batch", default="64,256", help="comma-separated batch sizes")
    ap.add_argument("--rows", default="256,512", help="comma-separated fairlm rows")
    ap.add_argument("--new-tokens", type=int, default=20)
    ap.add_argument("--greedy", type=int, default=16, help="prompts for the greedy check")
    ap.add_argument("--tests", action="store_true", help="run tests/models/test_cuda.py first")
    args = ap.parse_args()

    import transformers

    if args.device.startswith("cuda"):
        if not torch.cuda.is_available():
            sys.exit("gpu_check: torch sees no CUDA device here (use --device cpu --shape tiny)")
        props = torch.cuda.get_device_properties(args.device)
        card = f"{props.name}, {props.total_memory / 2**30:.0f} GiB"
    else:
        card = "CPU"
    print(f"device: {card}; torch {torch.__version__}, transformers {transformers.__version__}")
    if args.tests:
        root = Path(__file__).resolve().parents[1]
        test = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"]
        done = subprocess.run([*test, str(root / "tests/models/test_cuda.py")], cwd=root)
        print(f"tests/models/test_cuda.py: exit status {done.returncode}", flush=True)

    dtype = getattr(torch, args.dtype)
    model = random_llama(args.shape, dtype, args.device)
    n_params = sum(p.numel() for p in model.parameters())
    prompts = random_prompts(args.prompts, model.config.vocab_size)
    print(f"random Llama '{args.shape}' ({n_params / 1e6:,.1f} M parameters, {args.dtype}); "
          f"{len(prompts)} prompts, {sum(map(len, prompts))} prompt tokens, "
          f"{args.new_tokens} new each", flush=True)  # fmt: skip
    sample = dict(max_new_tokens=args.new_tokens, do_sample=True, top_p=0.95)
    fairlm_generate(model, prompts[:8], 8, args.device, seed=0, **sample)  # warm-up
    hf_generate(model, prompts[:8], 8, args.device, top_k=0, **sample)
    best: dict[str, float] = {}
    for r in range(args.rounds):
        for b in map(int, args.hf_batch.split(",")):
            t = hf_generate(model, prompts, b, args.device, top_k=0, **sample)
            best[f"hf batch {b}"] = min(t, best.get(f"hf batch {b}", t))
            print(f"round {r + 1}: transformers generate, batch {b}: {t:.2f} s", flush=True)
        for rows in map(int, args.rows.split(",")):
            t = fairlm_generate(model, prompts, rows, args.device, seed=0, **sample)
            best[f"fairlm rows {rows}"] = min(t, best.get(f"fairlm rows {rows}", t))
            print(f"round {r + 1}: fairlm, {rows} rows: {t:.2f} s", flush=True)
    print(f"\n{'run':<22} {'best s':>8} {'new tok/s':>10}")
    for name, t in best.items():
        print(f"{name:<22} {t:8.2f} {len(prompts) * args.new_tokens / t:10.0f}")
    hf_best = min(t for n, t in best.items() if n.startswith("hf"))
    ours_best = min(t for n, t in best.items() if n.startswith("fairlm"))
    print(f"fairlm vs transformers at its best: {hf_best / ours_best:.2f}x")
    share = greedy_agreement(model, prompts[: args.greedy], args.new_tokens, args.device)
    print(f"greedy: {share:.0%} of {args.greedy} prompts equal to transformers one at a time")


if __name__ == "__main__":
    main()
