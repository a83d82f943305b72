"""A request that ends without a reply (cancelled, failed) is in the chat and the session as asked, with
what became of it; the model does not read it again with the next request."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from cowriter.errors import CowriterError
from cowriter.model.backend import GenerationCancelled, Message
from cowriter.model.scripted import ScriptedBackend, ScriptedReply
from cowriter.service.workspace import Workspace
from cowriter.service.workspace.model import answered
from cowriter.session import SessionStore

SONG = "{title: River}\n{start_of_verse}\n[C]Down by the [G]river\n{end_of_verse}\n"
VERSE = (
    "{start_of_verse: Verse 2}\n[C]Up on the [G]mountain\n[Am]Under the [F]stars\n"
    "[C]Nobody [G]knows us\n[F]Nobody [C]cares\n{end_of_verse}\n"
)


def workspace(tmp_path: Path, backend: ScriptedBackend) -> Workspace:
    sessions = tmp_path / "sessions"
    SessionStore(sessions).create("river", SONG).close()
    return Workspace.open(None, session="river", sessions_dir=sessions, backend=backend, audio="none")


def test_a_cancelled_request_is_kept_in_the_chat_and_the_session(tmp_path: Path) -> None:
    cancel = threading.Event()
    backend = ScriptedBackend.with_replies([ScriptedReply(VERSE, GenerationCancelled(), fail_after=2), VERSE])
    ws = workspace(tmp_path, backend)
    with pytest.raises(CowriterError):
        ws.propose("a verse about the mountain", cancel=cancel)
    assert [(m.role, m.content) for m in ws.history[-2:]] == [
        ("user", "a verse about the mountain"),
        ("assistant", "(cancelled)"),
    ]
    ws.close()
    again = Workspace.open(None, session="river", sessions_dir=tmp_path / "sessions", audio="none")
    try:
        assert [(m.role, m.content) for m in again.history[-2:]] == [
            ("user", "a verse about the mountain"),
            ("assistant", "(cancelled)"),
        ]
    finally:
        again.close()


def test_a_failed_request_says_why_and_the_next_one_does_not_carry_it(tmp_path: Path) -> None:
    backend = ScriptedBackend.with_replies([ScriptedReply(VERSE, CowriterError("the server went away"), 1)])
    ws = workspace(tmp_path, backend)
    with pytest.raises(CowriterError):
        ws.propose("a verse about the sea")
    assert ws.history[-1] == Message("assistant", "(no answer: the server went away)")
    backend.default = VERSE
    ws.propose("a verse about the mountain")
    read = [m.content for call in backend.calls[1:] for m in call.messages]
    assert not any("a verse about the sea" in text for text in read)  # the unanswered request is not read
    assert not any("(no answer" in text for text in read)
    ws.close()


def test_answered_keeps_only_exchanges_the_model_answered() -> None:
    history = [
        Message("user", "one"),
        Message("assistant", "[C]a line"),
        Message("user", "two"),
        Message("assistant", "(cancelled)"),
        Message("user", "three"),
        Message("assistant", "(no answer: timed out)"),
        Message("user", "four"),
        Message("assistant", "(a parenthesis the model wrote)"),
    ]
    assert [m.content for m in answered(history)] == [
        "one",
        "[C]a line",
        "four",
        "(a parenthesis the model wrote)",
    ]
