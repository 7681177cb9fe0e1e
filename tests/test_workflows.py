"""The workflows called from Python with their configs, as the command line calls them:
the same files, the same recorded settings."""

from __future__ import annotations

import json

from fairlm.cli import main


def test_audit_from_python_matches_the_command_line(tiny_gpt2_dir, data_dir, tmp_path, capsys):
    from fairlm.benchmarks import AuditConfig, audit

    settings = dict(benchmarks="crows_pairs", limit=6, bootstrap=30, data_dir=str(data_dir))
    config = AuditConfig(
        model=str(tiny_gpt2_dir),
        output_dir=str(tmp_path / "py"),
        report=False,
        progress=False,
        **settings,
    )
    results = audit(config, log=lambda _m: None)
    argv = ["audit", "--model", str(tiny_gpt2_dir), "--output-dir", str(tmp_path / "cli")]
    argv += ["--benchmarks", "crows_pairs", "--limit", "6", "--bootstrap", "30"]
    assert main([*argv, "--data-dir", str(data_dir), "--no-report", "--quiet"]) == 0
    capsys.readouterr()
    cli = json.loads((tmp_path / "cli" / "results.json").read_text())
    assert results == json.loads((tmp_path / "py" / "results.json").read_text())
    assert (
        results["config"]
        == cli["config"]
        == {
            "benchmarks": ["crows_pairs"],
            "limit": 6,
            "seed": 0,
            "bootstrap": 30,
            "confidence": 0.95,
            "dtype": "float32",
            "protocol": None,
            "chat": "auto",
            "benchmark_args": {},
        }
    )
    figures = [r["benchmarks"]["crows_pairs"]["summary"] for r in (results, cli)]
    assert figures[0] == figures[1]
    assert not (tmp_path / "py" / "report.html").exists()


def test_data_audit_from_python_writes_its_report(data_dir, tmp_path):
    from fairlm.training import DataAuditConfig, data_audit

    corpus = tmp_path / "corpus.txt"
    corpus.write_text("He is a doctor.\n\nShe is a nurse.\n", encoding="utf-8")
    out = tmp_path / "audit.json"
    config = DataAuditConfig(
        corpus=[str(corpus)],
        axes=["gender"],
        data_dir=str(data_dir),
        output=str(out),
        progress=False,
    )
    report, data = data_audit(config)
    assert report.n_documents == 2
    assert json.loads(out.read_text()) == data
    assert data["collect"]["files_read"] == 1 and "preprocess" not in data
    assert data["representation"]["gender"]["male"]["mentions"] == 1
