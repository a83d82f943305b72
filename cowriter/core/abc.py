"""ABC notation for one melody: parse and format the body of a ChordPro `{start_of_abc}` block.

An `AbcTune` is what cowriter needs from a tune: the sounding notes (MIDI pitch, start and duration in beats
of the meter, the lyric syllable sung on each), the chord symbols above the staff, and the header (meter,
key, unit length, tempo, title). Ties are merged into one note; rests are the gaps between notes.

Positions: `start` counts beats of the meter (units of its denominator, as in `core.timeline`) from the
first written symbol of the tune. A tune whose first bar is short (an anacrusis) has `pickup` beats before
its first bar line. `offset` is the song beat where the tune's beat 0 sounds (written as the directive
`%%cowriter-start BEATS` before the `X:` line, in the file header, where abc2midi and abcm2ps skip it;
inside the tune abc2midi would write it into its karaoke track), so a note sounds at `offset + start` on
the song's clock.

Lyrics (`w:` lines) align one token per written note, rests excluded: `-` splits a word's syllables,
`_` holds the previous syllable over one more note, `*` skips a note, `~` is a space inside a syllable,
`\\-` a literal hyphen and `|` moves on to the next bar. A tied continuation note takes a token like any
other note (abcm2ps's convention), and `format_abc` writes `_` for it. A note whose `syllable` is empty
continues the previous syllable (a melisma) or, before any syllable, carries none.

Supported: fields X T M L Q K (others kept), inline `[K:…]`/`[L:…]`/`[M:…]`, pitches with octave marks
and accidentals (bar-scoped, key signatures for all modes), durations (`2`, `/`, `3/2`, `//`), rests
`z x Z X`, bars and repeat signs (repeats are *not* expanded), ties, broken rhythm `> <`, tuplets `(3`,
chords `[CEG]` (kept as one note, its top pitch), quoted chord symbols, annotations, decorations and
grace notes (skipped). Not supported: multiple voices and overlays (an `AbcError` says so).
"""

from __future__ import annotations

from cowriter.core.abc_format import format_abc, format_abc_block
from cowriter.core.abc_parse import parse_abc, parse_abc_block
from cowriter.core.abc_types import START_DIRECTIVE, AbcChord, AbcError, AbcNote, AbcTune, key_signature

__all__ = [
    "START_DIRECTIVE",
    "AbcChord",
    "AbcError",
    "AbcNote",
    "AbcTune",
    "format_abc",
    "format_abc_block",
    "key_signature",
    "parse_abc",
    "parse_abc_block",
]
