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
2. ``fairlm audit --benchmarks crows_pairs --protocol lm-eval`` on the same model.

Both are timed as whole commands (wall time including start-up and model load) with the
peak resident memory of the process. Then the per-sentence log-likelihoods are compared
pair by pair, as are the verdicts and the stereotype score. Run it on an idle machine.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import textwrap
from pathlib import Path

import numpy as np
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
    args = ap.parse_args()

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

    lm_wall, lm_rss, _ = run_timed(
        [
            args.lm_eval_python,
            "-m",
            "lm_eval",
            "--model",
            "hf",
            "--model_args",
            f"pretrained={model_dir},dtype=float32,prefix_token_id={prefix_id}",
            "--batch_size",
            args.batch_size,
            "--tasks",
            "crows_pairs_english_local",
            "--include_path",
            str(tasks),
            "--device",
            "cpu",
            "--log_samples",
            "--output_path",
            str(work / "lm_eval"),
            *(["--limit", str(args.limit)] if args.limit else []),
        ],
        env,
    )
    fl_wall, fl_rss, _ = run_timed(
        [
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
            "--no-report",
            "--quiet",
            "--output-dir",
            str(work / "fairlm"),
            *(["--limit", str(args.limit)] if args.limit else []),
        ],
        dict(env, FAIRLM_NO_PROGRESS="1"),
    )

    (samples_file,) = (work / "lm_eval").rglob("samples_crows_pairs_english_local*.jsonl")
    theirs = {}
    for line in samples_file.read_text().splitlines():
        s = json.loads(line)
        (more, _), (less, _) = (r[0] for r in s["resps"])
        theirs[(s["doc"]["sent_more"], s["doc"]["sent_less"])] = (float(more), float(less))
    ours = [json.loads(x) for x in (work / "fairlm" / "samples_crows_pairs.jsonl").open()]
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
    ss_theirs = 100 * sum(np.greater(*theirs[(r["sent_more"], r["sent_less"])]) for r in ours)
    ss_theirs /= len(ours)
    ss_ours = 100 * sum(r["stereotyped"] for r in ours) / len(ours)
    print(f"CrowS-Pairs, smollm2-135m, float32, {len(ours)} pairs, {os.cpu_count()} cores")
    print(
        f"lm-evaluation-harness: {lm_wall:6.1f} s wall, peak RSS {lm_rss:.2f} GiB, "
        f"stereotype score {ss_theirs:.2f}"
    )
    print(
        f"fairlm:                {fl_wall:6.1f} s wall, peak RSS {fl_rss:.2f} GiB, "
        f"stereotype score {ss_ours:.2f}"
    )
    print(f"speed-up: {lm_wall / fl_wall:.2f}x")
    if diffs:
        print(
            f"pairs matched: {matched}/{len(ours)}; per-sentence |log-likelihood diff| "
            f"max {max(diffs):.2e}, mean {sum(diffs) / len(diffs):.2e}; "
            f"verdicts agree on {agree}/{matched}"
        )
    else:
        print("no pair was scored by both (with --limit the two tools pick different pairs)")
    print(f"outputs in {work}")


if __name__ == "__main__":
    main()
