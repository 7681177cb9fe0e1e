"""How an assistant benchmark asks the model: its chat template, or a plain prompt.

An instruction-tuned model is asked the way it was trained to be asked: the question is
the user turn of the tokenizer's own chat template (:meth:`ScoringLM.chat_prompt`,
exactly ``apply_chat_template(turns, add_generation_prompt=True, tokenize=False)``),
after the benchmark's system prompt where it has one (else the template's default), and
the answer is scored or generated where the assistant's turn begins. A base model has no
template; it gets the benchmark's plain prompt.

``chat`` (``--chat``, or ``--benchmark-arg NAME.chat=...``) decides:

* ``"auto"`` (default): the template when the model has one
  (``lm.chat_template_hash`` is not None), else the plain prompt;
* ``"on"``: the template; a model without one is refused with a message;
* ``"off"``: the plain prompt, even for a model with a template.

Every row records how it was asked (:meth:`PromptFormat.record`: ``chat`` and
``chat_template_hash``), the benchmark's ``config()`` records its system prompts, and
:func:`prompt_format_summary` turns the rows' records into the ``prompt_format`` table
of results.json and one note for the report.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

from fairlm.errors import FairlmError

__all__ = [
    "CHAT_MODES",
    "ChatMode",
    "PromptFormat",
    "check_chat_mode",
    "prompt_format_summary",
]

ChatMode = Literal["auto", "on", "off"]
CHAT_MODES: tuple[str, ...] = ("auto", "on", "off")


def check_chat_mode(chat: str) -> str:
    """``chat`` itself, or a ValueError naming the choices."""
    if chat not in CHAT_MODES:
        raise ValueError(f"chat must be one of {', '.join(CHAT_MODES)}, got {chat!r}")
    return chat


@dataclass(frozen=True)
class PromptFormat:
    """Whether questions go through the chat template, and which template (its hash)."""

    chat: bool
    template_hash: str | None = None

    @classmethod
    def choose(cls, lm: Any, mode: str) -> PromptFormat:
        """The format ``mode`` (``auto``/``on``/``off``) gives for ``lm``."""
        check_chat_mode(mode)
        template = getattr(lm, "chat_template_hash", None)
        if mode == "off":
            return cls(False)
        if template is None:
            if mode == "on":
                raise FairlmError(
                    f"chat is on but model {getattr(lm, 'name', lm)!r} has no chat template: "
                    "use --chat auto or off (plain prompts), or an instruction-tuned model"
                )
            return cls(False)
        return cls(True, str(template))

    def prompt(
        self, lm: Any, user: str, *, plain: str, system: str | None = None, prefill: str = ""
    ) -> str:
        """The text an answer is scored after: the chat template's conversation (``system``,
        then ``user``) up to the assistant's turn, plus ``prefill`` (the opening of the
        answer, where a protocol puts words in the assistant's mouth); or ``plain``."""
        if self.chat:
            return lm.chat_prompt(user, system=system) + prefill
        return plain

    @property
    def answer_prefix(self) -> str:
        """What goes before an answer word: nothing at the start of the assistant's turn
        (the template ends with its header, usually a newline), a space after a plain
        prompt (which ends with a colon or a question)."""
        return "" if self.chat else " "

    def record(self) -> dict[str, Any]:
        """The fields every row carries: how it was asked."""
        return {"chat": self.chat, "chat_template_hash": self.template_hash}


def prompt_format_summary(
    rows: Sequence[dict], system_prompts: dict[str, str | None]
) -> tuple[dict[str, Any], str]:
    """The ``prompt_format`` table (from the rows' records) and a note for the report.

    ``system_prompts`` names each system prompt the benchmark used (None: the template's
    default, which the template hash identifies).
    """
    chat = sorted({bool(r.get("chat")) for r in rows})
    hashes = sorted({str(r["chat_template_hash"]) for r in rows if r.get("chat_template_hash")})
    table = {
        "chat": chat[0] if len(chat) == 1 else "mixed",
        "chat_template_hashes": hashes,
        "system_prompts": dict(system_prompts),
    }
    if chat == [True]:
        systems = "; ".join(
            f"{k}: {'the template default' if v is None else repr(v)}"
            for k, v in system_prompts.items()
        )
        note = (
            f"Asked through the model's chat template (sha256 {', '.join(hashes)}), exactly "
            f"as its tokenizer's apply_chat_template writes it; system prompt(s): {systems}."
        )
    elif chat == [False]:
        note = "Asked with plain prompts (no chat template: a base model, or --chat off)."
    else:
        note = "Rows were asked in different formats (chat and plain): resumed from another run?"
    return table, note
