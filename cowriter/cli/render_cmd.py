"""`cowriter render FILE -o OUT.mid|.wav|.musicxml [--style S] [--bpm N] [--seed N]`: the band to a file."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from cowriter.core.song import Song
from cowriter.errors import CowriterError
from cowriter.service import rendering

# what `render` writes: the band (MIDI, WAV) and the lead sheet, from the one table of formats
FORMATS = tuple(ext for ext, (kind, _) in rendering.FORMATS.items() if kind in rendering.BAND)


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "render",
        help="arrange a song and write it as MIDI, WAV or a MusicXML lead sheet",
        description="Arrange a song for a band and write it to a file; the same seed gives the same file.",
    )
    p.add_argument("file", metavar="FILE", help="a ChordPro or chords-over-lyrics file (- for stdin)")
    p.add_argument("-o", "--output", required=True, metavar="OUT", help="OUT.mid, OUT.wav or OUT.musicxml")
    p.add_argument("--style", metavar="S", help="play every section in this style (see `cowriter styles`)")
    p.add_argument("--bpm", type=float, metavar="N", help="tempo at the start (later changes scale with it)")
    p.add_argument("--seed", type=int, default=0, metavar="N", help="humanisation seed (default 0)")
    p.add_argument("--section", metavar="NAME", help="only this section")
    p.add_argument("--no-count-in", action="store_true", help="start without the count-in bar")
    p.set_defaults(func=run)


def load_song(path: str) -> Song:
    """Read and parse a song file (`-` for stdin), or raise a one-line CowriterError: the same reading,
    and the same messages for a missing, binary or folder path, as `parse`, `play` and the rest.
    Errors in the text print as `FILE:LINE:COL: message` on stderr; the song still plays."""
    from cowriter.cli.common import read_song_reporting

    return read_song_reporting(path)


def warn_unknown_styles(song: Song, name: str) -> None:
    """Say on stderr which `{x_style}` names are not styles (those sections play the meter's default)."""
    from cowriter.core.arrange import find_style
    from cowriter.core.timing import timeline

    seen: set[str] = set()
    for mark in timeline(song).sections:
        if mark.style and mark.style not in seen and find_style(mark.style) is None:
            seen.add(mark.style)
            print(
                f"cowriter: warning: {name}: unknown style {mark.style!r} in {mark.name or 'the song'}; "
                "playing the default (see `cowriter styles`)",
                file=sys.stderr,
            )


def run(args: argparse.Namespace) -> int:
    from cowriter.core.arrange import ArrangeError, arrange

    out = Path(args.output)
    suffix = out.suffix.lower()
    if suffix not in FORMATS:
        raise CowriterError(
            f"cannot write {out.name}: unknown format {suffix or '(none)'}",
            hint="name the output .mid, .wav or .musicxml",
            exit_code=2,
        )
    if args.bpm is not None and not 10 <= args.bpm <= 400:
        raise CowriterError(f"--bpm {args.bpm:g} is out of range", hint="use 10 to 400", exit_code=2)
    song = load_song(args.file)
    if not args.style:
        warn_unknown_styles(song, args.file)
    try:
        arrangement = arrange(
            song, style=args.style, bpm=args.bpm, seed=args.seed, section=args.section,
            count_in=not args.no_count_in and suffix not in (".musicxml", ".xml", ".mxl"),
        )  # fmt: skip
    except ArrangeError as exc:
        raise CowriterError(
            f"{args.file}: {exc}", hint="see `cowriter styles` and the song's sections"
        ) from exc
    sound = None
    if suffix == ".wav":
        from cowriter.render.sounds import resolve

        sound = resolve(getattr(args, "sound", None)).path
    rendering.render_file(
        song, out, arrangement=arrangement, style=args.style, bpm=args.bpm, section=args.section,
        sound=sound, hint="check the folder exists",
    )  # fmt: skip
    if suffix in (".musicxml", ".xml", ".mxl"):  # one staff of chords, words and tune: no band tracks
        print(f"wrote {out} (lead sheet, {arrangement.seconds:.1f} s)")
    else:
        print(f"wrote {out} ({arrangement.seconds:.1f} s, {len(arrangement.tracks)} tracks)")
    return 0
