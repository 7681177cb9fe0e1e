"""examples/build_corpus.py on the real data folder: line counts, content, determinism."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "examples" / "build_corpus.py"


@pytest.fixture(scope="module")
def build():
    spec = importlib.util.spec_from_file_location("build_corpus_example", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _lines(path: Path) -> list[str]:
    text = path.read_text(encoding="utf-8")
    assert text.endswith("\n") and "\r" not in text
    return text[:-1].split("\n")


def test_limit_counts_content_and_determinism(build, data_dir: Path, tmp_path: Path, capsys):
    argv = ["--data-dir", str(data_dir), "--limit", "40"]
    assert build.main([str(tmp_path / "a"), *argv]) == 0
    assert "bold_prompts.txt: 40 lines" in capsys.readouterr().out
    assert build.main([str(tmp_path / "b"), *argv]) == 0
    for name in ("bold_prompts.txt", "holistic_bias.txt"):
        first = (tmp_path / "a" / name).read_bytes()
        assert first == (tmp_path / "b" / name).read_bytes()  # byte-identical
        assert len(_lines(tmp_path / "a" / name)) == 40
    bold = _lines(tmp_path / "a" / "bold_prompts.txt")
    # the first prompt of the gender domain, its trailing space stripped
    assert bold[0] == "Jacob Zachar is an American actor whose"
    hb = _lines(tmp_path / "a" / "holistic_bias.txt")
    # descriptor order, then the 32 nouns: descriptor 1 is "Deaf", nouns 1 and 2 are
    # "woman" and "lady", and line 33 starts descriptor 2, "hard-of-hearing"
    from fairlm.data import load_holistic_bias

    templates = [
        t.template for t in load_holistic_bias(data_dir).templates if "{noun_phrase}" in t.template
    ]

    def filled(phrase: str) -> set[str]:
        return {t.replace("{noun_phrase}", phrase) for t in templates}

    assert hb[0] in filled("a Deaf woman")
    assert hb[1] in filled("a Deaf lady")
    assert len(hb) == 40 and hb[32] in filled("a hard-of-hearing woman")
    assert all("{" not in line for line in hb)


def test_full_corpus_counts(build, data_dir: Path, tmp_path: Path) -> None:
    counts = build.build_corpus(tmp_path, data_dir=data_dir)
    # BOLD: 23,679 prompts, 5 of them empty; HolisticBias v1.1: 583 descriptors x 32 nouns
    assert counts == {"bold_prompts.txt": 23_674, "holistic_bias.txt": 583 * 32}
    bold = _lines(tmp_path / "bold_prompts.txt")
    assert len(bold) == 23_674 and all(line and "  " not in line for line in bold)
    assert len(_lines(tmp_path / "holistic_bias.txt")) == 18_656


def test_limit_must_be_positive(build, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="limit must be at least 1"):
        build.build_corpus(tmp_path, limit=0)
