"""Generate text from a prompt with a language model (greedy unless --sample).

A prompt that leaves no room for --max-new-tokens in the model's context is refused with
its length, rather than cut. Control characters in the output are shown as escapes.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass

from fairlm._config import ConfigError, option
from fairlm.cli._flags import add_options, config_from_args
from fairlm.models._options import ModelOptions


@dataclass(kw_only=True)
class GenerateOptions(ModelOptions):
    prompt: list[str] = option(positional=True, nargs="+", help="prompt text(s)")
    max_new_tokens: int = option(40, minimum=1, help="tokens to generate at most (default 40)")
    sample: bool = option(False, help="sample instead of greedy decoding")
    temperature: float = option(1.0, help="sampling temperature (default 1.0; with --sample)")
    top_p: float = option(
        0.95, help="top-p (nucleus) threshold, 1 keeps every token (default 0.95; with --sample)"
    )
    num_samples: int = option(1, minimum=1, help="continuations per prompt")
    seed: int = option(0, minimum=0, help="seed of the sampling (default 0)")
    chat: bool = option(False, help="wrap the prompt in the chat template")

    def __post_init__(self) -> None:
        super().__post_init__()
        if self.sample and not self.temperature > 0:
            raise ConfigError(
                "temperature",
                f"must be greater than 0 with --sample, not {self.temperature:g} "
                "(for greedy decoding, leave out --sample)",
            )
        if not 0 < self.top_p <= 1:
            raise ConfigError("top_p", f"must be greater than 0 and at most 1, not {self.top_p:g}")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_options(parser, GenerateOptions)


def run(args: argparse.Namespace) -> int:
    from fairlm._text import terminal_text

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
            # a model's output can hold escape sequences: shown, not obeyed
            print(terminal_text(text if opts.chat else prompt + text, keep_newlines=True))
            if len(samples) > 1 or len(outs) > 1:
                print("---")
    return 0
