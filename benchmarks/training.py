"""Training throughput of the tiny GPT-2 preset: 1 process vs 2 (accelerate, DDP on CPU).

Prints training tokens per second (non-padding input tokens over all processes, per
second of training, evaluation and checkpoints excluded) for a single process and for
``accelerate launch --multi_gpu --num_processes 2`` (on a CPU-only machine this forms a
gloo process group), and their ratio. Each process gets ``--threads`` intra-op threads,
so the two-process run uses twice the cores; on a machine with fewer free cores than
that the ratio says so.

    python benchmarks/training.py            # about 1-2 minutes on 2 cores
    python benchmarks/training.py --steps 100 --threads 1
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time


def worker(args: argparse.Namespace) -> None:
    import numpy as np
    import torch
    from transformers import GPT2LMHeadModel, PreTrainedTokenizerFast  # noqa: F401

    from fairlm.training import TokenBlocks, TrainConfig, Trainer
    from fairlm.training._presets import gpt2_config

    torch.set_num_threads(args.threads)
    vocab, block = 4096, args.block_size
    rng = np.random.default_rng(0)
    data = TokenBlocks.from_ids(
        [rng.integers(1, vocab, size=block).tolist() for _ in range(2048)], block_size=block
    )
    torch.manual_seed(0)
    model = GPT2LMHeadModel(gpt2_config("tiny", vocab_size=vocab, eos_token_id=0))
    cfg = TrainConfig(
        args.output_dir,
        max_steps=args.steps,
        batch_size=args.batch_size,
        lr=1e-3,
        progress=False,
    )
    trainer = Trainer(model, None, data, None, cfg)
    result = trainer.train()
    if trainer.accelerator.is_main_process:
        print(
            "RESULT "
            + json.dumps(
                {
                    "processes": trainer.accelerator.num_processes,
                    "tokens": result.tokens,
                    "train_time_s": result.train_time_s,
                    "tokens_per_s": result.tokens_per_s,
                }
            )
        )


def launch(cmd: list[str], threads: int) -> dict:
    env = dict(os.environ, OMP_NUM_THREADS=str(threads), FAIRLM_NO_PROGRESS="1")
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True)
    if proc.returncode:
        sys.exit(f"failed: {' '.join(cmd)}\n{proc.stderr[-3000:]}")
    line = next(x for x in proc.stdout.splitlines() if x.startswith("RESULT "))
    out = json.loads(line[len("RESULT ") :])
    out["wall_s"] = time.perf_counter() - t0
    return out


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--steps", type=int, default=60, help="optimizer steps per run")
    p.add_argument("--batch-size", type=int, default=16, help="blocks per step per process")
    p.add_argument("--block-size", type=int, default=64)
    p.add_argument("--threads", type=int, default=1, help="torch threads per process")
    p.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    p.add_argument("--output-dir", default=None, help=argparse.SUPPRESS)
    args = p.parse_args()
    if args.worker:
        worker(args)
        return
    here = os.path.abspath(__file__)
    common = [
        "--worker",
        f"--steps={args.steps}",
        f"--batch-size={args.batch_size}",
        f"--block-size={args.block_size}",
        f"--threads={args.threads}",
    ]
    accelerate = os.path.join(os.path.dirname(sys.executable), "accelerate")
    tmp = tempfile.mkdtemp(prefix="fairlm-bench-")
    one = launch([sys.executable, here, *common, f"--output-dir={tmp}/one"], args.threads)
    common.append(f"--output-dir={tmp}/two")  # one folder shared by both processes
    two = launch(
        [accelerate, "launch", "--multi_gpu", "--num_processes", "2", "--num_machines", "1",
         "--mixed_precision", "no", "--dynamo_backend", "no", here, *common],
        args.threads,
    )  # fmt: skip
    print(
        f"tiny preset, block {args.block_size}, {args.batch_size} blocks/step/process, "
        f"{args.steps} steps, {args.threads} thread(s)/process, {os.cpu_count()} CPUs"
    )
    print("| processes | tokens | training s | tokens/s | wall s (incl. start-up) |")
    print("|---:|---:|---:|---:|---:|")
    for r in (one, two):
        print(f"| {r['processes']} | {r['tokens']:,} | {r['train_time_s']:.1f} "
              f"| {r['tokens_per_s']:,.0f} | {r['wall_s']:.1f} |")  # fmt: skip
    print(f"ratio (2 processes / 1): {two['tokens_per_s'] / one['tokens_per_s']:.2f}")


if __name__ == "__main__":
    main()
