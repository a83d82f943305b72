"""The comping part (keys or guitar) and the pad, one bar at a time.

Keys voice each chord close to the previous voicing (`voicing.lead_voices`); guitars strum a playable
shape, strings spread a few milliseconds apart (down strokes low to high, up strokes on the top strings,
high to low); arpeggios break the voicing over a low root. Only chord tones sound.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from cowriter.core.arrange.bars import Bar
from cowriter.core.arrange.bass import place, sounding_hits
from cowriter.core.arrange.harmony import Change, Changes, Harmony
from cowriter.core.arrange.styles import Style
from cowriter.core.arrange.voicing import choose_tones, guitar_shape, lead_voices, shape_pitches
from cowriter.core.events import Note

STRUM_STEP = 0.018  # quarter notes between strings of a strum (about 9 ms at 120 bpm)
_VELOCITY = {"X": 100, "x": 80, "o": 60, "D": 96, "d": 76, "U": 70, "u": 56}


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
    notes: list[Note] = []
    for hit, at, change in sounding_hits(style.comp.over(bar.quarters, bar.phase), style, bar, changes, stop):
        chord = change.harmony
        length = bar.beats_of(hit.length) * style.gate
        end = bar.end if style.sustain else at + length
        end = min(end, change.end, stop)
        velocity = _VELOCITY.get(hit.symbol, 72)
        if style.comp_mode == "strum":
            notes.extend(strum(chord, at, end, hit.symbol, velocity, bar))
        elif style.comp_mode == "arp" and hit.symbol.isdigit():
            notes.append(
                Note(at, round(end - at, 6), arpeggio(state, chord, change, int(hit.symbol)), velocity)
            )
        else:
            voicing = keys_voicing(state, chord, change)
            notes.extend(Note(at, round(end - at, 6), p, velocity) for p in voicing)
    return notes


def strum(chord: Harmony, at: float, end: float, stroke: str, velocity: int, bar: Bar) -> list[Note]:
    pitches = shape_pitches(guitar_shape(chord.root, chord.intervals, chord.bass))
    if stroke in "Uu":
        pitches = tuple(reversed(pitches[-4:]))
    notes = []
    for i, pitch in enumerate(pitches):
        start = at + bar.beats_of(i * STRUM_STEP)
        if start < end - 1e-6:
            notes.append(Note(round(start, 6), round(end - start, 6), pitch, max(1, velocity - 2 * i)))
    return notes


def arpeggio(state: CompState, chord: Harmony, change: Change, step: int) -> int:
    """Step `step` of a broken chord: 0 is the bass note an octave above the bass, then the voicing up."""
    voicing = keys_voicing(state, chord, change)
    low = place(chord.bass, voicing[0] - 7, 40, 59)
    notes = (low, *voicing)
    return notes[step % len(notes)]


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
