"""Run benchmarks on a model and write ``results.json`` plus per-example samples.

:func:`audit` is the whole workflow (``fairlm audit``): build the benchmarks of an
:class:`~fairlm.benchmarks.AuditConfig`, load its model, :func:`run_audit`, write the
HTML report.
"""

from __future__ import annotations

import datetime as _dt
import inspect
import json
import os
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fairlm import __version__
from fairlm._environment import environment
from fairlm._io import atomic_write_json, write_jsonl
from fairlm._progress import progress_bar
from fairlm._text import near_tie_text, terminal_text
from fairlm.benchmarks._base import Benchmark
from fairlm.benchmarks._config import AuditConfig
from fairlm.benchmarks._journal import Journal, chunk_keys, remove_run_record, run_identity
from fairlm.benchmarks._output import OutputFolder, run_record
from fairlm.benchmarks._workers import Workers, workers_from_env
from fairlm.errors import FairlmError

__all__ = [
    "SCHEMA_VERSION",
    "audit",
    "build_benchmarks",
    "default_chunk_size",
    "run_audit",
    "format_summary",
]

SCHEMA_VERSION = 1


def audit(config: AuditConfig, *, log: Callable[[str], None] = print) -> dict[str, Any]:
    """Run the benchmarks of ``config`` on its model; return the results dictionary.

    Writes ``results.json`` and ``samples_<benchmark>.jsonl`` to
    ``config.output_path()`` (see :func:`run_audit`) and, unless ``config.report`` is
    off, the HTML report ``report.html`` beside them. Every benchmark's data is read
    and the output folder checked and locked before the model is loaded, so a missing
    data set or an unusable folder fails fast. A folder holding another run's results
    is refused unless ``config.overwrite`` (see :mod:`fairlm.benchmarks._output`).
    Under ``accelerate launch`` each process takes one device and a share of the work;
    only the main process returns the results (the others ``{}``).

    >>> audit(AuditConfig(benchmarks="crows_pairs", limit=100))  # doctest: +SKIP
    """
    names = config.names()
    benches = build_benchmarks(
        names, per_benchmark=dict(config.benchmark_args), **config.shared_options()
    )
    for bench in benches:  # fail on missing data before loading the model
        _examples(bench, user_options=bool(config.benchmark_args.get(bench.name)))
    workers = workers_from_env()
    say = log if workers.is_main else (lambda _m: None)
    out = config.output_path()
    if workers.world > 1 and not config.output_dir:
        out = Path(workers.gather(str(out))[0])  # the main process's folder, for everyone
    folder = OutputFolder(out, overwrite=config.overwrite, log=say)
    recorded = config.recorded()
    planned = run_record({"name": str(config.model)}, recorded, benches)
    _on_main(workers, lambda: folder.open(planned))
    try:
        if not config.output_dir:
            say(f"writing to {out}")
        device = config.device
        if workers.world > 1 and device is None and workers.device.type != "cpu":
            device = str(workers.device)  # one GPU per process
        say(f"loading {config.model} ({config.dtype})")
        lm = config.load_model(device=device)
        model = lm.describe()
        _on_main(workers, lambda: folder.check_model(model))
        _on_main(workers, lambda: folder.begin(run_record(model, recorded, benches)))
        results = run_audit(
            lm,
            benches,
            output_dir=out,
            progress=config.progress,
            log=log,
            chunk_size=config.checkpoint_every,
            resume=config.resume,
            workers=workers,
            extra_config=recorded,
        )
        if results and config.report:
            from fairlm.report import write_report

            write_report([out], out / "report.html")
        workers.close()  # every process waits for the main one's files, then exits cleanly
    finally:
        if workers.is_main:
            folder.close()
    return results


def _examples(bench: Benchmark, *, user_options: bool) -> None:
    """Read a benchmark's examples; a bad value of an option the user set
    (``--benchmark-arg``) that only the data reader can judge is their error, not a bug."""
    try:
        bench.examples()
    except (ValueError, TypeError) as exc:
        if not user_options or isinstance(exc, FairlmError):
            raise
        raise FairlmError(f"{bench.name}: {exc}") from None


def _on_main(workers: Workers, step: Callable[[], None]) -> None:
    """Run ``step`` on the main process; under several processes, every process raises
    the main process's error (so none waits for the others forever)."""
    error = ""
    try:
        if workers.is_main:
            step()
    except FairlmError as exc:
        if workers.world == 1:
            raise
        error = str(exc)
    if workers.world > 1:
        error = workers.gather(error)[0]
        if error:
            raise FairlmError(error)


def build_benchmarks(
    names: Sequence[str],
    per_benchmark: dict[str, dict[str, Any]] | None = None,
    **options: Any,
) -> list[Benchmark]:
    """Instantiate benchmarks by name, passing each only the shared options it accepts,
    plus its own ``per_benchmark[name]`` options."""
    from fairlm.benchmarks import BENCHMARKS

    out = []
    for name in names:
        cls = BENCHMARKS.get(name)
        accepted = set(inspect.signature(Benchmark.__init__).parameters)
        accepted |= set(inspect.signature(cls.__init__).parameters)
        kwargs = {k: v for k, v in options.items() if k in accepted}
        own = (per_benchmark or {}).get(name, {})
        for key, value in own.items():
            _check_option(cls, name, key, value)
        kwargs.update(own)
        try:
            out.append(cls(**kwargs))
        except (ValueError, TypeError) as exc:
            raise FairlmError(f"{name}: {exc}") from None
    return out


def _check_option(cls: type, name: str, key: str, value: Any) -> None:
    """A benchmark option's value against its annotation (``Literal`` choices, a number,
    a switch), so that a bad ``--benchmark-arg`` fails before the model loads rather than
    deep inside the data reader or the scorer."""
    import typing

    from fairlm._config import literal_choices

    try:
        hint = typing.get_type_hints(cls.__init__).get(key)
    except Exception:  # noqa: BLE001 - an annotation that cannot be resolved: no check
        return
    if hint is None or value is None and _allows_none(hint):
        return
    choices = literal_choices(hint)
    if choices is not None:
        if value not in choices:
            shown = ", ".join(map(str, choices))
            raise FairlmError(f"{name}: {key} must be one of {shown}, not {value!r}")
        return
    base = _without_none(hint)
    ok = {
        bool: lambda v: isinstance(v, bool),
        int: lambda v: isinstance(v, int) and not isinstance(v, bool),
        float: lambda v: isinstance(v, int | float) and not isinstance(v, bool),
        str: lambda v: isinstance(v, str),
    }.get(base)
    if ok is not None and not ok(value):
        what = {bool: "true or false", int: "a whole number", float: "a number", str: "text"}
        raise FairlmError(f"{name}: {key} must be {what[base]}, not {value!r}")


def _allows_none(hint: Any) -> bool:
    import typing

    return type(None) in typing.get_args(hint)


def _without_none(hint: Any) -> Any:
    import typing

    args = [a for a in typing.get_args(hint) if a is not type(None)]
    return args[0] if len(args) == 1 and _allows_none(hint) else hint


def default_chunk_size(bench: Benchmark, n_examples: int, processes: int = 1) -> int:
    """The benchmark's ``checkpoint_every``, but at least one chunk per process (or the
    others would sit idle)."""
    return max(1, min(bench.checkpoint_every, -(-n_examples // max(processes, 1))))


def run_audit(
    lm: Any,
    benchmarks: Sequence[Benchmark],
    *,
    output_dir: str | Path,
    progress: bool = True,
    log: Callable[[str], None] = print,
    extra_config: dict[str, Any] | None = None,
    chunk_size: int | None = None,
    resume: bool = True,
    workers: Workers | None = None,
) -> dict[str, Any]:
    """Score every benchmark, write the files, and return the results dictionary.

    Files in ``output_dir``: ``samples_<benchmark>.jsonl`` (one row per example) and
    ``results.json`` (schema version :data:`SCHEMA_VERSION`), both written atomically.

    Examples are scored in fixed chunks of ``chunk_size`` (default: each benchmark's
    ``checkpoint_every``, 2,048 examples for the scoring benchmarks, fewer for
    generation, and small enough to give every process a chunk); the engine scores a
    chunk as one set, and each finished chunk is appended
    durably to a journal in ``output_dir/.journal`` (see :mod:`fairlm.benchmarks._journal`).
    With ``resume`` (the default) chunks already in the journal for the same model and
    settings are not scored again, so re-running a killed audit continues where it
    stopped and gives the same numbers. The journal is removed once results are written.

    Under ``accelerate launch`` (``workers`` from :func:`workers_from_env`) each process
    scores a share of the chunks; the main process gathers the rows and writes the files.
    Only the main process returns the full results; the others return ``{}``.
    """
    if chunk_size is not None and chunk_size < 1:
        raise ValueError("chunk_size must be at least 1")
    workers = workers or Workers()
    out = Path(output_dir)
    if workers.is_main:
        out.mkdir(parents=True, exist_ok=True)
    workers.barrier()
    started = time.perf_counter()
    model = lm.describe()
    results: dict[str, Any] = {
        "schema_version": SCHEMA_VERSION,
        "fairlm_version": __version__,
        "created": _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds"),
        "model": model,
        "config": dict(extra_config or {}),
        "environment": {**environment(), "processes": workers.world},
        "benchmarks": {},
    }
    say = log if workers.is_main else (lambda _m: None)
    journals = []
    for bench in benchmarks:
        scored = _score(lm, bench, model, out, chunk_size, resume, workers, progress, say)
        journals.append(scored.journal)
        if workers.is_main:
            results["benchmarks"][bench.name] = _summarize(bench, scored, out, say)
    for journal in journals:
        journal.close()
    workers.barrier()
    if not workers.is_main:
        return {}
    results["timing"] = {"total_s": round(time.perf_counter() - started, 3)}
    atomic_write_json(out / "results.json", results)
    for journal in journals:
        journal.remove()
    remove_run_record(out)
    return results


@dataclass
class _Scored:
    """One benchmark's rows (all of them on the main process, none on the others), the
    journal they went through, the scoring time and how many came from an earlier run."""

    journal: Journal
    rows: list[dict]
    seconds: float
    resumed: int


def _score(lm, bench, model, out, chunk_size, resume, workers, progress, say) -> _Scored:
    """Score the chunks of ``bench`` that the journal lacks, this process's share of them."""
    say(f"[{bench.name}] loading examples")
    examples = bench.examples()
    ids = [str(e.id) for e in examples]
    size = chunk_size or default_chunk_size(bench, len(examples), workers.world)
    keys = chunk_keys(run_identity(model, bench), ids, size)
    journal = Journal(out, bench.name, workers.rank)
    done = journal.load(keys) if resume else {}
    workers.barrier()  # every process has read the journal before anyone appends
    todo = workers.share([i for i in range(len(keys)) if i not in done])
    resumed = sum(len(r) for r in done.values())
    if done:
        say(f"[{bench.name}] resuming: {resumed} of {len(examples)} examples already scored")
    bar = progress_bar(
        total=len(examples),
        initial=resumed,
        desc=bench.name,
        unit="ex",
        leave=False,
        enabled=progress and workers.is_main,
    )
    t0 = time.perf_counter()
    mine: dict[int, list[dict]] = {}
    for i in todo:
        chunk = examples[i * size : (i + 1) * size]
        rows = bench.score(lm, chunk, progress=False)
        # rows go through JSON whether they are resumed, gathered or fresh, so every
        # path gives the same numbers
        rows = json.loads(json.dumps(rows))
        journal.append(keys[i], i, rows)
        mine[i] = rows
        bar.update(len(chunk) * workers.world)
        _test_delay()
    bar.close()
    for part in workers.gather({str(i): r for i, r in mine.items()}):
        done.update({int(i): r for i, r in part.items()})
    rows = [row for i in range(len(keys)) for row in done[i]] if workers.is_main else []
    return _Scored(journal, rows, time.perf_counter() - t0, resumed)


def _summarize(bench: Benchmark, scored: _Scored, out: Path, say) -> dict[str, Any]:
    """Write the samples file of one benchmark and return its entry of results.json."""
    t1 = time.perf_counter()
    rows = scored.rows
    summary = bench.summarize(rows)
    summary_s = time.perf_counter() - t1
    write_jsonl(out / f"samples_{bench.name}.jsonl", rows)
    ties = bench.near_ties(rows)
    seconds = scored.seconds
    head = summary.get(summary.headline)
    say(
        f"[{bench.name}] {len(rows)} examples in {seconds:.1f} s; "
        f"{head.metric} = {_fmt(head.value)} {_ci(head)}"
    )
    if ties and ties["count"]:
        say(f"[{bench.name}] {near_tie_text(ties)}")
    if not bench.commercial_use_ok:
        say(
            f"[{bench.name}] note: the {bench.dataset} data is licensed {bench.license}: "
            "non-commercial use only"
        )
    return {
        **bench.metadata(),
        "config": bench.config(),
        "n_examples": len(rows),
        "summary": summary.to_dict(),
        **({"near_ties": ties} if ties is not None else {}),
        "timing": {
            "scoring_s": round(seconds, 3),
            "summary_s": round(summary_s, 3),
            "examples_per_s": round(len(rows) / seconds, 3) if seconds > 0 else None,
            "resumed_examples": scored.resumed,
        },
    }


def _test_delay() -> None:
    # The crash/resume test slows scoring down so that it can kill a run part-way.
    delay = os.environ.get("FAIRLM_TEST_CHUNK_DELAY")
    if delay:
        time.sleep(float(delay))


def _fmt(v: float | None, digits: int = 2) -> str:
    return "n/a" if v is None else f"{v:.{digits}f}"


def _ci(f: Any) -> str:
    lo = f["ci_low"] if isinstance(f, dict) else f.ci_low
    hi = f["ci_high"] if isinstance(f, dict) else f.ci_high
    return "" if lo is None or hi is None else f"[{lo:.2f}, {hi:.2f}]"


def format_summary(results: dict[str, Any], *, all_groups: bool = True) -> str:
    """A plain-text table of every figure in a results dictionary, then the licences
    that come with the model and the data (where the results name them)."""
    model = results["model"]
    lines = [
        f"model: {terminal_text(model['name'])}  dtype: {model['dtype']}  "
        f"prefix token: {terminal_text(repr(model['prefix_token']))}"
    ]
    rows = [
        # group names come from the data: no control characters reach the terminal
        (name, terminal_text(f["metric"]), terminal_text(f["group"]), _fmt(f["value"]), _ci(f),
         "" if f.get("n") is None else str(f["n"]))
        for name, b in results["benchmarks"].items()
        for f in b["summary"]["figures"]
        if all_groups or f["group"] == "overall"
    ]  # fmt: skip
    head = ("benchmark", "metric", "group", "value", "95% CI", "n")
    widths = [max([w, *(len(r[i]) for r in rows)]) for i, w in enumerate((14, 30, 22, 8, 18, 6))]
    left = (True, True, True, False, True, False)
    for row in [head, *rows]:
        cells = [
            c.ljust(w) if lj else c.rjust(w) for c, w, lj in zip(row, widths, left, strict=True)
        ]
        lines.append(" ".join(cells[:4]) + "  " + " ".join(cells[4:]))
        if row is head:
            lines.append("-" * len(lines[-1]))
    return "\n".join(lines + _licence_lines(results))


def _licence_terms(licence: str) -> str:
    """What a Creative Commons licence asks beyond attribution, in words."""
    terms = [word for code, word in (("-NC", "non-commercial"), ("-SA", "share-alike"))
             if code in licence.upper()]  # fmt: skip
    return f" ({', '.join(terms)})" if terms else ""


def _licence_lines(results: dict[str, Any]) -> list[str]:
    """The model's terms (where it has its own) and each data licence with the benchmarks
    under it."""
    lines = []
    note = results["model"].get("license_note")
    if note:
        lines.append(f"model licence: {terminal_text(note)}")
    by_licence: dict[str, list[str]] = {}
    for name, b in results["benchmarks"].items():
        if b.get("license"):
            by_licence.setdefault(b["license"], []).append(name)
    if by_licence:
        held = "; ".join(
            f"{lic}{_licence_terms(lic)}: {', '.join(names)}" for lic, names in by_licence.items()
        )
        lines.append(f"data licences: {terminal_text(held)}")
    return lines
