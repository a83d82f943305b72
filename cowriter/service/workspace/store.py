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
from typing import TYPE_CHECKING, Any

from cowriter.errors import CowriterError
from cowriter.model.backend import Message
from cowriter.service.workspace import ports as ports
from cowriter.service.workspace.model import HISTORY

if TYPE_CHECKING:
    from cowriter.service.workspace.playback import Settings
    from cowriter.session import Session

__all__ = ["HUMAN", "Keeping", "SessionOpened", "file_session", "near_sessions", "unknown_session"]

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
    transport: dict[str, Any] | None = None  # the transport's settings kept with it (`Settings.state`)


def file_session(path: str | Path) -> str:
    """The session that keeps the history of the song in file `path`: its name, then a short hash of
    where it is, so two songs both called song.cho never share one."""
    import hashlib

    where = Path(path).expanduser().resolve()
    stem = ports.slug(where.stem, limit=40) or "song"
    return f"{stem}-{hashlib.sha1(str(where).encode()).hexdigest()[:6]}"


NEAR = 5  # near names offered for a session name that is not in the store


def unknown_session(name: str, folder: Path | None) -> list[str] | None:
    """None when session `name` is in the store; else the sessions whose names are near it, nearest
    first (`near_sessions`): `--session night-bus-hom` finds `night-bus-home` instead of silently starting
    an empty session. Raises CowriterError for a name that cannot be a session's."""
    if ports.session_exists(name, folder):
        return None
    return near_sessions(name, ports.session_names(folder))


def near_sessions(name: str, names: list[str]) -> list[str]:
    """The names in `names` a writer may have meant by `name`: a slip of a letter or two, or a part of
    the name (`night` for `night-bus-home`), case and separators ignored; nearest first, at most `NEAR`."""
    import difflib

    def key(text: str) -> str:
        return " ".join(text.casefold().replace("-", " ").replace("_", " ").split())

    wanted = key(name)
    keyed = {key(n): n for n in names}
    close = difflib.get_close_matches(wanted, list(keyed), n=NEAR, cutoff=0.6)
    parts = sorted((k for k in keyed if wanted and wanted in k and k not in close), key=len)
    return [keyed[k] for k in [*close, *parts][:NEAR]]


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
    settings: Settings
    scratch: bool  # `_session` is the song's scratch in the recovery store: it has no home of its own yet
    _session: Session | None
    _save_lock: threading.Lock
    _lock: threading.Lock
    _steps: list[Step]
    _kept: tuple[int, str]  # the newest snapshot kept: its revision and text (`save_text`)
    revision: int

    if TYPE_CHECKING:

        @property
        def lines(self) -> list[str]: ...

        @property
        def model_name(self) -> str: ...

        @property
        def dirty(self) -> bool: ...

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
        return _opened(name, opened, text, stored, authors)

    def adopt(self, opened: SessionOpened) -> None:
        """Keep the song in the opened session from now on (the UI thread's half of `open_session`); the
        transport's settings kept with it come back (unless the writer changed them meanwhile)."""
        if opened.stored and not self.text and not opened.text:
            self.text = self.saved_text = opened.stored
            self.revision += 1
        if self.text == opened.stored:  # what the credits describe: the writer hasn't typed since
            n = len(self.lines)
            self.authors = (list(opened.authors) + [HUMAN] * n)[:n]
        self.session_name = opened.name
        self.notice = opened.session.notice
        self.history = list(opened.chat)
        self._session = opened.session
        self.scratch = False
        if opened.transport and self.settings == type(self.settings)():
            self.settings = self.settings.from_state(opened.transport)

    # -- the recovery store: a song with no home yet ------------------------------------------------------

    @property
    def homeless(self) -> bool:
        """The song has no file and no session of its own: it is kept in the recovery store as the writer
        pauses (`save_text`), and offered back by the next `cowriter` if this one ends without a word."""
        return self.path is None and (self._session is None or self.scratch)

    def keep_for_recovery(self, text: str, *, revision: int | None = None) -> None:
        """Keep `text` (a snapshot of the song) in the song's scratch in the recovery store, made with the
        first words (with the credits and chat so far). Blocking (disk), safe from a worker."""
        with self._save_lock:
            if not self._newest(revision, text):
                return
            if self._session is None:
                if not text.strip():
                    return
                chat: list[tuple[str, str]] = [(m.role, m.content) for m in self.history]
                authors = list(self.authors) if text == self.text else []
                self._session = ports.create_session(
                    "", self.sessions_dir, text, authors, chat, self.model_name, scratch=True
                )
                self.scratch = True
                ports.set_session_state(self._session, "transport", self.settings.state())
                return
            if self.read_only:
                return
            self._record_steps(text)
            ports.save_session(self._session, text, HUMAN, "edits")

    def open_left(self, name: str) -> SessionOpened:
        """Open a song a cowriter left in the recovery store (see `ports.left_songs`), to take it back.
        Blocking (disk), safe from a worker; `adopt_left` the result on the UI thread."""
        session = ports.open_scratch(name, self.sessions_dir)
        try:
            return _opened(session.name, session, "", session.text(), ports.session_authors(session))
        except BaseException:
            session.close()
            raise

    def adopt_left(self, opened: SessionOpened) -> None:
        """Go on writing a song taken back from the recovery store: its text, credits, chat and transport;
        it stays unsaved (in its scratch) until the writer gives it a home."""
        if self._session is not None and self.scratch and not self.text.strip():  # an empty start
            self.discard_scratch()
        self.text, self.saved_text = opened.stored, ""
        self.revision += 1
        n = len(self.lines)
        self.authors = (list(opened.authors) + [HUMAN] * n)[:n]
        self.history = list(opened.chat)
        self._session, self.scratch, self.session_name = opened.session, True, None
        if opened.transport:
            self.settings = self.settings.from_state(opened.transport)

    def discard_scratch(self) -> None:
        """Throw the song's scratch away (the writer quit without keeping the song)."""
        session = self._session
        if session is None or not self.scratch:
            return
        with self._save_lock:
            self._session, self.scratch = None, False
            session.close()
            ports.discard_scratch(session.name, self.sessions_dir)

    def remember_settings(self) -> None:
        """Keep the transport's settings (tempo, style, transposition, loop) with the song's session."""
        if self._session is not None:
            with self._save_lock:
                ports.set_session_state(self._session, "transport", self.settings.state())

    def hang_up(self) -> None:
        """The terminal went away (or the process is told to end): the song goes where it is kept (its
        file and session, or the recovery store) now, and the session is closed. Blocking."""
        try:
            if self.homeless:
                self.keep_for_recovery(self.text)
            elif self.can_save and (self.dirty or self._steps):
                self.save()
        finally:
            if self._session is not None:
                self._session.close()

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
        UI thread. Raises CowriterError when the name is refused or already taken. A song kept in the
        recovery store moves there with its history (versions with their times, credits, chat)."""
        text, authors, chat = self.text, list(self.authors), tuple(self.history)
        if self.scratch and self._session is not None:
            with self._save_lock:
                self._record_steps(text)
                ports.save_session(self._session, text, HUMAN, "edits")
                try:
                    session = ports.keep_scratch(self._session, name, self.sessions_dir)
                except CowriterError as exc:
                    self._session = getattr(exc, "session", self._session)  # the scratch, open again
                    raise
                self._session, self.scratch = session, False
            stored = ports.session_authors(session)
            return SessionOpened(session.name, session, text, text, tuple(stored), chat)
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
        """The song has a home to save to: its file, or a session of its own (not a scratch)."""
        return (
            self._session is not None and not self.read_only and not self.scratch
        ) or self.path is not None

    def save(self, message: str = "") -> str:
        """Write the song (file and/or session). Returns where it went."""
        return self.save_text(self.text, message)

    def save_text(self, text: str, message: str = "", *, revision: int | None = None) -> str:
        """Write `text` (a snapshot of the song; safe from a worker thread). Returns where it went.
        `revision`: the song's `revision` when the snapshot was taken; a snapshot older than one already
        kept (its worker ran late) writes nothing, so it can never undo a newer version or the credits an
        accept gave. A song with no home raises (`keep_for_recovery` keeps it meanwhile)."""
        if self.homeless:
            raise CowriterError("nowhere to save", hint="export to a file (ctrl+o) or keep it as a session")
        where: list[str] = []
        with self._save_lock:
            if not self._newest(revision, text):
                return ""
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
        for step in pending:  # the writer's edits before the act were made by then
            ports.save_session(session, step.before, HUMAN, "edits", created=step.created or None)
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

    def record_accept(
        self, before: str, after: str, model: str, prompt: str, *, revision: int | None = None
    ) -> None:
        """Record an accepted proposal in the session: the writer's text as it was, then the same with the
        model's lines, so the store credits exactly those lines to the model (and the prompt behind them).
        `revision`: the song's `revision` once accepted (see `save_text`)."""
        if self._session is None or self.read_only:
            return
        with self._save_lock:
            newer = None if self._newest(revision, after) else self._kept[1]
            self._record_steps(before)
            ports.save_session(self._session, before, HUMAN, "edits")
            self._record_steps(after)  # the writer's own act within the accept (a page made ChordPro)
            ports.save_session(self._session, after, f"model:{model}", "accepted proposal", prompt)
            if newer is not None:  # the writer's newer text was kept first: it stays the latest version
                ports.save_session(self._session, newer, HUMAN, "edits")

    def _newest(self, revision: int | None, text: str) -> bool:
        """Whether a snapshot of `revision` is no older than what was kept (then it is the newest kept);
        call with the save lock held. Unknown revisions (None) always are."""
        if revision is None:
            return True
        if revision < self._kept[0]:
            return False
        self._kept = (revision, text)
        return True


def _opened(name: str, session: Session, text: str, stored: str, authors: list[str]) -> SessionOpened:
    """What `adopt` needs of an opened session: its chat and transport settings read too."""
    chat = [Message(r, t) for r, t in ports.session_chat(session, HISTORY)]  # type: ignore[arg-type]
    transport = ports.session_state(session, "transport")
    return SessionOpened(
        name,
        session,
        text,
        stored,
        tuple(authors),
        tuple(chat),
        transport if isinstance(transport, dict) else None,
    )
