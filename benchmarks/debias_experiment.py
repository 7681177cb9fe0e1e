"""The mitigation contest: every ``fairlm debias`` method on one model, audited alike.

Runs, on ``--model`` (smollm2-135m) and the BOLD gender-domain prompts (Wikipedia
sentence openings about actors and actresses; no benchmark's test data), each method of
``--methods`` with :func:`fairlm.mitigation.debias`:

* fine-tuning (LoRA): ``cda``, ``adversarial``, ``constraint`` and the control
  ``finetune`` (plain fine-tuning on the same texts);
* training-free: ``leace``, ``sentence-debias``, ``inlp`` (erasers fitted on the
  counterfactual pairs of the same training texts, at the LM head's input) and
  ``self-debias`` (rescoring with the gender debiasing prefix).

Every audit is float32 (``--audit-dtype``) over all examples (``--limit`` for smoke runs)
of CrowS-Pairs, StereoSet, WinoBias and BBQ, plus the capability guard of ``fairlm
debias`` (TruthfulQA MC1/MC2 and XSTest where those benchmarks are registered), StereoSet
LMS and held-out perplexity, each figure with its 95% CI (1,000 bootstrap resamples). The
first method audits the original model; the others reuse that audit. After each method a
fresh probe of gender (linear and MLP, fitted on the training pairs' mean-pooled final
hidden states, scored on the held-out pairs) shows how much of the attribute is left: the
erasers report theirs (measured with the eraser applied), the others are probed here on
the saved model. Writes ``DIR/<method>/`` (the ``fairlm debias`` folder, plus
``probe.json`` and ``timing.json``), ``DIR/summary.md`` (the tables for
docs/mitigation.md) and ``DIR/summary.json``::

    python benchmarks/debias_experiment.py --output-dir runs/contest-smollm2

Rerunning resumes: a finished audit is reused and training resumes from its latest
checkpoint; ``--summary-only`` rebuilds the tables. The original model is audited once, by
whichever method runs first, and every later run reuses that audit, so the methods can be
run a few at a time (``--methods cda``, then ``--methods adversarial,finetune``, ...).
``--archive FOLDER`` keeps each finished method's small result files (its comparison,
probe and timing, the original model's audit, also from a run stopped with Ctrl-C, and
the log; no models, no samples) in a folder that can be committed, and restores them
into ``DIR`` first: the contest then carries over between machines that do not keep
``DIR``, and ``--summary-only --output-dir FOLDER`` rebuilds the tables from the archive
alone. A smoke run: ``--limit 20 --guard-limit 20 --steps 2 --max-texts 200``.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import time
from pathlib import Path

from _contest_table import contest_tables  # benchmarks/_contest_table.py
from _measure import machine  # benchmarks/_measure.py

ALL_METHODS = "cda,adversarial,constraint,finetune,leace,sentence-debias,inlp,self-debias"
TRAINING_FREE = ("leace", "sentence-debias", "inlp", "self-debias")
METHOD_DEFAULTS: dict[str, dict] = {
    # steps of 16 texts, LoRA, bf16 autocast: each fine-tuning method trained for at most
    # about 12 minutes on the project's 2-core CPU. The adversary uses the bounded
    # "confusion" objective: gradient reversal (lambda 1, lr 1e-3, 30 steps) wrecked the
    # model in a first run (held-out perplexity 203 -> 158,000).
    "cda": dict(max_steps=250),
    "adversarial": dict(
        max_steps=200, strength=1.0, adversary_objective="confusion", probe_max_train=500
    ),
    "constraint": dict(max_steps=150, strength=5.0, constraint_kind="loglik"),
    "finetune": dict(max_steps=150),  # the control, as many steps as the constraint
    # training-free, at their defaults: erasers at the LM head's input ("final"), LEACE
    # affine (hooks), SentenceDebias k = 1, INLP at most 80 classifiers; Self-Debias with
    # the paper's lambda 50 and the gender prefix
    "leace": {},
    "sentence-debias": {},
    "inlp": {},
    "self-debias": {},
}


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--output-dir", default="runs/contest-smollm2")
    p.add_argument("--model", default="smollm2-135m")
    p.add_argument("--methods", default=ALL_METHODS)
    p.add_argument("--corpus", default="bold:gender")
    p.add_argument("--max-texts", type=int, default=None, help="a seeded sample of the corpus")
    p.add_argument("--benchmarks", default="crows_pairs,stereoset,winobias,bbq")
    p.add_argument("--guard", default="auto", help="guard benchmarks ('auto': registered ones)")
    p.add_argument("--limit", type=int, default=None, help="examples per benchmark (smoke runs)")
    p.add_argument("--guard-limit", type=int, default=None, help="guard examples (smoke runs)")
    p.add_argument("--steps", type=int, default=None, help="override every method's steps")
    p.add_argument("--batch-size", type=int, default=16)
    p.add_argument("--lr", type=float, default=5e-4)
    p.add_argument("--lora-r", type=int, default=16)
    p.add_argument("--max-heldout", type=int, default=300)
    p.add_argument("--audit-dtype", default="float32", choices=["float32", "bfloat16"])
    p.add_argument("--mixed-precision", default="bf16", choices=["no", "bf16"])
    p.add_argument("--device", default=None)
    p.add_argument("--data-dir", default=None)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--summary-only", action="store_true", help="rebuild the tables only")
    p.add_argument(
        "--archive",
        default=None,
        help="keep finished methods' result files here (restored into DIR before running)",
    )
    return p


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    out = Path(args.output_dir)
    methods = [m for m in args.methods.split(",") if m]
    unknown = [m for m in methods if m not in METHOD_DEFAULTS]
    if unknown:
        raise SystemExit(f"unknown method(s) {unknown}; known: {ALL_METHODS}")
    archive = Path(args.archive) if args.archive else None
    if not args.summary_only:
        out.mkdir(parents=True, exist_ok=True)
        if archive is not None:
            restore(archive, out)
        os.environ.setdefault("FAIRLM_NO_PROGRESS", "1")  # the log holds the progress
        log = _logger(out / "experiment.log")
        texts = _corpus(args)
        log(f"contest: {args.model}, {len(texts)} texts of {args.corpus}, methods {methods}")
        log(f"machine: {machine()}")
        t0 = time.perf_counter()
        for method in methods:
            try:
                run_method(args, method, texts, out, baseline_method(out, methods), log)
            finally:  # also when stopped (Ctrl-C): the original model's audit is kept
                if archive is not None:
                    keep(out, archive, method)
        log(f"contest: finished in {(time.perf_counter() - t0) / 60:.1f} min")
        if archive is not None:
            keep(out, archive, None)  # the log's last line
    md, summary = contest_tables(out, methods)
    (out / "summary.md").write_text(md + "\n", encoding="utf-8")
    (out / "summary.json").write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")
    print(md)
    return 0


def _logger(path: Path):
    handle = path.open("a", encoding="utf-8")

    def log(msg: str) -> None:
        line = f"{time.strftime('%H:%M:%S')} {msg}"
        print(line, file=sys.stderr, flush=True)
        handle.write(line + "\n")
        handle.flush()

    return log


def baseline_method(out: Path, methods: list[str]) -> str:
    """The method whose ``before/`` audit of the original model the others reuse: one
    that has it already (in the contest's order), else the first to run."""
    for m in ALL_METHODS.split(","):
        if (out / m / "before" / "results.json").is_file():
            return m
    return methods[0]


# what --archive keeps: per method, and of the original model's audit
METHOD_FILES = ("comparison.json", "probe.json", "timing.json")
BASELINE_FILES = ("before/results.json", "before/perplexity.json")
CONTEST_FILES = ("probe_before.json", "experiment.log")


def keep(out: Path, archive: Path, method: str | None) -> None:
    """Copy ``method``'s result files (and the contest's own) from ``out`` to ``archive``."""
    names = list(CONTEST_FILES)
    if method is not None:
        names += [f"{method}/{f}" for f in METHOD_FILES]
        if not any(archive.glob("*/before/results.json")):  # the others' is a copy of it
            names += [f"{method}/{f}" for f in BASELINE_FILES]
    for name in names:
        src = out / name
        if src.is_file():
            (archive / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, archive / name)


def restore(archive: Path, out: Path) -> None:
    """Copy the archive's files into ``out`` where ``out`` lacks them."""
    if not archive.is_dir():
        return
    for src in sorted(archive.rglob("*")):
        dst = out / src.relative_to(archive)
        if src.is_file() and not dst.exists():
            dst.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dst)


def _corpus(args: argparse.Namespace) -> list[str]:
    import random

    from fairlm.mitigation._corpus import read_corpus

    texts = read_corpus([args.corpus], data_dir=args.data_dir)
    if args.max_texts is not None and len(texts) > args.max_texts:
        texts = random.Random(args.seed).sample(texts, args.max_texts)
    return texts


def _guard(args: argparse.Namespace) -> tuple[str, ...]:
    from fairlm.benchmarks import BENCHMARKS
    from fairlm.mitigation._guard import GUARD_BENCHMARKS

    wanted = GUARD_BENCHMARKS if args.guard == "auto" else args.guard.split(",")
    return tuple(b for b in wanted if b and b in BENCHMARKS.names())


def _config(args, method: str, texts: list[str], out: Path, first: str):
    from fairlm.mitigation import METHODS, DebiasConfig

    options = dict(METHOD_DEFAULTS[method])
    steps = options.pop("max_steps", 150)
    if args.steps is not None:
        steps = args.steps
    baseline = out / first / "before"
    reuse = method != first and (baseline / "results.json").is_file()
    config = DebiasConfig(
        model=args.model,
        texts=texts,
        method=METHODS.get(method)(**options),
        output_dir=out / method,
        lora=True,
        lora_r=args.lora_r,
        lora_alpha=2 * args.lora_r,
        max_steps=steps,
        batch_size=args.batch_size,
        lr=args.lr,
        warmup_steps=3,
        mixed_precision=args.mixed_precision,
        max_heldout=args.max_heldout,
        eval_benchmarks=[b for b in args.benchmarks.split(",") if b],
        guard_benchmarks=_guard(args),
        guard_limit=args.guard_limit,
        limit=args.limit,
        seed=args.seed,
        dtype=args.audit_dtype,
        device=args.device,
        data_dir=args.data_dir,
        baseline_dir=baseline if reuse else None,
        progress=False,
    )
    settings = options if method in TRAINING_FREE else {"max_steps": steps, **options}
    return config, settings


def run_method(args, method: str, texts: list[str], out: Path, first: str, log) -> None:
    """One ``fairlm debias`` run (reused when finished), then its probe and timing."""
    from fairlm.mitigation import debias

    config, settings = _config(args, method, texts, out, first)
    folder = out / method
    if not (folder / "comparison.json").is_file() or not (folder / "probe.json").is_file():
        log(f"{method}: start ({json.dumps(settings)})")
        t0 = time.perf_counter()
        comparison = debias(config, log=log)
        seconds = time.perf_counter() - t0
        probe = method_probe(args, config, comparison, folder, log)
        (folder / "probe.json").write_text(json.dumps(probe, indent=2), encoding="utf-8")
        timing = {"debias_s": round(seconds, 1), "settings": settings,
                  "training_s": (comparison.get("training") or {}).get("wall_time_s"),
                  "machine": machine()}  # fmt: skip
        (folder / "timing.json").write_text(json.dumps(timing, indent=2), encoding="utf-8")
        log(f"{method}: done in {seconds:.0f} s")


def method_probe(args, config, comparison: dict, folder: Path, log) -> dict:
    """Fresh gender probes before and after: the eraser's own (taken with the eraser
    applied), else probes of the saved model on the same pairs."""
    from fairlm.augment import CounterfactualAugmenter
    from fairlm.mitigation._hidden import attribute_probes, counterfactual_pairs
    from fairlm.models import load_model

    method = comparison["method"]
    own = comparison.get(method) or {}
    if "linear" in (own.get("probe_after") or {}):  # an eraser's (the adversary's differs)
        return {"before": own["probe_before"], "after": own["probe_after"], "by": method}
    aug = CounterfactualAugmenter("gender", seed=args.seed, data_dir=args.data_dir)
    read = (folder / "data" / "train.txt").read_text(encoding="utf-8").splitlines()
    held = (folder / "data" / "heldout.txt").read_text(encoding="utf-8").splitlines()
    fit = counterfactual_pairs(aug, read).sample(1000, args.seed)
    held_pairs = counterfactual_pairs(aug, held)
    result = {"by": "benchmarks/debias_experiment.py"}
    cached = folder.parent / "probe_before.json"
    if cached.is_file():
        result["before"] = json.loads(cached.read_text(encoding="utf-8"))
    for when, model in (("before", config.model), ("after", comparison["model_dir"])):
        if when in result:
            continue
        lm = load_model(model, dtype=config.dtype, device=config.device)
        result[when] = attribute_probes(
            lm, fit, held_pairs, n_classes=2, seed=args.seed, max_length=config.max_length
        )
        log(f"{method}: probe {when}: linear {result[when]['linear']['accuracy']:.1f}%")
    cached.write_text(json.dumps(result["before"], indent=2), encoding="utf-8")
    return result


if __name__ == "__main__":
    sys.exit(main())
