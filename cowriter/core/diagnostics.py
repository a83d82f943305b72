"""A problem found in the input, located at a 1-based line and column: what the parser, the importer and
the checks report, and what the editor marks. A module of its own, so the editor can mark problems without
loading the whole song model."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

__all__ = ["Diagnostic", "Severity"]


class Severity(str, Enum):  # noqa: UP042 - str mixin kept: str(x) stays as it was
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, slots=True)
class Diagnostic:
    """A problem found in the input, located at a 1-based line and column."""

    line: int
    column: int
    message: str
    severity: Severity = Severity.ERROR

    def format(self, filename: str = "<song>") -> str:
        return f"{filename}:{self.line}:{self.column}: {self.severity.value}: {self.message}"
