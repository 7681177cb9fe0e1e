"""Counterfactual data augmentation (CDA): swap demographic terms in text.

A leaf that both halves of fairlm's training side use: :mod:`fairlm.training` adds
counterfactuals to a pre-training corpus (``fairlm train --cda``) and
:mod:`fairlm.mitigation` fine-tunes on them (``fairlm debias --method cda``, and the
counterfactual pairs of the adversarial and constraint methods). It depends on
:mod:`fairlm.data` alone (the ``cda_wordlists`` data set) and imports nothing heavy.

* :class:`CounterfactualAugmenter` swaps the terms of one axis (gender, race, religion);
  its module docstring gives the rules.
* ``lang="zh"`` swaps Chinese gender terms from fairlm's own list by longest match
  (:mod:`fairlm.augment._zh`).
* :func:`augment_file` augments a ``.jsonl`` or plain text file (``fairlm augment``).

>>> aug = CounterfactualAugmenter("gender", pairs=[("man", "woman")])
>>> aug.swap("He thanked the man.")
'She thanked the woman.'
"""

from __future__ import annotations

from fairlm.augment._augmenter import (
    AXES,
    LANGUAGES,
    MODES,
    Axis,
    CounterfactualAugmenter,
    Language,
    Mode,
)
from fairlm.augment._files import augment_file, read_records

__all__ = [
    "AXES",
    "LANGUAGES",
    "MODES",
    "Axis",
    "CounterfactualAugmenter",
    "Language",
    "Mode",
    "augment_file",
    "read_records",
]
