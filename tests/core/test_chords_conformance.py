"""Chord symbols against the peers' conformance corpus (../shared/conformance).

Where peers disagree with each other, or with us, the choice is documented in docs/chords.md and listed
here row by row with its reason; the tests also fail when a listed exception starts passing (so the
lists cannot go stale).
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

from cowriter.core.chords import ChordError, is_chord, parse_chord
from cowriter.core.pitch import pitch_class


def _read(conformance: Path, name: str) -> list[list[str]]:
    with (conformance / name).open(encoding="utf-8") as f:
        return list(csv.reader(f, delimiter="\t"))[1:]


# (symbol, peer) → why our pitch classes differ from that peer's test
DISAGREE = {
    ("C11", "yuma-m/pychord"): "dominant 11 drops its third (as chord-symbol does)",
    ("C11", "cuthbertLab/music21"): "dominant 11 drops its third (as chord-symbol does)",
    ("F+11", "cuthbertLab/music21"): "augmented 11 drops its third like the dominant 11",
    ("C13", "yuma-m/pychord"): "dominant 13 omits the 11th (as chord-symbol and tonal do)",
    ("C13", "cuthbertLab/music21"): "dominant 13 omits the 11th",
    ("CM13", "cuthbertLab/music21"): "major 13 omits the 11th (it clashes with the third)",
    ("CMaj13", "cuthbertLab/music21"): "major 13 omits the 11th",
    ("C+13", "cuthbertLab/music21"): "augmented 13 omits the 11th like the dominant 13",
    ("C+M13", "cuthbertLab/music21"): "augmented major 13 omits the 11th like the major 13",
    ("Fob9", "cuthbertLab/music21"): "an alteration does not imply a diminished seventh",
    ("C^", "tonaljs/tonal"): "^ alone is maj7 (iReal Pro, chord-symbol), not a major triad",
}

# symbols whose peer test spells notes by pitch class (Eb dim as Eb Gb A); ours spell by letter
PEER_SPELLING = {
    "Ebdim", "Ebdim7", "Gbdim7/Eb", "Cdim7/Eb", "Faug", "Aaug/F", "C6b5/F#", "C7alt", "Calt", "Calt.",
    "Caltered", "C7alt.", "C7altered", "C#13", "Db13", "D#13", "Gb13", "G#13", "Am13", "A#13", "DmM7",
    "D°7", "Eaug/C", "G#aug/C",
}  # fmt: skip


def _expected(symbol: str, source: str, chord_notes: tuple[str, ...], bass: str | None) -> set[str]:
    got = set(chord_notes)
    if bass and "NOT in notes" not in source:
        got.add(bass)
    return got


def test_chord_symbols_pitch_classes_and_spelling(conformance: Path) -> None:
    rows = _read(conformance, "chord_symbols.tsv")
    assert len(rows) > 400
    differ_seen: set[tuple[str, str]] = set()
    spelled_differently: set[str] = set()
    for symbol, expected, source in rows:
        chord = parse_chord(symbol)
        if expected == "(none)":
            assert chord.is_no_chord, symbol
            continue
        peer = source.split("@")[0]
        want = {pitch_class(n) for n in expected.split()}
        got = set(chord.pitch_classes)
        if chord.bass_pitch_class is not None and "NOT in notes" not in source:
            got.add(chord.bass_pitch_class)
        if (symbol, peer) in DISAGREE:
            assert got != want, f"{symbol} now agrees with {peer}: drop it from DISAGREE"
            differ_seen.add((symbol, peer))
            continue
        assert got == want, f"{symbol}: {expected} ({source})"
        if set(expected.split()) != _expected(symbol, source, chord.notes, chord.bass):
            spelled_differently.add(symbol)
    assert differ_seen == set(DISAGREE)
    assert spelled_differently == PEER_SPELLING


REJECTED_CHORDPRO = {
    "C3": "a bare 3 means nothing in lead-sheet notation",
    "Dm#7": "#7 is not an alteration we read (write mMaj7)",
    "Am#7": "#7 is not an alteration we read (write mMaj7)",
    "Bmsus9": "m with sus9: contradictory",
}
SUS_WINS = {"Emsus4", "Am7sus4"}  # the suspension replaces the minor third


def test_chordpro_structure(conformance: Path) -> None:
    rejected = set()
    for row in _read(conformance, "chord_parse_chordpro.tsv"):
        symbol, _, root, root_pc, _, qual, _, _, bass, bass_pc, _ = row
        try:
            chord = parse_chord(symbol)
        except ChordError:
            rejected.add(symbol)
            continue
        assert (chord.root, chord.root_pitch_class) == (root, int(root_pc)), symbol
        assert chord.bass == (bass or None), symbol
        assert chord.bass_pitch_class == (int(bass_pc) if bass_pc else None), symbol
        family = chord.family
        if symbol in SUS_WINS:
            assert family == "suspended"
        elif qual == "-":
            assert chord.is_minor, symbol
        elif qual == "0":
            assert family == "diminished", symbol
        elif qual == "+":
            assert family == "augmented", symbol
        else:
            assert not chord.is_minor, symbol
    assert rejected == set(REJECTED_CHORDPRO)


# ChordSheetJS's suffix classes: every spelling must read as the class's first spelling, except these
CHORDSHEETJS_DIFFER = {
    ("(4)", "sus(4)"): "sus(4) is a suspension here, not add4",
    ("2", "sus2"): "2 means add9 (Nashville, chord-symbol), not sus2",
    ("2", "add9(no3)"): "2 means add9, so add9(no3) is a different chord",
    ("2(4)", "sus2(4)"): "2 means add9",
    ("m(ma9)", "m(+9)"): "+9 is a sharp ninth, not a major ninth",
    ("m11(#5)", "m9+5"): "ChordSheetJS's table lists m9 under m11",
    ("m11(#9#5)", "m9+5+9"): "m9 listed under m11",
    ("m11(b5)", "-9-5"): "m9 listed under m11",
    ("m11(b9#5)", "m9+5-9"): "m9 listed under m11",
    ("m13(b9)", "-13(b13)"): "b13 listed under b9",
    ("m13(b9)", "-13b13"): "b13 listed under b9",
    ("m13(b9)", "-13-13"): "b13 listed under b9",
    ("m13(b9)", "-13(-13)"): "b13 listed under b9",
    ("ma13(#11)", "ma7#11"): "maj7 listed under maj13",
    ("ma13(#11#5)", "ma7#11#5"): "maj7 listed under maj13",
    ("ma13(#9#5)", "ma7#9#5"): "maj7 listed under maj13",
    ("ma13(b9#5)", "ma7b9#5"): "maj7 listed under maj13",
    ("ma9(#11)", "ma7#11"): "maj7 listed under maj9",
    ("ma9(#11#5)", "ma7#11#5"): "maj7 listed under maj9",
    ("ma9(b13)", "ma7b13"): "maj7 listed under maj9",
    ("ma9(b13#5)", "ma7b13#5"): "maj7 listed under maj9",
}
# spellings we do not read at all: rare or ChordSheetJS-only shorthand, and contradictions (11 already
# holds the 4th, so 11sus4 is refused as chord-symbol refuses it; m13sus asks for a third and none)
CHORDSHEETJS_UNREAD = {
    "11sus4", "11sus", "m11sus4", "m11sus", "m13sus4", "m13sus",
    "(7)", "(unis)", "unis", "Majj", "x", "x7", "x9", "13(add2)", "(#4)2", "2(#4)(#42)(2#4)", "42",
    "sus42", "7aug5", "m4", "m6M7", "m6+7", "m74", "m9(#7)", "maj9b11", "11(#7)", "11#7", "11+7", "13(#7)",
    "(triangle)", "9(#7)", "sus#42",
}  # fmt: skip
# `+` before 7/9/11/13 is ChordSheetJS's major seventh; for us `+` is the augmented fifth (C+7 = C7#5)
PLUS_SEVENTH = re.compile(r"(^|[^0-9(])\+(7|9|11|13)|\(\+7\)")


def test_chordsheetjs_suffix_classes(conformance: Path) -> None:
    differ, unread = set(), set()
    for normalised, spellings, _ in _read(conformance, "chord_suffix_equivalences_chordsheetjs.tsv"):
        norm = "" if normalised == "[blank]" else normalised
        reference = frozenset(parse_chord("C" + norm).pitch_classes) if is_chord("C" + norm) else None
        for spelling in [norm, *(s.strip() for s in spellings.split("|") if s.strip())]:
            if spelling.startswith(("#", "b")) or PLUS_SEVENTH.search(spelling):
                continue  # after a root, `#4` reads as the root's sharp: the suffix is ambiguous
            if not is_chord("C" + spelling):
                unread.add(spelling)
            elif frozenset(parse_chord("C" + spelling).pitch_classes) != reference:
                differ.add((norm, spelling))
            else:
                assert (
                    parse_chord(parse_chord("C" + spelling).format()).pitch_classes
                    == parse_chord("C" + spelling).pitch_classes
                )
    assert unread == CHORDSHEETJS_UNREAD
    assert differ == set(CHORDSHEETJS_DIFFER)


# pychord parses these but cannot spell them; we spell them (A## C### → the plain name past ##)
ACCEPTED_INVALID = {"A##", "B##", "D##", "E##", "Fbb", "G##"}


def test_invalid_symbols(conformance: Path) -> None:
    accepted = set()
    for symbol, _peer, _behaviour, _source in _read(conformance, "invalid_symbols.tsv"):
        text = "" if symbol == "(empty string)" else symbol
        if is_chord(text):
            accepted.add(text)
        else:
            try:
                parse_chord(text)
            except ChordError as err:
                assert 1 <= err.column <= max(1, len(text) + 1), text
                assert err.message
    assert accepted == ACCEPTED_INVALID
