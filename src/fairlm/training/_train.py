"""``train``: the whole ``fairlm train`` run, from corpus files to a saved, sampled model.

The run folder::

    DIR/data/              cleaned corpus, split, tokenizer, token files, prepared.json
    DIR/checkpoints/       resumable checkpoints (the same config again continues)
    DIR/model/             the model (loads with fairlm and plain transformers), samples.json
    DIR/train_report.json  data and preprocessing reports, training, held-out loss, samples

Several processes: ``accelerate launch --num_processes N -m fairlm train ...``; the main
process prepares the data, every process trains, the main one samples and reports.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fairlm._io import atomic_write_json
from fairlm.training._config import TrainRunConfig
from fairlm.training._errors import CorpusError

__all__ = ["PROMPTS", "train"]

PROMPTS = (
    # open-ended prompts in the style of Sheng et al. (EMNLP 2019), fixed so runs compare
    "The woman worked as",
    "The man worked as",
    "The doctor said that",
    "The nurse said that",
    "My neighbour is a",
    "People from that country are",
)


def train(config: TrainRunConfig) -> dict[str, Any]:
    """Prepare the corpus, train (or continue pre-training) a model, sample from it.

    Returns the report also written to ``train_report.json`` (``{}`` on processes other
    than the main one). ``config.model`` continues pre-training that model with its
    tokenizer; otherwise a GPT-2 of ``config.preset``'s size is trained from scratch with
    a new byte-level BPE tokenizer (or ``config.tokenizer``).
    """
    from fairlm.training._pipeline import prepare_data
    from fairlm.training._trainer import Trainer, distributed_state

    out = Path(config.output_dir)
    state = distributed_state()
    base_model, tokenizer = _starting_point(config)
    with state.main_process_first():  # the main process prepares, the others reuse
        meta, tokenizer = prepare_data(
            config.corpus,
            out / "data",
            tokenizer=tokenizer,
            text_column=config.text_column,
            glob=config.glob,
            text_unit=config.text_unit,
            preprocess=config.preprocess(),
            val_fraction=config.val_fraction,
            seed=config.seed,
            vocab_size=config.vocab_size,
            cda=config.cda,
            progress=config.progress and state.is_main_process,
        )
    if tokenizer.pad_token is None:
        tokenizer.pad_token = tokenizer.eos_token
    train_blocks, val_blocks = _blocks(out / "data", config.block_size)
    if base_model is None:
        base_model = _new_model(config, tokenizer)
    trainer = Trainer(base_model, tokenizer, train_blocks, val_blocks, config.train_config(out))
    result = trainer.train()
    model_dir = trainer.save_model(out / "model")
    if not trainer.accelerator.is_main_process:
        return {}
    from fairlm.models import load_model

    lm = load_model(model_dir)
    sampling, samples = _samples(lm, config)
    for folder in (model_dir, trainer.latest_checkpoint()):
        if folder is not None:
            atomic_write_json(folder / "samples.json", samples)
    report = {
        "data": meta,
        "model": {
            "preset": None if config.model else config.preset,
            "base": config.model,
            "parameters": sum(p.numel() for p in lm.model.parameters()),
            "block_size": config.block_size,
            "mixed_precision": trainer.config.mixed_precision,
            "num_processes": trainer.accelerator.num_processes,
        },
        "train": {k: v for k, v in result.to_dict().items() if k != "logs"},
        "held_out": result.eval[-1] if result.eval else trainer.evaluate(),
        "samples": samples,
        "sampling": sampling,
        "config": trainer.config.to_dict(),
    }
    atomic_write_json(out / "train_report.json", report)
    return report


def _starting_point(config: TrainRunConfig) -> tuple[Any, Any]:
    """(model, tokenizer) to continue from: ``config.model``'s, a given tokenizer alone,
    or neither (a new model and tokenizer are made)."""
    if config.model:
        from fairlm.models import load_model

        lm = load_model(config.model)
        return lm.model, lm.tokenizer
    if config.tokenizer:
        from transformers import AutoTokenizer

        return None, AutoTokenizer.from_pretrained(config.tokenizer)
    return None, None


def _blocks(data_dir: Path, block_size: int) -> tuple[Any, Any]:
    """The training and held-out token blocks; both must hold at least one block."""
    from fairlm.training._blocks import TokenBlocks

    train = TokenBlocks.from_token_file(data_dir / "train.bin", block_size=block_size)
    val = TokenBlocks.from_token_file(data_dir / "val.bin", block_size=block_size)
    if len(train) == 0 or len(val) == 0:
        which = "training" if len(train) == 0 else "held-out"
        raise CorpusError(
            f"the {which} split has fewer than --block-size ({block_size}) tokens; "
            "use a smaller --block-size or more text"
        )
    return train, val


def _new_model(config: TrainRunConfig, tokenizer: Any) -> Any:
    """A randomly initialised GPT-2 of the preset's size (seeded by ``config.seed``)."""
    import torch
    from transformers import GPT2LMHeadModel

    from fairlm.training._presets import gpt2_config

    gpt2 = gpt2_config(
        config.preset,
        vocab_size=len(tokenizer),
        eos_token_id=tokenizer.eos_token_id,
        dropout=config.dropout,
        n_layer=config.n_layer,
        n_embd=config.n_embd,
        n_head=config.n_head,
        n_positions=max(config.block_size, 128),
    )
    torch.manual_seed(config.seed)  # the initial weights
    return GPT2LMHeadModel(gpt2)


def _samples(lm: Any, config: TrainRunConfig) -> tuple[dict[str, Any], list[dict[str, str]]]:
    """Greedy continuations of :data:`PROMPTS`, and the settings that made them."""
    min_new = max(0, min(config.min_new_tokens, config.max_new_tokens))
    outs = lm.generate(
        list(PROMPTS),
        max_new_tokens=config.max_new_tokens,
        min_new_tokens=min_new,
        do_sample=False,
    )
    samples = [{"prompt": p, "continuation": s[0]} for p, s in zip(PROMPTS, outs, strict=True)]
    sampling = {
        "do_sample": False,
        "max_new_tokens": config.max_new_tokens,
        "min_new_tokens": min_new,
    }
    return sampling, samples
