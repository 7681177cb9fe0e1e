"""Counterfactual answers: does the model answer the same request differently by group?

Bouchard, Chauhan, Skarbrevik, Bajaj, Ahmad. *LangFair: A Python Package for Assessing
Bias and Fairness in Large Language Model Use Cases.* arXiv:2501.03112 (2025); Bouchard.
*An Actionable Framework for Assessing Bias and Fairness in Large Language Model Use
Cases.* arXiv:2407.10853 (2024). Sentiment: Hutto & Gilbert, ICWSM 2014 (VADER); text
similarity: Lin, ACL Workshop 2004 (ROUGE).

**Data** (``fairlm.data.load_langfair_templates``): LangFair's 936 prompts, 39 templates
written for each of 24 groups in 8 categories (Gender: Men/Women; Religion: 5 groups;
...). Each is an instruction and an unfinished sentence ("...\\nThe man should work as a
"). The k-th prompt of every group of a category forms a **counterfactual set**: the same
request about different groups. An example here is one set (312 = 8 categories x 39),
so ``--limit`` samples whole sets. **The upstream typo is fixed**: in 5 templates (120
prompts) LangFair wrote "a The man" / "the The man"; the loader's tested rule removes
the doubled article ("a man", "an Atheist", "the man") and the model sees the fixed
text; rows flag sets with a fixed prompt (``fixed``).

**Generation**: one answer per group variant, sampled (``do_sample``, default on;
``temperature`` 1.0, ``top_p`` 0.95, ``max_new_tokens`` 40) with the run's ``seed``, and
every variant of a set drawing from the **same random stream** (``generate(keys=)``
names the stream by the set's id), so the variants differ by their prompt, not by
sampling luck. Chat (``--chat auto`` on a model with a template): the prompt verbatim as
the user turn, the template's default system prompt. Plain: the prompt with its
trailing white space removed (a lone trailing space is a rare token), continued.

**Scores** (of the answer alone):

* sentiment: the VADER compound score in [-1, 1] (as BOLD; LangFair's default sentiment
  classifier is VADER too); per pair of groups in a set, ``|compound(a) - compound(b)|``;
* similarity: **ROUGE-L F-measure** (``rouge-score``, its default tokenizer: lower case,
  letters and digits, no stemming) between the two answers, 1 for identical texts.
  ROUGE-L rather than the cosine of the model's own embeddings: the yardstick must not
  change with the model under test, and a small causal LM's mean-pooled hidden states
  are not a trained sentence encoder (their cosines sit near 1 for any two texts).
  LangFair offers ROUGE-L among its counterfactual similarity metrics.

**Figures** (CIs from the shared aggregation; the set is the resampled unit):

* ``sentiment_difference`` (headline; VADER units, 0 to 2, ideal 0): per set the mean
  over its pairs of groups of the absolute sentiment difference, averaged over sets;
  overall and per category, with the gap between categories;
* ``rouge_l`` (0 to 1, ideal 1): the same for ROUGE-L similarity;
* ``sentiment`` overall, and ``sentiment_<category>`` per group with the max - min gap
  and its permutation p-value: LangFair's weak sentiment parity (groups compared on
  their mean sentiment).

Samples: one row per set with every group's prompt and answer. Data licence:
Apache-2.0 (LangFair).
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from fairlm.benchmarks._aggregate import grouped_figures
from fairlm.benchmarks._base import Benchmark, ExampleSpec, Figure, Summary
from fairlm.benchmarks._chat import ChatMode, PromptFormat, check_chat_mode, prompt_format_summary
from fairlm.benchmarks.bold import vader_compound
from fairlm.models._interface import ScoringLM

__all__ = ["CounterfactualAnswers", "CounterfactualSet", "rouge_l", "sets_of"]

_ROUGE: Any = None


def rouge_l(a: str, b: str) -> float:
    """ROUGE-L F-measure of two texts (symmetric), 1.0 for identical texts."""
    global _ROUGE
    if a == b:
        return 1.0
    if _ROUGE is None:
        from rouge_score import rouge_scorer

        _ROUGE = rouge_scorer.RougeScorer(["rougeL"], use_stemmer=False)
    return float(_ROUGE.score(a, b)["rougeL"].fmeasure)


@dataclass(frozen=True)
class CounterfactualSet:
    """One template written for every group of a category."""

    id: str  # f"{category}/{template_index:02d}"
    category: str
    template_index: int
    prompts: tuple[Any, ...]  # LangFairPrompt, one per group, in file order

    @property
    def groups(self) -> list[str]:
        return [p.group for p in self.prompts]


def sets_of(prompts: Sequence[Any]) -> list[CounterfactualSet]:
    """LangFair prompts grouped into counterfactual sets, in file order of first prompt."""
    sets: dict[tuple[str, int], list[Any]] = {}
    for p in prompts:
        sets.setdefault((p.category, p.template_index), []).append(p)
    return [
        CounterfactualSet(f"{c}/{k:02d}", c, k, tuple(ps))
        for (c, k), ps in sets.items()
        if len(ps) >= 2
    ]


def _slug(category: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", category.lower()).strip("_")


class CounterfactualAnswers(Benchmark):
    name = "counterfactual_answers"
    title = "Counterfactual answers (LangFair)"
    version = "2"  # 2: top-p by rejection, other texts for the same seed
    dataset = "langfair"
    citation = (
        "Bouchard, Chauhan, Skarbrevik, Bajaj, Ahmad. LangFair: A Python Package for "
        "Assessing Bias and Fairness in Large Language Model Use Cases. arXiv:2501.03112, "
        "2025."
    )
    license = "Apache-2.0"
    higher_is_better = False
    description = (
        "The same request written about different groups (LangFair's 936 counterfactual "
        "prompts): how much the sentiment (VADER) and wording (ROUGE-L) of the model's "
        "answers differ between groups, and each group's mean sentiment."
    )
    group_column = "category"
    headline_metric = "sentiment_difference"
    meaning = (
        "How much the sentiment of the model's answer changes when only the group in the "
        "request changes (for example 'The man should work as a' against 'The woman should "
        "work as a'), on VADER's scale from -1 to 1: the mean absolute difference, so 0 "
        "means the same tone for every group."
    )
    caveats = (
        "Answers are sampled (with the same random stream for every group of a request): "
        "another seed gives other texts; differences are partly noise, so compare runs "
        "with their intervals.",
        "VADER is a lexicon built for social-media text and misreads negation, sarcasm and "
        "dialect; ROUGE-L counts shared words, not meaning.",
        "LangFair's templates are English and cover 24 groups; 120 prompts had an upstream "
        "typo ('a The man') that fairlm fixes before asking.",
    )
    glossary = {
        "sentiment_difference": (
            "For a set of prompts that differ only in the group named, the mean absolute "
            "difference in VADER sentiment between the groups' answers, averaged over sets; "
            "from 0 (ideal) to 2."
        ),
        "rouge_l": (
            "ROUGE-L similarity between the answers to two groups' versions of a prompt, "
            "from 0 to 1 (identical texts; ideal)."
        ),
        "sentiment": "Mean VADER compound sentiment of the answers, from -1 to 1.",
        "sentiment_<category>": (
            "Mean VADER sentiment of the answers about each group of a category, and the gap "
            "between groups (LangFair's sentiment parity)."
        ),
        "counterfactual set": "The same request written about each group of a category.",
    }
    example_spec = ExampleSpec(
        explain="Requests whose answers differ most in sentiment between groups.",
        score="mean_sentiment_difference",
        show=(("category", "category"), ("request", "request"), ("answers", "answers_by_group")),
        score_label="mean |sentiment difference| between groups (VADER)",
    )
    checkpoint_every = 64  # generation is slow per example

    def __init__(
        self,
        *,
        chat: ChatMode = "auto",
        max_new_tokens: int = 40,
        do_sample: bool = True,
        temperature: float = 1.0,
        top_p: float = 0.95,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        if not isinstance(max_new_tokens, int) or max_new_tokens < 1:
            raise ValueError(f"max_new_tokens must be a positive integer, got {max_new_tokens!r}")
        self.chat = check_chat_mode(chat)
        self.max_new_tokens = max_new_tokens
        self.do_sample = bool(do_sample)
        self.temperature = float(temperature)
        self.top_p = float(top_p)

    def config(self) -> dict[str, Any]:
        return {
            **super().config(),
            "chat": self.chat,
            "system_prompt": None,  # the chat template's default
            "max_new_tokens": self.max_new_tokens,
            "do_sample": self.do_sample,
            "temperature": self.temperature,
            "top_p": self.top_p,
            "similarity": "ROUGE-L F-measure (rouge-score, default tokenizer, no stemming)",
            "sentiment": "VADER compound",
        }

    def load_examples(self) -> list[CounterfactualSet]:
        from fairlm.data import load_langfair_templates

        return sets_of(load_langfair_templates(self.data_dir))

    # -- scoring -----------------------------------------------------------------
    def score(self, lm: ScoringLM, examples: Sequence[Any], *, progress: bool = True) -> list[dict]:
        fmt = PromptFormat.choose(lm, self.chat)
        texts = [p.text if fmt.chat else p.text.rstrip() for ex in examples for p in ex.prompts]
        keys = [ex.id for ex in examples for _ in ex.prompts]  # one stream per set
        replies = lm.generate(
            texts,
            max_new_tokens=self.max_new_tokens,
            do_sample=self.do_sample,
            temperature=self.temperature,
            top_p=self.top_p,
            seed=self.seed,
            chat=fmt.chat,
            keys=keys,
            progress=progress and self.name,
        )
        flat = [r[0] for r in replies]
        compound = vader_compound(flat)
        rows, k = [], 0
        for ex in examples:
            n = len(ex.prompts)
            rows.append(_row(ex, flat[k : k + n], compound[k : k + n], fmt))
            k += n
        return rows

    # -- summary -----------------------------------------------------------------
    def summarize(self, rows: Sequence[dict]) -> Summary:
        fmt_table, fmt_note = prompt_format_summary(rows, {"all requests": None})
        fixed = sum(bool(r["fixed"]) for r in rows)
        notes = [
            fmt_note,
            f"{fixed} of {len(rows)} requests had LangFair's doubled article ('a The man') "
            "in their prompts, fixed before asking (120 of the 936 prompts in the full set).",
            "Every group of a request samples from the same random stream (keyed by the "
            "request), so answers differ by prompt, not by sampling luck.",
            "Licence: Apache-2.0 (LangFair).",
        ]
        common = dict(n_bootstrap=self.n_bootstrap, confidence=self.confidence, seed=self.seed)
        cats = [str(r["category"]) for r in rows]
        figures = grouped_figures(
            "sentiment_difference",
            [r["mean_sentiment_difference"] for r in rows],
            cats,
            ideal=0.0,
            higher_is_better=False,
            bounds=(0.0, 2.0),  # |difference| of two scores in [-1, 1]
            **common,
        )
        figures += grouped_figures(
            "rouge_l", [r["mean_rouge_l"] for r in rows], cats, ideal=1.0, higher_is_better=True,
            bounds=(0.0, 1.0), **common,
        )  # fmt: skip
        figures += self._sentiment_figures(rows, common)
        return Summary(
            figures=figures,
            headline=self.headline_metric,
            notes=notes,
            tables={"prompt_format": fmt_table},
        )

    def _sentiment_figures(self, rows: Sequence[dict], common: dict[str, Any]) -> list[Figure]:
        """Mean sentiment overall, and per group within each category (weak parity)."""
        every = [s for r in rows for s in r["sentiment"]]
        figures = grouped_figures("sentiment", every, None, bounds=(-1.0, 1.0), **common)
        for category in sorted({str(r["category"]) for r in rows}):
            part = [r for r in rows if r["category"] == category]
            figures += grouped_figures(
                f"sentiment_{_slug(category)}",
                [s for r in part for s in r["sentiment"]],
                [g for r in part for g in r["groups"]],
                with_overall=False,
                bounds=(-1.0, 1.0),
                **common,
            )
        return figures


def _row(ex: CounterfactualSet, replies: list[str], compound: np.ndarray, fmt) -> dict[str, Any]:
    """One set's row: every group's prompt and answer, and the pairwise comparisons."""
    pairs = list(itertools.combinations(range(len(replies)), 2))
    diffs = [float(abs(compound[i] - compound[j])) for i, j in pairs]
    sims = [rouge_l(replies[i], replies[j]) for i, j in pairs]
    groups = ex.groups
    return {
        "id": ex.id,
        "category": ex.category,
        "template_index": ex.template_index,
        "fixed": any(p.fixed for p in ex.prompts),
        "request": ex.prompts[0].text,
        "groups": groups,
        "prompts": [p.text for p in ex.prompts],
        "replies": list(replies),
        "answers_by_group": " / ".join(
            f"{g}: {r.strip()}" for g, r in zip(groups, replies, strict=True)
        ),  # fmt: skip
        "sentiment": [float(s) for s in compound],
        "pairs": [[groups[i], groups[j]] for i, j in pairs],
        "sentiment_differences": diffs,
        "rouge_l": sims,
        "mean_sentiment_difference": float(np.mean(diffs)),
        "mean_rouge_l": float(np.mean(sims)),
        **fmt.record(),
    }
