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
        ("two more lines for the verse, about waiting on the pier at night", "continue"),
        ("add a line about the rain", "continue"),
        ("finish the verse", "continue"),
        ("two more ways to say line 3", "alternatives"),
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


@pytest.mark.parametrize(
    ("prompt", "scheme", "lines", "groups"),
    [
        ("a chorus, ABAB rhyme", "ABAB", 4, ((1, 3), (2, 4))),
        ("a verse in rhyming couplets", "AABB", 4, ((1, 2), (3, 4))),
        ("a verse, rhyme scheme abcb", "ABCB", 4, ((2, 4),)),
        ("a bridge, XAXA", "XAXA", 4, ((2, 4),)),
        ("an 8-line verse, ABAB", "ABAB", 8, ((1, 3), (2, 4), (5, 7), (6, 8))),
        ("a 2-line hook, AA rhyme", "AA", 2, ((1, 2),)),
        ("a hook, aa", None, 4, ()),  # two small letters are no scheme
        ("a verse about ABBA records", "ABBA", 4, ((1, 4), (2, 3))),  # letters are letters
        ("a verse about a cab", None, 4, ()),
        ("a verse with alternate rhyme", "ABAB", 4, ((1, 3), (2, 4))),
    ],
)
def test_rhyme_schemes(
    prompt: str, scheme: str | None, lines: int, groups: tuple[tuple[int, ...], ...]
) -> None:
    request = parse_request(prompt)
    assert request.scheme == scheme
    assert request.lines == lines
    assert request.rhyme_groups(request.lines) == groups


def test_a_scheme_sets_the_lines_unless_they_are_named() -> None:
    assert parse_request("a chorus, AABBCC").lines == 6
    assert parse_request("a 4-line chorus, AABBCC").lines == 4


def test_rhyme_with_and_a_scheme_rhyme_the_last_group_with_the_word() -> None:
    request = parse_request("a verse, AABB, rhyme with 'rain'")
    assert request.rhyme_with == "rain" and request.rhyme_lines == (3, 4)


@pytest.mark.parametrize(
    ("prompt", "lines"),
    [
        ("rewrite line 3", (3,)),
        ("rewrite lines 2-4", (2, 3, 4)),
        ("rewrite lines 2 to 3", (2, 3)),
        ("rewrite lines 1 and 3", (1, 3)),
        ("rewrite lines 1, 2 and 5", (1, 2, 5)),
        ("alternatives for line 12", (12,)),
        ("a chorus of four lines", ()),
        ("rewrite line 0", ()),
    ],
)
def test_named_lines(prompt: str, lines: tuple[int, ...]) -> None:
    request = parse_request(prompt)
    assert request.target_lines == lines
    assert request.target_line == (lines[0] if lines else None)


@pytest.mark.parametrize(
    ("prompt", "meter"),
    [
        ("rewrite line 2, keep the meter", True),
        ("continue in the same rhythm", True),
        ("match the metre", True),
        ("a verse about meters and miles", False),
    ],
)
def test_keep_the_meter(prompt: str, meter: bool) -> None:
    assert parse_request(prompt).keep_meter is meter


@pytest.mark.parametrize(
    ("prompt", "topic", "words"),
    [
        (
            "a chorus about my grandmother's kitchen, ABAB",
            "my grandmother's kitchen",
            ("grandmother", "kitchen"),
        ),
        (
            "a verse about nets and gulls in the harbour, 8 syllables",
            "nets and gulls in the harbour",
            ("nets", "gulls", "harbour"),
        ),
        ("a waltz about the sea in D minor", "the sea", ("sea",)),
        ("rewrite line 2", "", ()),
    ],
)
def test_topic_and_content_words(prompt: str, topic: str, words: tuple[str, ...]) -> None:
    request = parse_request(prompt)
    assert request.topic == topic
    assert request.content_words == words


@pytest.mark.parametrize(
    "prompt", ["a verse in rhyming couplets", "a chorus, rhyme scheme ABAB", "rhyming abab"]
)
def test_a_scheme_is_no_word_to_rhyme_with(prompt: str) -> None:
    assert parse_request(prompt).rhyme_with is None
