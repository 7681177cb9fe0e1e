"""Concept erasure inside a model: an eraser on the hidden states at chosen points.

An eraser (:class:`Eraser`) is a low-rank affine map of a hidden state ``x`` (H,)::

    r(x) = x - left @ right @ (x - bias)        left (H, k), right (k, H), bias (H,) or none

the form of LEACE (Belrose et al., NeurIPS 2023; ``concept_erasure.LeaceEraser`` stores
it so), and, with ``right = left.T`` orthonormal and no bias, an orthogonal projection
out of a k-dimensional subspace (SentenceDebias, INLP). The mitigation methods fit
erasers (:mod:`fairlm.mitigation`); this module applies, saves and loads them, so that
:func:`fairlm.models.load_model` can give back an erased model.

Points (:func:`point_module`) are named ``final`` (the decoder's output, after its final
norm: the hidden states the LM head reads) and ``layers.I`` (the output of decoder layer
I, the residual stream). An eraser is applied by a forward hook on that module, to every
token position, so it acts on scoring (the engine runs the decoder and projects onto the
vocabulary itself), generation and embeddings alike.

Saving (:func:`save_erased`): a linear eraser (no bias) at ``final`` alone is folded into
the LM head, ``W' = W (I - left @ right)`` (exact: the head is linear), and the folder is
a plain checkpoint that transformers loads as it is. Any other eraser is saved beside
the unchanged weights in ``fairlm_erasure.safetensors``; :func:`attach_saved` (called
by ``load_model``) installs its hooks, and the model's ``describe()`` says that plain
transformers loads that folder *without* the erasure.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import torch

__all__ = [
    "ERASURE_FILE",
    "FINAL",
    "Eraser",
    "attach_saved",
    "erasure_hooks",
    "fold_into_head",
    "layer_count",
    "parse_points",
    "point_module",
    "save_erased",
]

FINAL = "final"
ERASURE_FILE = "fairlm_erasure.safetensors"
HOOKS_NOTE = (
    "the erasure is applied by fairlm's forward hooks (projections in "
    f"{ERASURE_FILE}); plain transformers loads this folder WITHOUT it"
)
FOLDED_NOTE = "the erasure is folded into the LM head's weights; plain transformers applies it"


@dataclass(frozen=True)
class Eraser:
    """``x -> x - left @ right @ (x - bias)``, applied to the last dimension of ``x``."""

    left: torch.Tensor  # (H, k)
    right: torch.Tensor  # (k, H)
    bias: torch.Tensor | None = None  # (H,)

    @classmethod
    def projection(cls, basis: torch.Tensor) -> Eraser:
        """The orthogonal projection out of the span of ``basis``'s rows (k, H), which
        must be orthonormal."""
        basis = basis.double()
        return cls(basis.T.contiguous(), basis.contiguous(), None)

    @property
    def rank(self) -> int:
        """The dimension of what the eraser removes: the rank of ``left @ right``."""
        return int(torch.linalg.matrix_rank(self.left.double() @ self.right.double()))

    @property
    def linear(self) -> bool:
        """No bias: the eraser is a matrix and folds into a following linear layer."""
        return self.bias is None

    def matrix(self) -> torch.Tensor:
        """The linear part ``I - left @ right`` (H, H), float64."""
        left, right = self.left.double(), self.right.double()
        return torch.eye(left.shape[0], dtype=torch.float64, device=left.device) - left @ right

    def __call__(self, x: torch.Tensor) -> torch.Tensor:
        h = x.float()
        left, right = self.left.to(h), self.right.to(h)
        delta = h if self.bias is None else h - self.bias.to(h)
        return (h - (delta @ right.T) @ left.T).to(x.dtype)  # (..., H)

    def tensors(self, prefix: str) -> dict[str, torch.Tensor]:
        out = {f"{prefix}.left": self.left, f"{prefix}.right": self.right}
        if self.bias is not None:
            out[f"{prefix}.bias"] = self.bias
        return {k: v.detach().float().cpu().contiguous() for k, v in out.items()}


def _body(model: Any) -> torch.nn.Module:
    return model.get_decoder() if hasattr(model, "get_decoder") else model.base_model


def _layers(model: Any) -> torch.nn.ModuleList:
    body = _body(model)
    for name in ("layers", "h", "blocks"):
        layers = getattr(body, name, None)
        if isinstance(layers, torch.nn.ModuleList):
            return layers
    raise ValueError(f"{type(body).__name__}: cannot find its decoder layers")


def layer_count(model: Any) -> int:
    """Number of decoder layers."""
    return len(_layers(model))


def parse_points(spec: str, n_layers: int) -> list[str]:
    """``"final"``, ``"all"`` or comma-separated layer indices (negative: from the end),
    possibly with ``final``, as point names in the model's order (``layers.I``, then
    ``final``)."""
    points: set[str] = set()
    for part in (p.strip() for p in spec.split(",")):
        if not part:
            continue
        if part in (FINAL, "all"):
            points |= {FINAL} if part == FINAL else {f"layers.{i}" for i in range(n_layers)}
            continue
        try:
            i = int(part)
        except ValueError:
            raise ValueError(f"layers: {part!r} is not 'final', 'all' or a layer index") from None
        if not -n_layers <= i < n_layers:
            raise ValueError(f"layers: {i} is outside the model's {n_layers} layers")
        points.add(f"layers.{i % n_layers}")
    if not points:
        raise ValueError("layers: no point given")
    return sorted(points, key=lambda p: n_layers if p == FINAL else int(p.split(".")[1]))


def point_module(model: Any, point: str) -> torch.nn.Module:
    """The module whose output is the hidden state at ``point``."""
    if point == FINAL:
        return _body(model)
    return _layers(model)[int(point.split(".")[1])]


def replace_output(output: Any, fn: Any) -> Any:
    """``output`` (a tensor, a tuple led by one, or a model output with
    ``last_hidden_state``) with its hidden states replaced by ``fn(hidden states)``."""
    if isinstance(output, torch.Tensor):
        return fn(output)
    if isinstance(output, tuple):
        return (fn(output[0]), *output[1:])
    old = output.last_hidden_state
    output.last_hidden_state = new = fn(old)
    hs = getattr(output, "hidden_states", None)
    if hs is not None and hs[-1] is old:  # the recorded last hidden states are these
        output.hidden_states = (*hs[:-1], new)
    return output


def _hook(eraser: Eraser):
    def hook(_module: Any, _args: Any, output: Any) -> Any:
        return replace_output(output, eraser)

    return hook


def install(model: Any, erasers: Mapping[str, Eraser]) -> list[Any]:
    """Register a forward hook per eraser; returns the handles (``.remove()`` them)."""
    return [point_module(model, p).register_forward_hook(_hook(e)) for p, e in erasers.items()]


@contextmanager
def erasure_hooks(model: Any, erasers: Mapping[str, Eraser]) -> Iterator[None]:
    """The erasers applied for the duration of the block."""
    handles = install(model, erasers)
    try:
        yield
    finally:
        for h in handles:
            h.remove()


def fold_into_head(model: Any, eraser: Eraser) -> None:
    """``W' = W (I - left @ right)`` in the LM head (untied from the input embeddings
    first, which stay as they are). Exact for a linear eraser at ``final``."""
    if not eraser.linear:
        raise ValueError("only a linear eraser (no bias) folds into the LM head")
    head = model.get_output_embeddings()
    w = head.weight.detach().double()
    folded = w - (w @ eraser.left.double().to(w.device)) @ eraser.right.double().to(w.device)
    for cfg in {id(c): c for c in (model.config, model.config.get_text_config())}.values():
        cfg.tie_word_embeddings = False
    head.weight = torch.nn.Parameter(folded.to(head.weight.dtype), requires_grad=False)


def foldable(erasers: Mapping[str, Eraser]) -> bool:
    """Whether ``erasers`` fold into the weights exactly: one linear eraser at ``final``."""
    return list(erasers) == [FINAL] and erasers[FINAL].linear


def save_erased(
    folder: Path, model: Any, tokenizer: Any, erasers: Mapping[str, Eraser], meta: dict
) -> dict[str, Any]:
    """Save the erased model to ``folder``: folded into the LM head where exact, else the
    unchanged weights plus ``fairlm_erasure.safetensors``. ``meta`` (JSON-ready: method,
    attribute...) is completed and returned, to be written to ``fairlm_model.json`` under
    ``erasure``. Folding changes ``model`` in place."""
    from safetensors.torch import save_file

    meta = {**meta, "points": list(erasers), "ranks": {p: e.rank for p, e in erasers.items()}}
    folder.mkdir(parents=True, exist_ok=True)
    if foldable(erasers):
        fold_into_head(model, erasers[FINAL])
        meta.update(applied="folded into the LM head", note=FOLDED_NOTE)
    else:
        tensors: dict[str, torch.Tensor] = {}
        for point, eraser in erasers.items():
            tensors.update(eraser.tensors(point))
        save_file(tensors, str(folder / ERASURE_FILE))
        meta.update(applied="forward hooks", file=ERASURE_FILE, note=HOOKS_NOTE)
    model.save_pretrained(folder, safe_serialization=True)
    tokenizer.save_pretrained(folder)
    return meta


def load_erasers(folder: Path, points: list[str]) -> dict[str, Eraser]:
    """The erasers saved in ``folder``'s ``fairlm_erasure.safetensors``."""
    from safetensors.torch import load_file

    t = load_file(str(folder / ERASURE_FILE))
    return {p: Eraser(t[f"{p}.left"], t[f"{p}.right"], t.get(f"{p}.bias")) for p in points}


def attach_saved(lm: Any, folder: Path, meta: dict[str, Any]) -> None:
    """Apply the erasure a folder records (``fairlm_model.json``'s ``erasure``) to ``lm``,
    loaded from it: hooks for a hooks folder, nothing for a folded one. The facts go to
    ``lm.info['erasure']``, so every result names the erasure and how it is applied."""
    info = {k: meta[k] for k in ("method", "attribute", "points", "applied", "note") if k in meta}
    if meta.get("applied") == "forward hooks":
        erasers = load_erasers(folder, list(meta["points"]))
        lm.erasure_hooks = install(lm.model, erasers)
        info["note"] = HOOKS_NOTE
    lm.info["erasure"] = json.loads(json.dumps(info))
