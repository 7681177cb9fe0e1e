"""What :func:`~fairlm.mitigation.debias` asks of a mitigation method.

A method is a dataclass whose fields are its options (each becomes a flag of ``fairlm
debias``, shared by name between methods: ``--strength``, ``--axis``); the constructor
stores them and :meth:`Method.fit` does the work, the scikit-learn habit. ``fit`` gets
the original model, the corpus split and the run, and returns a :class:`Fitted`: where
the debiased model is, and the method's own facts for ``comparison.json``. The driver
does everything around it: audit before, perplexity, audit after, comparison, report.

Two kinds of method fit this:

* fine-tuning methods (``cda``, ``adversarial``, ``constraint``, the ``finetune``
  control) prepare their training examples, loss and extra modules and call
  :func:`fairlm.mitigation._finetune.finetune`, which trains and saves;
* training-free methods (concept erasure, projection, a logits processor) fit their
  eraser or processor on ``data`` and return the modified model, saved to
  ``run.output_dir / "model"`` or, where it cannot be saved as weights, as
  :attr:`Fitted.lm` to be audited as it is.

:class:`AxisMethod` (a method about one protected attribute) and :class:`WeightedMethod`
(one that weighs a term against the LM loss) hold the options several methods share, so
each is defined, and becomes a flag, once. A new method is one module with one such
class and a line in :data:`fairlm.mitigation.METHODS`. This module imports nothing heavy.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from fairlm._config import check, option
from fairlm.augment import Axis, Language

if TYPE_CHECKING:
    from fairlm.augment import CounterfactualAugmenter, Mode
    from fairlm.mitigation._config import DebiasConfig

__all__ = ["AxisMethod", "DebiasData", "DebiasRun", "Fitted", "Method", "WeightedMethod"]


@dataclass(frozen=True)
class DebiasData:
    """The corpus, split: ``train`` to learn from, ``heldout`` to measure perplexity (and,
    for the adversarial method, to score its probes). No text is in both."""

    train: list[str]
    heldout: list[str]


@dataclass(frozen=True)
class DebiasRun:
    """What a method may use while fitting: the run's config and folder, a log that
    prints on the main process only, and whether this is the main process."""

    config: DebiasConfig
    output_dir: Path
    log: Callable[[str], None]
    is_main: bool

    def augmenter(
        self, axis: Axis, mode: Mode = "two-sided", *, lang: Language = "en"
    ) -> CounterfactualAugmenter:
        """A counterfactual augmenter for ``axis`` in ``lang``, seeded and reading word
        lists like the rest of the run."""
        from fairlm.augment import CounterfactualAugmenter

        return CounterfactualAugmenter(
            axis, mode=mode, seed=self.config.seed, data_dir=self.config.data_dir, lang=lang
        )


@dataclass
class Fitted:
    """What a method produced.

    ``model_dir`` holds the debiased model (loadable by :func:`fairlm.models.load_model`)
    unless ``lm``, a model object, is to be audited as it is. ``details`` go to
    ``comparison.json`` under the method's name (nothing when empty); ``training``
    (steps, time, losses) and ``train_config`` only for methods that train.
    """

    model_dir: Path | None
    details: dict[str, Any] = dataclasses.field(default_factory=dict)
    training: dict[str, Any] | None = None
    train_config: dict[str, Any] | None = None
    lm: Any = None


@dataclass(kw_only=True)
class Method:
    """Base of every mitigation method; subclasses are ``@dataclass(kw_only=True)`` too.

    ``name`` is the method's registry name (``fairlm debias --method NAME``).
    """

    name: ClassVar[str]

    def __post_init__(self) -> None:
        check(self)

    def fit(self, lm: Any, data: DebiasData, run: DebiasRun) -> Fitted:
        """Make a less biased version of ``lm`` (see the module docstring)."""
        raise NotImplementedError

    def options(self) -> dict[str, Any]:
        """The method's options, for the ``settings`` of ``comparison.json``."""
        return dataclasses.asdict(self)


@dataclass(kw_only=True)
class AxisMethod(Method):
    """A method about one protected attribute, whose terms it swaps or predicts."""

    axis: Axis = option(
        "gender", group="method", help="the protected attribute whose terms are swapped"
    )
    lang: Language = option(
        "en",
        group="method",
        help="the corpus's language: zh swaps Chinese gender terms (axis gender only)",
    )

    def __post_init__(self) -> None:
        super().__post_init__()
        if self.lang == "zh" and self.axis != "gender":
            from fairlm._config import ConfigError

            raise ConfigError(
                "lang", f"zh has gender terms only, not {self.axis!r}: use --axis gender"
            )


@dataclass(kw_only=True)
class WeightedMethod(AxisMethod):
    """A method that adds a term to the LM loss, weighted by ``strength`` (lambda)."""

    strength: float = option(
        1.0,
        group="method",
        aliases=("--lambda",),
        help="lambda: weight of the adversary (gradient reversal scale) or of "
        "the constraint (default 1.0)",
    )
