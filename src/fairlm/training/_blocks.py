"""Token datasets for the trainer: texts -> fixed-length blocks or one example per text.

``concat`` packs documents GPT-2 style (Radford et al., 2019): each text's tokens are
followed by the end-of-text token, everything is concatenated, and the stream is cut into
``block_size`` blocks (the short tail is dropped), so no compute goes on padding.
``per_text`` keeps each text as one example, cut at ``block_size`` tokens; use it where an
example's boundaries matter (a sentence and its label).

A corpus larger than memory is tokenised to a flat binary file with
:func:`write_token_file` and opened as a memory map with
:meth:`TokenBlocks.from_token_file`.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any, Literal

import numpy as np

from fairlm.training._errors import CorpusError

__all__ = ["TokenBlocks", "write_token_file"]

Mode = Literal["concat", "per_text"]
MODES = ("concat", "per_text")


class TokenBlocks:
    """A map-style dataset: ``ds[i] == {"input_ids": [...]}``.

    >>> ds = TokenBlocks.from_ids([[1, 2, 3], [4, 5]], block_size=2, eos_token_id=0)
    >>> [ds[i]["input_ids"] for i in range(len(ds))]
    [[1, 2], [3, 0], [4, 5]]
    """

    def __init__(self, tokens: np.ndarray, starts: np.ndarray, lengths: np.ndarray) -> None:
        self.tokens = tokens  # (N,) all token ids, flat
        self.starts = starts  # (n_examples,)
        self.lengths = lengths  # (n_examples,)

    # ---------------------------------------------------------------- builders
    @classmethod
    def from_ids(
        cls,
        ids: Iterable[Iterable[int]],
        *,
        block_size: int,
        mode: Mode = "concat",
        eos_token_id: int | None = None,
        min_length: int = 2,
    ) -> TokenBlocks:
        """Blocks from already tokenised texts (one list of ids per text)."""
        _check(block_size, mode)
        chunks: list[np.ndarray] = []
        lengths: list[int] = []
        for seq in ids:
            arr = np.asarray(list(seq), dtype=np.int64)
            if eos_token_id is not None and mode == "concat":
                arr = np.append(arr, eos_token_id)
            if mode == "per_text":
                arr = arr[:block_size]
                if len(arr) < min_length:
                    continue
            chunks.append(arr)
            lengths.append(len(arr))
        flat = np.concatenate(chunks) if chunks else np.zeros(0, dtype=np.int64)
        if mode == "concat":
            return cls._concat(flat, block_size)
        starts = np.concatenate([[0], np.cumsum(lengths)[:-1]]) if lengths else np.zeros(0)
        return cls(flat, starts.astype(np.int64), np.asarray(lengths, dtype=np.int64))

    @classmethod
    def from_texts(
        cls,
        texts: Iterable[str],
        tokenizer: Any,
        *,
        block_size: int = 128,
        mode: Mode = "concat",
        add_eos: bool = True,
        min_length: int = 2,
    ) -> TokenBlocks:
        """Tokenise ``texts`` with ``tokenizer`` (no special tokens added) and cut blocks."""
        _check(block_size, mode)
        eos = getattr(tokenizer, "eos_token_id", None) if add_eos else None
        ids = _encode_batches(texts, tokenizer)
        return cls.from_ids(
            ids, block_size=block_size, mode=mode, eos_token_id=eos, min_length=min_length
        )

    @classmethod
    def from_token_file(cls, path: str | os.PathLike[str], *, block_size: int) -> TokenBlocks:
        """Concatenated blocks over a file written by :func:`write_token_file` (memory-mapped)."""
        path = Path(path)
        meta = json.loads(Path(f"{path}.json").read_text(encoding="utf-8"))
        n = int(meta["n_tokens"])
        tokens = (
            np.memmap(path, dtype=np.dtype(meta["dtype"]), mode="r", shape=(n,))
            if n
            else np.zeros(0, dtype=np.int64)
        )
        return cls._concat(tokens, block_size)

    @classmethod
    def _concat(cls, flat: np.ndarray, block_size: int) -> TokenBlocks:
        n = len(flat) // block_size
        starts = np.arange(n, dtype=np.int64) * block_size
        return cls(flat, starts, np.full(n, block_size, dtype=np.int64))

    # ---------------------------------------------------------------- dataset
    def __len__(self) -> int:
        return len(self.starts)

    def __getitem__(self, i: int) -> dict[str, list[int]]:
        if not -len(self) <= i < len(self):
            raise IndexError(i)
        s, n = int(self.starts[i]), int(self.lengths[i])
        return {"input_ids": self.tokens[s : s + n].astype(np.int64).tolist()}

    @property
    def n_tokens(self) -> int:
        """Tokens inside the examples (padding excluded)."""
        return int(self.lengths.sum())


def write_token_file(
    texts: Iterable[str],
    tokenizer: Any,
    path: str | os.PathLike[str],
    *,
    add_eos: bool = True,
) -> int:
    """Tokenise a stream of texts into a flat binary file; return the number of tokens.

    Token ids are uint16 when the vocabulary fits, else uint32; ``PATH.json`` records the
    dtype and count. Memory use is one batch of texts, whatever the corpus size.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    dtype = np.uint16 if len(tokenizer) <= np.iinfo(np.uint16).max else np.uint32
    eos = getattr(tokenizer, "eos_token_id", None) if add_eos else None
    n = 0
    tmp = path.with_name(f".{path.name}.tmp")
    with tmp.open("wb") as f:
        for ids in _encode_batches(texts, tokenizer):
            if eos is not None:
                ids = [*ids, eos]
            np.asarray(ids, dtype=dtype).tofile(f)
            n += len(ids)
    os.replace(tmp, path)
    Path(f"{path}.json").write_text(json.dumps({"dtype": np.dtype(dtype).name, "n_tokens": n}))
    return n


def _encode_batches(texts: Iterable[str], tokenizer: Any, batch: int = 512):
    buf: list[str] = []
    for text in texts:
        buf.append(text)
        if len(buf) >= batch:
            yield from tokenizer(buf, add_special_tokens=False)["input_ids"]
            buf = []
    if buf:
        yield from tokenizer(buf, add_special_tokens=False)["input_ids"]


def _check(block_size: int, mode: str) -> None:
    if mode not in MODES:
        raise CorpusError(f"mode must be one of {', '.join(MODES)}, not {mode!r}")
    if block_size < 2:
        raise CorpusError(f"block_size must be at least 2, not {block_size}")
