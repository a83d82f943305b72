"""From timeline spans to what the melody needs: sounding chord tones per window, and the key."""

from __future__ import annotations

from collections.abc import Sequence

from cowriter.core.chords import try_parse_chord
from cowriter.core.keys import Key, KeyError_, parse_key, transpose_key
from cowriter.core.melody.types import ChordWindow
from cowriter.core.song_key import SongKey
from cowriter.core.theory import guess_key
from cowriter.core.timeline import ChordSpan
from cowriter.core.transpose import transpose_symbol

__all__ = ["key_for", "windows"]


def windows(spans: Sequence[ChordSpan]) -> tuple[ChordWindow, ...]:
    """Each span as a window of sounding pitch classes and its symbol as it sounds (with `{transpose}`
    applied; N.C. and unreadable symbols give an empty set: anything in the key goes there)."""
    out = []
    for span in spans:
        chord = try_parse_chord(span.chord)
        if chord is None or chord.is_no_chord:
            out.append(ChordWindow(span.start, span.duration, span.chord))
            continue
        shift = span.transpose
        pcs = frozenset((pc + shift) % 12 for pc in chord.pitch_classes)
        root = (chord.root_pitch_class + shift) % 12
        symbol = span.chord
        if shift % 12:  # the symbol as it sounds, spelled for the key it sounds in
            symbol = transpose_symbol(span.chord, shift, _sounding_key(span), span.key)
        out.append(ChordWindow(span.start, span.duration, symbol, pcs, root))
    return tuple(out)


def _sounding_key(span: ChordSpan) -> Key | None:
    try:
        return transpose_key(parse_key(span.key), span.transpose) if span.key else None
    except KeyError_:
        return None


def key_for(spans: Sequence[ChordSpan], song_key: SongKey | str | None = None) -> Key:
    """The sounding key: the `{key}` in force (transposed), else the song's (`core.song_key.song_key`:
    its `{key}`, else the key all its chords fit best; moved by the spans' `{transpose}`/capo), else the
    key these spans' chords fit best, else C."""
    for span in spans:
        if span.key:
            try:
                return transpose_key(parse_key(span.key), span.transpose)
            except KeyError_:
                break
    shift = spans[0].transpose if spans else 0
    if isinstance(song_key, SongKey):
        return transpose_key(song_key.key, shift)
    if song_key:
        try:
            return parse_key(song_key)
        except KeyError_:
            pass
    chords = [c for c in (try_parse_chord(s.chord) for s in spans) if c is not None and not c.is_no_chord]
    if not chords:
        return Key("C")
    return transpose_key(guess_key(chords), shift)
