"""The output folder of an audit: where it is, what run it holds, and who is writing it.

Three rules keep a run's results from being lost without a word:

* **A default that cannot collide.** Without ``--output-dir`` an audit writes to
  ``runs/<model>-<UTC date and time>`` (:func:`default_output_dir`), so auditing
  ``m1/final`` and then ``m2/final`` gives two folders, not one overwritten folder.
* **One run per folder.** A folder's run is what its ``results.json`` (a finished run)
  or its journal's ``run.json`` (an unfinished one) records: the model (name, weight
  hash, dtype, prefix token), the audit's settings and every benchmark's version and
  settings, the same things the journal keys its chunks by. An audit whose run is the
  same resumes or re-runs there; any other run is refused before the model is loaded
  (the weight hash is compared once it is), unless ``--overwrite`` is given, which
  removes the other run's ``results.json``, ``samples_*.jsonl``, ``report.html`` and
  journal first, so nothing stale stays beside the new results.
* **One writer per folder.** The audit holds ``<folder>/.fairlm.lock``
  (:class:`fairlm._io.FileLock`: ``flock`` plus the holder's pid) from before the model
  loads until its files are written; a second audit into the same folder stops with a
  message naming the first one's pid. A lock left by a killed run is free (the kernel
  released it) and is taken over, with a message.
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import json
import re
import shutil
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from fairlm._io import FileLock, LockHeld, ensure_dir
from fairlm.benchmarks._journal import JOURNAL_DIR, read_run_record
from fairlm.errors import FairlmError, OutputError

__all__ = [
    "LOCK_FILE",
    "OutputFolder",
    "default_output_dir",
    "model_label",
    "run_record",
]

LOCK_FILE = ".fairlm.lock"
MODEL_KEYS = ("name", "hash", "dtype", "prefix_token")


def model_label(model: str) -> str:
    """A folder-name-safe label for a model: ``smollm2-135m``; the last two parts of a
    path or hub id (``models/m1/final`` -> ``m1-final``, ``org/name.gguf`` ->
    ``org-name``), other characters replaced by ``-``, at most 64 characters."""
    parts = [p for p in re.split(r"[\\/]+", str(model)) if p not in ("", ".", "..", "~")]
    if parts and parts[-1].lower().endswith(".gguf"):
        parts[-1] = parts[-1][: -len(".gguf")]
    label = re.sub(r"[^A-Za-z0-9._+-]+", "-", "-".join(parts[-2:]))
    label = label.strip("-.")[:64].strip("-.")
    return label or "model"


def default_output_dir(model: str, now: _dt.datetime | None = None) -> Path:
    """``runs/<model label>-<UTC date-time>``, e.g. ``runs/smollm2-135m-20261206T130045Z``."""
    now = now or _dt.datetime.now(_dt.UTC)
    return Path("runs") / f"{model_label(model)}-{now.astimezone(_dt.UTC):%Y%m%dT%H%M%SZ}"


def run_record(
    model: dict[str, Any], config: dict[str, Any], benchmarks: Sequence[Any]
) -> dict[str, Any]:
    """What makes a run this run: the model, the audit's recorded settings and each
    benchmark's version and settings (JSON-normalised, as results.json holds them)."""
    record = {
        "model": {k: model.get(k) for k in MODEL_KEYS},
        "config": config,
        "benchmarks": {b.name: {"version": b.version, "config": b.config()} for b in benchmarks},
    }
    return json.loads(json.dumps(record, default=str))


def _record_of_results(results: dict[str, Any]) -> dict[str, Any]:
    model = results.get("model") if isinstance(results.get("model"), dict) else {}
    benches = results.get("benchmarks") if isinstance(results.get("benchmarks"), dict) else {}
    return {
        "model": {k: model.get(k) for k in MODEL_KEYS},
        "config": results.get("config"),
        "benchmarks": {
            name: {"version": b.get("version"), "config": b.get("config")}
            for name, b in benches.items()
            if isinstance(b, dict)
        },
    }


def _short(value: Any) -> str:
    if isinstance(value, list | tuple):
        return ",".join(map(str, value)) or "none"
    text = json.dumps(value, default=str) if isinstance(value, dict) else str(value)
    return text if len(text) <= 40 else text[:37] + "..."


def differences(old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    """What differs between two run records, in words (``model: m1 -> m2``). Model
    fields missing from ``new`` (None: not known before the model is loaded) are not
    compared."""
    out = []
    old_model, new_model = old.get("model") or {}, new.get("model") or {}
    for key in MODEL_KEYS:
        a, b = old_model.get(key), new_model.get(key)
        if b is not None and a != b:
            label = {"name": "model", "hash": "model weights (hash)"}.get(key, key)
            out.append(f"{label}: {_short(a)} -> {_short(b)}")
    old_config, new_config = old.get("config") or {}, new.get("config") or {}
    if not isinstance(old_config, dict):
        old_config = {}
    for key in dict.fromkeys([*new_config, *old_config]):
        if old_config.get(key) != new_config.get(key):
            out.append(f"{key}: {_short(old_config.get(key))} -> {_short(new_config.get(key))}")
    old_b, new_b = old.get("benchmarks") or {}, new.get("benchmarks") or {}
    if list(old_b) != list(new_b) and "benchmarks" not in new_config:
        out.append(f"benchmarks: {_short(list(old_b))} -> {_short(list(new_b))}")
    settings = []  # usually already said by the audit settings above
    for name in new_b:
        if name in old_b and old_b[name] != new_b[name]:
            a, b = old_b[name], new_b[name]
            if a.get("version") != b.get("version"):
                out.append(f"{name} version: {a.get('version')} -> {b.get('version')}")
            else:
                settings.append(f"{name} settings")
    return out or settings


class OutputFolder:
    """The folder an audit writes to, checked and locked for the duration of the run.

    ``open(planned)`` (before the model loads) creates and locks the folder and compares
    the run it holds with ``planned``; ``check_model(describe)`` compares the loaded
    model's identity; ``begin(record)`` clears another run's files (``overwrite``) and
    records this run; ``close()`` unlocks (and removes the folder if this audit created
    it and left nothing in it). Problems raise :class:`~fairlm.errors.FairlmError`.
    """

    def __init__(
        self, path: Path, *, overwrite: bool = False, log: Callable[[str], None] = print
    ) -> None:
        self.path = Path(path)
        self.overwrite = overwrite
        self.log = log
        self._lock = FileLock(self.path / LOCK_FILE)
        self._created = False
        self._held: dict[str, Any] | None = None  # the run the folder holds
        self._held_kind = ""  # "results" (finished) or "unfinished"
        self._replace = False

    # ------------------------------------------------------------------ before loading
    def open(self, planned: dict[str, Any]) -> None:
        self._created = ensure_dir(self.path, what="--output-dir")
        try:
            previous = self._lock.acquire()
        except LockHeld as exc:
            self._cleanup()
            h = exc.holder
            who = f"pid {h['pid']}" if h.get("pid") else "another process"
            if h.get("host"):
                who += f" on {h['host']}"
            since = f", since {h['started']}" if h.get("started") else ""
            raise OutputError(
                f"{self.path} is in use by another fairlm audit ({who}{since}); wait for it "
                "to finish, or choose another --output-dir"
            ) from None
        except BaseException:
            self._cleanup()
            raise
        if previous and previous.get("pid"):
            self.log(
                f"{self.path}: took over the lock left by pid {previous['pid']}"
                f"{' (started ' + previous['started'] + ')' if previous.get('started') else ''}"
                ", which is no longer running"
            )
        try:
            self._read_held()
            self._compare(planned)
        except BaseException:
            self.close()
            raise

    def _read_held(self) -> None:
        results = self.path / "results.json"
        if results.exists():
            try:
                doc = json.loads(results.read_text(encoding="utf-8"))
                if not isinstance(doc, dict):
                    raise ValueError("not a JSON object")
            except (OSError, ValueError) as exc:
                if not self.overwrite:
                    raise FairlmError(
                        f"{self.path} holds a results.json that fairlm cannot read ({exc}); "
                        "choose another --output-dir, or pass --overwrite to replace it"
                    ) from None
                self._replace = True
                return
            self._held, self._held_kind = _record_of_results(doc), "results"
            return
        record = read_run_record(self.path)
        if record is not None:
            self._held, self._held_kind = record, "unfinished"
            return
        samples = sorted(p.name for p in self.path.glob("samples_*.jsonl"))
        if samples and not (self.path / JOURNAL_DIR).is_dir():
            if not self.overwrite:
                raise FairlmError(
                    f"{self.path} holds {', '.join(samples[:3])}"
                    f"{' and more' if len(samples) > 3 else ''} but no results.json (from an "
                    "unknown run); choose another --output-dir, or pass --overwrite to "
                    "replace them"
                )
            self._replace = True

    def _compare(self, planned: dict[str, Any]) -> None:
        if self._held is None:
            return
        diffs = differences(self._held, planned)
        if diffs:
            self._refuse(diffs)

    def _refuse(self, diffs: list[str]) -> None:
        if self.overwrite:
            self._replace = True
            return
        shown = "; ".join(diffs[:4]) + ("; ..." if len(diffs) > 4 else "")
        if self._held_kind == "unfinished":
            raise FairlmError(
                f"{self.path} holds an unfinished audit of another run ({shown}); rerun "
                "that audit to finish it, choose another --output-dir, or pass --overwrite "
                "to discard it"
            )
        only_benchmarks = all(d.startswith("benchmarks:") for d in diffs)
        hint = (
            f" (to keep both, audit into another folder: fairlm report {self.path} OTHER "
            "shows them side by side)"
            if only_benchmarks
            else ""
        )
        raise FairlmError(
            f"{self.path} holds the results of another run ({shown}); choose another "
            f"--output-dir{hint}, or pass --overwrite to replace them"
        )

    # ------------------------------------------------------------------- after loading
    def check_model(self, model: dict[str, Any]) -> None:
        """Compare the loaded model (weight hash, dtype, prefix token) with the run the
        folder holds."""
        if self._held is None or self._replace:
            return
        diffs = differences(
            {"model": self._held.get("model") or {}},
            {"model": {k: model.get(k) for k in MODEL_KEYS}},
        )
        if diffs:
            self._refuse(diffs)

    def begin(self, record: dict[str, Any]) -> None:
        """Remove another run's files (when replacing it) and record this run."""
        from fairlm.benchmarks._journal import write_run_record

        if self._replace:
            what = self._describe_held()
            for p in [self.path / "results.json", self.path / "report.html"]:
                p.unlink(missing_ok=True)
            for p in self.path.glob("samples_*.jsonl"):
                p.unlink(missing_ok=True)
            shutil.rmtree(self.path / JOURNAL_DIR, ignore_errors=True)
            self.log(f"--overwrite: removed the results of the previous run in {self.path}{what}")
        write_run_record(self.path, record)

    def _describe_held(self) -> str:
        if not self._held:
            return ""
        model = (self._held.get("model") or {}).get("name")
        benches = ",".join(self._held.get("benchmarks") or {})
        return f" (model {model}, {benches})" if model and benches else ""

    # -------------------------------------------------------------------------- close
    def close(self) -> None:
        self._lock.release()
        self._cleanup()

    def _cleanup(self) -> None:
        """Remove the folder if this audit created it and nothing was written."""
        if self._created:
            with contextlib.suppress(OSError):
                self.path.rmdir()
