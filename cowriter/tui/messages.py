"""Messages the workers post to the screen. Workers never touch widgets; handlers do.

High-rate messages (`TokenStreamed`, `PlayheadMoved`) coalesce in the queue through `can_replace`: when
the UI is busy, the newer one replaces the older, so a fast model or play head never floods a slow
terminal. `TokenStreamed` carries the whole reply so far for that reason (a replaced message loses
nothing).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from textual.message import Message

if TYPE_CHECKING:  # annotations only: the melody and diff modules load when first used
    from cowriter.service import workspace
    from cowriter.service.workspace import Check, PlayPosition, Proposal
    from cowriter.service.workspace.melody import MelodySketch


@dataclass
class Checked(Message):
    """The song was parsed: diagnostics and the lyrics gutter for `text`."""

    text: str
    check: Check

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, Checked)


@dataclass
class TokenStreamed(Message):
    """The model's reply so far (`text` is cumulative)."""

    request: int
    text: str

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, TokenStreamed) and message.request == self.request


@dataclass
class ProposalReady(Message):
    request: int
    proposal: Proposal


@dataclass
class ModelFailed(Message):
    request: int
    error: str
    cancelled: bool = False


@dataclass
class PlayheadMoved(Message):
    position: PlayPosition

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, PlayheadMoved)


@dataclass
class PlaybackStarted(Message):
    route: str


@dataclass
class PlaybackStopped(Message):
    error: str = ""


@dataclass
class Saved(Message):
    where: str
    text: str
    error: str = ""


@dataclass
class SongReplaced(Message):
    """A worker produced new song text (transpose); the editor takes it."""

    text: str
    note: str = ""


@dataclass
class MelodySketched(Message):
    """Melody sketches for the line or section asked for (`error` when there are none)."""

    request: int
    sketch: MelodySketch | None
    error: str = ""


@dataclass
class LeftFound(Message):
    """Songs earlier cowriters left unsaved (`session.scratch.LeftSong`, newest first)."""

    songs: tuple[Any, ...]


@dataclass
class LeftTaken(Message):
    """A song an earlier cowriter left unsaved, opened to take back (`error` when it could not be)."""

    opened: workspace.SessionOpened | None
    error: str = ""


@dataclass
class SessionOpened(Message):
    """The session keeping the opened file's history is ready to adopt (`error` when it could not open)."""

    opened: workspace.SessionOpened | None
    error: str = ""
