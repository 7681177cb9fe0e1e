"""Typed configs: dataclass fields that carry their own help text, checked one way.

Each workflow (:func:`fairlm.benchmarks.audit`, :func:`fairlm.mitigation.debias`,
:func:`fairlm.training.train`) takes one dataclass. Its field names are the Python
keyword arguments and, spelled with dashes, the command-line flags (``batch_size`` <->
``--batch-size``): :mod:`fairlm.cli` generates every flag from the fields and the
metadata :func:`option` attaches (help text, argument group, older spellings, how to read
the text). ``Literal`` annotations are the choices; :func:`check` enforces them, and
each field's ``minimum``, for Python callers as argparse does for the command line.

This module imports neither argparse nor anything heavy.
"""

from __future__ import annotations

import dataclasses
import functools
import typing
from collections.abc import Callable, Sequence
from typing import Any, Literal

from fairlm._registry import did_you_mean
from fairlm.errors import FairlmError

__all__ = ["ConfigError", "check", "comma_list", "literal_choices", "option", "option_of"]


class ConfigError(FairlmError):
    """A config value that cannot be used. ``field`` is the field's name, so that the
    command line can name the flag (``limit`` -> ``--limit``)."""

    def __init__(self, field: str, problem: str) -> None:
        super().__init__(f"{field} {problem}")
        self.field = field
        self.problem = problem


def option(
    default: Any = dataclasses.MISSING,
    *,
    help: str | None = None,
    group: str | None = None,
    aliases: Sequence[str] = (),
    flag: str | None = None,
    metavar: str | None = None,
    positional: bool = False,
    nargs: str | None = None,
    append: bool = False,
    parse: Callable[[str], Any] | None = None,
    choices: Sequence[Any] | None = None,
    minimum: float | None = None,
    required: bool = False,
    cli: bool = True,
) -> Any:
    """A dataclass field with what its command-line flag needs.

    ``help`` is the flag's help text (also the field's documentation); ``group`` the
    ``--help`` section it is listed in; ``aliases`` older or shorter spellings
    (``"--tasks"``, ``"-o"``); ``flag`` a spelling other than the field's name (kept for
    flags older than their field). ``positional`` makes it an argument without a flag;
    ``nargs`` and ``append`` say how many values it takes; ``parse`` turns the text into
    the value (raising ``ValueError`` with a message a user can act on). ``choices`` are
    needed only where the annotation is not a ``Literal``; ``minimum`` is the smallest
    value allowed (``None`` is always allowed). ``required`` makes the flag required
    although Python callers may leave the field out (they give the value another way);
    ``cli=False`` keeps a field out of the command line (a Python-only option).
    """
    meta = {
        "help": help,
        "group": group,
        "aliases": tuple(aliases),
        "flag": flag,
        "metavar": metavar,
        "positional": positional,
        "nargs": nargs,
        "append": append,
        "parse": parse,
        "choices": None if choices is None else tuple(choices),
        "minimum": minimum,
        "required": required,
        "hidden": not cli,
    }
    return dataclasses.field(
        default=default,
        # "is", not "in": minimum=0 must stay (0 == False)
        metadata={k: v for k, v in meta.items() if v is not None and v is not False and v != ()},
    )


def option_of(base: type, name: str, default: Any = dataclasses.MISSING) -> Any:
    """``base``'s field ``name`` (its help, group and checks) for a subclass that
    redefines it, with ``default`` in place of the base's default where given."""
    f = base.__dataclass_fields__[name]
    return dataclasses.field(
        default=f.default if default is dataclasses.MISSING else default, metadata=f.metadata
    )


def literal_choices(hint: Any) -> tuple[Any, ...] | None:
    """The values of a ``Literal[...]`` or ``Literal[...] | None`` annotation, else None
    (``int | Literal["auto"]`` has no choices: it is checked by its own code)."""
    parts = [a for a in typing.get_args(hint) if a is not type(None)] or [hint]
    if typing.get_origin(hint) is not Literal and len(parts) == 1:
        hint = parts[0]
    return typing.get_args(hint) if typing.get_origin(hint) is Literal else None


@functools.cache
def type_hints(cls: type) -> dict[str, Any]:
    """The resolved annotations of a dataclass (its module's names, its bases')."""
    return typing.get_type_hints(cls)


def check(config: Any) -> None:
    """Raise :class:`ConfigError` for the first field outside its choices or below its
    ``minimum``. Configs call it from ``__post_init__``."""
    hints = type_hints(type(config))
    for f in dataclasses.fields(config):
        value = getattr(config, f.name)
        if value is None or isinstance(value, bool):
            continue
        choices = f.metadata.get("choices") or literal_choices(hints.get(f.name))
        if choices is not None and isinstance(value, str) and value not in choices:
            names = [str(c) for c in choices]
            hint = did_you_mean(value, names)
            raise ConfigError(f.name, f"must be one of {', '.join(names)}, not {value!r}.{hint}")
        minimum = f.metadata.get("minimum")
        if minimum is not None and isinstance(value, int | float) and value < minimum:
            raise ConfigError(f.name, f"must be at least {minimum}")


def comma_list(text: str | Sequence[str]) -> tuple[str, ...]:
    """``"a, b,,c"`` -> ``("a", "b", "c")``; a sequence of names is kept as it is."""
    items = text.split(",") if isinstance(text, str) else text
    return tuple(s.strip() for s in items if s.strip())
