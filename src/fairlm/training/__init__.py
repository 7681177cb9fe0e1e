"""The responsible training pipeline: corpus collection, preprocessing, data bias audit,
tokenisation and a resumable training loop.

* :func:`train` with a :class:`TrainRunConfig` is ``fairlm train``: corpus files in, a
  trained, sampled model out;
* :func:`data_audit` with a :class:`DataAuditConfig` is ``fairlm data-audit``;
* :class:`Trainer` and :class:`TrainConfig` are the loop itself, which
  :mod:`fairlm.mitigation` also fine-tunes with.

Importing this package imports nothing heavy; each public name loads its module (and
torch, where it needs it) on first use.

>>> from fairlm.training import TrainRunConfig, train
>>> train(TrainRunConfig(corpus=["corpus/"], output_dir="runs/tiny"))  # doctest: +SKIP
"""

from __future__ import annotations

import importlib
from typing import Any

__all__ = [
    "DataAuditConfig",
    "TrainRunConfig",
    "TrainingOptions",
    "data_audit",
    "train",
    "TrainConfig",
    "Trainer",
    "TrainResult",
    "TokenBlocks",
    "causal_lm_loss",
    "default_collate",
    "lr_at",
    "TrainingError",
    "CorpusError",
]

_WHERE = {
    "DataAuditConfig": "_config",
    "TrainRunConfig": "_config",
    "TrainingOptions": "_config",
    "data_audit": "_data_audit",
    "train": "_train",
    "TrainConfig": "_trainer",
    "Trainer": "_trainer",
    "TrainResult": "_trainer",
    "causal_lm_loss": "_trainer",
    "default_collate": "_trainer",
    "lr_at": "_trainer",
    "TokenBlocks": "_blocks",
    "TrainingError": "_errors",
    "CorpusError": "_errors",
}


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module 'fairlm.training' has no attribute {name!r}")
    value = getattr(importlib.import_module(f"fairlm.training.{module}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
