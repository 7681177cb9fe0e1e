"""What the report says about each benchmark: the headline in plain words, caveats,
and how to pick the most stereotyped examples from its sample rows.

Keyed by benchmark name. A benchmark not listed here (a new one) gets the generic text
and a heuristic example picker, so the report never fails on an unknown name.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from fairlm.report._format import is_number

__all__ = [
    "BenchmarkNotes",
    "notes_for",
    "model_caveats",
    "GENERAL_CAVEATS",
    "pick_examples",
    "Example",
]

NOISE = (
    "The data set is known to be noisy (Blodgett et al., ACL 2021): some items do not test "
    "the stereotype they name, or compare groups in ways that are not minimal. Read single "
    "examples with care; the aggregate is more trustworthy than any one item."
)


@dataclass(frozen=True)
class BenchmarkNotes:
    meaning: str  # the headline in plain language
    caveats: tuple[str, ...]


NOTES: dict[str, BenchmarkNotes] = {
    "crows_pairs": BenchmarkNotes(
        meaning=(
            "Out of pairs of sentences that differ only in the group mentioned, the share "
            "where the model finds the more stereotypical sentence more likely. 50% means no "
            "preference either way; above 50 means the model leans towards stereotypes, "
            "below 50 towards anti-stereotypes."
        ),
        caveats=(
            NOISE,
            "It compares likelihoods of fixed sentences; it does not show what the model "
            "would write, nor harm in any application.",
            "US-centred English data; the nine bias categories are not a complete list, and "
            "small categories have wide intervals.",
            "CC BY-SA 4.0: data you derive from it must keep that licence.",
        ),
    ),
    "stereoset": BenchmarkNotes(
        meaning=(
            "How often the model prefers the stereotypical word over the anti-stereotypical "
            "one in a fill-in-the-blank sentence (stereotype score, SS). 50 means no "
            "preference; above 50 leans towards stereotypes. The LM score (higher is better) "
            "checks that the model prefers either over a meaningless word, and ICAT (higher "
            "is better, 100 ideal) combines the two."
        ),
        caveats=(
            NOISE,
            "Only the intrasentence task is scored; intersentence needs a next-sentence "
            "head that causal language models do not have.",
            "An SS near 50 is only meaningful with a high LM score: a model that cannot "
            "tell the words apart also scores 50.",
            "CC BY-SA 4.0 data; figures are from the dev split, not comparable with the "
            "hidden test set of the leaderboard.",
        ),
    ),
    "winobias": BenchmarkNotes(
        meaning=(
            "Difference in accuracy (percentage points) at resolving a pronoun to the right "
            "occupation, between sentences that match gender stereotypes and sentences that "
            "go against them. 0 means the stereotype does not help or hurt; positive means "
            "the model does better when the sentence fits the stereotype."
        ),
        caveats=(
            "Binary gender only (he/she), and occupations with US labour-statistics "
            "stereotypes: it says nothing about other genders or other biases.",
            "A causal language model reads each sentence with a prompt ('... refers to the "
            "X'); this is fairlm's adaptation, not the original coreference-system task.",
            "Low overall accuracy makes the gap hard to interpret: a model near chance has "
            "little room to show a gap.",
        ),
    ),
    "bbq": BenchmarkNotes(
        meaning=(
            "A bias score from -100 to 100 on multiple-choice questions about people, in "
            "ambiguous contexts where the right answer is 'unknown'. 0 is unbiased; positive "
            "means the model's wrong answers follow the stereotype, negative that they go "
            "against it. Read it next to the accuracy: a model that never answers 'unknown' "
            "can still score near 0."
        ),
        caveats=(
            "Answers are chosen by comparing log-likelihoods of the three options, not by "
            "free generation; the choice is sensitive to the prompt and answer wording.",
            "US English social contexts; the stereotypes were attested by the authors, not "
            "by the groups concerned.",
            "A run on a sample (limit) or on some categories is not comparable with "
            "published full-BBQ figures.",
        ),
    ),
    "seat": BenchmarkNotes(
        meaning=(
            "Average strength (absolute effect size, Cohen's d style) of associations "
            "between groups of names or terms and attribute words in the model's sentence "
            "embeddings. 0 means no association; about 0.2 is small, 0.8 and above is large."
        ),
        caveats=(
            "NON-COMMERCIAL: the SEAT data is licensed CC BY-NC 4.0. Do not use these "
            "figures or the data in commercial work without checking the licence.",
            "Embedding associations predict bias in downstream behaviour poorly "
            "(Goldfarb-Tarrant et al., ACL 2021); treat SEAT as a probe, not a verdict.",
            "Few tests, built from templates: the per-test intervals are too narrow, and "
            "the mean has no interval.",
            "SEAT was designed for sentence encoders; fairlm uses mean-pooled last-layer "
            "states of a causal language model, which it was not designed for.",
        ),
    ),
    "bold": BenchmarkNotes(
        meaning="",  # its own description is used
        caveats=(
            "Scores come from automatic classifiers (for example a sentiment lexicon), which "
            "have biases of their own and misread sarcasm, negation and dialect.",
            "Generations are sampled: another seed or decoding setting gives other text.",
            "Prompts come from English Wikipedia and cover a few group types only.",
        ),
    ),
    "holistic_bias": BenchmarkNotes(
        meaning="",  # its own description is used
        caveats=(
            "Hundreds of descriptors are compared: some differ by chance alone; look at "
            "intervals and p-values, not the single largest gap.",
            "Templates are short and artificial; US-English descriptors chosen by the "
            "authors with community input, still not exhaustive.",
        ),
    ),
}

GENERIC = BenchmarkNotes(
    meaning="",  # the benchmark's own description from results.json is used instead
    caveats=(
        "fairlm has no reading notes for this benchmark yet: rely on its description, "
        "notes and licence as recorded in results.json.",
    ),
)

GENERAL_CAVEATS = (
    "A benchmark measures behaviour on its own data only. A good score is not evidence "
    "that a model is fair in another setting, language or application.",
    "Intervals are bootstrap confidence intervals over the examples scored. An interval "
    "that includes the ideal means no clear evidence of bias at this sample size, not "
    "evidence of no bias.",
    "Figures from different benchmarks measure different things and are not comparable "
    "with each other.",
)


def notes_for(name: str) -> BenchmarkNotes:
    return NOTES.get(name, GENERIC)


def model_caveats(model: dict[str, Any], *, licence: bool = True) -> list[str]:
    """Caveats from the model description (its licence, Gemma's terms)."""
    out = []
    text = " ".join(str(v) for v in model.values() if isinstance(v, str | int | float))
    if "gemma" in text.lower():
        out.append(
            "Gemma models are provided under and subject to Google's Gemma Terms of Use "
            "(ai.google.dev/gemma/terms), including its Prohibited Use Policy; this applies "
            "to the model and to derivatives such as debiased versions."
        )
    lic = model.get("license")
    if lic and licence:
        out.append(f"Model licence as recorded in the run: {lic}.")
    return out


# -- the most stereotyped examples --------------------------------------------------


@dataclass
class Example:
    row: dict[str, Any]
    fields: list[tuple[str, Any]]  # (label, value) to show, in order
    score_label: str = ""
    score: float | None = None


@dataclass(frozen=True)
class _Picker:
    explain: str
    keep: Callable[[dict[str, Any]], bool]
    score: Callable[[dict[str, Any]], float | None]
    fields: tuple[tuple[str, str], ...]  # (label, key)
    score_label: str
    absolute: bool = False
    extra: Callable[[dict[str, Any]], list[tuple[str, Any]]] = field(default=lambda r: [])


def _num(row: dict[str, Any], key: str) -> float | None:
    v = row.get(key)
    return float(v) if is_number(v) else None


def _diff(a: str, b: str) -> Callable[[dict[str, Any]], float | None]:
    def f(row: dict[str, Any]) -> float | None:
        x, y = _num(row, a), _num(row, b)
        return None if x is None or y is None else x - y

    return f


def _bbq_margin(row: dict[str, Any]) -> float | None:
    scores, pred, unk = row.get("scores"), row.get("pred"), row.get("unknown_index")
    if not isinstance(scores, list) or not isinstance(pred, int) or not isinstance(unk, int):
        return None
    try:
        a, b = scores[pred], scores[unk]
    except IndexError:
        return None
    return float(a - b) if is_number(a) and is_number(b) else None


def _bbq_extra(row: dict[str, Any]) -> list[tuple[str, Any]]:
    answers = row.get("answers")
    out: list[tuple[str, Any]] = []
    if isinstance(answers, list):
        out.append(("answers", " / ".join(str(a) for a in answers)))
        for label, key in (("model's answer", "pred"), ("correct answer", "label")):
            i = row.get(key)
            if isinstance(i, int) and 0 <= i < len(answers):
                out.append((label, answers[i]))
    return out


PICKERS: dict[str, _Picker] = {
    "crows_pairs": _Picker(
        explain="Pairs where the model most strongly prefers the more stereotypical "
        "sentence (largest log-likelihood difference).",
        keep=lambda r: r.get("stereotyped") is True,
        score=lambda r: _num(r, "score_diff"),
        fields=(
            ("category", "bias_type"),
            ("direction", "direction"),
            ("more stereotypical", "sent_more"),
            ("less stereotypical", "sent_less"),
        ),
        score_label="score difference (nats/token)",
    ),
    "stereoset": _Picker(
        explain="Items where the model most strongly prefers the stereotypical filler over "
        "the anti-stereotypical one.",
        keep=lambda r: r.get("pro") is True,
        score=_diff("score_stereotype", "score_anti_stereotype"),
        fields=(
            ("category", "bias_type"),
            ("target", "target"),
            ("stereotype", "stereotype"),
            ("anti-stereotype", "anti_stereotype"),
        ),
        score_label="stereotype minus anti-stereotype (log-likelihood)",
    ),
    "winobias": _Picker(
        explain="Anti-stereotypical sentences where the model picked the stereotyped "
        "occupation most confidently (wrong answer).",
        keep=lambda r: r.get("stereotype") == "anti" and r.get("correct") is False,
        score=_diff("score_first", "score_second"),
        absolute=True,
        fields=(
            ("sentence", "sentence"),
            ("pronoun", "pronoun"),
            ("correct referent", "gold"),
            ("model's reading", "predicted"),
        ),
        score_label="|difference| between readings (log-likelihood)",
    ),
    "bbq": _Picker(
        explain="Ambiguous contexts (the right answer is 'unknown') where the model chose "
        "the stereotyped person by the widest margin over 'unknown'.",
        keep=lambda r: r.get("biased") is True and r.get("context_condition") == "ambig",
        score=_bbq_margin,
        fields=(("category", "category"), ("context", "context"), ("question", "question")),
        extra=_bbq_extra,
        score_label="log-likelihood margin over 'unknown'",
    ),
    "seat": _Picker(
        explain="SEAT has no per-sentence examples: these are the tests with the largest "
        "absolute effect size.",
        keep=lambda r: True,
        score=lambda r: _num(r, "effect_size"),
        absolute=True,
        fields=(
            ("test", "test"),
            ("targets", "targ1"),
            ("versus", "targ2"),
            ("attributes", "attr1"),
            ("versus attributes", "attr2"),
            ("p-value", "p_value"),
        ),
        score_label="effect size",
    ),
}

_FLAG_KEYS = ("stereotyped", "biased", "is_stereotyped", "pro")
_SCORE_HINTS = ("score_diff", "diff", "margin", "gap", "delta", "effect_size", "bias")


def _generic_picker(rows: list[dict[str, Any]]) -> _Picker:
    sample = rows[0]
    flag = next((k for k in _FLAG_KEYS if isinstance(sample.get(k), bool)), None)
    numeric = [k for k, v in sample.items() if is_number(v) and k != "id"]
    key = next((k for hint in _SCORE_HINTS for k in numeric if hint in k.lower()), None)
    texts = [
        k
        for k, v in sample.items()
        if k != "id"
        and (
            isinstance(v, str) or (isinstance(v, list) and v and all(isinstance(x, str) for x in v))
        )
    ][:6]
    if key is None:
        explain = "The first examples of the run (no per-example bias score was recognised)."
    else:
        explain = f"Examples with the largest |{key}|" + (
            f" among rows with {flag} = true." if flag else "."
        )
    return _Picker(
        explain=explain,
        keep=(lambda r: r.get(flag) is True) if flag else (lambda r: True),
        score=(lambda r: _num(r, key)) if key else (lambda r: None),
        absolute=True,
        fields=tuple((k.replace("_", " "), k) for k in texts),
        score_label=key or "",
    )


def pick_examples(name: str, rows: list[dict[str, Any]], k: int = 5) -> tuple[str, list[Example]]:
    """The ``k`` most stereotyped rows (with an explanation of the choice), or the first ones."""
    if not rows:
        return "", []
    picker = PICKERS.get(name) or _generic_picker(rows)
    scored = []
    for i, row in enumerate(rows):
        try:
            keep = picker.keep(row)
            s = picker.score(row)
        except Exception:  # a malformed row must not break the report
            keep, s = False, None
        if keep and s is not None:
            scored.append((abs(s) if picker.absolute else s, i, s))
    explain = picker.explain
    if scored:
        scored.sort(key=lambda t: (-t[0], t[1]))
        chosen = [(rows[i], s) for _, i, s in scored[:k]]
    else:
        explain = "No row matched the usual selection; these are the first examples of the run."
        chosen = [(r, None) for r in rows[:k]]
    out = []
    for row, s in chosen:
        fields = [(label, row[key]) for label, key in picker.fields if key in row]
        if not picker.fields:  # nothing recognised: show the row's plain fields
            plain = [(k2, v) for k2, v in row.items() if k2 != "id" and not isinstance(v, dict)]
            fields = plain[:8]
        with contextlib.suppress(Exception):  # a malformed row must not break the report
            fields += picker.extra(row)
        out.append(Example(row=row, fields=fields, score_label=picker.score_label, score=s))
    return explain, out
