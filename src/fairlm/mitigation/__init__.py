"""Bias mitigation: counterfactual data augmentation, adversarial training, and a
fairness constraint, each fine-tuning a model with :mod:`fairlm.training`.

* :class:`CounterfactualAugmenter` swaps demographic terms (``fairlm augment``).
* :func:`debias` fine-tunes a model with one method (``cda``, ``adversarial``,
  ``constraint``), saves it, audits it before and after and writes ``comparison.json``
  (``fairlm debias``).
* The pieces the methods are built from: :class:`AdversaryHead`, :func:`grad_reverse`,
  :func:`adversarial_loss`, :func:`probe_accuracy`, :func:`counterfactual_loss`.

Importing this package is cheap; torch is imported when a method is used.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__all__ = [
    "AXES",
    "METHODS",
    "MODES",
    "AdversaryHead",
    "CounterfactualAugmenter",
    "adversarial_loss",
    "counterfactual_loss",
    "debias",
    "grad_reverse",
    "probe_accuracy",
]

_LAZY = {
    "AXES": "fairlm.mitigation.cda",
    "MODES": "fairlm.mitigation.cda",
    "CounterfactualAugmenter": "fairlm.mitigation.cda",
    "AdversaryHead": "fairlm.mitigation.adversarial",
    "adversarial_loss": "fairlm.mitigation.adversarial",
    "grad_reverse": "fairlm.mitigation.adversarial",
    "probe_accuracy": "fairlm.mitigation.adversarial",
    "counterfactual_loss": "fairlm.mitigation.constraint",
    "METHODS": "fairlm.mitigation._debias",
    "debias": "fairlm.mitigation._debias",
}

if TYPE_CHECKING:
    from fairlm.mitigation._debias import METHODS, debias
    from fairlm.mitigation.adversarial import (
        AdversaryHead,
        adversarial_loss,
        grad_reverse,
        probe_accuracy,
    )
    from fairlm.mitigation.cda import AXES, MODES, CounterfactualAugmenter
    from fairlm.mitigation.constraint import counterfactual_loss


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'fairlm.mitigation' has no attribute {name!r}")
