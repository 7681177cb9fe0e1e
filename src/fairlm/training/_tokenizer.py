"""Train a byte-level BPE tokenizer on a corpus (Hugging Face ``tokenizers``).

Byte-level BPE as in GPT-2 (Radford et al., 2019; BPE from Sennrich et al., ACL 2016):
every byte is in the base alphabet, so any text encodes without an unknown token.
``<|endoftext|>`` is the one special token: it separates documents, and serves as BOS,
EOS and padding, as in GPT-2.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

__all__ = ["train_bpe_tokenizer", "EOS_TOKEN"]

EOS_TOKEN = "<|endoftext|>"


def train_bpe_tokenizer(
    texts: Iterable[str],
    *,
    vocab_size: int = 8192,
    min_frequency: int = 2,
    model_max_length: int = 1024,
    show_progress: bool = False,
) -> Any:
    """A ``PreTrainedTokenizerFast`` trained on ``texts`` (streamed once)."""
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
    from transformers import PreTrainedTokenizerFast

    tk = Tokenizer(models.BPE())
    tk.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tk.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=vocab_size,
        min_frequency=min_frequency,
        special_tokens=[EOS_TOKEN],
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
        show_progress=show_progress,
    )
    tk.train_from_iterator(texts, trainer=trainer)
    tok = PreTrainedTokenizerFast(
        tokenizer_object=tk,
        bos_token=EOS_TOKEN,
        eos_token=EOS_TOKEN,
        pad_token=EOS_TOKEN,
        unk_token=None,
        model_max_length=model_max_length,
    )
    return tok
