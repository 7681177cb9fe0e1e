"""``group_metrics_from_csv`` streams a CSV file into counts: the same results as the row
constructor on the file's rows, whatever the chunk size; errors name the line; memory
does not grow with the rows."""

from __future__ import annotations

import csv
import io

import numpy as np
import pytest

from fairlm.errors import DataError
from fairlm.metrics import GroupMetrics, group_metrics_from_csv
from fairlm.metrics import _csv as csv_mod

OPTIONS = dict(n_bootstrap=100, n_permutations=100, seed=3)


def _write(path, header, rows, *, blank_every=0, pad=False, delimiter=","):
    buf = io.StringIO()
    w = csv.writer(buf, delimiter=delimiter, lineterminator="\n")
    w.writerow(header)
    for i, r in enumerate(rows):
        w.writerow([f" {c} " if pad else c for c in r])
        if blank_every and i % blank_every == 0:
            buf.write("\n")
    path.write_text(buf.getvalue(), encoding="utf-8")
    return path


def _data(n=500, seed=0):
    rng = np.random.default_rng(seed)
    g = rng.choice(["f", "m", "x"], n, p=[0.5, 0.4, 0.1])
    age = rng.choice(["old", "young"], n)
    y = (rng.random(n) < 0.4).astype(int)
    p = np.where(rng.random(n) < 0.75, y, 1 - y)
    w = rng.uniform(0.5, 3.0, n).round(3)
    return y, p, g, age, w


@pytest.mark.parametrize("chunk_rows", [1, 7, 1 << 16])
def test_stream_equals_rows(tmp_path, monkeypatch, chunk_rows):
    monkeypatch.setattr(csv_mod, "CHUNK_ROWS", chunk_rows)
    y, p, g, age, _ = _data()
    f = _write(
        tmp_path / "p.csv",
        ["y", "p", "g", "age"],
        zip(y, p, g, age, strict=True),
        blank_every=50,
        pad=True,
    )
    got = group_metrics_from_csv(
        f, y_true="y", y_pred="p", groups=["g", "age"], reference="f & old", **OPTIONS
    )
    rows = GroupMetrics(
        y, p, sensitive_features={"g": g, "age": age}, reference="f & old", **OPTIONS
    )
    assert got.to_dict() == rows.to_dict()


def test_chunks_do_not_change_the_counts(tmp_path):
    y, p, g, _, _ = _data(300, seed=5)
    f = _write(tmp_path / "p.csv", ["y", "p", "g"], zip(y, p, g, strict=True))
    counts = [
        csv_mod.read_csv_counts(f, y_true="y", y_pred="p", groups=["g"], chunk_rows=n).rows
        for n in (1, 13, 10_000)
    ]
    assert all(np.array_equal(c, counts[0]) for c in counts)
    assert counts[0].sum() == 300


def test_weights_pos_label_and_tsv(tmp_path):
    y, p, g, _, w = _data(400, seed=1)
    yt = np.where(y == 1, "yes", "no")
    yp = np.where(p == 1, "yes", "no")
    f = _write(
        tmp_path / "p.tsv", ["y", "p", "g", "w"], zip(yt, yp, g, w, strict=True), delimiter="\t"
    )
    got = group_metrics_from_csv(
        f, y_true="y", y_pred="p", groups=["g"], sample_weight="w", pos_label="yes", **OPTIONS
    )
    rows = GroupMetrics(
        yt, yp, sensitive_features={"g": g}, sample_weight=w, pos_label="yes", **OPTIONS
    )
    a, b = got.to_dict(), rows.to_dict()
    # weight sums are added in another order: equal to rounding
    assert a.keys() == b.keys()
    np.testing.assert_allclose(
        [e["value"] for e in a["by_group"]["tpr"].values()],
        [e["value"] for e in b["by_group"]["tpr"].values()],
        rtol=1e-12,
    )
    assert a["groups"][0]["n_rows"] == b["groups"][0]["n_rows"]
    assert got.weighted and not got._equal_weights


@pytest.mark.filterwarnings("ignore::fairlm.metrics.UndefinedMetricWarning")
def test_labels_read_as_numbers(tmp_path):
    """'01' and '1.0' are the label 1, as in the row reader."""
    rows = [("1.0", "1", "a"), ("0.0", "0", "a"), ("1", "01", "b"), ("0", "0", "b")]
    f = _write(tmp_path / "p.csv", ["y", "p", "g"], rows)
    gm = group_metrics_from_csv(
        f, y_true="y", y_pred="p", groups=["g"], n_bootstrap=0, n_permutations=0
    )
    assert gm.groups_info[1].confusion == {"tn": 1.0, "fp": 0.0, "fn": 0.0, "tp": 1.0}


@pytest.mark.filterwarnings("ignore::fairlm.metrics.UndefinedMetricWarning")
def test_control_characters_in_group_names(tmp_path):
    from fairlm._text import terminal_text

    rows = [(1, 1, "a\nb"), (0, 1, "a\nb"), (1, 0, "\x1b[31mred"), (0, 0, "\x1b[31mred")]
    f = _write(tmp_path / "p.csv", ["y", "p", "g"], rows)
    gm = group_metrics_from_csv(
        f, y_true="y", y_pred="p", groups=["g"], group_names=terminal_text, n_bootstrap=0
    )
    assert gm.groups == ("\\x1b[31mred", "a\\nb")
    table = gm.to_table()
    assert "\x1b" not in table and "a\\nb" in table
    clash = _write(tmp_path / "c.csv", ["y", "p", "g"], [*rows, (1, 1, "a\\nb")])
    with pytest.raises(DataError, match="differ only in control characters"):
        group_metrics_from_csv(
            clash, y_true="y", y_pred="p", groups=["g"], group_names=terminal_text
        )


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        (
            [(1, 1, "a", 1), (0, "NA", "b", 1), (1, 1, "b", 1)] * 3,
            "Column 'p' in {f} is empty or NA at line 3 (and 2 more rows)",
        ),
        (
            [(1, 1, "a", 1), (0, 1, "b", -2), (1, 1, "b", 1)],
            "must hold finite, non-negative numbers: line 3 has '-2'",
        ),
        ([(1, 1, "a", 1), (0, 1, "b", "x"), (1, 1, "b", 1)], "line 3 has 'x'"),
        (
            [(1, 1, "a", 1), (0, 1, "b", ""), (1, 1, "b", 1)],
            "Column 'w' in {f} is empty or NA at line 3;",
        ),
        (
            [(1, 1, "a", 1), (0, 1, "b"), (1, 1, "b", 1)],
            "{f} line 3 has 3 fields but the header has 4.",
        ),
        ([(2, 1, "a", 1), (0, 1, "b", 1)], "labels outside {{0, 1}}: '0', '2'"),
    ],
)
def test_errors_name_the_line_across_chunks(tmp_path, monkeypatch, rows, message):
    monkeypatch.setattr(csv_mod, "CHUNK_ROWS", 2)
    f = _write(tmp_path / "bad.csv", ["y", "p", "g", "w"], rows)
    with pytest.raises(DataError) as exc:
        group_metrics_from_csv(f, y_true="y", y_pred="p", groups=["g"], sample_weight="w")
    assert message.format(f=f) in str(exc.value)


def test_too_many_distinct_values_is_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(csv_mod, "MAX_KEYS", 50)
    rows = [(1, 1, f"user{i}") for i in range(200)]
    f = _write(tmp_path / "p.csv", ["y", "p", "g"], rows)
    with pytest.raises(DataError, match="Column 'g' .* distinct values"):
        group_metrics_from_csv(f, y_true="y", y_pred="p", groups=["g"])


def test_memory_does_not_grow_with_rows(tmp_path):
    """The reader keeps one chunk and the counts: tracemalloc's peak for 200,000 rows is
    about that of 20,000 rows."""
    import tracemalloc

    def peak(n: int) -> int:
        f = tmp_path / f"m{n}.csv"
        with f.open("w") as out:
            out.write("y,p,g\n")
            out.writelines(f"{i % 2},{(i // 3) % 2},g{i % 5}\n" for i in range(n))
        tracemalloc.start()
        csv_mod.read_csv_counts(f, y_true="y", y_pred="p", groups=["g"], chunk_rows=4096)
        size = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        return size

    small, big = peak(20_000), peak(200_000)
    assert big < 1.5 * small + 200_000, (small, big)


def test_a_file_in_another_encoding_is_one_line(tmp_path):
    f = tmp_path / "latin1.csv"
    f.write_bytes("y,p,g\n1,1,Zo\u00eb\n".encode("latin-1"))
    with pytest.raises(DataError) as exc:
        group_metrics_from_csv(f, y_true="y", y_pred="p", groups=["g"])
    assert str(exc.value) == f"{f}: not UTF-8 text (byte 0xeb); save the file as UTF-8."
