"""The before/after table of a ``comparison.json`` (plain text or Markdown)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

__all__ = [
    "KEY_FIGURES",
    "comparison_rows",
    "erasure_probe_rows",
    "format_comparison",
    "guard_rows",
]

# (benchmark, metric, group, label): the figures the README experiment reports.
KEY_FIGURES: tuple[tuple[str, str, str, str], ...] = (
    ("crows_pairs", "stereotype_score", "gender", "CrowS-Pairs gender SS (50)"),
    ("crows_pairs", "stereotype_score", "overall", "CrowS-Pairs overall SS (50)"),
    ("stereoset", "stereotype_score", "gender", "StereoSet gender SS (50)"),
    ("stereoset", "lm_score", "gender", "StereoSet gender LMS (100)"),
    ("stereoset", "icat", "gender", "StereoSet gender ICAT (100)"),
    ("stereoset", "stereotype_score", "overall", "StereoSet overall SS (50)"),
    ("stereoset", "lm_score", "overall", "StereoSet overall LMS (100)"),
    ("winobias", "pro_anti_gap", "overall", "WinoBias pro - anti, points (0)"),
)


def _ci(f: dict[str, Any] | None) -> str:
    """``value [low, high]``; a figure without an interval says so, with its ``n`` (a
    figure of two examples should not read like a settled 50.00)."""
    if not f or f.get("value") is None:
        return "n/a"
    if f.get("ci_low") is None:
        n = f"n={f['n']}, " if f.get("n") is not None else ""
        return f"{f['value']:.2f} ({n}no CI)"
    return f"{f['value']:.2f} [{f['ci_low']:.2f}, {f['ci_high']:.2f}]"


def _direction(row: dict[str, Any]) -> str:
    """Whether a change moved the figure toward its ideal or away from it (nothing where
    it has no ideal, or stays as far from it: 40 -> 60 around 50)."""
    if not row.get("delta") or "toward_ideal" not in row:
        return ""
    if row.get("beyond_ci"):
        return " (toward ideal, > CI half-width)"
    if row["toward_ideal"]:
        return " (toward ideal)"
    ideal, before, after = row["ideal"], row["before"]["value"], row["after"]["value"]
    return " (away from ideal)" if abs(after - ideal) > abs(before - ideal) else ""


def comparison_rows(
    comparison: dict[str, Any], figures: Sequence[tuple[str, str, str, str]] = KEY_FIGURES
) -> list[tuple[str, str, str, str]]:
    """(label, before, after, change) strings for the key figures and perplexity."""
    rows = []
    for bench, metric, group, label in figures:
        for r in comparison.get("benchmarks", {}).get(bench, []):
            if r["metric"] == metric and r["group"] == group:
                delta = "n/a" if r["delta"] is None else f"{r['delta']:+.2f}{_direction(r)}"
                rows.append((label, _ci(r["before"]), _ci(r["after"]), delta))
    ppl = comparison.get("perplexity")
    if ppl:
        rows.append(
            (
                "held-out perplexity (lower)",
                _ci(ppl["before"]),
                _ci(ppl["after"]),
                f"{100 * ppl['relative_change']:+.1f}%",
            )
        )
    rows += guard_rows(comparison)
    adv = comparison.get("adversarial")
    if adv and "probe_after" in adv:
        b, a = adv["probe_before"], adv["probe_after"]
        rows.append(
            (
                f"adversary probe accuracy, % (chance {b['chance']:.1f})",
                f"{b['accuracy']:.2f}",
                f"{a['accuracy']:.2f}",
                f"{a['accuracy'] - b['accuracy']:+.2f}",
            )
        )
    rows += erasure_probe_rows(comparison)
    return rows


def erasure_probe_rows(comparison: dict[str, Any]) -> list[tuple[str, str, str, str]]:
    """(label, before, after, change) of an erasure method's fresh probes."""
    details = comparison.get(comparison.get("method", "")) or {}
    b, a = details.get("probe_before") or {}, details.get("probe_after") or {}
    rows = []
    for kind in ("linear", "mlp"):
        if kind in b and kind in a:
            pb, pa = b[kind], a[kind]
            rows.append(
                (
                    f"{details.get('attribute', '')} probe, {kind}, % (chance {pb['chance']:.1f})",
                    _ci(dict(pb, value=pb["accuracy"])),
                    _ci(dict(pa, value=pa["accuracy"])),
                    f"{pa['accuracy'] - pb['accuracy']:+.2f}",
                )
            )
    return rows


def guard_rows(comparison: dict[str, Any]) -> list[tuple[str, str, str, str]]:
    """(label, before, after, change) of the capability guard's figures; a change beyond
    its interval in the harmful direction says so."""
    rows = []
    for r in comparison.get("guard", {}).get("figures", []):
        better = "higher" if r["worse_if"] == "lower" else "lower"
        change = f"{r['change']:+.2f}"
        if r["ci_low"] is not None:
            change += f" [{r['ci_low']:+.2f}, {r['ci_high']:+.2f}]"
        if r["flagged"]:
            change += f" GUARD: {r['harm']}"
        rows.append((f"{r['label']} ({better})", _ci(r["before"]), _ci(r["after"]), change))
    return rows


def format_comparison(comparison: dict[str, Any], *, markdown: bool = False) -> str:
    rows = comparison_rows(comparison)
    head = ("figure (ideal)", "before [95% CI]", "after [95% CI]", "change")
    if markdown:
        lines = ["| " + " | ".join(head) + " |", "|---|---|---|---|"]
        lines += ["| " + " | ".join(r) + " |" for r in rows]
        return "\n".join(lines)
    widths = [max(len(r[i]) for r in [head, *rows]) for i in range(4)]
    fmt = "  ".join(f"{{:<{w}}}" for w in widths)
    title = f"method: {comparison.get('method')}  model: {comparison.get('base_model')}"
    return "\n".join([title, fmt.format(*head), *(fmt.format(*r) for r in rows)])
