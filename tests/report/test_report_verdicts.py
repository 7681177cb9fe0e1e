"""The top of the report: verdicts by the shared rule, the reading guide, the glossary,
headings on every table, and bar charts with n per group."""

from __future__ import annotations

import re
from html import unescape
from pathlib import Path

from _report_runs import (
    GAP_LABEL,
    Page,
    crows,
    verdict_cases,
    winobias,
    write_data_audit,
    write_run,
)
from markupsafe import escape

from fairlm.metrics import VERDICT_RULE
from fairlm.report import build_model_card, build_report_html, load_runs
from fairlm.report._glossary import SHARED, Glossary, missing_terms


def _statuses(page: Page, bench: str) -> dict[tuple[str, str, str], set[str]]:
    out: dict[tuple[str, str, str], set[str]] = {}
    for v in page.verdicts:
        if v["data-bench"] == bench:
            key = (v["data-metric"], v["data-kind"], v["data-group"])
            out.setdefault(key, set()).add(v["data-verdict"])
    return out


def test_verdicts_follow_the_shared_rule(tmp_path: Path) -> None:
    bench = verdict_cases()
    page = Page(build_report_html([write_run(tmp_path / "r", [bench])]))
    found = _statuses(page, "verdicts")
    for f in bench["summary"]["figures"]:
        key = (f["metric"], f["kind"], f["group"])
        # one status per figure wherever it is shown (overview, section, tables)
        assert found[key] == {f["expected"]}, key
    labels = {v["data-verdict"]: v["text"] for v in page.verdicts}
    assert labels == {
        "deviates": "Deviates from the ideal",
        "consistent": "No deviation shown",
        "no_verdict": "No verdict",
    }
    # the comparisons with their raw and Holm-adjusted p-values (see verdict_cases)
    rows = Page(build_report_html([write_run(tmp_path / "s", [bench])])).table(
        "Comparisons between groups"
    )
    assert rows[0] == ["Metric", "Group", "Value", "95% CI", "n", "p-value", "Holm p", "Verdict"]
    holm = {(r[0], r[1]): (r[5], r[6], r[7]) for r in rows[1:]}
    assert holm == {
        ("share", GAP_LABEL): ("0.010", "0.030", "Deviates from the ideal"),
        ("d1", "a - b"): ("0.030", "0.060", "No deviation shown"),
        ("max gap", "overall"): ("1.000", "1.000", "No deviation shown"),
        ("d2", "c - d"): ("0.001", "0.004", "No verdict"),
        ("d3", "e - f"): ("none", "", "No verdict"),
    }


def test_the_bold_case_of_issue_18_gets_no_deviation(tmp_path: Path) -> None:
    """A gap of 100 [100, 100] whose own permutation p-value is 1.0 (BOLD in make demo)."""
    bench = verdict_cases()
    bench["summary"]["headline"] = "max_gap"
    html = build_report_html([write_run(tmp_path / "r", [bench])])
    row = Page(html).table("Overview")[1]
    assert row[1:] == [
        "max gap (%)",
        "100.00",
        "[100.00, 100.00]",
        "0 (closer is better)",
        "No deviation shown",
        "1.000 (Holm)",
        "100",
    ]
    assert (
        "measurable deviation"
        not in html[html.index('id="bench-verdicts"') :].split("Every figure")[0]
    )


def test_model_card_states_the_rule_and_its_verdicts(tmp_path: Path) -> None:
    bench = verdict_cases()
    md = build_model_card(load_runs([write_run(tmp_path / "r", [crows(), bench])]))
    assert (
        "- CrowS-Pairs: Deviates from the ideal. The whole interval lies above the ideal 50" in md
    )
    assert "- Verdict cases: Deviates from the ideal." in md
    assert VERDICT_RULE.split(".")[0] in md


def test_reading_guide_at_the_top_with_the_rule(run_dir: Path) -> None:
    html = build_report_html([run_dir])
    guide = html.index('<details id="about" class="guide">')
    assert guide < html.index('<table class="overview">') < html.index('id="bench-')
    assert str(escape(VERDICT_RULE)) in html[guide : html.index("</details>", guide)]
    # the rule for comparing runs is there only when there are runs to compare
    assert "intervals do not overlap" not in html


def test_glossary_explains_every_term_a_figure_uses(run_dir: Path, tmp_path: Path) -> None:
    bench = verdict_cases()
    html = build_report_html([run_dir, write_run(tmp_path / "v", [bench])])
    page = Page(html)
    ids = set(page.ids)
    # every link to a term lands on an entry of the page
    targets = set(re.findall(r'class="term" href="#([^"]+)"', html))
    assert targets and targets <= ids
    # the shared terms the issue names, each with its definition
    for term in ("95% CI", "p-value", "Holm-adjusted p", "pp", "nats/token", "FOR", "FDR"):
        assert "<dt id=" in html and f">{escape(term)}</dt>" in html, term
    assert ">disparate impact</dt>" in html
    # registered benchmarks' own terms, under their title
    assert "<h4>CrowS-Pairs terms</h4>" in html and "<h4>WinoBias terms</h4>" in html
    assert 'id="term-crows_pairs-stereotype_score"' in html
    # the headline's metric links to its own benchmark's entry (CrowS-Pairs and StereoSet
    # both define a stereotype score)
    overview = html[html.index('<table class="overview">') :]
    row = overview[overview.index('<a href="#bench-crows_pairs">') :]
    assert row.index('href="#term-crows_pairs-stereotype_score"') < row.index("</tr>")
    # a benchmark this fairlm does not know: its metric is shown unlinked, nothing fails
    assert 'href="#term-brand_new' not in html
    # listed once, however many runs and benchmarks use it
    assert unescape(html).count("(60% minus 55% is 5 pp, not 5%)") == 1


def test_glossary_lookup() -> None:
    g = Glossary({"negative_share_<domain>": "neg", "negative_share_race": "race"}, "bold")
    assert g.lookup("negative_share_gender").definition == "neg"
    assert g.lookup("negative_share_race").definition == "race"  # an exact key first
    assert g.lookup("negative_share_") is None  # a placeholder stands for some text
    assert g.lookup("TPR").key == "TPR" and g.lookup("tpr").key == "TPR"
    assert g.lookup("Disparate_Impact").key == "disparate impact"
    assert g.lookup("%").anchor == "term-pct" and g.lookup("no such thing") is None
    assert g.lookup("negative_share_gender").anchor == "term-bold-negative_share_domain"
    figures = [
        {"metric": "negative_share_gender", "unit": "%"},
        {"metric": "odd_metric", "unit": "furlongs"},
        {"metric": "accuracy_difference", "unit": "pp"},
    ]
    assert missing_terms(figures, {"negative_share_<domain>": "neg"}) == ["odd_metric", "furlongs"]
    anchors = [Glossary({}).lookup(k).anchor for k in SHARED]
    assert len(set(anchors)) == len(anchors)


def test_every_table_has_a_caption(run_dir: Path, tmp_path: Path) -> None:
    audit = write_data_audit(tmp_path / "a" / "audit.json")
    for html in (
        build_report_html([run_dir, audit]),
        build_report_html([run_dir, run_dir], labels=["one", "two"]),
    ):
        page = Page(html)
        assert page.tables
        assert all(caption for caption, _ in page.tables), [c for c, _ in page.tables]


def test_nested_tables_name_where_they_sit(tmp_path: Path) -> None:
    """HolisticBias's per-axis tables: each names its axis."""
    bench = crows()
    bench["summary"]["tables"] = {
        "descriptors_by_axis": {
            axis: {
                "most_likely": [{"descriptor": f"{axis} a", "deviation": 0.5, "n": 8}],
                "least_likely": [{"descriptor": f"{axis} b", "deviation": -0.5, "n": 8}],
                "descriptors": 2,
            }
            for axis in ("ability", "age")
        }
    }
    captions = [c for c, _ in Page(build_report_html([write_run(tmp_path / "r", [bench])])).tables]
    for axis in ("ability", "age"):
        assert f"descriptors by axis \u203a {axis} \u203a most likely" in captions
        assert f"descriptors by axis \u203a {axis} \u203a least likely" in captions
        assert f"descriptors by axis \u203a {axis}" in captions  # its "descriptors: 2"


def test_charts_draw_bars_from_the_ideal_with_whiskers_and_n(tmp_path: Path) -> None:
    html = build_report_html([write_run(tmp_path / "r", [crows(), winobias()])])
    section = html[html.index('id="bench-crows_pairs"') : html.index('id="bench-winobias"')]
    svg = section[section.index('<svg class="chart"') : section.index("</svg>\n<figcaption")]
    # no viewBox: the text keeps its CSS size at any width; x positions in percent
    assert "viewBox" not in svg.split(">")[0] and 'width="100%"' in svg
    # overall, gender and the hostile group: a bar, a whisker (3 lines) and n each
    assert svg.count('class="bar"') == 3 and svg.count('class="ci"') == 9
    assert ">n = 100<" in svg and ">n = 40<" in svg and ">n = 60<" in svg
    # the bar of 60 runs from the ideal 50: axis 40..80 over 5%..79% of the width
    bars = re.findall(r'<rect class="bar" x="([\d.]+)%" y="[\d.]+" width="([\d.]+)%"', svg)
    x50 = 5 + (50 - 40) / 40 * 74
    x60 = 5 + (60 - 40) / 40 * 74
    assert (float(bars[0][0]), float(bars[0][1])) == (round(x50, 2), round(x60 - x50, 2))
    assert "ideal 50" in svg
    # the chart's text description carries n too
    assert "gender: 70.00 (CI 60.00 to 80.00), n = 40" in section


def test_a_bare_old_figure_renders_with_no_verdict(tmp_path: Path) -> None:
    """A figure from an old results file: no kind, n, interval, p-value, unit or ideal."""
    bench = crows()
    bench["summary"]["figures"] = [{"metric": "stereotype_score", "value": 61.0}]
    page = Page(build_report_html([write_run(tmp_path / "r", [bench])]))
    row = page.table("Overview")[1]
    assert row[1:6] == ["stereotype score", "61.00", "no CI", "no stated ideal", "No verdict"]
    assert {v["data-verdict"] for v in page.verdicts} == {"no_verdict"}
