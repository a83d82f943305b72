"""Formatting songs: ChordPro for songs built in code, chords-over-lyrics text for reading."""

from __future__ import annotations

import pytest

from cowriter.core.chordpro import parse
from cowriter.core.format import chord_over_lyric, line_text, to_chordpro, to_text
from cowriter.core.song import ChordRef, LyricLine, Section, SectionKind, Song
from cowriter.core.textimport import import_text


@pytest.mark.parametrize(
    ("line", "text"),
    [
        (LyricLine("Hello", (ChordRef("C", 0),)), "[C]Hello"),
        (LyricLine("Hello", (ChordRef("G", 5),)), "Hello[G]"),
        (LyricLine("Hello", (ChordRef("G", 99),)), "Hello[G]"),
        (LyricLine("la la", (ChordRef("Riff", 0, annotation=True), ChordRef("Am", 3))), "[*Riff]la [Am]la"),
        (LyricLine("", (ChordRef("C", 0), ChordRef("G", 0))), "[C][G]"),
        (LyricLine("ab", (ChordRef("G", 2), ChordRef("C", 0))), "[C]ab[G]"),
    ],
)
def test_line_text(line: LyricLine, text: str) -> None:
    assert line_text(line) == text


@pytest.mark.parametrize(
    ("line", "rows"),
    [
        (
            LyricLine("Swing low, sweet chariot,", (ChordRef("D", 6), ChordRef("G", 17), ChordRef("D", 22))),
            ["      D          G    D", "Swing low, sweet chariot,"],
        ),
        # chords that would touch stretch a word with dashes (an even count: it stays one word, and a hyphen
        # of its own before them stays one) and push words apart
        (LyricLine("abc", (ChordRef("Cmaj7", 0), ChordRef("G", 1))), ["Cmaj7  G", "a------bc"]),
        (LyricLine("jump-up", (ChordRef("Cmaj7", 0), ChordRef("G", 5))), ["Cmaj7  G", "jump---up"]),
        (LyricLine("(oh)", (ChordRef("C", 0), ChordRef("G", 1))), ["C  G", "(--oh)"]),
        (LyricLine("日本 語", (ChordRef("C", 0), ChordRef("G", 3))), ["C    G", "日本 語"]),
        (LyricLine("a bc", (ChordRef("Cmaj7", 0), ChordRef("G", 2))), ["Cmaj7 G", "a     bc"]),
        (LyricLine("river", (ChordRef("Gmaj7", 0), ChordRef("D", 2))), ["Gmaj7 D", "ri----ver"]),
        (LyricLine("", (ChordRef("C", 0), ChordRef("G", 0))), ["C G"]),
        (LyricLine("just words"), ["just words"]),
    ],
)
def test_chord_over_lyric(line: LyricLine, rows: list[str]) -> None:
    assert chord_over_lyric(line) == rows


def test_sections_built_in_code_get_start_and_end_directives() -> None:
    song = Song(
        (
            Section(
                SectionKind.VERSE, name="verse", label="Verse 1", items=(LyricLine("a", (ChordRef("C", 0),)),)
            ),
            Section(SectionKind.CHORUS, name="chorus", recall=True),
        ),
        meta=(("title", "T"), ("key", "G")),
    )
    assert (
        to_chordpro(song)
        == "{title: T}\n{key: G}\n{start_of_verse: Verse 1}\n[C]a\n{end_of_verse}\n{chorus}\n"
    )


def test_text_output_reads_back_to_the_same_chords() -> None:
    song = parse(
        "{title: T}\n{key: G}\n{c: softly}\n{sov: Verse 1}\n[G]Here I [D]am, [Em]wondering [C]where\n"
        "{eov}\n{soc}\n[C]La [G]la\n{eoc}\n{sog}\n| C . G . |\n{eog}\n"
    )
    text = to_text(song)
    assert "Verse 1:" in text and "(softly)" in text and "| C . G . |" in text
    back = import_text(text)
    assert (back.title, back.key) == ("T", "G")
    assert [(ln.lyrics, [(c.symbol, c.at) for c in ln.chords]) for ln in back.lines if ln.has_words] == [
        (ln.lyrics, [(c.symbol, c.at) for c in ln.chords]) for ln in song.lines
    ]
    assert to_text(back) == text


@pytest.mark.parametrize(
    "name", ["cp-basic01-swing-low", "cp-basic02-swing-low-tab", "cp-060-transpositions"]
)
def test_chord_rows_match_chordpro_text_output(conformance, name: str) -> None:  # type: ignore[no-untyped-def]
    """Each chorded line's two rows appear as such in ChordPro's own text rendering of the song
    (except a line whose trailing chords sit over no-break spaces, which ChordPro renders as `--`)."""
    songs = conformance / "songs"
    text = (songs / f"{name}.cho").read_text(encoding="utf-8").split("\n", 1)[1]
    expected = (songs / "expected" / f"{name}.as-text.crd").read_text(encoding="utf-8")
    lines = [ln for ln in parse(text).lines if ln.chords and ln.has_words and "\xa0" not in ln.lyrics]
    assert len(lines) >= 7
    for line in lines:
        assert "\n".join(chord_over_lyric(line)) + "\n" in expected
