"""Counterfactual data augmentation as a mitigation: fine-tune on the corpus with each
text's counterfactual added (two-sided) or in its place (one-sided).

The augmenter itself (:class:`fairlm.augment.CounterfactualAugmenter`, with its rules
and word lists) lives in :mod:`fairlm.augment`, which ``fairlm train --cda`` and
``fairlm augment`` use too. The augmented texts are kept in
``DIR/data/train_augmented.txt``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from fairlm._config import option
from fairlm._io import atomic_write_text
from fairlm.augment import Mode
from fairlm.mitigation._method import AxisMethod, DebiasData, DebiasRun, Fitted

__all__ = ["CDA"]


@dataclass(kw_only=True)
class CDA(AxisMethod):
    """Fine-tune on the counterfactually augmented corpus."""

    name: ClassVar[str] = "cda"

    cda_mode: Mode = option(
        "two-sided",
        group="method",
        help="two-sided: train on each text and its counterfactual; one-sided: on the "
        "counterfactual in its place",
    )

    def fit(self, lm: Any, data: DebiasData, run: DebiasRun) -> Fitted:
        from fairlm.mitigation._finetune import encode_texts, finetune

        aug = run.augmenter(self.axis, self.cda_mode, lang=self.lang)
        augmented = aug.augment(data.train)
        if run.is_main:
            atomic_write_text(
                run.output_dir / "data" / "train_augmented.txt",
                "".join(t + "\n" for t in augmented),
            )
        examples = encode_texts(lm, augmented, run.config.max_length)
        tuned = finetune(lm, examples, data, run, method=self.name)
        return tuned.with_details(
            {
                "mode": self.cda_mode,
                "texts_in": len(data.train),
                "texts_out": len(augmented),
                "texts_swapped": sum(aug.swap_count(t)[1] > 0 for t in data.train),
            }
        )
