"""The melody generator's inputs and outputs: sung syllables, chord windows, lines, voices, score cards."""

from __future__ import annotations

from dataclasses import dataclass

from cowriter.core.abc_types import AbcNote

__all__ = [
    "SCORE_WEIGHTS",
    "VOICES",
    "ChordWindow",
    "MelodyLine",
    "ScoreCard",
    "Sketch",
    "SungSyllable",
    "Voice",
]


@dataclass(frozen=True, slots=True)
class SungSyllable:
    """One syllable to sing: its text, its stress (2 a main stress, 1 a light one, 0 none), whether it ends
    its word, and whether it belongs to the line's rhyme word (from that word's stressed syllable on: those
    get the longer notes)."""

    text: str
    stress: int
    word_end: bool = True
    rhyme: bool = False


@dataclass(frozen=True, slots=True)
class ChordWindow:
    """A chord sounding from `start` for `duration` beats: its pitch classes (empty for N.C.)."""

    start: float
    duration: float
    symbol: str
    pitch_classes: frozenset[int] = frozenset()
    root: int | None = None

    @property
    def end(self) -> float:
        return self.start + self.duration


@dataclass(frozen=True, slots=True)
class MelodyLine:
    """A lyric line to set: its syllables, its phrase (`start`..`end` in song beats, `start` on a bar's
    downbeat), the chords under it, how many syllables come before the phrase (`lead_in`: words sung before
    the first chord), and whether it closes its section (then it ends on the tonic). `anchors` pin
    syllables to the onsets of the chords that stand on them: (syllable index, song beat); `holds` keep a
    syllable from starting until a second chord on the syllable before it has sounded."""

    syllables: tuple[SungSyllable, ...]
    start: float
    end: float
    chords: tuple[ChordWindow, ...] = ()
    lead_in: int = 0
    closing: bool = False
    source_line: int = 0
    section: int = 0  # lines of one section share motifs
    lift: float = 0.0  # semitones to raise the line's register (a chorus sits higher than its verses)
    anchors: tuple[tuple[int, float], ...] = ()
    holds: tuple[tuple[int, float], ...] = ()  # (syllable index, a beat it starts after)


@dataclass(frozen=True, slots=True)
class Voice:
    name: str
    low: int  # MIDI
    high: int


VOICES: dict[str, Voice] = {
    v.name: v
    for v in (
        Voice("soprano", 60, 79),  # C4-G5
        Voice("alto", 55, 74),  # G3-D5
        Voice("tenor", 48, 67),  # C3-G4
        Voice("baritone", 45, 64),  # A2-E4
        Voice("bass", 40, 60),  # E2-C4
    )
}


SCORE_WEIGHTS = (
    ("stress", 30),
    ("chord_tones", 25),
    ("leaps", 15),
    ("range", 10),
    ("cadence", 10),
    ("contour", 10),
)


@dataclass(frozen=True, slots=True)
class ScoreCard:
    """Why a sketch ranks where it does. Each part is a fraction from 0 to 1:

    - `stress`: stressed syllables on strong beats, out of as many as the bars have strong beats for;
    - `chord_tones`: notes on strong beats that belong to the chord sounding;
    - `leaps`: intervals that are steps or small skips (a leap over a fifth costs, an unrecovered one more);
    - `range`: notes inside the voice's range;
    - `cadence`: lines ending on a stable degree (1, 3 or 5 of the key; a closing line on 1);
    - `contour`: lines that both rise and fall.
    `total` weighs them (`SCORE_WEIGHTS`) into 0-100."""

    stress: float
    chord_tones: float
    leaps: float
    range: float
    cadence: float
    contour: float

    def parts(self) -> dict[str, float]:
        return {
            "stress": self.stress,
            "chord_tones": self.chord_tones,
            "leaps": self.leaps,
            "range": self.range,
            "cadence": self.cadence,
            "contour": self.contour,
        }

    @property
    def total(self) -> float:
        parts = self.parts()
        return round(float(sum(parts[name] * w for name, w in SCORE_WEIGHTS)), 1)

    def explain(self) -> str:
        parts = self.parts()
        return ", ".join(f"{name.replace('_', ' ')} {parts[name] * 100:.0f}%" for name, _ in SCORE_WEIGHTS)


@dataclass(frozen=True, slots=True)
class Sketch:
    """One melody: notes on the song's clock (start/duration in beats; an empty syllable continues the one
    before), the score card, and for each line the index range of its notes."""

    notes: tuple[AbcNote, ...]
    score: ScoreCard
    lines: tuple[tuple[int, int], ...] = ()
    seed: int = 0
