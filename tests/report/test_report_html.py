"""Schema in, HTML out: figures, escaping, comparison of runs, model card, odd inputs."""

from __future__ import annotations

import json
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest
from _report_runs import EVIL_GROUP, IMG_TEXT, SCRIPT_TEXT, Page, crows, write_run

from fairlm.errors import FairlmError
from fairlm.report import build_model_card, build_report_html, load_runs, write_report
from fairlm.report._benchmarks import pick_examples
from fairlm.report._compare import compare

REAL_RUN = Path(__file__).resolve().parents[2] / "runs" / "smollm2-full"


class _Collect(HTMLParser):
    """Tags, attributes and ids of a page, to check its structure without a browser."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def _parse(html: str) -> _Collect:
    p = _Collect()
    p.feed(html)
    return p


def test_overview_table_first(run_dir: Path) -> None:
    """One row per benchmark: headline, value, CI, ideal, verdict (by the shared rule), p, n."""
    html = build_report_html([run_dir])
    assert "<!DOCTYPE html>" in html and 'name="viewport"' in html
    # the overview is the page's first table, before every benchmark section
    assert html.index('<table class="overview">') < html.index('id="bench-crows_pairs"')
    rows = Page(html).table("Overview: each benchmark's headline figure")
    assert rows[0] == ["Benchmark", "Headline figure", "Value", "95% CI", "Ideal", "Verdict"] + [
        "p",
        "n",
    ]
    assert rows[1:] == [
        # CI [55, 65] lies above 50, n = 100: deviates
        [
            "CrowS-Pairs",
            "stereotype score (%)",
            "60.00",
            "[55.00, 65.00]",
            "50 (closer is better)",
            "Deviates from the ideal",
            "",
            "100",
        ],
        [
            "WinoBias",
            "pro anti gap (pp)",
            "25.00",
            "[5.00, 45.00]",
            "0 (closer is better)",
            "Deviates from the ideal",
            "",
            "100",
        ],
        # no interval: no verdict
        [
            "SEAT non-commercial data",
            "mean abs effect size",
            "0.80",
            "no CI",
            "0 (lower is better)",
            "No verdict",
            "",
            "100",
        ],
        [
            "Brand-new benchmark",
            "delta (pp)",
            "1.50",
            "[0.50, 2.50]",
            "0 (closer is better)",
            "Deviates from the ideal",
            "",
            "100",
        ],
    ]
    # each benchmark's section repeats the headline with the rule's reason
    assert "The whole interval lies above the ideal 50: a measurable deviation." in html
    assert "No confidence interval: too few examples to judge." in html  # SEAT
    assert "lower is better (best: 0)" in html  # SEAT
    # p-values and the group-metric table of WinoBias
    assert "0.012" in html and "0.031" in html
    assert "accuracy difference" in html and "false discovery rate (FDR)" in html
    assert "0.250 [0.050, 0.450]" not in html  # summary cells keep value and CI apart
    assert "[0.050, 0.450]" in html
    # licence caveats: SEAT is non-commercial
    assert "non-commercial use only" in html and "CC BY-NC 4.0" in html
    # WinoBias ran on a sample
    assert "seeded sample of 4 examples" in html


def test_every_section_and_chart(run_dir: Path) -> None:
    html = build_report_html([run_dir])
    p = _parse(html)
    ids = {a.get("id") for _, a in p.tags}
    for section in ("summary", "model-card", "about"):
        assert section in ids
    for name in ("crows_pairs", "winobias", "seat", "brand_new"):
        assert f"bench-{name}" in ids
    svgs = [a for t, a in p.tags if t == "svg" and "chart" in (a.get("class") or "")]
    assert len(svgs) >= 4
    for a in svgs:
        assert a.get("role") == "img"
        labelled = (a.get("aria-labelledby") or "").split()
        assert labelled and all(x in ids for x in labelled)  # <title> and <desc> exist
    # every chart has a table of its numbers next to it
    assert html.count("Numbers behind this chart") == len(svgs)
    # ids are unique
    all_ids = [a["id"] for _, a in p.tags if a.get("id")]
    assert len(all_ids) == len(set(all_ids))


def test_data_and_model_text_are_escaped(tmp_path: Path) -> None:
    model = {"name": f"evil{SCRIPT_TEXT}", "license": IMG_TEXT, "dtype": "float32"}
    d = write_run(tmp_path / "evil", [crows()], model=model)
    html = build_report_html([d], title=f"T {SCRIPT_TEXT}", labels=[f"L{IMG_TEXT}"])
    assert "window.__pwned=1</script>" not in html
    assert "&lt;script&gt;window.__pwned=1&lt;/script&gt;" in html
    assert "<img" not in html
    assert 'onmouseover="' not in html and 'onerror="' not in html
    p = _parse(html)
    scripts = [t for t, _ in p.tags if t == "script"]
    assert len(scripts) == 1  # only the report's own copy-button script
    for tag, attrs in p.tags:
        assert tag not in ("img", "iframe", "object", "embed", "link")
        assert not any(k.startswith("on") for k in attrs), (tag, attrs)
    # a hostile group name ends up in SVG <title> and text, escaped there too (quotes as
    # the templates' autoescape, markupsafe, writes them)
    assert "x&#34; onmouseover=&#34;window.__pwned=3" in html
    assert EVIL_GROUP not in html
    assert not (d.parent / "model_card.md").exists()  # build_report_html writes nothing


def test_most_stereotyped_example_is_chosen(run_dir: Path) -> None:
    runs = load_runs([run_dir])
    explain, ex = pick_examples("crows_pairs", runs[0].samples["crows_pairs"], k=2)
    # stereotyped rows only, largest score_diff first (row "2" is not stereotyped)
    assert [e.row["id"] for e in ex] == ["1", "0"]
    assert "largest" in explain
    # an unknown benchmark: rows sorted by the |numeric column| whose name hints a difference
    _, ex = pick_examples("brand_new", runs[0].samples["brand_new"], k=5)
    assert [e.row["id"] for e in ex] == ["n2", "n1"]
    # rows with nothing recognisable: the first few
    _, ex = pick_examples("whatever", [{"id": str(i), "t": "x"} for i in range(9)], k=3)
    assert [e.row["id"] for e in ex] == ["0", "1", "2"]


def test_compare_rule() -> None:
    before = {"value": 60.0, "ci_low": 55.0, "ci_high": 65.0, "ideal": 50.0}
    after = {"value": 50.5, "ci_low": 46.0, "ci_high": 54.0, "ideal": 50.0}
    ch = compare(before, after)
    assert ch.value == pytest.approx(-9.5)
    assert ch.beyond_ci is True and ch.direction.startswith("better")
    ch = compare(before, {"value": 62.0, "ci_low": 57.0, "ci_high": 67.0, "ideal": 50.0})
    assert ch.beyond_ci is False and ch.direction.startswith("worse")
    ch = compare({"value": 1.0, "higher_is_better": True}, {"value": 2.0, "higher_is_better": True})
    assert ch.beyond_ci is None and ch.direction == "better"


def test_two_runs_side_by_side(two_runs: tuple[Path, Path]) -> None:
    before, after = two_runs
    html = build_report_html([before, after], labels=["before", "after"])
    # a leaderboard: one column per run, then the change and whether it is beyond the CIs
    rows = Page(html).table("Leaderboard: each benchmark's headline figure in each run")
    assert rows[0] == [
        "Benchmark",
        "Headline figure",
        "Ideal",
        "before",
        "after",
        "Change",
        "Beyond the CIs?",
    ]
    # headline change, computed by hand: 50.5 - 60.0 = -9.5; CIs [55, 65] and [46, 54] apart;
    # after's [46, 54] holds 50: no deviation shown
    assert rows[1] == [
        "CrowS-Pairs",
        "stereotype score (%)",
        "50 (closer is better)",
        "60.00 [55.00, 65.00] Deviates from the ideal n = 100",
        "50.50 [46.00, 54.00] No deviation shown n = 100",
        "\u22129.50 better (closer to ideal)",
        "yes, CIs do not overlap",
    ]
    # unchanged WinoBias headline
    assert rows[2][5:] == ["0.00 no change", "no, CIs overlap"]
    # gender: 66 - 70 = -4, CIs [60, 80] and [56, 76] overlap (the table of every figure)
    assert "\u22124.00" in html and "no, CIs overlap" in html
    assert "intervals do not overlap" in html  # the rule is stated
    # the section's chart draws both runs, told apart in a legend
    section = html[html.index('id="bench-crows_pairs"') :]
    assert 'class="legend"' in section and "before, gender: 70.00" in section


def test_write_report_and_model_card(two_runs: tuple[Path, Path], tmp_path: Path) -> None:
    before, after = two_runs
    out = write_report([before, after], tmp_path / "out" / "r.html", labels=["before", "after"])
    assert out == tmp_path / "out" / "r.html" and out.is_file()
    md = (out.parent / "model_card.md").read_text(encoding="utf-8")
    assert "### Intended use" in md and "### Evaluated biases" in md and "### Limitations" in md
    row = next(line for line in md.splitlines() if line.startswith("| CrowS-Pairs"))
    assert "60.00 [55.00, 65.00]" in row and "50.50 [46.00, 54.00]" in row
    assert "\u22129.50" in row and "yes, CIs do not overlap" in row
    assert "WinoBias: scored on a seeded sample (4 examples)" in md
    # the same Markdown is shown (escaped) in a <pre> block of the report
    html = out.read_text(encoding="utf-8")
    assert '<pre id="model-card-md"' in html and "### Evaluated biases" in html
    # written atomically: no temporary files left behind (the hidden stamp records what
    # fairlm wrote, so that a user's edits of model_card.md are never overwritten)
    names = sorted(p.name for p in out.parent.iterdir() if p.name != ".model_card.md.sha256")
    assert names == ["model_card.md", "r.html"]


def test_model_card_mentions_gemma_terms(tmp_path: Path) -> None:
    d = write_run(tmp_path / "g", [crows()], model={"name": "gemma3-270m", "license": "Gemma"})
    md = build_model_card(load_runs([d]))
    assert "Gemma Terms of Use" in md
    assert "Gemma Terms of Use" in build_report_html([d])


def test_model_card_escapes_markdown(tmp_path: Path) -> None:
    d = write_run(tmp_path / "m", [crows()], model={"name": "a|b <x>"})
    md = build_model_card(load_runs([d], labels=["run|1"]))
    assert "a\\|b &lt;x&gt;" in md and "run\\|1" in md


def test_missing_samples_and_bad_lines_are_reported(run_dir: Path) -> None:
    (run_dir / "samples_seat.jsonl").unlink()
    with (run_dir / "samples_crows_pairs.jsonl").open("a") as f:
        f.write("{not json\n")
    html = build_report_html([run_dir])
    assert "samples_seat.jsonl is missing" in html
    assert "1 unreadable line(s) skipped" in html


@pytest.mark.parametrize(
    ("setup", "message"),
    [
        (lambda d: None, "run directory not found"),
        (lambda d: d.mkdir(), "no results.json"),
        (lambda d: (d.mkdir(), (d / "results.json").write_text("{")), "not valid JSON"),
        (
            lambda d: (
                d.mkdir(),
                (d / "results.json").write_text('{"schema_version": 2, "benchmarks": {}}'),
            ),
            "schema_version 2",
        ),
        (lambda d: (d.mkdir(), (d / "results.json").write_text("[]")), "not a fairlm results"),
    ],
)
def test_bad_run_dirs_raise_fairlm_error(tmp_path: Path, setup, message: str) -> None:
    d = tmp_path / "run"
    setup(d)
    with pytest.raises(FairlmError, match=message):
        build_report_html([d])


def test_labels_must_match_runs(run_dir: Path) -> None:
    with pytest.raises(FairlmError, match="2 labels for 1"):
        build_report_html([run_dir], labels=["a", "b"])


def test_duplicate_labels_are_made_unique(run_dir: Path) -> None:
    runs = load_runs([run_dir, run_dir])
    assert [r.label for r in runs] == ["base", "base (2)"]


def test_report_does_not_import_torch(run_dir: Path, tmp_path: Path) -> None:
    code = (
        "import sys; from fairlm.report import write_report; "
        f"write_report([{str(run_dir)!r}], {str(tmp_path / 'x.html')!r}); "
        "import fairlm.cli.report; "
        "assert 'torch' not in sys.modules, 'torch imported'"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


@pytest.mark.skipif(not (REAL_RUN / "results.json").is_file(), reason="no runs/smollm2-full")
def test_real_run_renders(tmp_path: Path) -> None:
    out = write_report([REAL_RUN], tmp_path / "real.html")
    html = out.read_text(encoding="utf-8")
    results = json.loads((REAL_RUN / "results.json").read_text())
    for name in results["benchmarks"]:
        assert f'id="bench-{name}"' in html
    assert "smollm2-135m" in html
    _parse(html)
    bbq = REAL_RUN.parent / "smollm2-bbq2000"
    if (bbq / "results.json").is_file():  # two runs with different benchmarks
        html = build_report_html([REAL_RUN, bbq])
        assert 'id="bench-bbq"' in html and "disambig target answer by polarity" in html
