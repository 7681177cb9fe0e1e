"""Data bias audit: who a corpus mentions, and what it says near gendered words.

Two measurements, both on lower-cased word tokens (``[a-z0-9]+`` joined by hyphens, so
"man's" reads as "man", "s"; multi-word terms match as phrases, longest first):

**Representation.** For each axis (gender, race, religion, age, ...) and group, the
number of term mentions, the number of documents with at least one, and the group's
share of the axis's mentions. Gender terms are Zhao et al. (EMNLP 2018)'s male/female
word lists (GN-GloVe); the other axes are HolisticBias descriptors (Smith et al., EMNLP
2022), grouped by their bucket (race_ethnicity/asian, religion/muslim, ...); the made-up
"nonce" axis is left out. Terms are matched out of context, so "white paper" counts as a
race mention: treat the counts as an upper bound.

**Co-occurrence with gendered words.** Around each male or female term, the ``window``
words on either side are its context. ``c(g, w)`` counts how often target word ``w``
(an occupation or adjective) starts inside a context of group ``g``, and ``c(g, .)``
counts all context positions of ``g``. Then, with ``N = sum_g c(g, .)`` and
``c(., w) = sum_g c(g, w)``,

* ``PMI(w, g) = log2( c(g, w) N / (c(g, .) c(., w)) )`` (pointwise mutual information,
  Church & Hanks, Computational Linguistics 1990), undefined when ``c(g, w) = 0``;
* the skew ratio ``(c(f, w) / c(f, .)) / (c(m, w) / c(m, .))``: above 1, ``w`` is
  relatively more frequent near female terms; 1 is balanced. Its log is the
  co-occurrence bias of Bordia & Bowman (NAACL SRW 2019), and it equals
  ``2 ** (PMI(w, f) - PMI(w, m))``.

Occupations are Bolukbasi et al. (NeurIPS 2016)'s professions (those not gendered by
definition, ``|definitional| < 0.5``) plus WinoBias's 40 occupations; adjectives are
personality adjectives from the Bem Sex-Role Inventory (Bem, 1974) and common
stereotype studies, or a list of your own.
"""

from __future__ import annotations

import json
import math
import os
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from fairlm._io import atomic_write_json, read_utf8
from fairlm._progress import progress_bar
from fairlm.training._config import DataAuditConfig
from fairlm.training._errors import CorpusError

__all__ = [
    "TermLists",
    "DataAuditReport",
    "audit_corpus",
    "data_audit",
    "default_term_lists",
    "tokenize",
]

REPORT_KIND = "fairlm.data_audit"
REPORT_VERSION = 1
_WORD = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")

# Bem Sex-Role Inventory (Bem 1974) masculine and feminine items as single adjectives,
# and adjectives frequent in gender-stereotype studies (competence, warmth, looks).
DEFAULT_ADJECTIVES = tuple(
    " ".join(
        [
            "aggressive ambitious analytical assertive athletic competitive dominant forceful",
            "independent individualistic self-reliant strong logical rational decisive brave",
            "affectionate cheerful childlike compassionate gentle gullible loyal sensitive shy",
            "soft-spoken sympathetic tender understanding warm yielding emotional caring kind",
            "beautiful pretty handsome attractive sexy intelligent smart brilliant competent",
            "lazy hysterical bossy weak nurturing",
        ]
    ).split()
)


def tokenize(text: str) -> list[str]:
    """Lower-cased word tokens: letters/digits, hyphenated compounds kept whole."""
    return _WORD.findall(text.lower())


@dataclass
class TermLists:
    """Axis -> group -> terms, plus the occupation and adjective targets."""

    axes: dict[str, dict[str, list[str]]]
    occupations: list[str]
    adjectives: list[str]
    gender_axis: str = "gender"
    sources: list[str] = field(default_factory=list)


def default_term_lists(
    data_dir: str | os.PathLike[str] | None = None,
    *,
    axes: Sequence[str] | None = None,
    occupations: Sequence[str] | None = None,
    adjectives: Sequence[str] | None = None,
) -> TermLists:
    """The built-in lists, read from the fairlm data folder (see the module docstring)."""
    from fairlm.data._cda import _FEMALE, _MALE
    from fairlm.data._holistic_bias import load_holistic_bias
    from fairlm.data._resolve import resolve, safe_join

    root = resolve("cda_wordlists", data_dir)
    out: dict[str, dict[str, list[str]]] = {
        "gender": {
            "male": _lines(safe_join(root, _MALE)),
            "female": _lines(safe_join(root, _FEMALE)),
        }
    }
    hb = load_holistic_bias(data_dir)
    for d in hb.descriptors:
        if d.axis == "nonce":
            continue
        out.setdefault(d.axis, {}).setdefault(d.bucket, []).append(d.descriptor)
    if axes is not None:
        unknown = sorted(set(axes) - set(out))
        if unknown:
            raise CorpusError(f"unknown axis {', '.join(unknown)}; known: {', '.join(sorted(out))}")
        out = {a: out[a] for a in axes}
    if occupations is None:
        occ: list[str] = []
        prof = json.loads(
            safe_join(root, "cda_wordlists/bolukbasi2016_debiaswe/professions.json").read_text(
                encoding="utf-8"
            )
        )
        occ += [w.replace("_", " ") for w, definitional, _ in prof if abs(definitional) < 0.5]
        wino = resolve("winobias", data_dir)
        for name in ("male_occupations.txt", "female_occupations.txt"):
            occ += _lines(safe_join(wino, f"winobias/{name}"))
        occupations = list(dict.fromkeys(occ))
    return TermLists(
        axes=out,
        occupations=list(occupations),
        adjectives=list(adjectives if adjectives is not None else DEFAULT_ADJECTIVES),
        sources=[
            "Zhao et al. 2018 (GN-GloVe gender word lists, Apache-2.0)",
            "Smith et al. 2022 (HolisticBias v1.1 descriptors, CC BY-SA 4.0)",
            "Bolukbasi et al. 2016 (professions, MIT)",
            "Zhao et al. 2018 (WinoBias occupations, MIT)",
            "Bem 1974 (Sex-Role Inventory adjectives)",
        ],
    )


def _lines(path) -> list[str]:
    return [t.strip() for t in path.read_text(encoding="utf-8").splitlines() if t.strip()]


class _Matcher:
    """Greedy longest-match of multi-word terms over a token list."""

    def __init__(self) -> None:
        self.by_first: dict[str, dict[tuple[str, ...], list[tuple[str, str, str]]]] = {}
        self.max_len = 1

    def add(self, term: str, tag: tuple[str, str, str]) -> None:
        toks = tuple(tokenize(term))
        if not toks:
            return
        entries = self.by_first.setdefault(toks[0], {}).setdefault(toks, [])
        if tag not in entries:
            entries.append(tag)
        self.max_len = max(self.max_len, len(toks))

    def matches(self, tokens: list[str]):
        """Yield (start, length, tags) for non-overlapping matches, longest first."""
        i, n = 0, len(tokens)
        while i < n:
            cands = self.by_first.get(tokens[i])
            hit = None
            if cands:
                for length in range(min(self.max_len, n - i), 0, -1):
                    tags = cands.get(tuple(tokens[i : i + length]))
                    if tags:
                        hit = (i, length, tags)
                        break
            if hit:
                yield hit
                i += hit[1]
            else:
                i += 1


@dataclass
class DataAuditReport:
    """Counts of a corpus; ``to_dict()`` is the JSON the HTML report reads."""

    n_documents: int
    n_words: int
    window: int
    representation: dict[str, dict[str, dict[str, float]]]
    top_terms: dict[str, dict[str, dict[str, int]]]
    context_totals: dict[str, int]
    occupations: list[dict[str, Any]]
    adjectives: list[dict[str, Any]]
    sources: list[str]

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": REPORT_KIND,
            "version": REPORT_VERSION,
            "n_documents": self.n_documents,
            "n_words": self.n_words,
            "representation": self.representation,
            "top_terms": self.top_terms,
            "cooccurrence": {
                "window": self.window,
                "groups": ["male", "female"],
                "context_totals": self.context_totals,
                "occupations": self.occupations,
                "adjectives": self.adjectives,
            },
            "sources": self.sources,
        }

    def to_markdown(self, *, top: int = 10) -> str:
        """Representation per axis (the ``top`` most mentioned groups; those never
        mentioned counted in one row), then the most skewed occupations and adjectives."""
        lines = [
            f"{self.n_documents:,} documents, {self.n_words:,} words",
            "",
            "| axis | group | mentions | documents | share % |",
            "|---|---|---:|---:|---:|",
        ]
        for axis, groups in self.representation.items():
            ranked = sorted(groups.items(), key=lambda kv: -kv[1]["mentions"])
            mentioned = [(g, c) for g, c in ranked if c["mentions"]]
            for group, c in mentioned[:top]:
                lines.append(
                    f"| {axis} | {group} | {int(c['mentions']):,} | {int(c['documents']):,} "
                    f"| {100 * c['share']:.1f} |"
                )
            more, absent = len(mentioned) - top, len(groups) - len(mentioned)
            if more > 0:
                lines.append(f"| {axis} | ({more} more mentioned) | | | |")
            if absent:
                of = f"{absent} of {len(groups)}" if absent < len(groups) else "all"
                lines.append(f"| {axis} | (not mentioned: {of}) | 0 | 0 | |")
        for title, rows in (("occupation", self.occupations), ("adjective", self.adjectives)):
            defined = [r for r in rows if r["skew_ratio"] is not None]
            if not rows:
                continue
            lines += [
                "",
                f"| {title} | near male | near female | PMI male | PMI female | skew f/m |",
                "|---|---:|---:|---:|---:|---:|",
            ]
            by_skew = sorted(defined, key=lambda r: r["skew_ratio"])
            shown = by_skew[:top] + [r for r in by_skew[-top:] if r not in by_skew[:top]]
            shown += [r for r in rows if r["skew_ratio"] is None][:top]
            for r in shown:
                lines.append(
                    f"| {r['word']} | {r['male']} | {r['female']} | {_fmt(r['pmi_male'])} "
                    f"| {_fmt(r['pmi_female'])} | {_fmt(r['skew_ratio'])} |"
                )
        return "\n".join(lines)


def _fmt(x: float | None) -> str:
    return "n/a" if x is None else f"{x:.2f}"


def data_audit(config: DataAuditConfig) -> tuple[DataAuditReport, dict[str, Any]]:
    """Audit the corpus files of ``config`` (``fairlm data-audit``).

    Returns the report and its JSON form: :meth:`DataAuditReport.to_dict` plus what
    collection read (``collect``) and, with ``config.clean``, the preprocessing report
    (``preprocess``); the JSON is also written to ``config.output`` when given.
    """
    from fairlm.training._collect import CollectStats, iter_corpus

    terms = default_term_lists(
        config.data_dir,
        axes=config.axes,
        occupations=_word_file(config.occupations),
        adjectives=_word_file(config.adjectives),
    )
    stats = CollectStats()
    docs = iter_corpus(
        config.corpus,
        text_column=config.text_column,
        glob=config.glob,
        text_unit=config.text_unit,
        stats=stats,
    )
    pre = None
    if config.clean:
        from fairlm.training._preprocess import Preprocessor

        pre = Preprocessor()
        docs = pre(docs)
    report = audit_corpus(
        docs, terms, window=config.window, top_terms=config.top, progress=config.progress
    )
    data = report.to_dict()
    data["collect"] = stats.to_dict()
    if pre is not None:
        data["preprocess"] = pre.report()
    if config.output:
        atomic_write_json(config.output, data)
    return report, data


def _word_file(path: str | None) -> list[str] | None:
    """The non-blank lines of a word-list file (None: no file given)."""
    if path is None:
        return None
    text = read_utf8(path)
    return [w.strip() for w in text.splitlines() if w.strip()]


def audit_corpus(
    docs: Iterable[str],
    terms: TermLists,
    *,
    window: int = 10,
    top_terms: int = 10,
    progress: bool = False,
) -> DataAuditReport:
    """Count representation and gendered co-occurrence over a stream of documents."""
    if window < 1:
        raise CorpusError(f"window must be at least 1, not {window}")
    matcher = _Matcher()
    for axis, groups in terms.axes.items():
        for group, words in groups.items():
            for w in words:
                matcher.add(w, ("axis", axis, group))
    for w in terms.occupations:
        matcher.add(w, ("target", "occupations", w))
    for w in terms.adjectives:
        matcher.add(w, ("target", "adjectives", w))
    counts = _Counts(gender=terms.gender_axis, window=window)
    for doc in progress_bar(docs, enabled=progress, desc="auditing", unit="doc"):
        tokens = tokenize(doc)
        counts.add(tokens, list(matcher.matches(tokens)))
    if counts.n_docs == 0:
        raise CorpusError("the corpus is empty: no documents to audit")

    representation: dict[str, dict[str, dict[str, float]]] = {}
    tops: dict[str, dict[str, dict[str, int]]] = {}
    for axis, groups in terms.axes.items():
        total = sum(counts.mentions[(axis, g)] for g in groups)
        representation[axis] = {
            g: {
                "mentions": counts.mentions[(axis, g)],
                "documents": counts.documents[(axis, g)],
                "share": counts.mentions[(axis, g)] / total if total else 0.0,
            }
            for g in groups
        }
        tops[axis] = {
            g: dict(counts.term_counts[(axis, g)].most_common(top_terms))
            for g in groups
            if counts.term_counts[(axis, g)]
        }
    totals = {"male": counts.context["male"], "female": counts.context["female"]}
    rows = {
        kind: _cooc_rows(kind, words, counts.target_count, counts.pair, totals)
        for kind, words in (("occupations", terms.occupations), ("adjectives", terms.adjectives))
    }
    return DataAuditReport(
        n_documents=counts.n_docs,
        n_words=counts.n_words,
        window=window,
        representation=representation,
        top_terms=tops,
        context_totals=totals,
        occupations=rows["occupations"],
        adjectives=rows["adjectives"],
        sources=list(terms.sources),
    )


@dataclass
class _Counts:
    """Running counts of an audit: mentions per (axis, group), documents with a mention,
    the surface forms seen, target words anywhere and within gendered contexts."""

    gender: str
    window: int
    mentions: Counter = field(default_factory=Counter)  # (axis, group) -> mentions
    documents: Counter = field(default_factory=Counter)  # (axis, group) -> documents
    term_counts: defaultdict = field(default_factory=lambda: defaultdict(Counter))
    target_count: Counter = field(default_factory=Counter)  # (kind, word) -> anywhere
    pair: Counter = field(default_factory=Counter)  # (group, kind, word) -> c(g, w)
    context: Counter = field(default_factory=Counter)  # group -> c(g, .)
    n_docs: int = 0
    n_words: int = 0

    def add(self, tokens: list[str], found: list[tuple[int, int, list]]) -> None:
        """Count one document: its tokens and the matches ``(start, length, tags)``."""
        self.n_docs += 1
        self.n_words += len(tokens)
        in_doc: set[tuple[str, str]] = set()
        targets_at: dict[int, list[tuple[str, str]]] = {}
        for start, length, tags in found:
            surface = " ".join(tokens[start : start + length])
            for kind, a, b in tags:
                if kind == "axis":
                    self.mentions[(a, b)] += 1
                    self.term_counts[(a, b)][surface] += 1
                    in_doc.add((a, b))
                else:
                    self.target_count[(a, b)] += 1
                    targets_at.setdefault(start, []).append((a, b))
        for key in in_doc:
            self.documents[key] += 1
        for start, length, tags in found:
            groups = {b for kind, a, b in tags if kind == "axis" and a == self.gender}
            if not groups:
                continue
            lo, hi = max(0, start - self.window), min(len(tokens), start + length + self.window)
            positions = [p for p in range(lo, hi) if not start <= p < start + length]
            for g in groups:
                self.context[g] += len(positions)
                for p in positions:
                    for kind_word in targets_at.get(p, ()):
                        self.pair[(g, *kind_word)] += 1


def _cooc_rows(kind, words, target_count, pair, totals) -> list[dict[str, Any]]:
    n = totals["male"] + totals["female"]
    out = []
    for w in dict.fromkeys(words):
        m, f = pair[("male", kind, w)], pair[("female", kind, w)]
        if not target_count[(kind, w)]:
            continue
        pmi = {g: _pmi(c, totals[g], m + f, n) for g, c in (("male", m), ("female", f))}
        skew = (f / totals["female"]) / (m / totals["male"]) if m and f else None
        out.append(
            {
                "word": w,
                "count": target_count[(kind, w)],
                "male": m,
                "female": f,
                "pmi_male": pmi["male"],
                "pmi_female": pmi["female"],
                "skew_ratio": skew,
                "log2_skew": math.log2(skew) if skew else None,
            }
        )
    out.sort(key=lambda r: -(r["male"] + r["female"]))
    return out


def _pmi(c_gw: int, c_g: int, c_w: int, n: int) -> float | None:
    """log2( c(g, w) N / (c(g, .) c(., w)) ); None when the pair never occurs."""
    return math.log2(c_gw * n / (c_g * c_w)) if c_gw else None
