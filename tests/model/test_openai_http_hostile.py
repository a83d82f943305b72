"""A model server can be anyone's: odd replies from a local server on 127.0.0.1 each end in one clear line,
within a memory ceiling and a bounded time, never an AttributeError, a TypeError or gigabytes."""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path

import pytest

from cowriter.model.backend import GenerationCancelled, Message, ModelError
from cowriter.model.openai_http import MAX_BODY, OpenAIHTTPBackend
from tests.hostile import assert_shown_safe, run
from tests.odd_server import OddServer, endless, endless_line, keepalive, raw, silent, sse

ASK = ["ask", "a chorus about rain", "--task", "section"]
CHAT = ["ask", "a chorus about rain", "--task", "chat"]
HELLO = [Message("user", "hello")]
CEILING_MB = 150


def _ask(server: OddServer, tmp_path: Path) -> tuple[str, float]:
    done = run(["--model", server.url, *ASK], tmp_path, timeout=90)
    assert done.code == 1, (done.code, done.stderr)
    assert done.peak_mb < CEILING_MB, f"peak {done.peak_mb:.0f} MB"
    assert_shown_safe(done.err)
    return done.one_line_error().replace(server.url, "URL"), done.peak_mb


CASES = [
    (
        {"chat": endless("la " * 20_000)},  # 60 KB a piece: 16 MB long before max_tokens pieces
        "cowriter: the model server at URL sent an answer larger than 16 MB; stopped reading "
        "(is it a model server? check the URL)",
    ),
    (
        {"chat": endless_line()},
        "cowriter: the model server at URL sent a line longer than 1 MB; stopped reading "
        "(is it a model server? check the URL)",
    ),
    (
        {"chat": raw("data: [1, 2]\n\n", content_type="text/event-stream")},
        "cowriter: the model server at URL sent a JSON list where an object belongs "
        "(is it an OpenAI-compatible server? check the URL)",
    ),
    (
        {"chat": raw("data: 42\n\n", content_type="text/event-stream")},
        "cowriter: the model server at URL sent a JSON number where an object belongs "
        "(is it an OpenAI-compatible server? check the URL)",
    ),
    (
        {"chat": raw("[1, 2]")},  # a JSON body where a stream was asked for
        "cowriter: the model server at URL sent a JSON list where an object belongs "
        "(is it an OpenAI-compatible server? check the URL)",
    ),
    (
        {
            "chat": raw(
                'data: {"choices": [{"delta": {"content": 42}}]}\n\n', content_type="text/event-stream"
            )
        },
        "cowriter: the model server at URL sent content that is a JSON number, not text "
        "(is it an OpenAI-compatible server? check the URL)",
    ),
    (
        {"models": raw("[1, 2]")},
        'cowriter: the model server at URL sent a bad model list (a JSON list, not an object with a "data" '
        "list) (is the URL an OpenAI-compatible /v1?)",
    ),
    (
        {"models": raw("7")},
        'cowriter: the model server at URL sent a bad model list (a JSON number, not an object with a "data" '
        "list) (is the URL an OpenAI-compatible /v1?)",
    ),
    (
        {"models": raw('{"data": []}')},
        "cowriter: the model server at URL lists no models "
        "(load a model into the server, or name one with --model-name)",
    ),
    (
        {"chat": raw("boom \x1b]0;PWNED\x07\n\x1b[2J", status=500, content_type="text/plain")},
        "cowriter: the model server at URL answered 500 Internal Server Error (boom ␛]0;PWNED␇␊␛[2J)",
    ),
]


@pytest.mark.parametrize(("server", "line"), CASES, ids=[c[1][32:80] for c in CASES])
def test_an_odd_reply_is_one_clear_line(server: dict[str, object], line: str, tmp_path: Path) -> None:
    with OddServer(**server) as odd:  # type: ignore[arg-type]
        said, _ = _ask(odd, tmp_path)
    assert said == line


def test_an_endless_chat_reply_ends_at_the_tokens_asked_for(tmp_path: Path) -> None:
    """A server that ignores max_tokens: the chat reply stops where it was asked to (not at 16 MB)."""
    with OddServer(chat=endless("la ")) as odd:
        done = run(["--model", odd.url, *CHAT], tmp_path, timeout=90)
    assert done.code == 0, done.stderr
    assert 0 < len(done.out) < 64 * 1024  # about 1,500 pieces of "la ", not megabytes
    assert done.peak_mb < CEILING_MB


def test_port_out_of_range(tmp_path: Path) -> None:
    done = run(["--model", "http://127.0.0.1:99999/v1", *ASK], tmp_path)
    assert done.code == 1
    assert done.one_line_error() == (
        "cowriter: not a model server URL: http://127.0.0.1:99999/v1 (the port must be a number from 1 to "
        "65535) (use http://host:port/v1)"
    )


def test_a_reply_with_escapes_is_shown_safe(tmp_path: Path) -> None:
    pieces = ["Rain \x1b]0;PWNED-TITLE\x07", "on the \x1b]52;c;UFdORUQ=\x07roof", "\x9b2J\n"]
    with OddServer(chat=sse(pieces)) as odd:
        done = run(["--model", odd.url, *CHAT], tmp_path, timeout=90)
    assert done.code == 0, done.stderr
    assert_shown_safe(done.out)
    assert_shown_safe(done.err)
    assert "Rain ␛]0;PWNED-TITLE␇on the ␛]52;c;UFdORUQ=␇roof\\u009b2J" in done.stdout
    with OddServer(chat=sse(pieces)) as odd:
        done = run(["--model", odd.url, *CHAT, "--json"], tmp_path, timeout=90)
    assert_shown_safe(done.out)
    assert json.loads(done.out)["text"].startswith("Rain \x1b]0;PWNED-TITLE\x07on the")


# -- the backend's own limits, with short clocks -----------------------------------------------------------


def test_a_keepalive_does_not_extend_the_deadline() -> None:
    with OddServer(chat=keepalive(every=0.1)) as odd:
        backend = OpenAIHTTPBackend(odd.url, model="odd", deadline=1.0, timeout=5.0)
        start = time.monotonic()
        with pytest.raises(ModelError, match=r"did not finish its answer in 1 s"):
            list(backend.stream(HELLO))
        assert time.monotonic() - start < 30  # a ceiling: the keepalive alone would go on for ever


def test_a_silent_server_times_out() -> None:
    with OddServer(chat=silent()) as odd:
        backend = OpenAIHTTPBackend(odd.url, model="odd", timeout=0.5)
        with pytest.raises(ModelError, match=r"cannot reach the model server at .* \(timed out\)"):
            list(backend.stream(HELLO))


def test_a_server_that_ignores_max_tokens_is_cut_there() -> None:
    with OddServer(chat=endless("la ")) as odd:
        backend = OpenAIHTTPBackend(odd.url, model="odd")
        assert len(list(backend.stream(HELLO, max_tokens=300))) == 300


def test_the_body_limit_is_counted_across_lines() -> None:
    with OddServer(chat=endless("x" * 100_000)) as odd:
        backend = OpenAIHTTPBackend(odd.url, model="odd")
        got = 0
        with pytest.raises(ModelError, match="larger than 16 MB"):
            for piece in backend.stream(HELLO, max_tokens=10_000):
                got += len(piece)
        assert got < MAX_BODY


def test_cancel_still_works_under_a_keepalive() -> None:
    with OddServer(chat=keepalive(every=0.05)) as odd:
        backend = OpenAIHTTPBackend(odd.url, model="odd")
        cancel = threading.Event()
        threading.Timer(0.3, cancel.set).start()
        with pytest.raises(GenerationCancelled):
            list(backend.stream(HELLO, cancel=cancel))
