"""Timing inference: which chord sounds in which bar and beat, for songs whose chords carry no durations.

The rule (also in docs/timing.md):

1. Songs are played in source order, sections one after another; a `{chorus}` recall plays the chorus
   again. With `{x_flow: Verse 1, Chorus, …}` the named sections play in that order instead (names match
   a section's label, else its kind, case-insensitively; unmatched names are skipped). Each played
   section sounds in the key, meter, tempo, transposition and style in force where it is written.
2. A lyric line is a phrase of about eight pulses (`phrase_bars`): 2 bars of 4/4 (or 12/8, 5/4), 4 bars
   of 3/4, 2/4, 2/2 or 6/8; a line with more than two chords per bar of that gets one bar per 2 chords.
3. The first chord falls on beat 1 of the phrase: words before it are a pickup — unless they take more
   than a quarter of the line and a chord is already sounding, in which case that chord carries on
   under them and the first chord is placed by position like the others.
4. The other chords split the phrase by their position in the line: a chord at 60 % of the line's
   characters (measured from the first chord) starts near 60 % of the phrase, snapped to a whole bar
   when there are no more chords than bars, to half bars when there are at most two per bar (even
   meters), else to beats; each chord keeps at least one snap step.
5. A line of words with no chord is a phrase too; the chord already sounding carries on through it.
   Only words outside any section before the song's first chord (a note under the title) take no time;
   a song with no chords at all is timed by its lines all the same.
6. A chord-only line gives each chord one bar; written bar lines (`[C] | [G] [D] |`) are honoured: each
   `|`-separated group is a bar, its chords splitting it evenly.
7. Grid sections are played exactly: each bar's cells share the bar evenly (4 cells in 4/4 = a beat
   each, 8 cells = half beats); `.`/`/`/`-` continue, `%`/`%%` repeat bars, `|: … :|` repeats (twice, or
   `xN` times), `xN` after a row without repeats plays the row N times.
8. `{x_style: S}` inside a section styles that section (`SectionMark.style`); outside sections it
   styles every section after it until changed.
9. `{time}` and `{tempo}` apply from the next phrase (MeterChange/TempoChange); `{key}` and
   `{transpose: N}` (stacked; a bare `{transpose}` pops one level) are recorded on each span, the symbol
   itself is kept as written. `{capo: N}` (song-wide, as ChordPro's `key_sound`) adds N semitones to
   every span's transposition: the chords are the shapes a guitarist holds, the band plays what sounds.
   Defaults: 4/4 at 100 beats per minute.
10. Annotations (`[*Riff]`) and empty chords take no time; `NC`/`N.C`/`n.c.` spans read `N.C.`; an
   optional chord `(E)` sounds as `E`; `[^]` (memorised chord) continues the chord sounding.

Beats are units of the meter's denominator (6/8 has 6 beats of an eighth); seconds = beats × 60 / bpm.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field, replace
from functools import lru_cache

from cowriter.core.grid import CONTINUE, play_row
from cowriter.core.song import ChordRef, Directive, GridRow, LyricLine, Section, SectionKind, Song
from cowriter.core.timeline import ChordSpan, Meter, MeterChange, SectionMark, TempoChange, Timeline

__all__ = [
    "DEFAULT_BPM",
    "DEFAULT_METER",
    "PHRASE_BARS",
    "capo",
    "parse_meter",
    "phrase_bars",
    "play_order",
    "timeline",
]

PHRASE_BARS = 2
DEFAULT_BPM = 100.0
DEFAULT_METER = Meter(4, 4)
_NO_CHORD = frozenset({"NC", "N.C.", "N.C", "NC.", "n.c.", "nc", "n.c"})


@lru_cache(maxsize=64)
def phrase_bars(meter: Meter) -> int:
    """Bars in a lyric line's phrase: about eight pulses — 2 bars of 4/4 or 12/8, 4 bars of 3/4, 2/4,
    6/8 or 2/2 (a compound meter's pulse is a dotted beat: 6/8 has 2, 12/8 has 4)."""
    beats = meter.beats
    pulses = beats // 3 if meter.unit >= 8 and beats % 3 == 0 and beats > 3 else beats
    return PHRASE_BARS if pulses >= 4 else 2 * PHRASE_BARS


def parse_meter(text: str | None) -> Meter | None:
    """`3/4` → Meter(3, 4); anything unreadable → None."""
    if not text:
        return None
    top, sep, bottom = text.strip().partition("/")
    try:
        beats, unit = int(top), int(bottom) if sep else 4
    except ValueError:
        return None
    if not (1 <= beats <= 64 and unit in (1, 2, 4, 8, 16, 32)):
        return None
    return Meter(beats, unit)


def _tempo(text: str | None) -> float | None:
    try:
        bpm = float((text or "").split()[0])
    except (ValueError, IndexError):
        return None
    return bpm if 1.0 <= bpm <= 1000.0 else None


_WORD = re.compile(r"[^\W_]")


@lru_cache(maxsize=4096)
def _sounding(symbol: str) -> str | None:
    """The chord a symbol sounds as for timing, or None when it takes no time."""
    text = symbol.strip()
    if len(text) > 2 and text.startswith("(") and text.endswith(")"):
        text = text[1:-1].strip()
    if not text or text == "^":
        return None
    return "N.C." if text in _NO_CHORD else text


@dataclass
class _State:
    meter: Meter = DEFAULT_METER
    bpm: float = DEFAULT_BPM
    key: str | None = None
    transpose: tuple[int, ...] = ()
    style: str | None = None
    capo: int = 0  # song-wide: the written chords are shapes, they sound this many semitones higher

    def apply(self, d: Directive) -> None:
        if d.selector is not None and not d.negated:
            return
        value = (d.value or "").strip()
        if d.name == "time":
            self.meter = parse_meter(value) or self.meter
        elif d.name == "tempo":
            self.bpm = _tempo(value) or self.bpm
        elif d.name == "key" and value:
            self.key = value
        elif d.name == "meta" and value.lower().startswith(("key ", "tempo ", "time ")):
            name, _, rest = value.partition(" ")
            self.apply(replace(d, name=name.lower(), value=rest))
        elif d.name == "transpose":
            if not value:
                self.transpose = self.transpose[:-1]
            else:
                try:
                    step = int(value.split()[0])
                except ValueError:
                    return
                top = self.transpose[-1] if self.transpose else 0
                self.transpose = (*self.transpose, max(-127, min(127, top + step)))
        elif d.name == "x_style":
            self.style = value or None

    @property
    def semitones(self) -> int:
        return self.transpose[-1] if self.transpose else 0

    @property
    def sounding(self) -> int:
        """Semitones from the written chords to the sound: `{transpose}` in force plus the capo."""
        return self.semitones + self.capo


def capo(song: Song) -> int:
    """The song's `{capo}` fret (0 when there is none or it is unreadable; `2`, `2nd fret` read as 2)."""
    match = re.match(r"\s*(\d{1,2})(?!\d)", song.get("capo") or "")
    fret = int(match.group(1)) if match else 0
    return fret if fret <= 24 else 0


@dataclass
class _Clock:
    """Where the song has got to, and what it has produced so far."""

    state: _State
    pos: float = 0.0
    bar: int = 1
    chord: str | None = None
    spans: list[ChordSpan] = field(default_factory=list)
    tempos: list[TempoChange] = field(default_factory=list)
    meters: list[MeterChange] = field(default_factory=list)
    marks: list[SectionMark] = field(default_factory=list)
    section: str = ""
    index: int = 0
    preamble: bool = False  # in an unsectioned part of a song that has chords, before the first one

    def sync(self) -> None:
        """Record tempo/meter changes that take effect at the current position."""
        bpm, meter = self.state.bpm, self.state.meter
        if self.tempos and self.meters and self.tempos[-1].bpm == bpm and self.meters[-1].meter is meter:
            return
        if not self.tempos or self.tempos[-1].bpm != bpm:
            if self.tempos and self.tempos[-1].start == self.pos:
                self.tempos[-1] = TempoChange(self.pos, bpm)
            else:
                self.tempos.append(TempoChange(self.pos, bpm))
        if self.meters and self.meters[-1].meter == meter:
            self.state.meter = self.meters[-1].meter  # the same object from now on: `is` is enough
        else:
            if self.meters and self.meters[-1].start == self.pos:
                self.meters[-1] = MeterChange(self.pos, self.bar, meter)
            else:
                self.meters.append(MeterChange(self.pos, self.bar, meter))

    def emit(self, onset: float, duration: float, chord: str, line: int, lyric: str, at: int = -1) -> None:
        state = self.state
        whole, rest = divmod(onset, state.meter.beats)
        self.spans.append(
            ChordSpan(
                self.bar + int(whole),
                rest + 1.0,
                self.pos + onset,
                duration,
                chord,
                self.section,
                self.index,
                line,
                lyric,
                state.key,
                state.sounding,
                at,
            )
        )
        self.chord = chord

    def advance(self, bars: int) -> None:
        self.pos = round(self.pos + bars * self.state.meter.beats, 6)
        self.bar += bars


def _snap(points: list[float], total: float, step: float) -> list[float]:
    onsets: list[float] = []
    n = len(points)
    for i, p in enumerate(points):
        lo = onsets[-1] + step if onsets else 0.0
        hi = total - (n - i) * step
        snapped = round(p / step) * step
        onsets.append(min(max(snapped, lo), max(hi, lo)))
    return onsets


def _lyric_phrase(clock: _Clock, line: LyricLine) -> None:
    beats = clock.state.meter.beats
    refs = [(ref, s) for ref in line.chords if not ref.annotation and (s := _sounding(ref.symbol))]
    if not _WORD.search(line.lyrics):
        if refs:
            _chord_only(clock, line, refs)
        elif clock.chord and any(ref.symbol.strip() == "^" for ref in line.chords):
            clock.emit(0.0, beats, clock.chord, line.line, "")
            clock.advance(1)
        return
    base = phrase_bars(clock.state.meter)
    bars = base if len(refs) <= 2 * base else math.ceil(len(refs) / 2)
    total = float(bars * beats)
    text_end = max(len(line.lyrics.rstrip()), 1)
    placed: list[tuple[int, str]] = [(ref.at, s) for ref, s in refs]
    written = len(placed)  # the chords the line wrote (a chord carried in goes in front of them)
    if not placed:
        if clock.chord is None and clock.preamble:
            return  # a note under the title, before the song's first chord: no time
        if clock.chord:
            clock.emit(0.0, total, clock.chord, line.line, line.lyrics.strip())
        clock.advance(bars)
        return
    lead_in = placed[0][0]
    if clock.chord and lead_in * 4 > text_end and line.lyrics[:lead_in].strip():
        placed.insert(0, (0, clock.chord))
    first = placed[0][0]
    span = max(text_end - first, 1)
    n = len(placed)
    if n <= bars:
        step = float(beats)
    elif beats % 2 == 0 and n <= 2 * bars:
        step = beats / 2
    else:
        step = 1.0
    while n * step > total:  # more chords than snap steps: give the phrase another bar
        bars += 1
        total = float(bars * beats)
    points = [min(max((at - first) / span, 0.0), 0.999) * total for at, _ in placed]
    onsets = _snap(points, total, step)
    for i, (at, chord) in enumerate(placed):
        end = onsets[i + 1] if i + 1 < n else total
        next_at = placed[i + 1][0] if i + 1 < n else len(line.lyrics)
        written_at = at if i >= n - written else -1
        clock.emit(onsets[i], end - onsets[i], chord, line.line, line.lyrics[at:next_at].strip(), written_at)
    clock.advance(bars)


def _chord_only(clock: _Clock, line: LyricLine, refs: list[tuple[ChordRef, str]]) -> None:
    beats = clock.state.meter.beats
    text = line.lyrics
    if "|" in text:
        cuts = [i for i, ch in enumerate(text) if ch == "|"]
        groups: list[list[str]] = [[] for _ in range(len(cuts) + 1)]
        for ref, s in refs:
            groups[sum(1 for c in cuts if c < ref.at)].append(s)
        inner = groups[1:-1]
        bars_chords = ([groups[0]] if groups[0] else []) + inner + ([groups[-1]] if groups[-1] else [])
    else:
        bars_chords = [[s] for _, s in refs]
    for group in bars_chords:
        if not group:
            if clock.chord:
                clock.emit(0.0, beats, clock.chord, line.line, "")
        else:
            for i, chord in enumerate(group):
                start = round(i * beats / len(group))
                end = round((i + 1) * beats / len(group))
                clock.emit(float(start), float(end - start), chord, line.line, "")
        clock.advance(1)


def _grid_row(clock: _Clock, row: GridRow) -> None:
    beats = clock.state.meter.beats
    open_span: tuple[float, str] | None = None  # (onset within the row, chord)
    row_start_pos, row_start_bar = clock.pos, clock.bar
    offset = 0.0

    def close(at: float) -> None:
        nonlocal open_span
        if open_span is not None:
            onset, chord = open_span
            saved = (clock.pos, clock.bar)
            clock.pos, clock.bar = row_start_pos, row_start_bar
            clock.emit(round(onset, 6), round(at - onset, 6), chord, row.line, "")
            clock.pos, clock.bar = saved
            open_span = None

    for bar in play_row(row):
        cell = beats / len(bar) if bar else float(beats)
        for i, token in enumerate(bar or ["."]):
            at = offset + i * cell
            if token in CONTINUE or token in ("%", "%%"):
                if open_span is None and clock.chord:
                    open_span = (at, clock.chord)
                continue
            chords = [c for c in (_sounding(part) for part in token.split("~")) if c]
            if not chords:
                continue
            for j, chord in enumerate(chords):
                close(at + j * cell / len(chords))
                open_span = (at + j * cell / len(chords), chord)
        offset += beats
    close(offset)
    clock.pos = round(row_start_pos + offset, 6)
    clock.bar = row_start_bar + round(offset / beats)


def _timed(section: Section) -> bool:
    for item in section.items:
        if isinstance(item, LyricLine) and (item.has_words or item.chords):
            return True
        if isinstance(item, GridRow) and item.bars:
            return True
    return False


def play_order(song: Song) -> list[int]:
    """Indices into `song.sections` in the order they are played (`{x_flow}` when given)."""
    flow = song.flow
    if flow:
        order: list[int] = []
        for name in flow:
            wanted = name.casefold()
            match = next(
                (i for i, s in enumerate(song.sections) if s.label.casefold() == wanted and not s.recall),
                None,
            )
            if match is None:
                match = next(
                    (
                        i
                        for i, s in enumerate(song.sections)
                        if s.kind is not SectionKind.NONE
                        and not s.recall
                        and wanted in (s.title.casefold(), s.name.casefold(), s.kind.value)
                    ),
                    None,
                )
            if match is not None:
                order.append(match)
        if order:
            return order
    return list(range(len(song.sections)))


def _states(song: Song) -> list[_State]:
    """The state in force where each section starts, in source order."""
    state = _State(capo=capo(song))
    out: list[_State] = []
    for section in song.sections:
        out.append(replace(state))
        saved = state.style
        for item in section.items if not section.recall else ():
            if isinstance(item, Directive):
                state.apply(item)
        if section.kind is not SectionKind.NONE:
            state.style = saved  # `{x_style}` inside a section is that section's alone
    return out


def timeline(song: Song) -> Timeline:
    """The song's chords placed in bars and beats by the rule in this module's docstring."""
    flow = bool(song.flow)
    order = play_order(song)
    starts = _states(song) if flow else []
    clock = _Clock(_State(capo=capo(song)))
    has_chords = any(ref.symbol.strip() and not ref.annotation for line in song.lines for ref in line.chords)
    for index in order:
        section = song.sections[index]
        if flow:
            clock.state = replace(starts[index])
        inner_style = next(
            (i.value for i in section.items if isinstance(i, Directive) and i.name == "x_style"), None
        )
        clock.section, clock.index = section.title, index
        clock.preamble = has_chords and section.kind is SectionKind.NONE
        marked = not _timed(section)  # a section with nothing to play gets no mark
        saved_style = clock.state.style
        for item in section.items:
            if isinstance(item, Directive):
                if not section.recall:
                    clock.state.apply(item)
                continue
            if not marked and isinstance(item, LyricLine | GridRow):
                clock.sync()
                style = (inner_style or "").strip() or clock.state.style
                clock.marks.append(SectionMark(clock.pos, clock.bar, section.title, index, style))
                marked = True
            if isinstance(item, LyricLine):
                clock.sync()
                _lyric_phrase(clock, item)
            elif isinstance(item, GridRow):
                clock.sync()
                _grid_row(clock, item)
        if section.kind is not SectionKind.NONE:
            clock.state.style = saved_style
    if not clock.tempos:
        clock.tempos.append(TempoChange(0.0, clock.state.bpm))
    if not clock.meters:
        clock.meters.append(MeterChange(0.0, 1, clock.state.meter))
    return Timeline(
        spans=tuple(clock.spans),
        bars=clock.bar - 1,
        beats=clock.pos,
        tempos=tuple(clock.tempos),
        meters=tuple(clock.meters),
        sections=tuple(clock.marks),
    )
