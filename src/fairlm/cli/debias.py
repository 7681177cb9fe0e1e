"""Debias a model by fine-tuning, then audit it before and after.

Methods: cda (fine-tune on the counterfactually augmented corpus), adversarial (an
adversary on the hidden states predicts the protected attribute; the model learns to
defeat it through gradient reversal) and constraint (a penalty on the log-likelihood gap,
or next-token divergence, between each text and its counterfactual). --lora trains LoRA
adapters (merged into the saved model). Writes DIR/model (loadable by fairlm and plain
transformers), DIR/before and DIR/after (audit results) and DIR/comparison.json (every
figure before/after with CIs, held-out perplexity before/after). The corpus is your own
text; `--corpus bold` uses the BOLD prompts. Never train on a benchmark's test sentences.
Runs under `accelerate launch` on several GPUs.
"""

from __future__ import annotations

import argparse
import sys

from fairlm.cli._flags import add_options, config_from_args
from fairlm.mitigation import METHODS
from fairlm.mitigation._config import DebiasConfig


def add_arguments(parser: argparse.ArgumentParser) -> None:
    # every method's options, merged by name: --strength serves adversarial and constraint
    methods = [METHODS.get(name) for name in METHODS.names()]
    add_options(parser, *methods, DebiasConfig, groups=("method", "training", "model"))


def run(args: argparse.Namespace) -> int:
    from fairlm._text import terminal_text
    from fairlm.mitigation import debias
    from fairlm.mitigation._table import format_comparison

    method = config_from_args(METHODS.get(args.method), args)
    config = config_from_args(DebiasConfig, args, method=method)
    comparison = debias(config, log=lambda m: print(terminal_text(m), file=sys.stderr))
    if comparison:
        print(terminal_text(format_comparison(comparison), keep_newlines=True))
    return 0
