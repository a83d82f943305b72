"""The workspace's keeping of the song: the session that holds its history (versions, chat, who wrote each
line) and saving to it and to the file.

`Keeping` is a part of `Workspace` (see `cowriter.service.workspace`), as `CoWriting` and `Playback` are.
Opening a session is split in two: `open_session` (disk; a worker thread may call it) and `adopt` (the UI
thread), so the editor draws before the session store is touched.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from cowriter.errors import CowriterError
from cowriter.model.backend import Message
from cowriter.service.workspace import ports as ports
from cowriter.service.workspace.model import HISTORY

if TYPE_CHECKING:
    from cowriter.session import Session

__all__ = ["HUMAN", "Keeping", "SessionOpened", "file_session"]

HUMAN = "human"


@dataclass(frozen=True, slots=True)
class Step:
    """One of the writer's acts that is a version of its own in the session (a transposition, a page
    converted to ChordPro): the text before it, after it, and when it was done. `carry`: every line and
    chord keeps its credit (a transposition is not authorship)."""

    before: str
    after: str
    message: str
    carry: bool = False
    created: str = ""


@dataclass(frozen=True, slots=True)
class SessionOpened:
    """A session opened for a song (`Workspace.open_session`), ready to be adopted."""

    name: str
    session: Session
    text: str  # the song's text when the session was opened
    stored: str  # the session's latest version after opening
    authors: tuple[str, ...]
    chat: tuple[Message, ...]


def file_session(path: str | Path) -> str:
    """The session that keeps the history of the song in file `path`: its name, then a short hash of
    where it is, so two songs both called song.cho never share one."""
    import hashlib

    where = Path(path).expanduser().resolve()
    stem = ports.slug(where.stem, limit=40) or "song"
    return f"{stem}-{hashlib.sha1(str(where).encode()).hexdigest()[:6]}"


class Keeping:
    """Keeping the song in its session and its file (the fields are the workspace's)."""

    text: str
    path: Path | None
    session_name: str | None
    sessions_dir: Path | None
    authors: list[str]
    history: list[Message]
    saved_text: str
    notice: str
    _session: Session | None
    _save_lock: threading.Lock
    _lock: threading.Lock
    _steps: list[Step]

    if TYPE_CHECKING:

        @property
        def lines(self) -> list[str]: ...

        @property
        def model_name(self) -> str: ...

    def open_session(self, name: str) -> SessionOpened:
        """Open (or create) session `name` for this song; blocking (disk), safe from a worker thread: it
        reads a snapshot of the text and changes nothing here (`adopt` does, on the UI thread).

        A song already in the session comes back with its credits. A file whose text differs from the
        session's latest version (edited elsewhere since) becomes the next version, by the writer."""
        text = self.text
        opened, stored, authors = ports.open_session(name, self.sessions_dir, text or None)
        if text and text != stored and not getattr(opened, "readonly", False):
            where = f"opened {self.path}" if self.path is not None else "opened"
            ports.save_session(opened, text, HUMAN, message=where)
            stored, authors = text, ports.session_authors(opened)
        chat = [Message(r, t) for r, t in ports.session_chat(opened, HISTORY)]  # type: ignore[arg-type]
        return SessionOpened(name, opened, text, stored, tuple(authors), tuple(chat))

    def adopt(self, opened: SessionOpened) -> None:
        """Keep the song in the opened session from now on (the UI thread's half of `open_session`)."""
        if opened.stored and not self.text and not opened.text:
            self.text = self.saved_text = opened.stored
        if self.text == opened.stored:  # what the credits describe: the writer hasn't typed since
            n = len(self.lines)
            self.authors = (list(opened.authors) + [HUMAN] * n)[:n]
        self.session_name = opened.name
        self.notice = opened.session.notice
        self.history = list(opened.chat)
        self._session = opened.session

    def suggested_session(self) -> str:
        """A free session name for a song that has none: from its {title}, else untitled-YYYYMMDD-HHMM."""
        import time

        song, _ = ports.parse(self.text)
        title = song.title if song is not None else ""
        slug = ports.slug(title, limit=40, collapse=True)
        return ports.free_session_name(slug or time.strftime("untitled-%Y%m%d-%H%M"), self.sessions_dir)

    def keep_in_session(self, name: str) -> SessionOpened:
        """Keep a song that has nowhere to go (no file, no session of its own) in a NEW session `name`: its
        text with each line credited as now (the model's lines to their model; a line the writer edited,
        to the writer) and the chat so far. Blocking (disk), safe from a worker; `adopt` the result on the
        UI thread. Raises CowriterError when the name is refused or already taken."""
        text, authors, chat = self.text, list(self.authors), tuple(self.history)
        session = ports.create_session(
            name, self.sessions_dir, text, authors, [(m.role, m.content) for m in chat], self.model_name
        )
        stored = ports.session_authors(session)
        return SessionOpened(session.name, session, text, text, tuple(stored), chat)

    # -- saving ------------------------------------------------------------------------------------------

    @property
    def read_only(self) -> bool:
        """Another writer holds the session: this one follows and does not save into it."""
        return self._session is not None and bool(getattr(self._session, "readonly", False))

    @property
    def can_save(self) -> bool:
        return (self._session is not None and not self.read_only) or self.path is not None

    def save(self, message: str = "") -> str:
        """Write the song (file and/or session). Returns where it went."""
        return self.save_text(self.text, message)

    def save_text(self, text: str, message: str = "") -> str:
        """Write `text` (a snapshot of the song; safe from a worker thread)."""
        where: list[str] = []
        with self._save_lock:
            if self._session is not None and not self.read_only:
                self._record_steps(text)
                ports.save_session(self._session, text, HUMAN, message or "edits")
                where.append(f"session {self.session_name}")
            if self.path is not None:
                ports.write_atomic(self.path, text)
                where.append(str(self.path))
        if not where:
            raise CowriterError("nowhere to save", hint="export to a file (ctrl+o) or open a session")
        self.saved_text = text
        return ", ".join(where)

    def step(self, before: str, after: str, message: str, *, carry: bool = False) -> None:
        """Keep one of the writer's acts (from `before` to `after`, now) for the session's next save, as a
        version of its own with the time it was done."""
        with self._lock:
            self._steps.append(Step(before, after, message, carry, ports.now_iso()))

    def _record_steps(self, text: str) -> None:
        """Record the writer's acts done before the song was `text`, each as the text before it (the
        writer's edits) and the text after it, at the time it was done. Acts done from `text` on (a
        snapshot taken just before them) wait for the next save."""
        with self._lock:
            upto = next((k for k, step in enumerate(self._steps) if step.before == text), len(self._steps))
            pending, self._steps = self._steps[:upto], self._steps[upto:]
        if not pending:
            return
        session = self._session
        assert session is not None
        for step in pending:
            ports.save_session(session, step.before, HUMAN, "edits")
            if step.after == session.text():
                continue
            try:
                session.save_version(
                    step.after, HUMAN, message=step.message, carry=step.carry, created=step.created or None
                )
            except CowriterError:  # not line for line after all: an ordinary version
                ports.save_session(session, step.after, HUMAN, step.message)

    @property
    def cursor(self) -> tuple[int, int]:
        """Where the writer left the cursor last time (sessions only)."""
        if self._session is None:
            return (0, 0)
        value = ports.session_state(self._session, "cursor")
        if isinstance(value, list | tuple) and len(value) == 2 and all(isinstance(v, int) for v in value):
            return (value[0], value[1])
        return (0, 0)

    def remember(self, cursor: tuple[int, int]) -> None:
        """Keep where the writer is, for the next time the session opens."""
        if self._session is not None:
            with self._save_lock:
                ports.set_session_state(self._session, "cursor", list(cursor))

    def record_accept(self, before: str, after: str, model: str, prompt: str) -> None:
        """Record an accepted proposal in the session: the writer's text as it was, then the same with the
        model's lines, so the store credits exactly those lines to the model (and the prompt behind them)."""
        if self._session is None or self.read_only:
            return
        with self._save_lock:
            self._record_steps(before)
            ports.save_session(self._session, before, HUMAN, "edits")
            self._record_steps(after)  # the writer's own act within the accept (a page made ChordPro)
            ports.save_session(self._session, after, f"model:{model}", "accepted proposal", prompt)
