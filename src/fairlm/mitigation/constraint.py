"""Fairness-constrained fine-tuning: penalise treating a text and its counterfactual differently.

Each training text carries its counterfactual (the same text with demographic terms
swapped by :class:`~fairlm.augment.CounterfactualAugmenter`). The loss is the usual
causal-LM loss on the text plus ``strength`` (lambda) times one of two regularisers,
averaged over the texts of the batch that have a counterfactual:

``loglik``
    The absolute gap between the mean per-token log-likelihood of the text and of its
    counterfactual: ``|mean log p(x) - mean log p(x')|`` (nats per token). This is the
    quantity CrowS-Pairs and StereoSet compare (bias-bench protocol), so the model is
    asked directly to stop preferring one group's version of a sentence. In the spirit of
    counterfactual logit pairing (Garg et al., AIES 2019) and of the equalising losses of
    Qian et al. (ACL SRW 2019).
``kl``
    The symmetric KL divergence between the model's next-token distributions over the
    tokens that follow the swapped words, at aligned positions (the common token suffix
    of the two texts, aligned from the end): after "he" and after "she" the rest of the
    sentence should be predicted alike (Huang et al., Findings of EMNLP 2020, regularise
    counterfactual pairs in the same way).

Absolute rather than squared gaps: typical gaps are a few hundredths of a nat per token,
and a square would make the penalty vanish.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar, Literal

from fairlm._config import option
from fairlm.mitigation._method import DebiasData, DebiasRun, Fitted, WeightedMethod

__all__ = ["Constraint"]


@dataclass(kw_only=True)
class Constraint(WeightedMethod):
    """Fine-tune with a penalty on the gap between each text and its counterfactual."""

    name: ClassVar[str] = "constraint"

    constraint_kind: Literal["loglik", "kl"] = option(
        "loglik",
        group="method",
        help="loglik: penalise the gap in mean log-likelihood between a text and its "
        "counterfactual; kl: the divergence of their next-token distributions after the swap",
    )

    def fit(self, lm: Any, data: DebiasData, run: DebiasRun) -> Fitted:
        from fairlm.mitigation._counterfactual_loss import counterfactual_loss
        from fairlm.mitigation._data import counterfactual_examples
        from fairlm.mitigation._finetune import finetune

        aug = run.augmenter(self.axis, lang=self.lang)
        examples = counterfactual_examples(
            lm.tokenizer,
            data.train,
            [aug.swap(t) for t in data.train],
            prefix_id=lm.prefix_token_id,
            max_length=run.config.max_length,
        )
        loss = counterfactual_loss(self.strength, kind=self.constraint_kind)
        tuned = finetune(lm, examples, data, run, method=self.name, loss_fn=loss)
        return tuned.with_details(
            {
                "kind": self.constraint_kind,
                "texts_with_counterfactual": sum(e["has_cf"] for e in examples),
            }
        )
