"""From timeline spans to what the melody needs: sounding chord tones per window, and the key."""

from __future__ import annotations

from collections.abc import Sequence

from cowriter.core.chords import try_parse_chord
from cowriter.core.keys import Key, KeyError_, parse_key, transpose_key
from cowriter.core.melody.types import ChordWindow
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


def key_for(spans: Sequence[ChordSpan], song_key: str | None = None) -> Key:
    """The sounding key: the `{key}` in force (transposed), else the song's, else the first chord's root
    (minor for a minor chord), else C."""
    for span in spans:
        if span.key:
            try:
                return transpose_key(parse_key(span.key), span.transpose)
            except KeyError_:
                break
    if song_key:
        try:
            return parse_key(song_key)
        except KeyError_:
            pass
    for span in spans:
        chord = try_parse_chord(span.chord)
        if chord is not None and not chord.is_no_chord:
            tonic = transpose_key(Key("C"), (chord.root_pitch_class + span.transpose) % 12).tonic
            return Key(tonic, "minor" if chord.is_minor else "major")
    return Key("C")
