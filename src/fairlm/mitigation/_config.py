"""What a debias run does: :class:`DebiasConfig`, the options of ``fairlm debias`` and
of :func:`fairlm.mitigation.debias`. No heavy imports, so ``fairlm debias --help`` is
instant."""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from fairlm._config import ConfigError, comma_list, option, option_of
from fairlm.mitigation._guard import GUARD_BENCHMARKS
from fairlm.mitigation._method import Method
from fairlm.models._options import ModelOptions
from fairlm.training import TrainingOptions

__all__ = ["DEFAULT_BENCHMARKS", "DebiasConfig"]

DEFAULT_BENCHMARKS: tuple[str, ...] = ("crows_pairs", "stereoset", "winobias")


def _method_names() -> tuple[str, ...]:
    from fairlm.mitigation import METHODS

    return tuple(METHODS.names())


@dataclass(kw_only=True)
class DebiasConfig(TrainingOptions):
    """One debias run: the method, the corpus, training, the audits before and after.

    The audits cover ``eval_benchmarks`` (limited to ``limit`` examples each) and the
    capability guard's ``guard_benchmarks`` (TruthfulQA and XSTest by default, all their
    examples unless ``guard_limit``; XSTest by its likelihood detector unless
    ``guard_generation``); ``comparison.json`` flags a method that makes the model less
    truthful or less safe (:mod:`fairlm.mitigation._guard`).

    ``method`` is a registry name (the method's options then take their defaults) or a
    method object with its options set::

        DebiasConfig(method=Constraint(strength=5.0), corpus=["bold:gender"],
                     output_dir="runs/c", lora=True, max_steps=200)

    The corpus is read from ``corpus`` (files, or ``bold[:DOMAINS]``) unless ``texts``
    gives it directly. Training options default to short fine-tuning; ``lr`` to 5e-4
    with LoRA, 5e-5 without.
    """

    method: str | Method = option(
        choices=_method_names(), help="finetune is the control: plain fine-tuning, no mitigation"
    )
    lora: bool = option(False, help="train LoRA adapters, not all weights")
    corpus: Sequence[str] = option(
        (),
        required=True,
        nargs="+",
        metavar="FILE",
        help=".jsonl or text files, or bold / bold:DOMAIN[,DOMAIN]",
    )
    texts: Sequence[str] | None = option(None, cli=False)
    text_field: str = option("text", help="the text field of .jsonl files")
    output_dir: str | os.PathLike[str] = option(
        help="run folder: the audits before and after, the model, comparison.json"
    )
    eval_benchmarks: Sequence[str] = option(
        DEFAULT_BENCHMARKS,
        parse=comma_list,
        help="benchmarks audited before and after (comma-separated)",
    )
    limit: int | None = option(
        None, minimum=1, help="audit at most N examples per benchmark (a seeded sample)"
    )
    guard_benchmarks: Sequence[str] = option(
        GUARD_BENCHMARKS,
        parse=comma_list,
        help="capability guard: benchmarks audited before and after to flag a method that "
        "makes the model less truthful or less safe (comma-separated; '' for none)",
    )
    guard_limit: int | None = option(
        None, minimum=1, help="guard benchmarks: at most N examples each (default: all of them)"
    )
    guard_generation: bool = option(
        False, help="guard: also generate XSTest replies (slower; default: likelihood detector)"
    )
    baseline_dir: str | os.PathLike[str] | None = option(
        None,
        aliases=("--baseline",),
        help="a finished audit folder of the same model to reuse as 'before'",
    )
    bootstrap: int = option(
        1000, minimum=0, help="bootstrap resamples for confidence intervals (0: none)"
    )
    data_dir: str | None = option(
        None, help="benchmark data folder (default: $FAIRLM_DATA_DIR, then the cache)"
    )
    lora_r: int = option(8, group="method", minimum=1, help="LoRA rank (with --lora)")
    lora_alpha: int = option(16, group="method", help="LoRA scaling alpha (with --lora)")
    lora_dropout: float = option(0.0, group="method", help="LoRA dropout (with --lora)")
    max_steps: int = option_of(TrainingOptions, "max_steps", 200)
    batch_size: int = option(8, group="training", minimum=1, help="texts per micro-batch")
    lr: float | None = option(
        None, group="training", help="peak learning rate (default 5e-4 with --lora, else 5e-5)"
    )
    warmup_steps: int = option_of(TrainingOptions, "warmup_steps", 0)
    weight_decay: float = option_of(TrainingOptions, "weight_decay", 0.0)
    save_every: int = option_of(TrainingOptions, "save_every", 0)
    mixed_precision: Literal["auto", "no", "bf16", "fp16"] = option(
        "no", group="training", help="auto: bf16 on a GPU that supports it"
    )
    max_length: int = option(64, group="training", minimum=2, help="tokens per training text")
    heldout_fraction: float = option(
        0.1, group="training", help="share of the corpus kept out to measure perplexity"
    )
    max_heldout: int | None = option(
        500, group="training", minimum=1, help="at most this many held-out texts"
    )
    report: bool = option(
        True,
        group="training",
        help="do not write report.html (before/after side by side) in --output-dir",
    )
    model: str = option_of(ModelOptions, "model")
    dtype: Literal["float32", "bfloat16", "float16"] = option(
        "float32", group="model", help="the model is loaded, trained and audited in this type"
    )
    device: str | None = option_of(ModelOptions, "device")
    prefix_token: str | None = option_of(ModelOptions, "prefix_token")

    def __post_init__(self) -> None:
        super().__post_init__()
        if not self.corpus and self.texts is None:
            raise ConfigError("corpus", "is required: files, or bold[:DOMAINS] (or give texts)")
        self.eval_benchmarks = comma_list(self.eval_benchmarks)
        self.guard_benchmarks = comma_list(self.guard_benchmarks)
        from fairlm.benchmarks import BENCHMARKS
        from fairlm.mitigation import METHODS

        for name in (*self.eval_benchmarks, *self.guard_benchmarks):
            BENCHMARKS.get(name)  # unknown names fail here, with a did-you-mean hint
        if isinstance(self.method, str):
            METHODS.get(self.method)  # likewise

    def method_object(self) -> Method:
        """The method with its options (a name gets the method's defaults)."""
        if isinstance(self.method, Method):
            return self.method
        from fairlm.mitigation import METHODS

        return METHODS.get(self.method)()

    def learning_rate(self) -> float:
        """``lr``, or 5e-4 with LoRA and 5e-5 without."""
        if self.lr is not None:
            return self.lr
        return 5e-4 if self.lora else 5e-5
