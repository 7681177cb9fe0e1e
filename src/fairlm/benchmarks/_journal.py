"""A durable log of scored examples, so that an interrupted audit resumes where it stopped.

``fairlm audit`` scores each benchmark in fixed chunks of examples (chunk ``i`` is
examples ``[i*C, (i+1)*C)`` of the benchmark's example list). When a chunk is done its
rows are appended to ``<output-dir>/.journal/<benchmark>.rank<R>.jsonl`` as one JSON line,
flushed and fsynced, so a crash loses at most the chunk in progress.

Every line carries a key: a digest of the model's identity (name, weight hash, dtype,
prefix token), the benchmark's name, scoring version and row-affecting settings, and the
ids of the chunk's examples. On a re-run, lines whose key matches the chunk the run is
about to score are reused; anything else (another model, another version, a changed
``--limit``, a line cut short by the crash) is ignored. Chunk boundaries are fixed, so a
resumed run scores exactly the same batches as an uninterrupted one and gives identical
numbers.

Beside the chunk logs, ``run.json`` records what the unfinished run is (model, settings,
benchmarks), so that another run pointed at the same folder is refused rather than
mixed in (see :mod:`fairlm.benchmarks._output`). Everything is deleted once
``results.json`` is written.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

__all__ = [
    "JOURNAL_DIR",
    "Journal",
    "chunk_keys",
    "read_run_record",
    "remove_run_record",
    "run_identity",
    "write_run_record",
]

JOURNAL_DIR = ".journal"
RUN_RECORD = "run.json"


def write_run_record(output_dir: str | os.PathLike[str], record: dict[str, Any]) -> None:
    """Record what the run now writing into ``output_dir`` is (durably)."""
    from fairlm._io import atomic_write_json

    atomic_write_json(Path(output_dir) / JOURNAL_DIR / RUN_RECORD, record)


def read_run_record(output_dir: str | os.PathLike[str]) -> dict[str, Any] | None:
    """The record of an unfinished run in ``output_dir``; None if there is none (or it
    cannot be read: an older fairlm's journal, whose chunk keys still protect it)."""
    try:
        text = (Path(output_dir) / JOURNAL_DIR / RUN_RECORD).read_text(encoding="utf-8")
        record = json.loads(text)
    except (OSError, ValueError):
        return None
    return record if isinstance(record, dict) else None


def remove_run_record(output_dir: str | os.PathLike[str]) -> None:
    """Delete the run record, and the journal folder if nothing else is left in it."""
    folder = Path(output_dir) / JOURNAL_DIR
    (folder / RUN_RECORD).unlink(missing_ok=True)
    with contextlib.suppress(OSError):
        folder.rmdir()


def run_identity(model: dict[str, Any], bench: Any) -> dict[str, Any]:
    """What a row depends on: the model and the benchmark's scoring settings."""
    # the whole config: some benchmarks (SEAT) compute per-row intervals while scoring
    return {
        "model": {k: model.get(k) for k in ("name", "hash", "dtype", "prefix_token")},
        "benchmark": bench.name,
        "version": bench.version,
        "config": bench.config(),
    }


def chunk_keys(identity: dict[str, Any], ids: Sequence[str], chunk_size: int) -> list[str]:
    """One key per chunk of ``ids``: identity + the chunk's example ids."""
    base = json.dumps(identity, sort_keys=True, default=str)
    keys = []
    for start in range(0, len(ids), chunk_size):
        h = hashlib.sha256(base.encode())
        for i in ids[start : start + chunk_size]:
            h.update(b"\0" + str(i).encode())
        keys.append(h.hexdigest()[:32])
    return keys


class Journal:
    """Append-only chunk log of one benchmark in one output directory."""

    def __init__(self, output_dir: str | os.PathLike[str], benchmark: str, rank: int = 0):
        self.dir = Path(output_dir) / JOURNAL_DIR
        self.benchmark = benchmark
        self.rank = rank
        self._fh = None

    @property
    def path(self) -> Path:
        return self.dir / f"{self.benchmark}.rank{self.rank}.jsonl"

    def _files(self) -> list[Path]:
        if not self.dir.is_dir():
            return []
        return sorted(self.dir.glob(f"{self.benchmark}.rank*.jsonl"))

    def load(self, keys: Sequence[str]) -> dict[int, list[dict]]:
        """Rows of the chunks already done, by chunk index (from every rank's file)."""
        wanted = {k: i for i, k in enumerate(keys)}
        done: dict[int, list[dict]] = {}
        for path in self._files():
            with open(path, encoding="utf-8", errors="replace") as f:
                for line in f:
                    try:
                        rec = json.loads(line)
                    except json.JSONDecodeError:
                        continue  # the line a crash cut short
                    if not isinstance(rec, dict):
                        continue
                    idx = wanted.get(rec.get("key"))
                    if (
                        idx is not None
                        and rec.get("chunk") == idx
                        and isinstance(rec.get("rows"), list)
                    ):
                        done[idx] = rec["rows"]
        return done

    def append(self, key: str, index: int, rows: list[dict]) -> None:
        """Write one finished chunk durably (flush + fsync)."""
        if self._fh is None:
            self.dir.mkdir(parents=True, exist_ok=True)
            self._fh = open(self.path, "a", encoding="utf-8")  # noqa: SIM115
            if self._fh.tell() > 0:
                self._fh.write("\n")  # end a line a crash may have cut short
        self._fh.write(json.dumps({"key": key, "chunk": index, "rows": rows}) + "\n")
        self._fh.flush()
        os.fsync(self._fh.fileno())

    def close(self) -> None:
        if self._fh is not None:
            self._fh.close()
            self._fh = None

    def remove(self) -> None:
        """Delete this benchmark's journal files (every rank's), once results are written."""
        self.close()
        for path in self._files():
            path.unlink(missing_ok=True)
        with contextlib.suppress(OSError):  # other benchmarks' journals are still there
            self.dir.rmdir()
