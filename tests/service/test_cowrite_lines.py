"""`line N` in a request is the writer's line N: the editor's gutter and the file's 1-based lines."""

from __future__ import annotations

import pytest

from cowriter.errors import CowriterError
from cowriter.model.scripted import ScriptedBackend
from cowriter.service.cowrite import CoWriter
from cowriter.service.cowrite_craft import CraftChecks
from cowriter.service.workspace import Workspace

SONG = """{title: Recall}
{key: C}

{start_of_chorus}
[C]Sing it [G]loud
[F]Sing it [C]clear
{end_of_chorus}

{start_of_verse: Verse 1}
[C]Walking down the [G]road
[Am]Looking for a [F]light
{end_of_verse}

{chorus}

{start_of_verse: Verse 2}
[C]Morning comes and [G]I am gone
[Am]Nothing left to [F]say
{end_of_verse}
"""

OVER = """Title line

C            G
Walking down the road tonight
Am           F
Looking for a light
"""

CHECKS = CraftChecks(
    count_syllables=lambda line: len(line.split()),
    rhymes_for=lambda word: ["day"],
    rhymes_with=lambda word, target: word[-2:] == target[-2:],
)
NEW = "[C]Something new and [G]something true"


def writer(*replies: str) -> CoWriter:
    return CoWriter(ScriptedBackend.with_replies(replies), checks=CHECKS)


def changed(before: str, after: str) -> dict[int, str]:
    old, new = before.split("\n"), after.split("\n")
    assert len(old) == len(new)
    return {n: b for n, (a, b) in enumerate(zip(old, new, strict=True), 1) if a != b}


@pytest.mark.parametrize("n", [5, 6, 10, 11, 17, 18])  # lyric lines before and after a recalled chorus
def test_rewrite_line_n_rewrites_the_editors_line_n(n: int) -> None:
    p = writer(NEW + "\n").propose(f"rewrite line {n}", SONG, numbering="editor")
    assert changed(SONG, p.song) == {n: NEW}


@pytest.mark.parametrize("n", [1, 3, 14, 40])  # a directive, a blank line, the recall, past the end
def test_a_line_without_words_is_refused_by_its_number(n: int) -> None:
    with pytest.raises(CowriterError, match=f"line {n} has no lyrics"):
        writer(NEW + "\n").propose(f"rewrite line {n}", SONG, numbering="editor")


@pytest.mark.parametrize(
    ("n", "words"),
    [(4, "Walking down"), (3, "Walking down"), (6, "Looking for")],  # 3: the chords above line 4's words
)
def test_chords_over_lyrics_count_the_writers_lines(n: int, words: str) -> None:
    p = writer("[C]Something new and [G]something true\n").propose(
        f"rewrite line {n}", OVER, numbering="editor"
    )
    assert words not in p.song and "Something new" in p.song
    other = "Looking for" if words == "Walking down" else "Walking down"
    assert other in p.song


def test_alternatives_from_the_editor_name_its_line() -> None:
    reply = "[C]Waking to the [G]dawn\n[C]Stepping out the [G]door\n"
    ws = Workspace(text=SONG, backend=ScriptedBackend.with_replies([reply], model_name="scripted"))
    index = SONG.split("\n").index("[C]Morning comes and [G]I am gone")  # after the recalled chorus
    proposal = ws.alternatives(index, count=2)
    assert proposal.prompt == f"2 alternatives for line {index + 1}"
    assert changed(SONG, proposal.text) == {index + 1: proposal.alternatives[0].text}


FRAMED = """{title: Framed}
{start_of_verse}
[C]First words of the [G]verse
{comment: softly}
[Am]Second words [F]here
# a note to self
[C]Third words [G]now

[F]Fourth words [C]after a blank
[C] [G] [Am]
Fifth words under a chord row
{end_of_verse}
"""

OVER_BLANK = """Title line

C            G
Walking down the road tonight

Looking for a light
"""


@pytest.mark.parametrize(
    ("text", "n"),
    [
        (SONG, 4),  # {start_of_chorus} just above the chorus's first words
        (SONG, 9),  # {start_of_verse: Verse 1}
        (SONG, 16),  # {start_of_verse: Verse 2}, just after the recalled chorus
        (FRAMED, 2),  # an unlabelled {start_of_verse}
        (FRAMED, 4),  # a {comment} directive
        (FRAMED, 6),  # a # comment line
        (FRAMED, 8),  # a blank line
        (OVER_BLANK, 5),  # a blank line above words in chords over lyrics
    ],
    ids=[
        "start-chorus",
        "start-verse-1",
        "start-verse-2",
        "start-verse",
        "comment-directive",
        "hash-comment",
        "blank",
        "over-blank",
    ],
)
def test_a_wordless_line_above_words_is_refused_not_shifted(text: str, n: int) -> None:
    with pytest.raises(CowriterError, match=f"line {n} has no lyrics to work on"):
        writer(NEW + "\n").propose(f"rewrite line {n}", text, numbering="editor")


def test_a_line_of_only_chords_above_its_words_means_those_words() -> None:
    p = writer(NEW + "\n").propose("rewrite line 10", FRAMED, numbering="editor")
    assert changed(FRAMED, p.song) == {11: NEW}


def test_more_lines_for_a_section_go_at_its_end() -> None:
    """ "Two more lines for the verse" extends the song's last verse; a new section follows otherwise."""
    reply = "[C]Waking to the [G]dawn\n[C]Stepping out the [G]door\n"
    p = writer(reply).propose("two more lines for the verse", SONG)
    assert p.task == "continue"
    lines = p.song.split("\n")
    at = lines.index("[Am]Nothing left to [F]say")
    assert lines[at + 1 : at + 4] == [
        "[C]Waking to the [G]dawn",
        "[C]Stepping out the [G]door",
        "{end_of_verse}",
    ]
    assert p.song.replace("[C]Waking to the [G]dawn\n[C]Stepping out the [G]door\n", "") == SONG
    fresh = writer("{start_of_bridge}\n" + reply + "{end_of_bridge}\n").propose("two more lines", SONG)
    assert fresh.song.startswith(SONG.rstrip("\n")) and fresh.song.count("{start_of_verse") == 2
