"""`Song` → text: ChordPro (the wire format) and chords-over-lyrics (for reading and pasting).

`to_chordpro(song)` gives back the user's text byte for byte for anything `chordpro.parse` read: every
item keeps what it needs (a directive its `raw` line, a blank line its spaces, a section its open and
close directives), so nothing is reordered or lost. Items built in code (no `raw`) are written in the
canonical long form (`{title: X}`, `{start_of_verse: Verse 1}`). Metadata present only in `Song.meta`
(no directive item for it) is written first, as directives.

`to_text(song)` writes chords on their own line above the words, each chord starting at the column of
the syllable it falls on. Chords that would touch push the words right: between words with spaces, inside
a word with dashes (`ri--ver` under `Gmaj7 D`: one word to a reader, which our importer closes up again;
an even number of them, so that `jump-[D]up` stretched to `jump---up` keeps its hyphen).
Metadata becomes lower-case `name: value` headers (`title: …`, `key: D`: what ChordSheetJS and
chords-over-words readers take as metadata), `x_` directives the same (`x_style: ballad`, where they
stood), `#` comments stay, `{comment}` becomes `(…)`; sections are labelled `Chorus:` / `Verse 1:`, or
`[Label]` for a name that is not a section word; directives for one instrument (`{key-bass: E}`) are left
out; grids and verbatim blocks are kept as they are.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from cowriter.core.song import (
    Blank,
    ChordRef,
    Comment,
    Directive,
    GridRow,
    Item,
    LyricLine,
    Section,
    SectionKind,
    Song,
    Verbatim,
)

__all__ = ["chord_text", "directive_text", "line_text", "songs_to_chordpro", "to_chordpro", "to_text"]


def chord_text(ref: ChordRef) -> str:
    return f"[*{ref.symbol}]" if ref.annotation else f"[{ref.symbol}]"


def line_text(line: LyricLine) -> str:
    """A lyric line in ChordPro: chords in brackets at their offsets."""
    if not line.chords:
        return line.lyrics
    parts: list[str] = []
    pos = 0
    lyrics = line.lyrics
    for ref in sorted(line.chords, key=lambda c: c.at) if _unsorted(line.chords) else line.chords:
        at = max(0, min(ref.at, len(lyrics)))
        if at > pos:
            parts.append(lyrics[pos:at])
            pos = at
        parts.append(chord_text(ref))
    parts.append(lyrics[pos:])
    return "".join(parts)


def _unsorted(chords: tuple[ChordRef, ...]) -> bool:
    return any(chords[i].at > chords[i + 1].at for i in range(len(chords) - 1))


def directive_text(d: Directive) -> str:
    if d.raw:
        return d.raw
    name = d.raw_name or d.name
    if d.selector and not d.raw_name:
        name = f"{name}-{d.selector}{'!' if d.negated else ''}"
    return f"{{{name}}}" if d.value is None else f"{{{name}: {d.value}}}"


def _item_text(item: Item) -> str:
    if isinstance(item, LyricLine):
        return line_text(item)
    if isinstance(item, Directive):
        return directive_text(item)
    if isinstance(item, Comment):
        return item.text if item.text.startswith("#") else f"# {item.text}"
    if isinstance(item, Blank):
        return item.text
    return item.text  # Verbatim, GridRow


def _section_lines(section: Section) -> Iterable[str]:
    if section.recall:
        if section.open is not None:
            yield directive_text(section.open)
        else:
            yield "{chorus}" if not section.label else f"{{chorus: {section.label}}}"
        return
    if section.kind is not SectionKind.NONE:
        if section.open is not None:
            yield directive_text(section.open)
        else:
            env = section.name or section.kind.value
            yield f"{{start_of_{env}: {section.label}}}" if section.label else f"{{start_of_{env}}}"
    for item in section.items:
        yield _item_text(item)
    if section.kind is not SectionKind.NONE:
        if section.close is not None:
            yield directive_text(section.close)
        elif section.open is None:
            yield f"{{end_of_{section.name or section.kind.value}}}"


def _missing_meta(song: Song) -> list[str]:
    present = {(i.name, (i.value or "").strip()) for i in song.items() if isinstance(i, Directive)}
    present |= {
        (v.partition(" ")[0].lower(), v.partition(" ")[2].strip())
        for i in song.items()
        if isinstance(i, Directive) and i.name == "meta" and (v := i.value or "")
    }
    return [f"{{{k}: {v}}}" for k, v in song.meta if (k, v) not in present]


def _lines(song: Song) -> list[str]:
    out = _missing_meta(song)
    for section in song.sections:
        out.extend(_section_lines(section))
    return out


def to_chordpro(song: Song) -> str:
    """The song as ChordPro text (the user's own text when the song came from `chordpro.parse`)."""
    lines = _lines(song)
    if not lines:
        return "\n" if song.trailing_newline and song.sections else ""
    return "\n".join(lines) + ("\n" if song.trailing_newline else "")


def songs_to_chordpro(songs: Iterable[Song]) -> str:
    parts = [to_chordpro(s) for s in songs]
    out = ""
    for i, part in enumerate(parts):
        if i and out and not out.endswith("\n"):
            out += "\n"
        out += part
    return out


# chords over lyrics ---------------------------------------------------------------------------------

_HEADERS = frozenset(
    ("title", "subtitle", "artist", "composer", "lyricist", "album", "year", "key", "tempo", "time", "capo",
     "duration", "copyright")
)  # fmt: skip
# section labels a chords-over-words reader takes as a section with a colon (`Chorus:`); others in brackets
_SECTION_WORD = re.compile(
    r"(?i)^(verse|chorus|pre-chorus|bridge|intro|outro|solo|interlude|instrumental|refrain|coda|tag|"
    r"break|hook|ending)(\s*\d+)?$"
)
_COMMENTS = frozenset({"comment", "comment_italic", "comment_box", "highlight"})


def _width(text: str) -> int:
    """Display columns (CJK characters are two wide), as a reader of the text lines the chords up."""
    if text.isascii():
        return len(text)
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def chord_over_lyric(line: LyricLine) -> list[str]:
    """Two lines (chords, words) for a lyric line with chords; the words alone otherwise."""
    refs = [c for c in line.chords]
    if not refs:
        return [line.lyrics]
    lyrics = line.lyrics
    chord_row = ""
    shift = 0  # extra spaces pushed into the words when chords crowd each other
    words = lyrics
    for ref in refs:
        name = f"*{ref.symbol}" if ref.annotation else ref.symbol
        insert_at = min(ref.at + shift, len(words))
        col = _width(words[:insert_at]) + ref.at + shift - insert_at  # display columns: 日本 is 4 wide
        if len(chord_row) > col or (chord_row and len(chord_row) == col and col > 0):
            need = len(chord_row) + 1 - col
            inside = 0 < insert_at < len(words) and not any(
                c.isspace() for c in words[insert_at - 1 : insert_at + 1]
            )
            if inside:  # a word is stretched, not split: `ri--ver`, `(--oh)`, `jump---up` (to be undone:
                need = max(need, 2)  # an even count of dashes, so that a hyphen before them stays one)
                need += need % 2
            if lyrics.strip():
                words = words[:insert_at] + ("-" if inside else " ") * need + words[insert_at:]
            shift += need
            col += need
        chord_row = chord_row.ljust(col) + name
    if not lyrics.strip():
        return [chord_row]
    return [chord_row.rstrip(), words]


def _label(title: str) -> str:
    return f"{title}:" if _SECTION_WORD.match(title.strip()) else f"[{title}]"


def _text_lines(song: Song) -> Iterable[str]:
    for section in song.sections:
        if section.kind is not SectionKind.NONE:
            yield _label(section.title)
        for item in section.items:
            if isinstance(item, LyricLine):
                yield from chord_over_lyric(item)
            elif isinstance(item, Directive):
                value = (item.value or "").strip()
                if item.selector:  # `{key-bass: E}` is for a bass player's copy: not this one
                    continue
                if (item.name in _HEADERS or item.name.startswith("x_")) and value:
                    yield f"{item.name}: {value}"
                elif item.name in _COMMENTS and value:
                    yield f"({value})"
                elif item.name in ("define", "chord"):
                    yield directive_text(item)
            elif isinstance(item, Comment):
                yield item.text
            elif isinstance(item, Blank):
                yield ""
            elif isinstance(item, GridRow | Verbatim):
                yield item.text


def to_text(song: Song) -> str:
    """The song as chords over lyrics (plain text). A section label gets a blank line before it, as
    chord sheets set them apart (a reader would otherwise take a line above it for chords over it)."""
    lines: list[str] = []
    labels = {_label(s.title) for s in song.sections if s.kind is not SectionKind.NONE}
    for line in _text_lines(song):
        if line in labels and lines and lines[-1].strip():
            lines.append("")
        lines.append(line)
    return "\n".join(lines) + ("\n" if lines else "")
