"""Fitting the song and the chat into the context window: the song never goes, old chat does."""

from __future__ import annotations

import pytest

from cowriter.model.backend import Message, ModelError
from cowriter.model.context import PER_MESSAGE, fit


def words(text: str) -> int:
    """One token per word: easy arithmetic for the tables below."""
    return len(text.split())


SYSTEM = Message("system", "be a co-writer")  # 3 tokens
SONG = Message("user", "song " * 100)  # 100 tokens
EXAMPLES = (Message("user", "ex " * 20), Message("assistant", "reply " * 20))
HISTORY = tuple(
    Message("user" if i % 2 == 0 else "assistant", f"turn{i} " + "w " * 29) for i in range(10)
)  # 30 tokens each


def test_everything_fits_in_a_big_window() -> None:
    fitted = fit(
        SYSTEM, SONG, history=HISTORY, examples=EXAMPLES, context_size=4096, answer_tokens=200, count=words
    )
    assert fitted.messages == (SYSTEM, *EXAMPLES, *HISTORY, SONG)
    assert fitted.dropped == 0
    assert fitted.max_tokens == 200
    assert fitted.prompt_tokens + fitted.max_tokens <= 4096


@pytest.mark.parametrize("context", [300, 400, 500, 700])
def test_old_chat_goes_first_and_is_summarised(context: int) -> None:
    fitted = fit(
        SYSTEM, SONG, history=HISTORY, examples=EXAMPLES, context_size=context, answer_tokens=100, count=words
    )
    assert fitted.messages[0] == SYSTEM and fitted.messages[-1] == SONG
    assert fitted.prompt_tokens + fitted.max_tokens <= context
    assert fitted.max_tokens == 100
    kept = [m for m in fitted.messages if m in HISTORY]
    assert kept == list(HISTORY[len(HISTORY) - len(kept) :]), "the most recent turns are the ones kept"
    assert not kept or kept[0].role == "user"
    assert fitted.dropped == len(HISTORY) - len(kept)
    summaries = [m for m in fitted.messages if m.content.startswith("(Earlier the writer asked")]
    if fitted.dropped and summaries:
        assert "turn0" in summaries[0].content


def test_examples_give_way_before_the_answer_room() -> None:
    fitted = fit(
        SYSTEM,
        SONG,
        examples=EXAMPLES,
        context_size=3 + 100 + 2 * PER_MESSAGE + 100,
        answer_tokens=100,
        count=words,
    )
    assert fitted.messages == (SYSTEM, SONG)
    assert fitted.max_tokens == 100


def test_answer_room_shrinks_but_not_below_the_floor() -> None:
    fitted = fit(SYSTEM, SONG, context_size=3 + 100 + 2 * PER_MESSAGE + 120, answer_tokens=500, count=words)
    assert fitted.max_tokens == 120


def test_a_song_too_long_for_the_window_is_a_clear_error() -> None:
    with pytest.raises(ModelError, match="larger context"):
        fit(SYSTEM, SONG, context_size=150, answer_tokens=100, count=words)
