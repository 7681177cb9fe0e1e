"""The fine-tuning every training method shares: wrap the model (LoRA or all weights),
train it with :class:`fairlm.training.Trainer`, save it where plain transformers loads it.

The trainer's folder is ``DIR/train`` (a rerun resumes from its latest checkpoint), the
model goes to ``DIR/model`` with a ``fairlm_model.json`` naming its base model, prefix
token and method.
"""

from __future__ import annotations

import time
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any

from fairlm._io import atomic_write_json
from fairlm.mitigation._data import collate, encode
from fairlm.mitigation._method import DebiasData, DebiasRun, Fitted

__all__ = ["FineTuned", "encode_texts", "finetune"]


@dataclass
class FineTuned:
    """A finished fine-tuning: the trained model (unwrapped, still in memory, for
    measurements such as a probe), the trainer's result and the :class:`Fitted` to
    return (where the model was saved, how training went)."""

    model: Any
    result: Any
    fitted: Fitted

    def with_details(self, details: dict[str, Any]) -> Fitted:
        """The :class:`Fitted` with the method's ``details``."""
        self.fitted.details = details
        return self.fitted


def encode_texts(lm: Any, texts: Sequence[str], max_length: int) -> list[dict[str, Any]]:
    """Plain training examples: each text as ``[prefix token] + tokens``."""
    return [
        {"input_ids": encode(lm.tokenizer, t, prefix_id=lm.prefix_token_id, max_length=max_length)}
        for t in texts
    ]


def finetune(
    lm: Any,
    train_examples: Sequence[dict[str, Any]],
    data: DebiasData,
    run: DebiasRun,
    *,
    method: str,
    loss_fn: Callable[..., Any] | None = None,
    extra_modules: Any = None,
) -> FineTuned:
    """Fine-tune ``lm`` on ``train_examples`` with the run's training options; the
    held-out texts are the evaluation set. Saves the model and returns it all."""
    from fairlm.training import Trainer

    config = run.config
    net = _prepare_model(lm.model, config)
    train_config = config.train_config(run.output_dir / "train")
    trainer = Trainer(
        net,
        lm.tokenizer,
        train_examples,
        encode_texts(lm, data.heldout, config.max_length),
        train_config,
        loss_fn=loss_fn,
        extra_modules=extra_modules,
        collate_fn=partial(collate, pad_id=lm.pad_token_id),
    )
    run.log(
        f"training: {method}, {config.max_steps} steps of {config.batch_size}x"
        f"{config.grad_accum} texts{' (LoRA)' if config.lora else ''}"
    )
    t0 = time.perf_counter()
    result = trainer.train()
    seconds = time.perf_counter() - t0
    model_dir = trainer.save_model(run.output_dir / "model")
    if run.is_main:
        atomic_write_json(
            model_dir / "fairlm_model.json",
            {
                "base_model": str(config.model),
                "prefix_token": lm.prefix_token,
                "debias_method": method,
                "lora": config.lora,
            },
        )
    training = {
        "steps": result.steps,
        "wall_time_s": round(seconds, 1),
        "tokens_per_s": round(result.tokens_per_s, 1),
        "first_loss": result.train_loss[0] if result.train_loss else None,
        "last_loss": result.train_loss[-1] if result.train_loss else None,
        "eval": result.eval,
    }
    trained = trainer.accelerator.unwrap_model(trainer.model)
    fitted = Fitted(model_dir, training=training, train_config=train_config.to_dict())
    return FineTuned(trained, result, fitted)


def _prepare_model(model: Any, config: Any) -> Any:
    """Wrap the model in LoRA adapters, or make every weight trainable."""
    model.train()
    if not config.lora:
        for p in model.parameters():
            p.requires_grad_(True)
        return model
    from peft import LoraConfig, get_peft_model
    from transformers.pytorch_utils import Conv1D

    lora = LoraConfig(
        fan_in_fan_out=any(isinstance(m, Conv1D) for m in model.modules()),  # GPT-2 layers
        r=config.lora_r,
        lora_alpha=config.lora_alpha,
        lora_dropout=config.lora_dropout,
        target_modules="all-linear",
        task_type="CAUSAL_LM",
    )
    with warnings.catch_warnings():
        # peft reads transformers' old name for it; the user can do nothing about it
        warnings.filterwarnings(
            "ignore", "`is_gradient_checkpointing` is deprecated", FutureWarning
        )
        return get_peft_model(model, lora)
