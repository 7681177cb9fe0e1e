"""Markdown tables of finished audits, for the results and performance docs.

    python benchmarks/results_table.py runs/smollm2-truthfulness runs/gemma3-truthfulness
    python benchmarks/results_table.py --times runs/*/          # run times only

For each run folder it reads ``results.json`` (nothing is recomputed) and prints, per
benchmark, the overall figures with their confidence intervals, then one table of run
times: examples, scoring seconds and examples per second, and the whole command's time.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path


def _num(v, digits=2) -> str:
    return "n/a" if v is None else f"{v:,.{digits}f}"


def _ci(f: dict) -> str:
    if f.get("ci_low") is None or f.get("ci_high") is None:
        return ""
    return f"[{_num(f['ci_low'])}, {_num(f['ci_high'])}]"


def figures_table(run: Path, results: dict, groups: bool) -> list[str]:
    model = results["model"].get("name", run.name)
    lines = []
    for name, entry in results["benchmarks"].items():
        summary = entry["summary"]
        lines += [
            f"**{name}** on `{model}` ({entry['n_examples']:,} examples, "
            f"{entry['timing']['scoring_s']:,.0f} s)",
            "",
            "| metric | group | value | 95% CI | n | p |",
            "|---|---|---:|---|---:|---:|",
        ]
        for f in summary["figures"]:
            if not groups and f["group"] != "overall":
                continue
            headline = f["metric"] == summary["headline"] and f["group"] == "overall"
            star = " (headline)" if headline else ""
            n = "" if f.get("n") is None else f"{f['n']:,}"
            p = "" if f.get("p_value") is None else f"{f['p_value']:.3g}"
            lines.append(
                f"| {f['metric']}{star} | {f['group']} | {_num(f['value'])}{f.get('unit') or ''} "
                f"| {_ci(f)} | {n} | {p} |"
            )
        lines.append("")
    return lines


def times_table(runs: list[tuple[Path, dict]]) -> list[str]:
    lines = [
        "| run | model | benchmark | examples | scoring | examples/s |",
        "|---|---|---|---:|---:|---:|",
    ]
    for run, results in runs:
        model = results["model"].get("name", "")
        for name, entry in results["benchmarks"].items():
            t = entry["timing"]
            lines.append(
                f"| {run.name} | {model} | {name} | {entry['n_examples']:,} "
                f"| {t['scoring_s']:,.1f} s | {_num(t.get('examples_per_s'))} |"
            )
        total = results.get("timing", {}).get("total_s")
        lines.append(f"| {run.name} | {model} | whole audit | | {_num(total, 1)} s | |")
    return lines


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("runs", nargs="+", type=Path, help="audit output folders")
    ap.add_argument("--times", action="store_true", help="the run-time table only")
    ap.add_argument("--groups", action="store_true", help="every group's figures, not only overall")
    args = ap.parse_args()
    runs = [(r, json.loads((r / "results.json").read_text(encoding="utf-8"))) for r in args.runs]
    lines: list[str] = []
    if not args.times:
        for run, results in runs:
            lines += figures_table(run, results, args.groups)
    lines += times_table(runs)
    print("\n".join(lines))


if __name__ == "__main__":
    main()
