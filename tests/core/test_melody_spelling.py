"""A melody's notes are spelled as the chord under them spells its tones (B flat in C7, even in G major;
F sharp in D7, even in F major); other notes follow the key (its signature, else white keys, else sharps in
sharp keys and flats in flat keys)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cowriter.core.abc import AbcChord, AbcNote, AbcTune, format_abc, key_signature
from cowriter.core.chords import parse_chord
from cowriter.core.pitch import LETTER_PC, scan_note
from cowriter.core.sheet import read_song

_TOKEN = re.compile(r'(?:"[^"]*")?(\^\^|\^|=|__|_)?([A-Ga-g]|z)([,\']*)[\d/]*(-?)|(\|)')
_MARK = {"^^": 2, "^": 1, "=": 0, "_": -1, "__": -2}


def spelled_notes(abc: str) -> list[tuple[str, int]]:
    """Each sounding note of an ABC tune, in order, as (letter, alteration) as written (signature, marks
    carried through the bar); a tied continuation is the same note."""
    signature = key_signature(next(ln[2:] for ln in abc.splitlines() if ln.startswith("K:")))
    music = " ".join(ln for ln in abc.splitlines() if not re.match(r"^[A-Za-z%]:|^%", ln))
    out: list[tuple[str, int]] = []
    carried: dict[tuple[str, str], int] = {}
    tied = False
    for m in _TOKEN.finditer(music):
        mark, letter, octave, tie, bar = m.groups()
        if bar:
            carried = {}
            continue
        if letter == "z":
            continue
        where = (letter, octave)
        if mark:
            carried[where] = _MARK[mark]
        alteration = carried.get(where, signature[letter.upper()])
        if not tied:
            out.append((letter.upper(), alteration))
        tied = bool(tie)
    return out


def chord_at(tune: AbcTune, beat: float) -> str | None:
    under = [c for c in tune.chords if c.start <= beat + 1e-9]
    return max(under, key=lambda c: c.start).symbol if under else None


def chord_spelling(symbol: str) -> dict[int, tuple[str, int]]:
    chord = parse_chord(symbol)
    out: dict[int, tuple[str, int]] = {}
    for name in (*chord.notes, *((chord.bass,) if chord.bass else ())):
        letter, alter, _ = scan_note(name)
        out.setdefault((LETTER_PC[letter] + alter) % 12, (letter, alter))
    return out


def check_chord_tones(tune: AbcTune, strong_only: bool = False) -> int:
    """Assert every chord tone (on a strong beat, when asked) is spelled as its chord spells it; returns
    how many were checked."""
    notes = sorted(tune.notes, key=lambda n: n.start)
    written = spelled_notes(format_abc(tune))
    assert len(written) == len(notes)
    checked = 0
    for note, spelled in zip(notes, written, strict=True):
        if strong_only and (note.start - tune.pickup) % 2:
            continue
        symbol = chord_at(tune, note.start)
        tones = chord_spelling(symbol) if symbol else {}
        if note.pitch % 12 in tones:
            assert spelled == tones[note.pitch % 12], (symbol, note, spelled)
            checked += 1
    return checked


ROOTS = ["C", "C#", "Db", "D", "Eb", "E", "F", "F#", "Gb", "G", "Ab", "A", "Bb", "B"]
QUALITIES = ["", "m", "7", "maj7", "m7", "dim7", "m7b5", "9", "7b9", "aug", "6", "sus4"]
KEYS = ["C", "G", "D", "A", "E", "F", "Bb", "Eb", "Ab", "Am", "Em", "Dm", "Gm", "Cm", "F#m", "Dmix"]


@st.composite
def tunes(draw: st.DrawFn) -> AbcTune:
    """Bars of 4/4, each under a chord, with a chord tone on beats 1 and 3 and any note on 2 and 4."""
    bars = draw(st.integers(1, 6))
    chords, notes = [], []
    for bar in range(bars):
        symbol = draw(st.sampled_from(ROOTS)) + draw(st.sampled_from(QUALITIES))
        if draw(st.booleans()) and bar:
            symbol += "/" + draw(st.sampled_from(ROOTS))
        chords.append(AbcChord(bar * 4.0, symbol))
        pcs = parse_chord(symbol).pitch_classes
        for beat in range(4):
            pc = draw(st.sampled_from(pcs)) if beat % 2 == 0 else draw(st.integers(0, 11))
            notes.append(AbcNote(bar * 4.0 + beat, 1.0, 12 * draw(st.integers(4, 6)) + pc))
    return AbcTune(notes=tuple(notes), key=draw(st.sampled_from(KEYS)), chords=tuple(chords))


@settings(max_examples=150, deadline=None)
@given(tunes())
def test_every_chord_tone_on_a_strong_beat_is_spelled_as_its_chord(tune: AbcTune) -> None:
    assert check_chord_tones(tune, strong_only=True) >= len(tune.chords)


@pytest.mark.parametrize(
    ("key", "chord", "pitch", "written"),
    [
        ("G", "C7", 70, "_B"),  # the flat seventh of C7 in G major (St. Louis Blues)
        ("F", "D7", 66, "^F"),  # the third of D7 in F major
        ("C", "E7", 68, "^G"),  # V7/vi in C
        ("C", "Ab", 68, "_A"),  # a borrowed bVI in C
        ("E", "C", 72, "=c"),  # a chord tone the key signature alters
        ("G", "G", 71, "B"),  # a diatonic chord: as the key
        ("G", "C7", 73, "^c"),  # not in C7: the key's rule (sharps in G)
        ("F", "C7", 66, "_G"),  # not in C7: the key's rule (flats in F)
    ],
)
def test_a_note_over_a_chord(key: str, chord: str, pitch: int, written: str) -> None:
    tune = AbcTune(notes=(AbcNote(0.0, 4.0, pitch),), key=key, chords=(AbcChord(0.0, chord),))
    assert f'"{chord}"{written}8' in format_abc(tune)


EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


@pytest.mark.parametrize(
    ("song", "section"), [("st-louis-blues.cho", "Lyric strain"), ("swing-low.cho", None)]
)
def test_sketched_melodies_spell_chord_tones_as_their_chords(song: str, section: str | None) -> None:
    from cowriter.service.melody import sketch_song

    result = sketch_song(read_song((EXAMPLES / song).read_text(encoding="utf-8")), section, alternatives=4)
    assert sum(check_chord_tones(tune) for tune in result.tunes) > 0
    if song == "st-louis-blues.cho":
        abc = "".join(format_abc(tune) for tune in result.tunes)
        under_c7 = [piece.split('"')[0] for piece in abc.split('"C7"')[1:]]
        assert not any("^A" in piece for piece in under_c7)  # B flat over C7, never A sharp
        assert any("_B" in piece for piece in under_c7)
