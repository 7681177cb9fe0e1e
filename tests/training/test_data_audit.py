"""Data bias audit counts on a tiny corpus, computed by hand."""

from __future__ import annotations

import json
import math

import pytest

from fairlm.training._data_audit import TermLists, _Matcher, audit_corpus, tokenize

DOCS = [
    "He is a doctor and he is kind.",
    "She is a nurse. She is kind and the doctor is kind.",
    "The Muslim man and the Christian woman met.",
]
TERMS = TermLists(
    axes={
        "gender": {"male": ["he", "man"], "female": ["she", "woman"]},
        "religion": {"muslim": ["Muslim"], "christian": ["Christian"], "jewish": ["Jewish"]},
    },
    occupations=["doctor", "nurse", "pilot"],
    adjectives=["kind"],
)


@pytest.fixture(scope="module")
def report():
    return audit_corpus(DOCS, TERMS, window=2)


def test_representation_by_hand(report):
    assert report.n_documents == 3 and report.n_words == 8 + 12 + 8
    g = report.representation["gender"]
    assert g["male"] == {"mentions": 3, "documents": 2, "share": 0.5}  # he, he, man
    assert g["female"] == {"mentions": 3, "documents": 2, "share": 0.5}  # she, she, woman
    r = report.representation["religion"]
    assert r["muslim"]["mentions"] == 1 and r["christian"]["documents"] == 1
    assert report.top_terms["gender"]["male"] == {"he": 2, "man": 1}


def test_cooccurrence_by_hand(report):
    # window 2 around: he@0 (2 positions), he@5 (4: doctor, kind), man@2 (4) -> male 10;
    # she@0 (2), she@4 (4: nurse, kind), woman@6 (3, the document ends) -> female 9
    assert report.context_totals == {"male": 10, "female": 9}
    occ = {r["word"]: r for r in report.occupations}
    assert set(occ) == {"doctor", "nurse"}  # "pilot" never occurs
    doctor = occ["doctor"]
    assert (doctor["count"], doctor["male"], doctor["female"]) == (2, 1, 0)
    assert occ["doctor"]["pmi_male"] == pytest.approx(math.log2(1 * 19 / (10 * 1)))
    assert occ["doctor"]["pmi_female"] is None and occ["doctor"]["skew_ratio"] is None
    assert occ["nurse"]["pmi_female"] == pytest.approx(math.log2(19 / 9))
    kind = report.adjectives[0]
    assert (kind["word"], kind["count"], kind["male"], kind["female"]) == ("kind", 3, 1, 1)
    assert kind["pmi_male"] == pytest.approx(math.log2(19 / 20))
    assert kind["pmi_female"] == pytest.approx(math.log2(19 / 18))
    assert kind["skew_ratio"] == pytest.approx((1 / 9) / (1 / 10))
    assert kind["skew_ratio"] == pytest.approx(2 ** (kind["pmi_female"] - kind["pmi_male"]))


def test_report_json_and_table(report):
    data = json.loads(json.dumps(report.to_dict()))
    assert data["kind"] == "fairlm.data_audit" and data["cooccurrence"]["window"] == 2
    table = report.to_markdown()
    assert "| gender | male | 3 | 2 | 50.0 |" in table
    # groups never mentioned: one row per axis, not a row of zeros each
    assert "| religion | (not mentioned: 1 of 3) | 0 | 0 | |" in table
    assert "jewish" not in table and "gender | (" not in table
    assert "| religion | (1 more mentioned) | | | |" in report.to_markdown(top=1)
    no_gender = audit_corpus(["The Muslim met the Christian."], TERMS).to_markdown()
    assert "| gender | (not mentioned: all) | 0 | 0 | |" in no_gender
    assert "| kind | 1 | 1 | -0.07 | 0.08 | 1.11 |" in table


def test_tokenize_and_phrase_matching():
    toks = tokenize("The man's self-reliant, co-worker!")
    assert toks == ["the", "man", "s", "self-reliant", "co-worker"]
    m = _Matcher()
    m.add("police officer", ("target", "occupations", "police officer"))
    m.add("officer", ("target", "occupations", "officer"))
    toks = tokenize("a police officer and an officer")
    assert [(s, n) for s, n, _ in m.matches(toks)] == [(1, 2), (5, 1)]


def test_default_lists(data_dir):
    from fairlm.training._data_audit import default_term_lists

    terms = default_term_lists(data_dir)
    assert len(terms.axes["gender"]["male"]) == 222 and len(terms.axes["gender"]["female"]) == 222
    assert {"race_ethnicity", "religion", "age"} <= set(terms.axes) and "nonce" not in terms.axes
    assert "nurse" in terms.occupations and "actress" not in terms.occupations
