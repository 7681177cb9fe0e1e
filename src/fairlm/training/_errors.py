"""Errors of the training pipeline: problems with the corpus or the run a user can fix."""

from __future__ import annotations

from fairlm.errors import DataError, FairlmError

__all__ = ["TrainingError", "CorpusError"]


class TrainingError(FairlmError):
    """A training run that cannot start or resume (bad options, mismatched checkpoint)."""


class CorpusError(DataError):
    """A corpus that yields no usable text: empty, no text column, nothing readable."""
