"""The OpenAI-compatible HTTP backend: against a real `python -m llama_cpp.server` on 127.0.0.1 with the
default model, and against tiny fake servers for the failures (down, error status, disconnect, stall)."""

from __future__ import annotations

import http.server
import json
import threading
from collections.abc import Callable, Iterator

import pytest

from cowriter.model.backend import GenerationCancelled, Message, ModelError
from cowriter.model.grammar import LineSpec, SectionSpec, chord_rule_from_symbols, section_grammar
from cowriter.model.llama import LlamaBackend
from cowriter.model.openai_http import OpenAIHTTPBackend, is_url
from tests.model.fixtures import free_port, llama_backend, llama_server, model_path  # noqa: F401

HELLO = [Message("user", "Name three colours.")]


def test_is_url() -> None:
    assert is_url("http://127.0.0.1:8080/v1") and is_url("https://h/v1")
    assert not is_url("/models/x.gguf")


def test_bad_url_is_refused() -> None:
    with pytest.raises(ModelError, match="not a model server URL"):
        OpenAIHTTPBackend("ftp://host/v1")


# -- a real server ---------------------------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.model
def test_real_server_lists_and_streams(llama_server: str) -> None:  # noqa: F811
    backend = OpenAIHTTPBackend(llama_server)
    models = backend.models()
    assert models and backend.name == models[0]
    pieces = list(backend.stream(HELLO, max_tokens=16, seed=1))
    assert 1 < len(pieces) <= 16 and "".join(pieces).strip()


@pytest.mark.slow
@pytest.mark.model
def test_real_server_honours_the_grammar(llama_server: str, llama_backend: LlamaBackend) -> None:  # noqa: F811
    grammar = section_grammar(
        [SectionSpec("verse", "Verse", (LineSpec(2, 5, 2),) * 2)], chord_rule_from_symbols(["C", "F", "G"])
    )
    backend = OpenAIHTTPBackend(llama_server)
    text = "".join(
        backend.stream([Message("user", "Write a verse.")], grammar=grammar, max_tokens=120, seed=4)
    )
    assert text.startswith("{start_of_verse: Verse}\n")
    assert llama_backend.grammar_accepts(grammar, text), text


@pytest.mark.slow
@pytest.mark.model
def test_real_server_wrong_path_is_a_clear_error(llama_server: str) -> None:  # noqa: F811
    backend = OpenAIHTTPBackend(llama_server.replace("/v1", "/nope"))
    with pytest.raises(ModelError, match="404"):
        backend.models()


# -- fake servers for the failures -----------------------------------------------------------------

Handler = Callable[[http.server.BaseHTTPRequestHandler], None]


@pytest.fixture
def fake_server() -> Iterator[Callable[[Handler], str]]:
    servers: list[http.server.ThreadingHTTPServer] = []

    def start(handle: Handler) -> str:
        class H(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.0"

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                self.server.last_body = json.loads(self.rfile.read(length) or b"{}")  # type: ignore[attr-defined]
                handle(self)

            def do_GET(self) -> None:
                handle(self)

            def log_message(self, *args: object) -> None:
                pass

        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), H)
        server.daemon_threads = True
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_address[1]}/v1"

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


def _event(content: str) -> bytes:
    return b"data: " + json.dumps({"choices": [{"delta": {"content": content}}]}).encode() + b"\n\n"


def _sse_head(h: http.server.BaseHTTPRequestHandler) -> None:
    h.send_response(200)
    h.send_header("Content-Type", "text/event-stream")
    h.end_headers()


def test_server_down_is_a_clear_error() -> None:
    backend = OpenAIHTTPBackend(f"http://127.0.0.1:{free_port()}/v1", model="m")
    with pytest.raises(ModelError, match="cannot reach the model server"):
        backend.stream(HELLO)


def test_fake_server_streams_and_receives_the_request(fake_server: Callable[[Handler], str]) -> None:
    def handle(h: http.server.BaseHTTPRequestHandler) -> None:
        _sse_head(h)
        h.wfile.write(_event("Hel") + _event("lo") + b": keep-alive comment\n\n" + b"data: [DONE]\n\n")

    url = fake_server(handle)
    backend = OpenAIHTTPBackend(url, model="tiny", api_key="k")
    assert (
        "".join(backend.stream(HELLO, grammar="root ::= x", seed=5, stop=["\n\n"], max_tokens=9)) == "Hello"
    )


def test_request_body(fake_server: Callable[[Handler], str]) -> None:
    seen: dict[str, object] = {}

    def handle(h: http.server.BaseHTTPRequestHandler) -> None:
        seen.update(h.server.last_body)  # type: ignore[attr-defined]
        _sse_head(h)
        h.wfile.write(b"data: [DONE]\n\n")

    backend = OpenAIHTTPBackend(fake_server(handle), model="tiny")
    assert list(backend.stream(HELLO, grammar="root ::= x", seed=5, stop=["##"], max_tokens=9)) == []
    assert seen["model"] == "tiny" and seen["stream"] is True and seen["grammar"] == "root ::= x"
    assert seen["seed"] == 5 and seen["stop"] == ["##"] and seen["max_tokens"] == 9
    assert seen["messages"] == [{"role": "user", "content": "Name three colours."}]
    plain = [{"role": "user", "content": "as a dict"}]
    assert list(backend.stream(plain)) == []  # type: ignore[arg-type]
    assert seen["messages"] == plain


@pytest.mark.parametrize(
    ("status", "body", "message"),
    [(500, b"boom", "500"), (404, b"no such model", "404")],
)
def test_error_status_is_a_clear_error(
    fake_server: Callable[[Handler], str], status: int, body: bytes, message: str
) -> None:
    def handle(h: http.server.BaseHTTPRequestHandler) -> None:
        h.send_response(status)
        h.end_headers()
        h.wfile.write(body)

    with pytest.raises(ModelError, match=message):
        OpenAIHTTPBackend(fake_server(handle), model="m").stream(HELLO)


def test_disconnect_mid_stream(fake_server: Callable[[Handler], str]) -> None:
    def handle(h: http.server.BaseHTTPRequestHandler) -> None:
        _sse_head(h)
        h.wfile.write(_event("half an ans"))
        h.wfile.flush()  # then the connection closes without [DONE]

    got: list[str] = []
    with pytest.raises(ModelError, match="mid-answer"):
        for piece in OpenAIHTTPBackend(fake_server(handle), model="m").stream(HELLO):
            got.append(piece)
    assert got == ["half an ans"]


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        (b"data: {not json\n\n", "malformed"),
        (b'data: {"error": {"message": "out of memory"}}\n\n', "out of memory"),
    ],
)
def test_bad_events(fake_server: Callable[[Handler], str], payload: bytes, message: str) -> None:
    def handle(h: http.server.BaseHTTPRequestHandler) -> None:
        _sse_head(h)
        h.wfile.write(payload)

    with pytest.raises(ModelError, match=message):
        list(OpenAIHTTPBackend(fake_server(handle), model="m").stream(HELLO))


def test_cancel_while_the_server_is_silent(fake_server: Callable[[Handler], str]) -> None:
    release = threading.Event()

    def handle(h: http.server.BaseHTTPRequestHandler) -> None:
        _sse_head(h)
        h.wfile.write(_event("one"))
        h.wfile.flush()
        release.wait(30)  # stalls: a cancel must not wait for the next event

    cancel = threading.Event()
    got: list[str] = []
    try:
        with pytest.raises(GenerationCancelled):
            for piece in OpenAIHTTPBackend(fake_server(handle), model="m").stream(HELLO, cancel=cancel):
                got.append(piece)
                threading.Timer(0.05, cancel.set).start()
        assert not release.is_set(), "cancelled while the server still held the stream"
    finally:
        release.set()
    assert got == ["one"]


def test_model_name_from_the_server(fake_server: Callable[[Handler], str]) -> None:
    def handle(h: http.server.BaseHTTPRequestHandler) -> None:
        h.send_response(200)
        h.send_header("Content-Type", "application/json")
        h.end_headers()
        h.wfile.write(json.dumps({"data": [{"id": "qwen2.5:7b"}, {"id": "other"}]}).encode())

    backend = OpenAIHTTPBackend(fake_server(handle))
    assert backend.name == "qwen2.5:7b"
    assert backend.models() == ["qwen2.5:7b", "other"]


def test_backend_cancel_while_the_server_is_silent(fake_server: Callable[[Handler], str]) -> None:
    """The reader thread keeps the generator responsive: a silent server does not block `cancel()`."""
    release = threading.Event()

    def handle(h: http.server.BaseHTTPRequestHandler) -> None:
        _sse_head(h)
        h.wfile.write(_event("x"))
        h.wfile.flush()
        release.wait(30)

    backend = OpenAIHTTPBackend(fake_server(handle), model="m")
    stream = backend.stream(HELLO)
    assert next(stream) == "x"
    threading.Timer(0.05, backend.cancel).start()
    try:
        with pytest.raises(GenerationCancelled):
            next(stream)
        assert not release.is_set(), "cancelled while the server still held the stream"
    finally:
        release.set()
