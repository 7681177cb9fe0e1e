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


def _read_texts(opts: ScoreOptions) -> list[str]:
    from fairlm.errors import FairlmError

    texts = list(opts.text)
    name = "standard input" if opts.file == "-" else opts.file
    if opts.file:
        try:
            if opts.file == "-":  # bytes, decoded strictly (the locale may not be UTF-8)
                raw = getattr(sys.stdin, "buffer", None)
                data = (
                    raw.read()
                    if raw is not None
                    else sys.stdin.read().encode("utf-8", "surrogateescape")
                )
            else:
                with open(opts.file, "rb") as stream:
                    data = stream.read()
            lines = data.decode("utf-8-sig").splitlines()
        except OSError as exc:
            raise FairlmError(f"cannot read {opts.file}: {exc.strerror}") from exc
        except UnicodeDecodeError as exc:
            raise FairlmError(
                f"{name} is not valid UTF-8 ({exc.reason} at byte {exc.start}); "
                "convert it first, e.g. iconv -f latin1 -t utf-8"
            ) from exc
        if opts.file.endswith(".jsonl"):
            for n, line in enumerate(lines, 1):
                if not line.strip():
                    continue
                try:
                    texts.append(json.loads(line)["text"])
                except (json.JSONDecodeError, KeyError, TypeError) as exc:
                    raise FairlmError(
                        f"{opts.file} line {n}: expected a JSON object with a 'text' field ({exc})"
                    ) from exc
        else:
            texts.extend(line for line in lines if line.strip())
        if not texts:
            what = "is empty" if not lines else "holds only blank lines"
            raise FairlmError(f"{name} {what}: no texts to score (one text per line)")
    if not texts:
        raise FairlmError("no texts to score: give a FILE (- for standard input) or --text")
    return texts


def run(args: argparse.Namespace) -> int:
    from fairlm._io import atomic_write_text
    from fairlm.models._protocols import get_protocol

    opts = config_from_args(ScoreOptions, args)
    if opts.output:
        from fairlm._io import check_writable

        check_writable(opts.output, what="--output")  # before loading the model
    texts = _read_texts(opts)
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
