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
