"""A small, resumable training loop for causal language models and their mitigations.

One readable loop in the nanoGPT manner (Karpathy, 2023): a pure learning-rate function
of the step, a ``@torch.no_grad()`` evaluation, explicit seeds. ``accelerate`` supplies
the device, mixed precision and the multi-process (DDP) wrapping, so the same code runs
as ``python ...`` and under ``accelerate launch``.

Reproducibility is the design constraint: killing a run and resuming it gives the same
weights as never stopping (bitwise on CPU). Three things make that hold:

* the data order is a pure function of ``(seed, epoch)``: micro-batch ``k`` (counted over
  all processes) of epoch ``e`` is slice ``k`` of a permutation drawn from
  ``numpy.random.default_rng([seed, e])``, so a resumed run needs no sampler state and
  simply starts at the next micro-batch. (This is why the data loader is ours and not an
  ``accelerator.prepare``-d one: its resume would depend on the sampler's inner state.)
* the learning rate is a pure function of the step (no scheduler object to restore);
* a checkpoint holds the weights (safetensors), the optimizer state, every process's RNG
  state and the step counters, written to a temporary folder and renamed into place, so a
  checkpoint on disk is always complete.

Checkpoint tensors other than weights are written with ``torch.save`` and read back only
with ``torch.load(..., weights_only=True)``: plain tensors, numbers and strings, never an
arbitrary pickled object.
"""

from __future__ import annotations

import contextlib
import copy
import logging
import math
import os
import random
import shutil
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Literal

import numpy as np
import torch
import torch.nn.functional as F

from fairlm._io import atomic_write_json, give_usual_modes
from fairlm._progress import progress_bar, progress_enabled
from fairlm.training._errors import TrainingError

__all__ = [
    "TrainConfig",
    "Trainer",
    "TrainResult",
    "causal_lm_loss",
    "default_collate",
    "lr_at",
]

log = logging.getLogger("fairlm")

Schedule = Literal["cosine", "linear", "constant"]
MixedPrecision = Literal["no", "bf16", "fp16"]
SCHEDULES = ("cosine", "linear", "constant")
MIXED_PRECISIONS = ("no", "bf16", "fp16")
IGNORE_INDEX = -100

LossFn = Callable[[Any, dict[str, Any], Any], tuple[torch.Tensor, dict[str, float]]]
Callback = Callable[[int, dict[str, float]], None]

# TrainConfig fields that must match when a run resumes (they change the data order or
# the optimisation path); others, such as eval_every, may change freely.
_RESUME_KEYS = ("batch_size", "grad_accum", "seed", "max_steps", "schedule", "warmup_steps")


@dataclass
class TrainConfig:
    """What a training run does; stored in every checkpoint.

    ``max_steps`` counts optimizer steps. One step consumes ``batch_size x grad_accum``
    examples on each process. ``lr`` is the peak learning rate, reached after
    ``warmup_steps`` of linear warm-up; ``schedule`` then decays it to
    ``lr * min_lr_ratio`` at ``max_steps`` (cosine, linear) or keeps it (constant).
    ``eval_every``/``save_every`` are in steps, 0 for never (a final checkpoint and, with
    an eval set, a final evaluation are always made). ``mixed_precision`` "bf16" or
    "fp16" runs the forward pass under autocast; weights stay float32.
    """

    output_dir: str | os.PathLike[str]
    max_steps: int
    batch_size: int = 8
    grad_accum: int = 1
    lr: float = 5e-4
    warmup_steps: int = 0
    schedule: Schedule = "cosine"
    weight_decay: float = 0.0
    max_grad_norm: float = 1.0
    seed: int = 0
    eval_every: int = 0
    save_every: int = 0
    mixed_precision: MixedPrecision = "no"
    progress: bool = True
    # options beyond the shared contract
    min_lr_ratio: float = 0.1
    betas: tuple[float, float] = (0.9, 0.95)
    eps: float = 1e-8
    eval_batch_size: int | None = None
    keep_checkpoints: int = 2
    shuffle: bool = True

    def __post_init__(self) -> None:
        self.output_dir = str(self.output_dir)
        self.betas = (float(self.betas[0]), float(self.betas[1]))
        if self.schedule not in SCHEDULES:
            raise TrainingError(
                f"schedule must be one of {', '.join(SCHEDULES)}, not {self.schedule!r}"
            )
        if self.mixed_precision not in MIXED_PRECISIONS:
            raise TrainingError(
                f"mixed_precision must be one of {', '.join(MIXED_PRECISIONS)}, "
                f"not {self.mixed_precision!r}"
            )
        for name in ("max_steps", "batch_size", "grad_accum"):
            if int(getattr(self, name)) < 1:
                raise TrainingError(f"{name} must be at least 1, not {getattr(self, name)}")
        for name in ("warmup_steps", "eval_every", "save_every"):
            if int(getattr(self, name)) < 0:
                raise TrainingError(f"{name} must be 0 or more, not {getattr(self, name)}")
        if self.lr <= 0:
            raise TrainingError(f"lr must be positive, not {self.lr}")

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["betas"] = list(self.betas)
        return d


@dataclass
class TrainResult:
    """What :meth:`Trainer.train` did.

    ``train_loss[i]`` is the mean training loss of step ``i + 1`` (all steps since the
    run began, resumed ones included); ``eval`` holds one dict per evaluation with its
    ``step``. These cover this call only: ``wall_time_s`` (all of it),
    ``train_time_s`` (less evaluation and checkpoint writing) and ``tokens_per_s``
    (non-padding input tokens over all processes per second of ``train_time_s``);
    ``total_wall_time_s`` adds the wall time of earlier, resumed-from calls.
    """

    steps: int
    train_loss: list[float]
    eval: list[dict[str, float]]
    wall_time_s: float
    train_time_s: float
    tokens_per_s: float
    tokens: int
    total_wall_time_s: float
    resumed_from_step: int | None = None
    checkpoint: str | None = None
    logs: list[dict[str, float]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def lr_at(
    step: int,
    *,
    lr: float,
    max_steps: int,
    warmup_steps: int = 0,
    schedule: Schedule = "cosine",
    min_lr_ratio: float = 0.1,
) -> float:
    """Learning rate for the optimizer step with 0-based index ``step``.

    Linear warm-up from ``lr / warmup_steps`` to ``lr``, then cosine (Loshchilov &
    Hutter, ICLR 2017, without restarts) or linear decay to ``lr * min_lr_ratio`` at
    ``max_steps``.
    """
    if warmup_steps and step < warmup_steps:
        return lr * (step + 1) / warmup_steps
    if schedule == "constant":
        return lr
    span = max(1, max_steps - warmup_steps)
    progress = min(1.0, max(0.0, (step - warmup_steps) / span))
    min_lr = lr * min_lr_ratio
    if schedule == "cosine":
        return min_lr + (lr - min_lr) * 0.5 * (1.0 + math.cos(math.pi * progress))
    return lr - (lr - min_lr) * progress


def causal_lm_loss(model: Any, batch: dict[str, Any], extra_modules: Any = None):
    """Mean next-token cross-entropy (nats per token) over positions whose label is not -100.

    The default ``loss_fn``; a custom one can call it and add its own terms.
    """
    nll, n = _token_nll(model, batch)
    loss = nll / n.clamp(min=1)
    return loss, {}


def _token_nll(model: Any, batch: dict[str, Any]) -> tuple[torch.Tensor, torch.Tensor]:
    """(summed NLL in nats, number of predicted tokens) of a batch."""
    input_ids = batch["input_ids"]  # (B, T)
    mask = batch.get("attention_mask")
    labels = batch.get("labels")
    if labels is None:
        labels = input_ids if mask is None else input_ids.masked_fill(mask == 0, IGNORE_INDEX)
    logits = model(input_ids=input_ids, attention_mask=mask).logits  # (B, T, V)
    shift_logits = logits[:, :-1].float()  # (B, T-1, V): position t predicts token t+1
    shift_labels = labels[:, 1:]  # (B, T-1)
    nll = F.cross_entropy(
        shift_logits.reshape(-1, shift_logits.size(-1)),
        shift_labels.reshape(-1),
        ignore_index=IGNORE_INDEX,
        reduction="sum",
    )
    return nll, (shift_labels != IGNORE_INDEX).sum()


def default_collate(examples: Sequence[dict[str, Any]], *, pad_token_id: int = 0) -> dict[str, Any]:
    """Right-pad ``input_ids`` (and ``attention_mask``, ``labels``) into tensors.

    ``labels`` default to ``input_ids`` with -100 on padding. Any other key is stacked
    when its values are tensors, numbers or equal-length lists, and kept as a list
    otherwise.
    """
    if not examples:
        raise TrainingError("cannot collate an empty batch")
    lengths = [len(e["input_ids"]) for e in examples]
    width = max(lengths)
    ids = torch.full((len(examples), width), pad_token_id, dtype=torch.long)
    mask = torch.zeros((len(examples), width), dtype=torch.long)
    labels = torch.full((len(examples), width), IGNORE_INDEX, dtype=torch.long)
    for i, (e, n) in enumerate(zip(examples, lengths, strict=True)):
        row = torch.as_tensor(e["input_ids"], dtype=torch.long)
        ids[i, :n] = row
        m = e.get("attention_mask")
        mask[i, :n] = 1 if m is None else torch.as_tensor(m, dtype=torch.long)
        lab = e.get("labels")
        labels[i, :n] = row if lab is None else torch.as_tensor(lab, dtype=torch.long)
    labels = labels.masked_fill(mask == 0, IGNORE_INDEX)
    out: dict[str, Any] = {"input_ids": ids, "attention_mask": mask, "labels": labels}
    for key in examples[0]:
        if key in out:
            continue
        values = [e[key] for e in examples]
        out[key] = _stack(values)
    return out


def _stack(values: list[Any]) -> Any:
    if all(isinstance(v, torch.Tensor) for v in values):
        return torch.stack(values)
    if all(isinstance(v, bool | int) for v in values):
        return torch.tensor(values, dtype=torch.long)
    if all(isinstance(v, float | int) for v in values):
        return torch.tensor(values, dtype=torch.float32)
    if all(isinstance(v, list | tuple) for v in values) and len({len(v) for v in values}) == 1:
        with contextlib.suppress(TypeError, ValueError, RuntimeError):
            return torch.tensor(values)
    return values


class _Order:
    """Micro-batch ``k`` (counted over all processes) as a list of dataset indices."""

    def __init__(self, n: int, batch_size: int, seed: int, shuffle: bool) -> None:
        self.n, self.batch_size, self.seed, self.shuffle = n, batch_size, seed, shuffle
        self.per_epoch = math.ceil(n / batch_size)
        self._epoch, self._perm = -1, np.arange(0)

    def batch(self, k: int) -> list[int]:
        epoch, j = divmod(k, self.per_epoch)
        if epoch != self._epoch:
            if self.shuffle:
                self._perm = np.random.default_rng([self.seed, epoch]).permutation(self.n)
            else:
                self._perm = np.arange(self.n)
            self._epoch = epoch
        return self._perm[j * self.batch_size : (j + 1) * self.batch_size].tolist()


class Trainer:
    """Train ``model`` on ``train_dataset`` with AdamW; resumable and reproducible.

    Parameters
    ----------
    model, tokenizer:
        A ``transformers`` causal LM (a ``peft`` model works: only parameters with
        ``requires_grad`` are optimised) and its tokenizer (saved with the model).
    train_dataset, eval_dataset:
        Map-style: ``len`` and ``ds[i]`` -> dict with at least ``input_ids`` (list of
        ints). :class:`fairlm.training.TokenBlocks` makes one from texts.
    loss_fn:
        ``loss_fn(model, batch, extra_modules) -> (loss, logs)``; default
        :func:`causal_lm_loss`. Evaluation always reports the causal-LM loss.
    extra_modules:
        An ``nn.Module`` trained alongside the model (an adversary head, say): its
        trainable parameters join the optimizer and it is saved in checkpoints.
    collate_fn:
        ``collate_fn(list_of_examples) -> batch``; default :func:`default_collate`.
    callbacks:
        Called as ``cb(step, logs)`` after each optimizer step (and after that step's
        checkpoint, if any).
    """

    def __init__(
        self,
        model: Any,
        tokenizer: Any,
        train_dataset: Any,
        eval_dataset: Any | None,
        config: TrainConfig,
        *,
        loss_fn: LossFn | None = None,
        extra_modules: torch.nn.Module | None = None,
        collate_fn: Callable[[list[dict[str, Any]]], dict[str, Any]] | None = None,
        callbacks: Sequence[Callback] = (),
    ) -> None:
        if train_dataset is None or len(train_dataset) == 0:
            raise TrainingError("the training dataset is empty")
        self.config = config
        self.tokenizer = tokenizer
        self.train_dataset = train_dataset
        self.eval_dataset = eval_dataset if eval_dataset is not None and len(eval_dataset) else None
        self.loss_fn: LossFn = loss_fn or causal_lm_loss
        self.callbacks = list(callbacks)
        self.accelerator = _make_accelerator(config.mixed_precision)
        acc = self.accelerator
        pad = _pad_id(tokenizer)
        self.collate_fn = collate_fn or (lambda ex: default_collate(ex, pad_token_id=pad))
        self.output_dir = Path(config.output_dir)
        self.checkpoint_dir = self.output_dir / "checkpoints"

        params = [p for p in model.parameters() if p.requires_grad]
        if extra_modules is not None:
            extra_modules.to(acc.device)
            params += [p for p in extra_modules.parameters() if p.requires_grad]
        if not params:
            raise TrainingError("the model has no parameters with requires_grad=True")
        self._params = params
        decay = [p for p in params if p.dim() >= 2]  # matrices decay; biases and norms do not
        no_decay = [p for p in params if p.dim() < 2]
        optimizer = torch.optim.AdamW(
            [
                {"params": decay, "weight_decay": config.weight_decay},
                {"params": no_decay, "weight_decay": 0.0},
            ],
            lr=config.lr,
            betas=config.betas,
            eps=config.eps,
        )
        self.model, self.optimizer = acc.prepare(model, optimizer)
        self.extra_modules = extra_modules
        self.step = 0
        self._order = _Order(len(train_dataset), config.batch_size, config.seed, config.shuffle)
        self._history: dict[str, Any] = {
            "train_loss": [],
            "eval": [],
            "logs": [],
            "total_wall_time_s": 0.0,
        }

    # ------------------------------------------------------------------ training
    def train(self, *, stop_at: int | None = None) -> TrainResult:
        """Train to ``config.max_steps``, resuming from the latest checkpoint if any.

        ``stop_at`` ends this call after that step (with a checkpoint) without changing
        the learning-rate schedule; a later ``train()`` continues from there.
        """
        cfg, acc = self.config, self.accelerator
        resumed = self._resume()
        start = self.step
        stop = min(cfg.max_steps, stop_at if stop_at is not None else cfg.max_steps)
        base_wall = float(self._history["total_wall_time_s"])
        t0 = time.perf_counter()
        aside = 0.0  # seconds spent evaluating and checkpointing, not training
        tokens = 0
        last_saved = start if resumed is not None else -1
        last_eval = self._history["eval"][-1]["step"] if self._history["eval"] else -1
        bar = progress_bar(
            total=cfg.max_steps,
            initial=start,
            desc="training",
            unit="step",
            enabled=cfg.progress and acc.is_main_process,
        )
        self.model.train()
        if self.extra_modules is not None:
            self.extra_modules.train()
        for step in range(start, stop):
            entry, step_tokens = self._optimizer_step(step)
            tokens += step_tokens
            bar.update(1)
            bar.set_postfix(loss=f"{entry['loss']:.3f}", lr=f"{entry['lr']:.2e}")
            t_aside = time.perf_counter()
            if self.eval_dataset is not None and cfg.eval_every and self.step % cfg.eval_every == 0:
                self._record_eval()
                last_eval = self.step
            if cfg.save_every and self.step % cfg.save_every == 0:
                self._history["total_wall_time_s"] = base_wall + time.perf_counter() - t0
                self.save_checkpoint()
                last_saved = self.step
            aside += time.perf_counter() - t_aside
            for cb in self.callbacks:
                cb(self.step, entry)
        bar.close()
        train_time = time.perf_counter() - t0 - aside
        if self.step == cfg.max_steps and self.eval_dataset is not None and last_eval != self.step:
            self._record_eval()
        self._history["total_wall_time_s"] = base_wall + time.perf_counter() - t0
        if last_saved != self.step:
            self.save_checkpoint()
        wall = time.perf_counter() - t0
        if acc.num_processes > 1:
            tokens = int(acc.reduce(torch.tensor(tokens, device=acc.device), "sum"))
        return TrainResult(
            steps=self.step,
            train_loss=list(self._history["train_loss"]),
            eval=list(self._history["eval"]),
            wall_time_s=wall,
            train_time_s=train_time,
            tokens_per_s=tokens / train_time if train_time > 0 else 0.0,
            tokens=tokens,
            total_wall_time_s=self._history["total_wall_time_s"],
            resumed_from_step=resumed,
            checkpoint=str(self.latest_checkpoint()) if self.latest_checkpoint() else None,
            logs=list(self._history["logs"]),
        )

    def _optimizer_step(self, step: int) -> tuple[dict[str, float], int]:
        """One optimizer step (``grad_accum`` micro-batches on every process): its log
        entry (also appended to the history) and the input tokens this process read."""
        cfg, acc = self.config, self.accelerator
        world, rank = acc.num_processes, acc.process_index
        lr = lr_at(
            step,
            lr=cfg.lr,
            max_steps=cfg.max_steps,
            warmup_steps=cfg.warmup_steps,
            schedule=cfg.schedule,
            min_lr_ratio=cfg.min_lr_ratio,
        )
        for group in self.optimizer.param_groups:
            group["lr"] = lr
        losses: list[float] = []
        extra_logs: dict[str, float] = {}
        tokens = 0
        for a in range(cfg.grad_accum):
            k = (step * cfg.grad_accum + a) * world + rank
            batch = self._batch(k)
            last = a == cfg.grad_accum - 1
            sync = contextlib.nullcontext() if last or world == 1 else acc.no_sync(self.model)
            with sync:
                with acc.autocast():
                    loss, logs = self.loss_fn(self.model, batch, self.extra_modules)
                acc.backward(loss / cfg.grad_accum)
            losses.append(float(loss.detach()))
            for key, value in (logs or {}).items():
                extra_logs[key] = extra_logs.get(key, 0.0) + float(value) / cfg.grad_accum
            tokens += _count_tokens(batch)
        if world > 1 and self.extra_modules is not None:
            self._sync_extra_grads()
        grad_norm = float("nan")
        if cfg.max_grad_norm and cfg.max_grad_norm > 0:
            grad_norm = float(acc.clip_grad_norm_(self._params, cfg.max_grad_norm))
        self.optimizer.step()
        self.optimizer.zero_grad(set_to_none=True)
        self.step = step + 1
        step_loss = sum(losses) / len(losses)
        if world > 1:
            step_loss = float(acc.reduce(torch.tensor(step_loss, device=acc.device), "mean"))
        self._history["train_loss"].append(step_loss)
        entry = {"step": self.step, "loss": step_loss, "lr": lr, "grad_norm": grad_norm}
        entry.update(extra_logs)
        self._history["logs"].append(entry)
        return entry, tokens

    def _batch(self, k: int) -> dict[str, Any]:
        examples = [self.train_dataset[i] for i in self._order.batch(k)]
        return _to_device(self.collate_fn(examples), self.accelerator.device)

    def _sync_extra_grads(self) -> None:
        assert self.extra_modules is not None
        for p in self.extra_modules.parameters():
            if p.grad is not None:
                p.grad.copy_(self.accelerator.reduce(p.grad, "mean"))

    def _record_eval(self) -> None:
        metrics = self.evaluate()
        metrics = {"step": self.step, **metrics}
        self._history["eval"].append(metrics)
        if self.accelerator.is_main_process and progress_enabled(self.config.progress):
            log.info(
                "step %d: eval loss %.4f, perplexity %.2f",
                self.step,
                metrics["loss"],
                metrics["perplexity"],
            )

    # ---------------------------------------------------------------- evaluation
    @torch.no_grad()
    def evaluate(self, dataset: Any | None = None) -> dict[str, float]:
        """Token-weighted mean NLL (nats) and perplexity ``exp(loss)`` on the eval set.

        Every predicted token counts once, whichever batch or process it falls in.
        Lower is better.
        """
        ds = dataset if dataset is not None else self.eval_dataset
        if ds is None or len(ds) == 0:
            raise TrainingError("no evaluation dataset")
        acc = self.accelerator
        model = acc.unwrap_model(self.model)
        was_training = model.training
        model.eval()
        bs = self.config.eval_batch_size or self.config.batch_size
        mine = list(range(acc.process_index, len(ds), acc.num_processes))
        nll = torch.zeros((), dtype=torch.float64, device=acc.device)
        count = torch.zeros((), dtype=torch.float64, device=acc.device)
        for i in range(0, len(mine), bs):
            batch = _to_device(self.collate_fn([ds[j] for j in mine[i : i + bs]]), acc.device)
            with acc.autocast():
                s, n = _token_nll(model, batch)
            nll += s.double()
            count += n.double()
        if acc.num_processes > 1:
            nll, count = acc.reduce(nll, "sum"), acc.reduce(count, "sum")
        if was_training:
            model.train()
        n_tokens = int(count.item())
        loss = float(nll.item() / n_tokens) if n_tokens else float("nan")
        return {
            "loss": loss,
            "perplexity": math.exp(loss) if n_tokens else float("nan"),
            "n_tokens": n_tokens,
        }

    # --------------------------------------------------------------- checkpoints
    def latest_checkpoint(self) -> Path | None:
        """The newest complete checkpoint folder in ``output_dir/checkpoints``, or None."""
        if not self.checkpoint_dir.is_dir():
            return None
        done = [
            p
            for p in self.checkpoint_dir.glob("step-*")
            if p.is_dir() and (p / "trainer_state.json").is_file()
        ]
        return max(done, key=lambda p: int(p.name.split("-")[1]), default=None)

    def save_checkpoint(self) -> Path:
        """Write a complete checkpoint of the current step (atomically) and prune old ones."""
        from safetensors.torch import save_model

        acc = self.accelerator
        final = self.checkpoint_dir / f"step-{self.step:08d}"
        tmp = self.checkpoint_dir / f".tmp-step-{self.step:08d}"
        if acc.is_main_process:
            shutil.rmtree(tmp, ignore_errors=True)
            tmp.mkdir(parents=True)
        acc.wait_for_everyone()
        torch.save(_rng_state(acc), tmp / f"rng_{acc.process_index}.pt")
        if acc.is_main_process:
            save_model(acc.unwrap_model(self.model), str(tmp / "model.safetensors"))
            if self.extra_modules is not None:
                save_model(self.extra_modules, str(tmp / "extra_modules.safetensors"))
            torch.save(self.optimizer.state_dict(), tmp / "optimizer.pt")
            if acc.scaler is not None:
                torch.save(acc.scaler.state_dict(), tmp / "scaler.pt")
        acc.wait_for_everyone()
        if acc.is_main_process:
            state = {
                "step": self.step,
                "num_processes": acc.num_processes,
                "n_train": len(self.train_dataset),
                "config": self.config.to_dict(),
                **self._history,
            }
            atomic_write_json(tmp / "trainer_state.json", state)
            if final.exists():
                shutil.rmtree(final)
            os.replace(tmp, final)
            self._prune()
        acc.wait_for_everyone()
        return final

    def _prune(self) -> None:
        keep = max(1, self.config.keep_checkpoints)
        done = sorted(
            (p for p in self.checkpoint_dir.glob("step-*") if p.is_dir()),
            key=lambda p: int(p.name.split("-")[1]),
        )
        for p in done[:-keep]:
            shutil.rmtree(p, ignore_errors=True)

    def _resume(self) -> int | None:
        """Load the latest checkpoint, if there is one; return its step."""
        import json

        from safetensors.torch import load_model

        ckpt = self.latest_checkpoint()
        if ckpt is None:
            _seed_everything(self.config.seed + self.accelerator.process_index)
            return None
        acc = self.accelerator
        device = "cpu" if acc.device.type == "cpu" else str(acc.device)  # not "cpu:0"
        state = json.loads((ckpt / "trainer_state.json").read_text(encoding="utf-8"))
        saved = state.get("config", {})
        changed = [k for k in _RESUME_KEYS if k in saved and saved[k] != getattr(self.config, k)]
        n_saved, n_now = state.get("n_train"), len(self.train_dataset)
        if changed or n_saved != n_now:
            parts = [f"{k} {saved[k]!r} -> {getattr(self.config, k)!r}" for k in changed]
            if n_saved != n_now:
                parts.append(f"training examples {n_saved} -> {n_now}")
            what = ", ".join(parts)
            raise TrainingError(
                f"{ckpt} was written by a different run ({what}); resume with the same data "
                "and options, or use a new output directory"
            )
        if state.get("num_processes") != acc.num_processes:
            raise TrainingError(
                f"{ckpt} was written with {state.get('num_processes')} processes, this run has "
                f"{acc.num_processes}; the data order would differ"
            )
        load_model(acc.unwrap_model(self.model), str(ckpt / "model.safetensors"), device=device)
        if self.extra_modules is not None:
            load_model(self.extra_modules, str(ckpt / "extra_modules.safetensors"), device=device)
        self.optimizer.load_state_dict(
            torch.load(ckpt / "optimizer.pt", map_location="cpu", weights_only=True)
        )
        if acc.scaler is not None and (ckpt / "scaler.pt").is_file():
            acc.scaler.load_state_dict(torch.load(ckpt / "scaler.pt", weights_only=True))
        _set_rng_state(
            torch.load(ckpt / f"rng_{acc.process_index}.pt", map_location="cpu", weights_only=True)
        )
        self.step = int(state["step"])
        for key in self._history:
            self._history[key] = state.get(key, self._history[key])
        if acc.is_main_process:
            log.info("resumed from %s (step %d)", ckpt, self.step)
        return self.step

    # -------------------------------------------------------------------- saving
    def save_model(self, path: str | os.PathLike[str]) -> Path:
        """Save the model (safetensors) and tokenizer where plain transformers loads them.

        A ``peft`` model is merged on a copy first (``merge_and_unload``), so the folder
        is a complete model; the trainer's own model is left as it is. The folder is
        written to a temporary name and renamed into place.
        """
        acc = self.accelerator
        path = Path(path)
        acc.wait_for_everyone()
        if acc.is_main_process:
            model = acc.unwrap_model(self.model, keep_fp32_wrapper=False)
            if hasattr(model, "merge_and_unload"):
                model = copy.deepcopy(model).merge_and_unload()
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.parent / f".{path.name}.tmp-{os.getpid()}"
            shutil.rmtree(tmp, ignore_errors=True)
            model.save_pretrained(tmp)
            if self.tokenizer is not None:
                self.tokenizer.save_pretrained(tmp)
            atomic_write_json(
                tmp / "fairlm_training.json",
                {"step": self.step, "config": self.config.to_dict()},
            )
            give_usual_modes(tmp)
            old = path.parent / f".{path.name}.old-{os.getpid()}"
            if path.exists():
                os.replace(path, old)
            os.replace(tmp, path)
            shutil.rmtree(old, ignore_errors=True)
        acc.wait_for_everyone()
        return path


# ------------------------------------------------------------------------ helpers
def _cpu_group() -> bool:
    # Several processes without a GPU (``accelerate launch --multi_gpu`` or ``torchrun`` on
    # a CPU machine) only form a gloo process group when accelerate is told cpu=True.
    return not torch.cuda.is_available() and int(os.environ.get("WORLD_SIZE", "1")) > 1


def distributed_state():
    """accelerate's process state (rank, world size), set up as the Trainer will use it."""
    from accelerate.state import PartialState

    return PartialState(cpu=_cpu_group())


def _make_accelerator(mixed_precision: str):
    from accelerate import Accelerator
    from accelerate.state import AcceleratorState, PartialState

    cpu = _cpu_group()
    try:
        return Accelerator(mixed_precision=mixed_precision, cpu=cpu)
    except ValueError:
        # accelerate keeps one process-wide state; in a single process (tests, notebooks)
        # a second Trainer may ask for another precision, so start that state afresh.
        if PartialState().num_processes != 1:
            raise
        AcceleratorState._reset_state()
        return Accelerator(mixed_precision=mixed_precision, cpu=cpu)


def _pad_id(tokenizer: Any) -> int:
    if tokenizer is None:
        return 0
    for attr in ("pad_token_id", "eos_token_id"):
        value = getattr(tokenizer, attr, None)
        if isinstance(value, int):
            return value
    return 0


def _to_device(batch: dict[str, Any], device: Any) -> dict[str, Any]:
    return {k: v.to(device) if isinstance(v, torch.Tensor) else v for k, v in batch.items()}


def _count_tokens(batch: dict[str, Any]) -> int:
    mask = batch.get("attention_mask")
    if isinstance(mask, torch.Tensor):
        return int(mask.sum())
    ids = batch.get("input_ids")
    return int(ids.numel()) if isinstance(ids, torch.Tensor) else 0


def _seed_everything(seed: int) -> None:
    random.seed(seed)
    np.random.seed(seed % 2**32)
    torch.manual_seed(seed)


def _rng_state(acc: Any) -> dict[str, Any]:
    """Every RNG a training step may draw from, as tensors and plain values only."""
    py = random.getstate()
    kind, keys, pos, has_gauss, cached = np.random.get_state()
    state: dict[str, Any] = {
        "python": [py[0], list(py[1]), py[2]],
        "numpy": [kind, torch.from_numpy(keys.astype(np.int64)), pos, has_gauss, cached],
        "torch": torch.get_rng_state(),
    }
    if torch.cuda.is_available():
        state["cuda"] = torch.cuda.get_rng_state_all()
    return state


def _set_rng_state(state: dict[str, Any]) -> None:
    version, internal, gauss = state["python"]
    random.setstate((version, tuple(internal), gauss))
    kind, keys, pos, has_gauss, cached = state["numpy"]
    np.random.set_state((kind, keys.numpy().astype(np.uint32), pos, has_gauss, cached))
    torch.set_rng_state(state["torch"])
    if "cuda" in state and torch.cuda.is_available():
        torch.cuda.set_rng_state_all(state["cuda"])
