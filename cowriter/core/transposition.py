"""Whether one text is another transposed: the same song, line for line, its chords (and `{key}`, ABC
notes) moved by one interval, as `cowriter transpose` writes it in any spelling of the new key.

`sessions save` asks this so that a transposed file keeps every line's and chord's credit: a
transposition is nobody's authorship."""

from __future__ import annotations

import re

from cowriter.core.format import songs_to_chordpro
from cowriter.core.keys import KeyError_, parse_key
from cowriter.core.sheet import read
from cowriter.core.song import Song
from cowriter.core.transpose import transpose_song

__all__ = ["transposition_between"]

_KEY = re.compile(r"^\s*\{\s*key\s*:\s*([^}]*?)\s*\}\s*$", re.MULTILINE)
_CHORD = re.compile(r"\[[^\]\n]*\]")


def transposition_between(old: str, new: str) -> int | None:
    """The semitones up (1-11) by which `new` is `old` transposed, or None when it is anything else: a
    word, a line, a chord's quality or position changed, or nothing moved at all."""
    old_lines, new_lines = old.rstrip("\n").split("\n"), new.rstrip("\n").split("\n")
    if old == new or len(old_lines) != len(new_lines):
        return None
    if [_CHORD.sub("", line) for line in old_lines if "[" in line] != [
        _CHORD.sub("", line) for line in new_lines if "[" in line
    ]:
        return None  # the words under the chords changed: no transposition (and no need to try 11)
    songs = read(old)
    for semitones in range(1, 12):
        if _written(songs, semitones, None) == new.rstrip("\n"):
            return semitones
    # spelled for a key named with --to: with a {key} in the song, the key sets the distance
    old_keys = _KEY.findall(old)
    for key in dict.fromkeys(_KEY.findall(new)):
        for semitones in range(1, 12):
            if _written(songs, semitones, key) == new.rstrip("\n"):
                return _distance(old_keys[0], key) if old_keys else semitones
            if old_keys:
                break  # every distance gives the same text: the key decides it
    return None


def _written(songs: tuple[Song, ...], semitones: int, key: str | None) -> str | None:
    """The songs transposed as `cowriter transpose` writes them (None: a key it cannot read)."""
    try:
        return songs_to_chordpro(transpose_song(song, semitones, key) for song in songs).rstrip("\n")
    except (ValueError, KeyError_):
        return None


def _distance(source: str, target: str) -> int | None:
    try:
        return (parse_key(target).tonic_pc - parse_key(source).tonic_pc) % 12 or None
    except KeyError_:
        return None
