"""`fairlm audit` end to end: files written, schema, limit, errors."""

from __future__ import annotations

import json
import os

import pytest

from fairlm.benchmarks import BENCHMARKS, NOT_IN_ALL
from fairlm.cli import main


def test_audit_writes_results_and_samples(tiny_gpt2_dir, data_dir, tmp_path, capsys):
    out = tmp_path / "run"
    code = main(
        [
            "audit",
            "--model",
            str(tiny_gpt2_dir),
            "--benchmarks",
            "crows_pairs",
            "--limit",
            "7",
            "--bootstrap",
            "50",
            "--output-dir",
            str(out),
            "--quiet",
        ]
    )
    assert code == 0
    results = json.loads((out / "results.json").read_text())
    assert results["schema_version"] == 1
    assert results["model"]["prefix_token"] == "<|endoftext|>" and results["model"]["hash"]
    crows = results["benchmarks"]["crows_pairs"]
    assert crows["n_examples"] == 7 and crows["config"]["limit"] == 7
    assert crows["version"] and crows["citation"].startswith("Nangia")
    rows = [json.loads(x) for x in (out / "samples_crows_pairs.jsonl").read_text().splitlines()]
    assert len(rows) == 7
    head = next(
        f
        for f in crows["summary"]["figures"]
        if f["metric"] == "stereotype_score" and f["group"] == "overall"
    )
    assert head["value"] == pytest.approx(100 * sum(r["stereotyped"] for r in rows) / 7)
    printed = capsys.readouterr().out
    assert "stereotype_score" in printed
    # the HTML report is written by default, readable by others like any file
    report = out / "report.html"
    assert f"report:  {report}" in printed
    assert "crows_pairs" in report.read_text() and (out / "model_card.md").exists()
    umask = os.umask(0)
    os.umask(umask)
    assert report.stat().st_mode & 0o777 == 0o666 & ~umask


def test_limit_is_a_seeded_sample(data_dir):
    cls = BENCHMARKS.get("crows_pairs")
    a = [e.id for e in cls(limit=20, seed=1).examples()]
    assert a == [e.id for e in cls(limit=20, seed=1).examples()]
    assert a != [e.id for e in cls(limit=20, seed=2).examples()]
    assert len(set(a)) == 20


def test_unknown_benchmark_suggests_names(tiny_gpt2_dir, capsys):
    assert main(["audit", "--model", str(tiny_gpt2_dir), "--benchmarks", "crows"]) == 2
    err = capsys.readouterr().err
    assert "Unknown benchmark 'crows'" in err and "crows_pairs" in err


def test_benchmark_list(capsys):
    assert main(["audit", "--benchmarks", "list"]) == 0
    lines = capsys.readouterr().out.splitlines()
    # one line per benchmark: its name, then at least two spaces, then its title
    assert [line.split()[0] for line in lines] == BENCHMARKS.names()
    assert all(line[len(line.split()[0]) :].startswith("  ") for line in lines)


@pytest.mark.integration
def test_every_benchmark_runs_on_the_default_model(data_dir, tmp_path, capsys):
    out = tmp_path / "smol"
    assert (
        main(["audit", "--limit", "6", "--bootstrap", "100", "--output-dir", str(out), "--quiet"])
        == 0
    )
    results = json.loads((out / "results.json").read_text())
    # every registered benchmark but those whose data the user supplies
    assert set(results["benchmarks"]) == set(BENCHMARKS.names()) - NOT_IN_ALL
    assert results["model"]["name"] == "smollm2-135m"
    for name, b in results["benchmarks"].items():
        assert b["n_examples"] == 6, name
        head = b["summary"]["headline"]
        assert any(f["metric"] == head for f in b["summary"]["figures"]), name


def test_summary_columns_fit_long_names_and_licences_follow():
    from fairlm.benchmarks._audit import format_summary

    def fig(metric, group, value, n):
        return {"metric": metric, "group": group, "value": value, "ci_low": None,
                "ci_high": None, "n": n}  # fmt: skip

    long_metric = "negative_share_religious_ideology"  # 33 characters, BOLD's longest
    results = {
        "model": {"name": "m", "dtype": "float32", "prefix_token": "<s>",
                  "license_note": "M is provided under the M Terms."},
        "benchmarks": {
            "bold": {"license": "CC BY-SA 4.0",
                     "summary": {"figures": [fig(long_metric, "islam", 100.0, 1)]}},
            "seat": {"license": "CC BY-NC 4.0", "summary": {"figures": [fig("x", "a", 0.5, 2)]}},
            "crows_pairs": {"license": "CC BY-SA 4.0",
                            "summary": {"figures": [fig("stereotype_score", "overall", 60.0, 3)]}},
        },
    }  # fmt: skip
    lines = format_summary(results).splitlines()
    rows = lines[3:6]
    # every row's value ends in the same column, however long its metric name
    ends = [row.index(v) + len(v) for row, v in zip(rows, ("100.00", "0.50", "60.00"), strict=True)]
    assert len(set(ends)) == 1
    assert rows[0].split() == ["bold", long_metric, "islam", "100.00", "1"]
    assert lines[6:] == [
        "model licence: M is provided under the M Terms.",
        "data licences: CC BY-SA 4.0 (share-alike): bold, crows_pairs; "
        "CC BY-NC 4.0 (non-commercial): seat",
    ]
