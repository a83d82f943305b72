"""A MusicXML lead sheet through music21 (imported lazily, inside these functions: it costs ~0.3 s).

Key and meter where they change, a rehearsal mark per section, a chord symbol at each change, the melody
with its lyrics where the song has one (an ABC block), else slash notation with the words under the
slash where their chord starts. Chord symbols are built from root, kind and bass explicitly: music21's
figure parser misreads flats written `b` (`Gb7` becomes a G chord), so figures never go through it.
"""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path
from typing import Any

from cowriter.core.arrange import melody_of
from cowriter.core.arrange.bars import bars_of
from cowriter.core.arrange.flow import select_section
from cowriter.core.arrange.harmony import harmony_of, transpose_key
from cowriter.core.chords import parse_chord
from cowriter.core.song import Song
from cowriter.core.timeline import Timeline
from cowriter.core.timing import timeline as song_timeline
from cowriter.render.midi import BeatClock

# MusicXML chord kinds by their intervals (mod 12), largest first so the fullest match wins.
KINDS: tuple[tuple[frozenset[int], str], ...] = tuple(
    (frozenset(ivs), kind)
    for ivs, kind in sorted(
        [
            ((0, 4, 7), "major"), ((0, 3, 7), "minor"), ((0, 4, 8), "augmented"), ((0, 3, 6), "diminished"),
            ((0, 4, 7, 10), "dominant-seventh"), ((0, 4, 7, 11), "major-seventh"),
            ((0, 3, 7, 10), "minor-seventh"), ((0, 3, 6, 9), "diminished-seventh"),
            ((0, 4, 8, 10), "augmented-seventh"), ((0, 3, 6, 10), "half-diminished"),
            ((0, 3, 7, 11), "minor-major-seventh"), ((0, 4, 7, 9), "major-sixth"),
            ((0, 3, 7, 9), "minor-sixth"),
            ((0, 4, 7, 10, 2), "dominant-ninth"), ((0, 4, 7, 11, 2), "major-ninth"),
            ((0, 3, 7, 10, 2), "minor-ninth"), ((0, 2, 7), "suspended-second"),
            ((0, 5, 7), "suspended-fourth"),
            ((0, 7), "power"),
        ],
        key=lambda e: -len(e[0]),
    )
)  # fmt: skip
# An extra interval above the root as a chord degree (number, alteration) for an "add" step.
DEGREES = {
    1: (9, -1),
    2: (9, 0),
    3: (9, 1),
    5: (11, 0),
    6: (11, 1),
    8: (13, -1),
    9: (13, 0),
    10: (7, -1),
    11: (7, 0),
}


def _music21() -> Any:
    """music21, imported on first use (typed loosely: its own hints are partial)."""
    import music21

    return music21


def m21_name(note: str) -> str:
    """`Bb` → `B-`, `F#` → `F#`, `Ebb` → `E--` (music21 writes flats as `-`)."""
    return note[0] + note[1:].replace("b", "-").replace("♭", "-").replace("♯", "#")


def chord_kind(intervals: tuple[int, ...]) -> tuple[str, list[tuple[int, int]]]:
    """The MusicXML kind for a chord's intervals and the added degrees it does not cover."""
    ivs = {i % 12 for i in intervals} | {0}
    for shape, kind in KINDS:
        if shape <= ivs:
            return kind, [DEGREES[i] for i in sorted(ivs - shape) if i in DEGREES]
    return "major", []


def chord_symbol(symbol: str) -> Any:
    """A music21 ChordSymbol (or NoChord) for a chord symbol, built from its parts."""
    harmony = _music21().harmony
    info = harmony_of(symbol)
    if info.silent:
        return harmony.NoChord()
    chord = parse_chord(info.symbol)
    kind, added = chord_kind(chord.intervals)
    bass = m21_name(chord.bass) if chord.bass else None
    cs = harmony.ChordSymbol(root=m21_name(chord.root), kind=kind, bass=bass)
    for degree, alter in added:
        cs.addChordStepModification(harmony.ChordStepModification("add", degree, alter))
    cs.chordKindStr = chord.suffix
    return cs


def _key(name: str) -> Any:
    key = _music21().key
    try:
        chord = parse_chord(name.strip())
    except ValueError:
        return None
    return key.Key(m21_name(chord.root), "minor" if chord.is_minor else "major")


def lead_sheet(song: Song, *, section: str | None = None, bpm: float | None = None) -> Any:
    """The song as a music21 Score: one part with chord symbols, lyrics, rehearsal marks."""
    m21 = _music21()
    expressions, metadata, meter, stream, tempo = (
        m21.expressions,
        m21.metadata,
        m21.meter,
        m21.stream,
        m21.tempo,
    )
    timed: Timeline | None = song_timeline(song)
    melody = melody_of(song)
    if section and timed is not None:
        timed, melody = select_section(timed, section), ()
    if timed is None:
        raise ValueError(f"no section called {section!r}")
    clock = BeatClock(timed.meters)
    part = stream.Part()
    part.partName = "Lead sheet"
    voice = m21.instrument.Instrument()  # fixed ids, not music21's random ones: the same song, the same file
    voice.partId, voice.instrumentId, voice.partName = "P1", "P1-I1", "Lead sheet"
    part.insert(0, voice)
    for change in timed.meters:
        part.insert(
            clock.quarters(change.start), meter.TimeSignature(f"{change.meter.beats}/{change.meter.unit}")
        )
    scale = bpm / timed.tempos[0].bpm if bpm and timed.tempos else 1.0
    for pace in timed.tempos:
        qpm = pace.bpm * scale * 4.0 / clock.meter_at(pace.start).unit
        part.insert(clock.quarters(pace.start), tempo.MetronomeMark(number=round(qpm, 2)))
    last_key = None
    for span in timed.spans:
        name = transpose_key(span.key, span.transpose)
        if name and name != last_key:
            k = _key(name)
            if k is not None:
                part.insert(clock.quarters(span.start), k)
            last_key = name
    for mark in timed.sections:
        if mark.name:
            part.insert(clock.quarters(mark.start), expressions.RehearsalMark(mark.name))
    previous = ("", -1)
    for span in sorted(timed.spans, key=lambda s: s.start):
        if span.duration <= 0:
            continue
        symbol = harmony_of(span.chord, span.transpose, span.key).symbol
        if (symbol, span.section_index) != previous:  # a symbol where it changes, and again per section
            part.insert(_q(clock.quarters(span.start)), chord_symbol(symbol))
        previous = (symbol, span.section_index)
    if melody:
        _melody(part, melody, clock, timed)
    else:
        _slashes(part, timed, clock)
    score = stream.Score()
    score.metadata = metadata.Metadata()
    score.metadata.title = song.title or "Untitled"
    if song.get("artist"):
        score.metadata.composer = song.get("artist")
    score.insert(0, part)
    return score


def _q(quarters: float) -> Fraction:
    """A position or length in quarter notes as music21 likes it: exact, triplets included."""
    return Fraction(quarters).limit_denominator(96)


def _melody(part: Any, melody: Any, clock: BeatClock, timed: Timeline) -> None:
    """The tune's notes with their syllables; a tune without words gets each chord's words on the note
    sounding where the chord starts."""
    note = _music21().note
    words: dict[int, str] = {}
    if not any(n.syllable for n in melody):
        for span in timed.spans:
            text = span.lyric.strip()
            at = next((i for i, n in enumerate(melody) if n.start + n.duration > span.start + 1e-6), None)
            if text and at is not None:
                words[at] = f"{words[at]} {text}" if at in words else text
    word_open = False
    for i, n in enumerate(melody):
        start, end = clock.quarters(n.start), clock.quarters(n.start + n.duration)
        m = note.Note(n.pitch, quarterLength=_q(end - start))
        if n.syllable:
            syllabic = ("middle" if n.hyphen else "end") if word_open else ("begin" if n.hyphen else "single")
            m.lyrics.append(note.Lyric(n.syllable, syllabic=syllabic))
            word_open = n.hyphen
        elif i in words:
            m.lyrics.append(note.Lyric(words[i]))
        part.insert(_q(start), m)


def _slashes(part: Any, timed: Timeline, clock: BeatClock) -> None:
    note = _music21().note

    lyrics = sorted(((s.start, s.lyric.strip()) for s in timed.spans if s.lyric.strip()), reverse=True)
    for bar in bars_of(timed):
        compound = bar.meter.unit == 8 and bar.meter.beats % 3 == 0
        step = 3.0 if compound else 1.0
        at = 0.0
        while at < bar.beats - 1e-6:
            length = min(step, bar.beats - at)
            start = bar.start + at
            slash = note.Note("B4", quarterLength=_q(length * 4.0 / bar.meter.unit))
            slash.notehead = "slash"
            slash.stemDirection = "noStem"
            words = []
            while lyrics and lyrics[-1][0] < start + length - 1e-6:
                words.append(lyrics.pop()[1])
            if words:
                slash.lyrics.append(note.Lyric(" ".join(words)))
            part.insert(_q(clock.quarters(start)), slash)
            at += length


def write_musicxml(
    song: Song,
    path: str | Path,
    *,
    style: str | None = None,
    bpm: float | None = None,
    section: str | None = None,
) -> Path:
    """Write the lead sheet (`.musicxml`/`.xml`, or compressed `.mxl`); a style does not change it."""
    del style
    from music21.musicxml.m21ToXml import GeneralObjectExporter

    target = Path(path)
    xml: bytes = GeneralObjectExporter(lead_sheet(song, section=section, bpm=bpm)).parse()
    if target.suffix.lower() == ".mxl":
        # Zipped here, not by music21: its `.mxl` writer deletes a `NAME.musicxml` beside the target
        # (its scratch file), and stamps the zip with the clock; this one is the same bytes every time.
        xml = _mxl(xml, target.with_suffix(".musicxml").name)
    target.write_bytes(xml)
    return target


_CONTAINER = """<?xml version="1.0" encoding="UTF-8"?>
<container>
  <rootfiles>
    <rootfile full-path="{name}" media-type="application/vnd.recordare.musicxml+xml"/>
  </rootfiles>
</container>
"""


def _mxl(xml: bytes, name: str) -> bytes:
    """A compressed MusicXML file: the `mimetype` entry first and stored, the container, the score."""
    import io
    import zipfile

    buffer = io.BytesIO()
    stamp = (1980, 1, 1, 0, 0, 0)
    with zipfile.ZipFile(buffer, "w") as archive:
        entries = (
            ("mimetype", b"application/vnd.recordare.musicxml", zipfile.ZIP_STORED),
            ("META-INF/container.xml", _CONTAINER.format(name=name).encode("utf-8"), zipfile.ZIP_DEFLATED),
            (name, xml, zipfile.ZIP_DEFLATED),
        )
        for entry, data, method in entries:
            info = zipfile.ZipInfo(entry, date_time=stamp)
            info.compress_type = method
            archive.writestr(info, data)
    return buffer.getvalue()
