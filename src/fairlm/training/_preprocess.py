"""Clean a stream of documents, counting what each step removes.

The steps, in order (each can be switched off):

1. ``normalize``: Unicode normalisation (NFC by default; NFKC also folds compatibility
   forms such as full-width letters and ligatures).
2. ``markup``: HTML/XML removal: ``<script>``/``<style>`` blocks and comments go with
   their content, other tags are dropped, entities (``&amp;``) are unescaped.
3. ``control``: control and invisible format characters (Unicode Cc except tab and
   newline; zero-width space, byte-order mark, soft hyphen) are removed.
4. ``whitespace``: every run of spaces/tabs (including no-break spaces) becomes one
   space, lines are stripped, three or more newlines become a blank line.
5. ``length``: documents with fewer than ``min_words`` or more than ``max_words`` words
   are dropped.
6. ``exact_dedup``: a document identical to an earlier one (after the steps above) is
   dropped (SHA-1 of its text).
7. ``near_dedup``: a document whose word-shingle set has an estimated Jaccard similarity
   of at least ``near_dup_threshold`` with an earlier kept document is dropped. The
   estimate is MinHash (Broder, "On the resemblance and containment of documents",
   SEQUENCES 1997) with locality-sensitive hashing to find candidates (Indyk & Motwani,
   STOC 1998), via ``datasketch``; this is the near-duplicate filter of Lee et al.,
   "Deduplicating Training Data Makes Language Models Better", ACL 2022. Shingles are
   ``shingle_size`` consecutive words (Broder's w-shingling), lower-cased; a text shorter
   than that is one shingle. Word shingles keep counterfactual pairs that differ in one
   word ("I'm a deaf grandma." / "I'm a deaf grandpa.") apart, as a bias corpus needs.

"Words" in the report are whitespace-separated tokens, counted before the model's
tokenizer exists. The report says, per step, how many documents and words went in, came
out and were removed, and for the character-level steps how many documents changed.
"""

from __future__ import annotations

import hashlib
import html
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

from fairlm.training._errors import CorpusError

__all__ = ["PreprocessConfig", "Preprocessor", "StepCount", "STEPS"]

STEPS = ("normalize", "markup", "control", "whitespace", "length", "exact_dedup", "near_dedup")

_SCRIPT = re.compile(r"<(script|style)\b[^>]*>.*?</\1\s*>", re.IGNORECASE | re.DOTALL)
_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
_TAG = re.compile(r"</?[A-Za-z][A-Za-z0-9:-]*(?:\s[^<>]*)?/?>|<![A-Za-z][^<>]*>")
_BLOCK_TAG = re.compile(r"</?(?:p|div|br|li|ul|ol|h[1-6]|tr|table|section|article)\b[^>]*>", re.I)
_INVISIBLE = {"\u200b", "\ufeff", "\u00ad", "\u2060"}
_SPACES = re.compile(r"[^\S\n]+")  # whitespace other than newline
_BLANKS = re.compile(r"\n{3,}")


@dataclass
class PreprocessConfig:
    """Which steps run and their thresholds (see the module docstring)."""

    normalize: Literal["NFC", "NFKC", "none"] = "NFC"
    markup: bool = True
    control: bool = True
    whitespace: bool = True
    min_words: int = 1
    max_words: int | None = None
    exact_dedup: bool = True
    near_dedup: bool = True
    near_dup_threshold: float = 0.8
    num_perm: int = 128
    shingle_size: int = 5
    seed: int = 1

    def __post_init__(self) -> None:
        if self.normalize not in ("NFC", "NFKC", "none"):
            raise CorpusError(f"normalize must be NFC, NFKC or none, not {self.normalize!r}")
        if not 0 < self.near_dup_threshold <= 1:
            raise CorpusError(
                f"near_dup_threshold must be in (0, 1], not {self.near_dup_threshold}"
            )
        if self.shingle_size < 1 or self.min_words < 0:
            raise CorpusError("shingle_size must be >= 1 and min_words >= 0")


@dataclass
class StepCount:
    """Documents and words in and out of one step; ``changed``: documents it altered."""

    step: str
    docs_in: int = 0
    docs_out: int = 0
    words_in: int = 0
    words_out: int = 0
    changed: int = 0

    @property
    def docs_removed(self) -> int:
        return self.docs_in - self.docs_out

    @property
    def words_removed(self) -> int:
        return self.words_in - self.words_out

    def to_dict(self) -> dict[str, Any]:
        return {
            **asdict(self),
            "docs_removed": self.docs_removed,
            "words_removed": self.words_removed,
        }


@dataclass
class Preprocessor:
    """Apply the steps to a stream: ``for doc in Preprocessor(cfg)(docs): ...``.

    ``report()`` gives one :class:`StepCount` per step that ran, in order. The
    de-duplication state (hashes, the LSH index) persists across calls, so several
    sources fed in turn are de-duplicated against each other.
    """

    config: PreprocessConfig = field(default_factory=PreprocessConfig)

    def __post_init__(self) -> None:
        c = self.config
        self._steps: list[tuple[str, Any]] = []
        if c.normalize != "none":
            self._steps.append(("normalize", self._normalize))
        if c.markup:
            self._steps.append(("markup", strip_markup))
        if c.control:
            self._steps.append(("control", strip_control))
        if c.whitespace:
            self._steps.append(("whitespace", repair_whitespace))
        self._steps.append(("length", self._length))
        if c.exact_dedup:
            self._steps.append(("exact_dedup", self._exact))
        if c.near_dedup:
            self._steps.append(("near_dedup", self._near))
        self.counts = {name: StepCount(name) for name, _ in self._steps}
        self._seen: set[bytes] = set()
        self._lsh: Any = None
        self._minhashes: dict[str, Any] = {}
        self._n_kept = 0

    def __call__(self, docs: Iterable[str]) -> Iterator[str]:
        for doc in docs:
            out = self.process(doc)
            if out is not None:
                yield out

    def process(self, doc: str) -> str | None:
        """One document through every step; None if a step dropped it."""
        text: str | None = doc
        for name, fn in self._steps:
            count = self.counts[name]
            words = _n_words(text)
            count.docs_in += 1
            count.words_in += words
            new = fn(text)
            if new is not None and not new.strip():
                new = None  # a step that leaves nothing drops the document
            if new is None:
                return None
            count.docs_out += 1
            if new is text:
                count.words_out += words
            else:
                count.words_out += _n_words(new)
                count.changed += new != text
            text = new
        return text

    def report(self) -> list[dict[str, Any]]:
        return [self.counts[name].to_dict() for name, _ in self._steps]

    # ------------------------------------------------------------------- steps
    def _normalize(self, text: str) -> str:
        out = unicodedata.normalize(self.config.normalize, text)
        return text if out == text else out

    def _length(self, text: str) -> str | None:
        n = _n_words(text)
        c = self.config
        if n < c.min_words or (c.max_words is not None and n > c.max_words):
            return None
        return text

    def _exact(self, text: str) -> str | None:
        key = hashlib.sha1(text.encode("utf-8")).digest()
        if key in self._seen:
            return None
        self._seen.add(key)
        return text

    def _near(self, text: str) -> str | None:
        from datasketch import MinHash, MinHashLSH

        c = self.config
        if self._lsh is None:
            # LSH only proposes candidates; the MinHash check below applies the threshold.
            # Above ~0.9 datasketch cannot pick >= 2 bands, so candidates come from 0.9.
            self._lsh = MinHashLSH(threshold=min(c.near_dup_threshold, 0.9), num_perm=c.num_perm)
        m = MinHash(num_perm=c.num_perm, seed=c.seed)
        for sh in shingles(text, c.shingle_size):
            m.update(sh.encode("utf-8"))
        # LSH returns candidates; keep the decision exact to the MinHash estimate
        for key in self._lsh.query(m):
            if self._minhashes[key].jaccard(m) >= c.near_dup_threshold:
                return None
        key = str(self._n_kept)
        self._n_kept += 1
        self._lsh.insert(key, m)
        self._minhashes[key] = m
        return text


def shingles(text: str, size: int) -> set[str]:
    """Lower-cased ``size``-word shingles; a shorter text is a single shingle."""
    words = text.lower().split()
    if len(words) <= size:
        return {" ".join(words)}
    return {" ".join(words[i : i + size]) for i in range(len(words) - size + 1)}


def strip_markup(text: str) -> str:
    """Remove HTML/XML: script/style blocks and comments with content, tags, entities."""
    if "<" not in text and "&" not in text:
        return text
    out = _SCRIPT.sub(" ", text)
    out = _COMMENT.sub(" ", out)
    out = _BLOCK_TAG.sub("\n", out)
    out = _TAG.sub("", out)
    out = html.unescape(out)
    return text if out == text else out


def strip_control(text: str) -> str:
    """Drop control characters (Cc except tab and newline; CR becomes newline) and
    zero-width/invisible format characters."""
    text2 = text.replace("\r\n", "\n").replace("\r", "\n")
    out = "".join(
        ch
        for ch in text2
        if ch in "\t\n" or (ch not in _INVISIBLE and unicodedata.category(ch) != "Cc")
    )
    return text if out == text else out


def repair_whitespace(text: str) -> str:
    """One space for each run of horizontal whitespace, stripped lines, at most one blank line."""
    lines = [_SPACES.sub(" ", line).strip() for line in text.split("\n")]
    out = _BLANKS.sub("\n\n", "\n".join(lines)).strip()
    return text if out == text else out


def _n_words(text: str | None) -> int:
    return len(text.split()) if text else 0
