"""The workspace's transport: what the writer set (style, tempo, loop, key), playing the song or another
text, the play head, and stopping.

`Playback` is a part of `Workspace` (see `cowriter.service.workspace`). `play` arranges and starts a
player and returns at once; the play head arrives through a callback from the player's thread.

When the sound cannot be heard here (over SSH, `--audio wav`, no device) the player writes a WAV file as
fast as it renders. Nothing is playing then: there is no play head to follow (it would race to the end in
a second), so none is reported; `sound_file` says where the sound goes, how much of it is written, and
when it is complete. Each play is a take of its own (`workspace.takes`), named after the song and what
played, so an A/B comparison or the take before this one is still there; old takes are cleaned up.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple

from cowriter.errors import CowriterError
from cowriter.service.workspace import ports as ports


class PlayPosition(NamedTuple):  # (a named tuple: cheaper to define and to make than a dataclass)
    bar: int
    beat: float
    line: int  # 1-based source line sounding now (0: none)


Position = Callable[[PlayPosition], None]


@dataclass
class Settings:
    style: str | None = None  # None: the song's own ({x_style}, else by its meter)
    bpm: float | None = None  # None: the song's tempo
    loop_section: str | None = None
    transpose: int = 0

    def state(self) -> dict[str, Any]:
        """As kept with the song's session (JSON)."""
        return {"style": self.style, "bpm": self.bpm, "loop": self.loop_section, "transpose": self.transpose}

    @classmethod
    def from_state(cls, state: Mapping[str, Any]) -> Settings:
        """Back from `state` (values of the wrong kind are left at their defaults)."""

        def get(key: str, kinds: tuple[type, ...]) -> Any:
            value = state.get(key)
            return value if isinstance(value, kinds) and not isinstance(value, bool) else None

        bpm = get("bpm", (int, float))
        return cls(
            style=get("style", (str,)),
            bpm=float(bpm) if bpm is not None and 20 <= bpm <= 400 else None,
            loop_section=get("loop", (str,)),
            transpose=get("transpose", (int,)) or 0,
        )


class SoundFile(NamedTuple):
    """The WAV a play request writes instead of sounding."""

    path: Path
    seconds: float  # of sound written so far
    complete: bool  # written to its end (False while writing, or when stopped before the end)
    writing: bool  # still being written


class Playback:
    """Playing the song (the fields are the workspace's)."""

    text: str
    path: Path | None
    session_name: str | None
    audio: str | None
    sound: str | None
    settings: Settings
    _player: ports.Player | None
    _file_player: ports.Player | None = None  # the last player that wrote a file
    _file_cut = False  # ... and it was stopped before its end
    _notes: list[str] = []  # noqa: RUF012 - replaced, never mutated in place

    def styles(self) -> tuple[str, ...]:
        return ports.styles()

    @property
    def audio_label(self) -> str:
        """Where sound will go, as far as the settings say (no device asked: cheap, for the first frame);
        "speakers" is unconfirmed until `probe_route`."""
        return ports.audio_label(self.audio)

    def probe_route(self) -> str:
        """Where sound will go, the device asked for when there would be one ("speakers (NAME)", or the
        WAV a play writes on a machine without one). Blocks for a moment: a worker's."""
        return ports.probe_route(self.audio)

    def play(
        self,
        on_position: Position | None = None,
        *,
        text: str | None = None,
        section: str | None = None,
        loop: bool = False,
        bar: int | None = None,
        until_bar: int | None = None,
        take: str = "",
    ) -> str:
        """Arrange and start playing (`text` defaults to the song), from `bar` (song bars, 1-based) or the
        start of `section`, and with `until_bar` no note after that bar; returns the audio route. `take`
        names what plays when it is not the song ("melody 2 for line 11"): a WAV written instead is named
        after it."""
        self.stop()
        source = self.text if text is None else text
        song, _ = ports.parse(source)
        if song is None or not (song.lines or any(s.grid_rows for s in song.sections)):
            raise CowriterError("nothing to play yet", hint="write a line with a chord, e.g. [C]Hello")
        live = threading.Event()  # set once the sound is known to be heard (not written to a file)

        def moved(bar: int, beat: float, line: int) -> None:
            if on_position is not None and live.is_set():
                on_position(PlayPosition(bar, beat, line))

        notes: list[str] = []
        wav = self._wav_for(source, section, bar, until_bar, take) if self.audio_label != "off" else None
        player = ports.start_player(
            song,
            style=self.settings.style,
            bpm=self.settings.bpm,
            section=section,
            loop=loop,
            bar=bar,
            until_bar=until_bar,
            audio=self.audio,
            sound=self.sound,
            on_position=moved if on_position else None,
            wav_path=wav,
            notes=notes,
        )
        self._notes = notes  # why the laptop's listener was not used, when one was expected
        self._player = player
        self._file_player = player if written_to(player) is not None else None
        self._file_cut = False
        if self._file_player is None:
            live.set()
        return ports.player_route(player)

    def _wav_for(
        self, source: str, section: str | None, bar: int | None, until: int | None, take: str
    ) -> Path:
        """Where a play request writes its sound when it cannot be heard: a take of its own in the takes
        folder (`workspace.takes`), named after the song and what plays ("night-bus-take-04-chorus.wav");
        the last few takes of each song are kept, older ones removed."""
        from cowriter.service.workspace import takes

        what = take or section or (f"bars {bar or 1}-{until}" if until else f"from bar {bar}" if bar else "")
        if not what and source != self.text:
            what = "take"
        return takes.next_take(self._song_name(), what)

    def _song_name(self) -> str:
        """The song's name for its takes: its file's, its session's, else its title."""
        if self.path is not None:
            return self.path.stem
        if self.session_name:
            return self.session_name
        song, _ = ports.parse(self.text)
        return (song.title if song is not None else "") or "song"

    def take_notes(self) -> list[str]:
        """What the writer should know about where the sound went, each said once: the laptop's listener
        was expected but not used, or went away mid-song (the take is then written to a WAV)."""
        notes, self._notes = self._notes, []
        take_note = getattr(self._player, "take_note", None)
        note = take_note() if take_note is not None else ""
        return [*notes, note] if note else notes

    def pause(self) -> None:
        """Hold the sound where it is (a fade, no click); `resume` goes on from there."""
        player = self._player
        if player is not None and hasattr(player, "pause"):
            player.pause()

    def resume(self) -> None:
        player = self._player
        if player is not None and hasattr(player, "resume"):
            player.resume()

    @property
    def paused(self) -> bool:
        return bool(getattr(self._player, "paused", False))

    @property
    def route(self) -> str:
        """Where the sound of the current play request goes now ("" when nothing plays)."""
        return ports.player_route(self._player) if self._player is not None else ""

    def bar_of_line(self, line: int) -> int | None:
        """The song bar where 1-based source `line` starts to sound (None: no chord on or after it)."""
        song, _ = ports.parse(self.text)
        from cowriter.core.timing import timeline

        try:
            spans = timeline(song).spans
        except Exception:  # a song the timing cannot lay out has no bars to go to
            return None
        bars = [s.bar for s in spans if s.line == line]
        return min(bars) if bars else None

    def seek(self, bar: int) -> bool:
        """Go on playing from a song bar (1-based); False when nothing plays that could."""
        player = self._player
        if player is None or not ports.player_active(player) or not hasattr(player, "seek"):
            return False
        player.seek(bar)
        return True

    @property
    def sound_file(self) -> SoundFile | None:
        """The WAV the last play request writes or wrote (None when its sound is heard, or dropped, or
        nothing played yet)."""
        if self._player is not None and written_to(self._player) is not None:
            self._file_player = self._player  # the laptop went away mid-song: its take goes to a file
        player = self._file_player
        path = written_to(player) if player is not None else None
        if player is None or path is None:
            return None
        writing = ports.player_active(player)
        output = getattr(player, "output", None)
        frames = int(getattr(output, "frames", 0) or 0)
        rate = int(getattr(player, "sample_rate", 0) or getattr(output, "sample_rate", 0) or 44100)
        complete = not writing and not self._file_cut and getattr(player, "error", None) is None
        return SoundFile(path, frames / rate, complete, writing)

    def set_tempo(self, bpm: float) -> None:
        """Play at `bpm` from now on (from the next bar when playing)."""
        self.settings.bpm = bpm
        player = self._player
        if player is not None and hasattr(player, "set_tempo"):
            player.set_tempo(bpm)

    def stop(self) -> None:
        player, self._player = self._player, None
        if player is not None:
            if written_to(player) is not None:
                self._file_player = player
                if ports.player_active(player):
                    self._file_cut = True
            player.stop()

    @property
    def playing(self) -> bool:
        return self._player is not None and ports.player_active(self._player)


def written_to(player: ports.Player) -> Path | None:
    """The file a player writes its sound to as fast as it renders (None when the sound is heard, or
    dropped in real time)."""
    output = getattr(player, "output", None)
    if getattr(output, "kind", "") != "wav" or getattr(output, "clocked", True):
        return None
    path = getattr(output, "path", None)
    return Path(path) if path else None
