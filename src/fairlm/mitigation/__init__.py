"""Bias mitigation: one driver, one small class per method.

:func:`debias` with a :class:`DebiasConfig` is ``fairlm debias``: audit the model, let
the method make a less biased version of it, audit that, compare. The methods, by
registry name (:data:`METHODS`):

* ``cda`` (:class:`~fairlm.mitigation.cda.CDA`): fine-tune on the counterfactually
  augmented corpus;
* ``adversarial`` (:class:`~fairlm.mitigation.adversarial.Adversarial`): fine-tune
  against an adversary that predicts the protected attribute from the hidden states;
* ``constraint`` (:class:`~fairlm.mitigation.constraint.Constraint`): fine-tune with a
  penalty on the gap between each text and its counterfactual;
* ``finetune`` (:class:`~fairlm.mitigation.finetune.FineTune`): the control, plain
  fine-tuning;
* ``leace``, ``sentence-debias``, ``inlp`` (:class:`~fairlm.mitigation.leace.LEACE`,
  :class:`~fairlm.mitigation.sentence_debias.SentenceDebias`,
  :class:`~fairlm.mitigation.inlp.INLP`): no training; erase the attribute from the
  hidden states with an eraser fitted on counterfactual pairs
  (:class:`ErasureMethod`);
* ``self-debias`` (:class:`~fairlm.mitigation.self_debias.SelfDebias`): no training;
  rescale next-token probabilities that debiasing prefixes make more likely.

A method is a :class:`Method`: its options are dataclass fields, :meth:`Method.fit`
returns the debiased model (see :mod:`fairlm.mitigation._method`); options several
methods share come from :class:`AxisMethod` and :class:`WeightedMethod`. Adding a method
is a module and a line in the registry below. In Python::

    debias(DebiasConfig(method=Constraint(strength=5.0), corpus=["bold:gender"],
                        output_dir="runs/c", lora=True))

The pieces the methods are built from are public too: :class:`AdversaryHead`,
:func:`grad_reverse`, :func:`adversarial_loss`, :func:`probe_accuracy`,
:func:`counterfactual_loss`. The counterfactual augmenter is
:mod:`fairlm.augment`.

Importing this package is cheap; torch is imported when a method is used.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from fairlm._registry import Registry

__all__ = [
    "METHODS",
    "CDA",
    "Adversarial",
    "AdversaryHead",
    "AxisMethod",
    "Constraint",
    "CounterfactualAugmenter",
    "DebiasConfig",
    "ErasureMethod",
    "FineTune",
    "INLP",
    "LEACE",
    "Fitted",
    "Method",
    "SelfDebias",
    "SentenceDebias",
    "WeightedMethod",
    "adversarial_loss",
    "compare_results",
    "counterfactual_loss",
    "debias",
    "grad_reverse",
    "heldout_perplexity",
    "probe_accuracy",
]

METHODS: Registry = Registry("mitigation method")
METHODS.add("cda", "fairlm.mitigation.cda:CDA")
METHODS.add("adversarial", "fairlm.mitigation.adversarial:Adversarial")
METHODS.add("constraint", "fairlm.mitigation.constraint:Constraint")
METHODS.add("finetune", "fairlm.mitigation.finetune:FineTune")
METHODS.add("leace", "fairlm.mitigation.leace:LEACE")
METHODS.add("sentence-debias", "fairlm.mitigation.sentence_debias:SentenceDebias")
METHODS.add("inlp", "fairlm.mitigation.inlp:INLP")
METHODS.add("self-debias", "fairlm.mitigation.self_debias:SelfDebias")

_LAZY = {
    "DebiasConfig": "fairlm.mitigation._config",
    "debias": "fairlm.mitigation._driver",
    "Fitted": "fairlm.mitigation._method",
    "Method": "fairlm.mitigation._method",
    "AxisMethod": "fairlm.mitigation._method",
    "WeightedMethod": "fairlm.mitigation._method",
    "CDA": "fairlm.mitigation.cda",
    "Adversarial": "fairlm.mitigation.adversarial",
    "Constraint": "fairlm.mitigation.constraint",
    "FineTune": "fairlm.mitigation.finetune",
    "ErasureMethod": "fairlm.mitigation._erasure",
    "LEACE": "fairlm.mitigation.leace",
    "SentenceDebias": "fairlm.mitigation.sentence_debias",
    "INLP": "fairlm.mitigation.inlp",
    "SelfDebias": "fairlm.mitigation.self_debias",
    "compare_results": "fairlm.mitigation._evaluate",
    "heldout_perplexity": "fairlm.mitigation._evaluate",
    "AdversaryHead": "fairlm.mitigation._adversary",
    "adversarial_loss": "fairlm.mitigation._adversary",
    "grad_reverse": "fairlm.mitigation._adversary",
    "probe_accuracy": "fairlm.mitigation._adversary",
    "counterfactual_loss": "fairlm.mitigation._counterfactual_loss",
    # kept here for one release; they moved to fairlm.augment
    "CounterfactualAugmenter": "fairlm.augment",
    "AXES": "fairlm.augment",
    "MODES": "fairlm.augment",
}

if TYPE_CHECKING:
    from fairlm.augment import CounterfactualAugmenter
    from fairlm.mitigation._adversary import (
        AdversaryHead,
        adversarial_loss,
        grad_reverse,
        probe_accuracy,
    )
    from fairlm.mitigation._config import DebiasConfig
    from fairlm.mitigation._counterfactual_loss import counterfactual_loss
    from fairlm.mitigation._driver import debias
    from fairlm.mitigation._erasure import ErasureMethod
    from fairlm.mitigation._evaluate import compare_results, heldout_perplexity
    from fairlm.mitigation._method import AxisMethod, Fitted, Method, WeightedMethod
    from fairlm.mitigation.adversarial import Adversarial
    from fairlm.mitigation.cda import CDA
    from fairlm.mitigation.constraint import Constraint
    from fairlm.mitigation.finetune import FineTune
    from fairlm.mitigation.inlp import INLP
    from fairlm.mitigation.leace import LEACE
    from fairlm.mitigation.self_debias import SelfDebias
    from fairlm.mitigation.sentence_debias import SentenceDebias


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'fairlm.mitigation' has no attribute {name!r}")
