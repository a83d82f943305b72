"""The comping part (keys or guitar) and the pad, one bar at a time.

Keys voice each chord close to the previous voicing (`voicing.lead_voices`); guitars strum a playable
shape, strings spread a few milliseconds apart (down strokes low to high, up strokes on the top strings,
high to low); arpeggios walk up and down the voicing over a low root. Each change is struck, even where
the pattern rests. Only chord tones sound.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

from cowriter.core.arrange.bars import Bar
from cowriter.core.arrange.bass import changes_in, place, sounding_hits
from cowriter.core.arrange.harmony import Change, Changes, Harmony
from cowriter.core.arrange.styles import Style
from cowriter.core.arrange.voicing import choose_tones, guitar_shape, lead_voices, shape_pitches
from cowriter.core.events import Note

STRUM_STEP = 0.018  # quarter notes between strings of a strum (about 9 ms at 120 bpm)
_VELOCITY = {"X": 100, "x": 80, "o": 60, "D": 96, "d": 76, "U": 70, "u": 56, "A": 80, "a": 70}


@dataclass
class CompState:
    """What the comping hand remembers from bar to bar: its last voicing, for voice leading."""

    voicing: tuple[int, ...] | None = None
    cache: dict[tuple[int, tuple[int, ...]], tuple[int, ...]] = field(default_factory=dict)

    def voice(self, chord: Harmony) -> tuple[int, ...]:
        pcs = choose_tones(chord.root, chord.intervals, 4)
        self.voicing = lead_voices(pcs, self.voicing)
        return self.voicing


def keys_voicing(state: CompState, chord: Harmony, change: Change) -> tuple[int, ...]:
    """The voicing for a change, led from the previous change (and reused for every hit of the change)."""
    key = (int(change.start * 1000), chord.pitch_classes)
    if key not in state.cache:
        state.cache.clear()
        state.cache[key] = state.voice(chord)
    return state.cache[key]


def comp_bar(style: Style, bar: Bar, changes: Changes, state: CompState, stop: float) -> list[Note]:
    """The comping notes of one bar: the style's pattern, and a stroke at every change the pattern would
    let pass unheard (a chord on beat 3 under a pattern that plays on 1 and 2&). A new chord's first
    strum is a down stroke: an up stroke catches only the top strings, which may miss its 3rd."""
    notes: list[Note] = []
    hits = comp_hits(style, bar, changes, stop)
    if style.comp_mode == "arp":
        return arpeggios(style, bar, hits, state, stop)
    arrived: set[float] = set()
    for at, length, symbol, change in hits:
        if change.start not in arrived and change.start >= bar.start - 1e-6 and symbol in "Uu":
            symbol = "D" if symbol == "U" else "d"
        arrived.add(change.start)
        chord = change.harmony
        end = bar.end if style.sustain else at + length * style.gate
        end = min(end, change.end, stop)
        velocity = _VELOCITY.get(symbol, 72)
        if style.comp_mode == "strum":
            notes.extend(strum(chord, at, end, symbol, velocity, bar))
        else:
            voicing = keys_voicing(state, chord, change)
            notes.extend(Note(at, round(end - at, 6), p, velocity) for p in voicing)
    return notes


_STROKE = {"strum": "D", "arp": "A", "block": "x"}


def comp_hits(
    style: Style, bar: Bar, changes: Changes, stop: float
) -> list[tuple[float, float, str, Change]]:
    """(beat, length in beats, symbol, change) of each comping stroke in the bar: the pattern's, plus one at
    the start of each change that no stroke of the pattern falls in."""
    pattern = style.comp.over(bar.quarters, bar.phase)
    hits = [
        (at, bar.beats_of(hit.length), hit.symbol, c)
        for hit, at, c in sounding_hits(pattern, style, bar, changes, stop)
    ]
    for change in changes_in(bar, changes, stop):
        until = min(change.end, bar.end, stop)
        if any(change.start - 1e-6 <= h[0] < until - 1e-6 for h in hits):
            continue
        later = [h[0] for h in hits if h[0] > change.start]
        length = min(later, default=until) - change.start
        hits.append((change.start, length, _STROKE.get(style.comp_mode, "x"), change))
    hits.sort(key=lambda h: h[0])
    return hits


def arpeggios(
    style: Style, bar: Bar, hits: list[tuple[float, float, str, Change]], state: CompState, stop: float
) -> list[Note]:
    """Broken chords: from the bass note up through the voicing and back, restarting at each bar and
    change. When a chord has fewer strokes than notes, the line keeps its guide tones (3rd and 7th
    first); with two strokes or fewer it rolls the whole chord on the first."""
    notes: list[Note] = []
    i = 0
    while i < len(hits):
        change = hits[i][3]
        group = [h for h in hits[i:] if h[3] is change]
        i += len(group)
        line = arpeggio_notes(state, change, len(group))
        for k, (at, length, symbol, _) in enumerate(group):
            end = bar.end if style.sustain else at + length * style.gate
            end = min(end, change.end, stop)
            velocity = _VELOCITY.get(symbol, 72)
            if k == 0 and len(group) < min(3, len(line)) and change.start >= bar.start - 1e-6:
                notes.extend(roll(line, at, end, velocity, bar))
                continue
            notes.append(Note(at, round(end - at, 6), line[bounce(k, len(line))], velocity))
    return notes


def bounce(k: int, n: int) -> int:
    """Step `k` of a line that starts at the bottom (0), climbs to the top (n - 1) and turns between the
    first voice above the bass (1) and the top: 0 1 2 3 2 1 2 3 for four notes."""
    if k == 0 or n <= 2:
        return min(k, n - 1)
    cycle = 2 * (n - 2)
    m = (k - 1) % cycle
    return 1 + (m if m < n - 1 else cycle - m)


def arpeggio_notes(state: CompState, change: Change, strokes: int) -> tuple[int, ...]:
    """The bass note (an octave above the bass) and the voicing over it; with fewer strokes than notes, the
    voicing's least needed tones (fifth, then root) left out, down to its guide tones."""
    chord = change.harmony
    voicing = keys_voicing(state, chord, change)
    if strokes - 1 < len(voicing):
        keep = set(choose_tones(chord.root, chord.intervals, max(2, strokes - 1)))
        voicing = tuple(p for p in voicing if p % 12 in keep) or voicing
    low = place(chord.bass, voicing[0] - 7, 40, 59)
    return (low, *voicing)


def roll(pitches: tuple[int, ...], at: float, end: float, velocity: int, bar: Bar) -> list[Note]:
    """Every pitch struck low to high a strum's step apart, held to `end`; strings the stroke would reach
    less than a step before `end` are not struck (a stroke cut short by the next chord)."""
    out = []
    step = bar.beats_of(STRUM_STEP)
    for i, pitch in enumerate(pitches):
        start = at + i * step
        if start < end - step:
            out.append(Note(round(start, 6), round(end - start, 6), pitch, max(1, velocity - 2 * i)))
    return out


def strum(chord: Harmony, at: float, end: float, stroke: str, velocity: int, bar: Bar) -> list[Note]:
    """A guitar stroke: down strokes low to high over every string of the shape, up strokes high to low
    over the top four."""
    pitches = _strings(chord.root, chord.intervals, chord.bass)
    if stroke in "Uu":
        pitches = tuple(reversed(pitches[-4:]))
    return roll(pitches, at, end, velocity, bar)


@lru_cache(maxsize=1024)
def _strings(root: int, intervals: tuple[int, ...], bass: int) -> tuple[int, ...]:
    return shape_pitches(guitar_shape(root, intervals, bass))


def pad_notes(changes: Changes, stop: float) -> list[Note]:
    """A soft sustained chord for each change, led voice to voice in a lower, wider register."""
    notes: list[Note] = []
    previous: tuple[int, ...] | None = None
    for change in changes.items:
        if change.harmony.silent or change.start >= stop - 1e-6:
            continue
        chord = change.harmony
        previous = lead_voices(choose_tones(chord.root, chord.intervals, 3), previous, 48, 72)
        end = min(change.end, stop)
        notes.extend(Note(change.start, round(end - change.start, 6), p, 52) for p in previous)
    return notes
