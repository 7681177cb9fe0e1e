"""``debias``: fine-tune a model with one mitigation method, audit it before and after.

The output folder::

    DIR/model/            the debiased model (safetensors + tokenizer; loads with
                          fairlm.models.load_model and with plain transformers)
    DIR/before/           run_audit output of the original model (results.json, samples)
    DIR/after/            run_audit output of the debiased model
    DIR/train/            the trainer's checkpoints (a rerun resumes from the latest)
    DIR/data/             the train and held-out texts actually used
    DIR/comparison.json   every benchmark figure before and after with its CI, held-out
                          perplexity before and after with its CI, and (adversarial) the
                          probe accuracy before and after

Rerunning with the same arguments reuses a finished before-audit, resumes training from
its latest checkpoint and reuses an after-audit of the same saved model.
"""

from __future__ import annotations

import json
import math
import os
import shutil
import time
from collections.abc import Callable, Sequence
from functools import partial
from pathlib import Path
from typing import Any, Literal

import numpy as np

from fairlm._io import atomic_write_json, atomic_write_text
from fairlm.errors import FairlmError

__all__ = ["METHODS", "DEFAULT_BENCHMARKS", "debias", "heldout_perplexity", "compare_results"]

Method = Literal["cda", "adversarial", "constraint", "finetune"]
METHODS: tuple[str, ...] = ("cda", "adversarial", "constraint", "finetune")
DEFAULT_BENCHMARKS: tuple[str, ...] = ("crows_pairs", "stereoset", "winobias")
COMPARISON_VERSION = 1


def debias(
    model: str | os.PathLike[str],
    corpus: Sequence[str],
    *,
    method: Method,
    output_dir: str | os.PathLike[str],
    lora: bool = False,
    lora_r: int = 8,
    lora_alpha: int = 16,
    lora_dropout: float = 0.0,
    strength: float = 1.0,
    axis: str = "gender",
    cda_mode: str = "two-sided",
    constraint_kind: str = "loglik",
    adversary_objective: str = "reversal",
    max_steps: int = 200,
    batch_size: int = 8,
    grad_accum: int = 1,
    lr: float | None = None,
    warmup_steps: int = 0,
    schedule: str = "cosine",
    weight_decay: float = 0.0,
    seed: int = 0,
    eval_every: int = 0,
    save_every: int = 0,
    mixed_precision: str = "no",
    max_length: int = 64,
    heldout_fraction: float = 0.1,
    max_heldout: int | None = 500,
    benchmarks: Sequence[str] = DEFAULT_BENCHMARKS,
    limit: int | None = None,
    n_bootstrap: int = 1000,
    data_dir: str | os.PathLike[str] | None = None,
    dtype: str = "float32",
    device: str | None = None,
    prefix_token: str | None = None,
    baseline_dir: str | os.PathLike[str] | None = None,
    probe_max_train: int = 1000,
    report: bool = True,
    progress: bool = True,
    log: Callable[[str], None] = print,
) -> dict[str, Any]:
    """Debias ``model`` by fine-tuning on ``corpus`` (a list of texts) with ``method``.

    ``cda`` trains on the counterfactually augmented corpus (:mod:`fairlm.mitigation.cda`),
    ``adversarial`` against an adversary predicting the ``axis`` attribute
    (:mod:`fairlm.mitigation.adversarial`), ``constraint`` with a counterfactual
    regulariser (:mod:`fairlm.mitigation.constraint`). ``strength`` is lambda for those
    two. ``finetune`` is the control: plain causal-LM fine-tuning on the same texts, to
    tell a method's effect from that of fine-tuning alone. ``lora`` trains LoRA adapters
    (Hu et al., ICLR 2022; merged into the saved model) instead of every weight. ``lr``
    defaults to 5e-4 with LoRA, 5e-5 without.

    A seeded ``heldout_fraction`` of the distinct texts (at most ``max_heldout``) is kept
    out of training to measure perplexity. ``baseline_dir``, a finished ``run_audit``
    folder of the same model and benchmarks, is copied instead of auditing the original
    again. The adversarial method's probes train on at most ``probe_max_train`` labelled
    training texts and are scored on the labelled held-out texts. Returns the comparison
    dictionary (also written to ``comparison.json``).
    """
    from accelerate import PartialState

    from fairlm.benchmarks._audit import build_benchmarks, run_audit
    from fairlm.models import load_model
    from fairlm.training import TrainConfig, Trainer

    if method not in METHODS:
        raise FairlmError(f"unknown method {method!r}; choose one of {', '.join(METHODS)}")
    state = PartialState()
    main = state.is_main_process
    say = log if main else (lambda _m: None)
    out = Path(output_dir)
    out.mkdir(parents=True, exist_ok=True)
    train_texts, heldout = _split(corpus, heldout_fraction, seed, max_heldout)
    if main:
        atomic_write_text(out / "data" / "train.txt", "".join(t + "\n" for t in train_texts))
        atomic_write_text(out / "data" / "heldout.txt", "".join(t + "\n" for t in heldout))
    say(f"corpus: {len(train_texts)} training texts, {len(heldout)} held out")

    say(f"loading {model} ({dtype})")
    lm = load_model(model, dtype=dtype, device=device, prefix_token=prefix_token)
    audit_cfg = dict(benchmarks=list(benchmarks), limit=limit, seed=seed, bootstrap=n_bootstrap)
    benches = build_benchmarks(
        list(benchmarks), data_dir=data_dir, limit=limit, seed=seed, n_bootstrap=n_bootstrap
    )

    def audit(target: Any, folder: Path) -> dict[str, Any]:
        return run_audit(
            target,
            benches,
            output_dir=folder,
            progress=progress,
            log=say,
            extra_config={**audit_cfg, "dtype": dtype, "debias_method": method},
        )

    # ---- before
    before_dir = out / "before"
    if main:
        before = _reuse_audit(before_dir, lm, benchmarks, limit)
        if before is None and baseline_dir is not None:
            before = _copy_baseline(Path(baseline_dir), before_dir, lm, benchmarks, limit)
            say(f"before: reusing the audit in {baseline_dir}")
        if before is None:
            say("before: auditing the original model")
            before = audit(lm, before_dir)
        ppl_before = _cached_perplexity(before_dir, lm, heldout, n_bootstrap, seed)
        say(f"before: held-out perplexity {_fmt_ci(ppl_before)}")
    state.wait_for_everyone()

    # ---- train
    from fairlm.mitigation.cda import CounterfactualAugmenter

    aug = CounterfactualAugmenter(axis, mode=cda_mode, seed=seed, data_dir=data_dir)  # type: ignore[arg-type]
    tok, prefix_id, pad_id = lm.tokenizer, lm.prefix_token_id, lm.pad_token_id
    enc = partial(_encode_all, tok, prefix_id=prefix_id, max_length=max_length)
    eval_ds = enc(heldout)
    extra_modules = None
    loss_fn = None
    details: dict[str, Any] = {}
    if method == "finetune":
        train_ds = enc(train_texts)  # the control: no mitigation at all
    elif method == "cda":
        augmented = aug.augment(train_texts)
        details["cda"] = {
            "mode": cda_mode,
            "texts_in": len(train_texts),
            "texts_out": len(augmented),
            "texts_swapped": sum(aug.swap_count(t)[1] > 0 for t in train_texts),
        }
        if main:
            atomic_write_text(
                out / "data" / "train_augmented.txt", "".join(t + "\n" for t in augmented)
            )
        train_ds = enc(augmented)
    elif method == "adversarial":
        from fairlm.mitigation._data import attribute_examples
        from fairlm.mitigation.adversarial import AdversaryHead, adversarial_loss, probe_accuracy

        train_ds, held_attr = (
            attribute_examples(
                tok,
                texts,
                [aug.attribute(t) for t in texts],
                prefix_id=prefix_id,
                max_length=max_length,
            )
            for texts in (train_texts, heldout)
        )
        probe_train = _labelled_sample(train_ds, probe_max_train, seed)
        say(f"adversary: probing the original model ({len(probe_train)} labelled texts)")
        probe_before, head0 = probe_accuracy(
            lm.model,
            probe_train,
            held_attr,
            n_classes=len(aug.groups),
            pad_id=pad_id,
            seed=seed,
            bf16=mixed_precision == "bf16",
        )
        say(
            f"adversary: probe accuracy before {probe_before['accuracy']:.2f}% "
            f"(chance {probe_before['chance']:.2f}%)"
        )
        extra_modules = AdversaryHead(head0.mean.numel(), len(aug.groups))
        extra_modules.load_state_dict(head0.state_dict())  # start from a competent adversary
        loss_fn = adversarial_loss(strength, objective=adversary_objective)  # type: ignore[arg-type]
        details["adversarial"] = {
            "groups": list(aug.groups),
            "objective": adversary_objective,
            "labelled_train_texts": sum(e["attribute"] >= 0 for e in train_ds),
            "probe_before": probe_before,
        }
    else:
        from fairlm.mitigation._data import counterfactual_examples
        from fairlm.mitigation.constraint import counterfactual_loss

        train_ds = counterfactual_examples(
            tok,
            train_texts,
            [aug.swap(t) for t in train_texts],
            prefix_id=prefix_id,
            max_length=max_length,
        )
        loss_fn = counterfactual_loss(strength, kind=constraint_kind)  # type: ignore[arg-type]
        details["constraint"] = {
            "kind": constraint_kind,
            "texts_with_counterfactual": sum(e["has_cf"] for e in train_ds),
        }

    net = _prepare_model(lm.model, lora=lora, r=lora_r, alpha=lora_alpha, dropout=lora_dropout)
    cfg = TrainConfig(
        out / "train",
        max_steps,
        batch_size=batch_size,
        grad_accum=grad_accum,
        lr=lr if lr is not None else (5e-4 if lora else 5e-5),
        warmup_steps=warmup_steps,
        schedule=schedule,  # type: ignore[arg-type]
        weight_decay=weight_decay,
        seed=seed,
        eval_every=eval_every,
        save_every=save_every,
        mixed_precision=mixed_precision,  # type: ignore[arg-type]
        progress=progress,
    )
    from fairlm.mitigation._data import collate

    trainer = Trainer(
        net,
        tok,
        train_ds,
        eval_ds,
        cfg,
        loss_fn=loss_fn,
        extra_modules=extra_modules,
        collate_fn=partial(collate, pad_id=pad_id),
    )
    say(
        f"training: {method}, {max_steps} steps of {batch_size}x{grad_accum} texts"
        f"{' (LoRA)' if lora else ''}"
    )
    t0 = time.perf_counter()
    result = trainer.train()
    train_s = time.perf_counter() - t0
    if method == "adversarial":
        from fairlm.mitigation.adversarial import probe_accuracy

        trained = trainer.accelerator.unwrap_model(trainer.model)
        probe_after, _ = probe_accuracy(
            trained,
            probe_train,
            held_attr,
            n_classes=len(aug.groups),
            pad_id=pad_id,
            seed=seed,
            bf16=mixed_precision == "bf16",
        )
        details["adversarial"]["probe_after"] = probe_after
        details["adversarial"]["training_adversary_accuracy"] = _first_last(result.logs, "adv_acc")
        say(
            f"adversary: probe accuracy after {probe_after['accuracy']:.2f}% "
            f"(chance {probe_after['chance']:.2f}%)"
        )
    model_dir = trainer.save_model(out / "model")
    if main:
        atomic_write_json(
            model_dir / "fairlm_model.json",
            {
                "base_model": str(model),
                "prefix_token": lm.prefix_token,
                "debias_method": method,
                "lora": lora,
            },
        )
    state.wait_for_everyone()
    del trainer, net, lm
    if not main:
        return {}

    # ---- after
    lm_after = load_model(model_dir, dtype=dtype, device=device, prefix_token=before_prefix(out))
    after = _reuse_audit(out / "after", lm_after, benchmarks, limit)
    if after is None:
        say("after: auditing the debiased model")
        after = audit(lm_after, out / "after")
    ppl_after = heldout_perplexity(lm_after, heldout, n_bootstrap=n_bootstrap, seed=seed)
    say(f"after: held-out perplexity {_fmt_ci(ppl_after)}")

    comparison = {
        "comparison_version": COMPARISON_VERSION,
        "method": method,
        "base_model": str(model),
        "model_dir": str(model_dir),
        "before_dir": str(before_dir),
        "after_dir": str(out / "after"),
        "settings": {
            "lora": lora,
            "lora_r": lora_r,
            "lora_alpha": lora_alpha,
            "strength": strength,
            "axis": axis,
            "cda_mode": cda_mode,
            "constraint_kind": constraint_kind,
            "adversary_objective": adversary_objective,
            "max_length": max_length,
            "dtype": dtype,
            "prefix_token": lm_after.prefix_token,
            "heldout_fraction": heldout_fraction,
            "max_heldout": max_heldout,
            "n_train_texts": len(train_texts),
            "n_heldout_texts": len(heldout),
            "train_config": cfg.to_dict(),
            **audit_cfg,
        },
        "training": {
            "steps": result.steps,
            "wall_time_s": round(train_s, 1),
            "tokens_per_s": round(result.tokens_per_s, 1),
            "first_loss": result.train_loss[0] if result.train_loss else None,
            "last_loss": result.train_loss[-1] if result.train_loss else None,
            "eval": result.eval,
        },
        "perplexity": {
            "before": ppl_before,
            "after": ppl_after,
            "relative_change": ppl_after["value"] / ppl_before["value"] - 1.0,
        },
        **details,
        "benchmarks": compare_results(before, after),
    }
    atomic_write_json(out / "comparison.json", comparison)
    say(f"comparison: {out / 'comparison.json'}")
    if report:
        from fairlm.report import write_report

        html = write_report(
            [before_dir, out / "after"],
            out / "report.html",
            title=f"fairlm debias --method {method}: {model}",
            labels=["before", f"after {method}"],
        )
        say(f"report: {html}")
    return comparison


# ------------------------------------------------------------------ pieces
def _split(corpus, fraction, seed, max_heldout):
    from fairlm.mitigation._data import split_heldout

    texts = [t.strip() for t in corpus if isinstance(t, str) and t.strip()]
    if len(texts) < 2:
        raise FairlmError(f"the corpus has {len(texts)} usable texts; debias needs at least 2")
    train, held = split_heldout(texts, fraction=fraction, seed=seed, max_heldout=max_heldout)
    if not train or not held:
        raise FairlmError("the held-out split left no training or no held-out texts")
    return train, held


def _encode_all(tok, texts, *, prefix_id, max_length):
    from fairlm.mitigation._data import encode

    return [
        {"input_ids": encode(tok, t, prefix_id=prefix_id, max_length=max_length)} for t in texts
    ]


def _labelled_sample(examples, n, seed):
    import random

    labelled = [e for e in examples if e["attribute"] >= 0]
    if len(labelled) > n:
        labelled = random.Random(seed).sample(labelled, n)
    return labelled


def _first_last(logs, key):
    values = [e[key] for e in logs if key in e]
    if not values:
        return None
    k = max(1, min(10, len(values) // 5))  # mean of the first and last few steps
    first, last = float(np.mean(values[:k])), float(np.mean(values[-k:]))
    return {"first": 100.0 * first, "last": 100.0 * last}


def _prepare_model(model, *, lora, r, alpha, dropout):
    """Wrap the model in LoRA adapters, or make every weight trainable."""
    model.train()
    if not lora:
        for p in model.parameters():
            p.requires_grad_(True)
        return model
    from peft import LoraConfig, get_peft_model
    from transformers.pytorch_utils import Conv1D

    cfg = LoraConfig(
        fan_in_fan_out=any(isinstance(m, Conv1D) for m in model.modules()),  # GPT-2 layers
        r=r,
        lora_alpha=alpha,
        lora_dropout=dropout,
        target_modules="all-linear",
        task_type="CAUSAL_LM",
    )
    return get_peft_model(model, cfg)


def before_prefix(out: Path) -> str | None:
    """The prefix token the before-audit used, so the after-audit scores alike."""
    p = out / "before" / "results.json"
    if p.is_file():
        return json.loads(p.read_text(encoding="utf-8"))["model"].get("prefix_token")
    return None


def _audit_matches(results: dict[str, Any], lm: Any, benchmarks: Sequence[str], limit) -> bool:
    model = results.get("model", {})
    same_model = model.get("hash") == lm.info.get("hash") and model.get("name") == lm.name
    same_scoring = model.get("prefix_token") == lm.prefix_token and model.get("dtype") == lm.dtype
    have = results.get("benchmarks", {})
    same_limit = results.get("config", {}).get("limit") == limit
    return same_model and same_scoring and same_limit and all(b in have for b in benchmarks)


def _reuse_audit(folder: Path, lm: Any, benchmarks: Sequence[str], limit) -> dict | None:
    p = folder / "results.json"
    if not p.is_file():
        return None
    results = json.loads(p.read_text(encoding="utf-8"))
    return results if _audit_matches(results, lm, benchmarks, limit) else None


def _copy_baseline(src: Path, dst: Path, lm: Any, benchmarks, limit) -> dict:
    p = src / "results.json"
    if not p.is_file():
        raise FairlmError(f"baseline {src}: no results.json; run `fairlm audit` there first")
    results = json.loads(p.read_text(encoding="utf-8"))
    if not _audit_matches(results, lm, benchmarks, limit):
        raise FairlmError(
            f"baseline {src} was not made with this model ({lm.name}, {lm.dtype}, prefix "
            f"{lm.prefix_token!r}), these benchmarks ({', '.join(benchmarks)}) and limit "
            f"{limit}; drop --baseline to audit the original model again"
        )
    dst.mkdir(parents=True, exist_ok=True)
    for f in src.iterdir():
        if f.is_file() and (f.name == "results.json" or f.name.startswith("samples_")):
            shutil.copy2(f, dst / f.name)
    return results


def _cached_perplexity(folder: Path, lm, texts, n_bootstrap, seed) -> dict[str, Any]:
    p = folder / "perplexity.json"
    if p.is_file():
        cached = json.loads(p.read_text(encoding="utf-8"))
        if cached.get("n_texts") == len(texts) and cached.get("texts_hash") == _hash(texts):
            return cached
    ppl = heldout_perplexity(lm, texts, n_bootstrap=n_bootstrap, seed=seed)
    atomic_write_json(p, ppl)
    return ppl


def _hash(texts: Sequence[str]) -> str:
    import hashlib

    return hashlib.sha256("\n".join(texts).encode()).hexdigest()[:16]


def heldout_perplexity(
    lm: Any,
    texts: Sequence[str],
    *,
    n_bootstrap: int = 1000,
    seed: int = 0,
    confidence: float = 0.95,
) -> dict[str, Any]:
    """Perplexity of ``lm`` on ``texts``: ``exp(total NLL / total tokens)``, every token
    scored after the prefix token, with a percentile bootstrap CI over texts. Lower is
    better."""
    lps = lm.token_logprobs(list(texts), first_token="prefix")
    nll = np.array([-float(np.sum(lp)) for lp in lps])
    n = np.array([len(lp) for lp in lps], dtype=np.float64)
    value = math.exp(nll.sum() / n.sum())
    rng = np.random.default_rng(seed)
    w = rng.multinomial(len(texts), np.full(len(texts), 1.0 / len(texts)), size=n_bootstrap)
    boot = np.exp((w @ nll) / (w @ n))
    alpha = (1.0 - confidence) / 2.0
    lo, hi = np.quantile(boot, [alpha, 1.0 - alpha])
    return {
        "value": value,
        "ci_low": float(lo),
        "ci_high": float(hi),
        "n_texts": len(texts),
        "n_tokens": int(n.sum()),
        "texts_hash": _hash(texts),
    }


def compare_results(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[dict]]:
    """Every figure of ``after`` next to the same (metric, group) of ``before``.

    For figures with an ideal value, ``toward_ideal`` says whether the distance to it
    shrank and ``beyond_ci`` whether it shrank by more than the before-CI's half-width.
    """
    out: dict[str, list[dict]] = {}
    for name, b_after in after.get("benchmarks", {}).items():
        b_before = before.get("benchmarks", {}).get(name)
        if b_before is None:
            continue
        index = {(f["metric"], f["group"]): f for f in b_before["summary"]["figures"]}
        rows = []
        for fa in b_after["summary"]["figures"]:
            fb = index.get((fa["metric"], fa["group"]))
            if fb is None:
                continue
            row: dict[str, Any] = {
                "metric": fa["metric"],
                "group": fa["group"],
                "before": _fig(fb),
                "after": _fig(fa),
                "ideal": fa.get("ideal"),
                "higher_is_better": fa.get("higher_is_better"),
                "delta": _sub(fa["value"], fb["value"]),
            }
            ideal = fa.get("ideal")
            if ideal is not None and fa["value"] is not None and fb["value"] is not None:
                d_b, d_a = abs(fb["value"] - ideal), abs(fa["value"] - ideal)
                row["toward_ideal"] = d_a < d_b
                if fb.get("ci_low") is not None and fb.get("ci_high") is not None:
                    row["beyond_ci"] = (d_b - d_a) > (fb["ci_high"] - fb["ci_low"]) / 2.0
            rows.append(row)
        out[name] = rows
    return out


def _fig(f: dict[str, Any]) -> dict[str, Any]:
    return {k: f.get(k) for k in ("value", "ci_low", "ci_high", "n", "p_value")}


def _sub(a, b):
    return None if a is None or b is None else a - b


def _fmt_ci(p: dict[str, Any]) -> str:
    return f"{p['value']:.2f} [{p['ci_low']:.2f}, {p['ci_high']:.2f}]"
