"""The Jinja2 environment that turns the report's view data into HTML.

The markup lives in ``templates/*.j2``; Python decides what to show (which figures,
which examples, the chart geometry) and the templates place it. Autoescaping is on for
every template, so any text that comes from a results file, a samples file or the
model is escaped wherever it lands, in text or in an attribute. The only text inserted
unescaped is the page's own stylesheet and script (package files).
"""

from __future__ import annotations

from functools import cache
from typing import Any

from fairlm.report import _format

__all__ = ["environment", "macro", "render"]


@cache
def environment() -> Any:
    """The shared environment: autoescape on, undefined names an error, and the number
    formatters as filters (``{{ f.value | fmt }}``, ``{{ f | fmt_ci }}``)."""
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.PackageLoader("fairlm.report", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(fmt=_format.fmt, fmt_ci=_format.fmt_ci)
    env.tests["numeric_cell"] = _looks_numeric
    return env


def render(template: str, **context: Any) -> Any:
    """Render ``templates/<template>`` with ``context``, as markup that another template
    inserts as it is (it was escaped when rendered)."""
    from markupsafe import Markup

    return Markup(environment().get_template(template).render(**context))


def macro(template: str, name: str) -> Any:
    """A macro of a template, callable from Python; it returns escaped markup."""
    return getattr(environment().get_template(template).module, name)


def _looks_numeric(cell: Any) -> bool:
    """Whether a table cell reads as a number or an interval (right-aligned)."""
    text = str(cell)
    return bool(text) and text[0] in "0123456789\u2212[" and " " not in text.replace(", ", "")
