"""`cowriter transpose FILE|- N [--to KEY]`: the song transposed, as ChordPro, spelled for the new key."""

from __future__ import annotations

import argparse
import sys

from cowriter.errors import CowriterError


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("transpose", help="transpose a song; ChordPro on stdout")
    p.add_argument("file", metavar="FILE", help="a ChordPro or chords-over-lyrics file (- for stdin)")
    p.add_argument("semitones", metavar="N", type=int, help="semitones up (negative: down)")
    p.add_argument("--to", metavar="KEY", help="spell for this key (with a {key}, it also sets the distance)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from cowriter.cli.common import report_errors
    from cowriter.cli.output import write_song
    from cowriter.core.format import songs_to_chordpro
    from cowriter.core.transpose import transpose_song
    from cowriter.songio import read_songs

    songs = read_songs(args.file)
    # the song is still written: the errors say which chords may be missing
    status = 1 if report_errors(songs, args.file) else 0
    try:
        moved = [transpose_song(song, args.semitones, args.to) for song in songs]
    except ValueError as exc:  # an unreadable --to key
        raise CowriterError(f"--to {args.to}: {exc}", hint="write a key like G, Bb, F#m") from None
    if args.to and args.semitones and songs:  # `0 --to KEY` is the plain way to ask for a key
        _say_when_to_overrides_n(songs[0].key, args.to, args.semitones)
    write_song(songs_to_chordpro(moved))
    return status


def _say_when_to_overrides_n(key: str | None, to: str, semitones: int) -> None:
    """With a `{key}`, `--to` sets the distance: say so when a non-zero N asked for another one."""
    from cowriter.core.keys import KeyError_, parse_key

    try:
        up = (parse_key(to).tonic_pc - parse_key(key).tonic_pc) % 12 if key else None
    except KeyError_:
        return
    if up is not None and up != semitones % 12:
        moved = up - 12 if up > 6 else up
        print(
            f"cowriter: warning: {key} to {to} is {moved:+d} semitones; N={semitones} is ignored",
            file=sys.stderr,
        )
