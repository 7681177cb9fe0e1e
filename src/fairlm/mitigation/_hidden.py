"""What the concept-erasure methods share (:mod:`fairlm.mitigation._erasure`): the
counterfactual pairs they learn from, the model's hidden states at a point, fresh probes
of the attribute, and the fit-apply-save loop. Needs torch.

Each labelled text (one group's terms only, :meth:`CounterfactualAugmenter.attribute`)
and its counterfactual (the terms swapped) form a pair of texts labelled with their two
groups. A text is represented as in the probes of the adversarial method: ``[prefix
token] + tokens``, the hidden states at a point averaged over those tokens. The erasers
are fitted on these mean-pooled states and applied to every token's state; an affine
eraser commutes with averaging, so the pooled states of the erased model are exactly the
erased pooled states.
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import torch

from fairlm._io import atomic_write_json
from fairlm.errors import FairlmError
from fairlm.mitigation._data import collate, encode
from fairlm.mitigation._method import DebiasData, DebiasRun, Fitted
from fairlm.models._erasure import (
    FINAL,
    Eraser,
    erasure_hooks,
    layer_count,
    parse_points,
    point_module,
    replace_output,
    save_erased,
)

__all__ = [
    "Pairs",
    "attribute_probes",
    "class_mean_gap",
    "counterfactual_pairs",
    "erase",
    "pooled_states",
]


@dataclass(frozen=True)
class Pairs:
    """Texts and their group labels, each text next to its counterfactual."""

    texts: list[str]
    labels: list[int]

    def __len__(self) -> int:
        return len(self.texts)

    def sample(self, n: int, seed: int) -> Pairs:
        """At most ``n`` texts: a seeded sample of whole pairs."""
        k = len(self.texts) // 2
        if 2 * k <= n:
            return self
        keep = sorted(random.Random(seed).sample(range(k), max(1, n // 2)))
        idx = [j for i in keep for j in (2 * i, 2 * i + 1)]
        return Pairs([self.texts[j] for j in idx], [self.labels[j] for j in idx])


def counterfactual_pairs(aug: Any, texts: Sequence[str]) -> Pairs:
    """Each text about one group, followed by its counterfactual (about another)."""
    out_t: list[str] = []
    out_z: list[int] = []
    for t in texts:
        a = aug.attribute(t)
        if a < 0:
            continue
        cf = aug.swap(t)
        b = aug.attribute(cf)
        if cf != t and b >= 0 and b != a:
            out_t += [t, cf]
            out_z += [a, b]
    return Pairs(out_t, out_z)


@torch.no_grad()
def pooled_states(
    lm: Any, texts: Sequence[str], point: str = FINAL, *, max_length: int = 64, batch: int = 32
) -> torch.Tensor:
    """Mean over ``[prefix token] + tokens`` of the hidden states at ``point``, (N, H)
    float64, with whatever erasers are installed before it applied."""
    model = lm.model
    body = model.get_decoder() if hasattr(model, "get_decoder") else model.base_model
    seen: list[torch.Tensor] = []

    def capture(_m: Any, _a: Any, output: Any) -> Any:
        replace_output(output, lambda h: seen.append(h) or h)

    handle = point_module(model, point).register_forward_hook(capture)
    out = []
    try:
        for s in range(0, len(texts), batch):
            ex = [
                {
                    "input_ids": encode(
                        lm.tokenizer, t, prefix_id=lm.prefix_token_id, max_length=max_length
                    )
                }
                for t in texts[s : s + batch]
            ]
            b = collate(ex, pad_id=lm.pad_token_id)
            seen.clear()
            mask = b["attention_mask"].to(lm.device)
            body(input_ids=b["input_ids"].to(lm.device), attention_mask=mask)
            m = b["attention_mask"].to(seen[-1].device)[..., None].double()  # (B, T, 1)
            out.append(((seen[-1].double() * m).sum(1) / m.sum(1)).cpu())  # (B, H)
    finally:
        handle.remove()
    return torch.cat(out) if out else torch.empty(0)


def class_mean_gap(x: torch.Tensor, z: torch.Tensor) -> float:
    """Largest distance between a class's mean and the overall mean, relative to the
    mean norm of the centred features: 0 when no linear probe can do better than chance
    (the LEACE criterion)."""
    centred = x - x.mean(0)
    scale = centred.norm(dim=1).mean().clamp_min(1e-12)
    gaps = [(x[z == c].mean(0) - x.mean(0)).norm() for c in z.unique()]
    return float(max(gaps) / scale)


def attribute_probes(
    lm: Any, train: Pairs, test: Pairs, *, n_classes: int, seed: int, max_length: int = 64
) -> dict[str, Any]:
    """Fresh probes of the attribute from the mean-pooled final hidden states (the LM
    head's input), fitted on ``train``, scored on held-out ``test``: linear (what LEACE
    guards against) and a one-hidden-layer MLP (what it does not)."""
    from fairlm.mitigation._adversary import probe_from_features

    x = pooled_states(lm, train.texts, max_length=max_length).float()
    xt = pooled_states(lm, test.texts, max_length=max_length).float()
    y, yt = torch.tensor(train.labels), torch.tensor(test.labels)
    out: dict[str, Any] = {}
    for kind, width in (("linear", 0), ("mlp", 128)):
        out[kind], _ = probe_from_features(
            x, y, xt, yt, n_classes=n_classes, width=width, seed=seed
        )
    out["class_mean_gap_train"] = class_mean_gap(x.double(), y)
    return out


def erase(method: Any, lm: Any, data: DebiasData, run: DebiasRun) -> Fitted:
    """Fit ``method``'s eraser at each of its points in turn (each on the states with the
    earlier erasers applied), probe before and after, save the erased model."""
    aug = run.augmenter(method.axis, lang=method.lang)
    n_classes = len(aug.groups)
    fit, held = counterfactual_pairs(aug, data.train), counterfactual_pairs(aug, data.heldout)
    if len(set(fit.labels)) < 2:
        raise FairlmError(
            f"{method.name}: the training texts hold {len(fit) // 2} {method.axis} "
            "counterfactual pairs; erasure needs texts about at least two groups"
        )
    points = parse_points(method.layers, layer_count(lm.model))
    run.log(f"{method.name}: {len(fit) // 2} pairs to fit, {len(held) // 2} held out; {points}")
    length = run.config.max_length
    probe_fit = fit.sample(method.probe_max_train, run.config.seed)
    probe = len(held) > 0

    def probes() -> dict[str, Any] | None:
        if not probe:
            return None
        return attribute_probes(
            lm, probe_fit, held, n_classes=n_classes, seed=run.config.seed, max_length=length
        )

    before = probes()
    erasers: dict[str, Eraser] = {}
    facts: dict[str, Any] = {}
    z = torch.tensor(fit.labels)
    for point in points:
        with erasure_hooks(lm.model, erasers):
            x = pooled_states(lm, fit.texts, point, max_length=length)
        erasers[point], facts[point] = method.fit_eraser(x, z, n_classes, run.config.seed)
        facts[point].update(
            rank=erasers[point].rank,
            class_mean_gap_before=class_mean_gap(x, z),
            class_mean_gap_after=class_mean_gap(erasers[point](x), z),
        )
        run.log(f"{method.name}: {point}: removed rank {erasers[point].rank}")
    with erasure_hooks(lm.model, erasers):
        after = probes()
    return _save(method, lm, run, erasers, aug, _details(aug, fit, held, facts, before, after))


def _details(aug, fit, held, facts, before, after) -> dict[str, Any]:
    return {
        "attribute": aug.axis,
        "groups": list(aug.groups),
        "pairs_fit": len(fit) // 2,
        "pairs_heldout": len(held) // 2,
        "points": facts,
        "probe_before": before,
        "probe_after": after,
    }


def _save(
    method: Any,
    lm: Any,
    run: DebiasRun,
    erasers: Mapping[str, Eraser],
    aug: Any,
    details: dict[str, Any],
) -> Fitted:
    folder = run.output_dir / "model"
    meta = {"method": method.name, "attribute": aug.axis, "groups": list(aug.groups)}
    if run.is_main:
        meta = save_erased(folder, lm.model, lm.tokenizer, erasers, meta)
        atomic_write_json(
            folder / "fairlm_model.json",
            {
                "base_model": str(run.config.model),
                "prefix_token": lm.prefix_token,
                "debias_method": method.name,
                "erasure": meta,
            },
        )
        run.log(f"{method.name}: saved, {meta['applied']}: {folder}")
        details["saved_as"] = meta["applied"]
    return Fitted(folder, details=details)
