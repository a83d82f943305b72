"""Takes: the WAVs the editor writes when the sound cannot be heard here (over SSH, `--audio wav`, no
device), kept as a writer keeps takes: each play its own file, named after the song and what played, the
last few of each song kept and older ones removed.

They live in `$XDG_CACHE_HOME/cowriter/takes/` (`~/.cache/cowriter/takes/`): `night-bus-take-03.wav` for
the third take of the song, `night-bus-take-04-melody-2-line-11.wav` for a sketch played after it. Before
a take is written, the folder is tidied: each song keeps its `KEEP` newest takes, and any take older than
`MAX_AGE` goes (but a song's newest), as do the single `preview*.wav` files earlier versions overwrote at
every play. A take being written is never removed (it is the newest of its song)."""

from __future__ import annotations

import contextlib
import os
import re
import time
from pathlib import Path

from cowriter.service.workspace import ports as ports

KEEP = 5  # takes kept per song (a three-minute take is about 30 MB)
MAX_AGE = 14 * 24 * 3600.0  # seconds: a take older than two weeks is removed whatever its song
_TAKE = re.compile(r"^(?P<song>.+)-take-(?P<n>\d{2,})(?:-(?P<what>[^./]+))?\.wav$")
_OLD_PREVIEW = re.compile(r"^preview(?:-[a-z0-9-]+)?\.wav$")  # what earlier versions wrote, one per play


def folder() -> Path:
    """Where takes go (made when missing); a CowriterError when the cache folder cannot be written."""
    return ports.preview_wav().parent / "takes"


def next_take(song: str, what: str = "", where: Path | None = None, *, now: float | None = None) -> Path:
    """The file for the next take of `song` (a name, e.g. the song file's stem or its title), for `what`
    when it is not the whole song ("melody 2 for line 11"); old takes are tidied first (`tidy`)."""
    where = folder() if where is None else where
    where.mkdir(parents=True, exist_ok=True)
    stem = ports.slug(song, limit=40, collapse=True) or "song"
    tidy(where, keep=KEEP - 1, now=now)  # with the take about to be written: KEEP
    numbers = [int(m["n"]) for p in where.iterdir() if (m := _TAKE.match(p.name)) and m["song"] == stem]
    label = ports.slug(what, limit=32, collapse=True)
    return where / f"{stem}-take-{max(numbers, default=0) + 1:02d}{'-' + label if label else ''}.wav"


def tidy(where: Path, *, keep: int = KEEP, max_age: float = MAX_AGE, now: float | None = None) -> list[Path]:
    """Remove the takes beyond each song's `keep` newest, the takes older than `max_age` seconds, and the
    old single preview files beside the folder; returns what was removed. Never raises: a take that
    cannot be removed stays."""
    now = time.time() if now is None else now
    removed: list[Path] = []
    by_song: dict[str, list[tuple[int, Path]]] = {}
    with contextlib.suppress(OSError):
        for path in where.iterdir():
            found = _TAKE.match(path.name)
            if found is not None:
                by_song.setdefault(found["song"], []).append((int(found["n"]), path))
    for takes in by_song.values():
        takes.sort(reverse=True)  # newest first
        for rank, (_, path) in enumerate(takes):
            if rank >= keep or (rank and _age(path, now) > max_age):
                removed += _remove(path)
    with contextlib.suppress(OSError):
        for path in where.parent.iterdir():
            if _OLD_PREVIEW.match(path.name):
                removed += _remove(path)
    return removed


def _age(path: Path, now: float) -> float:
    try:
        return now - path.stat().st_mtime
    except OSError:
        return 0.0


def _remove(path: Path) -> list[Path]:
    try:
        os.unlink(path)
    except OSError:
        return []
    return [path]
