"""Progress bars, and the one switch that turns them all off.

``FAIRLM_NO_PROGRESS`` set to ``1``, ``true`` or ``yes`` (any case) silences every bar
fairlm draws, whatever a caller asked for: logs of scripted runs and test output stay
readable. tqdm is imported only when a bar is made.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from typing import Any

__all__ = ["NO_PROGRESS_ENV", "progress_bar", "progress_enabled"]

NO_PROGRESS_ENV = "FAIRLM_NO_PROGRESS"


def progress_enabled(requested: bool = True) -> bool:
    """True when a bar was ``requested`` and ``FAIRLM_NO_PROGRESS`` does not forbid it."""
    off = os.environ.get(NO_PROGRESS_ENV, "").strip().lower() in ("1", "true", "yes")
    return requested and not off


def progress_bar(iterable: Iterable[Any] | None = None, *, enabled: bool = True, **kwargs: Any):
    """A ``tqdm.auto`` bar (over ``iterable``, or updated by hand), drawn only when
    :func:`progress_enabled` says so; a disabled bar still counts and closes."""
    from tqdm.auto import tqdm

    kwargs.setdefault("dynamic_ncols", True)
    return tqdm(iterable, disable=not progress_enabled(enabled), **kwargs)
