"""The training-free methods: LEACE, SentenceDebias and INLP erase gender from a tiny
model's hidden states (a fresh linear probe on held-out pairs falls to chance; LEACE's
class means become equal), scores without the hooks are unchanged, and ``fairlm debias``
writes the usual folder for them and for Self-Debias."""

from __future__ import annotations

import itertools
import json
import random

import numpy as np
import pytest
import torch

from fairlm.mitigation._hidden import Pairs, counterfactual_pairs, pooled_states

SUBJECTS = ["The doctor", "The nurse", "My friend", "The teacher", "Our neighbour",
            "The engineer", "The chef", "A student"]  # fmt: skip
VERBS = ["said that", "thought that", "knew that", "told me that", "wrote that", "hoped that"]
TAILS = ["he would come back tomorrow.", "she was tired.", "he liked the garden.",
         "she fixed the machine.", "he was late again.", "she found the keys.",
         "he could not sleep.", "she read the book."]  # fmt: skip
CORPUS = [f"{s} {v} {t}" for s, v, t in itertools.product(SUBJECTS, VERBS, TAILS)]
random.Random(0).shuffle(CORPUS)
TRAIN, HELDOUT = CORPUS[:300], CORPUS[300:]
SCORED = ["The doctor said that he would come back.", "Women are bad at math."]


def _aug():
    from fairlm.augment import CounterfactualAugmenter

    return CounterfactualAugmenter("gender", pairs=[("he", "she"), ("man", "woman")])


def test_counterfactual_pairs_keep_texts_about_one_group():
    pairs = counterfactual_pairs(_aug(), ["He said she came.", "It rained.", "The man left."])
    assert pairs.texts == ["The man left.", "The woman left."]
    assert pairs.labels == [0, 1]
    many = counterfactual_pairs(_aug(), TRAIN)
    assert len(many) == 600 and many.labels[::2] != many.labels[1::2]
    sample = many.sample(10, seed=0)
    assert len(sample) == 10
    assert all(a != b for a, b in zip(sample.labels[::2], sample.labels[1::2], strict=True))


def test_sentence_debias_subspace_is_the_pairs_first_principal_component():
    from sklearn.decomposition import PCA

    from fairlm.mitigation.sentence_debias import bias_subspace

    g = torch.Generator().manual_seed(0)
    x = torch.randn(200, 6, generator=g, dtype=torch.float64) + 5.0
    x[1::2, 2] += 3.0  # the counterfactuals differ along one direction, plus noise
    basis, share = bias_subspace(x, 1)
    u = (x / x.norm(dim=1, keepdim=True)).numpy().reshape(100, 2, 6)
    centred = (u - u.mean(axis=1, keepdims=True)).reshape(200, 6)
    want = PCA(n_components=1).fit(centred).components_[0]
    assert abs(float(basis[0] @ torch.from_numpy(want))) == pytest.approx(1.0, abs=1e-8)
    assert 0.5 < share[0] < 1.0


def test_inlp_removes_a_planted_direction():
    from sklearn.svm import LinearSVC

    from fairlm.mitigation.inlp import nullspace_basis

    rng = np.random.default_rng(0)
    z = np.tile([0, 1], 300)
    x = rng.normal(size=(600, 8))
    x[:, 3] += 2.0 * (2 * z - 1)  # the attribute, along e3
    basis, accuracies = nullspace_basis(x, z, iterations=20, seed=0)
    assert accuracies[0] > 90 and accuracies[-1] < 56 and len(accuracies) < 20
    assert np.linalg.norm(basis @ np.eye(8)[3]) == pytest.approx(1.0, abs=0.05)
    xp = x - (x @ basis.T) @ basis
    assert LinearSVC(dual=False).fit(xp[:400], z[:400]).score(xp[400:], z[400:]) < 0.6


def _fit(lm_dir, method, tmp_path, data_dir, **options):
    """``method`` fitted on TRAIN (held-out pairs from HELDOUT) by its own ``fit``: the
    model it was given, that model's scores of SCORED before, the :class:`Fitted`."""
    from fairlm.mitigation import METHODS, DebiasConfig
    from fairlm.mitigation._method import DebiasData, DebiasRun
    from fairlm.models import load_model

    lm = load_model(lm_dir)
    obj = METHODS.get(method)(**options)
    config = DebiasConfig(model=str(lm_dir), texts=CORPUS, method=obj, output_dir=tmp_path,
                          data_dir=data_dir, guard_benchmarks=())  # fmt: skip
    run = DebiasRun(config, tmp_path, lambda m: None, True)
    before = lm.token_logprobs(SCORED)
    fitted = obj.fit(lm, DebiasData(TRAIN, HELDOUT), run)
    return lm, before, fitted


@pytest.fixture(scope="module")
def fitted(tmp_path_factory, data_dir):
    """``fitted(folder, method)``: :func:`_fit` on a tiny model, once per module."""
    cache: dict[tuple[str, str], tuple] = {}

    def get(folder, method: str):
        key = (str(folder), method)
        if key not in cache:
            cache[key] = _fit(folder, method, tmp_path_factory.mktemp(method), data_dir)
        return cache[key]

    return get


@pytest.mark.parametrize("folder", ["tiny_gpt2_dir", "tiny_llama_dir"])
@pytest.mark.parametrize("method", ["leace", "sentence-debias", "inlp"])
def test_a_fresh_linear_probe_on_heldout_pairs_falls_to_chance(folder, method, request, fitted):
    from fairlm.models import load_model

    _, before, result = fitted(request.getfixturevalue(folder), method)
    d = result.details
    pb, pa = d["probe_before"]["linear"], d["probe_after"]["linear"]
    assert pb["chance"] == pa["chance"] == 50.0 and pa["n_test"] == 2 * d["pairs_heldout"]
    assert pb["accuracy"] > 65.0  # gender was linearly readable ...
    assert abs(pa["accuracy"] - 50.0) < 8.0  # ... and is no longer, on held-out pairs
    gap = d["points"]["final"]
    assert gap["class_mean_gap_after"] < gap["class_mean_gap_before"]
    if method == "leace":
        assert gap["class_mean_gap_after"] < 1e-6  # every class has the same mean state
    # the saved model scores as the erased model; a folded one even in plain transformers
    erased = load_model(result.model_dir)
    assert erased.describe()["erasure"]["method"] == method
    assert not np.allclose(erased.token_logprobs(SCORED)[0], before[0], atol=1e-3)
    assert d["saved_as"] == ("forward hooks" if method == "leace" else "folded into the LM head")


def test_leace_leaves_nothing_for_a_linear_probe_exactly(tiny_gpt2_dir, fitted):
    """On the erased states of the fitting pairs, the best logistic regression is the
    constant one: it gives every held-out text the prior, whatever its group."""
    from sklearn.linear_model import LogisticRegression

    from fairlm.models import load_model

    src = tiny_gpt2_dir
    erased = load_model(fitted(src, "leace")[2].model_dir)
    fit = counterfactual_pairs(_aug(), TRAIN)
    held = counterfactual_pairs(_aug(), HELDOUT)
    x = pooled_states(erased, fit.texts).numpy()
    probe = LogisticRegression(C=100.0, tol=1e-10, max_iter=10_000).fit(x, fit.labels)
    p = probe.predict_proba(pooled_states(erased, held.texts).numpy())[:, 1]
    assert np.abs(p - 0.5).max() < 1e-3
    plain = LogisticRegression(C=100.0, max_iter=10_000).fit(
        pooled_states(load_model(src), fit.texts).numpy(), fit.labels
    )
    assert np.abs(plain.predict_proba(pooled_states(load_model(src), held.texts).numpy())[:, 1]
                  - 0.5).max() > 0.2  # fmt: skip


def test_scores_without_the_hooks_are_unchanged(tiny_llama_dir, tmp_path, data_dir):
    """Erasing at a decoder layer: the fitted model is left as it was, the saved folder
    applies the hooks in fairlm and not in plain transformers."""
    from tests.conftest import direct_logprobs
    from transformers import AutoModelForCausalLM

    from fairlm.models import load_model

    lm, before, fitted = _fit(
        tiny_llama_dir, "sentence-debias", tmp_path, data_dir, layers="-1,final"
    )
    assert fitted.details["saved_as"] == "forward hooks"
    for a, b in zip(before, lm.token_logprobs(SCORED), strict=True):
        assert np.array_equal(a, b)
    erased = load_model(fitted.model_dir)
    hooked = erased.token_logprobs(SCORED)
    assert not np.allclose(hooked[0], before[0], atol=1e-3)
    assert "WITHOUT" in erased.describe()["erasure"]["note"]
    plain = AutoModelForCausalLM.from_pretrained(fitted.model_dir)
    for text, b in zip(SCORED, before, strict=True):
        assert np.allclose(direct_logprobs(plain, [lm.prefix_token_id, *lm.tokenize(text)]), b,
                           atol=1e-4)  # fmt: skip


def test_pairs_sample_keeps_whole_pairs():
    p = Pairs([f"t{i}" for i in range(10)], [0, 1] * 5)
    s = p.sample(4, seed=1)
    pairs = zip(s.texts[::2], s.texts[1::2], strict=True)
    assert len(s) == 4 and all(int(a[1:]) // 2 == int(b[1:]) // 2 for a, b in pairs)


@pytest.mark.parametrize(
    ("method", "flags"),
    [
        ("leace", ["--layers", "final,0"]),
        ("sentence-debias", []),
        ("inlp", ["--inlp-iterations", "3"]),
        ("self-debias", ["--decay-constant", "20"]),
    ],
)
def test_fairlm_debias_writes_the_usual_folder(method, flags, tiny_gpt2_dir, data_dir, tmp_path):
    from fairlm.cli import main

    corpus = tmp_path / "corpus.txt"
    corpus.write_text("\n".join(CORPUS[:120]) + "\n")
    out = tmp_path / "run"
    code = main(["debias", "--method", method, *flags, "--model", str(tiny_gpt2_dir),
                 "--corpus", str(corpus), "--output-dir", str(out), "--eval-benchmarks",
                 "crows_pairs", "--guard-benchmarks", "", "--limit", "4", "--bootstrap", "20",
                 "--data-dir", str(data_dir), "--quiet"])  # fmt: skip
    assert code == 0
    for part in ("model", "before", "after", "comparison.json", "report.html"):
        assert (out / part).exists(), part
    comp = json.loads((out / "comparison.json").read_text())
    after = json.loads((out / "after" / "results.json").read_text())["model"]
    if method == "self-debias":
        assert (
            comp[method]["decay_constant"] == 20.0 and "extra forward pass" in comp[method]["cost"]
        )
        assert "self_debias" in after
    else:
        assert comp[method]["probe_after"]["linear"]["n_test"] > 0
        assert after["erasure"]["method"] == method


def test_the_printed_table_shows_the_erasers_probes():
    from fairlm.mitigation._table import format_comparison

    probe = {"accuracy": 80.0, "ci_low": 70.0, "ci_high": 88.0, "chance": 50.0}
    after = dict(probe, accuracy=51.0, ci_low=41.0, ci_high=61.0)
    comparison = {
        "method": "leace",
        "leace": {
            "attribute": "gender",
            "probe_before": {"linear": probe, "mlp": probe},
            "probe_after": {"linear": after, "mlp": probe},
        },
    }
    text = format_comparison(comparison)
    assert "gender probe, linear, % (chance 50.0)" in text
    assert "80.00 [70.00, 88.00]" in text and "51.00 [41.00, 61.00]" in text and "-29.00" in text
