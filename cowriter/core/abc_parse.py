"""Reading ABC text into an `AbcTune` (see `cowriter.core.abc` for what is supported)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from fractions import Fraction

from cowriter.core.abc_types import (
    BAR_LINE,
    DECORATIONS,
    NOTE,
    START_DIRECTIVE,
    AbcChord,
    AbcError,
    AbcNote,
    AbcTune,
    key_signature,
    parse_fraction,
    parse_key_field,
    parse_meter,
    parse_tempo,
    written_pitch,
)
from cowriter.core.timeline import Meter

# ---------------------------------------------------------------- parsing


@dataclass
class _Written:
    """A note, chord or rest as written, before ties merge and lyrics align."""

    length: Fraction  # beats
    pitch: int | None  # None: a rest
    bar: int
    tie: bool = False
    chord_symbol: str = ""
    syllable: str = ""
    hyphen: bool = False
    has_token: bool = False


_NOTE_RE = NOTE
_REST_RE = re.compile(r"([zxZX])(\d*(?:/+\d*)?)")
_LENGTH_RE = re.compile(r"\d*(?:/+\d*)?")
_LYRIC_HOLD, _LYRIC_SKIP, _LYRIC_BAR = "\x00hold", "\x00skip", "\x00bar"


def _length(text: str) -> Fraction:
    """An ABC length suffix as a multiple of L: `2`, `/`, `//`, `3/2`, `/4`."""
    if not text:
        return Fraction(1)
    m = re.match(r"^(\d*)(/*)(\d*)$", text)
    if not m:
        raise AbcError(f"unreadable note length {text!r}")
    num = int(m.group(1)) if m.group(1) else 1
    slashes = len(m.group(2))
    if not slashes:
        return Fraction(num)
    den = int(m.group(3)) if m.group(3) else 2**slashes
    if den == 0:
        raise AbcError(f"unreadable note length {text!r}")
    return Fraction(num, den)


class _Parser:
    def __init__(self, text: str) -> None:
        self.lines = text.splitlines()
        self.meter = Meter()
        self.unit: Fraction | None = None
        self.key = "C"
        self.signature = key_signature("C")
        self.title = ""
        self.tempo_text: str | None = None
        self.number = 1
        self.offset = 0.0
        self.fields: list[tuple[str, str]] = []
        self.written: list[_Written] = []
        self.line_slots: list[int] = []  # indexes into written: the notes of the current music line
        self.bar = 0
        self.bar_accidentals: dict[tuple[str, int], int] = {}
        self.pending_chord = ""
        self.broken: Fraction | None = None
        self.tuplet: list[Fraction | int] = []  # [ratio, notes left]
        self.bar_starts: list[int] = [0]  # index into written where each bar begins

    # -- header
    def header_field(self, name: str, value: str, lineno: int) -> None:
        value = value.strip()
        try:
            if name == "X":
                self.number = int(value) if value.isdigit() else 1
            elif name == "T":
                if not self.title:
                    self.title = value
                else:
                    self.fields.append((name, value))
            elif name == "M":
                self.meter = parse_meter(value)
            elif name == "L":
                self.unit = parse_fraction(value)
            elif name == "Q":
                self.tempo_text = value
            elif name == "K":
                self.key = parse_key_field(value)
                self.signature = key_signature(self.key)
            elif name == "V":
                raise AbcError("multiple voices (V:) are not supported")
            else:
                self.fields.append((name, value))
        except AbcError as exc:
            raise AbcError(exc.message, lineno, 1) from None

    @property
    def unit_length(self) -> Fraction:
        if self.unit is None:
            self.unit = Fraction(1, 16) if self.meter.beats / self.meter.unit < 0.75 else Fraction(1, 8)
        return self.unit

    def beats(self, multiple: Fraction) -> Fraction:
        """A multiple of L in beats of the meter."""
        return multiple * self.unit_length * self.meter.unit

    # -- body
    def run(self) -> AbcTune:
        in_body = False
        for lineno, raw in enumerate(self.lines, 1):
            line = raw.rstrip()
            stripped = line.strip()
            if stripped.startswith(START_DIRECTIVE):
                try:
                    self.offset = float(stripped[len(START_DIRECTIVE) :].strip())
                except ValueError:
                    raise AbcError("unreadable start beat", lineno, 1) from None
                continue
            if not stripped or stripped.startswith("%"):
                continue
            field = re.match(r"^([A-Za-z+]):(.*)$", stripped)
            if field and not stripped.startswith(("|:", ":|")):
                name, value = field.group(1), field.group(2)
                if name != "w":
                    value = re.sub(r"(?<!\\)%.*$", "", value)  # a comment ends the field
                if name == "w":
                    self.align_lyrics(value.split("%")[0], lineno)
                elif name in ("W", "+", "N", "I", "r"):
                    if not in_body:
                        self.fields.append((name, value.strip()))
                elif in_body and name in "KLM":
                    self.inline_field(name, value, lineno, 1)
                else:
                    self.header_field(name, value, lineno)
                    in_body = in_body or name == "K"
                continue
            in_body = True
            self.line_slots = []
            self.music_line(line.split("%")[0], lineno)
        return self.finish()

    def inline_field(self, name: str, value: str, lineno: int, column: int) -> None:
        if name in "KLMQ":
            self.header_field(name, value, lineno)
        elif name == "V":
            raise AbcError("multiple voices (V:) are not supported", lineno, column)

    def new_bar(self) -> None:
        if self.written and self.bar_starts[-1] != len(self.written):
            self.bar += 1
            self.bar_starts.append(len(self.written))
        self.bar_accidentals = {}

    def add(self, length: Fraction, pitch: int | None) -> None:
        length = self.beats(length)
        if self.broken is not None:
            length *= self.broken
            self.broken = None
        if self.tuplet:
            ratio = Fraction(self.tuplet[0])
            length *= ratio
            self.tuplet[1] = int(self.tuplet[1]) - 1
            if int(self.tuplet[1]) <= 0:
                self.tuplet = []
        w = _Written(length, pitch, self.bar, chord_symbol=self.pending_chord)
        self.pending_chord = ""
        if pitch is not None:
            self.line_slots.append(len(self.written))
        self.written.append(w)

    def pitch_of(self, accidental: str | None, letter: str, marks: str) -> int:
        return written_pitch(accidental, letter, marks, self.signature, self.bar_accidentals)[0]

    def music_line(self, line: str, lineno: int) -> None:
        i, n = 0, len(line)
        while i < n:
            c = line[i]
            col = i + 1
            if c in " \t`y\\":
                i += 1
            elif c == '"':
                end = line.find('"', i + 1)
                if end < 0:
                    raise AbcError("unclosed chord symbol", lineno, col)
                text = line[i + 1 : end]
                if text and text[0] not in "^_<>@":
                    self.pending_chord = text.strip()
                i = end + 1
            elif c == "!" or (c == "+" and line.find("+", i + 1) > 0):
                end = line.find(c, i + 1)
                if end < 0:
                    raise AbcError("unclosed decoration", lineno, col)
                i = end + 1
            elif c == "{":
                end = line.find("}", i)
                if end < 0:
                    raise AbcError("unclosed grace notes", lineno, col)
                i = end + 1
            elif c == "&":
                raise AbcError("voice overlays (&) are not supported", lineno, col)
            elif c == "[" and i + 2 < n and line[i + 1].isalpha() and line[i + 2] == ":":
                end = line.find("]", i)
                if end < 0:
                    raise AbcError("unclosed inline field", lineno, col)
                self.inline_field(line[i + 1], line[i + 3 : end], lineno, col)
                i = end + 1
            elif c in "|:[]" and self.bar_symbol(line, i) > i:
                i = self.bar_symbol(line, i)
                self.new_bar()
            elif c == "[":
                i = self.chord(line, i, lineno)
            elif c == "(":
                m = re.match(r"\((\d)(?::(\d*))?(?::(\d*))?", line[i:])
                if m:
                    p = int(m.group(1))
                    q = int(m.group(2)) if m.group(2) else self.default_q(p)
                    r = int(m.group(3)) if m.group(3) else p
                    self.tuplet = [Fraction(q, p), r]
                    i += m.end()
                else:
                    i += 1
            elif c == ")":
                i += 1
            elif c in "<>":
                j = i
                while j < n and line[j] == c:
                    j += 1
                self.broken_rhythm(c, j - i, lineno, col)
                i = j
            elif c == "-":
                if not self.written or self.written[-1].pitch is None:
                    raise AbcError("a tie must follow a note", lineno, col)
                self.written[-1].tie = True
                i += 1
            elif c in DECORATIONS and not _NOTE_RE.match(line, i) and not _REST_RE.match(line, i):
                i += 1
            else:
                i = self.note_or_rest(line, i, lineno)

    def default_q(self, p: int) -> int:
        compound = self.meter.beats % 3 == 0 and self.meter.beats > 3
        return {2: 3, 3: 2, 4: 3, 6: 2, 8: 3}.get(p, 3 if compound else 2)

    @staticmethod
    def bar_symbol(line: str, i: int) -> int:
        """End of a bar symbol starting at i (`|`, `||`, `|]`, `[|`, `|:`, `:|`, `::`, `|1`, `[2`), else i."""
        m = BAR_LINE.match(line, i)
        return m.end() if m else i

    def broken_rhythm(self, c: str, count: int, lineno: int, col: int) -> None:
        if not self.written:
            raise AbcError("broken rhythm must follow a note", lineno, col)
        short = Fraction(1, 2**count)
        long_ = 2 - short
        self.written[-1].length *= long_ if c == ">" else short
        self.broken = short if c == ">" else long_

    def chord(self, line: str, i: int, lineno: int) -> int:
        end = line.find("]", i)
        if end < 0:
            raise AbcError("unclosed chord [", lineno, i + 1)
        inner = line[i + 1 : end]
        pitches: list[tuple[int, Fraction]] = []
        for m in _NOTE_RE.finditer(inner):
            pitches.append((self.pitch_of(m.group(1), m.group(2), m.group(3)), _length(m.group(4))))
        if not pitches:
            raise AbcError("empty chord []", lineno, i + 1)
        suffix = _LENGTH_RE.match(line, end + 1)
        outer = _length(suffix.group(0)) if suffix else Fraction(1)
        self.add(pitches[0][1] * outer, max(p for p, _ in pitches))
        return suffix.end() if suffix else end + 1

    def note_or_rest(self, line: str, i: int, lineno: int) -> int:
        m = _NOTE_RE.match(line, i)
        if m:
            try:
                length = _length(m.group(4))
            except AbcError as exc:
                raise AbcError(exc.message, lineno, i + 1) from None
            self.add(length, self.pitch_of(m.group(1), m.group(2), m.group(3)))
            return m.end()
        m = _REST_RE.match(line, i)
        if m:
            if m.group(1) in "ZX":
                bars = int(m.group(2)) if m.group(2).isdigit() else 1
                for b in range(bars):
                    self.written.append(_Written(Fraction(self.meter.beats), None, self.bar))
                    if b < bars - 1:
                        self.new_bar()
            else:
                self.add(_length(m.group(2)), None)
            return m.end()
        raise AbcError(f"unexpected {line[i]!r} in the tune", lineno, i + 1)

    # -- lyrics
    def align_lyrics(self, text: str, lineno: int) -> None:
        tokens: list[tuple[str, bool]] = []
        current: list[str] = []
        has_current = False

        def flush(hyphen: bool) -> None:
            nonlocal has_current
            if has_current:
                tokens.append(("".join(current), hyphen))
            elif hyphen:
                tokens.append((_LYRIC_HOLD, False))
            current.clear()
            has_current = False

        i = 0
        while i < len(text):
            c = text[i]
            if c == "\\" and i + 1 < len(text) and text[i + 1] == "-":
                current.append("-")
                has_current = True
                i += 2
                continue
            if c.isspace():
                flush(False)
            elif c == "-":
                flush(True)
            elif c in "_*|":
                flush(False)
                tokens.append(({"_": _LYRIC_HOLD, "*": _LYRIC_SKIP, "|": _LYRIC_BAR}[c], False))
            elif c == "~":
                current.append(" ")
                has_current = True
            else:
                current.append(c)
                has_current = True
            i += 1
        flush(False)

        slots = [s for s in self.line_slots if not self.written[s].has_token]
        pos = 0
        for text_token, hyphen in tokens:
            if text_token == _LYRIC_BAR:
                if pos and pos < len(slots):
                    last_bar = self.written[slots[pos - 1]].bar
                    while pos < len(slots) and self.written[slots[pos]].bar <= last_bar:
                        pos += 1
                continue
            if pos >= len(slots):
                break
            w = self.written[slots[pos]]
            w.has_token = True
            if text_token not in (_LYRIC_HOLD, _LYRIC_SKIP):
                w.syllable, w.hyphen = text_token, hyphen
            pos += 1

    # -- assembly
    def finish(self) -> AbcTune:
        meter = self.meter
        bar_len = Fraction(meter.beats)
        # the pickup: a first bar shorter than the meter (only when there is more than one bar)
        pickup = Fraction(0)
        if len(self.bar_starts) > 1:
            first = sum((w.length for w in self.written[: self.bar_starts[1]]), Fraction(0))
            if 0 < first < bar_len:
                pickup = first
        notes: list[AbcNote] = []
        chords: list[AbcChord] = []
        pos = Fraction(0)
        tied_from: AbcNote | None = None
        for w in self.written:
            if w.chord_symbol:
                chords.append(AbcChord(float(pos), w.chord_symbol))
            if w.pitch is not None:
                if tied_from is not None and tied_from.pitch == w.pitch:
                    notes[-1] = AbcNote(
                        tied_from.start, tied_from.duration + float(w.length), w.pitch,
                        tied_from.syllable, tied_from.hyphen,
                    )  # fmt: skip
                else:
                    notes.append(AbcNote(float(pos), float(w.length), w.pitch, w.syllable, w.hyphen))
                tied_from = notes[-1] if w.tie else None
            else:
                tied_from = None
            pos += w.length
        tempo = parse_tempo(self.tempo_text, meter) if self.tempo_text else None
        return AbcTune(
            notes=tuple(notes), meter=meter, key=self.key, unit=self.unit_length, title=self.title,
            tempo=tempo, number=self.number, offset=self.offset, pickup=float(pickup),
            chords=tuple(chords), fields=tuple(self.fields),
        )  # fmt: skip


def parse_abc(text: str) -> AbcTune:
    """Parse one ABC tune (the lines of an ABC block, without the ChordPro directives)."""
    return _Parser(text).run()


def parse_abc_block(text: str) -> AbcTune:
    """Parse an ABC block as it stands in a song: `{start_of_abc}` and `{end_of_abc}` lines are skipped."""
    lines = [
        line for line in text.splitlines()
        if not re.match(r"^\s*\{\s*(start_of_abc|end_of_abc|soa|eoa)\b[^}]*\}\s*$", line)
    ]  # fmt: skip
    return parse_abc("\n".join(lines))
