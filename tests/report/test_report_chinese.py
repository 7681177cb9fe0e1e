"""The report renders Chinese: a real cbbq + chbias run (the fake model, the real data)
in headless Chromium, its Chinese sample text shown as text in glyphs of a real font (not
the empty boxes of a missing one), with a screenshot of each section.

The report ships no fonts: Chinese text is drawn with the reader's system fonts through
the browser's per-character fallback. So the test needs a Chinese font on the machine
(Debian: ``apt-get install fonts-noto-cjk``, as ``.ci/run`` does) and skips, saying so,
where there is none, as it skips without Playwright or Chromium.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from fairlm.benchmarks import run_audit
from fairlm.benchmarks.cbbq import CBBQ
from fairlm.benchmarks.chbias import CHBias
from fairlm.models import FakeLM
from fairlm.report import write_report

CHROMIUM = Path(os.environ.get("FAIRLM_CHROMIUM", "/usr/bin/chromium"))
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run"]
# draws each string on a canvas in the page's font and says whether its pixels differ
# from those of a code point no font has (U+10FFFD): the same pixels are a missing glyph
GLYPHS_DRAWN = """(texts) => {
  const c = document.createElement('canvas'); c.width = 48; c.height = 48;
  const g = c.getContext('2d');
  g.font = '40px ' + getComputedStyle(document.body).fontFamily;
  const draw = (s) => { g.clearRect(0, 0, 48, 48); g.fillText(s, 2, 40);
                        return g.getImageData(0, 0, 48, 48).data.join(','); };
  const missing = draw('\\u{10FFFD}');
  return texts.map(s => draw(s) !== missing);
}"""


def _chinese_font() -> bool:
    if shutil.which("fc-list") is None:
        return False
    out = subprocess.run(["fc-list", ":lang=zh"], capture_output=True, text=True, check=False)
    return bool(out.stdout.strip())


@pytest.fixture(scope="module")
def page():
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    if not CHROMIUM.exists():
        pytest.skip(f"no Chromium at {CHROMIUM} (apt-get install chromium)")
    if not _chinese_font():
        pytest.skip("no Chinese font on this machine (apt-get install fonts-noto-cjk)")
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            yield browser.new_page(viewport={"width": 1280, "height": 800})
        finally:
            browser.close()


def test_chinese_text_renders(page, data_dir, tmp_path):
    run = tmp_path / "zh"
    benches = [
        CBBQ(data_dir=str(data_dir), limit=60, n_bootstrap=50),
        CHBias(data_dir=str(data_dir), limit=60, n_bootstrap=50),
    ]
    run_audit(FakeLM(), benches, output_dir=run, progress=False, log=lambda m: None)
    write_report([run], run / "report.html")
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto((run / "report.html").as_uri())
    page.wait_for_load_state("load")
    page.evaluate("document.querySelectorAll('details').forEach(d => { d.open = true; })")
    text = page.inner_text("body")
    shown = []
    for name in ("cbbq", "chbias"):
        rows = [json.loads(x) for x in (run / f"samples_{name}.jsonl").read_text().splitlines()]
        field = "context" if name == "cbbq" else "stereotyped_sentence"
        shown += [r[field] for r in rows if r[field] in text]
    assert shown, "no Chinese sample text on the page"
    assert "CBBQ (Chinese BBQ)" in text and "CHBias (Chinese)" in text
    chars = sorted({ch for s in shown for ch in s if "\u4e00" <= ch <= "\u9fff"})[:40]
    drawn = page.evaluate(GLYPHS_DRAWN, chars)
    assert all(drawn), [c for c, ok in zip(chars, drawn, strict=True) if not ok]
    assert not errors, errors
    out = Path(os.environ.get("FAIRLM_TEST_OUTPUT", tmp_path)) / "report"
    out.mkdir(parents=True, exist_ok=True)
    for name in ("cbbq", "chbias"):
        page.locator(f"#bench-{name}").screenshot(path=str(out / f"report-zh-{name}.png"))
