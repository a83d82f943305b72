"""The workspace: one open song and everything done to it, without a UI.

The TUI drives a `Workspace`; tests drive it directly. It holds the song text (the source of truth), checks
it (parse → diagnostics, syllables and rhyme letters per lyric line), asks the model for proposals and
applies the parts the writer accepts, crediting each accepted line to the model, and arranges, plays,
transposes and saves. Methods that block (model, render, audio, disk) are meant for worker threads; they
report progress through plain callbacks and never touch a UI.

The pieces beneath (notation, lyrics, model, arrangement, playback, session store) are reached through
`cowriter.service.workspace.ports`, which imports each lazily and says clearly when one is missing.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from cowriter.core.diagnostics import Diagnostic, Severity
from cowriter.errors import CowriterError
from cowriter.model.backend import Message
from cowriter.service.workspace import ports as ports
from cowriter.service.workspace.diff import (
    Alternative,
    Change,
    Proposal,
    apply_changes,
    carry_authors,
    moved_lines,
)
from cowriter.service.workspace.model import CoWriting
from cowriter.service.workspace.playback import Playback, PlayPosition, Settings, SoundFile
from cowriter.service.workspace.store import HUMAN, Keeping, SessionOpened, Step, file_session

if TYPE_CHECKING:  # the song model loads with the first check, after the editor's first frame
    from cowriter.core.song import Song
    from cowriter.session import Session

__all__ = [
    "HUMAN",
    "Alternative",
    "Change",
    "Check",
    "LineInfo",
    "PlayPosition",
    "Proposal",
    "SessionOpened",
    "Settings",
    "SoundFile",
    "Workspace",
    "file_session",
]



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
    key: str = ""  # the song's key ("G", "Am"; "" without chords or {key})
    key_guessed: bool = False  # found from the chords: the song has no {key}
    columns: bool = False  # chords over lyrics: each chord stands over its syllable (never wrapped)

    @property
    def errors(self) -> tuple[Diagnostic, ...]:
        return tuple(d for d in self.diagnostics if d.severity is Severity.ERROR)


@dataclass
class Workspace(CoWriting, Playback, Keeping):
    """One song being written. `text` is the truth; `authors[i]` credits line i of it. Asking the model
    (`CoWriting`), playing (`Playback`) and keeping it in its session and file (`Keeping`) live in modules
    of their own."""

    text: str = ""
    path: Path | None = None
    session_name: str | None = None
    sessions_dir: Path | None = None
    model_spec: str | None = None
    audio: str | None = None  # device | wav | none (None: the player decides)
    sound: str | None = None  # --sound: a SoundFont or "builtin" (None: COWRITER_SOUND, config, built-in)
    backend: ports.Backend | None = None
    settings: Settings = field(default_factory=Settings)
    authors: list[str] = field(default_factory=list)
    history: list[Message] = field(default_factory=list)
    saved_text: str = ""
    _player: ports.Player | None = field(default=None, repr=False)
    notice: str = ""
    scratch: bool = False  # the session is the song's scratch in the recovery store (`Keeping.homeless`)
    _session: Session | None = field(default=None, repr=False)
    _save_lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _steps: list[Step] = field(default_factory=list, repr=False)
    revision: int = 0  # one more at each change of the text: how old a snapshot is
    _kept: tuple[int, str] = field(default=(-1, ""), repr=False)  # the writer's acts, not yet in the session

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
        sound: str | None = None,
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
            sound=sound,
        )
        if session:
            ws.adopt(ws.open_session(session))
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
        self.revision += 1

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
        key, guessed = ports.song_key(song)
        columns = bool(text.strip()) and not ports.is_chordpro(text)
        return Check(song, diagnostics, gutter(song), ports.bars(song), key, guessed, columns)

    # -- proposals ---------------------------------------------------------------------------------------

    def follow(self, proposal: Proposal) -> Proposal | None:
        """`proposal` carried onto the song as it is now: moved to the song's key when the writer
        transposed since the model saw it (the model's chords go to the new key too), then merged with
        what the writer typed meanwhile (`Proposal.rebase`: a three-way merge, conflicts marked). None:
        it cannot follow the song to its new key (its song or its lines do not transpose)."""
        moved: Proposal | None = proposal
        delta = self.settings.transpose - proposal.transpose
        if delta:
            moved = self.transposed_proposal(proposal, delta)
        if moved is None:
            return None
        return moved.rebase(self._merge_target(moved))

    def _merge_target(self, proposal: Proposal) -> str:
        """The text a proposal's changes apply to: the song, or (for a proposal made on the ChordPro form
        of a chords-over-lyrics page) the page as ChordPro."""
        if proposal.as_chordpro and self.text.strip() and not ports.is_chordpro(self.text):
            return ports.as_chordpro(self.text)
        return self.text

    def accept(self, proposal: Proposal, change_ids: Sequence[int] | None = None) -> Proposal:
        """Put the chosen changes into the song, crediting the lines they bring to the model; None takes
        every change that touches no line the writer changed since the model saw it (conflicts go in only
        when chosen by id). The proposal is carried onto the text as it is now first (`follow`). Returns
        what is left of the proposal to decide, on the new text. Raises CowriterError when the proposal
        cannot follow the song to its new key."""
        followed = self.follow(proposal)
        if followed is None:
            raise CowriterError("the proposal could not move to the song's new key", hint="F2 asks again")
        proposal = followed
        if change_ids is None:
            ids = list(proposal.clean_ids())
        else:
            ids = [c.id for c in proposal.changes if c.id in change_ids]
        if ids and proposal.base != self.text:  # a page in chords over lyrics: the writer's ChordPro first
            self.convert_page(proposal.base)
        text, authored = apply_changes(self.text, proposal.changes, set(ids))
        self.set_text(text, author=HUMAN)
        author = f"model:{proposal.model}"
        for i in authored:
            if 0 <= i < len(self.authors):
                self.authors[i] = author
        return proposal.without(applied=ids)

    def reject(self, proposal: Proposal, change_ids: Sequence[int] | None = None) -> Proposal:
        """Drop the chosen changes (all when None); the song is untouched. Returns what is left."""
        proposal = self.follow(proposal) or replace(proposal, changes=(), alternatives=())
        ids = [c.id for c in proposal.changes] if change_ids is None else list(change_ids)
        return proposal.without(dropped=ids)

    def convert_page(self, chordpro: str) -> None:
        """The writer's chords-over-lyrics page becomes its ChordPro form `chordpro`: the writer's act (a
        proposal made on the ChordPro form is being accepted), credited as the writer's edit and kept as a
        version of its own (see `Keeping.save_text`)."""
        before = self.text
        self.set_text(chordpro, author=HUMAN)
        self.step(before, chordpro, "converted to ChordPro")

    # -- transport ---------------------------------------------------------------------------------------

    def transposed(self, semitones: int, text: str | None = None) -> str:
        """The song (or `text`) moved by `semitones`, spelled for the new key. Changes nothing."""
        source = self.text if text is None else text
        song, diagnostics = ports.parse(source)
        if any(d.severity is Severity.ERROR for d in diagnostics):
            raise CowriterError("fix the marked errors before transposing")
        return ports.transpose(source, song, semitones)

    def transposed_proposal(self, proposal: Proposal, semitones: int) -> Proposal | None:
        """`proposal` moved by `semitones` along with its song (both spelled for the new key), or None
        when it cannot follow (its song or its lines do not parse, or do not transpose line for line).
        Each change keeps its id and whether it is a conflict. Changes nothing; safe from a worker."""
        try:
            base = self.transposed(semitones, proposal.base)
            text = self.transposed(semitones, proposal.text)
            alternatives = tuple(
                replace(alt, text=self.transposed(semitones, proposal.choose(i).text).split("\n")[
                    proposal.line or 0])
                for i, alt in enumerate(proposal.alternatives)
            )
        except (CowriterError, IndexError):
            return None
        return moved_lines(proposal, base, text, alternatives, semitones)

    def replace_text(self, text: str) -> None:
        """New text from a tool that changes chords, not words (transposition): credits stay with the
        lines when the line count is unchanged. The next save records it in the session as a transposition
        (the text before it, then the transposed text with every line's and chord's credit carried)."""
        authors, before = list(self.authors), self.text
        self.set_text(text)
        if len(self.lines) == len(authors):
            self.authors = authors
            if text != before:
                self.step(before, text, "transposed", carry=True)

    def transpose(self, semitones: int) -> str:
        new = self.transposed(semitones)
        self.replace_text(new)
        self.settings.transpose += semitones
        return new

    def suggested_export(self) -> str:
        if self.path is not None:
            return str(self.path.with_suffix(".export.cho"))
        song, _ = ports.parse(self.text)
        title = (song.title if song is not None else "") or "song"
        slug = ports.slug(title) or "song"
        return f"{slug}.cho"

    def export(self, path: str | Path, *, overwrite: bool = True) -> Path:
        """Write the song to `path` in the format its extension names (`workspace.export`: ChordPro, text,
        MIDI, MusicXML, WAV; the transport's style and tempo). The caller asks before overwriting (the
        export screen does); `overwrite=False` refuses an existing file. A WAV takes seconds (a worker)."""
        from cowriter.service.workspace.export import write_export

        text = self.text
        settings = self.settings
        return write_export(
            text, path, overwrite=overwrite, style=settings.style, bpm=settings.bpm, sound=self.sound
        ).path

    def close(self) -> None:
        self.stop()
        if self._session is not None:
            self._session.close()
        if self.backend is not None and hasattr(self.backend, "close"):
            self.backend.close()


# -- helpers ---------------------------------------------------------------------------------------------


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
