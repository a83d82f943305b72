"""Writing an `AbcTune` as ABC text: bar lines, ties across bars and chords, accidentals, `w:` lyrics."""

from __future__ import annotations

import bisect
import itertools
import re
from fractions import Fraction
from functools import lru_cache

from cowriter.core.abc_types import (
    ACCIDENTAL,
    LETTER_PC,
    START_DIRECTIVE,
    AbcTune,
    key_signature,
    pitch_text,
    spell_in_key,
    spell_outside,
)
from cowriter.core.chords import try_parse_chord
from cowriter.core.pitch import scan_note

# ---------------------------------------------------------------- formatting


# Chord names abc2midi knows without a `%%MIDI chordname` (probed on abc2midi 4.84); others are declared.
_ABC2MIDI_NAMES = frozenset(
    ("", "m", "7", "m7", "maj7", "M7", "6", "m6", "aug", "+", "aug7", "dim", "dim7", "9", "m9", "maj9", "M9",
     "11", "dim9", "sus", "sus4", "sus9", "7sus4", "7sus9", "5", "sus2", "m7b5")
)  # fmt: skip
_ABC_CHORD = re.compile(r"(?P<root>[A-G][#b]?)(?P<name>[A-Za-z0-9#+-]*)(?:/[A-G][#b]?)?")


@lru_cache(maxsize=512)
def _abc_chord(symbol: str) -> tuple[str, str]:
    """A chord symbol as an ABC chord (in quotes) that abc2midi plays and abcm2ps prints, and the
    `%%MIDI chordname` declaration abc2midi needs for its name (empty when it knows it). A symbol that is
    not a chord (N.C., text) becomes an annotation above the staff (`^N.C.`): abc2midi would reject it."""
    chord = try_parse_chord(symbol)
    if chord is None or chord.is_no_chord:
        return "^" + symbol.replace('"', "'"), ""
    text = symbol if _ABC_CHORD.fullmatch(symbol) else chord.format()
    match = _ABC_CHORD.fullmatch(text)
    if match is None:
        return "^" + symbol.replace('"', "'"), ""
    name = match.group("name")
    if name in _ABC2MIDI_NAMES:
        return text, ""
    return text, f"{name} {' '.join(str(i) for i in chord.intervals)}"


def _representable(units: Fraction) -> bool:
    """A length (in units of L) one note can show: a power of two, or a dotted one (3 * 2^k)."""
    for base in (units, units / 3):
        if (
            base > 0
            and (base.numerator & (base.numerator - 1)) == 0
            and (base.denominator & (base.denominator - 1)) == 0
        ):
            return True
    return False


_VALUES = sorted(
    (Fraction(m) * Fraction(2) ** k for k in range(-6, 7) for m in (1, 3) if m == 1 or k > -6),
    reverse=True,
)
TICKS = 20160  # positions are counted in 1/20160 beat (2^6 * 3^2 * 5 * 7): exact for tuplets up to 9


@lru_cache(maxsize=1024)
def _split_units(units: Fraction) -> tuple[Fraction, ...]:
    """Tied pieces for a length: the largest note values first (5 → 4 + 1)."""
    if _representable(units):
        return (units,)
    values = _VALUES
    pieces: list[Fraction] = []
    rest = units
    while rest > 0:
        value = next((v for v in values if v <= rest), None)
        if value is None:
            pieces.append(rest)  # an unusual length (a tuplet): written as it is
            break
        pieces.append(value)
        rest -= value
    return tuple(pieces)


@lru_cache(maxsize=1024)
def _length_text(units: Fraction) -> str:
    if units == 1:
        return ""
    if units.denominator == 1:
        return str(units.numerator)
    if units.numerator == 1 and units.denominator == 2:
        return "/"
    if units.numerator == 1:
        return f"/{units.denominator}"
    return f"{units.numerator}/{units.denominator}"


Spelling = tuple[tuple[int, tuple[str, int]], ...]  # pitch class -> (letter, alteration)


@lru_cache(maxsize=512)
def _chord_spelling(symbol: str) -> Spelling:
    """How a chord symbol spells its notes (and its slash bass): `C7` spells 10 as B flat, `D7` 6 as F
    sharp. Empty for text that is not a chord."""
    chord = try_parse_chord(symbol)
    if chord is None or chord.is_no_chord:
        return ()
    out: dict[int, tuple[str, int]] = {}
    for name in (*chord.notes, *((chord.bass,) if chord.bass else ())):
        letter, alter, _ = scan_note(name)
        if -2 <= alter <= 2:
            out.setdefault((LETTER_PC[letter] + alter) % 12, (letter, alter))
    return tuple(out.items())


def _spell(pitch: int, signature: dict[str, int], chord: Spelling = ()) -> tuple[str, int, int]:
    """(letter, alteration, octave) for a MIDI pitch in a key, under a chord: a chord tone as the chord
    spells it (B flat in C7, even in G; F sharp in D7, even in F); else the key's own letter when the key
    has the pitch class, else a white key, else a sharp in sharp keys and a flat in flat keys."""
    pc = pitch % 12
    letter, alteration = (
        next((spelled for tone, spelled in chord if tone == pc), None)
        or spell_in_key(pc, signature)
        or spell_outside(pc, signature)
    )
    base = pitch - alteration
    return letter, alteration, base // 12 - 1


def _lyric_text(syllable: str) -> str:
    text = re.sub(r"[_*|%]", "", syllable).replace("-", "\\-").strip()
    return re.sub(r"\s+", "~", text) or "*"


def _field_text(value: str) -> str:
    """A header field's text on one line, without `%` (which would start a comment)."""
    return " ".join(value.replace("%", " ").split())


def _tick(value: float) -> int:
    return round(value * TICKS)


def format_abc(tune: AbcTune, bars_per_line: int = 4) -> str:
    """The tune as ABC text (header, then music lines of `bars_per_line` bars, each with its `w:` line)."""
    meter, unit = tune.meter, tune.unit
    signature = key_signature(tune.key)
    # the song beat of the tune's beat 0 goes in the file header, before X:: abc2midi writes a directive
    # or comment inside a tune into its karaoke track as a text event, which players show as words
    head = []
    written = {c.symbol: _abc_chord(c.symbol) for c in tune.chords}
    names = sorted({decl for _, decl in written.values() if decl})
    head += [f"%%MIDI chordname {decl}" for decl in names]
    if tune.offset:
        off = round(tune.offset, 6)
        head.append(f"{START_DIRECTIVE} {int(off) if off == int(off) else off}")
    head.append(f"X:{tune.number}")
    if tune.title:
        head.append(f"T:{_field_text(tune.title)}")
    head += [f"{name}:{_field_text(value)}" for name, value in tune.fields]
    head += [f"M:{meter.beats}/{meter.unit}", f"L:{unit.numerator}/{unit.denominator}"]
    if tune.tempo is not None:
        bpm = round(tune.tempo, 3)
        head.append(f"Q:1/{meter.unit}={int(bpm) if bpm == int(bpm) else bpm}")
    head.append(f"K:{tune.key}")

    to_units = 1 / (unit * meter.unit * TICKS)  # ticks -> multiples of L
    bar_len = meter.beats * TICKS
    pickup = _tick(tune.pickup)
    notes = sorted(tune.notes, key=lambda n: n.start)
    starts = [_tick(n.start) for n in notes]
    ends = [_tick(n.start + n.duration) for n in notes]
    chords = {_tick(c.start): c.symbol for c in tune.chords}
    shown = {tick: written[symbol][0] for tick, symbol in chords.items()}
    chord_ticks = sorted(chords)
    end = max([*ends, 0])
    last_chord = max(chords, default=-1)
    bar_lines: list[int] = []
    edge = pickup if pickup > 0 else bar_len
    while edge < end or edge <= last_chord:
        bar_lines.append(edge)
        edge += bar_len
    bar_lines.append(edge)

    # cut points: bar lines, chord starts, note starts and ends
    cuts = sorted({0, *bar_lines, *chords, *starts, *ends})
    cuts = [c for c in cuts if c <= bar_lines[-1]]

    bars: list[list[tuple[str, str]]] = [[] for _ in bar_lines]  # per bar: (music token, lyric token)
    note_index = 0
    accidentals: dict[tuple[str, int], int] = {}
    bar_no = 0
    sung = False  # a syllable came before: an empty one continues it (`_`), else it is skipped (`*`)
    for a, b in itertools.pairwise(cuts):
        while bar_no < len(bar_lines) - 1 and a >= bar_lines[bar_no]:
            bar_no += 1
            accidentals = {}
        while note_index < len(notes) and ends[note_index] <= a:
            sung = sung or bool(notes[note_index].syllable)
            note_index += 1
        chord = f'"{shown[a]}"' if a in chords else ""
        pieces = _split_units(Fraction(b - a) * to_units)
        if note_index >= len(notes) or starts[note_index] > a:
            for k, piece in enumerate(pieces):
                bars[bar_no].append(((chord if k == 0 else "") + "z" + _length_text(piece), ""))
            continue
        note = notes[note_index]
        sounding = bisect.bisect_right(chord_ticks, starts[note_index]) - 1  # the chord at the note's start
        under = _chord_spelling(chords[chord_ticks[sounding]]) if sounding >= 0 else ()
        letter, alteration, octave = _spell(note.pitch, signature, under)
        first_of_note = starts[note_index] == a
        ends_here = ends[note_index] <= b
        for k, piece in enumerate(pieces):
            mark = ""
            if accidentals.get((letter, octave), signature[letter]) != alteration:
                mark = ACCIDENTAL[alteration]
                accidentals[(letter, octave)] = alteration
            tie = "" if ends_here and k == len(pieces) - 1 else "-"
            token = (chord if k == 0 else "") + mark + pitch_text(letter, octave) + _length_text(piece) + tie
            if first_of_note and k == 0:
                lyric = _lyric_text(note.syllable) + ("-" if note.syllable and note.hyphen else "")
                if not note.syllable:
                    lyric = "_" if sung else "*"
            else:
                lyric = "_"
            bars[bar_no].append((token, lyric))

    body: list[str] = []
    with_words = any(n.syllable for n in notes)
    for first, stop in _lines(bars, bars_per_line):
        chunk = bars[first:stop]
        last = stop >= len(bars)
        music = " | ".join(" ".join(t for t, _ in bar) for bar in chunk) + (" |]" if last else " |")
        body.append(music)
        words = [w for bar in chunk for _, w in bar if w]
        # every line of notes gets its w: line (abc2midi warns of a line of music without lyrics)
        if with_words and words:
            text = ""
            for w in words:
                text += w if text.endswith("-") or not text else " " + w
            body.append(f"w: {text}")
    return "\n".join(head + body) + "\n"


_LINE_WIDTH = 22.0  # about what abcm2ps fits on a line of its default page, in notes of short syllables


def _width(bars: list[list[tuple[str, str]]]) -> float:
    """The room bars take, in notes: a long syllable is wider than its note."""
    return sum(1.0 + max(0, len(word) - 4) * 0.3 for bar in bars for _, word in bar)


def _lines(bars: list[list[tuple[str, str]]], per_line: int) -> list[tuple[int, int]]:
    """Bar ranges of the music lines: `per_line` bars, a line longer where a note is tied over the bar
    line that would end it (abc2midi gives the first `w:` token of a line to the note after a tied
    continuation, abcm2ps to the continuation itself: a line never starts with one)."""
    out: list[tuple[int, int]] = []
    first = 0

    def tied(stop: int) -> bool:  # a note tied over the bar line after bar `stop - 1`
        return stop < len(bars) and bool(bars[stop - 1]) and bars[stop - 1][-1][0].endswith("-")

    while first < len(bars):
        stop = min(first + per_line, len(bars))
        while stop - first > 2 and _width(bars[first:stop]) > _LINE_WIDTH:  # a busy line gets fewer bars
            stop -= 1
        cut = next((k for k in range(stop, first, -1) if not tied(k)), None)  # the last clean bar line
        if cut is None:
            cut = stop
            while tied(cut):
                cut += 1
        out.append((first, cut))
        first = cut
    # a line of rests joins the line before it (the next, at the start): abc2midi warns of a line of
    # music without lyrics, and rests take no lyric
    sounding = [any(tok.lstrip('"').split('"')[-1][:1] not in ("z", "") for tok, _ in bar) for bar in bars]
    merged: list[tuple[int, int]] = []
    for first, stop in out:
        if merged and (not any(sounding[first:stop]) or not any(sounding[merged[-1][0] : merged[-1][1]])):
            merged[-1] = (merged[-1][0], stop)
        else:
            merged.append((first, stop))
    return merged


def format_abc_block(tune: AbcTune, label: str = "", bars_per_line: int = 4) -> str:
    """The tune as a ChordPro ABC block, `{start_of_abc}` … `{end_of_abc}`."""
    start = f"{{start_of_abc: {label}}}" if label else "{start_of_abc}"
    return f"{start}\n{format_abc(tune, bars_per_line)}{{end_of_abc}}\n"
