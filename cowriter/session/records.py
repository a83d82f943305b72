"""The plain records a session hands out: versions, chat messages, and a version's credits."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from cowriter.session.credits import LineCredit, format_report, report


@dataclass(frozen=True)
class Version:
    """One version of the song. `parent` is None for the first; siblings make branches."""

    id: int
    parent: int | None
    author: str  # "human" or "model:NAME"
    message: str
    created: str  # ISO-8601 UTC, e.g. 2026-11-25T17:10:00.123Z
    name: str | None = None
    prompt: str | None = None  # the prompt behind a model's version, when given
    sha256: str = ""

    def to_json(self) -> dict[str, Any]:
        """The `cowriter sessions versions --json` entry (exactly these keys)."""
        return {
            "id": self.id,
            "parent": self.parent,
            "author": self.author,
            "message": self.message,
            "created": self.created,
        }


@dataclass(frozen=True)
class Message:
    """One chat message saved with the song (`version`: the current version when it was said)."""

    id: int
    role: str  # "user", "assistant" or "system"
    text: str
    model: str | None
    version: int | None
    created: str


@dataclass(frozen=True)
class Credits:
    """Who wrote each line of one version; `report()`/`format()` give the credits report."""

    version: Version
    lines: Sequence[str]
    credits: Sequence[LineCredit]
    prompts: Mapping[int, str] = field(default_factory=dict)

    def report(self) -> dict[str, Any]:
        data = report(self.lines, self.credits, self.prompts)
        return {"version": self.version.id, **data}

    def format(self, title: str = "") -> str:
        head = f"{title} (version {self.version.id}, {self.version.created})" if title else ""
        return format_report(self.report(), head)
