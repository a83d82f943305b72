"""From a timeline to an `Arrangement`: the band plays each bar in its section's style.

Order of work: resolve each span's harmony (with `{transpose}`), pick each bar's style (argument, else the
section's `{x_style}`, else the song's, else the meter's natural style), play comping, pad and drums bar
by bar and the bass's hits bar by bar (its line is then read whole, `bass.py`), land the ending on the last
chord, shape each part's velocity by beat and phrase (`dynamics.py`), humanise each track from its own
seeded generator, then shift everything after a one-bar count-in. Every chord is heard and the bass is on
every change in every style and meter: `audit.py` is the judge.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

from cowriter.core.arrange.bars import Bar, bars_of
from cowriter.core.arrange.bass import BassHit, bass_hits, bass_line
from cowriter.core.arrange.comping import CompState, comp_bar, keys_voicing, pad_notes, strum
from cowriter.core.arrange.drums import count_in as count_in_notes
from cowriter.core.arrange.drums import drum_bar
from cowriter.core.arrange.dynamics import BAND, LEAD, PAD, Feel, band_phrases, melody_phrases, shape
from cowriter.core.arrange.harmony import Change, Changes, harmony_of, transpose_key
from cowriter.core.arrange.humanize import TIMING, VELOCITY, humanize, rng_for, untangle
from cowriter.core.arrange.styles import CRASH, KICK, PROGRAMS, STYLES, Style, default_style, find_style
from cowriter.core.events import Arrangement, KeyChange, Note, TextEvent, Track
from cowriter.core.karaoke import Sung, lyric_texts, span_texts
from cowriter.core.timeline import Meter, MeterChange, TempoChange, Timeline


class ArrangeError(ValueError):
    """A request the arranger cannot honour (an unknown style name, a section that is not there)."""


@dataclass(frozen=True, slots=True)
class MelodyNote:
    """A sung note on the song's clock, with the syllable that starts on it (empty for a melisma)."""

    start: float
    duration: float
    pitch: int
    syllable: str = ""
    hyphen: bool = False


# Track layout: name, instrument, channel. Drums sit on channel 9 (shown as 10 by MIDI players).
_COMP_TRACKS = {
    "piano": ("Piano", 1), "epiano": ("Electric piano", 2), "guitar": ("Guitar", 3),
    "nylon": ("Nylon guitar", 4), "organ": ("Organ", 5),
}  # fmt: skip
# Where each part sits in the stereo field and how loud (pan -1..1, volume 0..1): a small band's mix.
_MIX = {
    "piano": (-0.25, 0.85), "epiano": (-0.25, 0.85), "organ": (-0.2, 0.8), "guitar": (0.3, 0.85),
    "nylon": (0.3, 0.9), "pad": (0.15, 0.6), "lead": (0.0, 1.0), "bass": (0.0, 0.95), "drums": (0.0, 0.9),
}  # fmt: skip
_PAD_CHANNEL, _BASS_CHANNEL, _DRUM_CHANNEL, _LEAD_CHANNEL = 6, 7, 9, 0
LEAD_VELOCITY = 100  # the melody's average: the mix (render/synth.py) sets its level above the band from it
SUNG = 3.0  # standard deviation of the melody's and the pad's humanised velocity


def resolve_style(name: str) -> Style:
    style = find_style(name)
    if style is None:
        raise ArrangeError(f"unknown style {name!r}; choose one of: {', '.join(STYLES)}")
    return style


def arrange_timeline(
    timeline: Timeline,
    *,
    style: str | None = None,
    bpm: float | None = None,
    seed: int = 0,
    count_in: bool = True,
    ending: bool = True,
    melody: Sequence[MelodyNote] = (),
    song_style: str | None = None,
    title: str = "",
    lyric_lines: Mapping[int, str] | None = None,
) -> Arrangement:
    forced = resolve_style(style) if style else None
    fallback = find_style(song_style) if song_style else None
    bars = bars_of(timeline)
    changes = Changes(
        [
            Change(s.start, s.start + s.duration, harmony_of(s.chord, s.transpose, s.key))
            for s in timeline.spans
            if s.duration > 0
        ]
    )
    section_styles = {m.section_index: find_style(m.style) if m.style else None for m in timeline.sections}

    def style_of(bar: Bar) -> Style:
        return (
            forced
            or section_styles.get(bar.section_index)
            or fallback
            or default_style(bar.meter.beats, bar.meter.unit)
        )

    sounding = [c for c in changes.items if not c.harmony.silent]
    stop = math.inf
    if ending and sounding:
        last = sounding[-1]
        final = next((b for b in bars if b.start <= last.end - 1e-6 < b.end), None)
        stop = max(last.start, final.start if final else last.start)

    section_starts = {m.bar for m in timeline.sections}
    comp: dict[str, list[Note]] = {}
    bass_steps: list[BassHit] = []
    drums: list[Note] = []
    state = CompState()
    pad_bars: list[Bar] = []
    names = {m.section_index: m.name for m in timeline.sections}
    for bar in bars:
        s = style_of(bar)
        lift = energy(names.get(bar.section_index, ""))
        comp.setdefault(s.comp_instrument, []).extend(louder(comp_bar(s, bar, changes, state, stop), lift))
        bass_steps.extend(bass_hits(s, bar, changes, stop, lift))
        fill = bar.number + 1 in section_starts and bar.number < len(bars)
        hits = drum_bar(s, bar, changes, crash=bar.number in section_starts, fill=fill, stop=stop)
        drums.extend(louder(hits, lift))
        if s.pad:
            pad_bars.append(bar)

    last_style = style_of(bars[-1]) if bars else STYLES["pop"]
    landing_end = stop
    if ending and sounding and stop < math.inf:
        change = changes.at(stop) or sounding[-1]
        end = landing_end = min(max(change.end, stop + 1.0), timeline.beats)
        bass_steps.append(BassHit(stop, end, "R", 104))  # the bass lands with the band (led into, below)
        chord = change.harmony
        if last_style.comp_mode == "strum":
            bar = next((b for b in bars if b.start <= stop < b.end), bars[-1])
            landing = strum(chord, stop, end, "D", 100, bar)
        else:
            landing = [Note(stop, end - stop, p, 96) for p in keys_voicing(state, chord, change)]
        comp.setdefault(last_style.comp_instrument, []).extend(landing)
        drums.extend([Note(stop, 2.0, CRASH, 110), Note(stop, 0.25, KICK, 110)])

    bass = bass_line(bass_steps, changes, stop, landing_end)
    pad: list[Note] = []
    if pad_bars:
        pad_changes = Changes(
            [c for c in changes.items if any(b.start <= c.start < b.end for b in pad_bars) or c.start >= stop]
        )
        pad = pad_notes(pad_changes, math.inf)

    first_meter = timeline.meters[0].meter if timeline.meters else Meter()
    offset = float(first_meter.beats) if count_in else 0.0
    tracks: list[Track] = []

    phrases = band_phrases(timeline)

    def add(name: str, instrument: str, program: int, channel: int, notes: list[Note], feel: Feel) -> None:
        # the melody and the pad keep their time exactly: only their loudness is humanised
        timing, velocity = (0.0, SUNG) if instrument in ("lead", "pad") else (TIMING, VELOCITY)
        shaped = shape(notes, feel, bars, melody_phrases(notes, bars) if instrument == "lead" else phrases)
        rng = rng_for(seed, name)
        played = untangle(
            humanize(shaped, rng, offset=offset, end=timeline.beats, timing=timing, velocity=velocity)
        )
        if instrument == "drums" and offset:
            played = count_in_notes(first_meter.beats, first_meter.unit) + played
        pan, volume = _MIX.get(instrument, (0.0, 1.0))
        tracks.append(Track(name, instrument, program, channel, tuple(played), pan, volume))

    if melody:
        lead = [Note(n.start, n.duration, n.pitch, LEAD_VELOCITY) for n in melody]
        add("Melody", "lead", PROGRAMS["lead"], _LEAD_CHANNEL, lead, LEAD)
    for instrument, (name, channel) in _COMP_TRACKS.items():
        if instrument in comp:
            add(name, instrument, PROGRAMS[instrument], channel, comp[instrument], BAND)
    if pad:
        add("Pad", "pad", PROGRAMS["pad"], _PAD_CHANNEL, pad, PAD)
    bass_program = style_of(bars[0]).bass_program if bars else PROGRAMS["bass"]
    add("Bass", "bass", bass_program, _BASS_CHANNEL, bass, BAND)
    add("Drums", "drums", 0, _DRUM_CHANNEL, drums, BAND)

    arrangement = Arrangement(
        tracks=tuple(tracks),
        beats=timeline.beats,
        tempos=_tempos(timeline, bpm),
        meters=timeline.meters or (MeterChange(0.0, 1, Meter()),),
        keys=_keys(timeline),
        markers=tuple(TextEvent(m.start, m.name) for m in sorted(timeline.sections, key=lambda m: m.start)),
        chords=_chord_texts(timeline),
        lyrics=_lyrics(timeline, melody, lyric_lines or {}),
        title=title,
    )
    return shift_meta(arrangement, offset) if offset else arrangement


def energy(section: str) -> float:
    """How hard the band plays a section: choruses lift, verses and intros hold back a little."""
    name = section.lower()
    if "chorus" in name or "refrain" in name:
        return 1.1
    if any(word in name for word in ("verse", "intro", "outro")):
        return 0.92
    return 1.0


def louder(notes: list[Note], factor: float) -> list[Note]:
    if factor == 1.0:
        return notes
    return [Note(n.start, n.duration, n.pitch, max(1, min(127, round(n.velocity * factor)))) for n in notes]


def _tempos(timeline: Timeline, bpm: float | None) -> tuple[TempoChange, ...]:
    tempos = timeline.tempos or (TempoChange(0.0, 100.0),)
    if not bpm:
        return tempos
    if bpm <= 0:
        raise ArrangeError(f"tempo must be positive, not {bpm:g}")
    factor = bpm / tempos[0].bpm
    return tuple(TempoChange(t.start, round(t.bpm * factor, 6)) for t in tempos)


def _keys(timeline: Timeline) -> tuple[KeyChange, ...]:
    keys: list[KeyChange] = []
    for span in timeline.spans:
        key = transpose_key(span.key, span.transpose)
        if key and (not keys or keys[-1].key != key):
            keys.append(KeyChange(span.start, key))
    return tuple(keys)


def _chord_texts(timeline: Timeline) -> tuple[TextEvent, ...]:
    """A chord name where the chord changes (and again at each new line or grid row)."""
    out: list[TextEvent] = []
    previous = ("", -1)
    for span in sorted(timeline.spans, key=lambda s: s.start):
        if span.duration <= 0:
            continue
        symbol = harmony_of(span.chord, span.transpose, span.key).symbol
        if (symbol, span.line) != previous:
            out.append(TextEvent(span.start, symbol))
        previous = (symbol, span.line)
    return tuple(out)


def _lyrics(
    timeline: Timeline, melody: Sequence[MelodyNote], lines: Mapping[int, str]
) -> tuple[TextEvent, ...]:
    """Lyric events as karaoke players and notation programs read them (RP-017: `core.karaoke`): a tune's
    syllables at their notes, else the words under each chord at the chord."""
    sung = [Sung(n.start, n.syllable, n.hyphen) for n in melody if n.syllable]
    if sung:
        texts = lyric_texts(sung, timeline, lines)
        return tuple(TextEvent(s.start, text) for s, text in zip(sung, texts, strict=True))
    return tuple(TextEvent(start, text) for start, text in span_texts(timeline))


def shift_meta(arrangement: Arrangement, offset: float) -> Arrangement:
    """Tempo, meter, key, markers, chords and lyrics moved `offset` beats later (the notes are placed
    already), with a count-in marker and bar in front."""

    def moved(events: tuple[TextEvent, ...]) -> tuple[TextEvent, ...]:
        return tuple(replace(e, start=e.start + offset) for e in events)

    tempos = (arrangement.tempos[0], *(replace(t, start=t.start + offset) for t in arrangement.tempos[1:]))
    meters = (
        MeterChange(0.0, 1, arrangement.meters[0].meter),
        *(MeterChange(m.start + offset, m.bar + 1, m.meter) for m in arrangement.meters[1:]),
    )
    keys = tuple(replace(k, start=k.start + offset if i else 0.0) for i, k in enumerate(arrangement.keys))
    return replace(
        arrangement,
        beats=arrangement.beats + offset,
        tempos=tempos,
        meters=meters,
        keys=keys,
        markers=(TextEvent(0.0, "Count-in"), *moved(arrangement.markers)),
        chords=moved(arrangement.chords),
        lyrics=moved(arrangement.lyrics),
    )
