"""``debias``: reduce a model's bias with one method, audit it before and after.

The output folder::

    DIR/model/            the debiased model (safetensors + tokenizer; loads with
                          fairlm.models.load_model and with plain transformers)
    DIR/before/           run_audit output of the original model (results.json, samples)
    DIR/after/            run_audit output of the debiased model
    DIR/train/            the trainer's checkpoints (a rerun resumes from the latest)
    DIR/data/             the train and held-out texts actually used
    DIR/comparison.json   every benchmark figure before and after with its CI, held-out
                          perplexity before and after with its CI, the capability guard
                          (TruthfulQA MC1/MC2 and XSTest refusal rates before and after,
                          each change with its interval, flagged when the model became
                          less truthful or less safe beyond it), and what the method
                          reports of itself (for adversarial, the probe accuracy before
                          and after)

Rerunning with the same config reuses a finished before-audit, resumes training from its
latest checkpoint and reuses an after-audit of the same saved model.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from fairlm._io import atomic_write_json, atomic_write_text
from fairlm.errors import FairlmError
from fairlm.mitigation._config import DebiasConfig
from fairlm.mitigation._evaluate import (
    before_prefix,
    cached_perplexity,
    compare_results,
    copy_baseline,
    heldout_perplexity,
    reuse_audit,
)
from fairlm.mitigation._guard import capability_guard
from fairlm.mitigation._method import DebiasData, DebiasRun, Fitted, Method

__all__ = ["COMPARISON_VERSION", "debias"]

COMPARISON_VERSION = 2  # 2: the capability guard (TruthfulQA, XSTest) and its flags


def debias(config: DebiasConfig, *, log: Callable[[str], None] = print) -> dict[str, Any]:
    """Make a less biased version of ``config.model`` with ``config.method``; measure both.

    The common loop around every method: split the corpus (a seeded
    ``heldout_fraction`` of the distinct texts, at most ``max_heldout``, is kept out to
    measure perplexity), audit the original model (or reuse ``baseline_dir``, a finished
    audit of the same model and benchmarks), let the method fit, audit the result,
    compare. Returns the comparison, also written to ``comparison.json`` (``{}`` on
    processes other than the main one under ``accelerate launch``).

    >>> config = DebiasConfig(method="cda", corpus=["bold:gender"], output_dir="runs/c")
    >>> comparison = debias(config)  # doctest: +SKIP
    """
    from accelerate import PartialState

    from fairlm.models import load_model

    method = config.method_object()
    state = PartialState()
    out = Path(config.output_dir)
    out.mkdir(parents=True, exist_ok=True)
    run = DebiasRun(config, out, log if state.is_main_process else _silent, state.is_main_process)
    data = _split_corpus(config, run)
    run.log(f"loading {config.model} ({config.dtype})")
    lm = load_model(
        config.model, dtype=config.dtype, device=config.device, prefix_token=config.prefix_token
    )
    audits = _Audits(config, method.name, run.log)
    if run.is_main:
        before, ppl_before = audits.before(lm, data.heldout, out / "before")
    state.wait_for_everyone()
    fitted = method.fit(lm, data, run)
    state.wait_for_everyone()
    del lm  # its weights may have been trained in place; the saved model is loaded below
    if not run.is_main:
        return {}
    lm_after = fitted.lm or load_model(
        fitted.model_dir, dtype=config.dtype, device=config.device, prefix_token=before_prefix(out)
    )
    after = audits.after(lm_after, out / "after")
    ppl_after = heldout_perplexity(
        lm_after, data.heldout, n_bootstrap=config.bootstrap, seed=config.seed
    )
    run.log(f"after: held-out perplexity {_fmt_ci(ppl_after)}")
    comparison = {
        "comparison_version": COMPARISON_VERSION,
        "method": method.name,
        "base_model": str(config.model),
        "model_dir": str(fitted.model_dir),
        "before_dir": str(out / "before"),
        "after_dir": str(out / "after"),
        "settings": _settings(config, method, fitted, data, lm_after, audits.recorded()),
        "training": fitted.training,
        "perplexity": {
            "before": ppl_before,
            "after": ppl_after,
            "relative_change": ppl_after["value"] / ppl_before["value"] - 1.0,
        },
        **({method.name: fitted.details} if fitted.details else {}),
        "benchmarks": compare_results(before, after),
        "guard": capability_guard(before, after),
    }
    atomic_write_json(out / "comparison.json", comparison)
    for flag in comparison["guard"]["flags"]:
        run.log(f"capability guard: {flag}")
    run.log(f"comparison: {out / 'comparison.json'}")
    if config.report:
        from fairlm.report import write_report

        html = write_report(
            [out / "before", out / "after"],
            out / "report.html",
            title=f"fairlm debias --method {method.name}: {config.model}"
            + _guard_title(comparison["guard"]),
            labels=["before", f"after {method.name}"],
        )
        run.log(f"report: {html}")
    return comparison


class _Audits:
    """The before and after audits of one run: the same benchmarks, built once."""

    def __init__(self, config: DebiasConfig, method: str, log: Callable[[str], None]) -> None:
        from fairlm.benchmarks._audit import build_benchmarks

        self.config, self.method, self.log = config, method, log
        # the capability guard's benchmarks, unless asked for as bias benchmarks too
        self.guard = [n for n in config.guard_benchmarks if n not in config.eval_benchmarks]
        self.names = [*config.eval_benchmarks, *self.guard]
        common = dict(data_dir=config.data_dir, seed=config.seed, n_bootstrap=config.bootstrap)
        self.benches = build_benchmarks(list(config.eval_benchmarks), limit=config.limit, **common)
        self.benches += build_benchmarks(
            self.guard,
            per_benchmark={"xstest": {"generation": config.guard_generation}},
            limit=config.guard_limit,
            **common,
        )
        # a saved audit is reused only if each guard benchmark ran with these settings
        self.guard_configs = {b.name: b.config() for b in self.benches if b.name in self.guard}

    def recorded(self) -> dict[str, Any]:
        """The audit settings both audits record."""
        c = self.config
        return {
            "benchmarks": self.names,
            "limit": c.limit,
            "seed": c.seed,
            "bootstrap": c.bootstrap,
            "guard_benchmarks": self.guard,
            "guard_limit": c.guard_limit,
            "guard_generation": c.guard_generation,
        }

    def before(self, lm: Any, heldout: list[str], folder: Path) -> tuple[dict, dict]:
        """The original model's audit (reused, copied from the baseline, or run) and its
        held-out perplexity."""
        c = self.config
        results = reuse_audit(folder, lm, self.names, c.limit, self.guard_configs)
        if results is None and c.baseline_dir is not None:
            results = copy_baseline(
                Path(c.baseline_dir), folder, lm, self.names, c.limit, self.guard_configs
            )
            self.log(f"before: reusing the audit in {c.baseline_dir}")
        if results is None:
            self.log("before: auditing the original model")
            results = self._run(lm, folder)
        ppl = cached_perplexity(folder, lm, heldout, c.bootstrap, c.seed)
        self.log(f"before: held-out perplexity {_fmt_ci(ppl)}")
        return results, ppl

    def after(self, lm: Any, folder: Path) -> dict[str, Any]:
        """The debiased model's audit (reused when the same model was audited already)."""
        results = reuse_audit(folder, lm, self.names, self.config.limit, self.guard_configs)
        if results is None:
            self.log("after: auditing the debiased model")
            results = self._run(lm, folder)
        return results

    def _run(self, lm: Any, folder: Path) -> dict[str, Any]:
        from fairlm.benchmarks._audit import run_audit

        return run_audit(
            lm,
            self.benches,
            output_dir=folder,
            progress=self.config.progress,
            log=self.log,
            extra_config={
                **self.recorded(),
                "dtype": self.config.dtype,
                "debias_method": self.method,
            },
        )


def _split_corpus(config: DebiasConfig, run: DebiasRun) -> DebiasData:
    """The corpus's distinct texts split into training and held-out (both kept in
    ``DIR/data``)."""
    from fairlm.mitigation._corpus import read_corpus
    from fairlm.mitigation._data import split_heldout

    texts = config.texts
    if texts is None:
        texts = read_corpus(config.corpus, text_field=config.text_field, data_dir=config.data_dir)
    usable = [t.strip() for t in texts if isinstance(t, str) and t.strip()]
    if len(usable) < 2:
        raise FairlmError(f"the corpus has {len(usable)} usable texts; debias needs at least 2")
    train, held = split_heldout(
        usable,
        fraction=config.heldout_fraction,
        seed=config.seed,
        max_heldout=config.max_heldout,
    )
    if not train or not held:
        raise FairlmError("the held-out split left no training or no held-out texts")
    if run.is_main:
        atomic_write_text(run.output_dir / "data" / "train.txt", "".join(t + "\n" for t in train))
        atomic_write_text(run.output_dir / "data" / "heldout.txt", "".join(t + "\n" for t in held))
    run.log(f"corpus: {len(train)} training texts, {len(held)} held out")
    return DebiasData(train, held)


def _settings(
    config: DebiasConfig,
    method: Method,
    fitted: Fitted,
    data: DebiasData,
    lm_after: Any,
    audit: dict[str, Any],
) -> dict[str, Any]:
    """The ``settings`` of comparison.json: what was run, as it was run."""
    return {
        "lora": config.lora,
        "lora_r": config.lora_r,
        "lora_alpha": config.lora_alpha,
        **method.options(),
        "max_length": config.max_length,
        "dtype": config.dtype,
        "prefix_token": lm_after.prefix_token,
        "heldout_fraction": config.heldout_fraction,
        "max_heldout": config.max_heldout,
        "n_train_texts": len(data.train),
        "n_heldout_texts": len(data.heldout),
        "train_config": fitted.train_config,
        **audit,
    }


def _guard_title(guard: dict[str, Any]) -> str:
    """What the report's title says of the capability guard: only a flag."""
    harms = list(dict.fromkeys(r["harm"] for r in guard["figures"] if r["flagged"]))
    return f" (capability guard: {', '.join(harms)})" if harms else ""


def _silent(_message: str) -> None:
    """The log of processes other than the main one."""


def _fmt_ci(p: dict[str, Any]) -> str:
    return f"{p['value']:.2f} [{p['ci_low']:.2f}, {p['ci_high']:.2f}]"
