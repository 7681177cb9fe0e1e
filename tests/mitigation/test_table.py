"""The before/after table of ``fairlm debias``: each change says which way it moved the
figure relative to its ideal, and a figure without an interval says so."""

from __future__ import annotations

from fairlm.mitigation._evaluate import compare_results
from fairlm.mitigation._table import comparison_rows


def _results(figures: list[tuple[str, str, float, float | None, float | None, int]]) -> dict:
    """An audit's results with one benchmark per (benchmark, group, value, low, high, n)."""
    benches: dict = {}
    for bench, group, value, low, high, n in figures:
        metric = "pro_anti_gap" if bench == "winobias" else "stereotype_score"
        ideal = 0.0 if bench == "winobias" else 50.0
        fig = {"metric": metric, "group": group, "value": value, "ci_low": low,
               "ci_high": high, "n": n, "ideal": ideal}  # fmt: skip
        benches.setdefault(bench, {"summary": {"figures": []}})["summary"]["figures"].append(fig)
    return {"benchmarks": benches}


def test_changes_say_toward_or_away_from_the_ideal():
    before = _results([
        ("crows_pairs", "gender", 75.0, 30.0, 95.0, 4),  # 25 from 50 ...
        ("crows_pairs", "overall", 60.0, 55.0, 65.0, 300),  # 10 from 50, CI half-width 5
        ("stereoset", "gender", 40.0, 35.0, 45.0, 200),
        ("stereoset", "overall", 55.0, 50.0, 60.0, 900),
        ("winobias", "overall", 10.0, None, None, 2),
    ])  # fmt: skip
    after = _results([
        ("crows_pairs", "gender", 100.0, 51.0, 100.0, 4),  # ... 50 from 50: away
        ("crows_pairs", "overall", 52.0, 47.0, 57.0, 300),  # 2 from 50: 8 nearer, > 5
        ("stereoset", "gender", 60.0, 55.0, 65.0, 200),  # 10 from 50 both times
        ("stereoset", "overall", 53.0, 48.0, 58.0, 900),  # 3 nearer, < 5
        ("winobias", "overall", 10.0, None, None, 2),
    ])  # fmt: skip
    rows = {label: (b, a, change) for label, b, a, change in
            comparison_rows({"benchmarks": compare_results(before, after)})}  # fmt: skip
    assert rows["CrowS-Pairs gender SS (50)"][2] == "+25.00 (away from ideal)"
    assert rows["CrowS-Pairs overall SS (50)"][2] == "-8.00 (toward ideal, > CI half-width)"
    assert rows["StereoSet gender SS (50)"][2] == "+20.00"
    assert rows["StereoSet overall SS (50)"][2] == "-2.00 (toward ideal)"
    assert rows["WinoBias pro - anti, points (0)"] == (
        "10.00 (n=2, no CI)",
        "10.00 (n=2, no CI)",
        "+0.00",
    )
    assert rows["CrowS-Pairs gender SS (50)"][0] == "75.00 [30.00, 95.00]"
