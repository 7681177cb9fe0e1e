"""fairlm and lm-evaluation-harness on the same CrowS-Pairs work, on the same machine.

    python benchmarks/lm_eval_side_by_side.py --lm-eval-python /path/to/venv/bin/python

Runs, one after the other:

1. lm-evaluation-harness (installed in its own environment: ``pip install torch==2.13.0
   lm_eval==0.4.13``), ``--model hf --model_args pretrained=<smollm2 dir>,dtype=float32
   --batch_size 16``, with a task defined here that is lm-evaluation-harness's
   ``crows_pairs_english`` (two choices, empty context, summed log-likelihood) pointed at
   the same CSV fairlm reads (lm-evaluation-harness otherwise downloads a revised copy),
   and ``prefix_token_id`` set to fairlm's prefix token (by default lm-evaluation-harness
   would condition on the tokenizer's BOS, ``<|im_start|>`` here: a different score);
2. ``fairlm audit --benchmarks crows_pairs --protocol lm-eval`` on the same model, in
   float32 and in bfloat16 (``--dtype bfloat16``).

Each is timed as a whole command (wall time including start-up and model load) with the
peak resident memory of the process. With ``--rounds N`` the three commands run N times,
interleaved, so a drift in the machine's speed reaches all of them alike; the speed-ups
are computed per round and their median is printed. Then fairlm's float32 per-sentence
log-likelihoods are compared with lm-evaluation-harness's pair by pair, as are the
verdicts and the stereotype score, and fairlm's bfloat16 verdicts with its float32 ones.
Run it on an idle machine.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import textwrap
from pathlib import Path

from _measure import run_timed  # benchmarks/_measure.py

# lm-evaluation-harness task: its crows_pairs_english, reading the local CSV. The result
# function is ours; it computes what the harness's does (stereotyped when the first
# choice, sent_more, has the higher summed log-likelihood).
TASK_YAML = """\
task: crows_pairs_english_local
dataset_path: csv
dataset_kwargs:
  data_files:
    test: {csv}
test_split: test
output_type: multiple_choice
doc_to_text: ""
doc_to_target: 0
doc_to_choice: "{{{{[sent_more, sent_less]}}}}"
target_delimiter: ""
process_results: !function local_utils.process_results
metric_list:
  - metric: pct_stereotype
    aggregation: mean
    higher_is_better: false
metadata:
  version: 1.0
"""
TASK_UTILS = textwrap.dedent(
    """\
    def process_results(doc, results):
        (more, _), (less, _) = results
        return {"pct_stereotype": 1.0 if more > less else 0.0}
    """
)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--lm-eval-python", required=True, help="python of lm_eval's environment")
    ap.add_argument("--batch-size", default="16", help="lm-evaluation-harness --batch_size")
    ap.add_argument("--limit", type=int, default=None, help="smoke test: first N pairs only")
    ap.add_argument("--rounds", type=int, default=1, help="run the three commands N times")
    args = ap.parse_args()
    compare(args.lm_eval_python, batch_size=args.batch_size, limit=args.limit, rounds=args.rounds)


def compare(lm_eval_python: str, *, batch_size: str = "16", limit=None, rounds: int = 1):
    """Time lm-evaluation-harness and fairlm (float32, bfloat16) on CrowS-Pairs; print."""
    from fairlm.data import dataset_path
    from fairlm.models import BUILTIN_MODELS
    from fairlm.models._loading import ensure_builtin

    spec = BUILTIN_MODELS["smollm2-135m"]
    model_dir = ensure_builtin(spec)
    # lm-evaluation-harness conditions an empty context on the tokenizer's BOS token
    # (<|im_start|> for this tokenizer); fairlm uses the document-start token the model
    # was trained with (<|endoftext|>). Give lm-evaluation-harness the same token, so
    # both do the same work and the log-likelihoods can be compared.
    from transformers import AutoTokenizer

    prefix_id = AutoTokenizer.from_pretrained(model_dir).convert_tokens_to_ids(spec.prefix_token)
    csv = dataset_path("crows_pairs", "crows_pairs/crows_pairs_anonymized.csv", None)
    work = Path(tempfile.mkdtemp(prefix="fairlm-vs-lmeval-"))
    tasks = work / "tasks"
    tasks.mkdir()
    (tasks / "crows_pairs_english_local.yaml").write_text(TASK_YAML.format(csv=csv))
    (tasks / "local_utils.py").write_text(TASK_UTILS)
    env = dict(
        os.environ, HF_DATASETS_OFFLINE="1", HF_HUB_OFFLINE="1", TOKENIZERS_PARALLELISM="false"
    )
    env.pop("OMP_NUM_THREADS", None)
    lm_eval_cmd = [
        lm_eval_python,
        "-m",
        "lm_eval",
        "--model",
        "hf",
        "--model_args",
        f"pretrained={model_dir},dtype=float32,prefix_token_id={prefix_id}",
        "--batch_size",
        batch_size,
        "--tasks",
        "crows_pairs_english_local",
        "--include_path",
        str(tasks),
        "--device",
        "cpu",
        "--log_samples",
        "--output_path",
        str(work / "lm_eval"),
        *(["--limit", str(limit)] if limit else []),
    ]

    def fairlm_cmd(dtype: str) -> list[str]:
        return [
            sys.executable,
            "-m",
            "fairlm",
            "audit",
            "--model",
            "smollm2-135m",
            "--benchmarks",
            "crows_pairs",
            "--protocol",
            "lm-eval",
            "--dtype",
            dtype,
            "--no-report",
            "--quiet",
            "--output-dir",
            str(work / f"fairlm-{dtype}-{len(times[dtype])}"),  # a fresh folder per round
            *(["--limit", str(limit)] if limit else []),
        ]

    quiet_env = dict(env, FAIRLM_NO_PROGRESS="1")
    times: dict[str, list[tuple[float, float]]] = {"lm-eval": [], "float32": [], "bfloat16": []}
    for r in range(rounds):
        times["lm-eval"].append(run_timed(lm_eval_cmd, env)[:2])
        for dtype in ("float32", "bfloat16"):
            times[dtype].append(run_timed(fairlm_cmd(dtype), quiet_env)[:2])
        lm_s, f32_s, b16_s = (times[k][-1][0] for k in times)
        print(
            f"round {r + 1}: lm-evaluation-harness {lm_s:.1f} s, fairlm float32 {f32_s:.1f} s "
            f"({lm_s / f32_s:.2f}x), fairlm bfloat16 {b16_s:.1f} s ({lm_s / b16_s:.2f}x)",
            flush=True,
        )

    # each round wrote its own samples file; they hold the same values: read the last
    samples_file = max((work / "lm_eval").rglob("samples_crows_pairs_english_local*.jsonl"))
    theirs = {}
    for line in samples_file.read_text().splitlines():
        s = json.loads(line)
        (more, _), (less, _) = (r[0] for r in s["resps"])
        theirs[(s["doc"]["sent_more"], s["doc"]["sent_less"])] = (float(more), float(less))

    def samples(dtype: str) -> list[dict]:
        path = work / f"fairlm-{dtype}-{rounds - 1}" / "samples_crows_pairs.jsonl"
        return [json.loads(x) for x in path.open()]

    ours, ours16 = samples("float32"), samples("bfloat16")
    diffs, agree, matched = [], 0, 0
    for r in ours:
        key = (r["sent_more"], r["sent_less"])
        if key not in theirs:
            continue
        matched += 1
        more, less = theirs[key]
        diffs += [abs(more - r["score_more"]), abs(less - r["score_less"])]
        agree += (more > less) == r["stereotyped"]
    # over the same rows (the CSV repeats a few pairs word for word)
    both = [
        theirs[(r["sent_more"], r["sent_less"])]
        for r in ours
        if (r["sent_more"], r["sent_less"]) in theirs
    ]
    ss_theirs = 100 * sum(more > less for more, less in both) / len(both) if both else None

    def stereotype_score(rows: list[dict]) -> float:
        return 100 * sum(r["stereotyped"] for r in rows) / len(rows)

    def line(name: str, key: str, ss: float | None) -> str:
        walls = [w for w, _ in times[key]]
        rss = max(m for _, m in times[key])
        return (
            f"{name:22s} {statistics.median(walls):6.1f} s wall (median of "
            f"{', '.join(f'{w:.1f}' for w in walls)}), peak RSS {rss:.2f} GiB, "
            f"stereotype score {'n/a' if ss is None else f'{ss:.2f}'}"
        )

    print(
        f"\nCrowS-Pairs, smollm2-135m, {len(ours)} pairs, {os.cpu_count()} cores, {rounds} rounds"
    )
    print(line("lm-evaluation-harness", "lm-eval", ss_theirs))
    print(line("fairlm float32", "float32", stereotype_score(ours)))
    print(line("fairlm bfloat16", "bfloat16", stereotype_score(ours16)))
    for dtype in ("float32", "bfloat16"):
        ratios = [lm[0] / f[0] for lm, f in zip(times["lm-eval"], times[dtype], strict=True)]
        print(
            f"speed-up, fairlm {dtype}: median {statistics.median(ratios):.2f}x "
            f"(rounds: {', '.join(f'{x:.2f}' for x in ratios)})"
        )
    if diffs:
        print(
            f"float32: pairs matched {matched}/{len(ours)}; per-sentence |log-likelihood diff| "
            f"max {max(diffs):.2e}, mean {sum(diffs) / len(diffs):.2e}; "
            f"verdicts agree on {agree}/{matched}"
        )
    else:
        print("no pair was scored by both (with --limit the two tools pick different pairs)")
    same = sum(a["stereotyped"] == b["stereotyped"] for a, b in zip(ours, ours16, strict=True))
    print(f"bfloat16 verdicts agreeing with float32: {same}/{len(ours)} ({same / len(ours):.2%})")
    print(f"outputs in {work}")


if __name__ == "__main__":
    main()
