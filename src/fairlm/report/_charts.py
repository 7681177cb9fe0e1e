"""Inline SVG charts, built as strings: per-group values with confidence-interval bars.

Each chart is a dot-and-whisker plot: one row per group, one marker per run. Runs differ
by marker *shape* and a text legend as well as colour, the value is printed at the end
of each row, and the ideal value is a labelled dashed line, so nothing depends on colour
alone. The ``<svg>`` has ``role="img"`` with a ``<title>`` and ``<desc>``; the caller puts a
table of the same numbers next to it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from fairlm.report._format import esc, fmt, fmt_ideal, is_number

__all__ = ["Point", "dot_chart", "marker_svg", "MARKERS"]

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


def marker_svg(kind: str, x: float, y: float, r: float = 5.0, cls: str = "") -> str:
    c = f' class="{cls}"' if cls else ""
    if kind == "square":
        return (
            f'<rect{c} x="{x - r:.1f}" y="{y - r:.1f}" width="{2 * r:.1f}" height="{2 * r:.1f}"/>'
        )
    if kind == "triangle":
        pts = f"{x:.1f},{y - r * 1.15:.1f} {x + r * 1.1:.1f},{y + r * 0.85:.1f} "
        pts += f"{x - r * 1.1:.1f},{y + r * 0.85:.1f}"
        return f'<polygon{c} points="{pts}"/>'
    if kind == "diamond":
        pts = f"{x:.1f},{y - r * 1.3:.1f} {x + r * 1.3:.1f},{y:.1f} "
        pts += f"{x:.1f},{y + r * 1.3:.1f} {x - r * 1.3:.1f},{y:.1f}"
        return f'<polygon{c} points="{pts}"/>'
    if kind == "cross":
        d = f"M{x - r:.1f},{y - r:.1f}L{x + r:.1f},{y + r:.1f}"
        d += f"M{x - r:.1f},{y + r:.1f}L{x + r:.1f},{y - r:.1f}"
        return f'<path{c} d="{d}" stroke-width="2.5"/>'
    return f'<circle{c} cx="{x:.1f}" cy="{y:.1f}" r="{r:.1f}"/>'


def _short(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "\u2026"


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
    """An SVG string; groups keep the order in which they first appear in ``points``.

    ``span`` forces values that the axis must include (for example ``(0, 100)`` for
    percentages of a whole), besides the points, their intervals and the ideal.
    """
    groups: list[str] = []
    for p in points:
        if p.group not in groups:
            groups.append(p.group)
    runs = sorted({p.run for p in points})
    nums = [v for p in points for v in (p.value, p.ci_low, p.ci_high) if is_number(v)]
    if is_number(ideal):
        nums.append(float(ideal))  # type: ignore[arg-type]
    if span is not None:
        nums += [float(span[0]), float(span[1])]
    if not nums:
        nums = [0.0, 1.0]
    x0, x1, step = _domain(nums)

    longest = max((len(g) for g in groups), default=4)
    label_chars = min(longest, int((180 - 12) / CHAR_W))
    label_w = max(60, math.ceil(label_chars * CHAR_W) + 12)
    plot_l, plot_r = label_w, WIDTH - VALUE_COL - 8
    legend = len(runs) > 1
    top = TOP + (18 if legend else 0)
    block = ROW * len(runs) + GAP
    height = top + block * len(groups) + BOTTOM

    def sx(v: float) -> float:
        return plot_l + (v - x0) / (x1 - x0) * (plot_r - plot_l)

    unit_txt = f" ({unit})" if unit else ""
    desc_bits = []
    for p in points:
        who = f"{run_labels[p.run]}, " if legend else ""
        ci = (
            f" (CI {fmt(p.ci_low, digits)} to {fmt(p.ci_high, digits)})"
            if is_number(p.ci_low) and is_number(p.ci_high)
            else ""
        )
        desc_bits.append(f"{who}{p.group}: {fmt(p.value, digits)}{ci}")
    ideal_txt = f" Ideal value {fmt_ideal(ideal)}." if is_number(ideal) else ""
    desc = "; ".join(desc_bits) + "." + ideal_txt

    out = [
        f'<svg class="chart" viewBox="0 0 {WIDTH} {height}" role="img" '
        f'aria-labelledby="{chart_id}-t {chart_id}-d" preserveAspectRatio="xMinYMin meet" '
        f'xmlns="http://www.w3.org/2000/svg">',
        f'<title id="{chart_id}-t">{esc(title + unit_txt)}</title>',
        f'<desc id="{chart_id}-d">{esc(desc)}</desc>',
    ]
    if legend:
        x = plot_l
        for r in runs:
            kind = MARKERS[r % len(MARKERS)]
            out.append(f'<g class="run run-{r % len(MARKERS)}">{marker_svg(kind, x + 5, 14)}</g>')
            label = _short(run_labels[r], 28)
            out.append(f'<text class="lbl" x="{x + 14}" y="18">{esc(label)}</text>')
            x += 24 + int(len(label) * CHAR_W)
    # grid and axis labels
    tick = x0
    axis_y = height - BOTTOM + 6
    while tick <= x1 + step / 2:
        tx = sx(tick)
        out.append(f'<line class="grid" x1="{tx:.1f}" x2="{tx:.1f}" y1="{top - 6}" y2="{axis_y}"/>')
        out.append(
            f'<text class="tick" x="{tx:.1f}" y="{axis_y + 16}" text-anchor="middle">'
            f"{esc(fmt(round(tick, 10), _tick_digits(step)))}</text>"
        )
        tick += step
    out.append(f'<text class="tick" x="{WIDTH - 4}" y="{top - 10}" text-anchor="end">value</text>')
    if is_number(ideal):
        ix = sx(float(ideal))  # type: ignore[arg-type]
        out.append(
            f'<line class="ideal" x1="{ix:.1f}" x2="{ix:.1f}" y1="{top - 6}" y2="{axis_y}"/>'
        )
        out.append(
            f'<text class="ideal-lbl" x="{ix:.1f}" y="{top - 10}" text-anchor="middle">'
            f"ideal {esc(fmt_ideal(ideal))}</text>"
        )
    for gi, group in enumerate(groups):
        gy = top + gi * block
        if gi % 2 == 1:
            out.append(
                f'<rect class="band" x="0" y="{gy - 3}" width="{WIDTH}" '
                f'height="{block - GAP + 6}"/>'
            )
        mid = gy + ROW * len(runs) / 2
        out.append(
            f'<text class="lbl" x="{plot_l - 8}" y="{mid + 4:.1f}" text-anchor="end">'
            f"<title>{esc(group)}</title>{esc(_short(group, label_chars))}</text>"
        )
        for ri, r in enumerate(runs):
            p = next((q for q in points if q.group == group and q.run == r), None)
            y = gy + ri * ROW + ROW / 2
            if p is None or not is_number(p.value):
                out.append(
                    f'<text class="tick" x="{WIDTH - 4}" y="{y + 4:.1f}" '
                    'text-anchor="end">n/a</text>'
                )
                continue
            k = r % len(MARKERS)
            tip = f"{run_labels[r] + ', ' if legend else ''}{group}: {fmt(p.value, digits)}"
            parts = [f'<g class="run run-{k}"><title>{esc(tip)}</title>']
            if is_number(p.ci_low) and is_number(p.ci_high):
                a, b = sx(p.ci_low), sx(p.ci_high)  # type: ignore[arg-type]
                parts.append(
                    f'<line class="ci" x1="{a:.1f}" x2="{b:.1f}" y1="{y:.1f}" y2="{y:.1f}"/>'
                )
                for e in (a, b):
                    parts.append(
                        f'<line class="ci" x1="{e:.1f}" x2="{e:.1f}" '
                        f'y1="{y - 5:.1f}" y2="{y + 5:.1f}"/>'
                    )
            parts.append(marker_svg(MARKERS[k], sx(p.value), y))  # type: ignore[arg-type]
            parts.append("</g>")
            out.append("".join(parts))
            out.append(
                f'<text class="val" x="{WIDTH - 4}" y="{y + 4:.1f}" text-anchor="end">'
                f"{esc(fmt(p.value, digits))}</text>"
            )
    out.append("</svg>")
    return "\n".join(out)


def _tick_digits(step: float) -> int:
    """Decimals needed to print multiples of ``step`` exactly (0.25 -> 2, 5 -> 0)."""
    decimals = f"{step:.6f}".rstrip("0").split(".")[1]
    return min(6, len(decimals))
