"""Counterfactual swapping for Chinese text, which has no spaces between words.

A text is read left to right; at each position the **longest** listed word that starts
there wins: a gendered word swaps to its partner, a protected word (他人, 其他, 吉他...)
is copied as it is, and anything else moves on by one character. So 她们 is taken
before 她, 男人们 becomes 女人们 (男人 -> 女人, then 们), 外孙女 is not read as 外孙 + 女,
and the 他 inside 其他 or 吉他 never swaps, because the protected word starts earlier
and is consumed whole. Text in other scripts is copied unchanged. The word lists and
their reasoning are in :mod:`fairlm.augment._wordlists_zh`.

>>> ChineseSwapper.default().swap_count("他们和其他人说她很好。")
('她们和其他人说他很好。', 2)
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

__all__ = ["ChineseSwapper"]


@dataclass(frozen=True)
class _Entry:
    target: str  # the replacement; the word itself when protected
    group: int  # 0 male, 1 female, -1 protected


class ChineseSwapper:
    """Longest-match swapping of (male, female) word pairs in Chinese text."""

    def __init__(
        self,
        pairs: Sequence[tuple[str, str]],
        *,
        one_way: Sequence[tuple[str, str]] = (),
        protected: Sequence[str] = (),
    ) -> None:
        table: dict[str, _Entry] = {w: _Entry(w, -1) for w in protected}
        for male, female in pairs:
            if not male or not female or male == female:
                raise ValueError(f"a word pair needs two different words, got {male!r}, {female!r}")
            for word, other, group in ((male, female, 0), (female, male, 1)):
                if word in table:
                    raise ValueError(f"{word!r} is listed twice in the Chinese word lists")
                table[word] = _Entry(other, group)
        for word, target in one_way:
            if word in table:
                raise ValueError(f"{word!r} is listed twice in the Chinese word lists")
            partner = table.get(target)
            if partner is None or partner.group < 0:
                raise ValueError(f"one-way target {target!r} of {word!r} has no partner")
            table[word] = _Entry(target, 1 - partner.group)
        self._table = table
        self._longest = max((len(w) for w in table), default=0)

    @classmethod
    def default(cls) -> ChineseSwapper:
        """fairlm's own lists: gender pairs, names, one-way words, protected words."""
        from fairlm.augment import _wordlists_zh as Z

        return cls(
            [*Z.ZH_GENDER_PAIRS, *Z.ZH_NAME_PAIRS], one_way=Z.ZH_ONE_WAY, protected=Z.ZH_PROTECTED
        )

    def _matches(self, text: str) -> Iterator[tuple[int, str, _Entry | None]]:
        """(start, piece, entry) left to right: each listed word, longest first, and
        each other character alone (entry None)."""
        i = 0
        while i < len(text):
            for n in range(min(self._longest, len(text) - i), 0, -1):
                entry = self._table.get(text[i : i + n])
                if entry is not None:
                    yield i, text[i : i + n], entry
                    i += n
                    break
            else:
                yield i, text[i], None
                i += 1

    def swap_count(self, text: str) -> tuple[str, int]:
        """The counterfactual of ``text`` and how many words were swapped."""
        out: list[str] = []
        count = 0
        for _, piece, entry in self._matches(text):
            if entry is None or entry.group < 0:
                out.append(piece)
            else:
                out.append(entry.target)
                count += 1
        return "".join(out), count

    def attribute(self, text: str) -> int:
        """0 when ``text`` mentions only male words, 1 only female ones, else -1."""
        found = {e.group for _, _, e in self._matches(text) if e is not None and e.group >= 0}
        return found.pop() if len(found) == 1 else -1

    @property
    def two_sided_words(self) -> frozenset[str]:
        """Words whose partner swaps back to them."""
        t = self._table
        return frozenset(w for w, e in t.items() if e.group >= 0 and t.get(e.target, e).target == w)
