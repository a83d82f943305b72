"""The melodies `cowriter melody FILE --write` stores, as abc2midi and abcm2ps read them.

`tunes(folder)` writes a whole-song melody into a copy of every test song that has words to sing, takes
the ABC block out of it, and runs both programs on it once: abc2midi (its karaoke track gives each sung
syllable with its tick) and abcm2ps (PostScript; only its messages matter). Where a program is missing,
the caller skips and says which one.
"""

from __future__ import annotations

import contextlib
import io
import re
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from cowriter.cli import main as cli
from cowriter.core.encoding import decode
from cowriter.core.sheet import read_song
from cowriter.core.song import SectionKind, Song, Verbatim
from cowriter.core.timeline import Timeline
from cowriter.core.timing import timeline
from cowriter.service.melody import lyric_lines
from tests.render.notation_clients import songs

TICKS = 480  # abc2midi's ticks per quarter note


@dataclass
class Tune:
    """One song's stored melody: the song (with its block), its timeline, the ABC text, what abc2midi and
    abcm2ps said, and abc2midi's karaoke syllables as (tick, text as written in the event)."""

    name: str
    song: Song
    timed: Timeline
    abc: str
    abc2midi_log: str = ""
    abcm2ps_log: str = ""
    karaoke: list[tuple[int, str]] = field(default_factory=list)
    note_ends: list[int] = field(default_factory=list)

    @property
    def offset(self) -> float:
        m = re.search(r"^%%cowriter-start\s+(-?[\d.]+)", self.abc, re.M)
        return float(m.group(1)) if m else 0.0

    def beat_of(self, tick: int) -> float:
        """The song beat of an abc2midi tick (abc2midi starts the tune one tick in)."""
        meter = self.timed.meters[0].meter
        return self.offset + (tick - 1) / TICKS * meter.unit / 4


def missing() -> str | None:
    gone = [p for p in ("abc2midi", "abcm2ps") if shutil.which(p) is None]
    return f"{' and '.join(gone)} not installed (Debian packages abcmidi, abcm2ps)" if gone else None


def block_of(song: Song) -> str:
    """The text of the ABC block `cowriter melody --write` stored (labelled "Melody: …"; a song may have
    blocks of its own)."""
    for section in song.sections:
        if section.kind is SectionKind.ABC and section.title.startswith("Melody:"):
            return "\n".join(i.text for i in section.items if isinstance(i, Verbatim)) + "\n"
    return ""


def tunes(folder: Path) -> list[Tune]:
    out: list[Tune] = []
    for name, source in songs():
        song = read_song(decode(source.read_bytes()))
        timed = timeline(song)
        if not timed.spans or not lyric_lines(song):
            continue
        copy = folder / f"{name}{source.suffix}"
        copy.write_bytes(source.read_bytes())
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
            code = cli(["melody", str(copy), "--write", "--seed", "1"])
        if code != 0:
            continue
        written = read_song(decode(copy.read_bytes()))
        abc = block_of(written)
        if not abc:
            continue
        tune = Tune(name, written, timeline(written), abc)
        path = folder / f"{name}.abc"
        path.write_text(abc, encoding="utf-8")
        run = subprocess.run(["abc2midi", str(path), "-o", str(folder / f"{name}.mid")],
                             capture_output=True, text=True, timeout=120, check=False)  # fmt: skip
        tune.abc2midi_log = run.stdout + run.stderr
        run = subprocess.run(["abcm2ps", str(path), "-O", str(folder / f"{name}.ps")],
                             capture_output=True, text=True, timeout=120, check=False)  # fmt: skip
        tune.abcm2ps_log = run.stdout + run.stderr
        _read_midi(tune, folder / f"{name}.mid")
        out.append(tune)
    return out


def _read_midi(tune: Tune, path: Path) -> None:
    import mido

    if not path.exists():
        return
    midi = mido.MidiFile(str(path))
    for track in midi.tracks:
        now = 0
        lyric_track = False
        for msg in track:
            now += msg.time
            if msg.type == "text" and msg.text == "notes/lyric track":
                lyric_track = True
            elif lyric_track and msg.type in ("text", "lyrics") and not msg.text.startswith("@"):
                tune.karaoke.append((now, _utf8(msg.text)))
            elif msg.type == "note_off" or (msg.type == "note_on" and msg.velocity == 0):
                tune.note_ends.append(now)


def _utf8(text: str) -> str:
    """mido decodes text events as Latin-1; abc2midi copies the UTF-8 bytes of the ABC file."""
    try:
        return text.encode("latin-1").decode("utf-8")
    except UnicodeError:
        return text


def w_syllables(abc: str) -> list[str]:
    """The syllables of the tune's `w:` lines, in order (`-` splits, `_` `*` `|` hold or skip, `~` is a
    space, `\\-` a hyphen)."""
    out: list[str] = []
    for line in abc.splitlines():
        if not line.startswith("w:"):
            continue
        text = line[2:].replace("\\-", "\x00")
        for token in re.split(r"[\s-]+", text):
            token = token.strip()
            if token and token not in ("_", "*", "|"):
                out.append(token.replace("~", " ").replace("\x00", "-"))
    return out


def karaoke_syllable(text: str) -> str:
    """A karaoke event's syllable, without abc2midi's new-line (`\\`), new-verse (`/`) and word marks."""
    return text.lstrip("/\\ ").rstrip()
