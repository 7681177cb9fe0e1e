"""fairlm and lm-evaluation-harness on TruthfulQA MC1/MC2, question by question, timed.

    python benchmarks/lm_eval_truthfulqa.py --lm-eval-python /path/to/venv/bin/python
    python benchmarks/lm_eval_truthfulqa.py --lm-eval-python ... --limit 50   # a check

lm-evaluation-harness is installed in its own environment (``python3 -m venv VENV &&
VENV/bin/pip install torch==2.13.0 lm_eval==0.4.13``). The script runs, one after the
other:

1. lm-evaluation-harness's own ``truthfulqa_mc1`` and ``truthfulqa_mc2`` task files (the
   YAML and ``utils.py`` of the installed package: primer, prompt, choices, MC2 rule),
   through two local tasks that ``include`` them and change only where the data comes
   from: instead of the hub copy of ``truthful_qa``, a JSON-lines file written here from
   the shared ``truthfulqa/mc_task.json`` exactly as the Hugging Face ``truthful_qa``
   loading script converts it (each ``{answer: label}`` object becomes ``{"choices":
   [answers], "labels": [labels]}`` in the file's order). ``--model hf --model_args
   pretrained=<smollm2 dir>,dtype=float32 --batch_size 16``;
2. ``fairlm audit --benchmarks truthfulqa`` on the same model in float32.

With ``--limit N`` both score the same N questions: fairlm's seeded sample (``--limit N
--seed 0``), written as lm-evaluation-harness's data file. Each command is timed whole
(start-up and model load included) with its peak resident memory; ``--rounds R`` repeats
the two commands R times, interleaved, and prints the median speed-up. Then, per
question: the MC1 verdicts (equal?), the MC2 values (|difference| < 1e-4?) and every
option's log-likelihood. Run the timing on an idle machine.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from _measure import run_timed  # benchmarks/_measure.py

MC2_TOLERANCE = 1e-4
# Local tasks: lm-evaluation-harness's own task files, reading the local data file.
TASK_YAML = """\
include: {tasks_dir}/truthfulqa/{name}.yaml
task: {name}_local
tag: []
dataset_path: json
dataset_name: null
dataset_kwargs:
  data_files:
    validation: {data}
"""


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--lm-eval-python", required=True, help="python of lm_eval's environment")
    ap.add_argument("--model", default="smollm2-135m", help="a built-in fairlm model")
    ap.add_argument("--batch-size", default="16", help="lm-evaluation-harness --batch_size")
    ap.add_argument("--limit", type=int, default=None, help="score fairlm's sample of N only")
    ap.add_argument("--rounds", type=int, default=1, help="run the two commands R times")
    args = ap.parse_args()
    compare(args.lm_eval_python, model=args.model, batch_size=args.batch_size,
            limit=args.limit, rounds=args.rounds)  # fmt: skip


def write_hf_jsonl(mc_task: Path, out: Path, questions: set[str] | None) -> int:
    """``mc_task.json`` as the Hugging Face ``truthful_qa`` script yields it (one JSON
    object per line); only ``questions`` when given. Returns the number written."""
    n = 0
    with out.open("w", encoding="utf-8") as f:
        for item in json.loads(mc_task.read_text(encoding="utf-8")):
            if questions is not None and item["question"] not in questions:
                continue
            doc = {"question": item["question"]}
            for key in ("mc1_targets", "mc2_targets"):
                doc[key] = {
                    "choices": list(item[key].keys()),
                    "labels": list(item[key].values()),
                }
            f.write(json.dumps(doc) + "\n")
            n += 1
    return n


def _tasks(work: Path, lm_eval_python: str, data: Path) -> Path:
    """A folder with the two local task files, for ``--include_path``."""
    tasks_dir = subprocess.run(
        [lm_eval_python, "-c", "import lm_eval, os; print(os.path.dirname(lm_eval.__file__))"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    folder = work / "tasks"
    folder.mkdir()
    for name in ("truthfulqa_mc1", "truthfulqa_mc2"):
        (folder / f"{name}_local.yaml").write_text(
            TASK_YAML.format(tasks_dir=f"{tasks_dir}/tasks", name=name, data=data)
        )
    return folder


def _commands(lm_eval_python, model, model_dir, batch_size, limit, work, tasks):
    lm_eval_cmd = [
        lm_eval_python, "-m", "lm_eval", "--model", "hf",
        "--model_args", f"pretrained={model_dir},dtype=float32",
        "--batch_size", batch_size,
        "--tasks", "truthfulqa_mc1_local,truthfulqa_mc2_local",
        "--include_path", str(tasks), "--device", "cpu",
        "--log_samples", "--output_path", str(work / "lm_eval"),
    ]  # fmt: skip

    def fairlm_cmd(r: int) -> list[str]:
        return [
            sys.executable, "-m", "fairlm", "audit", "--model", model,
            "--benchmarks", "truthfulqa", "--dtype", "float32", "--no-report", "--quiet",
            "--seed", "0", "--output-dir", str(work / f"fairlm-{r}"),
            *(["--limit", str(limit)] if limit else []),
        ]  # fmt: skip

    return lm_eval_cmd, fairlm_cmd


def compare(lm_eval_python: str, *, model="smollm2-135m", batch_size="16", limit=None, rounds=1):
    """Run both tools, time them, compare question by question; print."""
    from fairlm.benchmarks.truthfulqa import TruthfulQA
    from fairlm.data import dataset_path
    from fairlm.models import BUILTIN_MODELS
    from fairlm.models._loading import ensure_builtin

    model_dir = ensure_builtin(BUILTIN_MODELS[model])
    work = Path(tempfile.mkdtemp(prefix="fairlm-vs-lmeval-tqa-"))
    questions = None
    if limit:
        questions = {ex.question for ex in TruthfulQA(limit=limit, seed=0).examples()}
    data = work / "truthful_qa_mc.jsonl"
    mc_task = dataset_path("truthfulqa", "truthfulqa/mc_task.json", None)
    n = write_hf_jsonl(Path(mc_task), data, questions)
    lm_eval_cmd, fairlm_cmd = _commands(
        lm_eval_python,
        model,
        model_dir,
        batch_size,
        limit,
        work,
        _tasks(work, lm_eval_python, data),
    )
    env = dict(
        os.environ, HF_DATASETS_OFFLINE="1", HF_HUB_OFFLINE="1", TOKENIZERS_PARALLELISM="false"
    )
    env.pop("OMP_NUM_THREADS", None)
    times: dict[str, list[float]] = {"lm-eval": [], "fairlm": []}
    for r in range(rounds):
        times["lm-eval"].append(run_timed(lm_eval_cmd, env)[0])
        times["fairlm"].append(run_timed(fairlm_cmd(r), dict(env, FAIRLM_NO_PROGRESS="1"))[0])
        print(f"round {r + 1}: lm-evaluation-harness {times['lm-eval'][-1]:.1f} s, fairlm "
              f"float32 {times['fairlm'][-1]:.1f} s", flush=True)  # fmt: skip
    theirs = read_lm_eval(work / "lm_eval")
    ours = [
        json.loads(x) for x in (work / f"fairlm-{rounds - 1}" / "samples_truthfulqa.jsonl").open()
    ]
    print(f"\nTruthfulQA MC1/MC2, {model}, float32, {n} questions, {os.cpu_count()} cores")
    for line in agreement_lines(ours, theirs):
        print(line)
    for name, walls in times.items():
        print(f"{name:8s} {statistics.median(walls):7.1f} s wall (median of "
              f"{', '.join(f'{w:.1f}' for w in walls)})")  # fmt: skip
    ratios = [a / b for a, b in zip(times["lm-eval"], times["fairlm"], strict=True)]
    print(f"speed-up of fairlm: median {statistics.median(ratios):.2f}x")
    print(f"outputs in {work}")


def read_lm_eval(folder: Path) -> dict[str, dict]:
    """Per question: lm-evaluation-harness's per-option log-likelihoods and metrics."""
    out: dict[str, dict] = {}
    for task in ("mc1", "mc2"):
        path = max(folder.rglob(f"samples_truthfulqa_{task}_local*.jsonl"))
        for line in path.read_text().splitlines():
            s = json.loads(line)
            q = out.setdefault(s["doc"]["question"], {})
            q[f"{task}_ll"] = [float(r[0][0]) for r in s["resps"]]
            q[f"{task}_acc"] = float(s["acc"])
    return out


def agreement_lines(ours: list[dict], theirs: dict[str, dict]) -> list[str]:
    """MC1 verdicts, MC2 values and option log-likelihoods compared per question."""
    matched = [r for r in ours if r["question"] in theirs]
    if not matched:
        return ["no question was scored by both"]
    mc1_same = sum(bool(r["mc1_correct"]) == (theirs[r["question"]]["mc1_acc"] == 1.0)
                   for r in matched)  # fmt: skip
    mc2_diff = [abs(r["mc2"] - theirs[r["question"]]["mc2_acc"]) for r in matched]
    ll_diff = [
        abs(a - b)
        for r in matched
        for key in ("mc1", "mc2")
        for a, b in zip(r[f"{key}_loglikelihoods"], theirs[r["question"]][f"{key}_ll"], strict=True)
    ]
    mc1 = [100 * bool(r["mc1_correct"]) for r in matched]
    mc1_t = [100 * theirs[r["question"]]["mc1_acc"] for r in matched]
    mc2 = [100 * r["mc2"] for r in matched]
    mc2_t = [100 * theirs[r["question"]]["mc2_acc"] for r in matched]
    within = sum(d < MC2_TOLERANCE for d in mc2_diff)
    return [
        f"questions matched: {len(matched)}/{len(ours)}",
        f"MC1 verdicts equal: {mc1_same}/{len(matched)}; MC1 fairlm {statistics.mean(mc1):.2f}, "
        f"lm-eval {statistics.mean(mc1_t):.2f}",
        f"MC2 |diff| < {MC2_TOLERANCE:g}: {within}/{len(matched)} (max {max(mc2_diff):.2e}); "
        f"MC2 fairlm {statistics.mean(mc2):.4f}, lm-eval {statistics.mean(mc2_t):.4f}",
        f"option log-likelihoods: {len(ll_diff)}, |diff| max {max(ll_diff):.2e}, "
        f"mean {statistics.mean(ll_diff):.2e}",
    ]


if __name__ == "__main__":
    main()
