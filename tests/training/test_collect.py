"""Corpus collection: formats, folders, skipped files and the errors for no text."""

from __future__ import annotations

import gzip
import os

import pytest

from fairlm.training import CorpusError
from fairlm.training._collect import CollectStats, iter_corpus


def test_formats_and_folders(tmp_path):
    (tmp_path / "sub").mkdir()
    (tmp_path / "a.txt").write_text("para one\nstill one\n\npara two\n", encoding="utf-8")
    (tmp_path / "sub" / "b.jsonl").write_text(
        '{"text": "json doc"}\n"bare string"\n{"other": 1}\nnot json\n\n', encoding="utf-8"
    )
    (tmp_path / "sub" / "c.csv").write_text('id,text\n1,"csv, doc"\n2,\n', encoding="utf-8")
    with gzip.open(tmp_path / "sub" / "d.txt.gz", "wt", encoding="utf-8") as f:
        f.write("zipped\n")
    stats = CollectStats()
    docs = list(iter_corpus([tmp_path], stats=stats))
    assert docs == [
        "para one\nstill one", "para two", "json doc", "bare string", "csv, doc", "zipped"
    ]  # fmt: skip
    assert stats.files_read == 4 and stats.documents == 6
    assert stats.records_skipped == 3  # {"other": 1}, "not json", an empty CSV text


def test_text_units(tmp_path):
    p = tmp_path / "a.txt"
    p.write_text("l1\nl2\n\nl3\n", encoding="utf-8")
    assert list(iter_corpus([p], text_unit="line")) == ["l1", "l2", "l3"]
    assert list(iter_corpus([p], text_unit="file")) == ["l1\nl2\n\nl3\n"]


def test_glob(tmp_path):
    (tmp_path / "x").mkdir()
    (tmp_path / "x" / "keep.md").write_text("kept\n")
    (tmp_path / "x" / "skip.txt").write_text("skipped\n")
    assert list(iter_corpus([tmp_path], glob="**/*.md")) == ["kept"]


def test_unreadable_files_are_skipped_and_counted(tmp_path):
    (tmp_path / "good.txt").write_text("fine\n")
    (tmp_path / "bad.txt").write_bytes(b"\xff\xfe\xfa not utf-8")
    (tmp_path / "cols.csv").write_text("a,b\n1,2\n")
    stats = CollectStats()
    assert list(iter_corpus([tmp_path, tmp_path / "missing.txt"], stats=stats)) == ["fine"]
    assert stats.files_skipped == 3
    reasons = {os.path.basename(s["path"]): s["reason"] for s in stats.skipped}
    assert reasons["bad.txt"] == "not UTF-8 text (byte 0xff)"
    assert "no column 'text'" in reasons["cols.csv"] and "'a', 'b'" in reasons["cols.csv"]
    assert reasons["missing.txt"] == "no such file or folder"


def test_no_text_column_is_an_error(tmp_path):
    p = tmp_path / "c.csv"
    p.write_text("a,b\n1,2\n")
    with pytest.raises(CorpusError, match="no column 'text'"):
        list(iter_corpus([p]))
    q = tmp_path / "d.jsonl"
    q.write_text('{"body": "x"}\n')
    with pytest.raises(CorpusError, match="--text-column"):
        list(iter_corpus([q]))
    assert list(iter_corpus([q], text_column="body")) == ["x"]


def test_empty_corpus_is_an_error(tmp_path):
    (tmp_path / "empty.txt").write_text("\n\n")
    with pytest.raises(CorpusError, match="is empty"):
        list(iter_corpus([tmp_path]))


def test_cli_error_is_one_line_exit_2(tmp_path, capsys, data_dir):
    from fairlm.cli import main

    p = tmp_path / "c.csv"
    p.write_text("a,b\n1,2\n")
    assert main(["data-audit", str(p), "--no-progress"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("fairlm data-audit: error:") and "\n" not in err
