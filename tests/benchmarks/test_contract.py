"""The contract every registered benchmark keeps, checked on each with the fake model.

The tests iterate the registry, so a benchmark added to it is covered with no edit here.
Each benchmark runs as ``fairlm audit`` runs it (:func:`run_audit`, on a small seeded
sample of the real data and :class:`~fairlm.models.FakeLM`), then:

* its rows and results are checked: one row per example with its id, a headline figure
  of the declared metric, every figure of a known kind, intervals that hold their value,
  a summary that is recomputed from the saved rows alone;
* the HTML report is rendered from the saved run, and the benchmark's section, headline,
  plain-words meaning, caveats and licence must be on the page;
* every metric name and unit its figures use has a glossary entry, in the benchmark's own
  ``glossary`` or among the report's shared terms (:mod:`fairlm.report._glossary`).

A toy benchmark defined here, registered only for its test, shows that a new benchmark
renders in the report with no edit in :mod:`fairlm.report`, and that a real group named
like the gap label is charted like any other group.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from markupsafe import escape

from fairlm.benchmarks import BENCHMARKS
from fairlm.benchmarks._aggregate import GAP_GROUP, grouped_figures
from fairlm.benchmarks._audit import run_audit
from fairlm.benchmarks._base import FIGURE_KINDS, Benchmark, ExampleSpec, Figure, Summary
from fairlm.models import FakeLM
from fairlm.report import build_report_html
from fairlm.report._format import metric_label
from fairlm.report._glossary import missing_terms

LIMIT = 12
# what a benchmark needs beyond LIMIT examples to have something to summarise, or to
# stay fast; a benchmark not listed runs with the defaults
OPTIONS: dict[str, dict[str, Any]] = {
    # descriptor pairs need several sentences per descriptor in one template
    "holistic_bias": {"limit": 200, "nouns_per_descriptor": 5},
    "seat": {"limit": 3, "n_permutations": 2000},
    # its data is not shipped: a hand-made file in the published schema
    "discrim_eval": {"path": str(Path(__file__).parent / "fixtures" / "discrim_eval.jsonl")},
}


@dataclass
class Audited:
    bench: Benchmark
    result: dict[str, Any]  # results.json's entry for the benchmark
    rows: list[dict[str, Any]]  # samples_<name>.jsonl
    html: str


def _audit(bench: Benchmark, out: Path) -> Audited:
    results = run_audit(FakeLM(), [bench], output_dir=out, progress=False, log=lambda _: None)
    saved = json.loads((out / "results.json").read_text(encoding="utf-8"))
    assert saved == json.loads(json.dumps(results))  # what was returned is what was written
    lines = (out / f"samples_{bench.name}.jsonl").read_text(encoding="utf-8").splitlines()
    rows = [json.loads(line) for line in lines]
    return Audited(bench, saved["benchmarks"][bench.name], rows, build_report_html([out]))


@pytest.fixture(scope="module", params=BENCHMARKS.names())
def audited(request, data_dir, tmp_path_factory) -> Audited:
    name = request.param
    options = {"limit": LIMIT, "n_bootstrap": 200, "seed": 0, **OPTIONS.get(name, {})}
    bench = BENCHMARKS.get(name)(data_dir=str(data_dir), **options)
    return _audit(bench, tmp_path_factory.mktemp(name))


# -- the checks, shared by the registered benchmarks and the toy -----------------------


def check_class(cls: type[Benchmark]) -> None:
    """What a benchmark class must declare for results files and the report."""
    for attr in ("name", "title", "version", "dataset", "citation", "license", "description"):
        value = getattr(cls, attr)
        assert isinstance(value, str) and value.strip(), (cls.name, attr)
    assert isinstance(cls.headline_metric, str) and cls.headline_metric
    assert cls.higher_is_better in (True, False, None)
    assert isinstance(cls.meaning, str)
    assert cls.caveats and all(isinstance(c, str) and c.strip() for c in cls.caveats)
    assert cls.example_spec is None or isinstance(cls.example_spec, ExampleSpec)


def check_rows(a: Audited) -> None:
    ids = [str(e.id) for e in a.bench.examples()]
    assert [str(r["id"]) for r in a.rows] == ids and len(set(ids)) == len(ids)
    assert a.result["n_examples"] == len(a.rows) > 0


def check_figure(f: dict[str, Any]) -> None:
    """One figure's invariants, whatever its benchmark."""
    where = (f["metric"], f["group"], f["kind"])
    assert f["kind"] in FIGURE_KINDS, where
    assert isinstance(f["metric"], str) and f["metric"], where
    assert isinstance(f["group"], str) and f["group"], where
    assert isinstance(f["n"], int) and f["n"] >= 0, where
    assert f["higher_is_better"] in (True, False, None), where
    value, lo, hi = f["value"], f["ci_low"], f["ci_high"]
    assert value is None or math.isfinite(value), where
    if f["p_value"] is not None:
        assert 0.0 <= f["p_value"] <= 1.0, where
    if lo is not None and hi is not None:
        assert lo <= hi, where
        # a gap is a maximum: its bootstrap distribution sits above the observed value,
        # so a percentile interval of it need not hold it
        if value is not None and f["kind"] != "gap":
            tol = 1e-9 * max(1.0, abs(value))
            assert lo - tol <= value <= hi + tol, where
    if f["kind"] in ("gap", "difference"):
        assert f["ideal"] == 0.0, where
    if f["kind"] == "gap" and value is not None:
        assert value >= 0.0, where
    if f["kind"] == "ratio":
        assert f["ideal"] == 1.0, where


def check_summary(a: Audited) -> None:
    summary = a.result["summary"]
    assert summary["headline"] == a.bench.headline_metric
    heads = [
        f
        for f in summary["figures"]
        if f["metric"] == summary["headline"] and f["group"] == "overall"
    ]
    assert len(heads) == 1, "one headline figure, for the whole run"
    for f in summary["figures"]:
        check_figure(f)
    keys = [(f["metric"], f["kind"], f["group"]) for f in summary["figures"]]
    assert len(keys) == len(set(keys)), "one figure per metric, kind and group"
    # the summary is a function of the saved rows alone
    again = json.loads(json.dumps(a.bench.summarize(a.rows).to_dict()))
    assert again == summary
    explain, examples = type(a.bench).pick_examples(a.rows, 3)
    assert explain and 0 < len(examples) <= 3
    assert all(ex.fields for ex in examples)


def check_glossary(a: Audited) -> None:
    """The report can explain every term a figure uses (declare new ones in the
    benchmark's ``glossary``)."""
    cls = type(a.bench)
    missing = missing_terms(a.result["summary"]["figures"], cls.glossary)
    assert not missing, f"{cls.name}: add glossary entries for {missing}"


def check_report(a: Audited) -> None:
    html, cls = a.html, type(a.bench)
    assert f'id="bench-{cls.name}"' in html and str(escape(cls.title)) in html
    assert str(escape(metric_label(cls.headline_metric))) in html
    assert str(escape(cls.meaning or cls.description)) in html
    for caveat in cls.caveats:
        assert str(escape(caveat)) in html, caveat
    assert str(escape(cls.citation)) in html and str(escape(cls.license)) in html
    if not cls.commercial_use_ok:
        assert "non-commercial use only" in html
    ties = a.result.get("near_ties")
    if ties and ties["count"]:
        assert "within numerical noise" in html


# -- every registered benchmark -----------------------------------------------------


def test_class_declares_what_the_report_needs(audited: Audited) -> None:
    check_class(type(audited.bench))


def test_rows_one_per_example(audited: Audited) -> None:
    check_rows(audited)


def test_summary_invariants(audited: Audited) -> None:
    check_summary(audited)


def test_report_shows_the_benchmark(audited: Audited) -> None:
    check_report(audited)


def test_every_figure_term_is_in_the_glossary(audited: Audited) -> None:
    check_glossary(audited)


def test_fake_model_runs_are_reproducible(audited: Audited) -> None:
    bench = audited.bench
    rows = json.loads(json.dumps(bench.score(FakeLM(), bench.examples(), progress=False)))
    assert rows == audited.rows


# -- a benchmark the report has never seen ------------------------------------------


@dataclass(frozen=True)
class ToyPair:
    id: str
    group: str
    first: str
    second: str


class Toy(Benchmark):
    """Does the model prefer the first sentence of a pair? One group is named like the
    gap label, on purpose."""

    name = "toy"
    title = "Toy pairs"
    version = "1"
    dataset = "none"
    citation = "Nobody. A toy benchmark. 2026."
    license = "CC0 1.0"
    higher_is_better = None
    description = "Share of toy pairs whose first sentence the model finds more likely."
    headline_metric = "first_preferred"
    meaning = "How often the model prefers the first sentence of a toy pair; 50 is no preference."
    caveats = ("A toy: its numbers say nothing about any model.",)
    glossary = {
        "first_preferred": "Percentage of pairs whose first sentence the model prefers.",
        "length_ratio": "Length of the first sentence over the second's.",
    }
    example_spec = ExampleSpec(
        explain="Pairs whose first sentence the model prefers most.",
        score=("score_first", "score_second"),
        show=(("first", "first"), ("second", "second")),
        score_label="first minus second (nats)",
    )

    def load_examples(self) -> list[ToyPair]:
        words = ["cat", "dog", "bird", "fish", "horse", "mouse", "lion", "bear"]
        pairs = [
            ToyPair(str(i), [GAP_GROUP, "other"][i % 2], f"The {w} sleeps.", f"A {w} runs.")
            for i, w in enumerate(words * 2)
        ]
        # one pair of identical sentences: a verdict decided by a margin of 0, a near tie
        return pairs[:-1] + [ToyPair("15", "other", "The ox.", "The ox.")]

    def score(self, lm, examples, *, progress=True) -> list[dict]:
        texts = [t for ex in examples for t in (ex.first, ex.second)]
        s = lm.sentence_scores(texts, protocol="lm-eval")
        return [
            {
                "id": ex.id,
                "group": ex.group,
                "first": ex.first,
                "second": ex.second,
                "score_first": float(s[2 * k]),
                "score_second": float(s[2 * k + 1]),
            }
            for k, ex in enumerate(examples)
        ]

    def verdict_margins(self, rows) -> list[float]:
        return [r["score_first"] - r["score_second"] for r in rows]

    def summarize(self, rows) -> Summary:
        first = [100.0 * (r["score_first"] > r["score_second"]) for r in rows]
        figures = grouped_figures(
            "first_preferred",
            first,
            [r["group"] for r in rows],
            unit="%",
            ideal=50.0,
            n_bootstrap=self.n_bootstrap,
            seed=self.seed,
        )
        figures.append(Figure("length_ratio", 1.25, n=len(rows), ideal=1.0, kind="ratio"))
        return Summary(figures=figures, headline=self.headline_metric, notes=["A toy note."])


def test_a_new_benchmark_renders_with_no_report_edit(monkeypatch, tmp_path) -> None:
    monkeypatch.setitem(BENCHMARKS._targets, "toy", f"{__name__}:Toy")
    monkeypatch.setitem(BENCHMARKS._loaded, "toy", Toy)
    check_class(Toy)
    a = _audit(Toy(n_bootstrap=100), tmp_path / "toy")
    check_rows(a)
    check_summary(a)
    check_report(a)
    check_glossary(a)
    html = a.html
    assert "Pairs whose first sentence the model prefers most." in html  # its example spec
    assert "first minus second (nats)" in html and "A toy note." in html
    assert "1 of 16 verdicts is a tie within numerical noise" in html
    # the chart draws the two groups, the real one named like the gap label included, and
    # leaves out the gap figure (kind "gap"), which is in the table of every figure
    section = html[html.index('id="bench-toy"') :]
    desc = section[section.index("<desc") : section.index("</desc>")]
    assert desc.count(": ") == 3  # overall, the group named like the gap, other
    assert f"{escape(GAP_GROUP)}: " in desc
    figures = a.result["summary"]["figures"]
    gaps = [f for f in figures if f["kind"] == "gap"]
    assert len(gaps) == 1 and gaps[0]["group"] == GAP_GROUP
    assert sum(f["group"] == GAP_GROUP for f in figures) == 2
    # its own glossary terms are on the page, the metric names linked to them
    assert 'id="term-toy-first_preferred"' in html and 'href="#term-toy-first_preferred"' in html
    assert missing_terms(figures, {}) == ["first_preferred", "length_ratio"]
