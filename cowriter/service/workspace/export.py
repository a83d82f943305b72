"""Exporting the song to a file, the format chosen by the file's extension.

`.cho .chordpro .pro` → ChordPro text (a chords-over-lyrics sheet is converted), `.txt` → the text as
written, `.mid .midi` → the arranged MIDI, `.musicxml .xml .mxl` → the lead sheet, `.wav` → the band
rendered by the synth (seconds of work: call it from a worker thread). The arrangement is the one
`cowriter render` writes, with the transport's style and tempo.

`check_export` says what is wrong before anything is written: an unknown extension (the message lists the
choices), a folder that does not exist (never made silently), a path that is a folder, or an existing
file when `overwrite` is False. Files are written whole or not at all (a scratch file beside the target,
renamed over it), so a failed render never leaves half a file or destroys the old one. numpy and mido
are imported only when a file of their kind is written (the lead sheet needs neither).
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from cowriter.errors import CowriterError

__all__ = ["CHOICES", "FORMATS", "ExportExists", "Exported", "check_export", "export_kind", "write_export"]

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


@dataclass(frozen=True, slots=True)
class Exported:
    """A written export: where, what kind (`chordpro`, `text`, `midi`, `musicxml`, `wav`), its size."""

    path: Path
    kind: str
    what: str
    size: int

    def __str__(self) -> str:
        return str(self.path)


def export_kind(path: str | Path) -> tuple[str, str]:
    """(kind, description) for a file name by its extension, or a CowriterError listing the choices."""
    suffix = Path(path).suffix.lower()
    if suffix not in FORMATS:
        what = f"unknown extension {suffix}" if suffix else "no extension"
        raise CowriterError(f"cannot export to {Path(path).name}: {what}", hint=f"name it {CHOICES}")
    return FORMATS[suffix]


def check_export(path: str | Path, *, overwrite: bool = False) -> Path:
    """The target path (`~` expanded), or a CowriterError saying why it cannot be written there."""
    text = str(path).strip()
    if not text:
        raise CowriterError("no file name to export to", hint=f"name it {CHOICES}")
    target = Path(text).expanduser()
    if target.is_dir():
        raise CowriterError(f"{target} is a folder", hint="add a file name, e.g. song.cho")
    export_kind(target)
    folder = target.parent
    if not folder.is_dir():
        raise CowriterError(
            f"the folder {folder} doesn't exist", hint="create it first, or export somewhere that exists"
        )
    if not overwrite and target.exists():
        raise ExportExists(target)
    return target


class ExportExists(CowriterError):
    """The target exists and overwriting was not allowed."""

    def __init__(self, path: Path) -> None:
        super().__init__(
            f"{path} already exists", hint="export again to overwrite it, or choose another name"
        )
        self.path = path


def write_export(
    text: str,
    path: str | Path,
    *,
    overwrite: bool = False,
    style: str | None = None,
    bpm: float | None = None,
    sound: str | None = None,
) -> Exported:
    """Write the song `text` to `path` in the format its extension names (see the module)."""
    target = check_export(path, overwrite=overwrite)
    kind, what = export_kind(target)
    if kind in ("chordpro", "text"):
        body = text if kind == "text" else _as_chordpro(text)
        from cowriter.songio import write_text

        write_text(target, body if body.endswith("\n") or not body else body + "\n")
    else:
        _write_binary(target, _renderer(kind, text, style, bpm, sound))
    return Exported(target, kind, what, target.stat().st_size)


def _as_chordpro(text: str) -> str:
    from cowriter.core.format import to_chordpro
    from cowriter.core.sheet import is_chordpro, read_song

    if not text.strip() or is_chordpro(text):
        return text
    return to_chordpro(read_song(text))


def _renderer(
    kind: str, text: str, style: str | None, bpm: float | None, sound: str | None = None
) -> Callable[[Path], object]:
    """A function writing the song as `kind` to a path (the arrangement made first: its errors come
    before any file is touched)."""
    from cowriter.core.arrange import ArrangeError, arrange
    from cowriter.core.sheet import read_song

    song = read_song(text)
    if kind == "musicxml":
        from cowriter.render.musicxml import write_musicxml

        return lambda out: write_musicxml(song, out, style=style, bpm=bpm)
    try:
        arrangement = arrange(song, style=style, bpm=bpm, seed=0)
    except ArrangeError as exc:
        raise CowriterError(f"cannot export: {exc}", hint="a MIDI or WAV needs chords to play") from exc
    if kind == "midi":
        from cowriter.render.midi import write_midi

        return lambda out: write_midi(arrangement, out)
    from cowriter.render.sounds import resolve
    from cowriter.render.synth import render_wav

    chosen = resolve(sound).path
    return lambda out: render_wav(arrangement, out, sound=chosen)


def _cannot_write(target: Path, exc: OSError) -> CowriterError:
    return CowriterError(f"{target}: cannot write ({exc.strerror or exc})", hint="choose another place")


def _write_binary(target: Path, write: Callable[[Path], object]) -> None:
    """Write into a scratch folder beside the target, then rename the file over it once complete (a
    `.mxl` names its score after the target); an existing file keeps its permissions."""
    real = target.resolve()
    try:
        scratch = Path(tempfile.mkdtemp(prefix=f".{real.name}.", dir=real.parent))
    except OSError as exc:
        raise _cannot_write(target, exc) from None
    part = scratch / real.name
    try:
        write(part)
        with contextlib.suppress(FileNotFoundError):
            os.chmod(part, real.stat().st_mode & 0o7777)
        os.replace(part, real)
    except OSError as exc:
        raise _cannot_write(target, exc) from None
    finally:
        with contextlib.suppress(OSError):
            part.unlink(missing_ok=True)
        with contextlib.suppress(OSError):
            scratch.rmdir()
