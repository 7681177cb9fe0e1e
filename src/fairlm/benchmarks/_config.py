"""What an audit does: :class:`AuditConfig`, the options of ``fairlm audit`` and of
:func:`fairlm.benchmarks.audit`. No heavy imports, so ``fairlm audit --help`` is instant."""

from __future__ import annotations

import inspect
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from fairlm._config import comma_list, option
from fairlm._registry import unknown_name_message
from fairlm.errors import FairlmError
from fairlm.models._options import ModelOptions

__all__ = ["AuditConfig", "parse_benchmark_args"]

BenchmarkArgs = Mapping[str, Mapping[str, Any]] | Sequence[str]


@dataclass(kw_only=True)
class AuditConfig(ModelOptions):
    """Which benchmarks to run on which model, and where the results go.

    Flags follow lm-evaluation-harness where they can (``--tasks``, ``--output-path``,
    ``--limit``, ``--batch-size``, ``--seed``).

    >>> AuditConfig(benchmarks="crows_pairs,bbq", limit=100).names()
    ['crows_pairs', 'bbq']
    """

    benchmarks: Sequence[str] = option(
        ("all",),
        aliases=("--tasks",),
        parse=comma_list,
        help="comma-separated benchmark names, or 'all' (default); 'list' lists them",
    )
    limit: int | None = option(
        None, minimum=1, help="score at most N examples per benchmark (a seeded sample)"
    )
    seed: int = option(0, minimum=0, help="seed for sampling and bootstrap")
    bootstrap: int = option(
        1000, minimum=0, help="bootstrap resamples for confidence intervals (default 1000)"
    )
    confidence: float = option(0.95, help="confidence level of the intervals (default 0.95)")
    protocol: Literal["bias-bench", "lm-eval"] | None = option(
        None,
        help="sentence scoring protocol for crows_pairs, stereoset and winobias: "
        "bias-bench or lm-eval (default: each benchmark's own, bias-bench)",
    )
    chat: Literal["auto", "on", "off"] = option(
        "auto",
        help="ask the assistant benchmarks (decisions, bbq_chat, stereotype_agreement, "
        "counterfactual_answers, discrim_eval) through the model's chat template: auto "
        "(default: when the model has one), on (required), off (plain prompts)",
    )
    data_dir: str | None = option(
        None, help="benchmark data folder (default: $FAIRLM_DATA_DIR, then the cache)"
    )
    output_dir: str | None = option(
        None,
        aliases=("--output-path",),
        help="where to write results (default: runs/<model>-<UTC date-time>, a new folder); "
        "a folder holding another run's results is refused unless --overwrite",
    )
    overwrite: bool = option(
        False,
        help="replace the results of another run (another model, other benchmarks or "
        "settings) in --output-dir; without it such a folder is refused",
    )
    benchmark_args: BenchmarkArgs = option(
        (),
        flag="--benchmark-arg",
        aliases=("--task-arg",),
        append=True,
        metavar="NAME.KEY=VALUE",
        help="an option of one benchmark, e.g. bbq.categories=Age,Religion, "
        "winobias.split=test, holistic_bias.limit=400 (repeatable; values are JSON or text)",
    )
    checkpoint_every: int | None = option(
        None,
        minimum=1,
        metavar="N",
        help="save scored examples durably every N examples (default: 2048, BOLD 512); "
        "a re-run of a killed audit resumes from there",
    )
    resume: bool = option(
        True,
        help="score everything again even if an interrupted run left results in --output-dir",
    )
    report: bool = option(
        True, help="do not write report.html (the HTML fairness report) next to results.json"
    )
    progress: bool = option(True, aliases=("--quiet",), help="no progress bars")

    def __post_init__(self) -> None:
        super().__post_init__()
        self.benchmarks = comma_list(self.benchmarks)
        names = self.names()
        if not isinstance(self.benchmark_args, Mapping):
            self.benchmark_args = parse_benchmark_args(list(self.benchmark_args), names)

    def names(self) -> list[str]:
        """The benchmarks to run, by registry name (``all`` expanded: every registered
        benchmark but those whose data the user must supply, ``NOT_IN_ALL``)."""
        from fairlm.benchmarks import BENCHMARKS, NOT_IN_ALL

        if list(self.benchmarks) == ["all"]:
            return [n for n in BENCHMARKS.names() if n not in NOT_IN_ALL]
        for name in self.benchmarks:
            BENCHMARKS.get(name)  # raises with a did-you-mean hint
        return list(self.benchmarks)

    def output_path(self) -> Path:
        """``output_dir``, or a new folder ``runs/<model>-<UTC date-time>`` (chosen once
        per config, so every call gives the same folder)."""
        if self.output_dir:
            return Path(self.output_dir)
        if getattr(self, "_default_output", None) is None:
            from fairlm.benchmarks._output import default_output_dir

            self._default_output = default_output_dir(str(self.model))
        return self._default_output

    def shared_options(self) -> dict[str, Any]:
        """The options every benchmark is built with (each takes those it accepts)."""
        options: dict[str, Any] = {
            "data_dir": self.data_dir,
            "limit": self.limit,
            "seed": self.seed,
            "n_bootstrap": self.bootstrap,
            "confidence": self.confidence,
            "chat": self.chat,  # taken by the benchmarks whose __init__ accepts it
        }
        if self.protocol is not None:
            options["protocol"] = self.protocol
        return options

    def recorded(self) -> dict[str, Any]:
        """The ``config`` section of results.json (schema version 1)."""
        return {
            "benchmarks": self.names(),
            "limit": self.limit,
            "seed": self.seed,
            "bootstrap": self.bootstrap,
            "confidence": self.confidence,
            "dtype": self.dtype,
            "protocol": self.protocol,
            "chat": self.chat,
            "benchmark_args": self.benchmark_args,
        }


def parse_benchmark_args(specs: list[str], names: list[str]) -> dict[str, dict[str, Any]]:
    """``["bbq.categories=Age,Religion"]`` -> ``{"bbq": {"categories": ["Age", "Religion"]}}``.

    A value is read as JSON when it parses (numbers, true/false, lists), otherwise as
    text, and text with commas as a list of strings. Keys are checked against the
    benchmark's constructor, with a did-you-mean hint.
    """
    from fairlm.benchmarks import BENCHMARKS
    from fairlm.benchmarks._base import Benchmark

    out: dict[str, dict[str, Any]] = {}
    for spec in specs:
        target, eq, value = spec.partition("=")
        bench, dot, key = target.strip().partition(".")
        if not eq or not dot or not bench or not key:
            raise FairlmError(f"--benchmark-arg {spec!r}: expected NAME.KEY=VALUE")
        cls = BENCHMARKS.get(bench)
        if bench not in names:
            raise FairlmError(f"--benchmark-arg {spec!r}: {bench} is not among --benchmarks")
        # the benchmark's own options, and the shared ones it may override (a --limit of
        # its own, say), but not the data folder, which --data-dir sets for all
        shared = [p for p in inspect.signature(Benchmark.__init__).parameters if p != "self"]
        known = [
            p
            for p in (*inspect.signature(cls.__init__).parameters, *shared)
            if p not in ("self", "args", "kwargs", "data_dir")
        ]
        known = list(dict.fromkeys(known))
        if key not in known:
            raise FairlmError(unknown_name_message(f"option of {bench}", key, known or ["(none)"]))
        try:
            parsed: Any = json.loads(value)
        except json.JSONDecodeError:
            parsed = [v.strip() for v in value.split(",")] if "," in value else value
        out.setdefault(bench, {})[key] = parsed
    return out
