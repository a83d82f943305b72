"""The songs our lead sheets are judged on, and the real programs that judge them.

- `corpus(folder)`: every song of examples/, tests/data/songs and the conformance corpus that has a
  timeline, as it is and (where `cowriter melody FILE --write` can write one) with a melody; each written
  to MusicXML once.
- `musescore(...)`: MuseScore 3 converts every file in one batch job (`mscore3 -j`), headless, with a
  private HOME; its output is split per file, and each MSCX is read by `read_mscx`.
- `lilypond(...)`: `musicxml2ly` on each file, then one `lilypond` run over all of them.

Where a program is missing, the caller skips and says which one.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path

from cowriter.cli import main as cli
from cowriter.core.encoding import decode
from cowriter.core.sheet import read_song
from cowriter.core.song import Song
from cowriter.core.timeline import Timeline
from cowriter.core.timing import timeline
from cowriter.render.musicxml import write_musicxml
from cowriter.service.melody import lyric_lines
from tests.conftest import CONFORMANCE, DATA, ROOT

FOLDERS = (ROOT / "examples", DATA / "songs", CONFORMANCE / "songs")


@dataclass
class Sheet:
    """One song exported: `name` (file stem, `+melody` for the version with a tune), its song and timeline,
    the MusicXML written, and what the programs made of it."""

    name: str
    song: Song
    timed: Timeline
    xml: Path
    melody: bool
    musescore_log: str = ""
    mscx: Path | None = None
    lilypond_log: str = ""
    extra: dict[str, str] = field(default_factory=dict)


def songs() -> list[tuple[str, Path]]:
    """(name, path) of every test song; the examples' names start with `ex-` (two share a name with
    songs of tests/data)."""
    found: list[tuple[str, Path]] = []
    for folder in FOLDERS:
        if folder.is_dir():
            prefix = "ex-" if folder == FOLDERS[0] else ""
            found += [
                (prefix + p.stem, p)
                for p in sorted(folder.iterdir())
                if p.suffix in (".cho", ".txt", ".chordpro")
            ]
    return found


def names() -> list[str]:
    """The sheets `corpus` writes, known without writing them: songs with a timeline, and `+melody` for those
    with a lyric line to sing (what `cowriter melody` needs)."""
    out: list[str] = []
    for name, path in songs():
        song = read_song(decode(path.read_bytes()))
        timed = timeline(song)
        if timed is not None and timed.spans and timed.bars:
            out.append(name)
            if lyric_lines(song):
                out.append(name + "+melody")
    return out


def _with_melody(name: str, source: Path, folder: Path) -> Path | None:
    """A copy of `source` with the melody `cowriter melody FILE --write` stores, or None if it stores none."""
    copy = folder / f"{name}+melody{source.suffix}"
    copy.write_bytes(source.read_bytes())
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        code = cli(["melody", str(copy), "--write", "--seed", "1"])
    if code != 0 or "start_of_abc" not in decode(copy.read_bytes()):
        return None
    return copy


def corpus(folder: Path) -> list[Sheet]:
    sheets: list[Sheet] = []
    for stem, source in songs():
        song = read_song(decode(source.read_bytes()))
        timed = timeline(song)
        if timed is None or not timed.spans or timed.bars == 0:
            continue
        versions = [(source, False)]
        tuned = _with_melody(stem, source, folder)
        if tuned is not None:
            versions.append((tuned, True))
        for path, melody in versions:
            song = read_song(decode(path.read_bytes()))
            name = stem + ("+melody" if melody else "")
            xml = write_musicxml(song, folder / f"{name}.musicxml")
            sheets.append(Sheet(name, song, timeline(song), xml, melody))  # type: ignore[arg-type]
    return sheets


def _private_env(folder: Path) -> dict[str, str]:
    home = folder / "home"
    runtime = folder / "runtime"
    for d in (home, runtime):
        d.mkdir(exist_ok=True)
    runtime.chmod(0o700)
    return {**os.environ, "HOME": str(home), "XDG_RUNTIME_DIR": str(runtime), "QT_QPA_PLATFORM": "offscreen",
            "XDG_CONFIG_HOME": str(home / ".config"), "XDG_DATA_HOME": str(home / ".local")}  # fmt: skip


MSCORE = "mscore3"


def musescore(
    sheets: list[Sheet], folder: Path, png: tuple[str, ...] = (), midi: tuple[str, ...] = ()
) -> None:
    """Convert every sheet to MSCX (and PNG for the names in `png`, MIDI for those in `midi`) in one
    MuseScore process."""
    jobs = []
    for sheet in sheets:
        out = [str(folder / f"{sheet.name}.mscx")]
        if sheet.name in png:
            out.append(str(folder / f"{sheet.name}.png"))
        if sheet.name in midi:
            out.append(str(folder / f"{sheet.name}.mid"))
        jobs.append({"in": str(sheet.xml), "out": out})
    job = folder / "job.json"
    job.write_text(json.dumps(jobs))
    run = subprocess.run([MSCORE, "-j", str(job)], capture_output=True, text=True, env=_private_env(folder),
                         timeout=600, check=False)  # fmt: skip
    log = run.stdout + run.stderr
    # MuseScore prints "convert <IN>..." then whatever it has to say about that file, then "... success!"
    blocks = re.split(r"^convert <(.+?)>\.\.\.\s*$", log, flags=re.M)
    by_input = {Path(blocks[i]).name: blocks[i + 1] for i in range(1, len(blocks) - 1, 2)}
    for sheet in sheets:
        sheet.musescore_log = by_input.get(sheet.xml.name, "(no output for this file)")
        mscx = folder / f"{sheet.name}.mscx"
        sheet.mscx = mscx if mscx.exists() else None


def midi_meters(path: Path) -> list[tuple[Fraction, str]]:
    """(quarter notes from the start, "3/4") of each time signature in a MIDI file MuseScore wrote."""
    import mido

    song = mido.MidiFile(str(path))
    out: list[tuple[Fraction, str]] = []
    for track in song.tracks:
        tick = 0
        for message in track:
            tick += message.time
            if message.type == "time_signature":
                out.append(
                    (Fraction(tick, song.ticks_per_beat), f"{message.numerator}/{message.denominator}")
                )
    return sorted(set(out))


def lilypond(sheets: list[Sheet], folder: Path, full: tuple[str, ...] = ()) -> None:
    """musicxml2ly on each sheet, then one LilyPond run over all of them.

    Bar checks and the warnings we look for come while LilyPond reads the music, before it draws a page:
    the checked copy (`NAME.check.ly`) asks for MIDI instead of a layout, which reads everything and skips
    the drawing (0.15 s a file instead of 0.6). The sheets named in `full` are also drawn (no pages
    written) to show the layout goes through too."""
    checks, drawn = [], []

    def convert(sheet: Sheet) -> None:
        run = subprocess.run(["musicxml2ly", "-o", str(folder / f"{sheet.name}.ly"), str(sheet.xml)],
                             capture_output=True, text=True, timeout=120, check=False)  # fmt: skip
        sheet.extra["musicxml2ly"] = run.stdout + run.stderr

    with ThreadPoolExecutor(max_workers=2) as pool:  # two at a time: CI has two cores
        list(pool.map(convert, sheets))
    for sheet in sheets:
        ly = folder / f"{sheet.name}.ly"
        if not ly.exists():
            continue
        sheet.extra["ly"] = str(ly)
        text = ly.read_text(encoding="utf-8")
        check = folder / f"{sheet.name}.check.ly"
        check.write_text(re.sub(r"^(\s*)\\layout \{\}", r"\1\\midi {}", text, flags=re.M), encoding="utf-8")
        checks.append(check)
        if sheet.name in full:
            drawn.append(ly)
    log = ""
    for batch, options in ((checks, []), (drawn, ["-dno-print-pages"])):
        if batch:
            command = ["lilypond", *options, "-o", str(folder), *map(str, batch)]
            run = subprocess.run(
                command, capture_output=True, text=True, cwd=folder, timeout=900, check=False
            )
            log += run.stdout + run.stderr
    for sheet in sheets:
        # LilyPond names the file in each warning: "NAME.check.ly:12:3: warning: barcheck failed at: 1/2"
        mine = [
            line
            for line in log.splitlines()
            if f"/{sheet.name}.check.ly:" in line or f"/{sheet.name}.ly:" in line
        ]
        mine += [line for line in log.splitlines() if "failed files" in line and f"/{sheet.name}." in line]
        sheet.lilypond_log = sheet.extra.get("musicxml2ly", "") + "\n".join(mine)


# ---- reading MuseScore's MSCX ----------------------------------------------------------------------

DURATIONS = {"whole": Fraction(4), "half": Fraction(2), "quarter": Fraction(1), "eighth": Fraction(1, 2),
             "16th": Fraction(1, 4), "32nd": Fraction(1, 8), "64th": Fraction(1, 16)}  # fmt: skip
TPC_LETTERS = "FCGDAEB"


@dataclass
class MscxChord:
    bar: int  # 1-based
    at: Fraction  # quarter notes into the bar
    root: int | None  # pitch class; None for N.C.
    bass: int | None
    name: str  # the suffix as MuseScore keeps it


@dataclass
class MscxNote:
    bar: int
    at: Fraction
    pitch: int
    tpc: int
    accidental: str | None  # MuseScore's subtype (accidentalNatural...) when one is drawn
    tied_back: bool
    slash: bool


@dataclass
class Mscx:
    bars: int
    keys: list[tuple[int, int]]  # (bar, sharps or -flats) where a key signature stands
    meters: list[tuple[int, str]]  # (bar, "3/4")
    clefs: list[str]
    chords: list[MscxChord]
    notes: list[MscxNote]
    lyrics: list[tuple[int, Fraction, str, str]]  # (bar, at, syllabic, text)
    texts: dict[str, str]  # VBox texts by style: Title, Subtitle, Composer, Lyricist
    rests: list[tuple[int, Fraction, str]]  # (bar, at, durationType)
    voices: int  # the most voices any bar has
    invisible: int  # elements MuseScore keeps but does not print
    rehearsals: list[tuple[int, Fraction, str]]
    tempos: list[tuple[int, Fraction, str]]
    irregular: list[int]  # bars MuseScore keeps at another length than their time signature's


def tpc_pitch_class(tpc: int) -> int:
    """MuseScore's tonal pitch class (C=14 on the line of fifths) as a pitch class."""
    return ((tpc - 14) * 7) % 12


def tpc_spelling(tpc: int) -> tuple[str, int]:
    """(letter, alteration) of a tonal pitch class: 20 → (F, 1), 12 → (B, -1)."""
    return TPC_LETTERS[(tpc - 13) % 7], (tpc - 13) // 7


def _length(element: ET.Element, tuplet: Fraction) -> Fraction:
    kind = element.findtext("durationType", "quarter")
    if kind == "measure":
        return Fraction(element.findtext("duration", "4/4")) * 4
    base = DURATIONS[kind]
    dots = int(element.findtext("dots", "0"))
    return base * (2 - Fraction(1, 2**dots)) * tuplet


def _text(element: ET.Element | None) -> str:
    return "" if element is None else "".join(element.itertext()).strip()


def read_mscx(path: Path) -> Mscx:
    root = ET.parse(path).getroot()
    staff = root.find("Score/Staff")
    assert staff is not None, "no staff in the MSCX"
    result = Mscx(0, [], [], [], [], [], [], {}, [], 0, 0, [], [], [])
    for text in root.iter("Text"):
        result.texts[text.findtext("style", "")] = _text(text.find("text"))
    measures = staff.findall("Measure")
    # a first bar shorter than its meter is a pickup (a tune that starts before bar 1): bar 0
    pickup = bool(measures) and bool(measures[0].get("len")) and len(measures) > 1
    for bar, measure in enumerate(measures, start=0 if pickup else 1):
        result.bars = bar
        if measure.get("len") and bar:
            result.irregular.append(bar)
        voices = measure.findall("voice")
        result.voices = max(result.voices, len(voices))
        for voice in voices:
            at, tuplet = Fraction(0), Fraction(1)
            for element in voice:
                tag = element.tag
                if element.findtext("visible") == "0":
                    result.invisible += 1
                if tag == "Tuplet":
                    tuplet = Fraction(
                        int(element.findtext("normalNotes", "2")), int(element.findtext("actualNotes", "3"))
                    )
                elif tag == "endTuplet":
                    tuplet = Fraction(1)
                elif tag == "KeySig":
                    # (a signature written on a pickup bar is the one bar 1 starts in)
                    result.keys.append((max(bar, 1), int(element.findtext("accidental", "0"))))
                elif tag == "TimeSig":
                    meter = f"{element.findtext('sigN')}/{element.findtext('sigD')}"
                    result.meters.append((max(bar, 1), meter))
                elif tag == "Clef":
                    result.clefs.append(element.findtext("concertClefType", ""))
                elif tag == "RehearsalMark":
                    result.rehearsals.append((bar, at, _text(element.find("text"))))
                elif tag == "Tempo":
                    result.tempos.append((bar, at, _text(element.find("text"))))
                elif tag == "Harmony":
                    root_tpc, base, name = (
                        element.findtext("root"),
                        element.findtext("base"),
                        element.findtext("name", ""),
                    )
                    root_pc = None if root_tpc is None or name == "N.C." else tpc_pitch_class(int(root_tpc))
                    bass_pc = None if base is None else tpc_pitch_class(int(base))
                    result.chords.append(MscxChord(bar, at, root_pc, bass_pc, name))
                elif tag == "Rest":
                    result.rests.append((bar, at, element.findtext("durationType", "")))
                    at += _length(element, tuplet)
                elif tag == "Chord":
                    for lyric in element.findall("Lyrics"):
                        result.lyrics.append(
                            (bar, at, lyric.findtext("syllabic", "single"), lyric.findtext("text", ""))
                        )
                    for note in element.findall("Note"):
                        accidental = note.find("Accidental")
                        tied_back = any(s.get("type") == "Tie" and s.find("prev") is not None
                                        for s in note.findall("Spanner"))  # fmt: skip
                        result.notes.append(
                            MscxNote(
                                bar,
                                at,
                                int(note.findtext("pitch", "0")),
                                int(note.findtext("tpc", "14")),
                                None if accidental is None else accidental.findtext("subtype"),
                                tied_back,
                                note.findtext("head") == "slash",
                            )
                        )
                    at += _length(element, tuplet)
    return result


def available(*programs: str) -> list[str]:
    """The programs of `programs` that are not on PATH."""
    return [p for p in programs if shutil.which(p) is None]
