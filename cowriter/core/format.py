"""`Song` → text: ChordPro (the wire format) and chords-over-lyrics (for reading and pasting).

`to_chordpro(song)` gives back the user's text byte for byte for anything `chordpro.parse` read: every
item keeps what it needs (a directive its `raw` line, a blank line its spaces, a section its open and
close directives), so nothing is reordered or lost. Items built in code (no `raw`) are written in the
canonical long form (`{title: X}`, `{start_of_verse: Verse 1}`). Metadata present only in `Song.meta`
(no directive item for it) is written first, as directives.

`to_text(song)` writes chords on their own line above the words, each chord starting at the column of
the syllable it falls on (pushed right when chords would touch); directives become readable headers
(`Title: …`, `[Chorus]`), grids and verbatim blocks are kept as they are.
"""

from __future__ import annotations

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

_HEADERS = {
    "title": "Title",
    "subtitle": "Subtitle",
    "artist": "Artist",
    "composer": "Composer",
    "lyricist": "Lyricist",
    "album": "Album",
    "year": "Year",
    "key": "Key",
    "tempo": "Tempo",
    "time": "Time",
    "capo": "Capo",
    "duration": "Duration",
    "copyright": "Copyright",
}
_COMMENTS = frozenset({"comment", "comment_italic", "comment_box", "highlight"})


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
        col = ref.at + shift
        if len(chord_row) > col or (chord_row and len(chord_row) == col and col > 0):
            need = len(chord_row) + 1 - col
            insert_at = min(col, len(words))
            if lyrics.strip():
                words = words[:insert_at] + " " * need + words[insert_at:]
            shift += need
            col += need
        chord_row = chord_row.ljust(col) + name
    if not lyrics.strip():
        return [chord_row]
    return [chord_row.rstrip(), words]


def _text_lines(song: Song) -> Iterable[str]:
    for section in song.sections:
        if section.kind is not SectionKind.NONE:
            yield f"[{section.title}]"
        for item in section.items:
            if isinstance(item, LyricLine):
                yield from chord_over_lyric(item)
            elif isinstance(item, Directive):
                value = (item.value or "").strip()
                if item.name in _HEADERS and value:
                    yield f"{_HEADERS[item.name]}: {value}"
                elif item.name in _COMMENTS and value:
                    yield f"({value})"
                elif item.name.startswith("x_") or item.name in ("define", "chord"):
                    yield directive_text(item)
            elif isinstance(item, Comment):
                continue
            elif isinstance(item, Blank):
                yield ""
            elif isinstance(item, GridRow | Verbatim):
                yield item.text


def to_text(song: Song) -> str:
    """The song as chords over lyrics (plain text)."""
    lines = list(_text_lines(song))
    return "\n".join(lines) + ("\n" if lines else "")
