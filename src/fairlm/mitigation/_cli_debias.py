"""Debias a model by fine-tuning, then audit it before and after.

Methods: cda (fine-tune on the counterfactually augmented corpus), adversarial (an
adversary on the hidden states predicts the protected attribute; the model learns to
defeat it through gradient reversal) and constraint (a penalty on the log-likelihood gap,
or next-token divergence, between each text and its counterfactual). --lora trains LoRA
adapters (merged into the saved model). Writes DIR/model (loadable by fairlm and plain
transformers), DIR/before and DIR/after (audit results) and DIR/comparison.json (every
figure before/after with CIs, held-out perplexity before/after). The corpus is your own
text; `--corpus bold` uses the BOLD prompts. Never train on a benchmark's test sentences.
Runs under `accelerate launch` on several GPUs.
"""

from __future__ import annotations

import argparse
import sys


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--method",
        required=True,
        choices=["cda", "adversarial", "constraint", "finetune"],
        help="finetune is the control: plain fine-tuning, no mitigation",
    )
    parser.add_argument("--lora", action="store_true", help="train LoRA adapters, not all weights")
    parser.add_argument(
        "--corpus",
        nargs="+",
        required=True,
        metavar="FILE",
        help=".jsonl or text files, or bold / bold:DOMAIN[,DOMAIN]",
    )
    parser.add_argument("--text-field", default="text", help="the text field of .jsonl files")
    parser.add_argument("--output-dir", required=True)
    parser.add_argument(
        "--eval-benchmarks",
        default="crows_pairs,stereoset,winobias",
        help="benchmarks audited before and after (comma-separated)",
    )
    parser.add_argument(
        "--limit",
        type=int,
        default=None,
        help="audit at most N examples per benchmark (a seeded sample)",
    )
    parser.add_argument(
        "--baseline",
        dest="baseline_dir",
        default=None,
        help="a finished audit folder of the same model to reuse as 'before'",
    )
    parser.add_argument("--bootstrap", dest="n_bootstrap", type=int, default=1000)
    parser.add_argument(
        "--data-dir",
        default=None,
        help="benchmark data folder (default: $FAIRLM_DATA_DIR, then the cache)",
    )

    g = parser.add_argument_group("method")
    g.add_argument(
        "--strength",
        "--lambda",
        dest="strength",
        type=float,
        default=1.0,
        help="lambda: weight of the adversary (gradient reversal scale) or of "
        "the constraint (default 1.0)",
    )
    g.add_argument("--axis", default="gender", choices=["gender", "race", "religion"])
    g.add_argument("--cda-mode", default="two-sided", choices=["two-sided", "one-sided"])
    g.add_argument("--constraint-kind", default="loglik", choices=["loglik", "kl"])
    g.add_argument(
        "--adversary-objective",
        default="reversal",
        choices=["reversal", "confusion"],
        help="reversal: gradient reversal (maximise the adversary's loss); "
        "confusion: push the adversary's prediction to uniform (bounded)",
    )
    g.add_argument("--lora-r", type=int, default=8)
    g.add_argument("--lora-alpha", type=int, default=16)
    g.add_argument("--lora-dropout", type=float, default=0.0)

    t = parser.add_argument_group("training")
    t.add_argument("--max-steps", type=int, default=200)
    t.add_argument("--batch-size", type=int, default=8, help="texts per micro-batch")
    t.add_argument("--grad-accum", type=int, default=1)
    t.add_argument(
        "--lr",
        type=float,
        default=None,
        help="peak learning rate (default 5e-4 with --lora, else 5e-5)",
    )
    t.add_argument("--warmup-steps", type=int, default=0)
    t.add_argument("--schedule", default="cosine", choices=["cosine", "linear", "constant"])
    t.add_argument("--weight-decay", type=float, default=0.0)
    t.add_argument("--seed", type=int, default=0)
    t.add_argument("--eval-every", type=int, default=0)
    t.add_argument("--save-every", type=int, default=0)
    t.add_argument("--mixed-precision", default="no", choices=["no", "bf16", "fp16"])
    t.add_argument("--max-length", type=int, default=64, help="tokens per training text")
    t.add_argument("--heldout-fraction", type=float, default=0.1)
    t.add_argument("--max-heldout", type=int, default=500)
    t.add_argument("--quiet", action="store_true", help="no progress bars")
    t.add_argument(
        "--no-report",
        action="store_true",
        help="do not write report.html (before/after side by side) in --output-dir",
    )

    m = parser.add_argument_group("model")
    m.add_argument(
        "--model",
        default="smollm2-135m",
        help="built-in name, local folder, .gguf file or hub id (default: %(default)s)",
    )
    m.add_argument("--dtype", default="float32", choices=["float32", "bfloat16", "float16"])
    m.add_argument("--device", default=None)
    m.add_argument("--prefix-token", default=None)


def run(args: argparse.Namespace) -> int:
    from fairlm.benchmarks import BENCHMARKS
    from fairlm.mitigation._corpus import read_corpus
    from fairlm.mitigation._debias import debias

    names = [s.strip() for s in args.eval_benchmarks.split(",") if s.strip()]
    for n in names:
        BENCHMARKS.get(n)  # unknown names fail here, with a did-you-mean hint
    texts = read_corpus(args.corpus, text_field=args.text_field, data_dir=args.data_dir)
    comparison = debias(
        args.model,
        texts,
        method=args.method,
        output_dir=args.output_dir,
        lora=args.lora,
        lora_r=args.lora_r,
        lora_alpha=args.lora_alpha,
        lora_dropout=args.lora_dropout,
        strength=args.strength,
        axis=args.axis,
        cda_mode=args.cda_mode,
        constraint_kind=args.constraint_kind,
        adversary_objective=args.adversary_objective,
        max_steps=args.max_steps,
        batch_size=args.batch_size,
        grad_accum=args.grad_accum,
        lr=args.lr,
        warmup_steps=args.warmup_steps,
        schedule=args.schedule,
        weight_decay=args.weight_decay,
        seed=args.seed,
        eval_every=args.eval_every,
        save_every=args.save_every,
        mixed_precision=args.mixed_precision,
        max_length=args.max_length,
        heldout_fraction=args.heldout_fraction,
        max_heldout=args.max_heldout,
        benchmarks=names,
        limit=args.limit,
        n_bootstrap=args.n_bootstrap,
        data_dir=args.data_dir,
        dtype=args.dtype,
        device=args.device,
        prefix_token=args.prefix_token,
        baseline_dir=args.baseline_dir,
        report=not args.no_report,
        progress=not args.quiet,
        log=lambda m: print(m, file=sys.stderr),
    )
    if comparison:
        from fairlm.mitigation._table import format_comparison

        print(format_comparison(comparison))
    return 0
