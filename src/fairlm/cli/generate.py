"""Generate text from prompts with a language model (greedy unless --sample).

Prompts come from the command line or from --file (one per line; a .jsonl file is read
from each object's "prompt" or "text" field; - for standard input). The continuations
are printed, or with --output written as JSON lines: one per continuation, with its
prompt and sample number. A prompt that leaves no room for --max-new-tokens in the
model's context is refused with its length, rather than cut. Control characters in the
printed output are shown as escapes.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass

from fairlm._config import ConfigError, option
from fairlm.cli._flags import add_options, config_from_args
from fairlm.cli._texts import read_texts
from fairlm.models._options import ModelOptions


@dataclass(kw_only=True)
class GenerateOptions(ModelOptions):
    prompt: list[str] = option((), positional=True, nargs="*", help="prompt text(s)")
    file: str | None = option(
        None,
        help="also the prompts of this file: one per line, or .jsonl with a 'prompt' (or "
        "'text') field; - for standard input",
    )
    output: str | None = option(
        None,
        aliases=("-o",),
        help="write JSON lines here (prompt, sample, continuation) instead of printing",
    )
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
    if opts.output:
        from fairlm._io import check_writable

        check_writable(opts.output, what="--output")  # before loading the model
    prompts = read_texts(opts.file, opts.prompt, fields=("prompt", "text"), what="prompts")
    lm = opts.load_model()
    outs = lm.generate(
        prompts,
        max_new_tokens=opts.max_new_tokens,
        do_sample=opts.sample,
        temperature=opts.temperature,
        top_p=opts.top_p,
        num_return_sequences=opts.num_samples,
        seed=opts.seed,
        chat=opts.chat,
        # a bar on stderr where there is more than one text to wait for
        progress="generating" if len(prompts) * opts.num_samples > 1 else False,
    )
    if opts.output:
        _write_jsonl(opts.output, prompts, outs)
        return 0
    for prompt, samples in zip(prompts, outs, strict=True):
        for text in samples:
            # a model's output can hold escape sequences: shown, not obeyed
            print(terminal_text(text if opts.chat else prompt + text, keep_newlines=True))
            if len(samples) > 1 or len(outs) > 1:
                print("---")
    return 0


def _write_jsonl(path: str, prompts: list[str], outs: list[list[str]]) -> None:
    from fairlm._io import atomic_write_text
    from fairlm._text import terminal_text

    rows = [
        json.dumps({"prompt": p, "sample": j, "continuation": text}, ensure_ascii=False)
        for p, samples in zip(prompts, outs, strict=True)
        for j, text in enumerate(samples)
    ]
    atomic_write_text(path, "\n".join(rows) + "\n")
    print(f"wrote {len(rows)} continuations to {terminal_text(path)}", file=sys.stderr)
