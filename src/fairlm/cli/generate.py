"""Generate text from a prompt with a language model (greedy unless --sample)."""

from __future__ import annotations

import argparse
from dataclasses import dataclass

from fairlm._config import option
from fairlm.cli._flags import add_options, config_from_args
from fairlm.models._options import ModelOptions


@dataclass(kw_only=True)
class GenerateOptions(ModelOptions):
    prompt: list[str] = option(positional=True, nargs="+", help="prompt text(s)")
    max_new_tokens: int = option(40, minimum=1)
    sample: bool = option(False, help="sample instead of greedy decoding")
    temperature: float = option(1.0)
    top_p: float = option(0.95)
    num_samples: int = option(1, minimum=1, help="continuations per prompt")
    seed: int = option(0)
    chat: bool = option(False, help="wrap the prompt in the chat template")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_options(parser, GenerateOptions)


def run(args: argparse.Namespace) -> int:
    opts = config_from_args(GenerateOptions, args)
    lm = opts.load_model()
    outs = lm.generate(
        opts.prompt,
        max_new_tokens=opts.max_new_tokens,
        do_sample=opts.sample,
        temperature=opts.temperature,
        top_p=opts.top_p,
        num_return_sequences=opts.num_samples,
        seed=opts.seed,
        chat=opts.chat,
    )
    for prompt, samples in zip(opts.prompt, outs, strict=True):
        for text in samples:
            print(text if opts.chat else prompt + text)
            if len(samples) > 1 or len(outs) > 1:
                print("---")
    return 0
