"""Figure kinds in the report, old results files, the page's policy and its escaping."""

from __future__ import annotations

import base64
import hashlib
import re
from html import unescape
from pathlib import Path

from _report_runs import IMG_TEXT, SCRIPT_TEXT, crows, fig, write_run

from fairlm.report import build_report_html, load_runs

GAP = "gap (max - min)"


def _first_chart_desc(html: str, name: str) -> str:
    section = html[html.index(f'id="bench-{name}"') :]
    return section[section.index("<desc") : section.index("</desc>")]


def test_old_files_mark_gaps_by_their_group_label(run_dir: Path) -> None:
    """results.json written before figures had a kind: the gap is found by its label."""
    run = load_runs([run_dir])[0]
    figures = run.benchmarks["crows_pairs"]["summary"]["figures"]
    assert {f["group"]: f["kind"] for f in figures}[GAP] == "gap"
    assert {f["kind"] for f in figures if f["group"] != GAP} == {"value"}
    html = build_report_html([run_dir])
    desc = _first_chart_desc(html, "crows_pairs")
    assert "gender: 70.00" in desc and GAP not in desc  # charted: the groups, not the gap
    assert f"<td>{GAP}</td>" in html  # listed with every figure


def test_a_group_named_like_the_gap_label_is_charted(tmp_path: Path) -> None:
    bench = crows()
    bench["summary"]["figures"] = [
        {**fig("stereotype_score", 60.0, "overall", 55.0, 65.0), "kind": "value"},
        {**fig("stereotype_score", 70.0, GAP, 60.0, 80.0), "kind": "value"},
        {**fig("stereotype_score", 50.0, "other", 40.0, 60.0), "kind": "value"},
        {**fig("stereotype_score", 20.0, GAP, 5.0, 30.0, ideal=0.0), "kind": "gap"},
    ]
    html = build_report_html([write_run(tmp_path / "r", [bench])])
    desc = _first_chart_desc(html, "crows_pairs")
    assert f"{GAP}: 70.00 (CI 60.00 to 80.00)" in desc and "20.00" not in desc
    # both figures named GAP are in the table of every figure, the value and the gap
    every = html[html.index("<caption>Every figure of") :]
    assert every.count(f"<td>{GAP}</td>") == 2


def test_a_metric_made_only_of_gaps_is_still_charted(tmp_path: Path) -> None:
    """BOLD's headline is the largest gap of any domain: one figure, of kind gap."""
    bench = crows()
    bench["summary"]["headline"] = "max_gap"
    bench["summary"]["figures"] = [
        {**fig("max_gap", 12.5, "overall", 2.0, 20.0, ideal=0.0), "kind": "gap"},
    ]
    html = build_report_html([write_run(tmp_path / "r", [bench])])
    assert "overall: 12.50 (CI 2.00 to 20.00)" in _first_chart_desc(html, "crows_pairs")


def test_dtype_shows_the_products_dtype_where_the_engine_fell_back(tmp_path: Path) -> None:
    model = {"name": "m", "dtype": "bfloat16", "engine": {"products": "float32 (no AMX)"}}
    html = build_report_html([write_run(tmp_path / "r", [crows()], model=model)])
    assert "<td>bfloat16 (products in float32)</td>" in html


def _sha256(text: str) -> str:
    return base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii")


def test_the_policy_names_the_inline_style_and_script_by_hash(run_dir: Path) -> None:
    html = build_report_html([run_dir])
    attr = re.search(r'http-equiv="Content-Security-Policy" content="([^"]*)"', html)[1]
    policy = unescape(attr)
    styles = re.findall(r"<style>(.*?)</style>", html, flags=re.S)
    scripts = re.findall(r"<script>(.*?)</script>", html, flags=re.S)
    assert len(styles) == 1 and len(scripts) == 1
    assert f"style-src 'sha256-{_sha256(styles[0])}'" in policy
    assert f"script-src 'sha256-{_sha256(scripts[0])}'" in policy
    assert "default-src 'none'" in policy and "unsafe-inline" not in policy


def test_every_field_of_a_results_file_is_escaped(tmp_path: Path) -> None:
    bench = crows()
    for key in ("title", "description", "citation", "license", "version"):
        bench[key] = f"{key} {SCRIPT_TEXT}"
    bench["commercial_use_ok"] = False
    bench["config"] = {"limit": 4, "protocol": IMG_TEXT}
    bench["near_ties"] = {"threshold_nats": 1e-4, "count": 1, "verdicts": 4, "ids": ["0"]}
    hostile = fig(f"metric{IMG_TEXT}", 1.0, SCRIPT_TEXT, unit=IMG_TEXT, note=SCRIPT_TEXT)
    bench["summary"]["figures"].append({**hostile, "kind": "value"})
    bench["summary"]["tables"] = {"t": [{"a": SCRIPT_TEXT, IMG_TEXT: 1}], "raw": [1, IMG_TEXT]}
    html = build_report_html([write_run(tmp_path / "r", [bench])])
    assert "window.__pwned=1</script>" not in html and "<img" not in html
    assert html.count("<script") == 1 and 'onerror="' not in html
    assert "title &lt;script&gt;window.__pwned=1&lt;/script&gt;" in html
    assert "1 of 4 verdicts is a tie" in html  # the near-tie line is still there
