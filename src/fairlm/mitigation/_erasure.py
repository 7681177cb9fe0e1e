"""What the concept-erasure methods share: where they erase and how they are probed.

An erasure method (LEACE, SentenceDebias, INLP) trains nothing. It fits an eraser of the
protected attribute (:class:`fairlm.models._erasure.Eraser`, an affine map of the hidden
states) from the model's own hidden states on counterfactual pairs of training texts,
then the erased model is audited like any other. The loop (pairs, states at each point,
fit, probes before and after, save) is :func:`fairlm.mitigation._hidden.erase`; a
method supplies :meth:`ErasureMethod.fit_eraser`. This module imports nothing heavy.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fairlm._config import ConfigError, option
from fairlm.mitigation._method import AxisMethod, DebiasData, DebiasRun, Fitted

__all__ = ["ErasureMethod"]


@dataclass(kw_only=True)
class ErasureMethod(AxisMethod):
    """A training-free method that erases the attribute from the hidden states."""

    layers: str = option(
        "final",
        group="method",
        help="erasure: where to erase: 'final' (the hidden states the LM head reads; a "
        "linear eraser there is folded into the head's weights), decoder layer indices "
        "(comma-separated, negative from the end: each layer's output), or 'all'",
    )
    probe_max_train: int = option(
        1000,
        group="method",
        minimum=1,
        help="labelled training texts the probes learn from (default 1000)",
    )

    def __post_init__(self) -> None:
        super().__post_init__()
        from fairlm.models._erasure import parse_points

        try:
            parse_points(self.layers, 1 << 20)
        except ValueError as exc:
            raise ConfigError("layers", str(exc).removeprefix("layers: ")) from None

    def fit(self, lm: Any, data: DebiasData, run: DebiasRun) -> Fitted:
        from fairlm.mitigation._hidden import erase

        return erase(self, lm, data, run)

    def fit_eraser(self, x: Any, z: Any, n_classes: int, seed: int) -> tuple[Any, dict]:
        """The eraser for states ``x`` (N, H) float64 of texts labelled ``z`` (N,), each
        text at an even row followed by its counterfactual; and facts for the details."""
        raise NotImplementedError
