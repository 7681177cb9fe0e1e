"""Counterfactual data augmentation: swap demographic terms in a text file.

IN is a .jsonl file (the text in --text-field; other fields are kept) or a plain text
file with one text per line; OUT has the same format. Two-sided mode (default) writes
every text and, right after it, its counterfactual where something was swapped;
one-sided mode writes only the counterfactuals. In .jsonl output each row gets
"counterfactual": true/false. Gender swaps use the Zhao et al. (2018) word pairs and
first names; "her" becomes "him" or "his" by a rule on the next word (see
docs/mitigation.md). --lang zh swaps Chinese gender terms (fairlm's own list, longest
match first, words such as 他人 "others" and 其他 left alone; see docs/chinese.md).
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass

from fairlm._config import option
from fairlm.augment import Axis, Language, Mode
from fairlm.cli._flags import add_options, config_from_args


@dataclass(kw_only=True)
class AugmentOptions:
    """The file to augment and the arguments of :class:`fairlm.augment.CounterfactualAugmenter`."""

    input: str = option(positional=True, metavar="IN", help="a .jsonl or plain text file")
    output: str = option(positional=True, metavar="OUT", help="where to write the augmented texts")
    axis: Axis = option("gender", help="which demographic terms to swap")
    lang: Language = option("en", help="zh: Chinese text (gender only; fairlm's own word list)")
    mode: Mode = option(
        "two-sided",
        help="two-sided: each original, then its counterfactual where it changed; "
        "one-sided: the counterfactual in its place",
    )
    names: bool = option(True, help="do not swap first names (gender)")
    seed: int = option(0, help="seed for the random replacement group (race, religion)")
    text_field: str = option("text", help="the text field of .jsonl input")
    data_dir: str | None = option(
        None,
        help="benchmark data folder holding cda_wordlists "
        "(default: $FAIRLM_DATA_DIR, then the cache)",
    )


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_options(parser, AugmentOptions)


def run(args: argparse.Namespace) -> int:
    from fairlm.augment import CounterfactualAugmenter, augment_file

    opts = config_from_args(AugmentOptions, args)
    aug = CounterfactualAugmenter(
        opts.axis,
        mode=opts.mode,
        names=opts.names,
        seed=opts.seed,
        data_dir=opts.data_dir,
        lang=opts.lang,
    )
    n = augment_file(opts.input, opts.output, aug, text_field=opts.text_field)
    print(
        f"{n['texts_read']} texts read, {n['texts_with_terms']} with {opts.axis} terms "
        f"({n['swaps']} swaps); {n['texts_written']} texts written to {opts.output} "
        f"({opts.mode})",
        file=sys.stderr,
    )
    return 0
