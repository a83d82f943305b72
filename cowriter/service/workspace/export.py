"""Exporting the song to a file, the format chosen by the file's extension (`service.rendering`: the
same renderers as `cowriter render`, with the transport's style and tempo).

`check_export` says what is wrong before anything is written: an unknown extension (the message lists the
choices), a folder that does not exist (never made silently), a path that is a folder, or an existing
file when `overwrite` is False. Files are written whole or not at all (`songio.write_file`), so a failed
render never leaves half a file or destroys the old one.
"""

from __future__ import annotations

from pathlib import Path

from cowriter.errors import CowriterError
from cowriter.service.rendering import CHOICES, FORMATS, Rendered, format_of

__all__ = ["CHOICES", "FORMATS", "ExportExists", "Exported", "check_export", "export_kind", "write_export"]

Exported = Rendered  # a written export
export_kind = format_of  # (kind, description) by the extension


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
) -> Rendered:
    """Write the song `text` to `path` in the format its extension names (see the module)."""
    from cowriter.core.arrange import ArrangeError
    from cowriter.service.rendering import render_file

    target = check_export(path, overwrite=overwrite)
    kind, _ = format_of(target)
    chosen = None
    if kind == "wav":
        from cowriter.render.sounds import resolve

        chosen = resolve(sound).path
    try:
        return render_file(None, target, text=text, style=style, bpm=bpm, sound=chosen)
    except ArrangeError as exc:
        raise CowriterError(f"cannot export: {exc}", hint="a MIDI or WAV needs chords to play") from exc
