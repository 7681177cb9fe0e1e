"""SEAT effect sizes and permutation p-values on hand-made embeddings, and a tiny-model run."""

from __future__ import annotations

import itertools
import json
import math

import numpy as np
import pytest

from fairlm.benchmarks import get_benchmark, run_audit
from fairlm.benchmarks.seat import (
    MEADE_TESTS,
    association,
    bias_type,
    effect_size,
    permutation_p_value,
)
from fairlm.data import SeatSet, SeatTest


class FixedVectors:
    """A stand-in model whose embeddings are given by hand (normalised when asked)."""

    def __init__(self, vectors: dict[str, tuple[float, ...]]) -> None:
        self.vectors = vectors
        self.calls: list[dict] = []

    def embed(self, texts, *, layer=-1, normalize=False, progress=False):
        self.calls.append({"texts": list(texts), "layer": layer, "normalize": normalize})
        v = np.array([self.vectors[t] for t in texts], dtype=np.float64)
        return v / np.linalg.norm(v, axis=1, keepdims=True) if normalize else v


def seat_test(name, x, y, a, b):
    return SeatTest(
        id=name,
        name=name,
        targ1=SeatSet("X", tuple(x)),
        targ2=SeatSet("Y", tuple(y)),
        attr1=SeatSet("A", tuple(a)),
        attr2=SeatSet("B", tuple(b)),
    )


# Unit vectors, given at other lengths so that the benchmark must ask for normalisation.
VECTORS = {
    "a1": (2.0, 0.0),
    "a2": (4.0, 3.0),  # A = (1, 0), (0.8, 0.6)
    "b1": (0.0, 3.0),
    "b2": (0.3, 0.4),  # B = (0, 1), (0.6, 0.8)
    "x1": (8.0, 6.0),
    "x2": (0.6, -0.8),  # X = (0.8, 0.6), (0.6, -0.8)
    "y1": (0.0, 0.5),
    "y2": (-3.0, 4.0),  # Y = (0, 1), (-0.6, 0.8)
}
# mean cos(w, A) = w . (0.9, 0.3); mean cos(w, B) = w . (0.3, 0.9); so s(w) = 0.6 (w1 - w2):
#   s(x1) = 0.6 * 0.2 = 0.12   s(x2) = 0.6 * 1.4 = 0.84
#   s(y1) = 0.6 * -1 = -0.6    s(y2) = 0.6 * -1.4 = -0.84
# mean_X - mean_Y = 0.48 - (-0.72) = 1.2
# all four: mean -0.12, deviations 0.24, 0.96, -0.48, -0.72; squares sum to 1.728;
#   sample variance 1.728 / 3 = 0.576; effect size 1.2 / sqrt(0.576) = sqrt(2.5)
# p-value: the 6 ways to pick 2 of the 4 s values as "X" have sums
#   0.12+0.84 = 0.96 (observed), 0.12-0.6 = -0.48, 0.12-0.84 = -0.72, 0.84-0.6 = 0.24,
#   0.84-0.84 = 0, -0.6-0.84 = -1.44: one is >= 0.96, so p = 1/6
HAND = seat_test("hand", ["x1", "x2"], ["y1", "y2"], ["a1", "a2"], ["b1", "b2"])


def test_effect_size_and_exact_p_value_by_hand():
    bench = get_benchmark("seat")(n_bootstrap=200)
    lm = FixedVectors(VECTORS)
    (row,) = bench.score(lm, [HAND], progress=False)
    assert lm.calls[0]["layer"] == -1 and lm.calls[0]["normalize"] is True
    assert row["effect_size"] == pytest.approx(math.sqrt(2.5))
    assert row["mean_s_targ1"] == pytest.approx(0.48)
    assert row["mean_s_targ2"] == pytest.approx(-0.72)
    assert row["p_value"] == pytest.approx(1 / 6)
    assert row["p_value_exact"] is True
    assert (row["n_targ1"], row["n_targ2"], row["n_attr1"], row["n_attr2"]) == (2, 2, 2, 2)
    # one-sided: with X and Y swapped the effect is -sqrt(2.5) and every sum is >= -1.44
    swapped = seat_test("swapped", ["y1", "y2"], ["x1", "x2"], ["a1", "a2"], ["b1", "b2"])
    (row2,) = bench.score(lm, [swapped], progress=False)
    assert row2["effect_size"] == pytest.approx(-math.sqrt(2.5))
    assert row2["p_value"] == pytest.approx(1.0)
    s = bench.summarize([row, row2])
    assert s.headline == "mean_abs_effect_size"
    head = s.get("mean_abs_effect_size")
    assert head.value == pytest.approx(math.sqrt(2.5))  # (|d| + |-d|) / 2
    assert (head.ideal, head.higher_is_better, head.n) == (0.0, False, 2)
    assert s.get("mean_abs_effect_size", "other").value == pytest.approx(math.sqrt(2.5))
    fig = s.get("effect_size", "hand")
    assert fig.p_value == pytest.approx(1 / 6) and fig.n == 4


def test_texts_are_embedded_once_and_constant_associations_have_no_effect_size():
    lm = FixedVectors(VECTORS)
    same = seat_test("same", ["x1"], ["x1"], ["a1", "a2"], ["b1", "b2"])  # s(x) == s(y)
    rows = get_benchmark("seat")(n_bootstrap=0).score(lm, [HAND, same], progress=False)
    assert len(lm.calls) == 1 and sorted(lm.calls[0]["texts"]) == sorted(VECTORS)
    assert rows[1]["effect_size"] is None and rows[1]["ci_low"] is None
    assert rows[1]["p_value"] == 1.0  # both partitions tie with the observed one
    s = get_benchmark("seat")().summarize(rows)
    assert s.get("mean_abs_effect_size").value == pytest.approx(math.sqrt(2.5))
    assert s.get("mean_abs_effect_size").n == 1


def test_exact_p_value_unequal_sizes_by_hand():
    # X = {3, 1}, Y = {2, 0, -1}: the 10 two-element subsets of all five sum to
    # 4 (observed), 5, 3, 2, 3, 1, 0, 2, 1, -1; two are >= 4, so p = 2/10
    p, exact = permutation_p_value(np.array([3.0, 1.0]), np.array([2.0, 0.0, -1.0]))
    assert exact and p == pytest.approx(0.2)


def test_sampled_p_value_is_close_to_exact():
    rng = np.random.default_rng(7)
    s_x = rng.normal(0.3, 1.0, 8)
    s_y = rng.normal(0.0, 1.0, 8)
    # exact by brute force: C(16, 8) = 12,870 partitions
    s = np.concatenate([s_x, s_y])
    sums = [s[list(c)].sum() for c in itertools.combinations(range(16), 8)]
    want = np.mean(np.array(sums) >= s_x.sum() - 1e-12)
    assert 0.05 < want < 0.5  # a case where sampling error matters
    p_exact, exact = permutation_p_value(s_x, s_y, n_permutations=20_000)
    assert exact and p_exact == pytest.approx(want)
    p1, exact = permutation_p_value(s_x, s_y, n_permutations=10_000, rng=np.random.default_rng(1))
    p2, _ = permutation_p_value(s_x, s_y, n_permutations=10_000, rng=np.random.default_rng(1))
    assert not exact and p1 == p2  # seeded
    assert abs(p1 - want) < 0.02  # standard error about 0.004
    # unequal sizes, X the larger side (the sampler sums the smaller side): C(15, 10) = 3003
    big, small = rng.normal(0.4, 1.0, 10), rng.normal(0.0, 1.0, 5)
    s = np.concatenate([big, small])
    sums = [s[list(c)].sum() for c in itertools.combinations(range(15), 10)]
    want = np.mean(np.array(sums) >= big.sum() - 1e-12)
    assert permutation_p_value(big, small, n_permutations=3003)[0] == pytest.approx(want)
    p3, exact = permutation_p_value(big, small, n_permutations=4000, rng=np.random.default_rng(2))
    assert exact  # 3003 <= 4000
    p3, exact = permutation_p_value(big, small, n_permutations=3000, rng=np.random.default_rng(2))
    assert not exact and abs(p3 - want) < 0.035  # standard error below 0.01


def test_effect_size_interval_is_the_noncentral_t_one():
    """A test's interval is fairlm.metrics' noncentral t interval of its effect size
    (with the targets' sizes); checked on random unit vectors."""
    from fairlm.metrics._intervals import effect_size_interval

    rng = np.random.default_rng(0)

    def unit(n):
        v = rng.normal(size=(n, 5))
        return v / np.linalg.norm(v, axis=1, keepdims=True)

    x, y, a, b = unit(16), unit(12), unit(4), unit(7)
    s_x, s_y = association(x, a, b), association(y, a, b)
    es = effect_size(s_x, s_y)
    lo, hi = effect_size_interval(es, 16, 12)
    assert lo < es < hi


def test_test_selection_and_bias_types(data_dir):
    assert get_benchmark("seat")().tests == list(MEADE_TESTS)
    assert len(get_benchmark("seat")(data_dir=str(data_dir), tests="all").examples()) == 46
    two = get_benchmark("seat")(data_dir=str(data_dir), tests="weat6,sent-weat3")
    assert [t.id for t in two.examples()] == ["weat6", "sent-weat3"]
    assert [bias_type(t) for t in MEADE_TESTS].count("gender") == 6
    assert [bias_type(t) for t in MEADE_TESTS].count("race") == 7
    assert bias_type("heilman_double_bind_likable_1-") == "gender"
    assert bias_type("sent-weat1") == "other" and bias_type("weat10") == "other"
    from fairlm.errors import UnknownNameError

    with pytest.raises(UnknownNameError, match="sent-weat6"):
        get_benchmark("seat")(data_dir=str(data_dir), tests=["sent-weat66"]).examples()


def test_real_data_end_to_end(tiny_lm, data_dir, tmp_path):
    bench = get_benchmark("seat")(
        data_dir=str(data_dir),
        tests=["weat6", "sent-weat9"],
        n_bootstrap=200,
        n_permutations=20_000,
    )
    logs: list[str] = []
    results = run_audit(tiny_lm, [bench], output_dir=tmp_path, progress=False, log=logs.append)
    res = results["benchmarks"]["seat"]
    assert res["commercial_use_ok"] is False and res["license"] == "CC BY-NC 4.0"
    assert any("non-commercial" in n for n in res["summary"]["notes"])
    assert any("non-commercial" in m for m in logs)
    lines = (tmp_path / "samples_seat.jsonl").read_text(encoding="utf-8").splitlines()
    rows = {r["id"]: r for r in map(json.loads, lines)}
    assert rows["weat6"]["p_value_exact"] is True  # C(16, 8) = 12,870 partitions
    assert rows["sent-weat9"]["p_value_exact"] is False
    assert (rows["sent-weat9"]["n_targ1"], rows["sent-weat9"]["n_attr2"]) == (18, 23)
    assert [rows[t]["bias_type"] for t in ("weat6", "sent-weat9")] == ["gender", "other"]
    # the effect size again, from the model's embeddings of this test's texts alone
    (test,) = get_benchmark("seat")(data_dir=str(data_dir), tests=["sent-weat9"]).examples()
    sets = [test.targ1, test.targ2, test.attr1, test.attr2]
    emb = tiny_lm.embed([t for part in sets for t in part.examples])
    emb = emb / np.linalg.norm(emb, axis=1, keepdims=True)
    bounds = np.cumsum([0] + [len(p.examples) for p in sets])
    x, y, a, b = (emb[bounds[i] : bounds[i + 1]] for i in range(4))
    s_x = (x @ a.T).mean(1) - (x @ b.T).mean(1)
    s_y = (y @ a.T).mean(1) - (y @ b.T).mean(1)
    want = (s_x.mean() - s_y.mean()) / np.concatenate([s_x, s_y]).std(ddof=1)
    assert rows["sent-weat9"]["effect_size"] == pytest.approx(want, abs=1e-6)
    figures = {(f["metric"], f["group"]): f for f in res["summary"]["figures"]}
    mean_abs = (abs(rows["weat6"]["effect_size"]) + abs(want)) / 2
    assert figures[("mean_abs_effect_size", "overall")]["value"] == pytest.approx(mean_abs)
    f = figures[("effect_size", "sent-weat9")]
    assert f["ci_low"] < f["ci_high"] and f["p_value"] == rows["sent-weat9"]["p_value"]
