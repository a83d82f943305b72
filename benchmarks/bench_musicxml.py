"""Lead sheet figures: Amazing Grace (48 bars of 3/4) with and without a melody, written as MusicXML.

What is measured (best of several runs, in one process, music21 already imported):
- cowriter: `render.musicxml.musicxml_bytes(song)`: the layout from the timeline and the XML text.
- peer, music21: its MusicXML exporter (`GeneralObjectExporter(score).parse()`) writing the same lead sheet
  (our file read back into a music21 Score): what the writer cost before it wrote the elements itself,
  and still a lower bound for it (the old writer also built the Score note by note).
- the import each one needs first: ours imports only the standard library's ElementTree; music21's
  exporter needs `import music21` (a fresh interpreter each time: `python -c "import music21"`).

Usage: python benchmarks/run.py musicxml
"""

from __future__ import annotations

import contextlib
import io
import shutil
import tempfile
from pathlib import Path

from common import PYTHON, Row, best_of, fmt_ms, process_seconds

from cowriter.cli import main as cli
from cowriter.core.sheet import read_song
from cowriter.render.musicxml import musicxml_bytes

SONG = Path(__file__).resolve().parent.parent / "tests" / "data" / "songs" / "amazing-grace.cho"


def _with_melody() -> str:
    folder = Path(tempfile.mkdtemp())
    try:
        copy = folder / "song.cho"
        shutil.copy(SONG, copy)
        copy.chmod(0o644)
        with contextlib.redirect_stderr(io.StringIO()):
            cli(["melody", str(copy), "--write", "--seed", "1"])
        return copy.read_text(encoding="utf-8")
    finally:
        shutil.rmtree(folder)


def rows() -> list[Row]:
    out: list[Row] = []
    try:
        import music21
        from music21.musicxml.m21ToXml import GeneralObjectExporter
    except ImportError:  # pragma: no cover
        music21 = None
    for label, text in (
        ("chords and words", SONG.read_text(encoding="utf-8")),
        ("with a melody", _with_melody()),
    ):
        song = read_song(text)
        ours = best_of(lambda song=song: musicxml_bytes(song), repeat=7)  # type: ignore[misc]
        peer, ratio = "-", ""
        if music21 is not None:
            score = music21.converter.parse(musicxml_bytes(song), format="musicxml")
            theirs = best_of(lambda score=score: GeneralObjectExporter(score).parse(), repeat=5)  # type: ignore[misc]
            peer, ratio = fmt_ms(theirs), f"{theirs / ours:.1f}x faster"
        out.append(
            Row(f"Amazing Grace lead sheet, {label}", fmt_ms(ours), "music21 exporter", peer, "-", ratio)
        )
    if music21 is not None:
        cost = process_seconds([PYTHON, "-c", "import music21"], repeat=3) - process_seconds(
            [PYTHON, "-c", "pass"], 3
        )
        out.append(Row("import before the first sheet", "0 (stdlib)", "import music21", fmt_ms(cost)))
    return out
