"""fairlm: measure, mitigate and report social bias in language models.

Importing :mod:`fairlm` is cheap: it does not import torch or transformers. The heavy
parts live in :mod:`fairlm.models`, :mod:`fairlm.benchmarks` and friends and are imported
on first use.
"""

__version__ = "0.1.0"

__all__ = ["__version__"]
