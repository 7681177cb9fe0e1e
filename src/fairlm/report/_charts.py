"""Inline SVG charts: per-group values as bars with confidence-interval whiskers.

Each group is a block: its name and n on one line, then one bar per run, drawn from the
baseline (the ideal value where there is one, else 0) to the value, with the 95% CI as a
whisker and a marker at the value. Runs differ by marker *shape* and a text legend as
well as colour, the value is printed at the end of each bar, and the ideal value is a
labelled dashed line, so nothing depends on colour alone. The ``<svg>`` has
``role="img"`` with a ``<title>`` and ``<desc>``; the caller puts a table of the same
numbers next to it.

The chart reflows: it has no ``viewBox``, so its text keeps its CSS size (12 px and up)
at any width, and every horizontal position is a percentage of the chart's width (the
names sit above the bars, not beside them, so nothing needs a fixed width). Heights are
in pixels. The geometry is computed here (coordinates as text, ready to place); the
markup is in ``templates/chart.svg.j2``. No JavaScript, no library, nothing loaded.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from fairlm.report._format import fmt, fmt_ideal, is_number
from fairlm.report._render import render

__all__ = ["MARKERS", "Point", "Shape", "bar_chart", "marker_shape"]

MARKERS = ("circle", "square", "triangle", "diamond", "cross")
TOP = 24  # room for the ideal value's label
LABEL_H = 17  # a group's name line
BAR_ROW = 16  # one run's bar
GROUP_GAP = 5  # space between groups
BOTTOM = 24  # tick labels
BAR_H = 10
PLOT_L, PLOT_R = 5.0, 79.0  # the value axis, in percent of the chart's width
LABEL_CHARS = 38  # a longer group name is cut (in full in its tooltip and the table)


@dataclass(frozen=True)
class Point:
    group: str
    run: int  # index of the run; picks marker shape and colour
    value: float | None
    ci_low: float | None = None
    ci_high: float | None = None
    n: int | None = None  # examples behind the value


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


def _nice_step(span: float, n: int = 4) -> float:
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
class _Axis:
    """The value axis: its range and how a value maps to a percentage of the width."""

    x0: float
    x1: float
    step: float

    def sx(self, v: float) -> float:
        return PLOT_L + (v - self.x0) / (self.x1 - self.x0) * (PLOT_R - PLOT_L)

    def pct(self, v: float) -> str:
        return f"{self.sx(v):.2f}%"


def _axis(points: list[Point], baseline: float, ideal: Any, span: Any) -> _Axis:
    nums = [v for p in points for v in (p.value, p.ci_low, p.ci_high) if is_number(v)]
    nums.append(baseline)
    if is_number(ideal):
        nums.append(float(ideal))
    if span is not None:
        nums += [float(span[0]), float(span[1])]
    return _Axis(*_domain(nums))


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
        n = f", n = {fmt(p.n)}" if is_number(p.n) else ""
        bits.append(f"{who}{p.group}: {fmt(p.value, digits)}{ci}{n}")
    return "; ".join(bits) + "." + (f" Ideal value {fmt_ideal(ideal)}." if is_number(ideal) else "")


def _ticks(a: _Axis) -> list[dict[str, str]]:
    out = []
    tick = a.x0
    while tick <= a.x1 + a.step / 2:
        label = fmt(round(tick, 10), _tick_digits(a.step))
        out.append({"x": a.pct(tick), "label": label})
        tick += a.step
    return out


def _bar(p: Point | None, r: int, y: float, a: _Axis, base: float, tip: str, digits: int) -> dict:
    """One run's bar in a group: from the baseline to the value, its CI whisker, its
    marker and its printed value; or n/a."""
    row: dict[str, Any] = {"text_y": f"{y + 4.5:.1f}", "value": None}
    if p is None or not is_number(p.value):
        return row
    k = r % len(MARKERS)
    x_base, x_val = a.sx(base), a.sx(p.value)  # type: ignore[arg-type]
    whisker = None
    if is_number(p.ci_low) and is_number(p.ci_high):
        whisker = {
            "x1": a.pct(p.ci_low),  # type: ignore[arg-type]
            "x2": a.pct(p.ci_high),  # type: ignore[arg-type]
            "y": f"{y:.1f}",
            "y1": f"{y - 5:.1f}",
            "y2": f"{y + 5:.1f}",
        }
    row.update(
        k=k,
        tip=tip,
        bar={
            "x": f"{min(x_base, x_val):.2f}%",
            "w": f"{abs(x_val - x_base):.2f}%",
            "y": f"{y - BAR_H / 2:.1f}",
            "h": BAR_H,
        },
        whisker=whisker,
        marker_x=f"{x_val:.2f}%",
        marker_y=f"{y:.1f}",
        marker=marker_shape(MARKERS[k], 0.0, 0.0, 4.5),
        value=fmt(p.value, digits),
    )
    return row


def _n_text(points: list[Point]) -> str:
    ns = [p.n for p in points if p is not None and is_number(p.n)]
    if not ns:
        return ""
    if len(set(ns)) == 1:
        return f"n = {fmt(ns[0])}"
    return "n = " + " / ".join(fmt(n) for n in ns)


def bar_chart(
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

    Bars start at the ideal value when there is one, else at 0. ``span`` forces values
    that the axis must include (for example ``(0, 100)`` for percentages of a whole),
    besides the points, their intervals, the baseline and the ideal.
    """
    groups = list(dict.fromkeys(p.group for p in points))
    runs = sorted({p.run for p in points})
    legend = len(runs) > 1
    base = float(ideal) if is_number(ideal) else 0.0
    a = _axis(points, base, ideal, span)
    block = LABEL_H + BAR_ROW * len(runs) + GROUP_GAP
    axis_y = TOP + block * len(groups)
    rows = []
    for gi, group in enumerate(groups):
        gy = TOP + gi * block
        here = [next((q for q in points if q.group == group and q.run == r), None) for r in runs]
        bars = []
        for ri, (r, p) in enumerate(zip(runs, here, strict=True)):
            who = run_labels[r] + ", " if legend else ""
            tip = f"{who}{group}: {fmt(p.value, digits) if p else 'n/a'}"
            y = gy + LABEL_H + ri * BAR_ROW + BAR_ROW / 2
            bars.append(_bar(p, r, y, a, base, tip, digits))
        rows.append(
            {
                "band_y": gy - 2 if gi % 2 == 1 else None,
                "label_y": f"{gy + 13:.1f}",
                "label": group,
                "short": _short(group, LABEL_CHARS),
                "n": _n_text([p for p in here if p is not None]),
                "runs": bars,
            }
        )
    ideal_at = None
    if is_number(ideal):
        x = a.sx(float(ideal))
        anchor = "start" if x < 12 else "end" if x > PLOT_R - 8 else "middle"
        ideal_at = {"x": f"{x:.2f}%", "label": fmt_ideal(ideal), "anchor": anchor}
    return render(
        "chart.svg.j2",
        id=chart_id,
        height=axis_y + BOTTOM,
        top=TOP,
        axis_y=axis_y,
        title=title + (f" ({unit})" if unit else ""),
        desc=_description(points, run_labels, legend, ideal, digits),
        ticks=_ticks(a),
        ideal=ideal_at,
        rows=rows,
        band_height=block - GROUP_GAP + 4,
    )
