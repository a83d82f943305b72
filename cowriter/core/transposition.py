"""Whether one text is another transposed: the same song, line for line, its chords (and `{key}`, ABC
notes) moved by one interval, as `cowriter transpose` writes it in any spelling of the new key.

`sessions save` asks this so that a transposed file keeps every line's and chord's credit: a
transposition is nobody's authorship."""

from __future__ import annotations

import re

from cowriter.core.format import songs_to_chordpro
from cowriter.core.sheet import read
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
    keys: list[str | None] = [None, *dict.fromkeys(_KEY.findall(new))]
    for semitones in range(1, 12):
        for key in keys:
            try:
                moved = songs_to_chordpro(transpose_song(song, semitones, key) for song in songs)
            except ValueError:  # a {key} the transposer cannot read as a key
                continue
            if moved.rstrip("\n") == new.rstrip("\n"):
                return semitones
    return None
