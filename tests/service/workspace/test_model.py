"""Asking the model through the workspace: alternatives that are really other lines, and where in the song
a proposal is heard."""

from __future__ import annotations

import pytest

from cowriter.model.scripted import ScriptedBackend
from cowriter.service.workspace import Workspace
from cowriter.service.workspace.diff import Proposal, diff_changes
from cowriter.service.workspace.model import same_words

SONG = """{title: Test Song}
{key: C}
{time: 4/4}

{start_of_verse: Verse 1}
[C]Walking down the [G]road tonight
[Am]Looking for a [F]light
{end_of_verse}

{start_of_chorus}
[F]Sing it [G]loud
[C]Sing it [G]proud
{end_of_chorus}
"""
LINE = 5  # "[C]Walking down the [G]road tonight"; every chord of the song holds a bar of 4/4


def make(*replies: str) -> Workspace:
    return Workspace(text=SONG, backend=ScriptedBackend.with_replies(replies, model_name="scripted"))


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("[C]Walking down the [G]road tonight", "walking down the road tonight"),
        ("Walking, down the road -- tonight!", "[Am]walking  down the ROAD tonight"),
        ("I don't know", "I dont know"),
    ],
)
def test_same_words_ignores_chords_case_punctuation_and_spacing(a: str, b: str) -> None:
    assert same_words(a) == same_words(b) != ""


def test_alternatives_never_repeat_the_song_or_each_other() -> None:
    reply = "\n".join([
        "[C]Walking down the [G]road tonight",  # the line itself
        "[G]Looking for a light!",  # another line of the song, other chords and punctuation
        "[F]sing it LOUD",  # the chorus
        "[C]Strolling down the [G]road at night",
        "[D]Strolling down the road, at night",  # the same again
        "[C]Running down the [G]road tonight",
    ])
    proposal = make(reply).alternatives(LINE, count=6)
    assert [a.text for a in proposal.alternatives] == [
        "[C]Strolling down the [G]road at night",
        "[C]Running down the [G]road tonight",
    ]


def test_no_new_line_among_the_alternatives_is_an_error() -> None:
    from cowriter.errors import CowriterError

    with pytest.raises(CowriterError, match="no usable alternative"):
        make("[C]Walking down the road tonight\n[Am]looking for a light\n").alternatives(LINE, count=2)


def bars(text: str, new: str) -> tuple[int, int] | None:
    return make().proposal_bars(Proposal("", "", "", text, new, diff_changes(text, new)))


def test_a_proposal_is_heard_from_its_first_changed_line() -> None:
    lines = SONG.split("\n")
    lines[LINE + 1] = "[Am]Searching for a [F]light"  # the verse's second line: bars 3-4
    assert bars(SONG, "\n".join(lines)) == (3, 4)
    lines = SONG.split("\n")
    lines[LINE + 6] = "[C]Sing it [G]clear"  # the chorus's second line: bars 7-8
    assert bars(SONG, "\n".join(lines)) == (7, 8)


def test_a_new_section_is_heard_from_its_start() -> None:
    new = SONG + "\n{start_of_verse: Verse 2}\n[C]Running through the [G]rain\n{end_of_verse}\n"
    assert bars(SONG, new) == (9, 10)  # after the song's 8 bars


def test_nothing_changed_is_heard_nowhere_in_particular() -> None:
    assert bars(SONG, SONG) is None
