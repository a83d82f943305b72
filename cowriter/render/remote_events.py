"""An arrangement as the relay sends it: timed note events the laptop's own synth renders (kilobytes a
minute where PCM costs about 10 MB), and back, checked field by field.

`decode` trusts nothing: every number is finite and in range, every list bounded, the instrument one the
synth knows, so a malformed message is refused whole (a `WireError`) and never plays garbage. Only what
the synth needs travels: tracks and notes, tempo and meter maps, the length, and the title to show.
"""

from __future__ import annotations

import math
import re
from typing import Any

from cowriter.core.events import Arrangement, Note, Track
from cowriter.core.timeline import Meter, MeterChange, TempoChange
from cowriter.render.remote_wire import WireError

MAX_BEATS = 20_000.0  # about 100 minutes at 200 bpm
MAX_TRACKS = 32
MAX_NOTES = 200_000  # in all tracks
MAX_CHANGES = 1_000  # tempo or meter changes
MAX_TEXT = 200
MAX_NOTE_SECONDS = 30.0  # the synth renders each note whole: a longer one is refused, not allocated
_NAME = re.compile(r"[a-z][a-z0-9_-]{0,31}")  # an instrument's name (one the synth lacks plays as piano)


def encode(arrangement: Arrangement) -> dict[str, Any]:
    """The arrangement as a JSON object (notes flattened: start, duration, pitch, velocity, ...)."""
    return {
        "beats": arrangement.beats,
        "title": arrangement.title[:MAX_TEXT],
        "tempos": [[t.start, t.bpm] for t in arrangement.tempos],
        "meters": [[m.start, m.bar, m.meter.beats, m.meter.unit] for m in arrangement.meters],
        "tracks": [
            {
                "name": t.name[:MAX_TEXT],
                "instrument": t.instrument,
                "program": t.program,
                "channel": t.channel,
                "pan": t.pan,
                "volume": t.volume,
                "notes": [x for n in t.notes for x in (n.start, n.duration, n.pitch, n.velocity)],
            }
            for t in arrangement.tracks
        ],
    }


def _number(value: object, what: str, low: float, high: float) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise WireError(f"{what} is not a number")
    if not low <= value <= high:
        raise WireError(f"{what} {value!r} is out of range ({low:g} to {high:g})")
    return float(value)


def _integer(value: object, what: str, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise WireError(f"{what} is not a whole number")
    if not low <= value <= high:
        raise WireError(f"{what} {value} is out of range ({low} to {high})")
    return value


def _text(value: object, what: str) -> str:
    if not isinstance(value, str):
        raise WireError(f"{what} is not text")
    return value[:MAX_TEXT]


def _list(value: object, what: str, limit: int) -> list[Any]:
    if not isinstance(value, list):
        raise WireError(f"{what} is not a list")
    if len(value) > limit:
        raise WireError(f"{what} has {len(value)} entries (the limit is {limit})")
    return value


def _track(obj: object, i: int, budget: int, longest: float) -> Track:
    """Track `i`, with at most `budget` notes, none longer than `longest` beats."""
    if not isinstance(obj, dict):
        raise WireError(f"track {i} is not an object")
    instrument = _text(obj.get("instrument"), f"track {i}'s instrument")
    if not _NAME.fullmatch(instrument):
        raise WireError(f"track {i}'s instrument {instrument[:20]!r} is not an instrument's name")
    flat = _list(obj.get("notes", []), f"track {i}'s notes", 4 * budget)
    if len(flat) % 4:
        raise WireError(f"track {i}'s notes are not in fours (start, duration, pitch, velocity)")
    notes = []
    for j in range(0, len(flat), 4):
        start = _number(flat[j], f"track {i} note {j // 4} start", 0.0, MAX_BEATS)
        duration = _number(flat[j + 1], f"track {i} note {j // 4} duration", 0.0, longest)
        pitch = _integer(flat[j + 2], f"track {i} note {j // 4} pitch", 0, 127)
        velocity = _integer(flat[j + 3], f"track {i} note {j // 4} velocity", 0, 127)
        notes.append(Note(start, duration, pitch, velocity))
    return Track(
        name=_text(obj.get("name", ""), f"track {i}'s name"),
        instrument=instrument,
        program=_integer(obj.get("program", 0), f"track {i}'s program", 0, 127),
        channel=_integer(obj.get("channel", 0), f"track {i}'s channel", 0, 15),
        notes=tuple(notes),
        pan=_number(obj.get("pan", 0.0), f"track {i}'s pan", -1.0, 1.0),
        volume=_number(obj.get("volume", 1.0), f"track {i}'s volume", 0.0, 4.0),
    )


def decode(obj: object) -> Arrangement:
    """The arrangement an `encode`d object describes (`WireError` for anything malformed)."""
    if not isinstance(obj, dict):
        raise WireError("the arrangement is not an object")
    beats = _number(obj.get("beats"), "the song's length in beats", 0.0, MAX_BEATS)
    tempos = []
    for i, pair in enumerate(_list(obj.get("tempos"), "the tempo map", MAX_CHANGES)):
        if not isinstance(pair, list) or len(pair) != 2:
            raise WireError(f"tempo change {i} is not [start, bpm]")
        tempos.append(TempoChange(_number(pair[0], "a tempo change's start", 0.0, MAX_BEATS),
                                  _number(pair[1], "a tempo", 10.0, 1000.0)))  # fmt: skip
    meters = []
    for i, row in enumerate(_list(obj.get("meters"), "the meter map", MAX_CHANGES)):
        if not isinstance(row, list) or len(row) != 4:
            raise WireError(f"meter change {i} is not [start, bar, beats, unit]")
        meter = Meter(_integer(row[2], "a meter's beats", 1, 64), _integer(row[3], "a meter's unit", 1, 64))
        meters.append(MeterChange(_number(row[0], "a meter change's start", 0.0, MAX_BEATS),
                                  _integer(row[1], "a meter change's bar", 0, 100_000), meter))  # fmt: skip
    if not tempos or not meters:
        raise WireError("the arrangement has no tempo or no meter")
    tracks = []
    budget = MAX_NOTES
    longest = MAX_NOTE_SECONDS * min(t.bpm for t in tempos) / 60.0
    for i, t in enumerate(_list(obj.get("tracks"), "the tracks", MAX_TRACKS)):
        track = _track(t, i, budget, longest)
        budget -= len(track.notes)
        tracks.append(track)
    return Arrangement(
        tracks=tuple(tracks),
        beats=beats,
        tempos=tuple(sorted(tempos, key=lambda t: t.start)),
        meters=tuple(sorted(meters, key=lambda m: m.start)),
        title=_text(obj.get("title", ""), "the title"),
    )
