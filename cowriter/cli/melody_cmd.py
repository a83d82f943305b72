"""`cowriter melody FILE [--section S] [--line N] [--alternatives K] [--seed N] [--json] [--write]`.

Prints melody sketches as ABC (one tune per alternative, best first, each headed by a `%` comment that
explains its score); `--json` prints the contract's list of alternatives; `--write` stores the best one in
the song as an ABC block (for `-`, the updated song goes to stdout).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from cowriter.cli.common import say
from cowriter.errors import CowriterError
from cowriter.limits import MAX_ALTERNATIVES

if TYPE_CHECKING:
    from cowriter.core.song import Song
    from cowriter.service.melody import MelodyResult

VOICE_NAMES = ("soprano", "alto", "tenor", "baritone", "bass")


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("melody", help="sketch melodies for lyric lines, as ABC")
    p.add_argument("file", metavar="FILE", help="a ChordPro or chords-over-lyrics file (- for stdin)")
    p.add_argument("--section", metavar="S", help='a section by label or kind ("Verse 2", "chorus")')
    p.add_argument("--line", metavar="N", type=int, help="the Nth lyric line of the song (from 1)")
    p.add_argument("--alternatives", metavar="K", type=int, default=3, help="how many sketches (default 3)")
    p.add_argument("--seed", metavar="N", type=int, default=0, help="the same seed gives the same sketches")
    p.add_argument("--voice", choices=VOICE_NAMES, default="alto", help="the singer's range (default alto)")
    p.add_argument("--json", action="store_true", help="a JSON list of alternatives")
    p.add_argument("--write", action="store_true", help="store the best sketch in the song as an ABC block")
    p.add_argument(
        "--from-model", action="store_true", help="also ask the model (--model) for a melody (needs --line)"
    )
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from cowriter.core.abc import format_abc
    from cowriter.core.sheet import read_song
    from cowriter.service.melody import sketch_song, to_json, write_block
    from cowriter.songio import read_text

    if args.alternatives < 1:
        raise CowriterError("--alternatives must be at least 1")
    if args.alternatives > MAX_ALTERNATIVES:
        say(f"--alternatives {args.alternatives}: at most {MAX_ALTERNATIVES}, so {MAX_ALTERNATIVES} sketches")
        args.alternatives = MAX_ALTERNATIVES
    text = read_text(args.file)
    song = read_song(text)
    label = "<stdin>" if args.file == "-" else args.file
    result = sketch_song(song, args.section, args.line, args.alternatives, args.seed, args.voice)
    sources: tuple[str, ...] = ()
    if args.from_model:
        result, sources = _from_model(args, song, result)
    if args.write:
        updated = write_block(text, song, result, 0)
        if args.file == "-":
            from cowriter.cli.output import write_song

            write_song(updated)
        else:
            path = Path(args.file)
            if b"\r\n" in _head(path):  # keep the file's line endings
                updated = updated.replace("\r\n", "\n").replace("\n", "\r\n")
            _write_atomic(path, updated)
            best = result.sketches[0].score
            print(
                f"{label}: stored the melody for {result.target.label} (score {best.total})", file=sys.stderr
            )
        return 0
    if args.json:
        items = to_json(result)
        for item, source in zip(items, sources, strict=False):
            item["source"] = source
        print(json.dumps(items, indent=None))
        return 0
    chunks = []
    for k, (sketch, tune) in enumerate(zip(result.sketches, result.tunes, strict=True), 1):
        mark = " (model)" if sources and sources[k - 1] == "model" else ""
        head = f"% {k}. score {sketch.score.total}{mark}: {sketch.score.explain()}\n"
        chunks.append(head + format_abc(replace(tune, number=k)))
    sys.stdout.write("\n".join(chunks))
    return 0


def _from_model(
    args: argparse.Namespace, song: Song, result: MelodyResult
) -> tuple[MelodyResult, tuple[str, ...]]:
    """The sketches ranked together with the model's melody for `--line` (the global --model)."""
    from cowriter.model import open_backend
    from cowriter.service.melody_model import propose_melody, with_model

    if args.line is None:
        raise CowriterError("--from-model needs --line N", hint="the model sets one lyric line at a time")
    backend = open_backend(getattr(args, "model", None))
    try:
        proposed = propose_melody(song, args.line, backend, seed=args.seed, voice=args.voice)
    finally:
        backend.close()
    return with_model(result, proposed)


def _head(path: Path) -> bytes:
    """The file's first 64 KB (it was read whole a moment ago; never read it whole again)."""
    try:
        with path.open("rb") as fh:
            return fh.read(65536)
    except OSError:
        return b""


def _write_atomic(path: Path, text: str) -> None:
    """Replace the song's text in one step (`cowriter.songio.write_text`: a symlinked song is written
    where the link points, the file keeps its permissions and its line endings); a read-only file is
    refused."""
    from cowriter.songio import write_text

    target = path.resolve()
    try:
        mode = target.stat().st_mode & 0o7777
    except OSError as exc:
        raise CowriterError(f"{path}: cannot write ({exc.strerror or exc})") from None
    if not mode & 0o222 or not os.access(target, os.W_OK):  # marked read-only (even for root), or not ours
        raise CowriterError(f"{path}: the file is read-only", hint="make it writable, or leave out --write")
    write_text(path, text, newline="", hint="check the folder's permissions and free space")
