"""Each preprocessing step on small hand-written inputs, and the counts it reports."""

from __future__ import annotations

import pytest

from fairlm.training import CorpusError
from fairlm.training._preprocess import (
    PreprocessConfig,
    Preprocessor,
    repair_whitespace,
    shingles,
    strip_control,
    strip_markup,
)


def test_strip_markup():
    html = (
        "<html><head><style>p {color: red}</style><script>var x = '<b>';</script></head>"
        "<body><p>Fish &amp; chips</p><!-- a <i>comment</i> --><br/>are <b>good</b>.</body></html>"
    )
    out = repair_whitespace(strip_markup(html))
    assert out == "Fish & chips\n\nare good."
    assert strip_markup("3 < 4 and x > y") == "3 < 4 and x > y"  # not tags


def test_strip_control():
    text = "a\x00b\x07c\u200bd\ufeffe\u00adf\tg\r\nh"
    assert strip_control(text) == "abcdef\tg\nh"
    plain = "nothing to do"
    assert strip_control(plain) is plain


def test_repair_whitespace():
    text = "  one \t two\u00a0\u00a0three  \n\n\n\n  four   \n"
    assert repair_whitespace(text) == "one two three\n\nfour"


def test_shingles():
    assert shingles("A b c", 5) == {"a b c"}
    assert shingles("a b c d", 3) == {"a b c", "b c d"}


def _run(docs, **kw):
    pre = Preprocessor(PreprocessConfig(**kw))
    out = list(pre(docs))
    return out, {r["step"]: r for r in pre.report()}


def test_exact_duplicates_counted():
    docs = ["the cat sat", "the  cat sat", "a dog ran", "the cat sat"]
    out, rep = _run(docs, near_dedup=False)
    # whitespace repair makes doc 2 equal to doc 1 before de-duplication
    assert out == ["the cat sat", "a dog ran"]
    assert rep["whitespace"]["changed"] == 1 and rep["whitespace"]["docs_removed"] == 0
    assert rep["exact_dedup"]["docs_in"] == 4
    assert rep["exact_dedup"]["docs_removed"] == 2
    assert rep["exact_dedup"]["words_removed"] == 6  # two copies of 3 words


BASE = " ".join(f"word{i}" for i in range(30))  # 30 distinct words: 26 five-word shingles
NEAR = BASE.replace("word29", "other")  # changes only the last shingle: Jaccard 25/27 = 0.93


def test_near_duplicates_removed_but_counterfactuals_kept():
    pair_a, pair_b = "I'm a deaf grandma.", "I'm a deaf grandpa."
    other = "an entirely different sentence about something else altogether here"
    out, rep = _run([BASE, NEAR, pair_a, pair_b, other])
    assert out == [BASE, pair_a, pair_b, other]
    assert rep["near_dedup"]["docs_removed"] == 1
    assert rep["near_dedup"]["words_removed"] == 30
    assert rep["exact_dedup"]["docs_removed"] == 0


def test_near_dedup_threshold_one_keeps_near_copies():
    out, _ = _run([BASE, NEAR], near_dup_threshold=0.99)
    assert len(out) == 2


def test_length_filter_and_empty_after_cleaning():
    docs = ["<p></p>", "one", "one two three", "w " * 50]
    out, rep = _run(docs, min_words=2, max_words=10)
    assert out == ["one two three"]
    assert rep["markup"]["docs_removed"] == 1  # "<p></p>" leaves nothing
    assert rep["length"]["docs_in"] == 3
    assert rep["length"]["docs_removed"] == 2
    assert rep["length"]["words_removed"] == 1 + 50


def test_normalize_nfkc():
    out, rep = _run(["ﬁne ＡＢＣ"], normalize="NFKC")
    assert out == ["fine ABC"]
    assert rep["normalize"]["changed"] == 1
    out, _ = _run(["ﬁne ＡＢＣ"])  # NFC keeps compatibility forms
    assert out == ["ﬁne ＡＢＣ"]


def test_bad_config():
    with pytest.raises(CorpusError, match="near_dup_threshold"):
        PreprocessConfig(near_dup_threshold=0)
