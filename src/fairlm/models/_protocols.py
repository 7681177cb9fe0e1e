"""Named sentence-scoring protocols.

A causal LM needs some context before a sentence's first token, and the reference tools
differ in what they give it (see ``PROTOCOLS.md`` in the project notes):

``lm-eval``
    lm-evaluation-harness (``crows_pairs_english``): the model's document-start token is
    prepended and the sentence's summed log-likelihood is the score.
``bias-bench``
    Meade et al., ACL 2022: the first token's log-probability comes from a pass over the
    document-start token alone; tokens 2..n from one pass over the sentence with nothing
    in front (token 2 sees only token 1); the score is the mean token log-probability.

Other combinations are available through :class:`ScoringProtocol` directly.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

__all__ = ["PROTOCOLS", "ScoringProtocol", "get_protocol"]

Reduction = Literal["sum", "mean"]
FirstToken = Literal["prefix", "isolated", "unscored"]


@dataclass(frozen=True)
class ScoringProtocol:
    """How a sentence becomes one number.

    ``first_token``:
      * ``"prefix"``: the prefix token is prepended; every sentence token is scored in
        one pass.
      * ``"isolated"``: token 1 is scored from the prefix token alone; tokens 2..n from a
        pass over the sentence without the prefix.
      * ``"unscored"``: no prefix; token 1 is context only and not scored.
    ``reduction``: ``"sum"`` (log-likelihood, nats) or ``"mean"`` (per scored token).
    """

    name: str
    reduction: Reduction
    first_token: FirstToken

    def __post_init__(self) -> None:
        if self.reduction not in ("sum", "mean"):
            raise ValueError(f"reduction must be 'sum' or 'mean', not {self.reduction!r}")
        if self.first_token not in ("prefix", "isolated", "unscored"):
            raise ValueError(
                f"first_token must be 'prefix', 'isolated' or 'unscored', not {self.first_token!r}"
            )


PROTOCOLS: dict[str, ScoringProtocol] = {
    p.name: p
    for p in (
        ScoringProtocol("lm-eval", "sum", "prefix"),
        ScoringProtocol("bias-bench", "mean", "isolated"),
        ScoringProtocol("sum", "sum", "prefix"),
        ScoringProtocol("mean", "mean", "prefix"),
        ScoringProtocol("sum-no-prefix", "sum", "unscored"),
        ScoringProtocol("mean-no-prefix", "mean", "unscored"),
    )
}


def get_protocol(protocol: str | ScoringProtocol) -> ScoringProtocol:
    if isinstance(protocol, ScoringProtocol):
        return protocol
    if protocol not in PROTOCOLS:
        from fairlm._registry import unknown_name_message
        from fairlm.errors import UnknownNameError

        raise UnknownNameError(unknown_name_message("scoring protocol", protocol, list(PROTOCOLS)))
    return PROTOCOLS[protocol]
