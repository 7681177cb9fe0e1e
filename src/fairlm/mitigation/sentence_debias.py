"""SentenceDebias (Liang, Li, Zheng, Lim, Salakhutdinov, Morency. *Towards Debiasing
Sentence Representations.* ACL 2020).

The bias subspace is spanned by the first ``k`` principal components of the pairs'
representations, each centred on its pair's mean (the paper's defining sets: a text and
its counterfactual); each representation is then projected out of it,
``h' = h - sum_j <h, v_j> v_j``. As in the authors' code and bias-bench (Meade et al.,
ACL 2022), representations are mean-pooled and scaled to unit length before the PCA,
and ``k`` is 1. The projection is linear: at ``--layers final`` it folds into the LM
head. Unlike LEACE it promises nothing about other directions: a probe may still read
the attribute where the pairs' differences do not concentrate on ``k`` directions.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from fairlm._config import option
from fairlm.mitigation._erasure import ErasureMethod

__all__ = ["SentenceDebias", "bias_subspace"]


@dataclass(kw_only=True)
class SentenceDebias(ErasureMethod):
    """Project the hidden states out of the pairs' principal bias directions."""

    name: ClassVar[str] = "sentence-debias"

    bias_subspace_dim: int = option(
        1, group="method", minimum=1, help="sentence-debias: k, the bias subspace's dimension"
    )

    def fit_eraser(self, x: Any, z: Any, n_classes: int, seed: int) -> tuple[Any, dict]:
        from fairlm.models._erasure import Eraser

        basis, explained = bias_subspace(x, self.bias_subspace_dim)
        return Eraser.projection(basis), {"explained_variance": explained}


def bias_subspace(x: Any, k: int) -> tuple[Any, list[float]]:
    """The first ``k`` principal directions (k, H) of the unit-length states ``x``
    (N, H; rows 2i and 2i+1 a pair) centred on their pair's mean, and the share of the
    variance each explains."""
    import torch

    u = x.double() / x.double().norm(dim=1, keepdim=True).clamp_min(1e-12)
    pairs = u.reshape(-1, 2, u.shape[1])  # (P, 2, H)
    centred = (pairs - pairs.mean(dim=1, keepdim=True)).reshape(-1, u.shape[1])
    _, s, vh = torch.linalg.svd(centred, full_matrices=False)
    k = min(k, vh.shape[0])
    share = (s[:k] ** 2 / (s**2).sum().clamp_min(1e-300)).tolist()
    return vh[:k], share
