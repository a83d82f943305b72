"""Any chord sheet text → songs: ChordPro or chords-over-lyrics, decided from the text itself.

`read(text)` returns every song in the text, `read_song(text)` the first (an empty `Song` for empty
text). The text is ChordPro when it has at least as many lines with inline `[chords]` as lines that read as
a line of chords over words (see `textimport.is_chord_line`; grid and tab blocks are no evidence either
way), and no Ultimate-Guitar `[ch]` markup. Plain
lyrics with neither read as ChordPro (they mean the same in both).
"""

from __future__ import annotations

import re

from cowriter.core import chordpro, textimport
from cowriter.core.song import Song

__all__ = ["is_chordpro", "read", "read_song"]

_INLINE = re.compile(r"\[[^\]\s/|]{1,12}\][^\n]")
_BLOCK_START = re.compile(r"^\s*\{\s*(start_of_(grid|tab|abc|ly|svg|textblock|musicxml)|sog|sot)\b", re.I)
_BLOCK_END = re.compile(r"^\s*\{\s*(end_of_(grid|tab|abc|ly|svg|textblock|musicxml)|eog|eot)\b", re.I)
_UG = re.compile(r"\[/?(ch|tab)\]")


def is_chordpro(text: str) -> bool:
    """Whether `text` reads as ChordPro rather than chords over lyrics (see the module docstring)."""
    if _UG.search(text):
        return False
    inline = chord_lines = 0
    lines = text.splitlines()
    skip = False  # inside a grid, tab or other verbatim block: its lines are no evidence
    for i, line in enumerate(lines[:2000]):
        stripped = line.strip()
        if _BLOCK_START.match(line):
            skip = True
        elif _BLOCK_END.match(line):
            skip = False
        if skip or not stripped or stripped.startswith(("{", "#")):
            continue
        if _INLINE.search(line) and not textimport.is_header(stripped):
            inline += 1
        elif textimport.is_chord_line(line, lines[i + 1] if i + 1 < len(lines) else None):
            chord_lines += 1
    return inline >= chord_lines


def read(text: str) -> tuple[Song, ...]:
    """Every song in `text`, whichever notation it is in. Never raises."""
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if text.startswith("\ufeff"):
        text = text[1:]
    if is_chordpro(text):
        return chordpro.parse_songs(text)
    return (textimport.import_text(text),)


def read_song(text: str) -> Song:
    songs = read(text)
    return songs[0] if songs else Song(trailing_newline=False)
