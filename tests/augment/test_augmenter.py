"""The CDA augmenter on hand-written tricky sentences; every expected output by hand."""

from __future__ import annotations

import pytest

from fairlm.augment import CounterfactualAugmenter
from fairlm.errors import FairlmError

# (input, expected counterfactual) with the full gender lists (data set + names).
GENDER_CASES = [
    ("He said she was late.", "She said he was late."),
    ("HE IS HERE, SHE IS NOT", "SHE IS HERE, HE IS NOT"),
    # words that contain a gender word must not change
    ("The manager's history of mankind", "The manager's history of mankind"),
    ("A heroic human sheltered the helmsman.", "A heroic human sheltered the helmsman."),
    ("Shell shells; the sheriff's chemist.", "Shell shells; the sheriff's chemist."),
    ("womanhood and manhood", "womanhood and manhood"),
    # possessives and names
    ("John's wife met Mary.", "Mary's husband met John."),
    ("JOHN and john", "MARY and john"),
    ("the man's hat, the woman's coat", "the woman's hat, the man's coat"),
    # her -> him (object) or his (possessive), his -> her or hers
    ("I gave her the book.", "I gave him the book."),
    ("I saw her car.", "I saw his car."),
    ("I saw her.", "I saw him."),
    ("Her sister met his brother.", "His brother met her sister."),
    ("The book is his; hers is blue.", "The book is hers; his is blue."),
    ("Let her go to him", "Let him go to her"),
    (
        "He told her yesterday that her own son's friends liked her.",
        "She told him yesterday that his own daughter's friends liked him.",
    ),
    # punctuation, titles, apostrophes in terms, hyphens
    ('"Sir," said the woman; "ma\'am!"', '"Ma\'am," said the man; "sir!"'),
    ("Mr. Smith and Mrs. Jones", "Mrs. Smith and Mr. Jones"),
    ("my mother-in-law (a waitress)", "my father-in-law (a waiter)"),
    ("The Actresses,\tthe kings...", "The Actors,\tthe queens..."),
    ("himself/herself", "herself/himself"),
    ("", ""),
    ("No gendered words here at all.", "No gendered words here at all."),
]


@pytest.fixture(scope="module")
def gender(data_dir):
    return CounterfactualAugmenter("gender", data_dir=data_dir)


@pytest.mark.parametrize(("text", "expected"), GENDER_CASES)
def test_gender_swaps(gender, text, expected):
    assert gender.swap(text) == expected


def test_swap_count_counts_terms(gender):
    assert gender.swap_count("He and his wife, not the manager.") == (
        "She and her husband, not the manager.",
        3,
    )
    assert gender.swap_count("history")[1] == 0


def test_pairs_argument_needs_no_data():
    aug = CounterfactualAugmenter("gender", pairs=[("king", "queen")], names=False)
    assert aug.swap("The King met the queen and John.") == "The Queen met the king and John."


def test_two_sided_and_one_sided_modes():
    texts = ["He ran.", "It rained.", "The queen smiled."]
    pairs = [("king", "queen")]
    two = CounterfactualAugmenter("gender", mode="two-sided", pairs=pairs).augment(texts)
    one = CounterfactualAugmenter("gender", mode="one-sided", pairs=pairs).augment(texts)
    assert two == ["He ran.", "She ran.", "It rained.", "The queen smiled.", "The king smiled."]
    assert one == ["She ran.", "It rained.", "The king smiled."]


def test_attribute(gender):
    assert gender.groups == ("male", "female")
    assert gender.attribute("The actress and her mother") == 1
    assert gender.attribute("Jacob is an actor") == 0
    assert gender.attribute("He and she") == -1  # both groups
    assert gender.attribute("the manager") == -1  # none


RACE_TERMS = {
    # group -> (row "black" term, row "african american" term, row "africa" term)
    0: ("Black", "African American", "Africa"),
    1: ("White", "European American", "Europe"),
    2: ("Asian", "Asian American", "Asia"),
    3: ("Hispanic", "Latino", "Latin America"),
}


@pytest.mark.parametrize("seed", range(6))
def test_race_multiword_one_consistent_other_group(seed):
    aug = CounterfactualAugmenter("race", seed=seed)
    text = "An African American woman, a Black man and a black cat, in Africa."
    out = aug.swap(text)
    assert out == aug.swap(text)  # seeded by (seed, text): the same every time
    hits = [g for g, (b, aa, af) in RACE_TERMS.items() if f", a {b} man" in out]
    assert len(hits) == 1 and hits[0] != 0  # another group, never the original
    b, aa, af = RACE_TERMS[hits[0]]
    # the article "An" is not adjusted to the new word (documented)
    assert out == f"An {aa} woman, a {b} man and a {b.lower()} cat, in {af}."


def test_religion_swaps_every_term_of_a_group_alike():
    aug = CounterfactualAugmenter("religion", seed=3)
    out = aug.swap("The Jewish rabbi went to the synagogue.")
    rows = [
        ("Christian", "priest", "church"),
        ("Muslim", "imam", "mosque"),
        ("Hindu", "pandit", "temple"),
        ("Buddhist", "monk", "monastery"),
    ]
    assert out in {f"The {a} {b} went to the {c}." for a, b, c in rows}


def test_unknown_axis_and_mode_are_user_errors():
    with pytest.raises(FairlmError, match="unknown CDA axis 'age'"):
        CounterfactualAugmenter("age")  # type: ignore[arg-type]
    with pytest.raises(FairlmError, match="unknown CDA mode"):
        CounterfactualAugmenter("gender", mode="both")  # type: ignore[arg-type]


def test_a_file_that_is_not_utf8_is_a_data_error(tmp_path):
    """A Latin-1 file (found by the command-line fuzz test) is refused with the line and
    byte, not a UnicodeDecodeError."""
    from fairlm.augment._files import read_records
    from fairlm.errors import DataError

    for name in ("latin1.txt", "latin1.jsonl"):
        path = tmp_path / name
        path.write_bytes(b'{"text": "ok"}\n{"text": "caf\xe9"}\n')
        with pytest.raises(DataError, match=r":2: not UTF-8 text \(byte 0xe9 at offset 28\)"):
            read_records(path)
