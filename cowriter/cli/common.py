"""What several subcommands share: reading a song named on the command line and printing the problems
in it the one way the contract says, `FILE:LINE:COL: message` on stderr (warnings say `warning:`)."""

from __future__ import annotations

import sys
from collections.abc import Iterable
from typing import TYPE_CHECKING

from cowriter.textsafe import safe_line

if TYPE_CHECKING:
    from cowriter.core.song import Diagnostic, Song


def label_of(path: str) -> str:
    """How a FILE argument is named in messages (`-` is standard input)."""
    return "<stdin>" if path == "-" else path


def print_diagnostic(d: Diagnostic, label: str) -> None:
    kind = "" if d.severity.value == "error" else f"{d.severity.value}: "
    print(safe_line(f"{label}:{d.line}:{d.column}: {kind}{d.message}"), file=sys.stderr)


def report_errors(songs: Iterable[Song], path: str) -> int:
    """Print every error of `songs` (read from `path`); how many there were."""
    label = label_of(path)
    count = 0
    for song in songs:
        for d in song.errors:
            print_diagnostic(d, label)
            count += 1
    return count


def say(message: object) -> None:
    """One line on stderr, `cowriter: ` first (a message naming a path or quoting a file cannot start
    a second line, nor drive the terminal)."""
    print(f"cowriter: {safe_line(str(message))}", file=sys.stderr)


def read_song_reporting(path: str) -> Song:
    """Read and parse a song file (`-` for stdin), or raise a one-line CowriterError (missing, binary,
    folder); errors in the text are printed and the song is returned, since what can play still plays."""
    from cowriter.songio import read_song

    song = read_song(path)
    report_errors((song,), path)
    return song
