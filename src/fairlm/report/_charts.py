"""Inline SVG charts: per-group values with confidence-interval bars.

Each chart is a dot-and-whisker plot: one row per group, one marker per run. Runs differ
by marker *shape* and a text legend as well as colour, the value is printed at the end
of each row, and the ideal value is a labelled dashed line, so nothing depends on colour
alone. The ``<svg>`` has ``role="img"`` with a ``<title>`` and ``<desc>``; the caller puts a
table of the same numbers next to it.

The geometry is computed here (coordinates as text, ready to place); the markup is in
``templates/chart.svg.j2``. No JavaScript, no library, nothing loaded.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from fairlm.report._format import fmt, fmt_ideal, is_number
from fairlm.report._render import render

__all__ = ["MARKERS", "Point", "Shape", "dot_chart", "marker_shape"]

MARKERS = ("circle", "square", "triangle", "diamond", "cross")
WIDTH = 500
ROW = 20  # height of one run's row inside a group
GAP = 10  # space between groups
TOP = 34
BOTTOM = 34
VALUE_COL = 58  # right-hand column with the printed value
CHAR_W = 7.8  # generous average width of a 13 px character, to keep labels inside the chart


@dataclass(frozen=True)
class Point:
    group: str
    run: int  # index of the run; picks marker shape and colour
    value: float | None
    ci_low: float | None = None
    ci_high: float | None = None


@dataclass(frozen=True)
class Shape:
    """One SVG element: its tag and its attributes, in order."""

    tag: str
    attrs: tuple[tuple[str, str], ...]


def marker_shape(kind: str, x: float, y: float, r: float = 5.0) -> Shape:
    """The marker of a run (one of :data:`MARKERS`) centred at (x, y)."""
    if kind == "square":
        box = (("x", x - r), ("y", y - r), ("width", 2 * r), ("height", 2 * r))
        return Shape("rect", tuple((k, f"{v:.1f}") for k, v in box))
    if kind in ("triangle", "diamond"):
        if kind == "triangle":
            pts = [(x, y - r * 1.15), (x + r * 1.1, y + r * 0.85), (x - r * 1.1, y + r * 0.85)]
        else:
            d = r * 1.3
            pts = [(x, y - d), (x + d, y), (x, y + d), (x - d, y)]
        return Shape("polygon", (("points", " ".join(f"{a:.1f},{b:.1f}" for a, b in pts)),))
    if kind == "cross":
        path = f"M{x - r:.1f},{y - r:.1f}L{x + r:.1f},{y + r:.1f}"
        path += f"M{x - r:.1f},{y + r:.1f}L{x + r:.1f},{y - r:.1f}"
        return Shape("path", (("d", path), ("stroke-width", "2.5")))
    return Shape("circle", (("cx", f"{x:.1f}"), ("cy", f"{y:.1f}"), ("r", f"{r:.1f}")))


def _short(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "\u2026"


def _nice_step(span: float, n: int = 5) -> float:
    raw = span / max(n, 1)
    mag = 10 ** math.floor(math.log10(raw))
    for m in (1, 2, 2.5, 5, 10):
        if raw <= m * mag:
            return m * mag
    return 10 * mag


def _domain(values: list[float]) -> tuple[float, float, float]:
    lo, hi = min(values), max(values)
    if hi - lo < 1e-12:
        pad = abs(lo) * 0.1 or 1.0
        lo, hi = lo - pad, hi + pad
    step = _nice_step(hi - lo)
    return math.floor(lo / step) * step, math.ceil(hi / step) * step, step


def _tick_digits(step: float) -> int:
    """Decimals needed to print multiples of ``step`` exactly (0.25 -> 2, 5 -> 0)."""
    decimals = f"{step:.6f}".rstrip("0").split(".")[1]
    return min(6, len(decimals))


@dataclass(frozen=True)
class _Frame:
    """Where things go: the value axis and the vertical layout."""

    x0: float
    x1: float
    step: float
    plot_l: float
    plot_r: float
    top: int
    block: int
    height: int
    label_chars: int

    def sx(self, v: float) -> float:
        return self.plot_l + (v - self.x0) / (self.x1 - self.x0) * (self.plot_r - self.plot_l)


def _frame(
    points: list[Point], groups: list[str], runs: list[int], ideal: Any, span: Any
) -> _Frame:
    nums = [v for p in points for v in (p.value, p.ci_low, p.ci_high) if is_number(v)]
    if is_number(ideal):
        nums.append(float(ideal))
    if span is not None:
        nums += [float(span[0]), float(span[1])]
    x0, x1, step = _domain(nums or [0.0, 1.0])
    longest = max((len(g) for g in groups), default=4)
    label_chars = min(longest, int((180 - 12) / CHAR_W))
    label_w = max(60, math.ceil(label_chars * CHAR_W) + 12)
    top = TOP + (18 if len(runs) > 1 else 0)
    block = ROW * len(runs) + GAP
    height = top + block * len(groups) + BOTTOM
    return _Frame(x0, x1, step, label_w, WIDTH - VALUE_COL - 8, top, block, height, label_chars)


def _description(
    points: list[Point], run_labels: list[str], legend: bool, ideal: Any, digits: int
) -> str:
    bits = []
    for p in points:
        who = f"{run_labels[p.run]}, " if legend else ""
        ci = (
            f" (CI {fmt(p.ci_low, digits)} to {fmt(p.ci_high, digits)})"
            if is_number(p.ci_low) and is_number(p.ci_high)
            else ""
        )
        bits.append(f"{who}{p.group}: {fmt(p.value, digits)}{ci}")
    return "; ".join(bits) + "." + (f" Ideal value {fmt_ideal(ideal)}." if is_number(ideal) else "")


def _ticks(f: _Frame) -> list[dict[str, str]]:
    out = []
    tick = f.x0
    while tick <= f.x1 + f.step / 2:
        label = fmt(round(tick, 10), _tick_digits(f.step))
        out.append({"x": f"{f.sx(tick):.1f}", "label": label})
        tick += f.step
    return out


def _marker_row(p: Point | None, r: int, y: float, f: _Frame, tip: str, digits: int) -> dict:
    """One run's row in a group: its marker, interval bar and printed value, or n/a."""
    row: dict[str, Any] = {"text_y": f"{y + 4:.1f}", "value": None}
    if p is None or not is_number(p.value):
        return row
    k = r % len(MARKERS)
    lines = []
    if is_number(p.ci_low) and is_number(p.ci_high):
        a, b = f.sx(p.ci_low), f.sx(p.ci_high)  # type: ignore[arg-type]
        lines.append((f"{a:.1f}", f"{b:.1f}", f"{y:.1f}", f"{y:.1f}"))
        lines += [(f"{e:.1f}", f"{e:.1f}", f"{y - 5:.1f}", f"{y + 5:.1f}") for e in (a, b)]
    row.update(
        k=k,
        tip=tip,
        ci_lines=lines,
        marker=marker_shape(MARKERS[k], f.sx(p.value), y),  # type: ignore[arg-type]
        value=fmt(p.value, digits),
    )
    return row


def dot_chart(
    *,
    chart_id: str,
    title: str,
    points: list[Point],
    run_labels: list[str],
    ideal: float | None = None,
    unit: str = "",
    digits: int = 2,
    span: tuple[float, float] | None = None,
) -> str:
    """The chart as SVG markup; groups keep the order in which they first appear in
    ``points``.

    ``span`` forces values that the axis must include (for example ``(0, 100)`` for
    percentages of a whole), besides the points, their intervals and the ideal.
    """
    groups = list(dict.fromkeys(p.group for p in points))
    runs = sorted({p.run for p in points})
    legend = len(runs) > 1
    f = _frame(points, groups, runs, ideal, span)
    legend_items, x = [], f.plot_l
    for r in runs if legend else []:
        k, label = r % len(MARKERS), _short(run_labels[r], 28)
        marker = marker_shape(MARKERS[k], x + 5, 14)
        legend_items.append({"k": k, "marker": marker, "x": x + 14, "label": label})
        x += 24 + int(len(label) * CHAR_W)
    rows = []
    for gi, group in enumerate(groups):
        gy = f.top + gi * f.block
        runs_here = []
        for ri, r in enumerate(runs):
            p = next((q for q in points if q.group == group and q.run == r), None)
            who = run_labels[r] + ", " if legend else ""
            tip = f"{who}{group}: {fmt(p.value, digits) if p else ''}"
            runs_here.append(_marker_row(p, r, gy + ri * ROW + ROW / 2, f, tip, digits))
        mid = gy + ROW * len(runs) / 2
        rows.append(
            {
                "band_y": gy - 3 if gi % 2 == 1 else None,
                "label_y": f"{mid + 4:.1f}",
                "label": group,
                "short": _short(group, f.label_chars),
                "runs": runs_here,
            }
        )
    return render(
        "chart.svg.j2",
        id=chart_id,
        width=WIDTH,
        frame=f,
        title=title + (f" ({unit})" if unit else ""),
        desc=_description(points, run_labels, legend, ideal, digits),
        legend=legend_items,
        ticks=_ticks(f),
        axis_y=f.height - BOTTOM + 6,
        ideal=(f"{f.sx(float(ideal)):.1f}", fmt_ideal(ideal)) if is_number(ideal) else None,
        rows=rows,
        band_height=f.block - GAP + 6,
    )
