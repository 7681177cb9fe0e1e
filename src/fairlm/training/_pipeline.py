"""Corpus -> cleaned, split, (optionally CDA-augmented) and tokenised training data.

Everything streams: documents are read, cleaned and written one at a time to
``DATA/train.jsonl`` and ``DATA/val.jsonl``, then tokenised into flat binary files
(``train.bin``, ``val.bin``) that the trainer memory-maps. The held-out split is a pure
function of each cleaned document's text and the seed (SHA-1 bucket), so it does not
depend on file order and a document never lands in both splits. ``DATA/prepared.json``
records the reports and a fingerprint of the options; a run that resumes reuses
prepared data with the same fingerprint.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

from fairlm._io import atomic_write_json
from fairlm._progress import progress_bar
from fairlm.augment import Axis, CounterfactualAugmenter
from fairlm.training._collect import CollectStats, iter_corpus
from fairlm.training._errors import CorpusError
from fairlm.training._preprocess import PreprocessConfig, Preprocessor

__all__ = ["prepare_data", "held_out"]


def held_out(text: str, *, seed: int, fraction: float) -> bool:
    """True if ``text`` belongs to the held-out split (stable across runs and machines)."""
    h = hashlib.sha1(f"{seed}\0{text}".encode()).digest()
    return int.from_bytes(h[:8], "big") / 2**64 < fraction


def prepare_data(
    sources: Sequence[str | os.PathLike[str]],
    data_dir: str | os.PathLike[str],
    *,
    tokenizer: Any | None,
    text_column: str = "text",
    glob: str = "**/*",
    text_unit: str = "paragraph",
    preprocess: PreprocessConfig | None = None,
    val_fraction: float = 0.05,
    seed: int = 0,
    vocab_size: int = 8192,
    cda: Axis | None = None,
    progress: bool = False,
) -> tuple[dict[str, Any], Any]:
    """Prepare ``data_dir``; return (summary dict, tokenizer).

    ``tokenizer`` None trains a byte-level BPE tokenizer of ``vocab_size`` on the training
    split and saves it in ``data_dir/tokenizer``. ``cda`` names a
    :class:`fairlm.augment.CounterfactualAugmenter` axis: each training document is
    followed by its counterfactual (two-sided CDA); the held-out split is left as is.
    """
    if not 0 < val_fraction < 1:
        raise CorpusError(f"val_fraction must be between 0 and 1, not {val_fraction}")
    data_dir = Path(data_dir)
    pre_cfg = preprocess or PreprocessConfig()
    fingerprint = _fingerprint(
        sources,
        text_column,
        glob,
        text_unit,
        pre_cfg,
        val_fraction,
        seed,
        vocab_size,
        cda,
        None if tokenizer is None else getattr(tokenizer, "name_or_path", "given"),
    )
    meta_path = data_dir / "prepared.json"
    prepared = _prepared(meta_path, fingerprint, tokenizer)
    if prepared is not None:
        return prepared

    data_dir.mkdir(parents=True, exist_ok=True)
    stats = CollectStats()
    pre = Preprocessor(pre_cfg)
    docs = iter_corpus(
        sources, text_column=text_column, glob=glob, text_unit=text_unit, stats=stats
    )
    docs = progress_bar(docs, enabled=progress, desc="reading", unit="doc")
    augmenter = CounterfactualAugmenter(cda, mode="two-sided", seed=seed) if cda else None
    counts = _split(pre(docs), data_dir, seed=seed, fraction=val_fraction, augmenter=augmenter)
    if counts["train_docs"] == 0:
        raise CorpusError(
            f"no training documents left after preprocessing ({stats.documents} read); "
            "see the preprocessing report or relax --min-words"
        )
    trained_tokenizer = tokenizer is None
    tokenizer, n_train, n_val = _tokenize(data_dir, tokenizer, vocab_size)
    meta = {
        "fingerprint": fingerprint,
        "sources": [str(s) for s in sources],
        "collect": stats.to_dict(),
        "preprocess": pre.report(),
        "split": {
            **counts,
            "val_fraction": val_fraction,
            "train_tokens": n_train,
            "val_tokens": n_val,
        },
        "cda": cda,
        "tokenizer": {"trained": trained_tokenizer, "vocab_size": len(tokenizer)},
    }
    atomic_write_json(meta_path, meta)
    return meta, tokenizer


def _split(
    docs: Iterable[str],
    data_dir: Path,
    *,
    seed: int,
    fraction: float,
    augmenter: CounterfactualAugmenter | None,
) -> dict[str, int]:
    """Write ``train.jsonl`` and ``val.jsonl`` (each training document followed by its
    counterfactual, with an augmenter); return the counts."""
    counts = {"train_docs": 0, "val_docs": 0, "cda_added": 0}
    with (
        _Writer(data_dir / "train.jsonl") as train_f,
        _Writer(data_dir / "val.jsonl") as val_f,
    ):
        for doc in docs:
            if held_out(doc, seed=seed, fraction=fraction):
                val_f.write(doc)
                counts["val_docs"] += 1
                continue
            counts["train_docs"] += 1
            texts, _ = augmenter.expand(doc) if augmenter else ([(doc, False)], 0)
            for text, is_counterfactual in texts:
                train_f.write(text)
                counts["cda_added"] += is_counterfactual
    if counts["train_docs"] and not counts["val_docs"]:
        raise CorpusError(
            f"the held-out split is empty ({counts['train_docs']} documents); "
            "raise --val-fraction or add documents"
        )
    return counts


def _prepared(meta_path: Path, fingerprint: str, tokenizer: Any | None) -> tuple | None:
    """(summary, tokenizer) of data prepared earlier with the same options, or None."""
    if not meta_path.is_file():
        return None
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    if meta.get("fingerprint") != fingerprint:
        return None
    if tokenizer is None:
        from transformers import AutoTokenizer

        tokenizer = AutoTokenizer.from_pretrained(meta_path.parent / "tokenizer")
    return meta, tokenizer


def _tokenize(data_dir: Path, tokenizer: Any | None, vocab_size: int) -> tuple[Any, int, int]:
    """Tokenise both splits into ``train.bin`` and ``val.bin`` (training a tokenizer on
    the training split first when none is given); return it and the token counts."""
    from fairlm.training._blocks import write_token_file

    if tokenizer is None:
        from fairlm.training._tokenizer import train_bpe_tokenizer

        tokenizer = train_bpe_tokenizer(
            _read_jsonl(data_dir / "train.jsonl"), vocab_size=vocab_size
        )
        tokenizer.save_pretrained(data_dir / "tokenizer")
    n_train = write_token_file(
        _read_jsonl(data_dir / "train.jsonl"), tokenizer, data_dir / "train.bin"
    )
    n_val = write_token_file(_read_jsonl(data_dir / "val.jsonl"), tokenizer, data_dir / "val.bin")
    return tokenizer, n_train, n_val


def _fingerprint(*parts: Any) -> str:
    from dataclasses import asdict, is_dataclass

    norm = [asdict(p) if is_dataclass(p) else p for p in parts]
    norm[0] = [str(Path(s).expanduser().resolve()) for s in parts[0]]
    return hashlib.sha256(json.dumps(norm, sort_keys=True, default=str).encode()).hexdigest()[:16]


class _Writer:
    """JSON Lines writer to a temporary name, renamed into place on success."""

    def __init__(self, path: Path) -> None:
        self.path, self.tmp = path, path.with_name(f".{path.name}.tmp")

    def __enter__(self) -> _Writer:
        self.f = self.tmp.open("w", encoding="utf-8")
        return self

    def write(self, text: str) -> None:
        self.f.write(json.dumps({"text": text}, ensure_ascii=False) + "\n")

    def __exit__(self, exc_type, *_: Any) -> None:
        self.f.close()
        if exc_type is None:
            os.replace(self.tmp, self.path)
        else:
            self.tmp.unlink(missing_ok=True)


def _read_jsonl(path: Path) -> Iterator[str]:
    with path.open(encoding="utf-8") as f:
        for line in f:
            yield json.loads(line)["text"]
