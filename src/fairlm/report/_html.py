"""Assemble the self-contained HTML report from loaded runs.

The page is ``templates/report.html.j2``; its sections come from
:mod:`fairlm.report._summary`, :mod:`fairlm.report._section` and
:mod:`fairlm.report._data_audit`, which decide what to show. Templates autoescape, so
text from a results file, a samples file or the model is escaped wherever it lands.
"""

from __future__ import annotations

import datetime as _dt
from pathlib import Path
from typing import Any

from markupsafe import Markup

from fairlm import __version__
from fairlm._io import atomic_write_text, write_owned_text
from fairlm.report._benchmarks import GENERAL_CAVEATS
from fairlm.report._compare import CHANGE_RULE
from fairlm.report._data_audit import DataAudit, training_data
from fairlm.report._load import Run, bench_title, benchmark_names, load_inputs
from fairlm.report._model_card import build_model_card
from fairlm.report._render import render as _render_template
from fairlm.report._section import section_context
from fairlm.report._style import csp, css, script
from fairlm.report._summary import slug, summary_context

__all__ = ["build_report_html", "write_report", "render"]


def build_report_html(
    run_dirs: list[Path] | list[str],
    *,
    title: str | None = None,
    labels: list[str] | None = None,
) -> str:
    """The report for run directories and data-audit JSON files, as one HTML string."""
    runs, audits = load_inputs([Path(p) for p in run_dirs], labels=labels)
    card = build_model_card(runs) if runs else ""
    return render(runs, title=title, model_card=card, audits=audits)


def write_report(
    run_dirs: list[Path] | list[str],
    output: Path | str,
    *,
    title: str | None = None,
    labels: list[str] | None = None,
) -> Path:
    """Write the HTML report to ``output`` and ``model_card.md`` next to it; return ``output``.

    ``run_dirs`` are audit runs and data-audit JSON files (a JSON file whose ``kind`` is
    ``fairlm.data_audit``); the latter fill the "Training data" section. Reads only
    saved files; both outputs are written atomically, the model card only when there is
    at least one audit run, and never over a user's edits (``model_card.new.md`` then:
    see :func:`fairlm._io.write_owned_text`).
    """
    runs, audits = load_inputs([Path(p) for p in run_dirs], labels=labels)
    card = build_model_card(runs) if runs else ""
    html = render(runs, title=title, model_card=card, audits=audits)
    out = Path(output)
    if runs:
        write_owned_text(out.parent / "model_card.md", card)
    return atomic_write_text(out, html)


def _title(runs: list[Run], audits: list[DataAudit]) -> str:
    models = list(dict.fromkeys(r.model_name for r in runs))
    if models:
        return f"Fairness report: {' vs '.join(models)}"
    return f"Training data report: {', '.join(a.label for a in audits)}"


def _sources_text(runs: list[Run], audits: list[DataAudit]) -> str:
    """'3 saved runs', '1 saved file', '2 saved runs and 1 data audit'."""
    n_in = len(runs) + len(audits)
    what = f"{n_in} saved {'file' if not runs else 'run'}{'s' if n_in != 1 else ''}"
    if runs and audits:
        what = (
            f"{len(runs)} saved run{'s' if len(runs) != 1 else ''} and "
            f"{len(audits)} data audit{'s' if len(audits) != 1 else ''}"
        )
    return what


def _nav(runs: list[Run], audits: list[DataAudit], names: list[str]) -> list[tuple[str, str]]:
    nav = [("summary", "Summary")] if runs else []
    if audits:
        nav.append(("training-data", "Training data"))
    nav += [(f"bench-{slug(n)}", bench_title(runs, n)) for n in names]
    if runs:
        nav.append(("model-card", "Model card"))
    return nav + [("about", "About")]


def render(
    runs: list[Run],
    *,
    title: str | None = None,
    model_card: str = "",
    audits: list[DataAudit] | None = None,
) -> str:
    """The page for loaded runs and data audits (see :func:`build_report_html`)."""
    audits = audits or []
    names = benchmark_names(runs)
    counter = [0]  # numbers the charts across the page, in page order
    summary: dict[str, Any] = summary_context(runs, names) if runs else {}
    data = training_data(audits, counter) if audits else ""
    return str(
        _render_template(
            "report.html.j2",
            title=title or _title(runs, audits),
            version=__version__,
            now=_dt.datetime.now(_dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
            what=_sources_text(runs, audits),
            nav=_nav(runs, audits, names),
            summary=bool(summary),
            **summary,
            change_rule=CHANGE_RULE if len(runs) > 1 else "",
            training_data=data,
            sections=[section_context(runs, n, counter) for n in names],
            model_card=model_card,
            general_caveats=GENERAL_CAVEATS,
            runs=runs,
            audits=audits,
            css=Markup(css()),  # the page's own files, inlined as they are (see _style)
            script=Markup(script()),
            csp=csp(),
        )
    )
