"""`cowriter convert FILE|- --to chordpro|text`: between notations (ChordPro ⇄ chords over lyrics).

ChordPro out of a ChordPro file is the file itself (the formatter is lossless); errors found while
reading print as `FILE:LINE:COL: message` on stderr, and the conversion is still written (exit 1, as
`parse` does for the same file).
"""

from __future__ import annotations

import argparse


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("convert", help="convert a song between ChordPro and chords over lyrics")
    p.add_argument("file", metavar="FILE", help="a ChordPro or chords-over-lyrics file (- for stdin)")
    p.add_argument("--to", required=True, choices=("chordpro", "text"), help="the notation to write")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from cowriter.cli.common import report_errors
    from cowriter.cli.output import write_song
    from cowriter.core.format import songs_to_chordpro, to_text
    from cowriter.songio import read_songs

    songs = read_songs(args.file)
    # as `parse`: the conversion is written, the exit status says it has errors
    status = 1 if report_errors(songs, args.file) else 0
    if args.to == "chordpro":
        write_song(songs_to_chordpro(songs))
    else:
        write_song("\n".join(to_text(song) for song in songs))
    return status
