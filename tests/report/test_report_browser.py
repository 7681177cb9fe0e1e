"""The report in a real browser: headless Debian Chromium driven by Playwright.

Checks what only a browser can: no console errors, no network requests, hostile sample
text shown as text and never run, every section and chart laid out, and no sideways
scrolling at phone width. Screenshots go to $FAIRLM_TEST_OUTPUT (or pytest's tmp_path).
Skips when Playwright or /usr/bin/chromium is missing; never downloads a browser.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from _report_runs import SCRIPT_TEXT, write_data_audit

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
            # the hostile sample is on the page as text, and did not run
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
            page.screenshot(path=str(out / f"{report.stem}-desktop.png"))
        finally:
            page.close()

        page, events = _open(browser, report, 390, 844)
        try:
            widths = page.evaluate(
                "[document.documentElement.scrollWidth, document.body.scrollWidth,"
                " document.documentElement.clientWidth]"
            )
            assert widths[0] <= widths[2] and widths[1] <= widths[2], widths
            assert events["console"] == [] and events["errors"] == []
            page.screenshot(path=str(out / f"{report.stem}-phone.png"), full_page=False)
        finally:
            page.close()
    assert (out / "report-single-desktop.png").stat().st_size > 1000
    assert (out / "report-two-runs-phone.png").stat().st_size > 1000
