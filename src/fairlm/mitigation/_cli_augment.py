"""Counterfactual data augmentation: swap demographic terms in a text file.

IN is a .jsonl file (the text in --text-field; other fields are kept) or a plain text
file with one text per line; OUT has the same format. Two-sided mode (default) writes
every text and, right after it, its counterfactual where something was swapped;
one-sided mode writes only the counterfactuals. In .jsonl output each row gets
"counterfactual": true/false. Gender swaps use the Zhao et al. (2018) word pairs and
first names; "her" becomes "him" or "his" by a rule on the next word (see
docs/mitigation.md).
"""

from __future__ import annotations

import argparse
import json
import sys


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("input", metavar="IN", help="a .jsonl or plain text file")
    parser.add_argument("output", metavar="OUT", help="where to write the augmented texts")
    parser.add_argument("--axis", default="gender", choices=["gender", "race", "religion"])
    parser.add_argument("--mode", default="two-sided", choices=["two-sided", "one-sided"])
    parser.add_argument(
        "--no-names", dest="names", action="store_false", help="do not swap first names (gender)"
    )
    parser.add_argument(
        "--seed", type=int, default=0, help="seed for the random replacement group (race, religion)"
    )
    parser.add_argument("--text-field", default="text", help="the text field of .jsonl input")
    parser.add_argument(
        "--data-dir",
        default=None,
        help="benchmark data folder holding cda_wordlists "
        "(default: $FAIRLM_DATA_DIR, then the cache)",
    )


def run(args: argparse.Namespace) -> int:
    from fairlm._io import atomic_write_text
    from fairlm.mitigation._corpus import read_records
    from fairlm.mitigation.cda import CounterfactualAugmenter

    aug = CounterfactualAugmenter(
        args.axis, mode=args.mode, names=args.names, seed=args.seed, data_dir=args.data_dir
    )
    rows = read_records(args.input, text_field=args.text_field)
    jsonl = args.input.endswith(".jsonl")
    out_rows: list[dict] = []
    changed = swaps = 0
    for row in rows:
        cf, n = aug.swap_count(row[args.text_field])
        changed += n > 0
        swaps += n
        if args.mode == "two-sided":
            out_rows.append({**row, "counterfactual": False} if jsonl else row)
            if n:
                out_rows.append({**row, args.text_field: cf, "counterfactual": True})
        else:
            out_rows.append({**row, args.text_field: cf, "counterfactual": n > 0})
    if jsonl:
        text = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in out_rows)
    else:
        text = "".join(r[args.text_field] + "\n" for r in out_rows)
    atomic_write_text(args.output, text)
    print(
        f"{len(rows)} texts read, {changed} with {args.axis} terms ({swaps} swaps); "
        f"{len(out_rows)} texts written to {args.output} ({args.mode})",
        file=sys.stderr,
    )
    return 0
