"""Chords over lyrics, both ways: a song written as text (`format.to_text`, what `convert --to text` prints)
and read back by the importer (`textimport`) has the same words and the same chords on the same characters.

The songs are random: words with apostrophes and punctuation (and some that spell chords), chords on a
word's first letter, inside a word (the chord that stands on a syllable), after a line's last word, or
crowding the chord before (one character apart, so the text must stretch the word and the importer close it
up again); section labels, headers and comments around them.
"""

from __future__ import annotations

from bisect import bisect_left

from hypothesis import given, settings
from hypothesis import strategies as st

from cowriter.core.format import to_text
from cowriter.core.sheet import read_song
from cowriter.core.song import LyricLine, Song
from cowriter.core.textimport import import_text

# Words, and a few that spell chords ("A", "Am", "Em", "Do"): a line of words holds two at least that are
# not chords, as a reader needs to tell it from a chord row ("C" over "A" alone is two chord rows to any
# reader; the alphabet-song trap has its own tests).
CHORD_WORDS = ("A", "Am", "I", "Em", "a", "Do")
WORDS = (
    "river", "rolling", "away", "the", "wide", "Missouri", "'cross", "I'm", "don't", "Comin'", "'Twas",
    "hour", "believed", "grace", "sweet", "chariot", "home", "see", "you,", "me.", "knee!", "Oh!",
    "Shenandoah", "banjo", "on", "my", "to", "lost,", "found", "blind", "now", "how", "sound", "O'er",
    "jump-up", "rock'n'roll", "2001", "x", "me", "we've", "(oh)", "\"yes\"", "ça", "naïve", "日本",
    *CHORD_WORDS,
)  # fmt: skip
CHORDS = ("C", "G7", "Am", "D/F#", "Bb", "F#m7b5", "Gmaj7", "Esus4", "C#dim", "A7", "Ebm", "N.C.", "D")
LABELS = ("Verse 1", "Chorus", "Bridge", "Lyric strain", "Intro")


@st.composite
def lyric_lines(draw: st.DrawFn) -> str:
    """One ChordPro lyric line with chords on distinct characters (and maybe one after the words)."""
    words = draw(st.lists(st.sampled_from(WORDS), min_size=1, max_size=8))
    if sum(w not in CHORD_WORDS for w in words) < 2:
        words += ["sweet", "home"]
    lyrics = " ".join(words)
    # where a chord may stand: any character but a space (a word's start or a syllable inside it)
    spots = [i for i, ch in enumerate(lyrics) if ch != " "]
    at = sorted(draw(st.sets(st.sampled_from(spots), min_size=1, max_size=min(5, len(spots)))))
    if draw(st.booleans()):
        at.append(len(lyrics) + 1)  # a chord after the last word: `see you, [G]`
        lyrics += " "
    out, last = [], 0
    for col in at:
        out += [lyrics[last:col], f"[{draw(st.sampled_from(CHORDS))}]"]
        last = col
    return "".join([*out, lyrics[last:]])


@st.composite
def songs(draw: st.DrawFn) -> str:
    head = ["# written by hand", "{title: Random Song}", "{key: G}", "{x_style: ballad}", ""]
    body: list[str] = []
    for label in draw(st.lists(st.sampled_from(LABELS), min_size=1, max_size=3, unique=True)):
        body += [f"{{start_of_verse: {label}}}", *draw(st.lists(lyric_lines(), min_size=1, max_size=4))]
        body += ["{end_of_verse}", ""]
    return "\n".join(head + body)


def _sung(line: LyricLine) -> tuple[list[str], list[tuple[str, int]]]:
    """The line's words, and each chord with the letter it stands on, counted without the spaces (the text
    may widen the gap between two words to make room for a chord: the chord stays on its syllable)."""
    letters = [i for i, ch in enumerate(line.lyrics) if not ch.isspace()]
    return line.lyrics.split(), [(c.symbol, bisect_left(letters, c.at)) for c in line.chords]


def _lines(song: Song) -> list[tuple[list[str], list[tuple[str, int]]]]:
    return [_sung(ln) for ln in song.lines]


@settings(max_examples=200, deadline=None)
@given(songs())
def test_text_reads_back_to_the_same_chords_on_the_same_characters(source: str) -> None:
    song = read_song(source)
    text = to_text(song)
    back = import_text(text)
    assert _lines(back) == _lines(song), text
    assert [s.title for s in back.sections if s.title] == [s.title for s in song.sections if s.title]
    assert (back.title, back.key) == ("Random Song", "G")
    assert text.startswith("# written by hand\n")  # comments kept, headers as `name: value`
    assert "x_style: ballad" in text.splitlines() and "{" not in text


@settings(max_examples=200, deadline=None)
@given(lyric_lines())
def test_no_word_is_split_when_chords_crowd_it(line: str) -> None:
    """The words of a line written as text are the line's words: a word stretched under crowded chords
    (`ri----ver`) is still one word, read back as it was written."""
    (lyric,) = read_song(line).lines
    assert isinstance(lyric, LyricLine)
    words = to_text(read_song(line)).splitlines()[-1]
    assert len(words.split()) == len(lyric.lyrics.split()), words
