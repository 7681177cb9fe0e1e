"""Property tests (hypothesis) for GroupMetrics."""

from __future__ import annotations

import warnings

import numpy as np
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from fairlm.metrics import GroupMetrics, UndefinedMetricWarning

SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])

rows = st.lists(
    st.tuples(st.integers(0, 1), st.integers(0, 1), st.integers(0, 3)), min_size=4, max_size=60
)


def _split(data):
    y, p, g = (np.array(c) for c in zip(*data, strict=True))
    return y, p, g


def _gm(*args, **kw):
    kw.setdefault("n_bootstrap", 0)
    kw.setdefault("n_permutations", 0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UndefinedMetricWarning)
        return GroupMetrics(*args, **kw)


def _values(gm):
    """Every point value (per group, overall, comparisons, summaries) as one flat array."""
    out = []
    for m in gm.metrics:
        out += [e.value for e in gm.by_group(m).values()] + [gm.overall(m).value]
    for m in gm.rate_metrics:
        out += [gm.difference(m).value, gm.ratio(m).value]
    out += [e.value for e in gm.summary().values()]
    return np.array(out)


def _same(a, b):
    np.testing.assert_allclose(a, b, rtol=1e-9, atol=1e-12, equal_nan=True)


@SETTINGS
@given(rows, st.permutations(["w", "x", "y", "z"]))
def test_relabelling_groups_leaves_comparisons_unchanged(data, names):
    y, p, g = _split(data)
    assume(len(set(g.tolist())) >= 2)
    a = _gm(y, p, sensitive_features=g)
    b = _gm(y, p, sensitive_features=[names[k] for k in g])
    for m in a.rate_metrics:
        _same(a.difference(m).value, b.difference(m).value)
        _same(a.ratio(m).value, b.ratio(m).value)
    _same([e.value for e in a.summary().values()], [e.value for e in b.summary().values()])


@SETTINGS
@given(
    st.lists(st.tuples(st.integers(0, 1), st.integers(0, 1)), min_size=1, max_size=20),
    st.integers(2, 5),
    st.randoms(use_true_random=False),
)
def test_identical_group_counts_give_zero_differences(block, k, rnd):
    # every group gets the same rows, so predictions are independent of the group
    data = [(y, p, g) for g in range(k) for y, p in block]
    rnd.shuffle(data)
    y, p, g = _split(data)
    gm = _gm(y, p, sensitive_features=g, reference=0)
    for m in gm.rate_metrics:
        d, r = gm.difference(m).value, gm.ratio(m).value
        assert np.isnan(d) or d == 0
        assert np.isnan(r) or r == 1
        assert all(
            np.isnan(e.value) or e.value == 0 for e in gm.differences_to_reference(m).values()
        )
    assert all(np.isnan(e.value) or e.value in (0, 1) for e in gm.summary().values())


@SETTINGS
@given(rows, st.integers(0, 2**32 - 1))
def test_cis_contain_the_point_estimate(data, seed):
    y, p, g = _split(data)
    assume(len(set(g.tolist())) >= 2)
    gm = _gm(y, p, sensitive_features=g, reference=g[0], n_bootstrap=200, seed=seed)
    for m in gm.metrics:
        for e in [*gm.by_group(m).values(), gm.overall(m)]:
            if not np.isnan(e.value):
                assert e.ci_low - 1e-12 <= e.value <= e.ci_high + 1e-12, (m, e)
    for m in gm.rate_metrics:
        for e in gm.differences_to_reference(m).values():
            if not np.isnan(e.ci_low):
                assert e.ci_low - 1e-12 <= e.value <= e.ci_high + 1e-12, (m, e)


@SETTINGS
@given(rows)
def test_unit_weights_equal_no_weights(data):
    y, p, g = _split(data)
    assume(len(set(g.tolist())) >= 2)
    kw = {"n_bootstrap": 30, "n_permutations": 30, "seed": 1}
    a = _gm(y, p, sensitive_features=g, **kw).to_dict()
    b = _gm(y, p, sensitive_features=g, sample_weight=np.ones(len(y)), **kw).to_dict()
    assert a == b  # CIs and p-values too: constant weights take the unweighted path


@SETTINGS
@given(rows, st.data())
def test_integer_weights_equal_row_repetition(data, draw):
    y, p, g = _split(data)
    assume(len(set(g.tolist())) >= 2)
    w = np.array(draw.draw(st.lists(st.integers(1, 4), min_size=len(y), max_size=len(y))))
    weighted = _gm(y, p, sensitive_features=g, sample_weight=w)
    repeated = _gm(np.repeat(y, w), np.repeat(p, w), sensitive_features=np.repeat(g, w))
    _same(_values(weighted), _values(repeated))
