"""The control: plain causal-LM fine-tuning on the same texts, no mitigation at all.

Whatever a method changes beyond what this changes is the method's effect; what this
changes too (StereoSet scores move under any fine-tuning on new text) is not.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from fairlm.mitigation._method import DebiasData, DebiasRun, Fitted, Method

__all__ = ["FineTune"]


@dataclass(kw_only=True)
class FineTune(Method):
    """Fine-tune on the corpus as it is (no options)."""

    name: ClassVar[str] = "finetune"

    def fit(self, lm: Any, data: DebiasData, run: DebiasRun) -> Fitted:
        from fairlm.mitigation._finetune import encode_texts, finetune

        examples = encode_texts(lm, data.train, run.config.max_length)
        return finetune(lm, examples, data, run, method=self.name).fitted
