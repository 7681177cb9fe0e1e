"""Self-Debias as a mitigation method: the model's scores and generations rescaled by its
own next-token distributions under debiasing prefixes (Schick, Udupa, Schütze, TACL 2021;
the formula and its cost: :mod:`fairlm.models._self_debias`).

Nothing is fitted and the corpus is not read. ``DIR/model`` holds the original weights
with ``fairlm_model.json`` naming the prefixes, the decay constant and the floor:
:func:`fairlm.models.load_model` gives it back as a self-debiased model; plain
transformers loads it as the original model.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar, Literal

from fairlm._config import option
from fairlm._io import atomic_write_json
from fairlm.mitigation._method import AxisMethod, DebiasData, DebiasRun, Fitted

__all__ = ["SelfDebias"]


@dataclass(kw_only=True)
class SelfDebias(AxisMethod):
    """Rescale next-token probabilities that debiasing prefixes make more likely."""

    name: ClassVar[str] = "self-debias"

    decay_constant: float = option(
        50.0, group="method", minimum=0.0, help="self-debias: lambda of the decay (paper: 50)"
    )
    self_debias_epsilon: float = option(
        0.01, group="method", minimum=0.0, help="self-debias: the smallest scale of a token"
    )
    self_debias_prefixes: Literal["axis", "all"] = option(
        "axis",
        group="method",
        help="self-debias: the --axis's prefix, or the paper's nine (one extra pass each)",
    )

    def prefixes(self) -> list[str]:
        from fairlm.models._self_debias import DEBIASING_PREFIXES

        if self.self_debias_prefixes == "all":
            return list(DEBIASING_PREFIXES.values())
        return [DEBIASING_PREFIXES[self.axis]]

    def fit(self, lm: Any, data: DebiasData, run: DebiasRun) -> Fitted:
        from fairlm.models._self_debias import COST_NOTE, SelfDebiasLM

        debiased = SelfDebiasLM.wrap(
            lm,
            self.prefixes(),
            decay_constant=self.decay_constant,
            epsilon=self.self_debias_epsilon,
        )
        folder = run.output_dir / "model"
        if run.is_main:
            lm.model.save_pretrained(folder, safe_serialization=True)
            lm.tokenizer.save_pretrained(folder)
            atomic_write_json(
                folder / "fairlm_model.json",
                {
                    "base_model": str(run.config.model),
                    "prefix_token": lm.prefix_token,
                    "debias_method": self.name,
                    "self_debias": debiased.settings(),
                },
            )
        run.log(f"self-debias: {len(self.prefixes())} prefix(es); {COST_NOTE}")
        return Fitted(folder, details={**debiased.settings(), "cost": COST_NOTE})
