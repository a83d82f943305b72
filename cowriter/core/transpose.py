"""Transposition, spelled for the target key.

The rules (docs/chords.md explains them and where peers differ):

1. With a source key (a song's `{key}`), a chord keeps its *degree*: its root's letter distance and
   semitones from the tonic move with the tonic. In C, `Bb` is bVII; moved to D it is `C`, to F `Eb`.
2. With only a target key, the root takes that key's spelling of the pitch class (diatonic notes by
   letter, chromatic ones as b2 b3 #4 b6 b7 in major; b2 3 #4 6 7 in minor): into F major never `A#`.
3. With no key at all, a root is spelled as the key it names is usually written, fewest accidentals:
   `Db Eb F# Ab Bb` for major-family chords, `C#m Ebm F#m G#m Bbm` for minor ones.
4. A slash bass keeps its interval above the root (`D/F#` + 2 → `E/G#`, `C/Bb` + 2 → `D/C`).
5. Any spelling that would need a double accidental, or a B#, E#, Cb, Fb the key does not have, falls
   back to the plain name.
6. The user's suffix is kept as written (`C-7` → `D-7`); `N.C.` and text that is not a chord are left
   alone, except that a symbol starting with a note whose suffix is unknown has its root moved.
"""

from __future__ import annotations

import contextlib
import re
from dataclasses import replace
from typing import Final

from cowriter.core.abc_transpose import transpose_abc
from cowriter.core.chords import Chord, ChordError, is_chord, parse_chord
from cowriter.core.keys import Key, KeyError_, conventional_tonic, parse_key, transpose_key
from cowriter.core.pitch import (
    LETTER_INDEX,
    LETTER_PC,
    NoteError,
    note_name,
    scan_note,
    spell_above,
    spell_pitch_class,
)
from cowriter.core.song import Directive, GridRow, Item, LyricLine, Section, SectionKind, Song, Verbatim

__all__ = ["transpose_chord", "transpose_key", "transpose_song", "transpose_symbol"]

_TOKEN: Final = re.compile(r"[^\s|]+")
#: Spellings kept only where the key has them (Cb in Gb major); elsewhere B, C, E, F.
_AWKWARD: Final = frozenset({"B#", "E#", "Cb", "Fb"})


def _as_key(key: Key | str | None) -> Key | None:
    if key is None or isinstance(key, Key):
        return key
    return parse_key(key)


def _interval(from_note: str, to_note: str) -> tuple[int, int]:
    """(letter steps, semitones) from one note up to another, both in 0..6 / 0..11."""
    fl, fa, _ = scan_note(from_note)
    tl, ta, _ = scan_note(to_note)
    steps = (LETTER_INDEX[tl] - LETTER_INDEX[fl]) % 7
    semis = (LETTER_PC[tl] + ta - LETTER_PC[fl] - fa) % 12
    return steps, semis


def _above(note: str, steps: int, semis: int) -> str:
    letter, alter, _ = scan_note(note)
    new_letter, new_alter = spell_above(letter, alter, steps, semis)
    if -1 <= new_alter <= 1:
        return note_name(new_letter, new_alter)
    return spell_pitch_class(LETTER_PC[new_letter] + new_alter, flats=new_alter < 0)


#: Degrees a chord root is usually spelled as: letter steps above the tonic → alterations of the major
#: scale's degree (#I, b2 2 #2, b3 3, 4 #4, b5 5 #5, b6 6, b7 7). A root the user spelled otherwise
#: (Cm in G#, a diminished fourth) is respelled for the target key instead of carried over.
_USUAL: Final = {0: (0, 1), 1: (-1, 0, 1), 2: (-1, 0), 3: (0, 1), 4: (-1, 0, 1), 5: (-1, 0, 1), 6: (-1, 0)}
_MAJOR: Final = (0, 2, 4, 5, 7, 9, 11)


def _usual(steps: int, semis: int) -> bool:
    alter = (semis - _MAJOR[steps] + 6) % 12 - 6
    return alter in _USUAL[steps]


def _root(root: str, semitones: int, minor: bool, target: Key | None, source: Key | None) -> str:
    letter, alter, _ = scan_note(root)
    pc = (LETTER_PC[letter] + alter + semitones) % 12
    if source is not None and target is not None:
        steps, semis = _interval(source.tonic, root)
        t_letter, t_alter, _ = scan_note(target.tonic)
        new = spell_above(t_letter, t_alter, steps, semis)
        name = note_name(*new)
        if _usual(steps, semis) and -1 <= new[1] <= 1 and (name not in _AWKWARD or target.contains(pc)):
            return name
    if target is not None:
        return target.spell(pc)
    return conventional_tonic(pc, minor, flats=alter < 0 if alter else None)


def transpose_chord(
    chord: Chord, semitones: int, key: Key | str | None = None, source_key: Key | str | None = None
) -> Chord:
    """`chord` moved by `semitones`; `key` is the key the result is in, `source_key` the one it came from."""
    if chord.is_no_chord:
        return chord
    target, source = _as_key(key), _as_key(source_key)
    if semitones % 12 == 0 and target is None:
        return chord
    root = _root(chord.root, semitones, chord.is_minor, target, source)
    bass = None
    if chord.bass is not None:
        steps, semis = _interval(chord.root, chord.bass)
        bass = _above(root, steps, semis)
    return chord.with_root(root, bass)


def _move_root_only(symbol: str, semitones: int, target: Key | None) -> str:
    """An unreadable symbol that starts with a note (`Dosa`, `D'`): move the root, keep the rest."""
    try:
        letter, alter, end = scan_note(symbol)
    except NoteError:
        return symbol
    root = _root(note_name(letter, alter), semitones, False, target, None)
    return root + symbol[end:]


def transpose_symbol(
    symbol: str, semitones: int, key: Key | str | None = None, source_key: Key | str | None = None
) -> str:
    """A chord symbol moved by `semitones`, spelled for `key` (the target key), suffix as written."""
    try:
        chord = parse_chord(symbol)
    except ChordError:
        if semitones % 12 == 0:
            return symbol
        return _move_root_only(symbol, semitones, _as_key(key))
    if chord.is_no_chord:
        return symbol
    moved = transpose_chord(chord, semitones, key, source_key)
    return symbol if moved is chord else moved.symbol


def _line(line: LyricLine, n: int, target: Key | None, source: Key | None) -> LyricLine:
    if not line.chords:
        return line
    refs = tuple(
        ref if ref.annotation else replace(ref, symbol=transpose_symbol(ref.symbol, n, target, source))
        for ref in line.chords
    )
    return replace(line, chords=refs)


def _cell(token: str, n: int, target: Key | None, source: Key | None) -> str:
    """One grid token: each readable chord in it moved (`C~G` holds two); anything else kept."""
    parts = token.split("~")  # ChordPro puts several chords in one cell with `~`
    return "~".join(
        transpose_symbol(p, n, target, source) if p and p[0] in LETTER_PC and is_chord(p) else p
        for p in parts
    )


def _grid_text(text: str, n: int, target: Key | None, source: Key | None) -> str:
    """A grid row's text with its chords moved; a label before the first bar line and a comment after
    the last (`Coda | C . . . | x2`) are kept."""
    first, last = text.find("|"), text.rfind("|")
    if first == -1:
        return _TOKEN.sub(lambda m: _cell(m.group(0), n, target, source), text)
    body = _TOKEN.sub(lambda m: _cell(m.group(0), n, target, source), text[first : last + 1])
    return text[:first] + body + text[last + 1 :]


def _grid(row: GridRow, n: int, target: Key | None, source: Key | None) -> GridRow:
    bars = tuple(tuple(replace(c, token=_cell(c.token, n, target, source)) for c in bar) for bar in row.bars)
    return replace(row, text=_grid_text(row.text, n, target, source), bars=bars)


def _key_directive(d: Directive, n: int, to_key: Key | None) -> tuple[Directive, Key | None, Key | None]:
    """The `{key}` directive rewritten; returns (directive, source key, target key) from here on."""
    if d.value is None:
        return d, None, None
    try:
        source = parse_key(d.value)
    except KeyError_:
        return d, None, None
    target = to_key if to_key is not None else transpose_key(source, n)
    new_value = target.name
    raw = d.raw
    if raw:
        at = raw.rfind(d.value)
        raw = raw[:at] + new_value + raw[at + len(d.value) :] if at != -1 else raw
    return replace(d, value=new_value, raw=raw), source, target


def _semitones_between(source: Key, target: Key) -> int:
    """The smallest move from one tonic to another (-5..+6)."""
    up = (target.tonic_pc - source.tonic_pc) % 12
    return up - 12 if up > 6 else up


def _abc(items: tuple[Item, ...], n: int, target: Key | None, source: Key | None) -> tuple[Item, ...]:
    """An ABC block's lines with the tune moved by `n` (`core.abc_transpose`), one line for one line."""
    lines = [i for i in items if isinstance(i, Verbatim)]
    if not lines:
        return items
    moved = iter(transpose_abc("\n".join(v.text for v in lines), n, target, source).split("\n"))
    return tuple(replace(i, text=next(moved)) if isinstance(i, Verbatim) else i for i in items)


def transpose_song(song: Song, semitones: int, to_key: str | Key | None = None) -> Song:
    """The song with every chord moved, spelled for the new key; `{key}` directives and meta follow.

    With `to_key`, the first `{key}` decides the distance (semitones is ignored when the song has a
    key) and the chords are spelled for `to_key`. ABC melody blocks move by the same interval (their
    `K:` and quoted chords too: `core.abc_transpose`). Lyrics, chord offsets and everything else are kept.
    A move by whole octaves leaves the chords as they are and moves only the melody.
    """
    target_key = _as_key(to_key)
    source: Key | None = None
    target: Key | None = target_key
    first = song.key
    if first:
        try:
            source = parse_key(first)
            if target_key is not None:
                semitones = _semitones_between(source, target_key)
            target = target_key or transpose_key(source, semitones)
        except KeyError_:
            source = None
    octaves = semitones % 12 == 0 and target_key is None
    if octaves and (semitones == 0 or not any(s.kind is SectionKind.ABC for s in song.sections)):
        return song
    sections: list[Section] = []
    for section in song.sections:
        if section.kind is SectionKind.ABC and not section.recall:
            sections.append(replace(section, items=_abc(section.items, semitones, target, source)))
            continue
        if octaves:
            sections.append(section)
            continue
        items: list[Item] = []
        for item in section.items:
            if isinstance(item, LyricLine):
                items.append(_line(item, semitones, target, source))
            elif isinstance(item, GridRow):
                items.append(_grid(item, semitones, target, source))
            elif isinstance(item, Directive) and item.name == "key":
                new, s, t = _key_directive(item, semitones, target_key if item.value == first else None)
                if s is not None:
                    source, target = s, t
                items.append(new)
            else:
                items.append(item)
        sections.append(replace(section, items=tuple(items)))
    if octaves:
        return replace(song, sections=tuple(sections))
    meta = []
    for name, value in song.meta:
        if name == "key":
            with contextlib.suppress(KeyError_):
                moved = target_key if target_key and value == first else transpose_key(value, semitones)
                value = moved.name
        meta.append((name, value))
    return replace(song, sections=tuple(sections), meta=tuple(meta))
