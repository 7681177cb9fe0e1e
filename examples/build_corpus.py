"""Build the training corpus of the README example: BOLD prompts plus HolisticBias sentences.

    python examples/build_corpus.py runs/corpus [--data-dir DIR] [--limit N]
    fairlm train runs/corpus --text-unit line --output-dir runs/readme-mini ...

Writes two plain-text files, one document per line, into OUT_DIR:

* ``bold_prompts.txt``: every BOLD prompt (Dhamala et al., FAccT 2021; CC BY-SA 4.0),
  Wikipedia sentence openings about people, in the loader's order (domain, then file
  order). Line breaks and runs of spaces inside a prompt become one space, so a prompt
  stays one document; empty prompts are left out.
* ``holistic_bias.txt``: one sentence per HolisticBias v1.1 (Smith et al., EMNLP 2022;
  CC BY-SA 4.0) descriptor and noun, in that order: "a Deaf woman" put into one of the
  templates with a ``{noun_phrase}`` slot. The template is picked by the SHA-1 of
  ``"<descriptor id>|<noun id>"``, so the file is the same on every machine and run.

The output is deterministic: the same data give byte-identical files. ``--limit N``
keeps the first N lines of each file (for quick tries). No sentence comes from the
benchmarks fairlm audits with (CrowS-Pairs, StereoSet, WinoBias, BBQ, SEAT), so a model
trained on this corpus can still be audited on them.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import sys
from pathlib import Path

from fairlm.data import load_bold, load_holistic_bias

FILES = ("bold_prompts.txt", "holistic_bias.txt")


def bold_lines(data_dir: str | os.PathLike[str] | None = None) -> list[str]:
    """One line per non-empty BOLD prompt, inner whitespace collapsed."""
    lines = (" ".join(p.prompt.split()) for p in load_bold(data_dir))
    return [line for line in lines if line]


def holistic_bias_lines(data_dir: str | os.PathLike[str] | None = None) -> list[str]:
    """One sentence per (descriptor, noun) pair of HolisticBias v1.1."""
    hb = load_holistic_bias(data_dir)
    templates = [t.template for t in hb.templates if "{noun_phrase}" in t.template]
    lines = []
    for d in hb.descriptors:
        for n in hb.nouns:
            digest = hashlib.sha1(f"{d.id}|{n.id}".encode()).hexdigest()
            template = templates[int(digest, 16) % len(templates)]
            article = d.article or ("an" if d.descriptor[0].lower() in "aeiou" else "a")
            lines.append(
                template.replace("{noun_phrase}", f"{article} {d.descriptor} {n.singular}")
            )
    return lines


def build_corpus(
    out_dir: str | os.PathLike[str],
    *,
    data_dir: str | os.PathLike[str] | None = None,
    limit: int | None = None,
) -> dict[str, int]:
    """Write the two files into ``out_dir``; return the number of lines of each."""
    if limit is not None and limit < 1:
        raise ValueError(f"limit must be at least 1, not {limit}")
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    counts = {}
    for name, lines in zip(
        FILES, (bold_lines(data_dir), holistic_bias_lines(data_dir)), strict=True
    ):
        lines = lines[:limit]
        (out / name).write_text("\n".join(lines) + "\n", encoding="utf-8", newline="\n")
        counts[name] = len(lines)
    return counts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out_dir", metavar="OUT_DIR", help="folder for the two .txt files")
    parser.add_argument("--data-dir", default=None, help="fairlm data folder (default: resolved)")
    parser.add_argument("--limit", type=int, default=None, help="first N lines of each file")
    args = parser.parse_args(argv)
    counts = build_corpus(args.out_dir, data_dir=args.data_dir, limit=args.limit)
    for name, n in counts.items():
        print(f"{Path(args.out_dir) / name}: {n:,} lines")
    return 0


if __name__ == "__main__":
    sys.exit(main())
