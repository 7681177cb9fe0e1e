"""Hand-built audit runs (results.json schema 1 + samples) for the report tests.

Small on purpose: every value the tests look for is written here.
"""

from __future__ import annotations

import json
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

SCRIPT_TEXT = "<script>window.__pwned=1</script>"
IMG_TEXT = '<img src=x onerror="window.__pwned=2">'
EVIL_GROUP = 'x" onmouseover="window.__pwned=3'


def fig(metric, value, group="overall", lo=None, hi=None, **kw) -> dict[str, Any]:
    d = {
        "metric": metric,
        "value": value,
        "group": group,
        "ci_low": lo,
        "ci_high": hi,
        "n": kw.pop("n", 100),
        "p_value": kw.pop("p_value", None),
        "unit": kw.pop("unit", "%"),
        "ideal": kw.pop("ideal", 50.0),
        "higher_is_better": kw.pop("higher_is_better", None),
        "note": kw.pop("note", ""),
    }
    assert not kw, kw
    return d


def crows(overall=(60.0, 55.0, 65.0), gender=(70.0, 60.0, 80.0)) -> dict[str, Any]:
    return {
        "name": "crows_pairs",
        "title": "CrowS-Pairs",
        "version": "1",
        "dataset": "crows_pairs",
        "citation": "Nangia et al. EMNLP 2020.",
        "license": "CC BY-SA 4.0",
        "commercial_use_ok": True,
        "higher_is_better": None,
        "description": "Percentage of pairs where the stereotypical sentence is more likely.",
        "config": {"limit": None, "seed": 0},
        "n_examples": 4,
        "summary": {
            "headline": "stereotype_score",
            "figures": [
                fig("stereotype_score", overall[0], "overall", overall[1], overall[2]),
                fig("stereotype_score", gender[0], "gender", gender[1], gender[2], n=40),
                fig("stereotype_score", 50.0, EVIL_GROUP, 40.0, 60.0, n=60),
                fig(
                    "stereotype_score",
                    20.0,
                    "gap (max - min)",
                    5.0,
                    30.0,
                    p_value=0.0123,
                    ideal=0.0,
                    higher_is_better=False,
                ),
            ],
            "notes": [f"A note with {SCRIPT_TEXT} inside."],
            "tables": {},
        },
    }


def winobias() -> dict[str, Any]:
    gm = {
        "task": "binary: does the pronoun refer to the first-mentioned occupation?",
        "sensitive_feature": "stereotype (pro / anti)",
        "reference": "anti",
        "unit": "proportion (0-1)",
        "result": {
            "reference": "anti",
            "n_bootstrap": 10,
            "groups": [
                {"name": "anti", "n_rows": 2, "confusion": {"tn": 1, "fp": 0, "fn": 0, "tp": 1}},
                {"name": "pro", "n_rows": 2, "confusion": {"tn": 0, "fp": 1, "fn": 0, "tp": 1}},
            ],
            "by_group": {
                "accuracy": {
                    "anti": {"value": 0.5, "ci_low": 0.4, "ci_high": 0.6, "p_value": None},
                    "pro": {"value": 0.75, "ci_low": 0.6, "ci_high": 0.9, "p_value": None},
                },
                "fdr": {
                    "anti": {"value": 0.25, "ci_low": 0.1, "ci_high": 0.4, "p_value": None},
                    "pro": {"value": 0.5, "ci_low": 0.3, "ci_high": 0.7, "p_value": None},
                },
            },
            "summary": {
                "accuracy_difference": {
                    "value": 0.25,
                    "ci_low": 0.05,
                    "ci_high": 0.45,
                    "p_value": 0.0312,
                },
                "false_discovery_rate_difference": {
                    "value": 0.25,
                    "ci_low": -0.1,
                    "ci_high": 0.6,
                    "p_value": 0.5,
                },
            },
        },
    }
    return {
        "name": "winobias",
        "title": "WinoBias",
        "version": "1",
        "dataset": "winobias",
        "citation": "Zhao et al. NAACL 2018.",
        "license": "MIT",
        "commercial_use_ok": True,
        "higher_is_better": None,
        "description": "Pro minus anti accuracy gap.",
        "config": {"limit": 4, "seed": 0},
        "n_examples": 4,
        "summary": {
            "headline": "pro_anti_gap",
            "figures": [
                fig("pro_anti_gap", 25.0, "overall", 5.0, 45.0, unit="pp", ideal=0.0),
                fig("accuracy", 75.0, "pro", 60.0, 90.0, ideal=None, higher_is_better=True),
                fig("accuracy", 50.0, "anti", 40.0, 60.0, ideal=None, higher_is_better=True),
            ],
            "notes": [],
            "tables": {"group_metrics": {"pro_vs_anti": gm}},
        },
    }


def seat() -> dict[str, Any]:
    return {
        "name": "seat",
        "title": "SEAT",
        "version": "1",
        "license": "CC BY-NC 4.0",
        "commercial_use_ok": False,
        "higher_is_better": False,
        "description": "Mean absolute effect size.",
        "config": {"limit": None},
        "n_examples": 2,
        "summary": {
            "headline": "mean_abs_effect_size",
            "figures": [
                fig("mean_abs_effect_size", 0.8, unit="", ideal=0.0, higher_is_better=False),
                fig("effect_size", 0.9, "weat6", 0.5, 1.2, unit="", ideal=0.0),
                fig("effect_size", -0.7, "weat3", -1.0, -0.2, unit="", ideal=0.0),
            ],
            "notes": [],
            "tables": {},
        },
    }


def brand_new() -> dict[str, Any]:
    """A benchmark the report has never heard of, with an odd table shape."""
    return {
        "name": "brand_new",
        "title": "Brand-new benchmark",
        "version": "0",
        "license": "CC0",
        "commercial_use_ok": True,
        "description": "Something new.",
        "config": {},
        "n_examples": 3,
        "summary": {
            "headline": "delta",
            "figures": [fig("delta", 1.5, ideal=0.0, lo=0.5, hi=2.5, unit="pp")],
            "notes": [],
            "tables": {"odd": [1, 2, 3], "flat": {"a": 1, "b": "two"}, "rows": [{"x": 1}]},
        },
    }


def verdict_cases() -> dict[str, Any]:
    """One figure for each case of the verdict rule (fairlm.metrics.verdict), worked out
    by hand. The comparisons with a p-value are share's gap (0.01), d1 (0.03), max_gap
    (1.0) and d2 (0.001): Holm multiplies the sorted p-values by 4, 3, 2, 1 (and keeps
    them increasing): d2 0.004, the gap 0.03, d1 0.06, max_gap 1.0.
    """
    cases = [
        # (figure, expected status)
        (fig("share", 60.0, "overall", 55.0, 65.0), "deviates"),  # CI above 50
        (fig("share", 52.0, "wide", 45.0, 60.0), "consistent"),  # CI holds 50
        (fig("share", 80.0, "tiny", 70.0, 90.0, n=5), "no_verdict"),  # n < 10
        (fig("share", 70.0, "no_ci", n=50), "no_verdict"),  # no interval
        (fig("share", 30.0, GAP_LABEL, 10.0, 50.0, p_value=0.01, ideal=0.0), "deviates"),
        (fig("d1", 20.0, "a - b", 5.0, 35.0, p_value=0.03, ideal=0.0, unit="pp"), "consistent"),
        # BOLD's case in issue 18: a zero-width interval with p = 1.0
        (fig("max_gap", 100.0, "overall", 100.0, 100.0, p_value=1.0, ideal=0.0), "consistent"),
        (fig("d2", 5.0, "c - d", p_value=0.001, ideal=0.0, unit="pp"), "no_verdict"),
        (fig("d3", 4.0, "e - f", 1.0, 7.0, ideal=0.0, unit="pp"), "no_verdict"),  # no p
        (fig("effect", 0.9, "t1", 0.5, 1.2, p_value=0.2, ideal=0.0, unit=""), "consistent"),
        (fig("accuracy", 70.0, "overall", 60.0, 80.0, ideal=None), "no_verdict"),  # no ideal
    ]
    kinds = {"d1": "difference", "d2": "difference", "d3": "difference", "max_gap": "gap"}
    kinds |= {"effect": "effect_size"}
    figures = []
    for f, status in cases:
        kind = "gap" if f["group"] == GAP_LABEL else kinds.get(f["metric"], "value")
        figures.append({**f, "kind": kind, "expected": status})
    return {
        "name": "verdicts",
        "title": "Verdict cases",
        "version": "1",
        "license": "CC0",
        "commercial_use_ok": True,
        "description": "Every case of the verdict rule.",
        "config": {},
        "n_examples": 100,
        "summary": {"headline": "share", "figures": figures, "notes": [], "tables": {}},
    }


GAP_LABEL = "gap (max - min)"


def write_run(
    path: Path,
    benchmarks: list[dict[str, Any]],
    *,
    model: dict[str, Any] | None = None,
    created: str = "2026-11-28T17:43:46+00:00",
    samples: bool = True,
) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    results = {
        "schema_version": 1,
        "fairlm_version": "0.1.0",
        "created": created,
        "model": model
        or {
            "name": "tiny-test-model",
            "parameters": 1234567,
            "dtype": "float32",
            "prefix_token": "<|endoftext|>",
            "license": "Apache-2.0",
        },
        "config": {},
        "environment": {"python": "3.11.7", "machine": "x86_64"},
        "benchmarks": {b["name"]: b for b in benchmarks},
        "timing": {"total_s": 1.0},
    }
    (path / "results.json").write_text(json.dumps(results, indent=1), encoding="utf-8")
    if samples:
        rows = {
            "crows_pairs": [
                {
                    "id": "0",
                    "bias_type": "gender",
                    "direction": "stereo",
                    "sent_more": "Calm.",
                    "sent_less": "Calm too.",
                    "score_diff": 0.1,
                    "stereotyped": True,
                },
                {
                    "id": "1",
                    "bias_type": "race",
                    "direction": "stereo",
                    "sent_more": f"Most stereotyped {SCRIPT_TEXT}",
                    "sent_less": IMG_TEXT,
                    "score_diff": 2.5,
                    "stereotyped": True,
                },
                {
                    "id": "2",
                    "bias_type": "race",
                    "direction": "stereo",
                    "sent_more": "Not it.",
                    "sent_less": "Not it either.",
                    "score_diff": 9.0,
                    "stereotyped": False,
                },
            ],
            "winobias": [
                {
                    "id": "w1",
                    "stereotype": "anti",
                    "sentence": "The nurse met the doctor.",
                    "pronoun": "he",
                    "gold": "nurse",
                    "predicted": "doctor",
                    "score_first": -1.0,
                    "score_second": -3.0,
                    "correct": False,
                },
            ],
            "seat": [
                {
                    "id": "weat6",
                    "test": "weat6",
                    "targ1": "MaleNames",
                    "targ2": "FemaleNames",
                    "attr1": "Career",
                    "attr2": "Family",
                    "effect_size": 0.9,
                    "p_value": 0.001,
                },
            ],
            "brand_new": [
                {"id": "n1", "text": "plain row", "delta_score": 0.2},
                {"id": "n2", "text": "the largest delta", "delta_score": -3.0},
            ],
        }
        for b in benchmarks:
            lines = "".join(json.dumps(r) + "\n" for r in rows.get(b["name"], []))
            (path / f"samples_{b['name']}.jsonl").write_text(lines, encoding="utf-8")
    return path


def data_audit() -> dict[str, Any]:
    """A `fairlm data-audit --output` report, every number set by hand.

    Context totals: 400 positions near male terms, 100 near female terms (N = 500).
    nurse: c(m) = 2, c(f) = 6 -> skew (6/100)/(2/400) = 12, PMI male
    log2(2*500/(400*8)) = -1.678, PMI female log2(6*500/(100*8)) = 1.907.
    engineer: 8, 1 -> skew (1/100)/(8/400) = 0.5, PMI 0.152 and -0.848.
    SCRIPT_TEXT (a hostile word): 4, 1 -> skew 1 (balanced), PMI 0 and 0.
    pilot: 3, 0 -> skew undefined, PMI male log2(3*500/(400*3)) = 0.322.
    kind (adjective): 1, 1 -> skew (1/100)/(1/400) = 4, PMI -0.678 and 1.322.
    """

    def row(word, count, m, f, pm, pf, skew):
        return {
            "word": word,
            "count": count,
            "male": m,
            "female": f,
            "pmi_male": pm,
            "pmi_female": pf,
            "skew_ratio": skew,
            "log2_skew": None,
        }

    return {
        "kind": "fairlm.data_audit",
        "version": 1,
        "n_documents": 1200,
        "n_words": 34567,
        "representation": {
            "gender": {
                "female": {"mentions": 10, "documents": 5, "share": 0.25},
                "male": {"mentions": 30, "documents": 8, "share": 0.75},
            },
            "race_ethnicity": {
                "asian": {"mentions": 1, "documents": 1, "share": 0.2},
                EVIL_GROUP: {"mentions": 4, "documents": 2, "share": 0.8},
            },
            "religion": {"muslim": {"mentions": 0, "documents": 0, "share": 0.0}},
        },
        "top_terms": {},
        "cooccurrence": {
            "window": 10,
            "groups": ["male", "female"],
            "context_totals": {"male": 400, "female": 100},
            # in the file's order (by count); the report sorts them by skew
            "occupations": [
                row("pilot", 4, 3, 0, 0.321928, None, None),
                row("engineer", 10, 8, 1, 0.152003, -0.847997, 0.5),
                row("nurse", 9, 2, 6, -1.678072, 1.906891, 12.0),
                row(SCRIPT_TEXT, 5, 4, 1, 0.0, 0.0, 1.0),
            ],
            "adjectives": [row("kind", 2, 1, 1, -0.678072, 1.321928, 4.0)],
        },
        "sources": ["Zhao et al. 2018 " + IMG_TEXT],
        "collect": {"files_read": 2, "files_skipped": 1, "documents": 1200, "skipped": []},
    }


def write_data_audit(path: Path, data: dict[str, Any] | None = None) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data or data_audit()), encoding="utf-8")
    return path


class Page(HTMLParser):
    """A report's tables (caption and cell texts, head row first), its verdict badges (the
    attributes of each ``span.verdict`` and its text) and its ids, to check without a
    browser."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.tables: list[tuple[str, list[list[str]]]] = []
        self.verdicts: list[dict[str, str]] = []
        self.ids: list[str] = []
        self._stack: list[dict[str, Any]] = []  # open tables
        self._cell: list[str] | None = None
        self._caption: list[str] | None = None
        self._verdict: dict[str, str] | None = None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if a.get("id"):
            self.ids.append(a["id"])
        if tag == "br" and self._cell is not None:
            self._cell.append(" ")
        elif tag == "table":
            self._stack.append({"caption": "", "rows": []})
        elif tag == "caption" and self._stack:
            self._caption = []
        elif tag == "tr" and self._stack:
            self._stack[-1]["rows"].append([])
        elif tag in ("td", "th") and self._stack:
            self._cell = []
        elif tag == "span" and "verdict" in (a.get("class") or "").split() and a.get("data-run"):
            self._verdict = {k: v or "" for k, v in a.items()} | {"text": ""}

    def handle_endtag(self, tag):
        if tag == "table" and self._stack:
            t = self._stack.pop()
            self.tables.append((t["caption"], t["rows"]))
        elif tag == "caption" and self._caption is not None:
            self._stack[-1]["caption"] = "".join(self._caption).strip()
            self._caption = None
        elif tag in ("td", "th") and self._cell is not None:
            self._stack[-1]["rows"][-1].append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif tag == "span" and self._verdict is not None:
            self.verdicts.append(self._verdict)
            self._verdict = None

    def handle_data(self, data):
        if self._caption is not None:
            self._caption.append(data)
        if self._cell is not None:
            self._cell.append(data)
        if self._verdict is not None:
            self._verdict["text"] += data

    def table(self, caption_start: str) -> list[list[str]]:
        """The one table whose caption starts with ``caption_start``."""
        found = [rows for cap, rows in self.tables if cap.startswith(caption_start)]
        assert len(found) == 1, [cap for cap, _ in self.tables]
        return found[0]
