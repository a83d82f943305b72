"""Lyric event texts by RP-017: a syllable an event, a space at each word's end, punctuation before it,
CR at the end of a line, LF at the end of a section; the lines read from the chord sheet (issue 17)."""

from __future__ import annotations

from cowriter.core.arrange import melody_of
from cowriter.core.karaoke import LINE, PARAGRAPH, Sung, lyric_texts, performances, span_texts
from cowriter.core.sheet import read_song
from cowriter.core.timing import timeline

SONG = """{title: Two Lines}
{start_of_verse}
A[G]mazing grace, how [C]sweet the [G]sound
That saved a wretch like [D]me.
{end_of_verse}
{start_of_chorus}
[G]Comin' for to [D]carry me [G]home.
{end_of_chorus}
{chorus}
"""


def _sung(*pieces: str) -> list[Sung]:
    """Syllables as written with `-` joining a word's pieces: "A- ma- zing grace,"."""
    out = []
    for i, piece in enumerate(pieces):
        out.append(Sung(float(i), piece.rstrip("-"), piece.endswith("-")))
    return out


def test_words_end_with_a_space_lines_with_cr_sections_with_lf() -> None:
    song = read_song(SONG)
    timed = timeline(song)
    lines = {ln.line: ln.lyrics for ln in song.lines}
    sung = _sung(
        "A-", "ma-", "zing", "grace", "how", "sweet", "the", "sound",
        "That", "saved", "a", "wretch", "like", "me",
        "Co-", "min'", "for", "to", "car-", "ry", "me", "home",
        "Co-", "min'", "for", "to", "car-", "ry", "me", "home",
    )  # fmt: skip
    texts = lyric_texts(sung, timed, lines)
    assert "".join(texts) == (
        "Amazing grace, how sweet the sound \r"
        "That saved a wretch like me. \n"
        "Comin' for to carry me home. \n"
        "Comin' for to carry me home. \n"
    )
    assert texts[:4] == ["A", "ma", "zing ", "grace, "]
    assert texts[15] == "min' "  # the word's own apostrophe, then the space
    assert LINE == "\r" and PARAGRAPH == "\n"


def test_a_tune_for_other_words_marks_no_wrong_line_ends() -> None:
    song = read_song(SONG)
    texts = lyric_texts(_sung("la", "la", "la"), timeline(song), {ln.line: ln.lyrics for ln in song.lines})
    assert texts == ["la ", "la ", "la "]


def test_performances_follow_the_timeline_through_a_recall() -> None:
    song = read_song(SONG)
    order = [line for line, _ in performances(timeline(song))]
    chorus = next(ln.line for ln in song.lines if ln.lyrics.startswith("Comin'"))
    assert order.count(chorus) == 2 and order[-1] == chorus


def test_without_a_tune_the_words_under_each_chord() -> None:
    texts = [t for _, t in span_texts(timeline(read_song(SONG)))]
    assert texts[0] == "mazing grace, how "
    assert texts[2] == "sound \r"
    assert texts[-1] == "home. \n"


def test_stored_melody_gives_one_event_per_syllable_in_its_track() -> None:
    from cowriter.core.arrange import arrange

    text = SONG.replace("{chorus}\n", "") + (
        "{start_of_abc}\nX:1\nM:4/4\nL:1/4\nK:G\nC D E F | G A B c | d e f g | a b c' d' |\n"
        "w: Co-min' for to car-ry me home.\n{end_of_abc}\n"
    )
    song = read_song(text)
    assert melody_of(song)
    lyrics = [e.text for e in arrange(song).lyrics]
    assert lyrics[:2] == ["Co", "min' "]
