"""LEACE: least-squares concept erasure (Belrose, Schneider-Joseph, Ravfogel, Cotterell,
Raff, Biderman. *LEACE: Perfect linear concept erasure in closed form.* NeurIPS 2023).

The eraser ``r(x) = x - W^+ P W (x - mean)``, with ``W`` the whitening of the states and
``P`` the projection onto the whitened cross-covariance of the states with the one-hot
attribute, is the smallest change (in mean squared distance) that makes the cross-
covariance zero: every class of the attribute then has the same mean state, and no
linear probe does better than a constant. Fitted in closed form from the pairs' mean-
pooled states by the ``concept-erasure`` package (``LeaceFitter``, the authors' own,
with its defaults: shrinkage of the covariance, the covariance trace kept from growing).

``--no-leace-affine`` drops the mean term: ``r(x) = x - W^+ P W x`` differs from the
affine eraser by a constant, so the class means stay equal (the guarantee holds), the
overall mean moves, and at ``--layers final`` the eraser folds into the LM head.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from fairlm._config import option
from fairlm.mitigation._erasure import ErasureMethod

__all__ = ["LEACE"]


@dataclass(kw_only=True)
class LEACE(ErasureMethod):
    """Erase the attribute with LEACE (no linear probe can read it afterwards)."""

    name: ClassVar[str] = "leace"

    leace_affine: bool = option(
        True,
        group="method",
        help="leace: a linear eraser without LEACE's mean term (the class means still "
        "equal; folds into the LM head at --layers final)",
    )

    def fit_eraser(self, x: Any, z: Any, n_classes: int, seed: int) -> tuple[Any, dict]:
        import torch
        from concept_erasure import LeaceFitter

        from fairlm.models._erasure import Eraser

        fitter = LeaceFitter(x.shape[1], n_classes, dtype=torch.float64, affine=self.leace_affine)
        fitter.update(x.double(), torch.nn.functional.one_hot(z, n_classes).double())
        e = fitter.eraser
        return Eraser(e.proj_left, e.proj_right, e.bias), {"affine": self.leace_affine}
