"""Small text helpers shared by the command line, the audit log and the report."""

from __future__ import annotations

import re
from typing import Any

__all__ = ["near_tie_text", "terminal_text"]

# What a terminal acts on instead of showing: C0 controls (ESC starts colour, cursor and
# title sequences; CR rewrites the line), DEL, C1 controls (0x9b is a one-byte CSI),
# Unicode line/paragraph separators and the bidirectional overrides that reorder what is
# shown ("Trojan Source").
_UNSAFE = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
_UNSAFE_KEEP_LINES = re.compile(
    r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]"
)
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escape(match: re.Match[str]) -> str:
    ch = match.group()
    if ch in _NAMED:
        return _NAMED[ch]
    code = ord(ch)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def terminal_text(value: Any, *, keep_newlines: bool = False) -> str:
    """``value`` as text that is safe to print: control characters shown as escapes.

    Data (a group name read from a CSV file, a model's output, a file name) can hold
    escape sequences that recolour, move the cursor, retitle or rewrite a terminal, and
    a newline inside a table cell breaks the table. Every place fairlm prints data passes
    it through here: ``"\\x1b[31mred"`` is shown as ``\\x1b[31mred``, a newline as
    ``\\n`` (kept as a line break with ``keep_newlines``, for generated text, where tabs
    stay too).

    >>> terminal_text("a\\nb\\x1b[2J")
    'a\\\\nb\\\\x1b[2J'
    """
    text = value if isinstance(value, str) else str(value)
    pattern = _UNSAFE_KEEP_LINES if keep_newlines else _UNSAFE
    return pattern.sub(_escape, text)


def near_tie_text(ties: dict[str, Any]) -> str:
    """E.g. ``2 of 1,508 verdicts are ties within numerical noise (margin < 0.0001
    nats): ...`` from a benchmark's ``near_ties`` record."""
    n, of = ties["count"], ties["verdicts"]
    verb = "is a tie" if n == 1 else "are ties"
    return (
        f"{n:,} of {of:,} verdicts {verb} within numerical noise "
        f"(margin < {ties['threshold_nats']:g} nats): a CPU with other float rounding "
        "may decide them the other way"
    )
