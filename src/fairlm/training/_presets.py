"""GPT-2-architecture model sizes, from a seconds-to-train toy to GPT-2 small.

``small`` is GPT-2 small (Radford et al., 2019: 12 layers, 768 wide, 12 heads, 1,024
positions); ``nano`` is nanoGPT's Shakespeare configuration (6 x 384, 6 heads); ``tiny``
and ``mini`` are for tests and CPU runs. Parameter counts depend on the vocabulary.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fairlm.training._errors import TrainingError

__all__ = ["PRESETS", "GPT2Preset", "gpt2_config"]


@dataclass(frozen=True)
class GPT2Preset:
    n_layer: int
    n_embd: int
    n_head: int
    n_positions: int


PRESETS: dict[str, GPT2Preset] = {
    "tiny": GPT2Preset(n_layer=2, n_embd=64, n_head=2, n_positions=128),
    "mini": GPT2Preset(n_layer=4, n_embd=128, n_head=4, n_positions=256),
    "nano": GPT2Preset(n_layer=6, n_embd=384, n_head=6, n_positions=256),
    "small": GPT2Preset(n_layer=12, n_embd=768, n_head=12, n_positions=1024),
}


def gpt2_config(
    preset: str,
    *,
    vocab_size: int,
    eos_token_id: int,
    dropout: float = 0.1,
    **overrides: int | None,
) -> Any:
    """A ``GPT2Config`` from a preset; ``overrides`` (n_layer, n_embd, n_head,
    n_positions) replace the preset's values where not None."""
    from transformers import GPT2Config

    if preset not in PRESETS:
        from fairlm._registry import did_you_mean

        raise TrainingError(f"unknown preset {preset!r}.{did_you_mean(preset, list(PRESETS))}")
    sizes = {k: v for k, v in vars(PRESETS[preset]).items()}
    sizes.update({k: v for k, v in overrides.items() if v is not None})
    if sizes["n_embd"] % sizes["n_head"]:
        raise TrainingError(
            f"n_embd ({sizes['n_embd']}) must be a multiple of n_head ({sizes['n_head']})"
        )
    return GPT2Config(
        vocab_size=vocab_size,
        bos_token_id=eos_token_id,
        eos_token_id=eos_token_id,
        resid_pdrop=dropout,
        embd_pdrop=dropout,
        attn_pdrop=dropout,
        **sizes,
    )
