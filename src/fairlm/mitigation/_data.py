"""Training examples for the mitigation methods: tokenised texts and their collation.

Every text is encoded as ``[prefix token] + tokens`` (the model's document-start token,
the same context the benchmarks score a sentence in), so the first word is trained in the
context it is later measured in. Examples are plain dicts of Python lists; the collate
function pads them into tensors.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from typing import Any

__all__ = ["encode", "split_heldout", "collate", "counterfactual_examples", "attribute_examples"]


def encode(tokenizer: Any, text: str, *, prefix_id: int, max_length: int) -> list[int]:
    """``[prefix_id] + token ids of text``, cut to ``max_length`` tokens."""
    ids = tokenizer(text, add_special_tokens=False)["input_ids"]
    return [prefix_id, *ids][:max_length]


def split_heldout(
    texts: Sequence[str], *, fraction: float, seed: int, max_heldout: int | None = None
) -> tuple[list[str], list[str]]:
    """(train, held-out): a seeded random ``fraction`` of the distinct texts is held out.

    Duplicates are removed first so that no held-out text also appears in training.
    """
    unique = list(dict.fromkeys(t for t in texts if t.strip()))
    order = list(range(len(unique)))
    random.Random(seed).shuffle(order)
    n = max(1, round(fraction * len(unique))) if fraction > 0 else 0
    if max_heldout is not None:
        n = min(n, max_heldout)
    held = sorted(order[:n])
    train = sorted(order[n:])
    return [unique[i] for i in train], [unique[i] for i in held]


def attribute_examples(
    tokenizer: Any,
    texts: Sequence[str],
    attributes: Sequence[int],
    *,
    prefix_id: int,
    max_length: int,
) -> list[dict[str, Any]]:
    """Examples with an ``attribute`` label (-100 where a text has none: ignored)."""
    return [
        {
            "input_ids": encode(tokenizer, t, prefix_id=prefix_id, max_length=max_length),
            "attribute": a if a >= 0 else -100,
        }
        for t, a in zip(texts, attributes, strict=True)
    ]


def counterfactual_examples(
    tokenizer: Any,
    texts: Sequence[str],
    counterfactuals: Sequence[str],
    *,
    prefix_id: int,
    max_length: int,
) -> list[dict[str, Any]]:
    """Examples carrying their counterfactual (``cf_input_ids``); ``has_cf`` is 0 where the
    counterfactual equals the text (nothing to compare)."""
    out = []
    for t, c in zip(texts, counterfactuals, strict=True):
        ids = encode(tokenizer, t, prefix_id=prefix_id, max_length=max_length)
        cf = encode(tokenizer, c, prefix_id=prefix_id, max_length=max_length)
        out.append({"input_ids": ids, "cf_input_ids": cf, "has_cf": int(cf != ids)})
    return out


def _pad(seqs: list[list[int]], pad_id: int):
    import torch

    width = max(len(s) for s in seqs)
    ids = torch.full((len(seqs), width), pad_id, dtype=torch.long)
    mask = torch.zeros((len(seqs), width), dtype=torch.long)
    for r, s in enumerate(seqs):
        ids[r, : len(s)] = torch.tensor(s, dtype=torch.long)
        mask[r, : len(s)] = 1
    labels = ids.masked_fill(mask == 0, -100)
    return ids, mask, labels


def collate(examples: list[dict[str, Any]], *, pad_id: int = 0) -> dict[str, Any]:
    """Right-pad ``input_ids`` (and ``cf_input_ids``) into tensors with attention masks
    and labels (-100 on padding); other integer keys become a LongTensor."""
    import torch

    batch: dict[str, Any] = {}
    ids, mask, labels = _pad([list(e["input_ids"]) for e in examples], pad_id)
    batch.update(input_ids=ids, attention_mask=mask, labels=labels)
    if "cf_input_ids" in examples[0]:
        cids, cmask, clabels = _pad([list(e["cf_input_ids"]) for e in examples], pad_id)
        batch.update(cf_input_ids=cids, cf_attention_mask=cmask, cf_labels=clabels)
    for key in examples[0]:
        if key not in ("input_ids", "cf_input_ids", "attention_mask", "labels"):
            batch[key] = torch.tensor([e[key] for e in examples], dtype=torch.long)
    return batch
