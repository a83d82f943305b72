"""A chat reply finishes its thought: its room is what the context leaves, it ends at a sentence's end, and
what streams to the writer is what the reply ends up being."""

from __future__ import annotations

import pytest

from cowriter.model.backend import Message
from cowriter.model.context import Fitted
from cowriter.model.llama import LlamaBackend
from cowriter.model.scripted import ScriptedBackend
from cowriter.service import cowrite_chat as chat
from cowriter.service.cowrite import CoWriter
from tests.model.fixtures import llama_backend, model_path  # noqa: F401

SENTENCE = "Try a bridge that turns the river into a road for once. "


def fitted(room: int) -> Fitted:
    return Fitted((Message("user", "what next?"),), room, 0, 10)


@pytest.mark.parametrize(
    ("text", "end"),
    [
        ("One. Two", 5),
        ("One. Two.", 9),
        ('He said "go."', 13),
        ("No end here", 0),
        ("First line\n\nSecond", 12),
        ("Really? Yes! Maybe", 13),
    ],
)
def test_sentence_end(text: str, end: int) -> None:
    assert chat.sentence_end(text) == end


def test_a_long_reply_stops_at_the_first_sentence_end_past_the_soft_limit() -> None:
    words = (SENTENCE * 60).split(" ")  # ~600 pieces, a sentence every 12
    backend = ScriptedBackend.with_replies([" ".join(words)])
    seen: list[str] = []
    text, pieces = chat.reply(backend, fitted(1500), 0.7, 1, seen.append, None)
    assert text.endswith("for once.") and chat.SOFT <= pieces < chat.SOFT + 20
    assert "".join(seen).rstrip() == text, "what streamed is what the reply is"


def test_a_reply_out_of_room_ends_at_its_last_whole_sentence() -> None:
    words = [*(SENTENCE * 3).split(" "), *(["and"] * 300)]  # three sentences, then one that never ends
    backend = ScriptedBackend.with_replies([" ".join(words)])
    seen: list[str] = []
    text, _ = chat.reply(backend, fitted(120), 0.7, 1, seen.append, None)
    assert text == (SENTENCE * 3).strip()
    assert "".join(seen).startswith(text)


def test_a_short_reply_is_all_there() -> None:
    backend = ScriptedBackend.with_replies(["Keep the chorus short. Two lines, maybe three"])
    text, _ = chat.reply(backend, fitted(1500), 0.7, 1, None, None)
    assert text == "Keep the chorus short. Two lines, maybe three", "the model ended its turn: all its words"


def test_the_room_is_what_the_context_leaves() -> None:
    backend = ScriptedBackend.with_replies(["Sure."], context=8192)
    CoWriter(backend).propose("what should the bridge say?", "{title: X}\n", task="chat")
    assert 1500 >= backend.calls[0].max_tokens > 256, "not the old 256-token cut"
    small = ScriptedBackend.with_replies(["Sure."], context=600)
    CoWriter(small).propose("what should the bridge say?", "{title: X}\n", task="chat")
    assert small.calls[0].max_tokens < 600


@pytest.mark.slow
@pytest.mark.model
def test_real_model_chat_ends_on_a_sentence(llama_backend: LlamaBackend) -> None:  # noqa: F811
    p = CoWriter(llama_backend).propose(
        "Explain in detail, with many examples, how to write a bridge for a folk song.",
        "",
        task="chat",
        seed=3,
    )
    assert p.text.rstrip()[-1] in ".!?)\"'”", p.text[-80:]
