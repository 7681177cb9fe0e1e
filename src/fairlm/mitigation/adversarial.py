"""Adversarial debiasing: train the LM so its hidden states do not reveal a protected attribute.

An adversary head reads the LM's hidden states (last layer, mean over the text's tokens)
and predicts the protected attribute of each training text (for gender: whether the
text's gendered terms are male or female, from :meth:`CounterfactualAugmenter.attribute`;
texts with none or both are ignored). The LM minimises its language-modelling loss while
*maximising* the adversary's loss, through a gradient reversal layer (Ganin & Lempitsky,
"Unsupervised Domain Adaptation by Backpropagation", ICML 2015) placed between the
hidden states and the adversary: the adversary learns to predict the attribute, the LM
receives ``-strength`` times the adversary's gradient. This is the adversarial learning
of Zhang, Lemoine & Mitchell ("Mitigating Unwanted Biases with Adversarial Learning",
AIES 2018) without their projection term. Maximising the adversary's loss is unbounded,
so a second objective, ``confusion``, asks instead that the adversary's prediction be
uniform (Alvi, Zisserman & Nellaker, "Turning a Blind Eye", ECCV Workshops 2018), with
the adversary updated on detached hidden states (alternating roles within one step).

Success is read off a *fresh* probe (:func:`probe_accuracy`): a new head trained on the
hidden states of the model before and after, scored on held-out texts. It should fall
towards chance (the majority-class rate) after training; the training adversary's own
accuracy is also logged (``adv_acc``), but a fooled adversary alone proves little
(Elazar & Goldberg, EMNLP 2018, found that a new probe often recovers the attribute).
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Any, ClassVar, Literal

from fairlm._config import option
from fairlm.mitigation._method import DebiasData, DebiasRun, Fitted, WeightedMethod

__all__ = ["Adversarial"]


@dataclass(kw_only=True)
class Adversarial(WeightedMethod):
    """Fine-tune against an adversary that reads the attribute off the hidden states."""

    name: ClassVar[str] = "adversarial"

    adversary_objective: Literal["reversal", "confusion"] = option(
        "reversal",
        group="method",
        help="reversal: gradient reversal (maximise the adversary's loss); "
        "confusion: push the adversary's prediction to uniform (bounded)",
    )
    probe_max_train: int = option(
        1000,
        group="method",
        minimum=1,
        help="labelled training texts the probes learn from (default 1000)",
    )

    def fit(self, lm: Any, data: DebiasData, run: DebiasRun) -> Fitted:
        from fairlm.mitigation._adversary import AdversaryHead, adversarial_loss, probe_accuracy
        from fairlm.mitigation._data import attribute_examples
        from fairlm.mitigation._finetune import finetune

        aug = run.augmenter(self.axis, lang=self.lang)
        examples, held = (
            attribute_examples(
                lm.tokenizer,
                texts,
                [aug.attribute(t) for t in texts],
                prefix_id=lm.prefix_token_id,
                max_length=run.config.max_length,
            )
            for texts in (data.train, data.heldout)
        )
        probe_train = _labelled_sample(examples, self.probe_max_train, run.config.seed)

        def probe(model: Any, when: str) -> tuple[dict[str, Any], Any]:
            """A fresh probe of the attribute on ``model``'s hidden states, logged."""
            result, head = probe_accuracy(
                model,
                probe_train,
                held,
                n_classes=len(aug.groups),
                pad_id=lm.pad_token_id,
                seed=run.config.seed,
                bf16=run.config.mixed_precision == "bf16",
            )
            run.log(
                f"adversary: probe accuracy {when} {result['accuracy']:.2f}% "
                f"(chance {result['chance']:.2f}%)"
            )
            return result, head

        run.log(f"adversary: probing the original model ({len(probe_train)} labelled texts)")
        before, head = probe(lm.model, "before")
        adversary = AdversaryHead(head.mean.numel(), len(aug.groups))
        adversary.load_state_dict(head.state_dict())  # start from a competent adversary
        loss = adversarial_loss(self.strength, objective=self.adversary_objective)
        tuned = finetune(
            lm, examples, data, run, method=self.name, loss_fn=loss, extra_modules=adversary
        )
        after, _ = probe(tuned.model, "after")
        return tuned.with_details(
            {
                "groups": list(aug.groups),
                "objective": self.adversary_objective,
                "labelled_train_texts": sum(e["attribute"] >= 0 for e in examples),
                "probe_before": before,
                "probe_after": after,
                "training_adversary_accuracy": _first_last(tuned.result.logs, "adv_acc"),
            }
        )


def _labelled_sample(examples: list[dict], n: int, seed: int) -> list[dict]:
    """At most ``n`` examples with an attribute label, a seeded sample."""
    labelled = [e for e in examples if e["attribute"] >= 0]
    if len(labelled) > n:
        labelled = random.Random(seed).sample(labelled, n)
    return labelled


def _first_last(logs: list[dict], key: str) -> dict[str, float] | None:
    """Mean of ``key`` over the first and over the last few steps, in percent."""
    import numpy as np

    values = [e[key] for e in logs if key in e]
    if not values:
        return None
    k = max(1, min(10, len(values) // 5))
    first, last = float(np.mean(values[:k])), float(np.mean(values[-k:]))
    return {"first": 100.0 * first, "last": 100.0 * last}
