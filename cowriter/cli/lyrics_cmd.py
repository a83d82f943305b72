"""`cowriter lyrics FILE`: per lyric line, its syllables, stress pattern and rhyme-scheme letter.

One line of output per lyric line: `LETTER  SYLLABLES  PATTERN  lyrics`, grouped under section headings;
the rhyme scheme restarts in each section. `--json` gives the same as a list of objects.
"""

from __future__ import annotations

import argparse
import json
import sys


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("lyrics", help="syllables, stress and rhyme scheme of each lyric line")
    p.add_argument("file", metavar="FILE", help="a ChordPro or chords-over-lyrics file (- for stdin)")
    p.add_argument("--json", action="store_true", help="a JSON list of lines")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from cowriter.core.song import SectionKind
    from cowriter.lyrics import rhyme_scheme, stress_pattern, syllables
    from cowriter.songio import read_song

    song = read_song(args.file)
    rows: list[dict[str, object]] = []
    for section in song.sections:
        if section.recall or section.kind in (SectionKind.ABC, SectionKind.TAB, SectionKind.GRID):
            continue
        lines = [ln for ln in section.lines if ln.has_words]
        if not lines:
            continue
        letters = rhyme_scheme([ln.lyrics for ln in lines])
        for ln, letter in zip(lines, letters, strict=True):
            rows.append(
                {
                    "section": section.title,
                    "line": ln.line,
                    "lyrics": ln.lyrics.strip(),
                    "syllables": syllables(ln.lyrics),
                    "stress": stress_pattern(ln.lyrics),
                    "rhyme": letter,
                }
            )
    if args.json:
        print(json.dumps(rows))
        return 0
    current = None
    out = []
    for row in rows:
        if row["section"] != current:
            current = row["section"]
            if current:
                out.append(f"[{current}]")
        out.append(f"{row['rhyme'] or '-':<3}{row['syllables']:>3}  {row['stress']!s:<16} {row['lyrics']}")
    sys.stdout.write("\n".join(out) + ("\n" if out else ""))
    return 0
