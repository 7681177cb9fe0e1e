"""Score texts with a language model and write one JSON line per text.

Texts come from FILE (one per line; a .jsonl file is read from its "text" field) or from
--text; each output line holds the text, its token count, the sentence score under the
chosen protocol and, with --tokens, every token's log-probability (nats).
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass

from fairlm._config import option
from fairlm.cli._flags import add_options, config_from_args
from fairlm.cli._texts import read_texts
from fairlm.models._options import ModelOptions


@dataclass(kw_only=True)
class ScoreOptions(ModelOptions):
    file: str | None = option(
        None,
        positional=True,
        nargs="?",
        help="text file (one text per line) or .jsonl; - for stdin",
    )
    text: list[str] = option((), append=True, help="a text to score (repeatable)")
    protocol: str = option(
        "lm-eval",
        help="lm-eval (sum, prefix token first; default), bias-bench (mean, first token "
        "from the prefix alone), sum, mean, sum-no-prefix, mean-no-prefix",
    )
    tokens: bool = option(False, help="include per-token log-probs")
    output: str | None = option(None, aliases=("-o",), help="write JSONL here instead of stdout")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_options(parser, ScoreOptions)


def run(args: argparse.Namespace) -> int:
    from fairlm._io import atomic_write_text
    from fairlm.models._protocols import get_protocol

    opts = config_from_args(ScoreOptions, args)
    if opts.output:
        from fairlm._io import check_writable

        check_writable(opts.output, what="--output")  # before loading the model
    texts = read_texts(opts.file, opts.text, fields=("text",), what="texts to score")
    proto = get_protocol(opts.protocol)
    lm = opts.load_model()
    lps = lm.token_logprobs(texts, first_token=proto.first_token, progress="scoring")
    lines = []
    for text, lp in zip(texts, lps, strict=True):
        score = float(lp.sum()) if proto.reduction == "sum" else float(lp.mean())
        row = {"text": text, "n_tokens": len(lp), "score": score, "protocol": proto.name}
        if opts.tokens:
            row["token_logprobs"] = [float(x) for x in lp]
        lines.append(json.dumps(row, ensure_ascii=False))
    out = "\n".join(lines) + "\n"
    if opts.output:
        atomic_write_text(opts.output, out)
        from fairlm._text import terminal_text

        print(f"wrote {len(lines)} scores to {terminal_text(opts.output)}", file=sys.stderr)
    else:
        sys.stdout.write(out)
    return 0
