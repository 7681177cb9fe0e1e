"""Small result records shared by the metrics modules, and JSON/number helpers."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

__all__ = ["Estimate", "clean", "fmt", "fmt_p", "render_table"]


def clean(x: Any) -> Any:
    """Plain JSON data: numpy scalars -> Python, NaN/inf -> None, recursively."""
    if isinstance(x, dict):
        return {str(k): clean(v) for k, v in x.items()}
    if isinstance(x, list | tuple):
        return [clean(v) for v in x]
    if isinstance(x, np.generic):
        x = x.item()
    if isinstance(x, float) and not math.isfinite(x):
        return None
    return x


@dataclass(frozen=True)
class Estimate:
    """A point value with its bootstrap confidence interval and permutation p-value.

    ``ci_low``/``ci_high`` are NaN when no bootstrap was run (or the value is undefined in
    every resample); ``p_value`` is NaN for quantities that are not a between-group
    comparison (for example a single group's rate).
    """

    value: float
    ci_low: float = math.nan
    ci_high: float = math.nan
    p_value: float = math.nan

    def to_dict(self) -> dict[str, float | None]:
        return {
            "value": clean(float(self.value)),
            "ci_low": clean(float(self.ci_low)),
            "ci_high": clean(float(self.ci_high)),
            "p_value": clean(float(self.p_value)),
        }


def fmt(x: float, digits: int = 3) -> str:
    return "n/a" if x is None or not math.isfinite(x) else f"{x:.{digits}f}"


def fmt_ci(lo: float, hi: float, digits: int = 3) -> str:
    if not (math.isfinite(lo) and math.isfinite(hi)):
        return ""
    return f"[{lo:.{digits}f}, {hi:.{digits}f}]"


def fmt_p(p: float) -> str:
    return "" if not math.isfinite(p) else f"{p:.3g}"


def render_table(headers: list[str], rows: list[list[str]], right: set[int] | None = None) -> str:
    """A plain-text table; columns in ``right`` (default: all but the first) right-aligned."""
    right = set(range(1, len(headers))) if right is None else right
    widths = [max(len(str(r[j])) for r in [headers, *rows]) for j in range(len(headers))]

    def line(cells: list[str]) -> str:
        parts = [
            str(c).rjust(w) if j in right else str(c).ljust(w)
            for j, (c, w) in enumerate(zip(cells, widths, strict=True))
        ]
        return "  ".join(parts).rstrip()

    return "\n".join([line(headers), line(["-" * w for w in widths]), *map(line, rows)])
