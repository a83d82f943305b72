"""Round trips: formatting a parsed file gives the user's text back, byte for byte; nothing raises."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cowriter.core.chordpro import parse, parse_songs
from cowriter.core.encoding import decode
from cowriter.core.format import songs_to_chordpro, to_chordpro
from cowriter.core.song import ChordRef, Directive, LyricLine, Section, SectionKind, Song
from cowriter.core.timing import timeline

DATA = Path(__file__).resolve().parent.parent / "data" / "songs"
EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def _files() -> list[Path]:
    return sorted(DATA.glob("*.cho")) + sorted(EXAMPLES.glob("*.cho"))


@pytest.mark.parametrize("path", _files(), ids=lambda p: p.name)
def test_our_sheets_format_back_byte_for_byte(path: Path) -> None:
    text = decode(path.read_bytes())
    songs = parse_songs(text)
    assert songs_to_chordpro(songs) == text
    assert parse_songs(songs_to_chordpro(songs)) == songs


def test_conformance_sheets_format_back_byte_for_byte(conformance: Path) -> None:
    checked = 0
    for path in sorted((conformance / "songs").glob("*.cho")):
        text = decode(path.read_bytes())
        songs = parse_songs(text)
        assert songs_to_chordpro(songs) == text, path.name
        assert parse_songs(songs_to_chordpro(songs)) == songs, path.name
        checked += 1
    assert checked >= 45


# Text made of the pieces ChordPro is made of, so hypothesis reaches the interesting corners.
_pieces = st.sampled_from(
    [
        "[",
        "]",
        "{",
        "}",
        ":",
        " ",
        "\n",
        "\r\n",
        "\r",
        "#",
        "*",
        "|",
        ".",
        "%",
        "!",
        "-",
        '"',
        "=",
        "\t",
        "C",
        "Am7",
        "G/B",
        "N.C.",
        "la ",
        "soc",
        "eoc",
        "sov",
        "start_of_",
        "end_of_",
        "chorus",
        "verse",
        "grid",
        "tab",
        "abc",
        "title",
        "key",
        "transpose",
        "x_style",
        "new_song",
        "ns",
        "label=",
        "é",
        "日",
    ]
)
_chordpro_like = st.lists(_pieces, max_size=60).map("".join)


@settings(max_examples=400, deadline=None)
@given(st.one_of(_chordpro_like, st.text(max_size=200)))
def test_any_text_parses_formats_back_and_reparses_equal(text: str) -> None:
    songs = parse_songs(text)  # never raises
    normalised = text.replace("\r\n", "\n").replace("\r", "\n")
    out = songs_to_chordpro(songs)
    assert out == normalised
    assert parse_songs(out) == songs
    first = parse(text)
    assert parse(to_chordpro(first)) == first
    for song in songs:  # and every song can be timed
        timed = timeline(song)
        assert timed.bars >= 0 and all(s.duration > 0 for s in timed.spans)


_words = st.text(alphabet="abcdefg hijk,'", min_size=0, max_size=20).filter(lambda s: "[" not in s)


@st.composite
def _songs(draw: st.DrawFn) -> Song:
    """Songs built in code (no raw text): the formatter must write them so they parse back equal."""
    sections = []
    line_no = 1
    for _ in range(draw(st.integers(0, 3))):
        kind = draw(st.sampled_from([SectionKind.VERSE, SectionKind.CHORUS, SectionKind.BRIDGE]))
        items = []
        for _ in range(draw(st.integers(1, 3))):
            lyrics = draw(_words.filter(lambda s: s.strip() != "" and not s.startswith(("#", "{"))))
            offsets = sorted(draw(st.lists(st.integers(0, len(lyrics)), max_size=3)))
            chords = tuple(ChordRef(draw(st.sampled_from(["C", "G7", "Am", "F#m7b5"])), at) for at in offsets)
            items.append(LyricLine(lyrics, chords))
        sections.append(Section(kind, name=kind.value, items=tuple(items)))
        line_no += len(items) + 2
    return Song(tuple(sections), meta=(("title", draw(_words.map(str.strip))),))


@settings(max_examples=150, deadline=None)
@given(_songs())
def test_songs_built_in_code_format_and_parse_back(song: Song) -> None:
    again = parse(to_chordpro(song))
    assert again.title == song.title.strip() or not song.title.strip()
    assert [
        (s.kind, [(ln.lyrics, [(c.symbol, c.at) for c in ln.chords]) for ln in s.lines])
        for s in again.sections
        if s.kind is not SectionKind.NONE
    ] == [
        (s.kind, [(ln.lyrics, [(c.symbol, c.at) for c in ln.chords]) for ln in s.lines])
        for s in song.sections
    ]


def test_built_directive_without_raw_is_written_canonically() -> None:
    song = Song(
        (
            Section(
                SectionKind.NONE, items=(Directive("key", "G"), Directive("comment", "hi", selector="piano"))
            ),
        )
    )
    assert to_chordpro(song) == "{key: G}\n{comment-piano: hi}\n"
