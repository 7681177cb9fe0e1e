"""Command-line flags generated from typed configs, as transformers' ``HfArgumentParser``
makes them: one flag per dataclass field, named like the field (``batch_size`` ->
``--batch-size``), its help text, group, choices and older spellings read from the
field's metadata (see :func:`fairlm._config.option`).

How a field becomes an argument:

* ``bool``: a switch. ``False`` by default gives ``--name``; ``True`` gives ``--no-name``
  (store false), so ``report: bool = True`` is ``--no-report``.
* ``Literal[...]`` (or ``Literal[...] | None``): ``choices``.
* ``int``, ``float``, ``str``: that type; anything else is read as text unless the field
  says how (``parse``); a ``list``/``tuple`` field takes several values (``nargs``).
* A field without a default is required; ``positional`` fields take no flag.
* ``--help`` shows a valued field's default after its help text, unless the text already
  says it (a default of ``None`` or an empty list means "not given" and is not shown).
"""

from __future__ import annotations

import argparse
import dataclasses
import typing
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from fairlm._config import literal_choices, type_hints

__all__ = ["add_options", "config_from_args"]


def add_options(
    parser: argparse.ArgumentParser, *configs: type, groups: Sequence[str] = ()
) -> None:
    """Add an argument for every field of the dataclasses ``configs``.

    Fields without a group come first, then the ``groups`` named, then the others in the
    order they first appear (``--help`` lists them so). A field name met again in a
    later config (an option two mitigation methods share) is added once, from its first
    config.
    """
    seen: dict[str, tuple[dataclasses.Field, Any]] = {}
    for cls in configs:
        hints = type_hints(cls)
        for f in dataclasses.fields(cls):
            if f.init and not f.metadata.get("hidden") and f.name not in seen:
                seen[f.name] = (f, hints.get(f.name, str))
    order = [None, *groups, *(f.metadata.get("group") for f, _ in seen.values())]
    order = list(dict.fromkeys(order))
    sections: dict[str | None, Any] = {None: parser}
    for f, hint in sorted(seen.values(), key=lambda x: order.index(x[0].metadata.get("group"))):
        group = f.metadata.get("group")
        if group not in sections:
            sections[group] = parser.add_argument_group(group)
        flags, kwargs = _argument(f, hint)
        sections[group].add_argument(*flags, **kwargs)


def config_from_args(cls: type, args: argparse.Namespace, **values: Any) -> Any:
    """An instance of ``cls`` from the parsed arguments of its fields (``values`` added
    or replacing them)."""
    fields = [f for f in dataclasses.fields(cls) if f.init and hasattr(args, f.name)]
    return cls(**{**{f.name: getattr(args, f.name) for f in fields}, **values})


def _argument(f: dataclasses.Field, hint: Any) -> tuple[list[str], dict[str, Any]]:
    """The option strings and ``add_argument`` keywords of one field."""
    meta = f.metadata
    required = meta.get("required") or (
        f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING
    )
    default = None if f.default is dataclasses.MISSING else f.default
    kwargs: dict[str, Any] = {"help": _help(meta, hint, default)}
    if "metavar" in meta:
        kwargs["metavar"] = meta["metavar"]
    if _strip_none(hint) is bool:
        kwargs["action"] = "store_false" if default else "store_true"
    else:
        kwargs.update(_value_kwargs(meta, hint, default))
    if meta.get("positional"):
        return [f.name], kwargs
    switch_off = _strip_none(hint) is bool and default
    name = meta.get("flag") or ("--no-" if switch_off else "--") + f.name.replace("_", "-")
    aliases = meta.get("aliases", ())
    shorts = [a for a in aliases if not a.startswith("--")]
    longs = [a for a in aliases if a.startswith("--")]
    kwargs["dest"] = f.name
    if required:
        kwargs["required"] = True
    return [*shorts, name, *longs], kwargs


def _help(meta: Any, hint: Any, default: Any) -> str | None:
    """The field's help text, with its default where the text does not say it."""
    text = meta.get("help")
    if default is None or _strip_none(hint) is bool or meta.get("positional"):
        return text
    if text is not None and "default" in text:
        return text
    if isinstance(default, str) or not isinstance(default, Iterable):
        shown = str(default)
    elif not default:  # an empty list: nothing given
        return text
    else:
        shown = ",".join(map(str, default))
    shown = shown.replace("%", "%%")  # argparse formats help texts with %
    return f"{text} (default: {shown})" if text else f"default: {shown}"


def _value_kwargs(meta: Any, hint: Any, default: Any) -> dict[str, Any]:
    """``type``, ``choices``, ``nargs``/``action`` and ``default`` of a valued argument."""
    kwargs: dict[str, Any] = {}
    choices = meta.get("choices") or literal_choices(hint)
    if choices is not None:
        kwargs["choices"] = list(choices)
    element = _element_type(hint)
    if "parse" in meta:
        kwargs["type"] = _reporting(meta["parse"])
    elif element in (int, float):
        kwargs["type"] = element
    if meta.get("append"):
        kwargs["action"] = "append"
        default = list(default or ())  # argparse appends to a copy of the default
    elif "nargs" in meta or (_is_sequence(hint) and "parse" not in meta):
        kwargs["nargs"] = meta.get("nargs", "+")
    kwargs["default"] = default
    return kwargs


def _reporting(parse: Callable[[str], Any]) -> Callable[[str], Any]:
    """``parse`` with its ``ValueError`` message shown as argparse's own error."""

    def convert(text: str) -> Any:
        try:
            return parse(text)
        except ValueError as exc:
            raise argparse.ArgumentTypeError(str(exc)) from None

    convert.__name__ = getattr(parse, "__name__", "value")
    return convert


def _strip_none(hint: Any) -> Any:
    """``X | None`` -> ``X``; other hints unchanged."""
    args = [a for a in typing.get_args(hint) if a is not type(None)]
    if typing.get_origin(hint) in (typing.Union, _UnionType) and len(args) == 1:
        return args[0]
    return hint


def _is_sequence(hint: Any) -> bool:
    origin = typing.get_origin(_strip_none(hint))
    return isinstance(origin, type) and issubclass(origin, Iterable) and origin is not str


def _element_type(hint: Any) -> Any:
    """The scalar type of a field: ``int`` for ``int | None`` or ``tuple[int, ...]``, the
    values' type for a ``Literal``."""
    hint = _strip_none(hint)
    choices = literal_choices(hint)
    if choices is not None:
        return type(choices[0])
    if _is_sequence(hint):
        return next(iter(typing.get_args(hint)), str)
    return hint


_UnionType = type(int | None)
