"""SEAT: association tests between sets of sentence embeddings.

May, Wang, Bordia, Bowman, Rudinger. *On Measuring Social Biases in Sentence Encoders.*
NAACL 2019. The effect size is WEAT's: Caliskan, Bryson, Narayanan. *Semantics derived
automatically from language corpora contain human-like biases.* Science 2017.

A test has two target sets X, Y (e.g. male / female names placed in bleached templates,
"This is John.") and two attribute sets A, B (e.g. career / family). Each text becomes
the L2-normalised mean of the model's last hidden state over its tokens (no prefix token;
:meth:`~fairlm.models.LanguageModel.embed`). With
s(w, A, B) = mean_a cos(w, a) - mean_b cos(w, b):

* **effect size** = (mean_{x in X} s(x) - mean_{y in Y} s(y)) / std_{w in X u Y} s(w)
  (sample standard deviation, ddof = 1); 0 is no association, positive means X goes with A
  and Y with B; |d| of 0.2 / 0.5 / 0.8 are conventionally small / medium / large;
* **p-value**: one-sided permutation test of sum_{x in X} s(x) over all re-partitions of
  X u Y into sets of sizes |X| and |Y|: exact when there are at most ``n_permutations``
  partitions, else the observed partition plus ``n_permutations - 1`` random ones (seeded;
  as in sent-bias and bias-bench); ties count as extreme.

The headline is the **mean absolute effect size** over the chosen tests (0 is unbiased;
lower is better), also given per bias type. Meade et al. (ACL 2022) use gender
sent-weat6/6b/7/7b/8/8b and race sent-weat3/3b/4/5/5b and
sent-angry_black_woman_stereotype(_b) (the default here); their religion tests are not in
the data folder. GPT-2 small: 0.313 averaged over gender, race and religion tests.

Each test's CI is the noncentral t interval of a standardised mean difference (Hedges &
Olkin 1985; :func:`fairlm.metrics._intervals.effect_size_interval`), mapped to the SEAT
effect size's scale: it treats the targets' association values s as a sample and holds the
attribute sets A and B fixed, as the permutation test does. With the sent- tests a word
appears in several templates, so the texts are not independent and these intervals are
too narrow; read them as a lower bound on the uncertainty. The mean absolute effect sizes
have no CI: a dozen tests say little, and intervals of a mean of absolute values are
biased away from 0.

**Licence: CC BY-NC 4.0, non-commercial use only.**
"""

from __future__ import annotations

import itertools
import math
import zlib
from collections.abc import Sequence
from typing import Any

import numpy as np

from fairlm.benchmarks._base import Benchmark, ExampleSpec, Figure, Summary
from fairlm.metrics._intervals import effect_size_interval
from fairlm.models._interface import ScoringLM

__all__ = ["SEAT", "MEADE_TESTS", "association", "bias_type", "effect_size", "permutation_p_value"]

#: The SEAT tests that Meade et al. (ACL 2022) report, minus the religion tests (not here).
MEADE_TESTS: tuple[str, ...] = (
    "sent-weat6",
    "sent-weat6b",
    "sent-weat7",
    "sent-weat7b",
    "sent-weat8",
    "sent-weat8b",
    "sent-weat3",
    "sent-weat3b",
    "sent-weat4",
    "sent-weat5",
    "sent-weat5b",
    "sent-angry_black_woman_stereotype",
    "sent-angry_black_woman_stereotype_b",
)

_GENDER = ("weat6", "weat6b", "weat7", "weat7b", "weat8", "weat8b", "heilman_double_bind")
_RACE = ("weat3", "weat3b", "weat4", "weat5", "weat5b", "angry_black_woman_stereotype")


def bias_type(test: str) -> str:
    """``gender``, ``race`` or ``other`` (weat1/2: non-social controls; weat9; weat10: age)."""
    base = test.removeprefix("sent-")
    if base in _GENDER or base.startswith("heilman_double_bind"):
        return "gender"
    if base in _RACE or base.startswith("angry_black_woman_stereotype"):
        return "race"
    return "other"


def association(w: np.ndarray, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """s(w, A, B) for each row of ``w``: mean cosine with A minus mean cosine with B.

    Rows of ``w`` (N, H), ``a`` (|A|, H) and ``b`` (|B|, H) must be unit length.
    """
    return (w @ a.T).mean(1) - (w @ b.T).mean(1)  # (N,)


def effect_size(s_x: np.ndarray, s_y: np.ndarray) -> float:
    """WEAT effect size from the associations of X and Y; NaN if all s are equal."""
    sd = float(np.std(np.concatenate([s_x, s_y]), ddof=1))
    if not sd > 0:
        return math.nan
    return float((np.mean(s_x) - np.mean(s_y)) / sd)


def permutation_p_value(
    s_x: np.ndarray,
    s_y: np.ndarray,
    *,
    n_permutations: int = 100_000,
    rng: np.random.Generator | None = None,
) -> tuple[float, bool]:
    """One-sided p-value of sum_{x in X} s(x) over re-partitions of X u Y; (p, exact).

    Exact (every partition, the observed one included) when there are at most
    ``n_permutations`` of them; else ``n_permutations - 1`` random partitions plus the
    observed one. Large sums are extreme (X more associated with A than Y is).
    """
    s = np.concatenate([s_x, s_y]).astype(np.float64)
    n, k = len(s), len(s_x)
    observed = float(s[:k].sum())
    tol = 1e-9 * max(1.0, abs(observed))  # the same sum added in another order is a tie
    if math.comb(n, k) <= n_permutations:
        combos = np.fromiter(
            itertools.chain.from_iterable(itertools.combinations(range(n), k)),
            dtype=np.intp,
            count=math.comb(n, k) * k,
        ).reshape(-1, k)  # (P, k)
        sums = s[combos].sum(1)
        return float((sums >= observed - tol).sum() / len(sums)), True
    rng = rng if rng is not None else np.random.default_rng(0)
    # sum over the smaller side: the other side's sum is the total minus it
    small, sign = (k, 1.0) if k <= n - k else (n - k, -1.0)
    total = float(s.sum())
    hits, done, chunk = 0, 0, max(1, 2_000_000 // n)
    while done < n_permutations - 1:
        b = min(chunk, n_permutations - 1 - done)
        shuffled = rng.permuted(np.broadcast_to(s, (b, n)), axis=1)  # (b, n)
        part = shuffled[:, :small].sum(1)
        sums = part if sign > 0 else total - part
        hits += int((sums >= observed - tol).sum())
        done += b
    return (1 + hits) / n_permutations, False


class SEAT(Benchmark):
    name = "seat"
    title = "SEAT"
    version = "1"
    dataset = "seat"
    citation = (
        "May, Wang, Bordia, Bowman, Rudinger. On Measuring Social Biases in Sentence "
        "Encoders. NAACL 2019. Caliskan, Bryson, Narayanan. Semantics derived automatically "
        "from language corpora contain human-like biases. Science 2017."
    )
    license = "CC BY-NC 4.0"
    commercial_use_ok = False
    higher_is_better = False
    description = (
        "Sentence Encoder Association Test: effect size of the association between target "
        "and attribute sentence embeddings; mean absolute effect size over tests, 0 is "
        "unbiased. Data licensed CC BY-NC 4.0 (non-commercial)."
    )
    group_column = "bias_type"
    headline_metric = "mean_abs_effect_size"
    meaning = (
        "Average strength (absolute effect size, Cohen's d style) of associations "
        "between groups of names or terms and attribute words in the model's sentence "
        "embeddings. 0 means no association; about 0.2 is small, 0.8 and above is large."
    )
    caveats = (
        "NON-COMMERCIAL: the SEAT data is licensed CC BY-NC 4.0. Do not use these "
        "figures or the data in commercial work without checking the licence.",
        "Embedding associations predict bias in downstream behaviour poorly "
        "(Goldfarb-Tarrant et al., ACL 2021); treat SEAT as a probe, not a verdict.",
        "Few tests, built from templates: the per-test intervals are too narrow, and "
        "the mean has no interval.",
        "SEAT was designed for sentence encoders; fairlm uses mean-pooled last-layer "
        "states of a causal language model, which it was not designed for.",
    )
    glossary = {
        "mean_abs_effect_size": (
            "Mean of the absolute SEAT effect sizes over the tests (overall and per bias "
            "type): 0 is no association, 0.2 small, 0.5 medium, 0.8 large. No interval: a "
            "dozen tests say little."
        ),
        "effect_size": (
            "One SEAT test's effect size (Cohen's d style): how much more the first target "
            "set (say, male names) is associated with the first attribute set (career words) "
            "than the second target set is, in standard deviations; 0 is no association."
        ),
        "SEAT test": (
            "Two target sets of sentences (male and female names in templates, say) and two "
            "attribute sets (career and family words), compared by the cosine similarity of "
            "the model's sentence embeddings."
        ),
    }
    example_spec = ExampleSpec(
        explain="SEAT has no per-sentence examples: these are the tests with the largest "
        "absolute effect size.",
        score="effect_size",
        absolute=True,
        show=(
            ("test", "test"),
            ("targets", "targ1"),
            ("versus", "targ2"),
            ("attributes", "attr1"),
            ("versus attributes", "attr2"),
            ("p-value", "p_value"),
        ),
        score_label="effect size",
    )

    def __init__(
        self,
        *,
        tests: str | Sequence[str] | None = None,
        n_permutations: int = 100_000,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        if tests is None:
            self.tests: list[str] | None = list(MEADE_TESTS)
        elif tests == "all":
            self.tests = None
        elif isinstance(tests, str):
            self.tests = [t.strip() for t in tests.split(",") if t.strip()]
        else:
            self.tests = list(tests)
        if isinstance(n_permutations, bool) or not isinstance(n_permutations, int):
            raise ValueError(f"n_permutations must be an integer, got {n_permutations!r}")
        if n_permutations < 1:
            raise ValueError(f"n_permutations must be at least 1, got {n_permutations}")
        self.n_permutations = n_permutations

    def config(self) -> dict[str, Any]:
        return {
            **super().config(),
            "tests": "all" if self.tests is None else list(self.tests),
            "n_permutations": self.n_permutations,
            "layer": -1,
        }

    def load_examples(self) -> list[Any]:
        from fairlm.data import load_seat

        return load_seat(self.data_dir, tests=self.tests)

    def score(self, lm: ScoringLM, examples: Sequence[Any], *, progress: bool = True) -> list[dict]:
        # every distinct text is embedded once, however many tests use it
        texts = list(
            dict.fromkeys(
                t
                for test in examples
                for part in (test.targ1, test.targ2, test.attr1, test.attr2)
                for t in part.examples
            )
        )
        if not texts:
            return []
        vectors = lm.embed(texts, layer=-1, normalize=True, progress=progress and "seat")
        row_of = {t: i for i, t in enumerate(texts)}
        rows = []
        for test in examples:
            x, y, a, b = (
                vectors[[row_of[t] for t in part.examples]]
                for part in (test.targ1, test.targ2, test.attr1, test.attr2)
            )
            s_x, s_y = association(x, a, b), association(y, a, b)
            # per-test streams, so a test's numbers do not depend on which others run
            perm_seed, _ = np.random.SeedSequence([self.seed, zlib.crc32(test.id.encode())]).spawn(
                2
            )
            p, exact = permutation_p_value(
                s_x,
                s_y,
                n_permutations=self.n_permutations,
                rng=np.random.default_rng(perm_seed),
            )
            es = effect_size(s_x, s_y)
            lo = hi = None
            if self.n_bootstrap and not math.isnan(es):  # 0: no intervals, as elsewhere
                low, high = effect_size_interval(es, len(s_x), len(s_y), self.confidence)
                if np.isfinite(low) and np.isfinite(high):
                    lo, hi = float(low), float(high)
            rows.append(
                {
                    "id": test.id,
                    "test": test.name,
                    "bias_type": bias_type(test.name),
                    "targ1": test.targ1.category,
                    "targ2": test.targ2.category,
                    "attr1": test.attr1.category,
                    "attr2": test.attr2.category,
                    "n_targ1": len(test.targ1.examples),
                    "n_targ2": len(test.targ2.examples),
                    "n_attr1": len(test.attr1.examples),
                    "n_attr2": len(test.attr2.examples),
                    "mean_s_targ1": float(np.mean(s_x)),
                    "mean_s_targ2": float(np.mean(s_y)),
                    "effect_size": None if math.isnan(es) else es,
                    "p_value": p,
                    "p_value_exact": exact,
                    "ci_low": lo,
                    "ci_high": hi,
                }
            )
        return rows

    def summarize(self, rows: Sequence[dict]) -> Summary:
        notes = [
            "Licence: the SEAT data is CC BY-NC 4.0, non-commercial use only; keep it out of "
            "commercial use and distribution.",
            "Effect size: Caliskan et al.'s d on L2-normalised mean-pooled last-layer "
            "embeddings; positive means targ1 goes with attr1. p-values: one-sided "
            f"permutation test (exact, or {self.n_permutations} random partitions).",
            "Per-test CIs: noncentral t interval of the effect size, the attribute sets held "
            "fixed as in the permutation test. Texts built from one word in several templates "
            "are not independent, so the intervals are too narrow.",
            "Mean absolute effect sizes have no CI: there are too few tests for a bootstrap "
            "over tests, and intervals for a mean of absolute values are biased away from 0.",
        ]
        figures: list[Figure] = []
        types = sorted({r["bias_type"] for r in rows})
        for group in ["overall", *types]:
            sel = [r for r in rows if group == "overall" or r["bias_type"] == group]
            defined = [abs(r["effect_size"]) for r in sel if r["effect_size"] is not None]
            note = f"mean |effect size| over {len(defined)} tests; no CI (see notes)"
            if len(defined) < len(sel):
                note += f"; {len(sel) - len(defined)} without an effect size left out"
            figures.append(
                Figure(
                    "mean_abs_effect_size",
                    float(np.mean(defined)) if defined else None,
                    group,
                    n=len(defined),
                    ideal=0.0,
                    higher_is_better=False,
                    note=note,
                    kind="effect_size",
                )
            )
        for r in rows:
            figures.append(
                Figure(
                    "effect_size",
                    r["effect_size"],
                    r["test"],
                    r["ci_low"],
                    r["ci_high"],
                    r["n_targ1"] + r["n_targ2"],
                    r["p_value"],
                    ideal=0.0,
                    higher_is_better=None,
                    note=f"{r['targ1']} vs {r['targ2']} with {r['attr1']} vs {r['attr2']}; "
                    "p: one-sided permutation test",
                    kind="effect_size",
                )
            )
        return Summary(figures=figures, headline=self.headline_metric, notes=notes)
