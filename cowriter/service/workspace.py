"""The workspace: one open song and everything done to it, without a UI.

The TUI drives a `Workspace`; tests drive it directly. It holds the song text (the source of truth), checks
it (parse → diagnostics, syllables and rhyme letters per lyric line), asks the model for proposals and
applies the parts the writer accepts, crediting each accepted line to the model, and arranges, plays,
transposes and saves. Methods that block (model, render, audio, disk) are meant for worker threads; they
report progress through plain callbacks and never touch a UI.

The pieces beneath (notation, lyrics, model, arrangement, playback, session store) are reached through
`cowriter.service.workspace_ports`, which imports each lazily and says clearly when one is missing.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from cowriter.core.song import Diagnostic, Severity, Song
from cowriter.errors import CowriterError
from cowriter.model.backend import Message
from cowriter.service import workspace_ports as ports
from cowriter.service.workspace_diff import (
    Alternative,
    Change,
    Proposal,
    apply_changes,
    carry_authors,
    diff_changes,
)

if TYPE_CHECKING:
    from cowriter.service.cowrite import CoWriter
    from cowriter.service.workspace_melody import MelodySketch
    from cowriter.session import Session

__all__ = [
    "HUMAN",
    "Alternative",
    "Change",
    "Check",
    "LineInfo",
    "PlayPosition",
    "Proposal",
    "Workspace",
]

HUMAN = "human"
HISTORY = 12  # chat turns sent back to the model with each request

Position = Callable[["PlayPosition"], None]


@dataclass(frozen=True, slots=True)
class LineInfo:
    """The gutter for one lyric line: its syllable count and rhyme-scheme letter."""

    index: int  # 0-based line of the text
    syllables: int
    rhyme: str = ""


@dataclass(frozen=True, slots=True)
class Check:
    """The result of checking the text: the parsed song (None when the parser is unavailable)."""

    song: Song | None
    diagnostics: tuple[Diagnostic, ...]
    gutter: tuple[LineInfo, ...]
    bars: int = 0

    @property
    def errors(self) -> tuple[Diagnostic, ...]:
        return tuple(d for d in self.diagnostics if d.severity is Severity.ERROR)


@dataclass(frozen=True, slots=True)
class PlayPosition:
    bar: int
    beat: float
    line: int  # 1-based source line sounding now (0: none)


@dataclass
class Settings:
    style: str | None = None  # None: the song's own ({x_style}, else by its meter)
    bpm: float | None = None  # None: the song's tempo
    loop_section: str | None = None
    transpose: int = 0


@dataclass
class Workspace:
    """One song being written. `text` is the truth; `authors[i]` credits line i of it."""

    text: str = ""
    path: Path | None = None
    session_name: str | None = None
    sessions_dir: Path | None = None
    model_spec: str | None = None
    audio: str | None = None  # device | wav | none (None: the player decides)
    backend: ports.Backend | None = None
    settings: Settings = field(default_factory=Settings)
    authors: list[str] = field(default_factory=list)
    history: list[Message] = field(default_factory=list)
    saved_text: str = ""
    _player: ports.Player | None = field(default=None, repr=False)
    notice: str = ""
    _session: Session | None = field(default=None, repr=False)
    _save_lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def __post_init__(self) -> None:
        if not self.authors:
            self.authors = [HUMAN] * len(self.lines)
        self.saved_text = self.saved_text or self.text

    # -- opening -----------------------------------------------------------------------------------------

    @classmethod
    def open(
        cls,
        path: str | Path | None = None,
        *,
        session: str | None = None,
        sessions_dir: str | Path | None = None,
        model: str | None = None,
        audio: str | None = None,
        backend: ports.Backend | None = None,
    ) -> Workspace:
        """A workspace on a file, a session, or an empty song. Raises CowriterError when unreadable."""
        text = ""
        file = Path(path) if path else None
        if file is not None:
            if file.exists():
                text = ports.read_text(file)
            elif not file.parent.exists():
                raise CowriterError(f"{file}: folder does not exist", hint="check the path")
        ws = cls(
            text=text,
            path=file,
            session_name=session,
            sessions_dir=Path(sessions_dir) if sessions_dir else None,
            model_spec=model,
            audio=audio,
            backend=backend,
        )
        if session:
            opened, stored, authors = ports.open_session(session, ws.sessions_dir, text or None)
            ws._session = opened
            ws.notice = opened.notice
            ws.history = [Message(r, t) for r, t in ports.session_chat(opened, HISTORY)]  # type: ignore[arg-type]
            if stored and not text:
                ws.text = ws.saved_text = stored
                ws.authors = (authors + [HUMAN] * len(ws.lines))[: len(ws.lines)]
            elif text and text != stored:
                ports.save_session(opened, text, HUMAN, message=f"opened {file}")
        return ws

    # -- text and credits --------------------------------------------------------------------------------

    @property
    def lines(self) -> list[str]:
        return self.text.split("\n") if self.text else []

    @property
    def dirty(self) -> bool:
        return self.text != self.saved_text

    def set_text(self, text: str, author: str = HUMAN) -> None:
        """The writer edited the text: lines that changed are credited to `author`."""
        if text == self.text:
            return
        old = self.lines
        new = text.split("\n") if text else []
        self.authors = carry_authors(old, self.authors, new, author)
        self.text = text

    def credits(self) -> dict[str, int]:
        """How many non-blank lines each author wrote."""
        out: dict[str, int] = {}
        for line, who in zip(self.lines, self.authors, strict=False):
            if line.strip():
                out[who] = out.get(who, 0) + 1
        return out

    # -- checking ----------------------------------------------------------------------------------------

    def check(self, text: str | None = None) -> Check:
        """Parse the text: the song, its diagnostics and the lyrics gutter (fast enough per keystroke)."""
        text = self.text if text is None else text
        song, diagnostics = ports.parse(text)
        return Check(song, diagnostics, gutter(song), ports.bars(song))

    # -- the model ---------------------------------------------------------------------------------------

    @property
    def model_name(self) -> str:
        if self.backend is not None:
            return getattr(self.backend, "name", type(self.backend).__name__)
        return ports.model_label(self.model_spec)

    def _backend(self) -> ports.Backend:
        with self._lock:
            if self.backend is None:
                self.backend = ports.load_backend(self.model_spec)
            return self.backend

    def _cowriter(self) -> CoWriter:
        from cowriter.service.cowrite import CoWriter

        return CoWriter(self._backend())

    def propose(
        self,
        prompt: str,
        *,
        on_token: Callable[[str], None] | None = None,
        cancel: threading.Event | None = None,
        task: str | None = None,
    ) -> Proposal:
        """Ask the model; stream its tokens to `on_token`; return the proposal as changes to the song.

        Nothing in the song changes until `accept`. Raises CowriterError (no model, cancelled, a reply
        that could not be used even after a retry)."""
        result = self._cowriter().propose(
            prompt, self.text, task=task, history=tuple(self.history), on_token=on_token, cancel=cancel
        )
        self._remember(prompt, result.text)
        return Proposal(
            prompt=prompt,
            reply=result.text,
            chordpro=result.chordpro,
            base=self.text,
            text=result.song,
            changes=diff_changes(self.text, result.song),
            model=result.model,
            errors=tuple(f.message if hasattr(f, "message") else str(f) for f in result.flags),
        )

    def alternatives(
        self,
        index: int,
        count: int = 3,
        *,
        on_token: Callable[[str], None] | None = None,
        cancel: threading.Event | None = None,
    ) -> Proposal:
        """Other versions of line `index` (0-based), each with its syllable fit against the original."""
        lines = self.lines
        words = _lyric_words(lines[index]) if 0 <= index < len(lines) else ""
        if not words:
            raise CowriterError("put the cursor on a lyric line to ask for alternatives")
        number = sum(1 for i, line in enumerate(lines[: index + 1]) if _lyric_words(line))
        prompt = f"{count} alternatives for line {number}"
        result = self._cowriter().propose(
            prompt, self.text, task="alternatives", on_token=on_token, cancel=cancel
        )
        target = ports.syllables(words)
        alts = tuple(
            Alternative(text, ports.syllables(_lyric_words(text)), target)
            for text in result.alternatives
            if text.strip() and text != lines[index]
        )
        if not alts:
            raise CowriterError("the model gave no usable alternative", hint="try again or rephrase")
        proposal = Proposal(
            prompt=prompt,
            reply=result.text,
            chordpro=result.chordpro,
            base=self.text,
            text=self.text,
            changes=(),
            model=result.model,
            alternatives=alts,
            line=index,
        )
        return proposal.choose(0)

    def _remember(self, prompt: str, reply: str) -> None:
        from cowriter.model.backend import Message

        self.history.extend([Message("user", prompt), Message("assistant", reply)])
        del self.history[:-HISTORY]
        if self._session is not None:
            with self._save_lock:
                ports.record_chat(self._session, prompt, reply, self.model_name)

    def accept(self, proposal: Proposal, change_ids: Sequence[int] | None = None) -> Proposal:
        """Put the chosen changes (all when None) into the song, crediting the lines they bring to the
        model. Returns what is left of the proposal to decide, on the new text."""
        chosen = [c for c in proposal.changes if change_ids is None or c.id in change_ids]
        if proposal.base != self.text:  # the writer typed meanwhile: follow the text
            wanted = [(c.old, c.new) for c in chosen]
            proposal = proposal.rebase(self.text)
            chosen = [c for c in proposal.changes if (c.old, c.new) in wanted]
        ids = [c.id for c in chosen]
        text, authored = apply_changes(self.text, proposal.changes, set(ids))
        self.set_text(text, author=HUMAN)
        author = f"model:{proposal.model}"
        for i in authored:
            if 0 <= i < len(self.authors):
                self.authors[i] = author
        return proposal.without(applied=ids)

    def reject(self, proposal: Proposal, change_ids: Sequence[int] | None = None) -> Proposal:
        """Drop the chosen changes (all when None); the song is untouched. Returns what is left."""
        if proposal.base != self.text:
            proposal = proposal.rebase(self.text)
        ids = [c.id for c in proposal.changes] if change_ids is None else list(change_ids)
        return proposal.without(dropped=ids)

    def sketch_melody(self, row: int, *, section: bool = False, alternatives: int = 4) -> MelodySketch:
        """Ranked melody sketches for the lyric line on 0-based `row` (or its whole section). Changes
        nothing: accept one with `accept(sketch.proposal(i))`, which credits its lines to the sketcher."""
        from cowriter.service.workspace_melody import sketch_at

        return sketch_at(self.text, row, section=section, alternatives=alternatives)

    # -- transport ---------------------------------------------------------------------------------------

    def transposed(self, semitones: int, text: str | None = None) -> str:
        """The song (or `text`) moved by `semitones`, spelled for the new key. Changes nothing."""
        source = self.text if text is None else text
        song, diagnostics = ports.parse(source)
        if any(d.severity is Severity.ERROR for d in diagnostics):
            raise CowriterError("fix the marked errors before transposing")
        return ports.transpose(source, song, semitones)

    def replace_text(self, text: str) -> None:
        """New text from a tool that changes chords, not words (transposition): credits stay with the
        lines when the line count is unchanged."""
        authors = list(self.authors)
        self.set_text(text)
        if len(self.lines) == len(authors):
            self.authors = authors

    def transpose(self, semitones: int) -> str:
        new = self.transposed(semitones)
        self.replace_text(new)
        self.settings.transpose += semitones
        return new

    def styles(self) -> tuple[str, ...]:
        return ports.styles()

    @property
    def audio_label(self) -> str:
        return ports.audio_label(self.audio)

    def play(
        self,
        on_position: Position | None = None,
        *,
        text: str | None = None,
        section: str | None = None,
        loop: bool = False,
        bar: int | None = None,
    ) -> str:
        """Arrange and start playing (`text` defaults to the song), from `bar` (song bars, 1-based) or the
        start of `section`; returns the audio route."""
        self.stop()
        source = self.text if text is None else text
        song, _ = ports.parse(source)
        if song is None or not song.lines:
            raise CowriterError("nothing to play yet", hint="write a line with a chord, e.g. [C]Hello")
        player = ports.start_player(
            song,
            style=self.settings.style,
            bpm=self.settings.bpm,
            section=section,
            loop=loop,
            bar=bar,
            audio=self.audio,
            on_position=(lambda bar, beat, line: on_position(PlayPosition(bar, beat, line)))
            if on_position
            else None,
        )
        self._player = player
        return ports.player_route(player)

    def set_tempo(self, bpm: float) -> None:
        """Play at `bpm` from now on (from the next bar when playing)."""
        self.settings.bpm = bpm
        player = self._player
        if player is not None and hasattr(player, "set_tempo"):
            player.set_tempo(bpm)

    def stop(self) -> None:
        player, self._player = self._player, None
        if player is not None:
            player.stop()

    @property
    def playing(self) -> bool:
        return self._player is not None and ports.player_active(self._player)

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
                ports.save_session(self._session, text, HUMAN, message or "edits")
                where.append(f"session {self.session_name}")
            if self.path is not None:
                ports.write_atomic(self.path, text)
                where.append(str(self.path))
        if not where:
            raise CowriterError("nowhere to save", hint="export to a file (ctrl+o) or open a session")
        self.saved_text = text
        return ", ".join(where)

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
            ports.save_session(self._session, before, HUMAN, "edits")
            ports.save_session(self._session, after, f"model:{model}", "accepted proposal", prompt)

    def suggested_export(self) -> str:
        if self.path is not None:
            return str(self.path.with_suffix(".export.cho"))
        song, _ = ports.parse(self.text)
        title = (song.title if song is not None else "") or "song"
        slug = "".join(c if c.isalnum() else "-" for c in title.lower()).strip("-") or "song"
        return f"{slug}.cho"

    def export(self, path: str | Path) -> Path:
        target = Path(path).expanduser()
        ports.write_atomic(target, self.text)
        return target

    def close(self) -> None:
        self.stop()
        if self._session is not None:
            self._session.close()
        if self.backend is not None and hasattr(self.backend, "close"):
            self.backend.close()


# -- helpers ---------------------------------------------------------------------------------------------


def _lyric_words(line: str) -> str:
    """The sung words of a ChordPro source line ('' for directives, comments and chord-only lines)."""
    s = line.strip()
    if not s or s.startswith(("{", "#", "|")):
        return ""
    out: list[str] = []
    depth = 0
    for ch in line:
        if ch == "[":
            depth += 1
        elif ch == "]" and depth:
            depth -= 1
        elif not depth:
            out.append(ch)
    words = "".join(out).strip()
    return words if any(c.isalpha() for c in words) else ""


def gutter(song: Song) -> tuple[LineInfo, ...]:
    """Syllables and the rhyme-scheme letter of each sung line, at its source line. From the parsed song,
    so a chord line above the words (chords over lyrics) is not mistaken for lyrics."""
    seen: dict[int, str] = {}
    for line in song.lines:
        if line.has_words and line.line > 0 and line.line - 1 not in seen:
            seen[line.line - 1] = line.lyrics
    lyric = sorted(seen.items())
    if not lyric:
        return ()
    letters = ports.rhyme_scheme([w for _, w in lyric])
    return tuple(
        LineInfo(i, ports.syllables(w), letters[n] if n < len(letters) else "")
        for n, (i, w) in enumerate(lyric)
    )
