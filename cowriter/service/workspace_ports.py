"""The workspace's reach into the layers beneath it, one small function per need.

Each function imports its library lazily (the TUI draws its first frame before any of them loads) and turns
a missing piece or a failure into a `CowriterError` with a clear message, which the TUI shows as a
notification. Nothing here touches a UI.
"""

from __future__ import annotations

import contextlib
import os
import re
import tempfile
import threading
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, Protocol

from cowriter.core.song import Diagnostic, Song
from cowriter.errors import CowriterError
from cowriter.model.backend import Backend as Backend
from cowriter.model.backend import Message

OnPosition = Callable[[int, float, int], None]


class Player(Protocol):
    def stop(self) -> None: ...


# -- notation --------------------------------------------------------------------------------------------


def read_text(path: Path) -> str:
    """The file's text (any of the encodings songs come in), with newlines normalised."""
    from cowriter.songio import read_text as songio_read

    try:
        return songio_read(str(path)).replace("\r\n", "\n").replace("\r", "\n")
    except CowriterError:
        raise
    except OSError as exc:
        raise CowriterError(f"{path}: {exc.strerror or exc}", hint="check the path") from exc


def parse(text: str) -> tuple[Song, tuple[Diagnostic, ...]]:
    """The song and its diagnostics (the parser never raises on bad input)."""
    from cowriter.core.sheet import read_song

    song = read_song(text)
    return song, tuple(song.diagnostics)


def bars(song: Song | None) -> int:
    if song is None:
        return 0
    try:
        from cowriter.core.timing import timeline
    except ImportError:
        return 0
    try:
        return int(timeline(song).bars)
    except Exception:
        return 0


def transpose(text: str, song: Song | None, semitones: int) -> str:
    from cowriter.core.format import to_chordpro
    from cowriter.core.transpose import transpose_song

    if song is None:
        song, _ = parse(text)
    return to_chordpro(transpose_song(song, semitones))


# -- lyrics ----------------------------------------------------------------------------------------------


def syllables(words: str) -> int:
    from cowriter.lyrics import syllables as count

    return count(words)


def rhyme_scheme(lines: list[str]) -> list[str]:
    from cowriter.lyrics import rhyme_scheme as scheme

    return scheme(lines)


# -- the model -------------------------------------------------------------------------------------------


def model_label(spec: str | None) -> str:
    """The model's short name, without loading it."""
    try:
        from cowriter.model.locate import resolve

        choice = resolve(spec)
    except CowriterError:
        return spec or "no model"
    if choice.url:
        return choice.model_name or choice.url
    return choice.path.name.removesuffix(".gguf") if choice.path else "model"


def load_backend(spec: str | None) -> Backend:
    """A backend for `--model` (or the default model); raises CowriterError with advice."""
    from cowriter.model.locate import open_backend, resolve

    return open_backend(resolve(spec))


SYSTEM = (
    "You are a songwriting partner. You suggest; the writer decides. Answer with ChordPro only: "
    "sections as {start_of_verse: Label} ... {end_of_verse}, chords inline like [G]word."
)


def _extract_chordpro(reply: str) -> str:
    from cowriter.model.replies import extract_chordpro

    return extract_chordpro(reply)


def ask(
    backend: Backend,
    song_text: str,
    prompt: str,
    on_token: Callable[[str], None] | None,
    cancel: threading.Event | None,
    section: str | None,
) -> tuple[str, str, list[str]]:
    """Stream the model's answer; return (reply, chordpro part, problems found)."""
    messages = [
        Message("system", SYSTEM),
        Message("user", f"The song so far:\n{song_text}\n\n{prompt}"),
    ]
    pieces: list[str] = []
    try:
        for piece in backend.stream(messages, cancel=cancel):
            pieces.append(piece)
            if on_token is not None:
                on_token(piece)
    except CowriterError:
        raise
    except Exception as exc:
        raise CowriterError(f"model: {exc}") from exc
    reply = "".join(pieces)
    chordpro = _extract_chordpro(reply)
    problems: list[str] = []
    if chordpro:
        _, diags = parse(chordpro)
        problems = [f"line {d.line}: {d.message}" for d in diags]
    return reply, chordpro, problems


_START = re.compile(r"^\s*\{\s*(start_of_\w+|so[cvbtg])\s*(?::\s*(.*?))?\s*\}\s*$", re.IGNORECASE)
_END = re.compile(r"^\s*\{\s*(end_of_\w+|eo[cvbtg])\s*\}\s*$", re.IGNORECASE)


def _blocks(lines: list[str]) -> Iterable[tuple[str, int, int]]:
    """(label, first, last+1) of each labelled section block."""
    i = 0
    while i < len(lines):
        m = _START.match(lines[i])
        if m:
            label = (m.group(2) or m.group(1)).strip().lower()
            j = i + 1
            while j < len(lines) and not _END.match(lines[j]):
                j += 1
            yield label, i, min(j + 1, len(lines))
            i = j
        i += 1


def merge(song_text: str, chordpro: str) -> str:
    """The song with the proposal in place: a section with the label of an existing one replaces it;
    anything else is added at the end. The writer accepts or rejects each resulting change."""
    if not chordpro.strip():
        return song_text
    lines = song_text.split("\n") if song_text else []
    new = chordpro.strip("\n").split("\n")
    existing = {label: (a, b) for label, a, b in _blocks(lines)}
    proposed = list(_blocks(new))
    if proposed and all(label in existing for label, _, _ in proposed):
        out = list(lines)
        for label, a, b in sorted(proposed, key=lambda p: existing[p[0]][0], reverse=True):
            s, e = existing[label]
            out[s:e] = new[a:b]
        return "\n".join(out)
    body = list(lines)
    while body and not body[-1].strip():
        body.pop()
    if body:
        body.append("")
    return "\n".join([*body, *new, ""])


# -- playback --------------------------------------------------------------------------------------------


class _ClockPlayer:
    """Walks the song's timeline in real time without sound (used when no synth is installed)."""

    route = "silent (no synth in this build)"

    def __init__(self, song: Song, bpm: float | None, loop: bool, on_position: OnPosition | None) -> None:
        from cowriter.core.timing import timeline

        self._timeline = timeline(song)
        self._bpm = bpm
        self._loop = loop
        self._on_position = on_position
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="cowriter-clock", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        tl = self._timeline
        while not self._stop.is_set():
            for span in tl.spans:
                bpm = self._bpm or (tl.tempos[0].bpm if tl.tempos else 100.0)
                if self._on_position:
                    self._on_position(span.bar, span.beat, span.line)
                if self._stop.wait(span.duration * 60.0 / bpm):
                    return
            if not self._loop:
                break
        self._stop.set()

    @property
    def active(self) -> bool:
        return not self._stop.is_set()

    def stop(self) -> None:
        self._stop.set()


def start_player(
    song: Song,
    *,
    style: str,
    bpm: float | None,
    section: str | None,
    loop: bool,
    audio: str | None,
    on_position: OnPosition | None,
) -> Player:
    try:
        from cowriter.core.arrange import arrange
        from cowriter.render import player as player_mod
    except ImportError:
        try:
            return _ClockPlayer(song, bpm, loop, on_position)
        except ImportError as exc:
            raise CowriterError("playback is not available in this build") from exc
    try:
        arrangement = arrange(song, style=style, bpm=bpm, seed=0, section=section)
        p: Any = player_mod.Player(arrangement, output=audio, on_position=on_position)
        if loop and hasattr(p, "loop"):
            p.loop(True)
        p.start()
        return p  # type: ignore[no-any-return]
    except CowriterError:
        raise
    except Exception as exc:
        raise CowriterError(f"playback: {exc}", hint="try --audio wav or --audio none") from exc


def styles() -> tuple[str, ...]:
    from cowriter.core.arrange.styles import STYLES

    return tuple(STYLES)


def audio_label(mode: str | None) -> str:
    """Where sound will go, before anything plays. Decided by the same rule as the player's, without
    importing numpy or sounddevice (the TUI shows this in its first frame)."""
    chosen = mode or os.environ.get("COWRITER_AUDIO") or None
    if chosen == "none":
        return "off"
    if chosen == "wav":
        return "WAV file"
    if chosen is None and os.environ.get("SSH_CONNECTION") and not os.environ.get("PULSE_SERVER"):
        return "WAV (SSH: no speakers here)"
    return "speakers"


def player_route(player: Player) -> str:
    return str(getattr(player, "route", "") or "")


def player_active(player: Player) -> bool:
    value = getattr(player, "active", None)
    if value is None:
        value = getattr(player, "playing", True)
    return bool(value() if callable(value) else value)


# -- saving ----------------------------------------------------------------------------------------------


class StoredSong(Protocol):
    text: str
    authors: list[str]


def open_session(name: str, folder: Path | None, text: str | None) -> tuple[object, StoredSong | None]:
    try:
        from cowriter import session as session_mod
    except ImportError as exc:
        raise CowriterError("sessions are not available in this build") from exc
    store_cls = getattr(session_mod, "SessionStore", None)
    if store_cls is None:
        raise CowriterError("sessions are not available in this build")
    store = store_cls(folder) if folder else store_cls()
    session = store.open(name, create=True) if hasattr(store, "open") else store.session(name)
    stored_text = getattr(session, "text", None)
    if callable(stored_text):
        stored_text = stored_text()
    if stored_text is None:
        return session, None

    class _Stored:
        pass

    stored = _Stored()
    stored.text = str(stored_text)  # type: ignore[attr-defined]
    stored.authors = []  # type: ignore[attr-defined]
    return session, stored  # type: ignore[return-value]


def save_session(session: object, text: str, author: str, message: str, authors: list[str]) -> None:
    save = getattr(session, "save_version", None)
    if save is None:
        raise CowriterError("this session store cannot save versions")
    save(text, author=author, message=message)


def write_atomic(path: Path, text: str) -> None:
    """Temp file, fsync, rename: a crash leaves the old file or the new one, never half of one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except OSError as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise CowriterError(f"{path}: {exc.strerror or exc}", hint="choose another place") from exc
