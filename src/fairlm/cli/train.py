"""Train a GPT-2-architecture model (or continue pre-training one) on a text corpus.

The corpus is read, cleaned, de-duplicated, split into training and held-out parts and
tokenised (a byte-level BPE tokenizer is trained unless --model or --tokenizer gives
one); then the model trains with AdamW, warm-up and cosine decay. OUTPUT_DIR gets
data/ (cleaned corpus, reports), checkpoints/ (resumable: run the same command again),
model/ (loads with `fairlm audit --model OUTPUT_DIR/model` and with plain transformers;
samples.json beside it) and train_report.json. Several processes:
`accelerate launch --num_processes N -m fairlm train ...` (add --multi_gpu on a CPU-only
machine).
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from fairlm.cli._flags import add_options, config_from_args
from fairlm.training._config import TrainRunConfig


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_options(parser, TrainRunConfig, groups=("corpus", "model", "training"))


def run(args: argparse.Namespace) -> int:
    from fairlm.training import train

    config = config_from_args(TrainRunConfig, args)
    report = train(config)
    if report:  # the main process
        _print_summary(report, Path(config.output_dir) / "model")
    return 0


def _print_summary(report: dict[str, Any], model_dir: Path) -> None:
    from fairlm._text import terminal_text

    meta, result, held = report["data"], report["train"], report["held_out"]
    split = meta["split"]
    print("preprocessing (documents / words removed per step):")
    for row in meta["preprocess"]:
        print(
            f"  {row['step']:<12} {row['docs_removed']:>8,} docs {row['words_removed']:>10,} words"
        )
    cda = f", {split['cda_added']:,} CDA counterfactuals" if meta.get("cda") else ""
    print(
        f"data: {split['train_docs']:,} training documents ({split['train_tokens']:,} tokens"
        f"{cda}), {split['val_docs']:,} held-out ({split['val_tokens']:,} tokens)"
    )
    print(
        f"model: {report['model']['parameters'] / 1e6:.2f}M parameters; {result['steps']} "
        f"steps, training time {result['total_wall_time_s']:.1f} s, "
        f"{result['tokens_per_s']:,.0f} tokens/s"
    )
    print(
        f"held-out: loss {held['loss']:.4f} nats/token, "
        f"perplexity {held['perplexity']:.2f} ({held['n_tokens']:,} tokens)"
    )
    print("samples (prompt + greedy continuation):")
    for s in report["samples"][:3]:
        print(f'  "{terminal_text(s["prompt"])}" + "{terminal_text(s["continuation"])}"')
    print(f"saved: {model_dir} (fairlm audit --model {model_dir})")
