"""Measurements around a debias run: held-out perplexity, finding or reusing the audits
before and after, and the before/after comparison of every figure."""

from __future__ import annotations

import hashlib
import json
import math
import shutil
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from fairlm._io import atomic_write_json
from fairlm.errors import FairlmError

__all__ = [
    "before_prefix",
    "cached_perplexity",
    "compare_results",
    "copy_baseline",
    "heldout_perplexity",
    "reuse_audit",
]


def before_prefix(out: Path) -> str | None:
    """The prefix token the before-audit used, so the after-audit scores alike."""
    p = out / "before" / "results.json"
    if p.is_file():
        return json.loads(p.read_text(encoding="utf-8"))["model"].get("prefix_token")
    return None


def _audit_matches(
    results: dict[str, Any], lm: Any, benchmarks: Sequence[str], limit, configs=None
) -> bool:
    model = results.get("model", {})
    same_model = model.get("hash") == lm.info.get("hash") and model.get("name") == lm.name
    same_scoring = model.get("prefix_token") == lm.prefix_token and model.get("dtype") == lm.dtype
    have = results.get("benchmarks", {})
    same_limit = results.get("config", {}).get("limit") == limit
    # benchmarks with settings of their own (the capability guard's): the same settings
    same_settings = all(
        have.get(name, {}).get("config") == json.loads(json.dumps(config))
        for name, config in (configs or {}).items()
    )
    return (
        same_model
        and same_scoring
        and same_limit
        and same_settings
        and all(b in have for b in benchmarks)
    )


def reuse_audit(folder: Path, lm: Any, benchmarks: Sequence[str], limit, configs=None):
    """The audit saved in ``folder`` if it was made with this model, these benchmarks,
    ``limit``, and each benchmark of ``configs`` with that config; else None."""
    p = folder / "results.json"
    if not p.is_file():
        return None
    results = json.loads(p.read_text(encoding="utf-8"))
    return results if _audit_matches(results, lm, benchmarks, limit, configs) else None


def copy_baseline(src: Path, dst: Path, lm: Any, benchmarks, limit, configs=None) -> dict:
    p = src / "results.json"
    if not p.is_file():
        raise FairlmError(f"baseline {src}: no results.json; run `fairlm audit` there first")
    results = json.loads(p.read_text(encoding="utf-8"))
    if not _audit_matches(results, lm, benchmarks, limit, configs):
        raise FairlmError(
            f"baseline {src} was not made with this model ({lm.name}, {lm.dtype}, prefix "
            f"{lm.prefix_token!r}), these benchmarks ({', '.join(benchmarks)}) and limit "
            f"{limit}, with the capability guard's settings; drop --baseline to audit the "
            "original model again"
        )
    dst.mkdir(parents=True, exist_ok=True)
    for f in src.iterdir():
        if f.is_file() and (f.name == "results.json" or f.name.startswith("samples_")):
            shutil.copy2(f, dst / f.name)
    return results


def cached_perplexity(folder: Path, lm, texts, n_bootstrap, seed) -> dict[str, Any]:
    p = folder / "perplexity.json"
    if p.is_file():
        cached = json.loads(p.read_text(encoding="utf-8"))
        if cached.get("n_texts") == len(texts) and cached.get("texts_hash") == _hash(texts):
            return cached
    ppl = heldout_perplexity(lm, texts, n_bootstrap=n_bootstrap, seed=seed)
    atomic_write_json(p, ppl)
    return ppl


def _hash(texts: Sequence[str]) -> str:
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
    import numpy as np

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
