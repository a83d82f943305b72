"""What the band needs to know about one chord span: the sounding symbol and its pitch classes.

The chord symbol of a span is as written; `{transpose}` semitones are applied here (spelled for the
transposed key), then the notation core's chord parser gives root, intervals and bass. A symbol the parser
rejects is treated as silence (the band stops) rather than guessed at; `unknown` records it.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from functools import lru_cache

from cowriter.core.chords import parse_chord

NO_CHORD = frozenset({"N.C.", "NC", "N.C", "n.c.", "N/C", "-", ""})


@dataclass(frozen=True, slots=True)
class Harmony:
    symbol: str  # as it sounds (after transposition), for chord texts and the lead sheet
    root: int = 0  # pitch class
    intervals: tuple[int, ...] = ()  # semitones above the root, root (0) included
    bass: int = 0  # pitch class of the lowest note: the slash note, else the root
    silent: bool = True  # N.C. or unreadable: the band stops
    unknown: bool = False

    @property
    def pitch_classes(self) -> tuple[int, ...]:
        return tuple(sorted({(self.root + i) % 12 for i in self.intervals}))

    @property
    def fifth(self) -> int:
        """Semitones from root to the chord's fifth: perfect, else the diminished or augmented one the
        chord has (an altered fifth may be written an octave up: `7alt`'s #11 and b13), else the root."""
        return self._degree((7, 6, 8), 0)

    @property
    def third(self) -> int:
        """Semitones from root to the chord's third (or the sus tone that replaces it), else its fifth."""
        return self._degree((4, 3, 5, 2), self.fifth)

    def _degree(self, choices: tuple[int, ...], default: int) -> int:
        classes = {i % 12 for i in self.intervals}
        return next((i for i in choices if i in classes), default)


@lru_cache(maxsize=4096)
def harmony_of(symbol: str, transpose: int = 0, key: str | None = None) -> Harmony:
    text = symbol.strip()
    if text in NO_CHORD or text.upper().replace(" ", "") in {"N.C.", "NC", "N.C"}:
        return Harmony(symbol="N.C.")
    try:
        chord = parse_chord(text)
        if transpose % 12:
            chord = chord.transpose(transpose, transpose_key(key, transpose))
    except ValueError:
        return Harmony(symbol=text, unknown=True)
    sounding = chord.symbol
    if chord.is_no_chord:
        return Harmony(symbol="N.C.")
    intervals = tuple(sorted({0, *(int(i) for i in chord.intervals)}))
    root = int(chord.root_pitch_class) % 12
    bass_pc = chord.bass_pitch_class
    bass = root if bass_pc is None else int(bass_pc) % 12
    return Harmony(symbol=sounding, root=root, intervals=intervals, bass=bass, silent=False)


def transpose_key(key: str | None, semitones: int) -> str | None:
    """A key name moved by `semitones` (spelled as the chord transposer spells a chord of that name)."""
    if not key or semitones % 12 == 0:
        return key
    try:
        return parse_chord(key.strip()).transpose(semitones).format()
    except ValueError:
        return key


@dataclass(frozen=True, slots=True)
class Change:
    """A harmony held from `start` to `end` (song beats)."""

    start: float
    end: float
    harmony: Harmony


class Changes:
    """The song's chord changes in order, looked up by beat."""

    def __init__(self, changes: list[Change]) -> None:
        self.items = tuple(sorted(changes, key=lambda c: c.start))
        self._starts = [c.start for c in self.items]

    def index_at(self, beat: float) -> int | None:
        i = bisect_right(self._starts, beat + 1e-6) - 1
        if i < 0 or beat >= self.items[i].end - 1e-6:
            return None
        return i

    def at(self, beat: float) -> Change | None:
        i = self.index_at(beat)
        return None if i is None else self.items[i]

    def starting(self, start: float, end: float) -> tuple[Change, ...]:
        """The changes that start in [start, end)."""
        return self.items[bisect_left(self._starts, start - 1e-6) : bisect_left(self._starts, end - 1e-6)]
