"""Transposing ABC text in place: every note moves by the same interval, the rest is kept as written.

`transpose_abc(text, n)` rewrites the lines of a tune (the body of a ChordPro `{start_of_abc}` block)
token by token, so bar lines, repeats, lengths, decorations, grace notes, comments and `w:` lyrics stay
exactly where they were, one output line per input line:

- `K:` fields (in the header, on their own line or inline `[K:…]`) name the new key: the song's new key
  when the tune is in the song's key, else the tune's tonic moved like a chord root (`transpose_symbol`);
  the mode (`m`, `Dor`, `mix`…) and any clef or other parameters are kept.
- A note keeps its degree: its letter distance and semitones above the tune's tonic move with the tonic
  (in C, `^F` is #4: in D it is `^G`; `_B` is b7: in D `=c`). A spelling that would need a double
  accidental, or a B#, E#, Cb, Fb the new key does not have, takes the key's own spelling of the pitch.
  The pitch moves by exactly `n` semitones: octave marks are rewritten from the new pitch, never wrapped.
- An accidental is written where the new key signature and the bar's accidentals would read another
  pitch, and wherever the original had one (a courtesy accidental stays a courtesy accidental).
  Accidentals last to the bar line at their own octave, as `cowriter.core.abc_parse` reads them.
- Quoted chord symbols (`"D7"`) move like the song's chords; annotations (`"^text"`) are kept.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Final

from cowriter.core.abc_types import (
    ACCIDENTAL,
    BAR_LINE,
    DECORATIONS,
    LETTER_PC,
    NOTE,
    START_DIRECTIVE,
    AbcError,
    key_signature,
    parse_key_field,
    pitch_text,
    spell_in_key,
    spell_outside,
    written_pitch,
)
from cowriter.core.keys import Key, KeyError_, conventional_tonic, parse_key
from cowriter.core.pitch import LETTER_INDEX, note_name, scan_note, spell_above, spell_pitch_class

__all__ = ["transpose_abc", "transpose_abc_key"]

_KEY_RE: Final = re.compile(
    r"^(\s*)([A-Ga-g])([#b]?)(\s*)((?i:maj|min|mix|dor|phr|lyd|loc|aeo|ion)[A-Za-z]*|m(?![A-Za-z]))?"
)
_FIELD_RE: Final = re.compile(r"^(\s*)([A-Za-z+]):(.*)$")
_AWKWARD: Final = frozenset({"B#", "E#", "Cb", "Fb"})
_MINOR_MODES: Final = ("m", "min", "aeo")
_MAJOR_MODES: Final = ("", "maj", "ion")


def _mode_key(mode: str) -> str:
    mode = mode.lower()
    return "m" if mode == "m" else mode[:3]


def _song_key(tonic: str, mode: str) -> Key | None:
    """The tune's key as a song key (major or minor), or None for the other modes."""
    m = _mode_key(mode)
    if m in _MINOR_MODES:
        return Key(tonic, "minor")
    if m in _MAJOR_MODES:
        return Key(tonic, "major")
    return None


def transpose_abc_key(key: str, semitones: int, target: Key | None = None, source: Key | None = None) -> str:
    """An ABC key (`G`, `F#m`, `Ador`, `none`) `semitones` away, named for the song's keys when given.

    `source` and `target` are the song's keys before and after: a tune in the song's key takes the new
    key's name; another tonic keeps its degree from the song's tonic (`Em` in G moved to A is `F#m`)."""
    m = _KEY_RE.match(key)
    if not m:
        return key
    lead, letter, accidental, space = m.group(1, 2, 3, 4)
    mode = m.group(5) or ""
    tonic = letter.upper() + accidental
    pc = (LETTER_PC[letter.upper()] + {"#": 1, "b": -1, "": 0}[accidental] + semitones) % 12
    new = ""
    if source is not None and target is not None:
        steps = (LETTER_INDEX[tonic[0]] - LETTER_INDEX[source.tonic[0]]) % 7
        semis = (pc - semitones - source.tonic_pc) % 12
        t_letter, t_alter, _ = scan_note(target.tonic)
        name = note_name(*spell_above(t_letter, t_alter, steps, semis))
        if len(name) <= 2 and name not in _AWKWARD:
            new = name
    if not new:
        as_song = _song_key(tonic, mode)
        if as_song is not None:
            new = conventional_tonic(pc, as_song.is_minor, flats=("b" in accidental) if accidental else None)
        else:  # dorian, mixolydian…: the spelling whose signature has fewer accidentals
            options = (spell_pitch_class(pc), spell_pitch_class(pc, flats=True))
            new = min(options, key=lambda o: abs(sum(key_signature(o + mode).values())))
    return lead + new + space + mode + key[m.end() :]


@dataclass
class _State:
    """What the reader knows at a point in the tune: keys before and after, and the bar's accidentals."""

    semitones: int
    song_source: Key | None
    song_target: Key | None
    old_key: str = "C"
    new_key: str = "C"
    old_signature: dict[str, int] = field(default_factory=lambda: key_signature("C"))
    new_signature: dict[str, int] = field(default_factory=lambda: key_signature("C"))
    old_bar: dict[tuple[str, int], int] = field(default_factory=dict)
    new_bar: dict[tuple[str, int], int] = field(default_factory=dict)

    def set_key(self, value: str) -> str:
        """A K: field's value rewritten; the signatures follow it."""
        try:
            key = parse_key_field(value)
        except AbcError:
            return value
        new_value = transpose_abc_key(value, self.semitones, self.song_target, self.song_source)
        new_key = parse_key_field(new_value)
        self.old_key, self.new_key = key, new_key
        self.old_signature, self.new_signature = key_signature(key), key_signature(new_key)
        return new_value

    def tonics(self) -> tuple[str, str] | None:
        a, b = _KEY_RE.match(self.old_key), _KEY_RE.match(self.new_key)
        if not a or not b:
            return None
        return a.group(2).upper() + a.group(3), b.group(2).upper() + b.group(3)

    def spell(self, pitch: int, letter: str, alteration: int) -> tuple[str, int]:
        """(letter, alteration) of a moved pitch by the degree of the written note (`letter`,
        `alteration`) in the old key, else by the new key's own spelling."""
        tonics = self.tonics()
        if tonics is not None:
            old, new = tonics
            steps = (LETTER_INDEX[letter] - LETTER_INDEX[old[0]]) % 7
            semis = (
                LETTER_PC[letter] + alteration - LETTER_PC[old[0]] - {"#": 1, "b": -1}.get(old[1:], 0)
            ) % 12
            n_letter, n_alter, _ = scan_note(new)
            spelled = spell_above(n_letter, n_alter, steps, semis)
            name = note_name(*spelled)
            if -1 <= spelled[1] <= 1 and (
                name not in _AWKWARD or self.new_signature[spelled[0]] == spelled[1]
            ):
                return spelled
        return self.key_spelling(pitch)

    def key_spelling(self, pitch: int) -> tuple[str, int]:
        """The new key's letter for the pitch, else the song's new key's spelling, else a white key or
        the key's own direction (`abc_types.spell_outside`)."""
        pc = pitch % 12
        in_key = spell_in_key(pc, self.new_signature)
        if in_key is not None:
            return in_key
        if self.song_target is not None:
            letter, alteration, _ = scan_note(self.song_target.spell(pc))
            if note_name(letter, alteration) not in _AWKWARD:
                return letter, alteration
        return spell_outside(pc, self.new_signature)

    def note(self, accidental: str | None, letter: str, marks: str, grace: bool = False) -> str:
        """One note rewritten (accidental, letter, octave marks; the length is the caller's)."""
        upper = letter.upper()
        written, alteration = written_pitch(
            accidental, letter, marks, self.old_signature, self.old_bar, remember=not grace
        )
        pitch = written + self.semitones
        new_letter, new_alteration = self.spell(pitch, upper, alteration)
        new_octave = (pitch - new_alteration) // 12 - 1
        reads = self.new_bar.get((new_letter, new_octave), self.new_signature[new_letter])
        mark = ""
        if accidental or reads != new_alteration:
            mark = ACCIDENTAL[new_alteration]
            if not grace:
                self.new_bar[(new_letter, new_octave)] = new_alteration
        return mark + pitch_text(new_letter, new_octave)

    def bar(self) -> None:
        self.old_bar.clear()
        self.new_bar.clear()

    def chord_symbol(self, text: str) -> str:
        from cowriter.core.transpose import transpose_symbol

        source, target = self.song_source, self.song_target
        if source is None or target is None:  # no song keys: the tune's own
            source, target = _key_or_none(self.old_key), _key_or_none(self.new_key)
        stripped = text.strip()
        if not stripped:
            return text
        moved = transpose_symbol(stripped, self.semitones, target, source)
        at = text.find(stripped)
        return text[:at] + moved + text[at + len(stripped) :]


def _key_or_none(abc_key: str) -> Key | None:
    m = _KEY_RE.match(abc_key)
    if not m:
        return None
    try:
        return _song_key(parse_key(m.group(2).upper() + m.group(3)).tonic, m.group(5) or "")
    except KeyError_:
        return None


def _music(line: str, state: _State) -> str:
    """A music line (without its `%` comment) rewritten."""
    out: list[str] = []
    i, n = 0, len(line)
    grace = False
    while i < n:
        c = line[i]
        if c == '"':
            end = line.find('"', i + 1)
            if end < 0:
                out.append(line[i:])
                break
            text = line[i + 1 : end]
            if text and text.strip() and text[0] not in "^_<>@":
                text = state.chord_symbol(text)
            out.append('"' + text + '"')
            i = end + 1
        elif c == "!" or (c == "+" and line.find("+", i + 1) > 0):
            end = line.find(c, i + 1)
            end = n - 1 if end < 0 else end
            out.append(line[i : end + 1])
            i = end + 1
        elif c in "{}":
            grace = c == "{"
            out.append(c)
            i += 1
        elif c == "[" and i + 2 < n and line[i + 1].isalpha() and line[i + 2] == ":":
            end = line.find("]", i)
            end = n if end < 0 else end
            value = line[i + 3 : end]
            if line[i + 1] == "K":
                value = state.set_key(value)
            out.append(line[i : i + 3] + value + line[end : end + 1])
            i = end + 1
        elif not grace and c in "|:[]" and (m := BAR_LINE.match(line, i)) and m.end() > i:
            out.append(m.group(0))
            state.bar()
            i = m.end()
        elif c in DECORATIONS and not NOTE.match(line, i):
            out.append(c)
            i += 1
        elif (m := NOTE.match(line, i)) is not None:
            out.append(state.note(m.group(1), m.group(2), m.group(3), grace) + m.group(4))
            i = m.end()
        else:
            out.append(c)
            i += 1
    return "".join(out)


def transpose_abc(
    text: str, semitones: int, target: Key | str | None = None, source: Key | str | None = None
) -> str:
    """ABC lines with every note moved by `semitones` (see the module's rules); one line out per line in.

    `target` and `source` are the song's keys after and before (they name the new `K:` and spell the
    quoted chords like the song's); without them the tune's own keys are used."""
    song_target = parse_key(target) if isinstance(target, str) else target
    song_source = parse_key(source) if isinstance(source, str) else source
    state = _State(semitones, song_source, song_target)
    lines = text.split("\n")
    out: list[str] = []
    for line in lines:
        stripped = line.strip()
        field_match = _FIELD_RE.match(line)
        kept = not stripped or stripped.startswith(("%", START_DIRECTIVE))
        if kept or re.match(r"^\s*\{[^}]*\}\s*$", line):  # and `{start_of_abc}` / `{end_of_abc}` lines
            out.append(line)
        elif field_match and not stripped.startswith(("|:", ":|")):
            lead, name, value = field_match.groups()
            if name == "K":
                body, percent, comment = value.partition("%")
                out.append(f"{lead}K:{state.set_key(body)}{percent}{comment}")
            else:
                out.append(line)
        else:
            music, percent, comment = line.partition("%")
            out.append(_music(music, state) + percent + comment)
    return "\n".join(out)
