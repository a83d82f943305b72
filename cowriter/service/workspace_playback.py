"""The workspace's transport: what the writer set (style, tempo, loop, key), playing the song or another
text, the play head, and stopping.

`Playback` is a part of `Workspace` (see `cowriter.service.workspace`). `play` arranges and starts a
player and returns at once; the play head arrives through a callback from the player's thread.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from cowriter.errors import CowriterError
from cowriter.service import workspace_ports as ports


@dataclass(frozen=True, slots=True)
class PlayPosition:
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


class Playback:
    """Playing the song (the fields are the workspace's)."""

    text: str
    audio: str | None
    settings: Settings
    _player: ports.Player | None

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
