"""Reading the writer's words into a task and craft constraints."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cowriter.model.request import TASKS, infer_task, parse_request


@pytest.mark.parametrize(
    ("prompt", "task"),
    [
        ("a chorus about leaving Detroit", "section"),
        ("three other lines for this one", "alternatives"),
        ("give me some alternatives for line 2", "alternatives"),
        ("darker chords for the bridge", "reharmonise"),
        ("reharmonize the verse", "reharmonise"),
        ("chords for the verse", "chords"),
        ("rewrite the chorus with 7 syllables a line", "rewrite"),
        ("make the chorus sadder", "mood"),
        ("continue the song", "continue"),
        ("what comes next?", "continue"),
        ("a sad chorus", "section"),  # a mood word alone describes a new section
    ],
)
def test_infer_task(prompt: str, task: str) -> None:
    assert infer_task(prompt) == task


@pytest.mark.parametrize(
    ("prompt", "field", "value"),
    [
        ("a chorus about leaving Detroit, 8 syllables a line, rhyme with 'rain'", "section", "chorus"),
        ("a chorus about leaving Detroit, 8 syllables a line, rhyme with 'rain'", "syllables", 8),
        ("a chorus about leaving Detroit, 8 syllables a line, rhyme with 'rain'", "rhyme_with", "rain"),
        ("a chorus about leaving Detroit, 8 syllables a line, rhyme with 'rain'", "rhyme_lines", (2, 4)),
        ("a 6-line bridge about trains", "lines", 6),
        ("a bridge of two lines", "lines", 2),
        ("two lines for the outro", "lines", 2),
        ("a 40-line verse", "lines", 16),  # capped
        ("a pre-chorus", "section", "pre-chorus"),
        ("a pre-chorus", "label", "Pre Chorus"),
        ("verse 2 about the river", "label", "Verse 2"),
        ("verse 2 about the river", "target_section", "verse 2"),
        ("a refrain", "section", "chorus"),
        ("five other lines", "alternatives", 5),
        ("twelve different options", "alternatives", 8),  # capped
        ("rewrite line 3", "target_line", 3),
        ("a verse that rhymes with “fire”", "rhyme_with", "fire"),
        ("a verse, rhyming fire", "rhyme_with", "fire"),
        ("make it darker", "mood", "darker"),
        ("a verse", "syllables", None),
        ("a verse", "rhyme_with", None),
        ("a 1-line hook, rhyme with 'fire'", "rhyme_lines", (1,)),
    ],
)
def test_parse_request_fields(prompt: str, field: str, value: object) -> None:
    assert getattr(parse_request(prompt), field) == value


def test_explicit_task_wins() -> None:
    assert parse_request("darker chords for the bridge", task="chat").task == "chat"


def test_unknown_task_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown task"):
        parse_request("hi", task="dance")


@given(st.text(max_size=200))
def test_any_words_give_a_sane_request(prompt: str) -> None:
    request = parse_request(prompt)
    assert request.task in TASKS
    assert 1 <= request.lines <= 16
    assert 1 <= request.alternatives <= 8
    assert all(1 <= n <= request.lines for n in request.rhyme_lines)
