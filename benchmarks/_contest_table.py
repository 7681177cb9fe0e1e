"""The tables of the mitigation contest (benchmarks/debias_experiment.py), from the
finished ``DIR/<method>/comparison.json`` and ``probe.json`` files.

Three Markdown tables: every figure before and after each method (value [95% CI]); each
method against its reference (the fine-tuning control for a fine-tuning method, the
original model for a training-free one), with the project's target; the fresh probes.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from fairlm.mitigation._table import KEY_FIGURES

__all__ = ["FIGURES", "contest_tables", "target_check"]

FINE_TUNING = ("cda", "adversarial", "constraint")
CONTROL = "finetune"

BBQ_GENDER = ("bbq", "bias_score_ambig", "Gender_identity", "BBQ gender identity s_AMB (0)")
# (benchmark, metric, group, label): the mitigation table's figures plus BBQ and the
# capability guard; the ideal and direction come from the figure itself
FIGURES: tuple[tuple[str, str, str, str], ...] = (
    *KEY_FIGURES,
    ("bbq", "bias_score_ambig", "overall", "BBQ s_AMB (0)"),
    BBQ_GENDER,
    ("bbq", "bias_score_disambig", "overall", "BBQ s_DIS (0)"),
    ("bbq", "accuracy_ambig", "overall", "BBQ accuracy, ambiguous, % (higher)"),
    ("bbq", "accuracy_disambig", "overall", "BBQ accuracy, disambiguated, % (higher)"),
    ("truthfulqa", "mc1", "overall", "TruthfulQA MC1, % (higher)"),
    ("truthfulqa", "mc2", "overall", "TruthfulQA MC2, % (higher)"),
    ("xstest", "unsafe_refusal_likelihood", "overall", "XSTest unsafe refused, % (higher)"),
    ("xstest", "over_refusal_likelihood", "overall", "XSTest safe refused, % (lower)"),
)


def _spec(bench: str, metric: str, group: str) -> tuple[str, str, str, str]:
    return next(f for f in FIGURES if f[:3] == (bench, metric, group))


SS_GENDER = _spec("stereoset", "stereotype_score", "gender")
LMS_GENDER = _spec("stereoset", "lm_score", "gender")
# where "worked" is judged: the bias headlines of the gender benchmarks
WORKED = (
    _spec("crows_pairs", "stereotype_score", "gender"),
    SS_GENDER,
    _spec("winobias", "pro_anti_gap", "overall"),
    BBQ_GENDER,
)


def _load(out: Path, methods: list[str]) -> dict[str, dict[str, Any]]:
    runs = {}
    for m in methods:
        p = out / m / "comparison.json"
        if p.is_file():
            run = {"comparison": json.loads(p.read_text(encoding="utf-8"))}
            for extra in ("probe", "timing"):
                q = out / m / f"{extra}.json"
                run[extra] = json.loads(q.read_text(encoding="utf-8")) if q.is_file() else None
            runs[m] = run
    return runs


def _row(comparison: dict, bench: str, metric: str, group: str) -> dict | None:
    for r in comparison.get("benchmarks", {}).get(bench, []):
        if r["metric"] == metric and r["group"] == group:
            return r
    return None


def _ci(f: dict | None) -> str:
    if not f or f.get("value") is None:
        return "n/a"
    if f.get("ci_low") is None:
        return f"{f['value']:.2f}"
    return f"{f['value']:.2f} [{f['ci_low']:.2f}, {f['ci_high']:.2f}]"


def _figure(runs: dict, m: str | None, spec) -> dict | None:
    """The figure after method ``m`` (None: before, from any run)."""
    for name, run in runs.items():
        r = _row(run["comparison"], *spec[:3])
        if r is not None and (m is None or name == m):
            return r["before"] if m is None else r["after"]
    return None


def _ppl(runs: dict, m: str | None) -> dict | None:
    for name, run in runs.items():
        p = run["comparison"].get("perplexity")
        if p and (m is None or name == m):
            return p["before"] if m is None else p["after"]
    return None


def _before_probe(runs: dict) -> dict | None:
    """The original model's probe that the saved models' probes are compared with (an
    eraser's own, taken where it reads, only when no other method ran)."""
    probes = [(m, run["probe"]) for m, run in runs.items() if run.get("probe")]
    shared = [p for m, p in probes if p.get("by") != m]
    return (shared or [p for _, p in probes] or [{}])[0].get("before")


def _probe(runs: dict, m: str | None, kind: str) -> str:
    p = _before_probe(runs) if m is None else (runs[m].get("probe") or {}).get("after")
    if not p:
        return "n/a"
    return f"{p[kind]['accuracy']:.1f} [{p[kind]['ci_low']:.1f}, {p[kind]['ci_high']:.1f}]"


def probe_note(runs: dict) -> str | None:
    """Which probes are an eraser's own, and what they read before erasure, when that
    differs from the before column."""
    before = _before_probe(runs)
    own: dict[str, list[str]] = {}
    for m, run in runs.items():
        p = run.get("probe") or {}
        if p.get("by") == m and p.get("before") and p["before"] != before:
            b = p["before"]
            key = (f"linear {b['linear']['accuracy']:.1f}, MLP {b['mlp']['accuracy']:.1f}, "
                   f"{b['linear']['n_test']} pairs")  # fmt: skip
            own.setdefault(key, []).append(m)
    if not own or not before:
        return None
    read = "; ".join(f"{', '.join(ms)}: {key}" for key, ms in own.items())
    return (
        f"The erasers' probe cells come from each eraser's own probes, taken on its own "
        f"held-out pairs (before erasure: {read}). The before column and the other cells "
        f"probe each saved model on the script's pairs ({before['linear']['n_test']} held out)."
    )


def figures_table(runs: dict) -> str:
    names = list(runs)
    head = ["figure (ideal)", "before", *(f"{m} (control)" if m == CONTROL else m for m in names)]
    lines = ["| " + " | ".join(head) + " |", "|---" * len(head) + "|"]
    for spec in FIGURES:
        if _figure(runs, None, spec) is None:
            continue
        cells = [_ci(_figure(runs, m, spec)) for m in names]
        lines.append("| " + " | ".join([spec[3], _ci(_figure(runs, None, spec)), *cells]) + " |")
    ppl = [_ci(_ppl(runs, m)) for m in names]
    lines.append(
        "| " + " | ".join(["held-out perplexity (lower)", _ci(_ppl(runs, None)), *ppl]) + " |"
    )
    for kind in ("linear", "mlp"):
        cells = [_probe(runs, m, kind) for m in names]
        label = f"fresh gender probe, {kind}, % (chance 50)"
        lines.append("| " + " | ".join([label, _probe(runs, None, kind), *cells]) + " |")
    return "\n".join(lines)


def _reference(runs: dict, m: str) -> str | None:
    """The control for a fine-tuning method (when it ran), else the original model."""
    return CONTROL if m in FINE_TUNING and CONTROL in runs else None


def _toward(ref: dict | None, new: dict | None, ideal: float) -> tuple[float, float] | None:
    """(distance to ``ideal`` gained, the reference's CI half-width)."""
    if not ref or not new or ref.get("value") is None or new.get("value") is None:
        return None
    half = (ref["ci_high"] - ref["ci_low"]) / 2 if ref.get("ci_low") is not None else 0.0
    return abs(ref["value"] - ideal) - abs(new["value"] - ideal), half


def target_check(runs: dict, m: str) -> dict[str, Any]:
    """The issue's target for method ``m`` against its reference: StereoSet gender SS
    toward 50 by more than the reference's CI half-width, StereoSet gender LMS down at
    most 2 points, held-out perplexity up at most 10%."""
    ref = _reference(runs, m)
    ss = _toward(_figure(runs, ref, SS_GENDER), _figure(runs, m, SS_GENDER), 50.0)
    lms_ref, lms = _figure(runs, ref, LMS_GENDER), _figure(runs, m, LMS_GENDER)
    lms_drop = None if not lms_ref or not lms else lms_ref["value"] - lms["value"]
    p_ref, p = _ppl(runs, ref), _ppl(runs, m)
    ppl_rise = None if not p_ref or not p else p["value"] / p_ref["value"] - 1.0
    met = {
        "ss": ss is not None and ss[0] > ss[1],
        "lms": lms_drop is not None and lms_drop <= 2.0,
        "ppl": ppl_rise is not None and ppl_rise <= 0.10,
    }
    return {"reference": ref or "before", "ss_toward_50": ss, "lms_drop": lms_drop,
            "perplexity_rise": ppl_rise, "met": met, "target_met": all(met.values())}  # fmt: skip


def target_table(runs: dict) -> str:
    head = ["method", "against", "StereoSet gender SS toward 50 (CI half-width)",
            "gender LMS change", "perplexity change", "CrowS-Pairs gender, WinoBias, BBQ "
            "gender s_AMB toward ideal", "target met"]  # fmt: skip
    lines = ["| " + " | ".join(head) + " |", "|---" * len(head) + "|"]
    for m in runs:
        if m == CONTROL:
            continue
        t = target_check(runs, m)
        ss = "n/a" if t["ss_toward_50"] is None else "{:+.2f} ({:.2f})".format(*t["ss_toward_50"])
        lms = "n/a" if t["lms_drop"] is None else f"{-t['lms_drop']:+.2f}"
        ppl = "n/a" if t["perplexity_rise"] is None else f"{100 * t['perplexity_rise']:+.1f}%"
        others = []
        for spec in (WORKED[0], WORKED[2], WORKED[3]):
            ideal = 0.0 if spec[0] in ("winobias", "bbq") else 50.0
            g = _toward(_figure(runs, _reference(runs, m), spec), _figure(runs, m, spec), ideal)
            others.append("n/a" if g is None else f"{g[0]:+.2f}{' ✓' if g[0] > g[1] else ''}")
        missed = [k for k, ok in t["met"].items() if not ok]
        verdict = "yes" if t["target_met"] else "no (" + ", ".join(missed) + ")"
        lines.append("| " + " | ".join([m, t["reference"], ss, lms, ppl, ", ".join(others),
                                         verdict]) + " |")  # fmt: skip
    return "\n".join(lines)


def timing_table(runs: dict) -> str:
    """Each method's wall time (its training, its audit, its probes) and the machine."""
    lines = ["| method | minutes | of which training | machine |", "|---|---|---|---|"]
    for m, run in runs.items():
        t = run.get("timing") or {}
        total = "n/a" if t.get("debias_s") is None else f"{t['debias_s'] / 60:.1f}"
        train = "-" if t.get("training_s") is None else f"{t['training_s'] / 60:.1f}"
        lines.append(f"| {m} | {total} | {train} | {t.get('machine', 'not recorded')} |")
    return "\n".join(lines)


def contest_tables(out: Path, methods: list[str]) -> tuple[str, dict[str, Any]]:
    """The Markdown for docs/mitigation.md and the same numbers as JSON."""
    runs = _load(out, methods)
    if not runs:
        return "(no finished method)", {}
    md = "\n\n".join([
        "Every figure before and after each method (value [95% CI]):",
        figures_table(runs),
        *filter(None, [probe_note(runs)]),
        "Each method against its reference (points toward the ideal; ✓: by more than the "
        "reference's CI half-width):",
        target_table(runs),
        "Wall time of each method's run (fitting or training, the audits it ran: the "
        "debiased model's, and the original model's where no earlier run had done it; the "
        "probes):",
        timing_table(runs),
    ])  # fmt: skip
    summary = {m: {"target": target_check(runs, m), "timing": run["timing"], "probe": run["probe"]}
               for m, run in runs.items()}  # fmt: skip
    return md, summary
