"""Generate text from a prompt with a language model (greedy unless --sample)."""

from __future__ import annotations

import argparse

from fairlm.models._cli_common import add_model_arguments, model_from_args


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("prompt", nargs="+", help="prompt text(s)")
    parser.add_argument("--max-new-tokens", type=int, default=40)
    parser.add_argument("--sample", action="store_true", help="sample instead of greedy decoding")
    parser.add_argument("--temperature", type=float, default=1.0)
    parser.add_argument("--top-p", type=float, default=0.95)
    parser.add_argument("--num-samples", type=int, default=1, help="continuations per prompt")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--chat", action="store_true", help="wrap the prompt in the chat template")
    add_model_arguments(parser)


def run(args: argparse.Namespace) -> int:
    lm = model_from_args(args)
    outs = lm.generate(
        args.prompt,
        max_new_tokens=args.max_new_tokens,
        do_sample=args.sample,
        temperature=args.temperature,
        top_p=args.top_p,
        num_return_sequences=args.num_samples,
        seed=args.seed,
        chat=args.chat,
    )
    for prompt, samples in zip(args.prompt, outs, strict=True):
        for text in samples:
            print(text if args.chat else prompt + text)
            if len(samples) > 1 or len(outs) > 1:
                print("---")
    return 0
