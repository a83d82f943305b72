"""A MusicXML 4.0 lead sheet, written element by element from `render.leadsheet`'s layout.

One part, one voice, one staff: the clef the melody's range wants, the key and meter where they change,
section names and tempo above the staff at their bar, a chord symbol at each change, the melody with its
syllables, or slashes with the chord sheet's words where there is no melody. Title, subtitle, composer,
lyricist and artist are credits on the page. MuseScore 3 and LilyPond (`musicxml2ly`) read it as
written: the tests run both.

Written directly rather than through music21: its exporter gave every bar a second voice holding a
whole-bar rest, hid rests, wrote naturals on notes that needed none, wrote chord symbols after a
`<backup>` (LilyPond then lost or piled them), dropped a melody's last bar and signed "Music21" as the
composer; and it cost ~0.3 s to import. Chord symbols are built from root, kind and bass, never from
music21's figure parser (it misreads flats written `b`).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

from cowriter.core.chords import parse_chord
from cowriter.core.keys import Key
from cowriter.core.pitch import parse_note
from cowriter.core.song import Song
from cowriter.render.chordkinds import chord_kind
from cowriter.render.leadsheet import Event, Mark, Measure, Sheet, layout
from cowriter.render.notation import (
    DIVISIONS,
    Accidentals,
    beam_groups,
    beat_ticks,
    middle_line,
    spelled,
    tuplet_marks,
)
from cowriter.textsafe import safe

ACCIDENTAL = {-2: "flat-flat", -1: "flat", 0: "natural", 1: "sharp", 2: "double-sharp"}
NOTE_TYPES = {1: "whole", 2: "half", 4: "quarter", 8: "eighth", 16: "16th", 32: "32nd"}
# The page the credits are placed on: A4 in tenths at 7 mm per 40 tenths.
PAGE_WIDTH, PAGE_HEIGHT, MARGIN = 1200, 1697, 70


def _text(value: object) -> str:
    """Text XML 1.0 can hold: control characters from the song shown as their pictures (`␇`), as the
    terminal shows them (`textsafe.safe`); the two non-characters XML forbids dropped."""
    return safe(str(value)).replace("\ufffe", "").replace("\uffff", "")


def _sub(parent: ET.Element, tag: str, content: object = None, **attrs: str) -> ET.Element:
    element = ET.SubElement(parent, tag, {k.replace("_", "-"): _text(v) for k, v in attrs.items()})
    if content is not None:
        element.text = _text(content)
    return element


def _step(parent: ET.Element, prefix: str, name: str) -> None:
    letter, alter = parse_note(name)
    _sub(parent, f"{prefix}-step", letter)
    if alter:
        _sub(parent, f"{prefix}-alter", alter)


def harmony(symbol: str) -> ET.Element:
    """A `<harmony>` for a chord symbol (`N.C.` as kind none; an unreadable one as words above)."""
    if symbol == "N.C.":
        element = ET.Element("harmony", {"print-frame": "no"})
        _sub(_sub(element, "root"), "root-step", "C", text="")
        _sub(element, "kind", "none", text="N.C.")
        return element
    try:
        chord = parse_chord(symbol)
    except ValueError:
        element = ET.Element("direction", {"placement": "above"})
        _sub(_sub(element, "direction-type"), "words", symbol)
        return element
    kind, degrees = chord_kind(chord.intervals, chord.quality)
    element = ET.Element("harmony", {"print-frame": "no"})
    _step(_sub(element, "root"), "root", chord.root)
    _sub(element, "kind", kind, text=chord.suffix) if chord.suffix else _sub(element, "kind", kind)
    if chord.bass:
        _step(_sub(element, "bass"), "bass", chord.bass)
    for number, alter, how in degrees:  # the kind's text already says them: not printed again
        degree = _sub(element, "degree", print_object="no")
        _sub(degree, "degree-value", number)
        _sub(degree, "degree-alter", alter)
        _sub(degree, "degree-type", how)
    return element


def _direction(mark: Mark) -> ET.Element:
    element = ET.Element("direction", {"placement": "above"})
    kind = _sub(element, "direction-type")
    if mark.kind == "section":
        _sub(kind, "rehearsal", mark.text)
        return element
    metronome = _sub(kind, "metronome", parentheses="no")
    _sub(metronome, "beat-unit", NOTE_TYPES.get(mark.unit, "quarter"))
    _sub(metronome, "per-minute", _number(mark.bpm))
    _sub(element, "sound", tempo=_number(mark.bpm * 4 / mark.unit))
    return element


def _number(value: float) -> str:
    return str(int(value)) if value == int(value) else f"{value:.2f}".rstrip("0")


def _attributes(measure: Measure, sheet: Sheet, first: bool) -> ET.Element | None:
    if not (first or measure.new_key or measure.new_meter):
        return None
    element = ET.Element("attributes")
    if first:
        _sub(element, "divisions", DIVISIONS)
    if first or measure.new_key:
        key = _sub(element, "key")
        _sub(key, "fifths", measure.key.signature)
        _sub(key, "mode", measure.key.mode)
    if first or measure.new_meter:
        time = _sub(element, "time")
        _sub(time, "beats", measure.meter.beats)
        _sub(time, "beat-type", measure.meter.unit)
    if first:
        clef = _sub(element, "clef")
        _sub(clef, "sign", "F" if sheet.clef == "bass" else "G")
        _sub(clef, "line", 4 if sheet.clef == "bass" else 2)
    return element


def _note(event: Event, key: Key, clef: str, accidentals: Accidentals, beams: list[str]) -> ET.Element:
    note = ET.Element("note")
    if event.pitch is None and not event.slash:
        _sub(note, "rest")
    else:
        if event.slash:
            letter, alter, octave = middle_line(clef, key)
        else:
            assert event.pitch is not None
            letter, alter, octave = spelled(event.pitch, key)
        pitch = _sub(note, "pitch")
        _sub(pitch, "step", letter)
        if alter:
            _sub(pitch, "alter", alter)
        _sub(pitch, "octave", octave)
    _sub(note, "duration", event.value.ticks)
    if event.tie_stop:
        _sub(note, "tie", type="stop")
    if event.tie_start:
        _sub(note, "tie", type="start")
    _sub(note, "voice", 1)
    _sub(note, "type", event.value.kind)
    for _ in range(event.value.dots):
        _sub(note, "dot")
    if event.pitch is not None and not event.tie_stop:
        shown = accidentals.mark(letter, alter, octave)
        if shown is not None:
            _sub(note, "accidental", ACCIDENTAL[shown])
    if event.value.triplet:
        modification = _sub(note, "time-modification")
        _sub(modification, "actual-notes", 3)
        _sub(modification, "normal-notes", 2)
    if event.slash:
        _sub(note, "stem", "none")
        _sub(note, "notehead", "slash")
    for level, state in enumerate(beams, start=1):
        _sub(note, "beam", state, number=str(level))
    return note


def _notations(note: ET.Element, event: Event, tuplet: tuple[str, ...]) -> None:
    if not (event.tie_stop or event.tie_start or tuplet):
        return
    notations = _sub(note, "notations")
    if event.tie_stop:
        _sub(notations, "tied", type="stop")
    if event.tie_start:
        _sub(notations, "tied", type="start")
    for end in tuplet:
        _sub(notations, "tuplet", type=end, bracket="yes") if end == "start" else _sub(
            notations, "tuplet", type=end
        )


def _lyric(note: ET.Element, event: Event) -> None:
    if event.words is None or not event.words.text:
        return
    lyric = _sub(note, "lyric", number="1")
    _sub(lyric, "syllabic", event.words.syllabic)
    _sub(lyric, "text", event.words.text)
    if event.words.extend:
        _sub(lyric, "extend")


def _measure(measure: Measure, sheet: Sheet, accidentals: Accidentals, first: bool) -> ET.Element:
    element = ET.Element("measure", {"number": str(measure.number)})
    if measure.number == 0:  # a pickup: a bar shorter than its meter, not counted
        element.set("implicit", "yes")
    attributes = _attributes(measure, sheet, first)
    if attributes is not None:
        element.append(attributes)
    accidentals.new_bar(measure.key)
    events = measure.events
    beat = beat_ticks(measure.meter.beats, measure.meter.unit)
    beamed = [e.value if e.pitch is not None and not e.slash else None for e in events]
    beams = beam_groups([e.start for e in events], beamed, beat)
    tuplets = tuplet_marks([e.value for e in events])
    marks = sorted(measure.marks, key=lambda k: (k.at, k.kind != "section"))
    chords = sorted(measure.harmonies)
    for i, event in enumerate(events):
        while marks and marks[0].at <= event.start:
            element.append(_direction(marks.pop(0)))
        while chords and chords[0][0] <= event.start:
            element.append(harmony(chords.pop(0)[1]))
        note = _note(event, measure.key, sheet.clef, accidentals, beams[i])
        _notations(note, event, tuplets[i])
        _lyric(note, event)
        element.append(note)
    return element


def _credits(root: ET.Element, sheet: Sheet) -> None:
    """The words at the top of the page. The subtitle goes in the title's credit as a second line:
    MuseScore 3 draws a separate subtitle credit on top of the title."""
    title = _sub(root, "credit", page="1")
    _sub(title, "credit-type", "title")
    x, top = str(PAGE_WIDTH // 2), PAGE_HEIGHT - MARGIN
    _sub(title, "credit-words", sheet.title, default_x=x, default_y=str(top), justify="center", valign="top",
         font_size="22")  # fmt: skip
    if sheet.subtitle:
        _sub(title, "credit-words", "\n" + sheet.subtitle, font_size="14")
    sides = [("composer", sheet.composer, PAGE_WIDTH - MARGIN, "right")]
    left = [f"Words: {sheet.lyricist}"] if sheet.lyricist else []
    left += [f"Artist: {sheet.artist}"] if sheet.artist else []
    sides.append(("lyricist", "\n".join(left), MARGIN, "left"))
    for kind, text, x_at, justify in sides:
        if text:
            credit = _sub(root, "credit", page="1")
            _sub(credit, "credit-type", kind)
            _sub(credit, "credit-words", text, default_x=str(x_at), default_y=str(top - 110), justify=justify,
                 valign="bottom", font_size="11")  # fmt: skip


def document(sheet: Sheet) -> ET.Element:
    root = ET.Element("score-partwise", {"version": "4.0"})
    _sub(_sub(root, "work"), "work-title", sheet.title)
    if (
        sheet.subtitle
    ):  # LilyPond's subtitle (musicxml2ly reads work-title as title, movement-title as subtitle)
        _sub(root, "movement-title", sheet.subtitle)
    ident = _sub(root, "identification")
    for kind, name in (("composer", sheet.composer), ("lyricist", sheet.lyricist), ("artist", sheet.artist)):
        if name:
            _sub(ident, "creator", name, type=kind)
    encoding = _sub(ident, "encoding")
    _sub(encoding, "software", "cowriter")
    for name in ("accidental", "beam"):
        _sub(encoding, "supports", element=name, type="yes")
    defaults = _sub(root, "defaults")
    scaling = _sub(defaults, "scaling")
    _sub(scaling, "millimeters", 7)
    _sub(scaling, "tenths", 40)
    page = _sub(defaults, "page-layout")
    _sub(page, "page-height", PAGE_HEIGHT)
    _sub(page, "page-width", PAGE_WIDTH)
    _credits(root, sheet)
    part = _sub(_sub(root, "part-list"), "score-part", id="P1")
    _sub(part, "part-name", "Lead sheet", print_object="no")  # a lead sheet's one staff goes unnamed:
    _sub(_sub(part, "part-name-display"), "display-text", "")  # musicxml2ly reads only this one
    _sub(_sub(part, "score-instrument", id="P1-I1"), "instrument-name", "Voice")
    midi = _sub(part, "midi-instrument", id="P1-I1")
    _sub(midi, "midi-channel", 1)
    _sub(midi, "midi-program", 54)  # General MIDI "Voice Oohs" (1-based, as MusicXML counts)
    body = _sub(root, "part", id="P1")
    first_key = sheet.measures[0].key
    accidentals = Accidentals(first_key)
    for i, measure in enumerate(sheet.measures):
        body.append(_measure(measure, sheet, accidentals, i == 0))
    last = body[-1]
    barline = _sub(last, "barline", location="right")
    _sub(barline, "bar-style", "light-heavy")
    return root


_HEADER = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<!DOCTYPE score-partwise PUBLIC "-//Recordare//DTD MusicXML 4.0 Partwise//EN" '
    '"http://www.musicxml.org/dtds/partwise.dtd">\n'
)


def musicxml_bytes(song: Song, *, section: str | None = None, bpm: float | None = None) -> bytes:
    root = document(layout(song, section=section, bpm=bpm))
    ET.indent(root, space="  ")
    return (_HEADER + ET.tostring(root, encoding="unicode") + "\n").encode("utf-8")


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
    target = Path(path)
    xml = musicxml_bytes(song, section=section, bpm=bpm)
    if target.suffix.lower() == ".mxl":
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
    """A compressed MusicXML file: the `mimetype` entry first and stored, the container, the score; the
    same bytes every time (no clock in the zip)."""
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
