"""The model-card section: Markdown a user can paste into their own model card."""

from __future__ import annotations

from typing import Any

from fairlm import __version__
from fairlm.report._benchmarks import GENERAL_CAVEATS, model_caveats, reading
from fairlm.report._compare import compare
from fairlm.report._format import fmt, fmt_ci, ideal_text, metric_label
from fairlm.report._load import Run, bench_title, benchmark_names, headline_figure
from fairlm.report._verdicts import STATUS_LABELS, bench_verdicts, figure_key, rule

__all__ = ["build_model_card"]


def _md(text: Any) -> str:
    """Text safe inside a Markdown table cell (no pipes, newlines or raw HTML)."""
    s = "" if text is None else str(text)
    s = s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return s.replace("|", "\\|").replace("\r", " ").replace("\n", " ")


def _date(run: Run) -> str:
    return str(run.results.get("created") or "unknown date")[:10]


def _cell(f: dict[str, Any] | None) -> str:
    if f is None:
        return "not run"
    ci = fmt_ci(f)
    return fmt(f.get("value")) + ("" if ci == "no CI" else f" {ci}")


def build_model_card(runs: list[Run]) -> str:
    """Markdown with three parts: intended use, evaluated biases, limitations."""
    last = runs[-1]
    models = list(dict.fromkeys(r.model_name for r in runs))
    lines = [
        "## Bias evaluation",
        "",
        f"<!-- Written by fairlm {__version__} (fairlm report) from saved results; edit freely -->",
        "",
        "### Intended use",
        "",
        "_Describe here what the model is for and who should use it._",
        "",
        f"The bias evaluation below describes how {_md(', '.join(models))} behaves on standard "
        "English bias benchmarks. It supports research and comparison between model versions; "
        "it is not a certification of fairness, and it does not cover uses, languages or "
        "groups outside these benchmarks. Do not rely on the model for decisions about people "
        "without an evaluation in that setting.",
        "",
        "### Evaluated biases",
        "",
        f"Measured with fairlm {_md(last.results.get('fairlm_version', '?'))}; values with "
        "95% bootstrap confidence intervals in brackets.",
        "",
    ]
    lines += _figure_table(runs)
    lines += ["", "### Limitations", ""]
    lines += _limitations(runs)
    lines.append("")
    return "\n".join(lines)


def _figure_table(runs: list[Run]) -> list[str]:
    """The headline figures as a Markdown table (one column per run, and the change),
    then one line per benchmark on what the latest figure's interval says."""
    header = ["Benchmark", "Measure", "Ideal"] + [f"{_md(r.label)} ({_date(r)})" for r in runs]
    if len(runs) > 1:
        header += [f"Change ({_md(runs[-1].label)} − {_md(runs[0].label)})", "Beyond CIs?"]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    readings = []
    for name in benchmark_names(runs):
        figs = [headline_figure(r.benchmarks[name]) if name in r.benchmarks else None for r in runs]
        ref = next(f for f in reversed(figs) if f is not None) if any(figs) else None
        if ref is None:
            continue
        unit = f" ({ref.get('unit')})" if ref.get("unit") else ""
        row = [
            _md(bench_title(runs, name)),
            _md(metric_label(ref.get("metric", "")) + unit),
            _md(ideal_text(ref)),
        ] + [_md(_cell(f)) for f in figs]
        if len(runs) > 1:
            first, final = figs[0], figs[-1]
            if first is not None and final is not None:
                ch = compare(first, final)
                row += [_md(fmt(ch.value)), _md(ch.beyond_text)]
            else:
                row += ["", ""]
        lines.append("| " + " | ".join(row) + " |")
        if figs[-1] is not None:
            j = bench_verdicts(runs[-1].benchmarks[name]).get(figure_key(figs[-1]))
            if j is not None:
                v = f"{STATUS_LABELS[j.status]}. {j.text}"
                readings.append(f"- {_md(bench_title(runs, name))}: {_md(v)}")
    if readings:
        lines += ["", f"Verdicts on the {'latest ' if len(runs) > 1 else ''}figures:", ""]
        lines += readings
        lines += ["", f"_The rule: {_md(rule())}_"]
    return lines


def _limitations(runs: list[Run]) -> list[str]:
    """General caveats, each benchmark's first caveat (and licence, and sample size),
    then the model's own (licence, terms of use)."""
    lines = [f"- {_md(c)}" for c in GENERAL_CAVEATS]
    for name in benchmark_names(runs):
        bench = next(r.benchmarks[name] for r in runs if name in r.benchmarks)
        title = _md(bench_title(runs, name))
        caveats = reading(name).caveats
        if bench.get("commercial_use_ok") is False:
            lines.append(
                f"- {title}: the data is licensed {_md(bench.get('license', 'non-commercial'))}, "
                "non-commercial use only."
            )
            caveats = tuple(c for c in caveats if "commercial" not in c.lower()) or caveats
        lines.append(f"- {title}: {_md(caveats[0])}")
        limits = {
            r.benchmarks[name].get("config", {}).get("limit") for r in runs if name in r.benchmarks
        }
        limits.discard(None)
        if limits:
            lines.append(
                f"- {title}: scored on a seeded sample ({', '.join(str(x) for x in sorted(limits))}"
                " examples), not the whole data set."
            )
    seen: set[str] = set()
    for r in runs:
        for c in model_caveats(r.model):
            if c not in seen:
                seen.add(c)
                lines.append(f"- {_md(c)}")
    return lines
