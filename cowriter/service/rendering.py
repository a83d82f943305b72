"""A song to a file, the format chosen by the file's extension: the one table of formats and the one
renderer per extension, for `cowriter render` and the editor's export (ctrl+o).

`.cho .chordpro .pro` → ChordPro text (a chords-over-lyrics sheet is converted), `.txt` → the text as
written, `.mid .midi` → the arranged band as MIDI, `.musicxml .xml .mxl` → the lead sheet, `.wav` → the
band rendered by the synth (seconds of work: call it from a worker thread). Every file is written through
`songio.write_file`: whole or not at all, durable once written. numpy, mido and music21 are imported only
when a file of their kind is written.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from cowriter.errors import CowriterError

if TYPE_CHECKING:
    from cowriter.core.events import Arrangement
    from cowriter.core.song import Song

__all__ = ["BAND", "CHOICES", "FORMATS", "Rendered", "format_of", "render_file"]

#: extension → (kind, what a writer calls it)
FORMATS: dict[str, tuple[str, str]] = {
    ".cho": ("chordpro", "ChordPro text"),
    ".chordpro": ("chordpro", "ChordPro text"),
    ".pro": ("chordpro", "ChordPro text"),
    ".txt": ("text", "the song text"),
    ".mid": ("midi", "the arranged MIDI"),
    ".midi": ("midi", "the arranged MIDI"),
    ".musicxml": ("musicxml", "the lead sheet (MusicXML)"),
    ".xml": ("musicxml", "the lead sheet (MusicXML)"),
    ".mxl": ("musicxml", "the lead sheet (compressed MusicXML)"),
    ".wav": ("wav", "the band as audio (WAV)"),
}
CHOICES = (
    ".cho/.chordpro/.pro (ChordPro), .txt (text), .mid (MIDI), .musicxml/.xml/.mxl (lead sheet), .wav (audio)"
)
BAND = frozenset({"midi", "musicxml", "wav"})  # the kinds made from the arrangement or the lead sheet


@dataclass(frozen=True, slots=True)
class Rendered:
    """A written file: where, what kind (`chordpro`, `text`, `midi`, `musicxml`, `wav`), what a writer
    calls it, its size in bytes."""

    path: Path
    kind: str
    what: str
    size: int

    def __str__(self) -> str:
        return str(self.path)


def format_of(path: str | Path) -> tuple[str, str]:
    """(kind, description) for a file name by its extension, or a CowriterError listing the choices."""
    suffix = Path(path).suffix.lower()
    if suffix not in FORMATS:
        what = f"unknown extension {suffix}" if suffix else "no extension"
        raise CowriterError(f"cannot export to {Path(path).name}: {what}", hint=f"name it {CHOICES}")
    return FORMATS[suffix]


def render_file(
    song: Song | None,
    path: Path,
    *,
    text: str = "",
    arrangement: Arrangement | None = None,
    style: str | None = None,
    bpm: float | None = None,
    section: str | None = None,
    sound: Path | None = None,
    hint: str = "choose another place",
) -> Rendered:
    """Write `song` to `path` as its extension says (`text`: the song as written, for the text kinds).
    MIDI and WAV play `arrangement` (the band arranged with `style` and `bpm` when None: its ArrangeError
    is the caller's to say); the lead sheet follows `style`, `bpm` and `section`; `sound` is the WAV's
    SoundFont. `song` may be None for the text kinds (it is read from `text` for the others). One
    CowriterError when the file cannot be written (`hint`)."""
    from cowriter.songio import write_file

    kind, what = format_of(path)
    if song is None and kind in BAND:
        from cowriter.core.sheet import read_song

        song = read_song(text)
    write = _writer(kind, song, text, arrangement, style, bpm, section, sound)
    write_file(path, write, hint=hint)
    return Rendered(path, kind, what, path.stat().st_size)


def _writer(
    kind: str,
    song: Song | None,
    text: str,
    arrangement: Arrangement | None,
    style: str | None,
    bpm: float | None,
    section: str | None,
    sound: Path | None,
) -> Callable[[Path], object]:
    """A function writing the song as `kind` to a path (the arrangement made first: its errors come
    before any file is touched)."""
    if kind in ("chordpro", "text"):
        body = text if kind == "text" else _as_chordpro(text)
        body = body if body.endswith("\n") or not body else body + "\n"
        return lambda out: out.write_text(body, encoding="utf-8", newline="\n")
    assert song is not None  # read from the text for these kinds (`render_file`)
    if kind == "musicxml":
        from cowriter.render.musicxml import write_musicxml

        return lambda out: write_musicxml(song, out, style=style, bpm=bpm, section=section)
    if arrangement is None:
        from cowriter.core.arrange import arrange

        arrangement = arrange(song, style=style, bpm=bpm, seed=0, section=section)
    band = arrangement
    if kind == "midi":
        from cowriter.render.midi import write_midi

        return lambda out: write_midi(band, out)
    from cowriter.render.synth import render_wav

    return lambda out: render_wav(band, out, sound=sound)


def _as_chordpro(text: str) -> str:
    from cowriter.core.format import to_chordpro
    from cowriter.core.sheet import is_chordpro, read_song

    if not text.strip() or is_chordpro(text):
        return text
    return to_chordpro(read_song(text))
