"""`cowriter parse FILE... [--json]`: read songs, report problems, show the inferred timing.

Errors print as `FILE:LINE:COL: message` on stderr and make the exit status 1; warnings print as
`FILE:LINE:COL: warning: message` and do not. `--json` prints one object per file per line (the first
song of a multi-song file) with exactly the keys of the contract in DESIGN.md; a file that cannot be read
still gets its object, empty, with the reason as an error at line 0, column 0.
"""

from __future__ import annotations

import argparse
import json
from typing import Any

from cowriter.cli.common import say
from cowriter.errors import CowriterError


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("parse", help="parse songs: problems, sections and the inferred timing")
    p.add_argument(
        "files", nargs="+", metavar="FILE", help="ChordPro or chords-over-lyrics files (- for stdin)"
    )
    p.add_argument("--json", action="store_true", help="one JSON object per file per line")
    p.set_defaults(func=run)


def _number(value: float) -> float | int:
    return int(value) if float(value).is_integer() else round(value, 6)


def song_json(name: str, song: Any, extra_warnings: list[dict[str, Any]]) -> dict[str, Any]:
    """The contract's JSON object for one song (`song` is a `cowriter.core.song.Song`)."""
    from cowriter.core.song import GridRow, LyricLine
    from cowriter.core.timing import timeline

    sections = []
    for section in song.sections:
        lines = []
        for item in section.items:
            if isinstance(item, LyricLine):
                chords = [{"symbol": c.symbol, "at": c.at} for c in item.chords if not c.annotation]
                lines.append({"lyrics": item.lyrics, "chords": chords})
            elif isinstance(item, GridRow) and item.bars:
                chords = [
                    {"symbol": cell.token, "at": max(cell.column, 0)}  # where the cell stands, past the label
                    for bar in item.bars
                    for cell in bar
                    if cell.token not in (".", "/", "%", "%%", "-", "~")
                ]
                lines.append({"lyrics": item.text, "chords": chords})
        sections.append({"kind": section.kind.value, "label": section.title, "lines": lines})
    timed = timeline(song)
    return {
        "file": name,
        "title": song.title,
        "key": song.key,
        "tempo": _number(song.tempo) if song.tempo is not None else None,
        "time": song.time,
        "sections": sections,
        "timeline": [
            {"bar": s.bar, "beat": _number(s.beat), "chord": s.chord, "section": s.section}
            for s in timed.spans
        ],
        "bars": timed.bars,
        "seconds": round(timed.seconds, 3),
        "errors": [{"line": d.line, "column": d.column, "message": d.message} for d in song.errors],
        "warnings": [{"line": d.line, "column": d.column, "message": d.message} for d in song.warnings]
        + extra_warnings,
    }


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def _summary(name: str, song: Any) -> str:
    """One line per file; sections are the ones a songwriter sees (the blank stretches and directives
    between them are not counted)."""
    from cowriter.core.timing import timeline

    timed = timeline(song)
    meter = song.time or "4/4"
    bpm = song.tempo or 100
    minutes, seconds = divmod(timed.seconds, 60)
    parts = [f"{name}: {song.title or '(untitled)'}"]
    if song.key:
        parts.append(f"key {song.key}")
    parts.append(f"{meter} at {_number(bpm)} bpm")
    sections = sum(  # a melody block (`melody --write`) belongs to its lines, it is not a section
        1 for s in song.sections if s.kind.value not in ("none", "abc") or s.lines or s.grid_rows
    )
    lines = len(song.lines)
    parts.append(f"{_count(sections, 'section')}, {_count(lines, 'line')}")
    parts.append(f"{timed.bars} bars, {int(minutes)}:{seconds:04.1f}")
    return ", ".join(parts)


def run(args: argparse.Namespace) -> int:
    from cowriter.cli.common import print_diagnostic
    from cowriter.songio import read_songs

    status = 0
    for name in args.files:
        label = "<stdin>" if name == "-" else name
        from cowriter.core.song import Song

        try:
            songs = read_songs(name)
        except CowriterError as exc:
            say(exc)
            status = 1
            if args.json:  # still one object per file, so a script can pair lines with its arguments
                unread = song_json(label, Song(trailing_newline=False), [])
                unread["errors"] = [{"line": 0, "column": 0, "message": str(exc)}]
                print(json.dumps(unread, ensure_ascii=False))
            continue

        song = songs[0] if songs else Song(trailing_newline=False)
        for d in sorted((d for s in songs for d in s.diagnostics), key=lambda d: (d.line, d.column)):
            print_diagnostic(d, label)
            if d.severity.value == "error":
                status = 1
        extra = []
        if len(songs) > 1:
            first_line = songs[1].sections[0].line if songs[1].sections else 0
            extra.append(
                {
                    "line": first_line,
                    "column": 1,
                    "message": f"{len(songs)} songs in the file; this shows the first",
                }
            )
        if args.json:
            print(json.dumps(song_json(label, song, extra), ensure_ascii=False))
        else:
            print(_summary(label, song))
    return status
