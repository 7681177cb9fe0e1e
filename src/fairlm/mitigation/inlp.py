"""INLP: iterative nullspace projection (Ravfogel, Elazar, Gonen, Twiton, Goldberg. *Null
It Out: Guarding Protected Attributes by Iterative Nullspace Projection.* ACL 2020).

Repeatedly: train a linear classifier of the attribute on the states, remove the
directions it uses (project onto the nullspace of its weights), until no classifier finds
the attribute. The final projection is onto the intersection of every classifier's
nullspace, ``P = I - Q Q^T`` with ``Q`` an orthonormal basis of all their weight rows
(Ben-Israel's formula, as the authors compute it). Classifiers as in bias-bench (Meade
et al., ACL 2022): scikit-learn's ``LinearSVC`` without intercept, ``dual=False``, at
most 80 of them, each trained on 80% of the pairs and scored on the other 20%.

Departures: the labels are the attribute's groups of the counterfactual pairs (bias-bench
adds a class of neutral sentences), and the iterations stop once a classifier's held-out
accuracy is within one point of the majority rate (its directions would be noise; the
paper's ``min_accuracy`` skips such classifiers, which, trained on the same data, would
come back alike). The projection is linear: at ``--layers final`` it folds into the LM
head.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Any, ClassVar

from fairlm._config import option
from fairlm.mitigation._erasure import ErasureMethod

__all__ = ["INLP", "nullspace_basis"]


@dataclass(kw_only=True)
class INLP(ErasureMethod):
    """Project out the directions that linear classifiers of the attribute use, in turn."""

    name: ClassVar[str] = "inlp"

    inlp_iterations: int = option(
        80, group="method", minimum=1, help="inlp: at most this many classifiers (default 80)"
    )

    def fit_eraser(self, x: Any, z: Any, n_classes: int, seed: int) -> tuple[Any, dict]:
        import torch

        from fairlm.models._erasure import Eraser

        basis, accuracies = nullspace_basis(
            x.double().numpy(), z.numpy(), iterations=self.inlp_iterations, seed=seed
        )
        facts = {"classifiers": len(accuracies), "dev_accuracy": accuracies}
        return Eraser.projection(torch.from_numpy(basis)), facts


def nullspace_basis(
    x: Any, z: Any, *, iterations: int, seed: int = 0, tolerance: float = 0.01
) -> tuple[Any, list[float]]:
    """An orthonormal basis (k, H) of the directions INLP removes from ``x`` (N, H; rows
    2i and 2i+1 a pair), and each classifier's held-out accuracy (in %)."""
    import warnings

    import numpy as np
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.svm import LinearSVC

    pairs = list(range(len(x) // 2))
    random.Random(seed).shuffle(pairs)
    n_dev = max(1, len(pairs) // 5)
    dev = np.array([j for i in pairs[:n_dev] for j in (2 * i, 2 * i + 1)])
    train = np.array([j for i in pairs[n_dev:] for j in (2 * i, 2 * i + 1)])
    majority = np.bincount(z[dev]).max() / len(dev)
    basis = np.zeros((0, x.shape[1]))
    accuracies: list[float] = []
    for _ in range(iterations):
        xp = x - (x @ basis.T) @ basis  # the states projected onto the nullspace so far
        clf = LinearSVC(fit_intercept=False, dual=False, random_state=seed)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            clf.fit(xp[train], z[train])
        acc = float(clf.score(xp[dev], z[dev]))
        accuracies.append(100.0 * acc)
        if acc <= majority + tolerance:
            break
        u, s, _ = np.linalg.svd(np.vstack([basis, clf.coef_]).T, full_matrices=False)
        basis = u[:, s > s.max() * 1e-10].T
    return basis, accuracies
