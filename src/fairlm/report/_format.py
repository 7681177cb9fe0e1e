"""Number formatting and the plain-language direction of one figure (escaping is the
templates' job: they autoescape). Verdicts come from :mod:`fairlm.report._verdicts`."""

from __future__ import annotations

import math
from typing import Any

__all__ = [
    "text",
    "fmt",
    "fmt_ci",
    "fmt_p",
    "fmt_value",
    "fmt_ideal",
    "direction_text",
    "ideal_text",
    "is_number",
    "metric_label",
]


def text(value: Any) -> str:
    """A value from a file as display text; None (a missing value) shows as nothing."""
    return "" if value is None else str(value)


def is_number(v: Any) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v)


def fmt(v: Any, digits: int = 2) -> str:
    """A number with fixed decimals (a real minus sign), or 'n/a'."""
    if not is_number(v):
        return "n/a"
    if isinstance(v, int):
        return f"{v:,}".replace("-", "\u2212")
    s = f"{v:.{digits}f}"
    if float(s) == 0:
        s = s.lstrip("-")
    return s.replace("-", "\u2212")


def fmt_ideal(v: Any) -> str:
    """An ideal value without needless decimals: 50, 0, 0.5."""
    if not is_number(v):
        return "n/a"
    return fmt(v, 0) if float(v).is_integer() else fmt(v, 2)


def fmt_value(f: dict[str, Any], digits: int = 2) -> str:
    unit = f.get("unit") or ""
    v = fmt(f.get("value"), digits)
    if v == "n/a" or not unit or unit == "%":
        return v
    return f"{v} {unit}"


def fmt_ci(f: dict[str, Any], digits: int = 2) -> str:
    lo, hi = f.get("ci_low"), f.get("ci_high")
    if not (is_number(lo) and is_number(hi)):
        return "no CI"
    return f"[{fmt(lo, digits)}, {fmt(hi, digits)}]"


def fmt_p(p: Any) -> str:
    if not is_number(p):
        return ""
    if p < 0.001:
        return "< 0.001"
    return f"{p:.3f}"


def metric_label(metric: str) -> str:
    """``stereotype_score`` -> ``stereotype score``."""
    return str(metric).replace("_", " ")


def direction_text(f: dict[str, Any]) -> str:
    """Which way is better, from a figure's ``ideal`` and ``higher_is_better``."""
    ideal, hib = f.get("ideal"), f.get("higher_is_better")
    if hib is True:
        return "higher is better" + (f" (best: {fmt_ideal(ideal)})" if is_number(ideal) else "")
    if hib is False:
        return "lower is better" + (f" (best: {fmt_ideal(ideal)})" if is_number(ideal) else "")
    if is_number(ideal):
        return f"closer to {fmt_ideal(ideal)} is better (ideal: {fmt_ideal(ideal)})"
    return "no stated ideal value"


def ideal_text(f: dict[str, Any]) -> str:
    """Short form for a label: 'ideal 50 (closer is better)', 'ideal 0 (lower is better)'."""
    ideal, hib = f.get("ideal"), f.get("higher_is_better")
    how = {True: "higher is better", False: "lower is better"}.get(hib, "closer is better")
    if is_number(ideal):
        return f"ideal {fmt_ideal(ideal)} ({how})"
    return how if hib is not None else "no stated ideal"
