"""``fairlm metrics FILE.csv ...`` end to end, through fairlm.cli.main."""

from __future__ import annotations

import json

import pytest

import fairlm.cli

# Group a: TN=3 FP=1 FN=2 TP=2 (TPR 1/2, selection 3/8)
# Group b: TN=1 FP=1 FN=1 TP=3 (TPR 3/4, selection 4/6)
ROWS = [
    ("label", "pred", "sex", "age"),
    *[
        (y, p, "a", "young")
        for y, p in [(1, 1), (1, 1), (1, 0), (0, 1), (0, 0), (0, 0), (0, 0), (1, 0)]
    ],
    *[(y, p, "b", "old") for y, p in [(1, 1), (1, 1), (1, 1), (1, 0), (0, 1), (0, 0)]],
]


@pytest.fixture(autouse=True)
def only_metrics_command(monkeypatch):
    """Build the parser with the metrics subcommand alone (independent of the others)."""
    monkeypatch.setattr(
        fairlm.cli, "COMMANDS", [c for c in fairlm.cli.COMMANDS if c[0] == "metrics"]
    )


def _csv(path, rows):
    path.write_text("\n".join(",".join(str(c) for c in r) for r in rows) + "\n", encoding="utf-8")
    return path


def _run(capsys, *argv):
    code = fairlm.cli.main(["metrics", *map(str, argv)])
    out, err = capsys.readouterr()
    return code, out, err


def test_table_and_json(tmp_path, capsys):
    f = _csv(tmp_path / "preds.csv", ROWS)
    out_json = tmp_path / "out" / "m.json"
    code, out, err = _run(
        capsys,
        f,
        "--y-true", "label",
        "--y-pred", "pred",
        "--group", "sex",
        "--reference", "a",
        "--bootstrap", "200",
        "--permutations", "200",
        "--json", out_json,
    )  # fmt: skip
    assert code == 0, err
    lines = out.splitlines()
    assert lines[0].endswith("preds.csv: y_true=label, y_pred=pred, groups=sex")
    assert "14 rows, 2 groups" in out
    # groups table: a (reference) with its four cells
    assert any(line.split() == ["a", "(reference)", "8", "3", "1", "2", "2"] for line in lines)
    tpr_a = next(line for line in lines if line.startswith("tpr "))
    assert tpr_a.split()[:3] == ["tpr", "a", "0.500"]
    summary = next(line for line in lines if line.startswith("demographic_parity_difference"))
    assert summary.split()[1] == "0.292"  # 4/6 - 3/8 = 7/24, b relative to reference a
    assert "Per-group values" in out and "Between groups" in out and "Summary" in out
    data = json.loads(out_json.read_text())
    assert data["file"] == str(f)
    assert data["by_group"]["tpr"]["b"]["value"] == pytest.approx(0.75)
    assert data["to_reference"]["selection_rate"]["b"]["difference"]["value"] == pytest.approx(
        7 / 24
    )
    assert data["n_bootstrap"] == 200 and data["reference"] == "a"
    assert data["summary"]["equal_opportunity_difference"]["p_value"] is not None


def test_intersections_and_pos_label(tmp_path, capsys):
    rows = [("label", "pred", "sex", "age")] + [
        ("yes" if y else "no", "yes" if p else "no", s, a) for y, p, s, a in ROWS[1:]
    ]
    rows[1] = ("yes", "yes", "a", "old")  # a & old now exists (1 row)
    f = _csv(tmp_path / "p.csv", rows)
    code, out, err = _run(
        capsys,
        f,
        "--y-true", "label",
        "--y-pred", "pred",
        "--group", "sex",
        "--group", "age",
        "--pos-label", "yes",
        "--min-group-size", "2",
        "--bootstrap", "0",
        "--permutations", "0",
    )  # fmt: skip
    assert code == 0, err
    assert "a & old (small: n < 2, not compared)" in out
    assert "Groups (sex x age)" in out
    assert "warning: 1 group(s) have fewer than min_group_size=2 rows: 'a & old' (n=1)" in err


@pytest.mark.parametrize(
    ("rows", "args", "message"),
    [
        (ROWS, ["--y-true", "lable"], "Column 'lable' not found in {f}. Did you mean: label"),
        (
            [*ROWS[:3], ("", 1, "a", "young"), *ROWS[4:]],
            [],
            "Column 'label' in {f} is empty or NA at line 4; drop or fill those rows.",
        ),
        (
            [*ROWS[:3], ("NaN", 1, "a", "young"), ("nan", 0, "b", "old"), *ROWS[5:]],
            [],
            "Column 'label' in {f} is empty or NA at line 4 (and 1 more rows)",
        ),
        (
            [ROWS[0], *[(y, p, "a", age) for y, p, _, age in ROWS[1:]]],
            [],
            "Only one group ('a') in sensitive feature(s) sex",
        ),
        (
            [*ROWS[:3], (2, 1, "a", "young"), *ROWS[4:]],
            [],
            "Column 'label' in {f} has labels outside {{0, 1}}: '0', '1', '2'. Pass --pos-label",
        ),
        ([ROWS[0]], [], "{f} has a header but no data rows."),
        ([*ROWS[:3], (1, 0, "a"), *ROWS[4:]], [], "{f} line 4 has 3 fields but the header has 4."),
        (ROWS, ["--reference", "c"], "Reference group 'c' is not among the groups."),
    ],
)
def test_bad_csv_files(tmp_path, capsys, rows, args, message):
    f = _csv(tmp_path / "bad.csv", rows)
    base = {"--y-true": "label", "--y-pred": "pred", "--group": "sex"}
    base.update(dict(zip(args[::2], args[1::2], strict=True)))
    code, out, err = _run(capsys, f, *[x for kv in base.items() for x in kv])
    assert code == 2
    assert out == ""
    assert err.count("\n") == 1  # one line
    assert err.startswith("fairlm metrics: error: ")
    assert message.format(f=f) in err


def test_missing_and_empty_files(tmp_path, capsys):
    args = ["--y-true", "label", "--y-pred", "pred", "--group", "sex"]
    code, _, err = _run(capsys, tmp_path / "nope.csv", *args)
    assert code == 2 and "nope.csv: no such file." in err
    empty = tmp_path / "empty.csv"
    empty.write_text("")
    code, _, err = _run(capsys, empty, *args)
    assert code == 2 and "empty.csv is empty; expected a header row with column names." in err


def test_group_without_positives_warns_and_reports_na(tmp_path, capsys):
    # group b: labels all 0 -> TPR, FNR undefined there
    rows = [ROWS[0], *ROWS[1:9], *[(0, p, "b", "old") for _, p, _, _ in ROWS[9:]]]
    f = _csv(tmp_path / "nopos.csv", rows)
    code, out, err = _run(
        capsys, f, "--y-true", "label", "--y-pred", "pred", "--group", "sex", "--bootstrap", "50"
    )
    assert code == 0
    assert (
        "fairlm metrics: warning: tpr, fnr undefined for group 'b': it has no rows with "
        "y_true = 1 (TP + FN = 0)" in err
    )
    tpr_b = next(line for line in out.splitlines() if line.split()[:2] == ["b", "n/a"])
    assert tpr_b  # the row for b under tpr shows n/a


def test_metrics_flag_limits_the_report(tmp_path, capsys):
    f = _csv(tmp_path / "preds.csv", ROWS)
    args = ["--y-true", "label", "--y-pred", "pred", "--group", "sex", "--bootstrap", "0"]
    code, out, err = _run(capsys, f, *args, "--metrics", "tpr,selection_rate")
    assert code == 0, err
    firsts = {line.split()[0] for line in out.splitlines() if line.strip()}
    assert {"tpr", "selection_rate"} <= firsts and "fpr" not in firsts and "ppv" not in firsts
    assert "demographic_parity_difference" in out  # needs selection_rate only
    assert "equalized_odds_difference" not in out  # needs fpr too
    code, _, err = _run(capsys, f, *args, "--metrics", "tpr,fnrr")
    assert code == 2 and "Unknown metric 'fnrr'. Did you mean: fnr" in err


def test_negative_bootstrap_is_a_usage_error(tmp_path, capsys):
    f = _csv(tmp_path / "preds.csv", ROWS)
    with pytest.raises(SystemExit) as exc:
        fairlm.cli.main(
            ["metrics", str(f), "--y-true", "label", "--y-pred", "pred", "--group", "sex",
             "--bootstrap", "-5"]
        )  # fmt: skip
    assert exc.value.code == 2
    assert "argument --bootstrap: -5 is negative; pass 0 or more" in capsys.readouterr().err


def test_help_lists_the_flags(capsys):
    with pytest.raises(SystemExit) as exc:
        fairlm.cli.main(["metrics", "--help"])
    assert exc.value.code == 0
    out = capsys.readouterr().out
    for flag in ("--y-true", "--group", "--reference", "--bootstrap", "--seed", "--json"):
        assert flag in out
