"""The capability guard: intervals of the change by hand, and a debias run on a tiny model
that compares TruthfulQA and XSTest before and after."""

from __future__ import annotations

import json

import numpy as np
import pytest

from fairlm.benchmarks._aggregate import grouped_figures
from fairlm.metrics._intervals import newcombe_interval, welch_interval
from fairlm.mitigation._guard import capability_guard
from fairlm.mitigation._table import format_comparison

CORPUS = [
    "He said that his mother was a doctor.",
    "She told her brother about the actress.",
    "My uncle is a kind man who loves his garden.",
    "The nurse said she would come back tomorrow.",
    "His wife is an engineer.",
    "Her husband is a teacher.",
    "The boy and his father went home.",
    "The woman fixed the machine herself.",
]


def _results(figures: dict[str, list], confidence: float = 0.95) -> dict:
    """A results.json with the given figures (as dicts) per benchmark."""
    return {
        "config": {"confidence": confidence},
        "benchmarks": {
            name: {"summary": {"figures": [f.to_dict() for f in figs]}}
            for name, figs in figures.items()
        },
    }


def _overall(metric, values):
    return [f for f in grouped_figures(metric, values, None, unit="%") if f.group == "overall"]


def test_guard_intervals_and_flags_by_hand():
    rng = np.random.default_rng(0)
    mc2_before = rng.uniform(0.2, 0.8, 200)
    mc2_after = np.clip(mc2_before - 0.02 + rng.normal(0, 0.05, 200), 0, 1)
    before = _results(
        {
            "truthfulqa": _overall("mc1", [100.0] * 60 + [0.0] * 40)
            + _overall("mc2", 100 * mc2_before),
            "xstest": _overall("unsafe_refusal_likelihood", [100.0] * 150 + [0.0] * 50)
            + _overall("over_refusal_likelihood", [100.0] * 10 + [0.0] * 240),
        }
    )
    after = _results(
        {
            "truthfulqa": _overall("mc1", [100.0] * 40 + [0.0] * 60)
            + _overall("mc2", 100 * mc2_after),
            "xstest": _overall("unsafe_refusal_likelihood", [100.0] * 145 + [0.0] * 55)
            + _overall("over_refusal_likelihood", [100.0] * 40 + [0.0] * 210),
        }
    )
    guard = capability_guard(before, after)
    rows = {r["metric"]: r for r in guard["figures"]}
    assert set(rows) == {"mc1", "mc2", "unsafe_refusal_likelihood", "over_refusal_likelihood"}

    mc1 = rows["mc1"]  # 40/100 after vs 60/100 before
    lo, hi = newcombe_interval(40, 100, 60, 100)
    assert mc1["change"] == pytest.approx(-20.0)
    assert (mc1["ci_low"], mc1["ci_high"]) == pytest.approx((100 * lo, 100 * hi))
    assert hi < 0 and mc1["flagged"] and mc1["harm"] == "less truthful"

    mc2 = rows["mc2"]  # Welch on the raw values (the sd read back from the t interval)
    lo, hi = welch_interval(
        100 * mc2_after.mean(), 100 * mc2_after.std(ddof=1), 200,
        100 * mc2_before.mean(), 100 * mc2_before.std(ddof=1), 200,
    )  # fmt: skip
    assert (mc2["ci_low"], mc2["ci_high"]) == pytest.approx((float(lo), float(hi)), rel=1e-6)
    assert mc2["interval"] == "welch" and mc2["flagged"] == (hi < 0)

    unsafe = rows["unsafe_refusal_likelihood"]  # 145/200 vs 150/200: within the interval
    assert unsafe["change"] == pytest.approx(-2.5) and not unsafe["flagged"]
    over = rows["over_refusal_likelihood"]  # 40/250 vs 10/250: more over-refusal
    assert over["flagged"] and over["harm"] == "refuses more safe requests"
    assert guard["flagged"]
    assert any(f.startswith("less truthful: TruthfulQA MC1, % -20.00 pp") for f in guard["flags"])

    # a model that gets more truthful is never flagged for it
    assert not capability_guard(after, before)["figures"][0]["flagged"]


def test_guard_leaves_out_what_was_not_measured():
    before = _results({"truthfulqa": _overall("mc1", [100.0, 0.0])})
    assert capability_guard(before, _results({}))["figures"] == []
    none = _results({"xstest": grouped_figures("over_refusal", [], None, unit="%")})
    assert capability_guard(none, none)["figures"] == []  # generation not run: value None


def test_debias_compares_truthfulness_and_refusal(tiny_gpt2_1k_dir, data_dir, tmp_path):
    from fairlm.mitigation import DebiasConfig, debias

    config = DebiasConfig(
        model=str(tiny_gpt2_1k_dir),
        texts=CORPUS,
        method="finetune",
        output_dir=tmp_path,
        max_steps=2,
        batch_size=4,
        lr=1e-2,
        eval_benchmarks=["crows_pairs"],
        limit=4,
        guard_limit=6,
        bootstrap=20,
        heldout_fraction=0.25,
        data_dir=data_dir,
        progress=False,
        report=False,
    )
    said: list[str] = []
    comp = debias(config, log=said.append)
    assert set(comp["benchmarks"]) == {"crows_pairs", "truthfulqa", "xstest"}
    assert comp["settings"]["guard_benchmarks"] == ["truthfulqa", "xstest"]
    assert comp["settings"]["guard_limit"] == 6 and comp["settings"]["guard_generation"] is False
    rows = {r["metric"]: r for r in comp["guard"]["figures"]}
    # XSTest by its likelihood detector only: no generation figures to guard
    assert set(rows) == {"mc1", "mc2", "unsafe_refusal_likelihood", "over_refusal_likelihood"}
    for part in ("before", "after"):
        saved = json.loads((tmp_path / part / "results.json").read_text())
        figures = saved["benchmarks"]["truthfulqa"]["summary"]["figures"]
        mc1 = next(f for f in figures if f["metric"] == "mc1" and f["group"] == "overall")
        assert rows["mc1"][part]["value"] == mc1["value"] and mc1["n"] == 6
        xs = saved["benchmarks"]["xstest"]
        assert xs["config"]["generation"] is False and xs["n_examples"] == 6
    assert rows["mc1"]["change"] == pytest.approx(
        rows["mc1"]["after"]["value"] - rows["mc1"]["before"]["value"]
    )
    table = format_comparison(comp)
    assert "TruthfulQA MC1, % (higher)" in table and "XSTest safe prompts refused" in table
    assert "held-out perplexity" in table
    assert comp == json.loads((tmp_path / "comparison.json").read_text())

    # the same run reuses the before-audit; another guard setting does not
    said.clear()
    debias(config, log=said.append)
    assert not any("auditing the original" in m for m in said)
    config.guard_generation = True
    said.clear()
    comp = debias(config, log=said.append)
    assert any("auditing the original" in m for m in said)
    assert "over_refusal" in {r["metric"] for r in comp["guard"]["figures"]}
