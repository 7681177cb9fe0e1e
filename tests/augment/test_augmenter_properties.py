"""Property tests of the CDA augmenter (hypothesis)."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fairlm.augment import CounterfactualAugmenter

SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@pytest.fixture(scope="module")
def augmenters(data_dir):
    return {
        axis: CounterfactualAugmenter(axis, data_dir=data_dir)  # type: ignore[arg-type]
        for axis in ("gender", "race", "religion")
    }


@pytest.fixture(scope="module")
def two_sided(augmenters):
    words = sorted(augmenters["gender"].two_sided_words)
    assert len(words) > 300  # pairs of the data set + names, both sides
    return words


@given(text=st.text(max_size=200))
@SETTINGS
def test_never_crashes_on_arbitrary_text(augmenters, text):
    for aug in augmenters.values():
        out, n = aug.swap_count(text)
        assert isinstance(out, str) and n >= 0
        if n == 0:
            assert out == text
        assert aug.attribute(text) in range(-1, len(aug.groups))


@given(text=st.text(alphabet=st.characters(categories=["P", "Z", "N", "S"]), max_size=100))
@SETTINGS
def test_text_without_letters_is_unchanged(augmenters, text):
    for aug in augmenters.values():
        assert aug.swap(text) == text


@given(data=st.data())
@SETTINGS
def test_two_sided_swapping_is_an_involution(augmenters, two_sided, data):
    aug = augmenters["gender"]
    words = data.draw(st.lists(st.sampled_from(two_sided), min_size=1, max_size=8))
    cases = data.draw(
        st.lists(
            st.sampled_from(["lower", "title", "upper"]), min_size=len(words), max_size=len(words)
        )
    )
    seps = data.draw(
        st.lists(
            st.sampled_from([" ", ", ", ". ", "; ", " (", ") ", "\n", "'s "]),
            min_size=len(words),
            max_size=len(words),
        )
    )
    styled = [
        w.upper() if c == "upper" else w[:1].upper() + w[1:] if c == "title" else w.lower()
        for w, c in zip(words, cases, strict=True)
    ]
    text = "".join(w + s for w, s in zip(styled, seps, strict=True))
    once = aug.swap(text)
    assert aug.swap(once) == text
    # every word of a two-sided list swaps (names only when capitalised)
    n_name_lower = sum(w[:1].isupper() and c == "lower" for w, c in zip(words, cases, strict=True))
    assert aug.swap_count(text)[1] == len(words) - n_name_lower
