"""The "Training data" section: a hand-built data-audit JSON in, numbers and escaping out."""

from __future__ import annotations

import json
from html.parser import HTMLParser
from pathlib import Path

import pytest
from _report_runs import EVIL_GROUP, IMG_TEXT, SCRIPT_TEXT, data_audit, write_data_audit

from fairlm.cli import main
from fairlm.report import build_report_html, write_report


class _Tables(HTMLParser):
    """Every table as (caption, rows of cell texts), and every element id."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: list[tuple[str, list[list[str]]]] = []
        self.ids: list[str] = []
        self._cell: list[str] | None = None
        self._cap: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if a.get("id"):
            self.ids.append(a["id"])
        if tag == "table":
            self.tables.append(("", []))
        elif tag == "caption":
            self._cap = []
        elif tag == "tr":
            self.tables[-1][1].append([])
        elif tag in ("td", "th"):
            self._cell = []

    def handle_endtag(self, tag):
        if tag == "caption" and self._cap is not None:
            self.tables[-1] = ("".join(self._cap), self.tables[-1][1])
            self._cap = None
        elif tag in ("td", "th") and self._cell is not None:
            self.tables[-1][1][-1].append("".join(self._cell))
            self._cell = None

    def handle_data(self, data):
        for buf in (self._cell, self._cap):
            if buf is not None:
                buf.append(data)


def _table(html: str, caption: str) -> list[list[str]]:
    p = _Tables()
    p.feed(html)
    found = [rows for cap, rows in p.tables if cap == caption]
    assert len(found) == 1, [cap for cap, _ in p.tables]
    return found[0]


@pytest.fixture
def audit_file(tmp_path: Path) -> Path:
    return write_data_audit(tmp_path / "corpus" / "audit.json")


def test_representation_counts_and_shares(audit_file: Path) -> None:
    html = build_report_html([audit_file])
    assert "<title>Training data report: audit</title>" in html
    assert "1,200 documents, 34,567 words" in html
    # largest first; shares printed in percent with one decimal
    assert _table(html, "Representation: gender") == [
        ["Group", "Mentions", "Documents", "Share of axis %"],
        ["male", "30", "8", "75.0"],
        ["female", "10", "5", "25.0"],
    ]
    assert _table(html, "Representation: race_ethnicity") == [
        ["Group", "Mentions", "Documents", "Share of axis %"],
        [EVIL_GROUP, "4", "2", "80.0"],
        ["asian", "1", "1", "20.0"],
    ]
    assert "gender: 40 mentions, 2 groups" in html and "religion: 0 mentions, 1 group<" in html
    assert "No religion terms were found in the corpus." in html
    # one share chart per axis with mentions, one skew chart per word kind
    assert html.count('<svg class="chart"') == 4
    # the gender chart's text description, with each group's mentions as its n
    assert "male: 75.0, n = 30; female: 25.0, n = 10." in html
    assert "1 file(s) of the corpus could not be read" in html


def test_cooccurrence_sorted_by_skew_with_pmi(audit_file: Path) -> None:
    html = build_report_html([audit_file])
    head = [
        "Occupation",
        "Count",
        "Near male terms",
        "Near female terms",
        "PMI male (log2)",
        "PMI female (log2)",
        "Skew ratio f/m",
        "Leans",
    ]
    # most female-leaning first, undefined skew last; a real minus sign
    assert _table(html, "Occupations by skew ratio, most female-leaning first") == [
        head,
        ["nurse", "9", "2", "6", "\u22121.68", "1.91", "12.00", "female"],
        [SCRIPT_TEXT, "5", "4", "1", "0.00", "0.00", "1.00", "balanced"],
        ["engineer", "10", "8", "1", "0.15", "\u22120.85", "0.50", "male"],
        ["pilot", "4", "3", "0", "0.32", "n/a", "n/a", "n/a (absent near one group)"],
    ]
    assert _table(html, "Adjectives by skew ratio, most female-leaning first")[1] == [
        "kind",
        "2",
        "1",
        "1",
        "\u22120.68",
        "1.32",
        "4.00",
        "female",
    ]
    # the skew chart draws log2(skew): nurse log2 12 = 3.585, engineer -1, balanced 0
    assert "nurse: 3.58; " in html and "engineer: \u22121.00." in html
    assert "400 near male terms, 100 near female terms" in html and "within 10 words" in html


def test_everything_from_the_file_is_escaped(audit_file: Path) -> None:
    html = build_report_html([audit_file])
    for hostile in (SCRIPT_TEXT, IMG_TEXT, EVIL_GROUP):
        assert hostile not in html
    assert "&lt;script&gt;window.__pwned=1&lt;/script&gt;" in html
    # quotes as the templates' autoescape (markupsafe) writes them: &#34;
    assert "&lt;img src=x onerror=&#34;window.__pwned=2&#34;&gt;" in html
    assert "x&#34; onmouseover=&#34;window.__pwned=3" in html
    assert html.count("<script") == 1  # the page's own


def test_audit_next_to_a_run(run_dir: Path, audit_file: Path, tmp_path: Path) -> None:
    out = write_report([run_dir, audit_file], tmp_path / "r.html", labels=["base", "corpus A"])
    html = out.read_text(encoding="utf-8")
    assert (tmp_path / "model_card.md").is_file()
    p = _Tables()
    p.feed(html)
    assert len(p.ids) == len(set(p.ids))  # chart ids stay unique across sections
    order = [html.index(f'id="{x}"') for x in ("summary", "training-data", "bench-crows_pairs")]
    assert order == sorted(order)
    assert '<a href="#training-data">Training data</a>' in html
    assert "corpus A: <code>" in html  # listed among the sources with its label
    assert "from 1 saved run and 1 data audit;" in html


def test_two_audits_get_a_heading_each(audit_file: Path, tmp_path: Path) -> None:
    other = write_data_audit(tmp_path / "b" / "audit-cda.json")
    html = build_report_html([audit_file, other])
    assert "<h3>audit</h3>" in html and "<h3>audit-cda</h3>" in html


def test_cli_with_only_a_data_audit(audit_file: Path, tmp_path: Path, capsys) -> None:
    assert main(["report", str(audit_file)]) == 0
    out = audit_file.parent / "report.html"
    assert capsys.readouterr().out.strip() == f"wrote {out}"
    assert out.is_file() and not (audit_file.parent / "model_card.md").exists()
    assert 'id="training-data"' in out.read_text(encoding="utf-8")


def test_cli_refuses_an_unknown_audit_version(tmp_path: Path, capsys) -> None:
    data = data_audit()
    data["version"] = 99
    bad = write_data_audit(tmp_path / "a.json", data)
    assert main(["report", str(bad), "-o", str(tmp_path / "o.html")]) == 2
    err = capsys.readouterr().err
    assert "data audit of version 99" in err and err.count("\n") == 1
    assert not (tmp_path / "o.html").exists()


def test_other_json_files_are_still_read_as_results(tmp_path: Path, capsys) -> None:
    (tmp_path / "x.json").write_text(json.dumps({"kind": "something else"}), encoding="utf-8")
    assert main(["report", str(tmp_path / "x.json"), "-o", str(tmp_path / "o.html")]) == 2
    assert "not a fairlm results file" in capsys.readouterr().err
