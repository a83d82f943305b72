"""The style table: one immutable entry per groove a songwriter recognises.

Each style is data, not code: grid patterns (see `pattern.py`) for the comping part, the bass and each
drum, plus the feel (swing ratio), the instruments and whether a pad sustains under the band. Patterns are
in quarter notes and tile over any bar length, so every style plays in any meter; `meter` is the style's
natural one (a song in 3/4 defaults to the waltz, in 6/8 to `sixeight`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

from cowriter.core.arrange.pattern import Pattern

# General MIDI drum notes used by the patterns.
KICK, SIDE_STICK, SNARE, CLOSED_HAT, PEDAL_HAT, OPEN_HAT = 36, 37, 38, 42, 44, 46
LOW_TOM, MID_TOM, HIGH_TOM, CRASH, RIDE, SHAKER = 45, 48, 50, 49, 51, 70

# General MIDI programs for the synth voices (Track.instrument -> program).
PROGRAMS: Mapping[str, int] = MappingProxyType(
    {"piano": 0, "epiano": 4, "organ": 16, "nylon": 24, "guitar": 25, "pad": 89, "lead": 73, "bass": 33}
)


@dataclass(frozen=True, slots=True)
class Style:
    name: str
    description: str
    meter: tuple[int, int]
    comp_instrument: str  # piano, epiano, organ, guitar, nylon
    comp_mode: str  # "block" (chord hits), "strum" (guitar strokes), "arp" (broken chord)
    comp: Pattern
    bass: Pattern | None  # None: a walking line, one note a beat
    drums: tuple[tuple[int, Pattern], ...]
    swing: float = 0.5  # share of the pair the on-beat takes: 0.5 straight, 0.67 triplet swing
    swing_unit: float = 0.5  # quarter notes: 0.5 swings eighths, 0.25 sixteenths
    gate: float = 0.92  # how much of each comping step sounds
    sustain: bool = False  # comping notes ring to the end of the chord in the bar (pedal)
    pad: bool = False
    bass_program: int = 33  # fingered bass; 32 acoustic
    drum_level: float = 1.0


def _drums(length: float, **grids: str) -> tuple[tuple[int, Pattern], ...]:
    names = {
        "kick": KICK,
        "stick": SIDE_STICK,
        "snare": SNARE,
        "hat": CLOSED_HAT,
        "pedal": PEDAL_HAT,
        "open": OPEN_HAT,
        "ride": RIDE,
        "shaker": SHAKER,
    }
    return tuple((names[k], Pattern.parse(g, length)) for k, g in grids.items())


_STYLES = (
    Style(
        "pop",
        "pop/rock eighths: piano pulsing eighth-note chords, root-note bass, backbeat drums",
        (4, 4),
        "piano",
        "block",
        Pattern.parse("XxxxXxxx", 4),
        Pattern.parse("Rrrrrrra", 4),
        _drums(4, kick="x...xx..", snare="..x...x.", hat="XxXxXxXx"),
        gate=0.8,
    ),
    Style(
        "rock",
        "rock: steel guitar down-strummed eighths, driving root eighths, big backbeat",
        (4, 4),
        "guitar",
        "strum",
        Pattern.parse("DdDdDdDd", 4),
        Pattern.parse("Rrrrrrrr", 4),
        _drums(4, kick="X..xX...", snare="..X...X.", hat="XxXxXxXx"),
        gate=0.9,
    ),
    Style(
        "ballad",
        "ballad arpeggio: sustained broken piano chords over a pad, whole-note bass, brushed time",
        (4, 4),
        "piano",
        "arp",
        Pattern.parse("AaaaAaaa", 4),
        Pattern.parse("R-------", 4),
        _drums(4, kick="x.......", stick="..x...x.", hat="x.x.x.x."),
        sustain=True,
        pad=True,
        bass_program=32,
        drum_level=0.6,
    ),
    Style(
        "folk",
        "folk strum: steel guitar D-DU-UDU, root-fifth bass, shaker",
        (4, 4),
        "guitar",
        "strum",
        Pattern.parse("D.DU.UDU", 4),
        Pattern.parse("R---5---", 4),
        _drums(4, kick="x...x...", shaker="XxXxXxXx"),
        bass_program=32,
        drum_level=0.75,
    ),
    Style(
        "waltz",
        "waltz 3/4: bass on one, piano on two and three (oom-pah-pah)",
        (3, 4),
        "piano",
        "block",
        Pattern.parse("..x-x-", 3),
        Pattern.parse("R-..5.", 3),
        _drums(3, kick="x.....", hat="..x.x."),
        bass_program=32,
        drum_level=0.7,
    ),
    Style(
        "sixeight",
        "6/8: rolling piano arpeggio in eighths, dotted-quarter bass, two-feel drums",
        (6, 8),
        "piano",
        "arp",
        Pattern.parse("AaaAaa", 3),
        Pattern.parse("R--5--", 3),
        _drums(3, kick="x.....", stick="...x..", hat="XxxXxx"),
        sustain=True,
        bass_program=32,
        drum_level=0.8,
    ),
    Style(
        "bossa",
        "bossa nova: nylon guitar on the clave, root-fifth bass anticipating, side-stick and shaker",
        (4, 4),
        "nylon",
        "block",
        Pattern.parse("X..x..x...x..x..", 8),
        Pattern.parse("R--55-->", 4),
        _drums(8, kick="x..xx..xx..xx..x", stick="x..x..x...x..x..", shaker="xoxoxoxoxoxoxoxo"),
        gate=0.85,
        bass_program=32,
        drum_level=0.8,
    ),
    Style(
        "swing",
        "swing: walking bass, Charleston piano shells, ride cymbal with hi-hat on two and four",
        (4, 4),
        "piano",
        "block",
        Pattern.parse("X..x....", 4),
        None,
        _drums(4, ride="x.Xxx.Xx", pedal="..x...x.", kick="o.o.o.o."),
        swing=0.67,
        gate=0.7,
        bass_program=32,
    ),
    Style(
        "funk",
        "funk sixteenths: clipped electric-piano stabs, syncopated bass, ghost-note snare",
        (4, 4),
        "epiano",
        "block",
        Pattern.parse("X..x..x...x..x.x", 4),
        Pattern.parse("R..r..r.8.r..r.a", 4),
        _drums(4, kick="X.....x...x..x..", snare="....X..o.o..X..o", hat="xoxoxoxoxoxoxoxo"),
        swing=0.54,
        swing_unit=0.25,
        gate=0.45,
    ),
    Style(
        "halftime",
        "half-time: snare on three, wide pad and piano, long bass notes",
        (4, 4),
        "piano",
        "block",
        Pattern.parse("X-----x-", 4),
        Pattern.parse("R-----r-", 4),
        _drums(4, kick="x..x....", snare="....X...", hat="xxxxxxxx"),
        pad=True,
    ),
)

STYLES: Mapping[str, Style] = MappingProxyType({s.name: s for s in _STYLES})

ALIASES: Mapping[str, str] = MappingProxyType(
    {
        "pop/rock": "pop",
        "pop-rock": "pop",
        "eighths": "pop",
        "arpeggio": "ballad",
        "strum": "folk",
        "3/4": "waltz",
        "6/8": "sixeight",
        "six-eight": "sixeight",
        "12/8": "sixeight",
        "bossa nova": "bossa",
        "bossa-nova": "bossa",
        "bossanova": "bossa",
        "latin": "bossa",
        "jazz": "swing",
        "walking": "swing",
        "sixteenths": "funk",
        "half-time": "halftime",
        "half time": "halftime",
    }
)


def find_style(name: str) -> Style | None:
    """The style called `name` (any case, aliases such as `bossa nova` or `6/8` accepted), or None."""
    key = " ".join(name.strip().lower().split())
    key = ALIASES.get(key, key)
    return STYLES.get(key)


def default_style(beats: int, unit: int) -> Style:
    """The style a meter implies when the song names none: 3/4 waltz, compound meters 6/8, else pop."""
    if unit == 8 and beats % 3 == 0:
        return STYLES["sixeight"]
    if beats == 3:
        return STYLES["waltz"]
    return STYLES["pop"]
