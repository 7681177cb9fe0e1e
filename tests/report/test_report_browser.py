"""The report in a real browser: headless Debian Chromium driven by Playwright.

Checks what only a browser can: no console errors, no network requests, hostile sample
text shown as text and never run, every section and chart laid out, the overview table
and the reading guide on the first screen at 1280x800, every verdict on the page allowed
by the results file it came from, and at phone width (390x844) no sideways scrolling of
the page and no chart text under 12 px. Screenshots go to $FAIRLM_TEST_OUTPUT (or
pytest's tmp_path); with FAIRLM_DOCS_RUN=RUN_DIR, the documentation's screenshots of
that run's report are written to docs/images. Skips when Playwright or
/usr/bin/chromium is missing; never downloads a browser.
"""

from __future__ import annotations

import json
import math
import os
from pathlib import Path

import pytest
from _report_runs import (
    SCRIPT_TEXT,
    crows,
    seat,
    verdict_cases,
    winobias,
    write_data_audit,
    write_run,
)

from fairlm.report import write_report

CHROMIUM = Path(os.environ.get("FAIRLM_CHROMIUM", "/usr/bin/chromium"))
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="module")
def browser():
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    if not CHROMIUM.exists():
        pytest.skip(f"no Chromium at {CHROMIUM} (apt-get install chromium)")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            yield b
        finally:
            b.close()


def _out_dir(tmp_path: Path) -> Path:
    env = os.environ.get("FAIRLM_TEST_OUTPUT")
    out = Path(env) / "report" if env else tmp_path
    out.mkdir(parents=True, exist_ok=True)
    return out


def _open(browser, path: Path, width: int, height: int):
    page = browser.new_page(viewport={"width": width, "height": height})
    events: dict[str, list[str]] = {"console": [], "errors": [], "requests": []}
    page.on(
        "console",
        lambda m: (
            events["console"].append(f"{m.type}: {m.text}")
            if m.type in ("error", "warning")
            else None
        ),
    )
    page.on("pageerror", lambda e: events["errors"].append(str(e)))
    page.on("request", lambda r: events["requests"].append(r.url))
    page.goto(path.as_uri())
    page.wait_for_load_state("load")
    return page, events


OPEN_ALL = "document.querySelectorAll('details').forEach(d => { d.open = true; })"
# the size at which each chart text is drawn: its CSS font size, times the chart's scale
# where it has a viewBox (the report's charts have none, so the scale is 1)
CHART_FONT_PX = """Array.from(document.querySelectorAll('svg.chart text'))
  .filter(t => t.getBoundingClientRect().height > 0)
  .map(t => {
    const s = t.ownerSVGElement, vb = s.viewBox && s.viewBox.baseVal;
    const k = vb && vb.width ? s.getBoundingClientRect().width / vb.width : 1;
    return parseFloat(getComputedStyle(t).fontSize) * k;
  })"""
NO_OVERFLOW = """[document.documentElement.scrollWidth, document.body.scrollWidth,
  document.documentElement.clientWidth]"""


def test_report_in_browser(browser, run_dir: Path, two_runs, tmp_path: Path) -> None:
    sync_api = pytest.importorskip("playwright.sync_api")
    out = _out_dir(tmp_path)
    before, after = two_runs
    audit = write_data_audit(tmp_path / "audit" / "audit.json")  # hostile word and group
    single = write_report([run_dir, audit], out / "report-single.html")
    multi = write_report([before, after], out / "report-two-runs.html", labels=["before", "after"])

    for report, names, sections in (
        (single, ["crows_pairs", "winobias", "seat", "brand_new"], ["#training-data"]),
        (multi, ["crows_pairs", "winobias"], []),
    ):
        page, events = _open(browser, report, 1280, 900)
        try:
            # nothing but the file itself is requested; nothing complains
            assert events["requests"] == [report.as_uri()]
            assert events["console"] == [] and events["errors"] == []
            sels = ["#summary", "#model-card", "#about", *sections]
            for sel in sels + [f"#bench-{n}" for n in names]:
                assert page.locator(sel).count() == 1, sel
                assert page.locator(sel).is_visible(), sel
            charts = page.locator("svg.chart[role=img]")
            assert charts.count() >= len(names)
            for i in range(charts.count()):
                c = charts.nth(i)
                assert c.locator("title").count() >= 1
                label_ids = c.get_attribute("aria-labelledby").split()
                assert all(page.locator(f"[id='{x}']").count() == 1 for x in label_ids)
            # the first chart of each benchmark is laid out with a real size
            box = page.locator(f"#bench-{names[0]} svg.chart").first.bounding_box()
            assert box and box["width"] > 300 and box["height"] > 80
            # the hostile sample is on the page as text (in a folded part), and did not run
            page.evaluate(OPEN_ALL)
            assert SCRIPT_TEXT in page.inner_text(f"#bench-{names[0]}")
            if sections:  # the training-data section: its open chart laid out, text escaped
                box = page.locator("#training-data svg.chart").first.bounding_box()
                assert box and box["width"] > 300 and box["height"] > 40
                assert SCRIPT_TEXT in page.inner_text("#training-data")
            assert page.evaluate("typeof window.__pwned") == "undefined"
            # the page's own script runs (its CSP hash matches): the copy button reacts
            button = page.locator("button[data-copy]")
            button.click()
            sync_api.expect(button).not_to_have_text("Copy Markdown", timeout=5000)
            assert events["console"] == [] and events["errors"] == []
            page.evaluate("window.scrollTo(0, 0)")
            page.screenshot(path=str(out / f"{report.stem}-desktop.png"))
        finally:
            page.close()

        page, events = _open(browser, report, 390, 844)
        try:
            # no sideways scrolling, folded or with every part open
            for state in ("folded", "open"):
                widths = page.evaluate(NO_OVERFLOW)
                assert widths[0] <= widths[2] and widths[1] <= widths[2], (state, widths)
                sizes = page.evaluate(CHART_FONT_PX)
                assert sizes and min(sizes) >= 12, (state, min(sizes))
                page.evaluate(OPEN_ALL)
            page.evaluate("document.querySelectorAll('details').forEach(d => { d.open = false; })")
            page.evaluate("window.scrollTo(0, 0)")
            assert events["console"] == [] and events["errors"] == []
            page.screenshot(path=str(out / f"{report.stem}-phone.png"), full_page=False)
        finally:
            page.close()
    assert (out / "report-single-desktop.png").stat().st_size > 1000
    assert (out / "report-two-runs-phone.png").stat().st_size > 1000


def _kind(f: dict) -> str:
    """A figure's kind; results files from before kinds marked a gap by its group label."""
    return f.get("kind") or ("gap" if f["group"] == "gap (max - min)" else "value")


def _figure(results: dict, bench: str, metric: str, kind: str, group: str) -> dict:
    figures = results["benchmarks"][bench]["summary"]["figures"]
    found = [f for f in figures if (f["metric"], _kind(f), f["group"]) == (metric, kind, group)]
    assert len(found) == 1, (bench, metric, kind, group)
    return found[0]


def _finite(x) -> bool:
    return isinstance(x, int | float) and math.isfinite(x)


def check_verdicts(page, run_dirs: list[Path]) -> int:
    """Every verdict badge on the page against the figure it names in its results.json:
    a verdict ("deviates" or "consistent") only with a valid interval, an ideal and at
    least 10 examples; "deviates" only with the interval off the ideal and p < 0.05 (the
    Holm-adjusted p-value the rule uses is never below the raw one); figures with an
    ``expected`` status (the hand-worked cases) get it. Returns how many were checked."""
    results = [json.loads((d / "results.json").read_text(encoding="utf-8")) for d in run_dirs]
    badges = page.evaluate(
        """Array.from(document.querySelectorAll('span.verdict[data-run]')).map(e => ({
          status: e.dataset.verdict, run: +e.dataset.run, bench: e.dataset.bench,
          metric: e.dataset.metric, kind: e.dataset.kind, group: e.dataset.group,
          text: e.textContent}))"""
    )
    labels = {"deviates": "Deviates from the ideal", "consistent": "No deviation shown"}
    for b in badges:
        f = _figure(results[b["run"]], b["bench"], b["metric"], b["kind"], b["group"])
        lo, hi, p, ideal = f["ci_low"], f["ci_high"], f["p_value"], f["ideal"]
        valid = _finite(lo) and _finite(hi) and lo <= hi
        where = (b, f)
        if b["status"] != "no_verdict":
            assert valid and _finite(ideal) and f["n"] >= 10, where
            assert b["text"] == labels[b["status"]], where
        else:
            assert b["text"] == "No verdict", where
        if not valid:
            assert b["status"] == "no_verdict", where
        if _finite(p) and p >= 0.05:
            assert b["status"] != "deviates", where
        if b["status"] == "deviates":
            assert lo > ideal or hi < ideal, where
        if "expected" in f:
            assert b["status"] == f["expected"], where
    return len(badges)


def test_first_screen_answers_at_a_glance(browser, tmp_path: Path) -> None:
    out = _out_dir(tmp_path)
    runs = [
        write_run(tmp_path / "a", [crows(), winobias(), seat(), verdict_cases()]),
        write_run(
            tmp_path / "b",
            [crows(overall=(50.5, 46.0, 54.0)), winobias(), verdict_cases()],
            created="2026-11-29T09:00:00+00:00",
        ),
    ]
    for report, dirs in (
        (write_report(runs[:1], out / "glance-single.html"), runs[:1]),
        (write_report(runs, out / "glance-two-runs.html", labels=["a", "b"]), runs),
    ):
        page, events = _open(browser, report, 1280, 800)
        try:
            # the overview table starts on the first screen, under the reading guide
            table = page.locator("table.overview").bounding_box()
            guide = page.locator("#about > summary").bounding_box()
            assert table and guide and guide["y"] < table["y"] < 800, (guide, table)
            first_row = page.locator("table.overview tbody tr").first.bounding_box()
            assert first_row and first_row["y"] + first_row["height"] < 800
            # no verdict the results file does not allow, folded parts included
            page.evaluate(OPEN_ALL)
            assert check_verdicts(page, dirs) > 20
            page.evaluate("document.querySelectorAll('details').forEach(d => { d.open = false; })")
            # the guide is one click away: it opens on the rule
            page.locator("#about > summary").click()
            rule = page.locator("#about blockquote.rule")
            assert rule.get_by_text("It deviates from").is_visible()
            page.locator("#about > summary").click()
            # a term in the overview links to its glossary entry, opening the guide for it
            page.locator("table.overview a.term").first.click()
            target = page.locator("#term-crows_pairs-stereotype_score")
            assert target.is_visible() and target.bounding_box()["y"] < 800
            assert events["requests"] == [report.as_uri()]
            assert events["console"] == [] and events["errors"] == []
        finally:
            page.close()


@pytest.mark.skipif(not os.environ.get("FAIRLM_DOCS_RUN"), reason="set FAIRLM_DOCS_RUN=RUN_DIR")
def test_docs_screenshots(browser, tmp_path: Path) -> None:
    """docs/images/report-overview-{desktop,phone}.png from a real run's report, e.g.
    ``FAIRLM_DOCS_RUN=runs/demo pytest tests/report/test_report_browser.py -k docs``."""
    run = Path(os.environ["FAIRLM_DOCS_RUN"])
    report = write_report([run], tmp_path / "report.html")
    images = Path(__file__).resolve().parents[2] / "docs" / "images"
    for name, width, height in (("desktop", 1280, 800), ("phone", 390, 844)):
        page, events = _open(browser, report, width, height)
        try:
            assert check_verdicts(page, [run]) > 0
            path = images / f"report-overview-{name}.png"
            page.screenshot(path=str(path))
            assert 1000 < path.stat().st_size < 300_000
            assert events["console"] == [] and events["errors"] == []
        finally:
            page.close()
