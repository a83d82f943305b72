"""The one exception type the CLI turns into a clear one-line message (what, where, what to do)."""

from __future__ import annotations


class CowriterError(Exception):
    """An expected failure with a message fit for the user. `exit_code` is what the CLI exits with."""

    def __init__(self, message: str, *, hint: str = "", exit_code: int = 1) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint
        self.exit_code = exit_code

    def __str__(self) -> str:
        return f"{self.message} ({self.hint})" if self.hint else self.message


def explain(exc: BaseException) -> str:
    """One line for a failure nobody planned for, fit for a notice: a CowriterError's own words, an
    OSError as what happened and to which file ("Permission denied: /home/ann/.cache/cowriter", no
    "[Errno 13]"), anything else as its type and message."""
    if isinstance(exc, CowriterError):
        return str(exc)
    if isinstance(exc, OSError) and exc.strerror:
        return f"{exc.strerror}: {exc.filename}" if exc.filename else exc.strerror
    return f"{type(exc).__name__}: {exc}"
