"""Exceptions that fairlm raises for problems a user can fix.

The command line prints these as one line (``error: ...``) and exits non-zero; anything
else is a bug in fairlm and keeps its traceback.
"""

__all__ = [
    "FairlmError",
    "DataError",
    "ModelError",
    "OutputError",
    "ScoringError",
    "UnknownNameError",
]


class FairlmError(Exception):
    """Base class: a problem with the user's input, files or environment."""


class DataError(FairlmError):
    """A data set or data file is missing, malformed or fails its checksum."""


class ModelError(FairlmError):
    """A model cannot be found or loaded."""


class OutputError(FairlmError, OSError):
    """A file or folder fairlm was asked to write cannot be written: read-only, a folder
    where a file is needed (or a file where a folder is), or in use by another run.

    Also an ``OSError``, so code that catches failed writes keeps catching it."""

    def __str__(self) -> str:  # OSError would format (errno, strerror) tuples
        return str(self.args[0]) if self.args else ""


class ScoringError(FairlmError):
    """Texts that cannot be scored (empty, not a string, too long for the model)."""


class UnknownNameError(FairlmError, KeyError):
    """A registry lookup failed; the message lists close matches."""

    def __str__(self) -> str:  # KeyError would wrap the message in quotes
        return str(self.args[0]) if self.args else ""
