"""Model options shared by every command that loads a model (no heavy imports)."""

from __future__ import annotations

import argparse

__all__ = ["add_model_arguments", "model_from_args"]


def _batch_size(value: str) -> int | str:
    if value == "auto":
        return value
    try:
        n = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"must be a positive integer or 'auto', not {value!r}"
        ) from None
    if n < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return n


def add_model_arguments(parser: argparse.ArgumentParser, *, default_model: bool = True) -> None:
    g = parser.add_argument_group("model")
    g.add_argument(
        "--model",
        default="smollm2-135m" if default_model else None,
        help="built-in name (see `fairlm models`), local folder, .gguf file or hub id "
        "(default: %(default)s)",
    )
    g.add_argument(
        "--dtype",
        default="float32",
        choices=["float32", "bfloat16", "float16"],
        help="float32 (default) scores exactly; bfloat16 is faster: its linear layers "
        "multiply in bfloat16, scoring computes the rest in float32",
    )
    g.add_argument("--device", default=None, help="torch device, e.g. cuda:0 (default: cpu)")
    g.add_argument(
        "--engine",
        default=None,
        choices=["auto", "portable"],
        help="scoring engine: auto (default; $FAIRLM_ENGINE overrides) takes the fast paths "
        "this machine was probed to run, portable only plain torch ops (see `fairlm env`)",
    )
    g.add_argument(
        "--batch-size",
        type=_batch_size,
        default="auto",
        help="sequences per forward pass (N x 128 tokens), or 'auto' (768 tokens; default)",
    )
    g.add_argument(
        "--prefix-token",
        default=None,
        help="token placed before each sentence as its context (default: the model's "
        "document-start token)",
    )
    g.add_argument(
        "--trust-remote-code",
        action="store_true",
        help="allow a hub model to run its own Python code (off by default: it runs "
        "whatever the model's author wrote)",
    )


def model_from_args(args: argparse.Namespace):
    from fairlm.models import load_model

    kwargs = {}
    if args.batch_size != "auto":
        # N sequences of up to 128 tokens: packed rows are filled to this token budget
        kwargs = {"batch_size": args.batch_size, "max_batch_tokens": args.batch_size * 128}
    return load_model(
        args.model,
        dtype=args.dtype,
        device=args.device,
        trust_remote_code=args.trust_remote_code,
        prefix_token=args.prefix_token,
        engine=args.engine,
        **kwargs,
    )
