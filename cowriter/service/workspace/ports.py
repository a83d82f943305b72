"""The workspace's reach into the layers beneath it, one small function per need.

Each function imports its library lazily (the TUI draws its first frame before any of them loads) and turns
a missing piece or a failure into a `CowriterError` with a clear message, which the TUI shows as a
notification. Nothing here touches a UI.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from cowriter.core.diagnostics import Diagnostic
from cowriter.errors import CowriterError
from cowriter.model.backend import Backend as Backend

if TYPE_CHECKING:
    from cowriter.core.song import Song
    from cowriter.session import Session

OnPosition = Callable[[int, float, int], None]


class Player(Protocol):
    def stop(self) -> None: ...


# -- notation --------------------------------------------------------------------------------------------


def read_text(path: Path) -> str:
    """The file's text in any encoding songs come in, with `\n` line ends. (Only the decoder is imported:
    the parser loads after the first frame.)"""
    from cowriter.core.encoding import decode
    from cowriter.limits import read_limited

    data = read_limited(path, regular_only=True)  # the size limit; a device, FIFO or folder refused
    if b"\0" in data[:4096] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise CowriterError(f"{path}: looks like a binary file, not a chord sheet")
    return decode(data)


def parse(text: str) -> tuple[Song, tuple[Diagnostic, ...]]:
    """The song and its diagnostics (the parser never raises on bad input)."""
    from cowriter.core.sheet import read_song

    song = read_song(text)
    return song, tuple(song.diagnostics)


def is_chordpro(text: str) -> bool:
    """Whether the text reads as ChordPro (else chords over lyrics)."""
    from cowriter.core.sheet import is_chordpro as reads_as_chordpro

    return reads_as_chordpro(text)


def as_chordpro(text: str) -> str:
    """A chords-over-lyrics page as ChordPro (what the co-writer reads and answers in)."""
    from cowriter.core.format import to_chordpro

    song, _ = parse(text)
    return to_chordpro(song)


def song_key(song: Song | None) -> tuple[str, bool]:
    """The song's key ("G", "Am") and whether it is guessed from its chords (no `{key}`): the one rule of
    `core.song_key`, which the melody sketches' `K:` follows too. ("", False): no key to show."""
    if song is None:
        return "", False
    from cowriter.core.song_key import song_key as key_of

    found = key_of(song)
    return (str(found), found.guessed) if found is not None else ("", False)


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


def slug(text: str, *, limit: int = 0, collapse: bool = False) -> str:
    """`text` as a name for a file or a session: lower case, every other character than a letter or digit
    a `-` (one for a run of them with `collapse`), none at either end, at most `limit` characters (0: no
    limit); "" when nothing is left (the caller names a default)."""
    marks = "".join(c if c.isalnum() else " " if collapse else "-" for c in text.lower())
    name = "-".join(marks.split()) if collapse else marks.strip("-")
    return name[:limit] if limit else name


# -- the model -------------------------------------------------------------------------------------------


def load_backend(spec: str | None) -> Backend:
    """A backend for `--model` (or the default model); raises CowriterError with advice."""
    from cowriter.model.locate import open_backend, resolve

    return open_backend(resolve(spec))  # a local model leaves a core to the editor (llama.default_threads)


# -- playback --------------------------------------------------------------------------------------------


def preview_wav() -> Path:
    """Where the TUI writes sound when it cannot play it (SSH, no device)."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    folder = Path(base) / "cowriter"
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise _cannot_write_sound(folder, exc) from None
    return folder / "preview.wav"


def _cannot_write_sound(where: Path, exc: OSError) -> CowriterError:
    """The one line for a sound file that cannot be written (an unwritable cache folder, a full disk)."""
    return CowriterError(
        f"cannot write the sound to {where}: {exc.strerror or exc}",
        hint="set XDG_CACHE_HOME to a folder you can write, or play with --audio none",
    )


def start_player(
    song: Song,
    *,
    style: str | None,
    bpm: float | None,
    section: str | None,
    loop: bool,
    audio: str | None,
    on_position: OnPosition | None,
    sound: str | None = None,
    wav_path: Path | None = None,
    bar: int | None = None,
    until_bar: int | None = None,
    notes: list[str] | None = None,
) -> Player:
    """Arrange the song and start playing it: on the laptop's listener when one answers through the SSH
    connection (see `cowriter listen`), else on the device, a WAV or nothing as `audio` says. With
    `--audio none` the play head still moves in real time (a clocked silent output), so the writer can
    follow the sheet. Why an expected listener was not used goes to `notes`, in one line."""
    from cowriter.core.arrange import ArrangeError, arrange
    from cowriter.core.timing import timeline
    from cowriter.render.player import Position
    from cowriter.render.sounds import resolve

    try:
        arrangement = arrange(song, style=style, bpm=bpm, seed=0)
        timed = timeline(song)
    except ArrangeError as exc:
        raise CowriterError(f"cannot play: {exc}") from exc
    chosen = resolve(sound).path  # a SoundFont that is not there says so before any output opens

    def moved(pos: Position) -> None:
        if on_position is not None:
            on_position(pos.bar, pos.beat, pos.line)

    player: Any = _relay_player(arrangement, timed, moved, wav_path, notes, chosen) if audio is None else None
    if player is None:
        player = _local_player(arrangement, timed, moved, audio, wav_path, chosen)
    try:
        player.start(bar, section=section, loop=loop, until_bar=until_bar)
    except KeyError as exc:
        player.stop()
        raise CowriterError(f"cannot play: {exc.args[0] if exc.args else exc}") from exc
    except OSError as exc:  # the WAV a take goes to cannot be opened
        player.stop()
        raise _cannot_write_sound(Path(exc.filename or wav_path or "preview.wav"), exc) from None
    started: Player = player
    return started


def _relay_player(
    arrangement: Any,
    timed: Any,
    moved: Any,
    wav_path: Path | None,
    notes: list[str] | None,
    sound: Path | None,
) -> Any:
    """A player on the laptop's listener, or None (no listener wanted, or none answers). With a SoundFont
    the laptop is sent its sound (PCM): its own synth would not sound like the writer's choice."""
    from cowriter.render import remote_find

    if not remote_find.wanted(None):
        return None
    try:
        opened = remote_find.connect(pcm=sound is not None)
    except remote_find.NoListener as exc:
        if exc.found and notes is not None:
            notes.append(f"laptop: {exc}")
        return None
    from cowriter.render.remote_player import RemotePlayer

    return RemotePlayer(arrangement, opened, timeline=timed, on_position=moved,
                        fallback_wav=wav_path or preview_wav(), sound=sound)  # fmt: skip


def _local_player(
    arrangement: Any, timed: Any, moved: Any, audio: str | None, wav_path: Path | None, sound: Path | None
) -> Any:
    from cowriter.render.audio import NullOutput, decide_route, open_output
    from cowriter.render.player import Player as RenderPlayer

    try:
        if decide_route(audio).kind == "none":
            output: Any = NullOutput(clocked=True)
        else:
            output, _why = open_output(audio, wav_path=wav_path or preview_wav())
    except (OSError, ValueError) as exc:
        raise CowriterError(f"no audio: {exc}", hint="try --audio wav or --audio none") from exc
    return RenderPlayer(arrangement, output, timeline=timed, on_position=moved, sound=sound)


def styles() -> tuple[str, ...]:
    from cowriter.core.arrange.styles import STYLES

    return tuple(STYLES)


NO_DEVICE = "WAV (no speakers here)"  # what a play does on a machine without one: writes the WAV


def audio_label(mode: str | None) -> str:
    """Where sound will go, before anything plays. Decided by the same rule as the player's, without
    importing numpy or sounddevice (the TUI shows this in its first frame)."""
    chosen = mode or os.environ.get("COWRITER_AUDIO") or None
    if chosen == "none":
        return "off"
    if chosen == "wav":
        return "WAV file"
    if chosen is None:
        from cowriter.render.remote_find import listener_label  # stdlib only: no numpy for the first frame

        laptop = listener_label()
        if laptop:
            return laptop
    if chosen is None and os.environ.get("SSH_CONNECTION") and not os.environ.get("PULSE_SERVER"):
        return "WAV (SSH: no speakers here)"
    return "speakers"


def probe_route(mode: str | None) -> str:
    """Where sound will go, found out rather than assumed: `audio_label`, and for a device whether this
    machine has one ("speakers (NAME)", else the WAV a play falls back to, as the player does). Asking
    PortAudio imports sounddevice and numpy (tens of ms or more): call it from a worker."""
    label = audio_label(mode)
    if label != "speakers":
        return label
    from cowriter.render.audio import NoDevice, output_devices

    try:
        return f"speakers ({output_devices()[0]})"
    except NoDevice:
        return NO_DEVICE


def player_route(player: Player) -> str:
    return str(getattr(player, "route", "") or "")


def player_active(player: Player) -> bool:
    return bool(getattr(player, "playing", False))


# -- saving ----------------------------------------------------------------------------------------------


def open_session(name: str, folder: Path | None, text: str | None) -> tuple[Session, str, list[str]]:
    """The session (created from `text` when new), its current text and the author of each line."""
    from cowriter.session import SessionStore, default_store

    store = SessionStore(default_store(folder))
    session = store.open(name) if store.exists(name) else store.create(name, text or "", author="human")
    return session, session.text(), session_authors(session)


def session_names(folder: Path | None) -> list[str]:
    """The sessions in the store (a missing store has none)."""
    from cowriter.session import SessionStore, default_store

    return SessionStore(default_store(folder)).list()


def session_exists(name: str, folder: Path | None) -> bool:
    """Whether session `name` is in the store (a name that could not be one raises CowriterError)."""
    from cowriter.session import SessionStore, check_name, default_store

    return SessionStore(default_store(folder)).exists(check_name(name))


def session_authors(session: Session) -> list[str]:
    """Who wrote each line of the session's latest version."""
    return [c.author if c.author != "edited" else f"edited:{c.origin}" for c in session.credits().credits]


def create_session(
    name: str,
    folder: Path | None,
    text: str,
    authors: list[str],
    chat: list[tuple[str, str]],
    model: str,
    *,
    scratch: bool = False,
) -> Session:
    """A NEW session `name` (CowriterError when refused or taken) whose latest version is `text`, line i
    credited to `authors[i]`: the writer's lines make the first version, each model's lines the next
    (the store credits the lines a version adds to its author); then the chat. A line the writer edited
    from a model's ("edited:…") is the writer's here: the model's own words are not known any more."""
    from cowriter.session import SessionStore, default_store

    lines = text.split("\n")
    who = [a if a.startswith("model:") else "human" for a in (authors + ["human"] * len(lines))[: len(lines)]]
    models = list(dict.fromkeys(a for a in who if a != "human"))

    def upto(k: int) -> str:
        keep = {"human", *models[:k]}
        return "\n".join(line for line, a in zip(lines, who, strict=True) if a in keep)

    store = SessionStore(default_store(folder))
    if scratch:  # in the recovery store, under a name of its own
        from cowriter.session.scratch import new_name, recovery_store

        store, name = recovery_store(store), new_name()
    session = store.create(name, upto(0), author="human", message="kept")
    try:
        for k, author in enumerate(models, 1):
            session.save_version(upto(k), author, message="the model's lines, kept")
        for role, content in chat:
            session.add_message(role, content, model=model if role == "assistant" else None)
    except BaseException:
        session.close()
        raise
    return session


def keep_scratch(session: Session, name: str, folder: Path | None) -> Session:
    """The scratch `session` moved into the store as session `name`, history and all (`session.scratch`)."""
    from cowriter.session import SessionStore, default_store
    from cowriter.session.scratch import keep

    return keep(SessionStore(default_store(folder)), session, name)


def left_songs(folder: Path | None) -> list[Any]:
    """Songs a cowriter left unsaved in the recovery store (`session.scratch.LeftSong`), newest first."""
    from cowriter.session import SessionStore, default_store
    from cowriter.session.scratch import left_songs as left

    try:
        return list(left(SessionStore(default_store(folder))))
    except (OSError, CowriterError):  # a store that cannot be read has nothing to offer
        return []


def open_scratch(name: str, folder: Path | None) -> Session:
    """A song left in the recovery store, opened to go on writing it (CowriterError when it is gone or
    another cowriter took it)."""
    from cowriter.session import SessionStore, default_store
    from cowriter.session.scratch import recovery_store

    session = recovery_store(SessionStore(default_store(folder))).open(name)
    if session.readonly:
        session.close()
        raise CowriterError("another cowriter took that song back first")
    return session


def discard_scratch(name: str, folder: Path | None) -> None:
    from cowriter.session import SessionStore, default_store
    from cowriter.session.scratch import discard

    discard(SessionStore(default_store(folder)), name)


def free_session_name(stem: str, folder: Path | None) -> str:
    """`stem`, or `stem-2`, `stem-3`… : the first name no session in the store has (case-insensitively)."""
    from cowriter.session import SessionStore, default_store

    taken = {n.casefold() for n in SessionStore(default_store(folder)).list()}
    name, n = stem, 1
    while name.casefold() in taken:
        n += 1
        name = f"{stem}-{n}"
    return name


def now_iso() -> str:
    """Now, as the session store writes a version's time."""
    from cowriter.session.files import now_iso as stamp

    return stamp()


def save_session(
    session: Session,
    text: str,
    author: str,
    message: str = "",
    prompt: str | None = None,
    created: str | None = None,
) -> None:
    if text != session.text():
        session.save_version(text, author, message=message, prompt=prompt, created=created)


def session_chat(session: Session, limit: int) -> list[tuple[str, str]]:
    return [(m.role, m.text) for m in session.messages()[-limit:] if m.role in ("user", "assistant")]


def session_state(session: Session, key: str) -> Any:
    return session.get_state(key)


def set_session_state(session: Session, key: str, value: Any) -> None:
    if not session.readonly:
        session.set_state(key, value)


def record_chat(session: Session, prompt: str, reply: str, model: str) -> None:
    if not session.readonly:
        session.add_message("user", prompt)
        session.add_message("assistant", reply, model=model)


def write_atomic(path: Path, text: str) -> None:
    """Save or export the song: `cowriter.songio.write_text` (atomic; links, permissions kept)."""
    from cowriter.songio import write_text

    write_text(path, text)
