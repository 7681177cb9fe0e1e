"""What the training workflows do: :class:`TrainRunConfig` (``fairlm train``,
:func:`fairlm.training.train`), :class:`DataAuditConfig` (``fairlm data-audit``) and the
training-loop options they share with ``fairlm debias`` (:class:`TrainingOptions`).

No heavy imports: ``fairlm train --help`` reads these without torch.
"""

from __future__ import annotations

import dataclasses
import os
from dataclasses import dataclass
from typing import Any, Literal

from fairlm._config import ConfigError, check, comma_list, option
from fairlm.augment import Axis
from fairlm.training._preprocess import PreprocessConfig

__all__ = ["DataAuditConfig", "TrainRunConfig", "TrainingOptions", "resolve_mixed_precision"]

TextUnit = Literal["file", "paragraph", "line"]


def resolve_mixed_precision(value: str) -> str:
    """``auto`` -> ``bf16`` on a GPU that supports it, else ``no``; others unchanged."""
    if value != "auto":
        return value
    import torch

    return "bf16" if torch.cuda.is_available() and torch.cuda.is_bf16_supported() else "no"


@dataclass(kw_only=True)
class TrainingOptions:
    """The training loop's options: a :class:`~fairlm.training.TrainConfig` without its
    output folder. Defaults are those of ``fairlm train``; ``fairlm debias`` overrides
    some."""

    max_steps: int = option(1000, group="training", minimum=1, help="optimizer steps")
    batch_size: int = option(16, group="training", minimum=1, help="examples per micro-batch")
    grad_accum: int = option(
        1, group="training", minimum=1, help="micro-batches per optimizer step"
    )
    lr: float | None = option(1e-3, group="training", help="peak learning rate")
    warmup_steps: int = option(
        50, group="training", minimum=0, help="steps of linear warm-up to the peak rate"
    )
    schedule: Literal["cosine", "linear", "constant"] = option(
        "cosine", group="training", help="learning rate after the warm-up"
    )
    weight_decay: float = option(0.1, group="training", help="AdamW weight decay")
    max_grad_norm: float = option(
        1.0, group="training", help="gradients are clipped to this norm (0: no clipping)"
    )
    seed: int = option(
        0, group="training", help="random seed: initial weights, data order, dropout"
    )
    eval_every: int = option(
        0, group="training", minimum=0, help="steps between evaluations (0: at the end only)"
    )
    save_every: int = option(
        200, group="training", minimum=0, help="steps between checkpoints (0: at the end only)"
    )
    mixed_precision: Literal["auto", "no", "bf16", "fp16"] = option(
        "auto", group="training", help="auto: bf16 on a GPU that supports it, else float32"
    )
    progress: bool = option(True, group="training", aliases=("--quiet",), help="no progress bars")

    def __post_init__(self) -> None:
        check(self)

    def learning_rate(self) -> float:
        """The peak learning rate (``lr``; a workflow may default it by other options)."""
        if self.lr is None:
            raise ConfigError("lr", "must be given")
        return self.lr

    def train_config(self, output_dir: str | os.PathLike[str], **overrides: Any) -> Any:
        """The :class:`~fairlm.training.TrainConfig` of these options (``overrides``
        replace some)."""
        from fairlm.training._trainer import TrainConfig

        # every field here is a TrainConfig argument of the same name
        values = {f.name: getattr(self, f.name) for f in dataclasses.fields(TrainingOptions)}
        values["lr"] = self.learning_rate()
        values["mixed_precision"] = resolve_mixed_precision(self.mixed_precision)
        return TrainConfig(output_dir, **{**values, **overrides})


@dataclass(kw_only=True)
class _CorpusFiles:
    """Where a corpus is and how its files split into documents."""

    corpus: list[str] = option(positional=True, nargs="+", help="text/JSONL/CSV files or folders")
    text_column: str = option("text", group="corpus", help="JSONL field / CSV column with the text")
    glob: str = option("**/*", group="corpus", help="files to read inside a folder (recursive)")
    text_unit: TextUnit = option(
        "paragraph", group="corpus", help="what a document is in a plain-text file"
    )


@dataclass(kw_only=True)
class TrainRunConfig(TrainingOptions, _CorpusFiles):
    """A whole ``fairlm train`` run: corpus, cleaning, tokenizer, model size, training,
    samples. The run folder ``output_dir`` is resumable: the same config again continues
    from the latest checkpoint."""

    output_dir: str = option(help="run folder (resumes if it has checkpoints)")
    val_fraction: float = option(0.05, group="corpus", help="held-out share of documents")
    normalize: Literal["NFC", "NFKC", "none"] = option(
        "NFC", group="corpus", help="Unicode normalisation (NFKC also folds full-width forms)"
    )
    min_words: int = option(1, group="corpus", minimum=0, help="drop shorter documents")
    max_words: int | None = option(
        None, group="corpus", minimum=1, help="drop longer documents (default: no limit)"
    )
    markup: bool = option(True, group="corpus", help="keep HTML markup")
    exact_dedup: bool = option(
        True, group="corpus", aliases=("--no-dedup",), help="keep exact duplicate documents"
    )
    near_dedup: bool = option(True, group="corpus", help="keep near-duplicate documents (MinHash)")
    near_dup_threshold: float = option(0.8, group="corpus", help="MinHash Jaccard")
    cda: Axis | None = option(
        None,
        group="corpus",
        help="add each training document's counterfactual (two-sided CDA)",
    )
    preset: Literal["tiny", "mini", "nano", "small"] = option(
        "tiny", group="model", help="tiny, mini, nano or small (GPT-2 small)"
    )
    model: str | None = option(None, group="model", help="continue pre-training this model instead")
    tokenizer: str | None = option(
        None, group="model", help="reuse this model's tokenizer (path or name)"
    )
    vocab_size: int = option(8192, group="model", help="for a newly trained tokenizer")
    n_layer: int | None = option(
        None, group="model", minimum=1, help="Transformer layers (default: the preset's)"
    )
    n_embd: int | None = option(
        None, group="model", minimum=1, help="hidden size (default: the preset's)"
    )
    n_head: int | None = option(
        None, group="model", minimum=1, help="attention heads (default: the preset's)"
    )
    dropout: float = option(0.1, group="model", help="dropout of a new model")
    block_size: int = option(128, group="model", minimum=1, help="tokens per training example")
    max_new_tokens: int = option(
        24, group="training", minimum=0, help="length of the saved samples"
    )
    min_new_tokens: int = option(
        8,
        group="training",
        minimum=0,
        help="no end-of-text before this many sample tokens (a model trained on short "
        "fragments otherwise ends every sample at once)",
    )

    def preprocess(self) -> PreprocessConfig:
        """The cleaning steps of this run."""
        return PreprocessConfig(
            normalize=self.normalize,
            markup=self.markup,
            min_words=self.min_words,
            max_words=self.max_words,
            exact_dedup=self.exact_dedup,
            near_dedup=self.near_dedup,
            near_dup_threshold=self.near_dup_threshold,
        )


@dataclass(kw_only=True)
class DataAuditConfig(_CorpusFiles):
    """A ``fairlm data-audit`` run: which corpus, which term lists, where the report goes."""

    window: int = option(10, minimum=1, help="context words on each side")
    axes: tuple[str, ...] | None = option(
        None, parse=comma_list, help="comma-separated axes (default: all)"
    )
    occupations: str | None = option(None, help="file with one occupation a line")
    adjectives: str | None = option(None, help="file with one adjective a line")
    clean: bool = option(False, help="run the preprocessing steps (cleaning, de-duplication) first")
    top: int = option(10, minimum=1, help="rows per table")
    output: str | None = option(None, help="write the JSON report here")
    data_dir: str | None = option(None, help="fairlm data folder (word lists)")
    progress: bool = option(True, aliases=("--quiet",), help="no progress bars")

    def __post_init__(self) -> None:
        check(self)
