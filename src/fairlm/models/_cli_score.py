"""Score texts with a language model and write one JSON line per text.

Texts come from FILE (one per line; a .jsonl file is read from its "text" field) or from
--text; each output line holds the text, its token count, the sentence score under the
chosen protocol and, with --tokens, every token's log-probability (nats).
"""

from __future__ import annotations

import argparse
import json
import sys

from fairlm.models._cli_common import add_model_arguments, model_from_args


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "file", nargs="?", help="text file (one text per line) or .jsonl; - for stdin"
    )
    parser.add_argument("--text", action="append", default=[], help="a text to score (repeatable)")
    parser.add_argument(
        "--protocol",
        default="lm-eval",
        help="lm-eval (sum, prefix token first; default), bias-bench (mean, first token "
        "from the prefix alone), sum, mean, sum-no-prefix, mean-no-prefix",
    )
    parser.add_argument("--tokens", action="store_true", help="include per-token log-probs")
    parser.add_argument("-o", "--output", help="write JSONL here instead of stdout")
    add_model_arguments(parser)


def _read_texts(args: argparse.Namespace) -> list[str]:
    from fairlm.errors import FairlmError

    texts = list(args.text)
    if args.file:
        try:
            if args.file == "-":
                lines = sys.stdin.read().splitlines()
            else:
                with open(args.file, encoding="utf-8") as stream:
                    lines = stream.read().splitlines()
        except OSError as exc:
            raise FairlmError(f"cannot read {args.file}: {exc.strerror}") from exc
        except UnicodeDecodeError as exc:
            raise FairlmError(
                f"{args.file} is not valid UTF-8 ({exc.reason} at byte {exc.start})"
            ) from exc
        if args.file.endswith(".jsonl"):
            for n, line in enumerate(lines, 1):
                if not line.strip():
                    continue
                try:
                    texts.append(json.loads(line)["text"])
                except (json.JSONDecodeError, KeyError, TypeError) as exc:
                    raise FairlmError(
                        f"{args.file} line {n}: expected a JSON object with a 'text' field ({exc})"
                    ) from exc
        else:
            texts.extend(line for line in lines if line.strip())
    if not texts:
        raise FairlmError("no texts to score: give a FILE or --text")
    return texts


def run(args: argparse.Namespace) -> int:
    from fairlm._io import atomic_write_text
    from fairlm.models._protocols import get_protocol

    texts = _read_texts(args)
    proto = get_protocol(args.protocol)
    lm = model_from_args(args)
    lps = lm.token_logprobs(texts, first_token=proto.first_token, progress="scoring")
    lines = []
    for text, lp in zip(texts, lps, strict=True):
        score = float(lp.sum()) if proto.reduction == "sum" else float(lp.mean())
        row = {"text": text, "n_tokens": len(lp), "score": score, "protocol": proto.name}
        if args.tokens:
            row["token_logprobs"] = [float(x) for x in lp]
        lines.append(json.dumps(row, ensure_ascii=False))
    out = "\n".join(lines) + "\n"
    if args.output:
        atomic_write_text(args.output, out)
        print(f"wrote {len(lines)} scores to {args.output}", file=sys.stderr)
    else:
        sys.stdout.write(out)
    return 0
