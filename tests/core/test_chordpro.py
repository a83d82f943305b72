"""ChordPro parsing: directives, sections, chords in lines, metadata, several songs, and bad input."""

from __future__ import annotations

import pytest

from cowriter.core.chordpro import lex_line, parse, parse_songs
from cowriter.core.song import (
    Blank,
    ChordRef,
    Comment,
    Directive,
    GridRow,
    LyricLine,
    SectionKind,
    Severity,
    Verbatim,
)


@pytest.mark.parametrize(
    ("text", "lyrics", "chords"),
    [
        ("plain words", "plain words", []),
        ("[C]Hello", "Hello", [("C", 0, 1, False)]),
        (
            "Swing [D]low, sweet [G]chari[D]ot,",
            "Swing low, sweet chariot,",
            [("D", 6, 7, False), ("G", 17, 21, False), ("D", 22, 29, False)],
        ),
        ("[G]     [D]", "     ", [("G", 0, 1, False), ("D", 5, 9, False)]),
        ("[*Riff]la [Am7/G]la", "la la", [("Riff", 0, 1, True), ("Am7/G", 3, 11, False)]),
        ("end [A7]", "end ", [("A7", 4, 5, False)]),
        ("[(E)]opt [N.C.]stop", "opt stop", [("(E)", 0, 1, False), ("N.C.", 4, 10, False)]),
        ("[*riff:  ]x", "x", [("riff:  ", 0, 1, True)]),
        ("日本[Am]語", "日本語", [("Am", 2, 3, False)]),
    ],
)
def test_lex_line_lifts_chords_at_offsets(
    text: str, lyrics: str, chords: list[tuple[str, int, int, bool]]
) -> None:
    line, diags = lex_line(text, 1)
    assert line.lyrics == lyrics
    assert [(c.symbol, c.at, c.column, c.annotation) for c in line.chords] == chords
    assert diags == []


@pytest.mark.parametrize(
    ("text", "name", "value", "selector", "negated"),
    [
        ("{title: Song}", "title", "Song", None, False),
        ("{t:Song}", "title", "Song", None, False),
        ("{TITLE : Song}", "title", "Song", None, False),
        ("{st: Sub}", "subtitle", "Sub", None, False),
        ("{c: a comment}", "comment", "a comment", None, False),
        ("{ci: italic}", "comment_italic", "italic", None, False),
        ("{cb: boxed}", "comment_box", "boxed", None, False),
        ("{highlight: look}", "highlight", "look", None, False),
        ("{key-piano: E}", "key", "E", "piano", False),
        ("{c-guitar!: not for guitar}", "comment", "not for guitar", "guitar", True),
        ("{x_style: bossa}", "x_style", "bossa", None, False),
        ("{custom: key:value:extra}", "custom", "key:value:extra", None, False),
        ("{transpose +2}", "transpose", "+2", None, False),
        ("{transpose}", "transpose", None, None, False),
        (
            "{define: D base-fret 1 frets x x 0 2 3 2}",
            "define",
            "D base-fret 1 frets x x 0 2 3 2",
            None,
            False,
        ),
        (
            "{c: Key is %{key}%{key.print|, print %{}}}",
            "comment",
            "Key is %{key}%{key.print|, print %{}}",
            None,
            False,
        ),
    ],
)
def test_directives_read_in_every_spelling(
    text: str, name: str, value: str | None, selector: str | None, negated: bool
) -> None:
    song = parse(text + "\n")
    (item,) = list(song.items())
    assert isinstance(item, Directive)
    assert (item.name, item.value, item.selector, item.negated) == (name, value, selector, negated)
    assert item.raw == text


def test_metadata_collects_in_order_and_mid_song_key_adds_a_value() -> None:
    song = parse(
        "{t: A}\n{artist: X}\n{artist: Y}\n{key: G}\n{tempo: 96}\n{time: 3/4}\n{capo: 2}\n"
        "{meta: mood calm}\n{x_flow: Verse, Chorus}\n[G]la\n{key: A}\n{key-piano: E}\n{key-bass!: F}\n"
    )
    assert song.title == "A"
    assert song.get_all("artist") == ("X", "Y")
    assert song.get_all("key") == ("G", "A", "F")
    assert (song.key, song.tempo, song.time, song.get("capo"), song.get("mood")) == (
        "G",
        96.0,
        "3/4",
        "2",
        "calm",
    )
    assert song.flow == ("Verse", "Chorus")


@pytest.mark.parametrize(
    ("text", "kind", "name", "label"),
    [
        ("{soc}\nx\n{eoc}\n", SectionKind.CHORUS, "chorus", ""),
        ("{start_of_chorus}\nx\n{end_of_chorus}\n", SectionKind.CHORUS, "chorus", ""),
        ("{sov: Verse 2}\nx\n{eov}\n", SectionKind.VERSE, "verse", "Verse 2"),
        ('{start_of_verse label="Verse 3"}\nx\n{end_of_verse}\n', SectionKind.VERSE, "verse", "Verse 3"),
        ("{start_of_verse verse 1}\nx\n{end_of_verse}\n", SectionKind.VERSE, "verse", "verse 1"),
        ("{sob}\nx\n{eob}\n", SectionKind.BRIDGE, "bridge", ""),
        ("{start_of_intro: Guitar Intro}\nx\n{end_of_intro}\n", SectionKind.OTHER, "intro", "Guitar Intro"),
        ("{start_of_pre-chorus}\nx\n{end_of_pre-chorus}\n", SectionKind.OTHER, "pre-chorus", ""),
        ("{start_of_grid 1+4x2+4}\n| C . |\n{end_of_grid}\n", SectionKind.GRID, "grid", ""),
        ("{start_of_grid: 4x4 Intro}\n| C . |\n{end_of_grid}\n", SectionKind.GRID, "grid", "Intro"),
        ("{start_of_chorus-guitar}\nx\n{end_of_chorus}\n", SectionKind.CHORUS, "chorus", ""),
    ],
)
def test_environments_open_labelled_sections(text: str, kind: SectionKind, name: str, label: str) -> None:
    song = parse(text)
    (section,) = song.sections
    assert (section.kind, section.name, section.label) == (kind, name, label)
    assert (section.line, section.end_line) == (1, 3)
    assert not song.diagnostics


def test_verbatim_environments_keep_chords_and_braces_as_text() -> None:
    text = (
        '{start_of_abc}\nX:1\n"G" G2 [ab] {x}\n{end_of_abc}\n'
        "{sot}\n[0]---\n{some directive}\n{eot}\n[C]after\n"
    )
    song = parse(text)
    abc, tab, _ = song.sections
    assert abc.kind is SectionKind.ABC and all(isinstance(i, Verbatim) for i in abc.items)
    assert tab.kind is SectionKind.TAB and [i.text for i in tab.items if isinstance(i, Verbatim)] == [
        "[0]---",
        "{some directive}",
    ]
    assert [c.symbol for c in song.lines[0].chords] == ["C"]
    assert not song.diagnostics


def test_chorus_recall_repeats_the_last_chorus() -> None:
    song = parse("{soc: Refrain}\n[G]Sing\n{eoc}\n[Am]verse\n{chorus}\n{chorus: Final Chorus}\n")
    chorus, _, recall, final = song.sections
    assert recall.recall and recall.items == chorus.items and recall.label == "Refrain"
    assert final.recall and final.label == "Final Chorus" and final.line == 6


def test_comments_blanks_and_grids_are_items() -> None:
    song = parse("# a note\n   \n{sog}\nA || G7 . | % . |\n{eog}\n")
    comment, blank = song.sections[0].items
    assert comment == Comment("# a note", 1)
    assert blank == Blank(2, "   ")
    (row,) = song.sections[1].items
    assert isinstance(row, GridRow) and row.label == "A" and len(row.bars) == 2


def test_several_songs_split_at_new_song() -> None:
    songs = parse_songs("{title: One}\n[C]a\n{new_song}\n{title: Two}\n[D]b\n{ns}\n{t: Three}\n")
    assert [s.title for s in songs] == ["One", "Two", "Three"]
    assert songs[1].sections[0].items[0] == Directive("new_song", None, "new_song", line=3, raw="{new_song}")


def test_line_ends_crlf_and_cr_read_alike() -> None:
    lf = parse("{title: T}\n[C]a\n")
    assert parse("{title: T}\r\n[C]a\r\n") == lf == parse("{title: T}\r[C]a\r")


@pytest.mark.parametrize(
    ("text", "line", "column", "severity", "message"),
    [
        ("{title: Test}\n[Am]Hello [G\n", 2, 11, Severity.ERROR, "unclosed chord"),
        ("text [Am\n", 1, 6, Severity.ERROR, "unclosed chord"),
        ("{title: My Song\nla\n", 1, 16, Severity.ERROR, "unclosed directive"),
        ("{}\n", 1, 1, Severity.ERROR, "empty directive"),
        ("{: value}\n", 1, 1, Severity.ERROR, "empty directive name"),
        ("la\n{end_of_chorus}\n", 2, 1, Severity.WARNING, "without a matching start"),
        ("{soc}\n{sov}\nx\n{eov}\n", 2, 1, Severity.WARNING, "closing `chorus` first"),
        ("{my_custom: v}\n", 1, 2, Severity.WARNING, "unknown directive"),
        ("{soc}\nla\n", 1, 1, Severity.WARNING, "never closed"),
        ("{chorus}\n", 1, 1, Severity.WARNING, "none comes before"),
        ("[Cxyz]la\n", 1, 3, Severity.WARNING, "unknown chord"),
        ("[]la\n", 1, 1, Severity.WARNING, "empty chord"),
        ("{title: x} trailing\n", 1, 12, Severity.WARNING, "text after the directive"),
    ],
)
def test_bad_input_is_a_located_diagnostic_and_the_rest_parses(
    text: str, line: int, column: int, severity: Severity, message: str
) -> None:
    song = parse(text + "[D]still here\n")
    matching = [d for d in song.diagnostics if message in d.message]
    assert matching, song.diagnostics
    assert (matching[0].line, matching[0].column, matching[0].severity) == (line, column, severity)
    assert song.lines[-1].chords[0].symbol == "D"


def test_unclosed_bracket_keeps_the_users_text() -> None:
    song = parse("[Am]Hello [G\n")
    assert song.lines[0] == LyricLine("Hello [G", (ChordRef("Am", 0, 1),), 1)


def test_x_directives_and_defined_chords_are_silent() -> None:
    song = parse("{x_anything: 1}\n{define: Dosa base-fret 5 frets 1 1 3 3 3 1}\n[Dosa]la\n")
    assert not song.diagnostics


def test_conformance_multi_song_and_recall(conformance) -> None:  # type: ignore[no-untyped-def]
    songs_dir = conformance / "songs"
    songs = parse_songs((songs_dir / "sk-multi-song.cho").read_text(encoding="utf-8"))
    assert [s.title for s in songs] == ["Amazing Grace", "Danny Boy"]
    recall = parse((songs_dir / "sk-chorus-recall.cho").read_text(encoding="utf-8"))
    assert [s.recall for s in recall.sections if s.kind is SectionKind.CHORUS] == [False, True, True]


def test_conformance_abc_chords_are_not_song_chords(conformance) -> None:  # type: ignore[no-untyped-def]
    song = parse((conformance / "songs" / "cp-molly-malone.cho").read_text(encoding="utf-8"))
    abc = [s for s in song.sections if s.kind is SectionKind.ABC]
    assert abc and all(not isinstance(i, LyricLine) for s in abc for i in s.items)
    assert not song.errors
