"""The key a song is in, as the writer would name it: its `{key}`, else the key its chords fit best.

One rule for everything that shows or uses the song's key (the editor's transport, the melody sketches'
`K:`): a song with a `{key}` is in that key; a song without one is in the key `theory.guess_key` finds
from every chord it writes (inline and in grids), and that key is a guess, said as such. A song with no
chord at all has no key to show (None). The key is the written one (the chords as on the page); what
sounds after `{transpose}` or a capo is the caller's to add (`core.melody.harmony.key_for`).
"""

from __future__ import annotations

from dataclasses import dataclass

from cowriter.core.chords import try_parse_chord
from cowriter.core.keys import Key, KeyError_, parse_key
from cowriter.core.song import Song
from cowriter.core.theory import guess_key

__all__ = ["SongKey", "song_chords", "song_key"]


@dataclass(frozen=True, slots=True)
class SongKey:
    """The song's key and whether it was guessed from the chords (no usable `{key}`)."""

    key: Key
    guessed: bool = False

    def __str__(self) -> str:
        """The key's short name: `G`, `Am`, `Bb`."""
        return self.key.tonic + ("m" if self.key.is_minor else "")


def song_chords(song: Song) -> list[str]:
    """Every chord symbol the song writes, in order: inline chords (annotations left out), then grid
    cells (their `.`/`%` marks are no chords and are left to the key finder to skip)."""
    chords = [c.symbol for line in song.lines for c in line.chords if not c.annotation]
    chords += [cell.token for s in song.sections for row in s.grid_rows for bar in row.bars for cell in bar]
    return chords


def song_key(song: Song) -> SongKey | None:
    """The song's first `{key}` when it names a key; else the key its chords fit best, marked guessed;
    None for a song without chords (and without a `{key}`)."""
    if song.key:
        try:
            return SongKey(parse_key(song.key.strip()))
        except KeyError_:
            pass  # `{key: ?}`: as if there were none
    chords = song_chords(song)
    if not any(_is_chord(c) for c in chords):
        return None
    return SongKey(guess_key(chords), guessed=True)


def _is_chord(token: str) -> bool:
    chord = try_parse_chord(token)
    return chord is not None and not chord.is_no_chord
