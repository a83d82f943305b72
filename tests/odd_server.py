"""A model server on 127.0.0.1 that answers the way it is told: with escapes, endlessly, with a keepalive
and nothing else, with one line that never ends, with a list or a number where an object belongs.

`OddServer(chat=..., models=...)` is a context manager serving `/v1/models` and `/v1/chat/completions`
(OpenAI style, server-sent events) from a thread in the test process; `url` is its /v1 base.
"""

from __future__ import annotations

import contextlib
import json
import threading
import time
from collections.abc import Callable, Iterable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

Writer = Callable[["_Handler", threading.Event], None]


def sse(pieces: Iterable[str], *, model: str = "odd") -> Writer:
    """A well-formed streamed answer made of `pieces`."""

    def write(h: _Handler, stop: threading.Event) -> None:
        h.start("text/event-stream")
        for piece in pieces:
            event = {"model": model, "choices": [{"delta": {"content": piece}, "finish_reason": None}]}
            h.chunk(f"data: {json.dumps(event)}\n\n".encode())
        h.chunk(b'data: {"choices": [{"delta": {}, "finish_reason": "stop"}]}\n\ndata: [DONE]\n\n')

    return write


def raw(body: bytes | str, *, status: int = 200, content_type: str = "application/json") -> Writer:
    """Exactly `body`, then the connection closes."""
    data = body.encode() if isinstance(body, str) else body

    def write(h: _Handler, stop: threading.Event) -> None:
        h.start(content_type, status=status)
        h.chunk(data)

    return write


def endless(piece: str = "la ") -> Writer:
    """An answer that never ends: events as fast as the client reads them."""
    event = json.dumps({"choices": [{"delta": {"content": piece}, "finish_reason": None}]})
    block = f"data: {event}\n\n".encode() * 256

    def write(h: _Handler, stop: threading.Event) -> None:
        h.start("text/event-stream")
        while not stop.is_set():
            h.chunk(block)

    return write


def keepalive(every: float = 0.2) -> Writer:
    """A comment line every `every` seconds, and never a word."""

    def write(h: _Handler, stop: threading.Event) -> None:
        h.start("text/event-stream")
        while not stop.wait(every):
            h.chunk(b": keepalive\n\n")

    return write


def endless_line() -> Writer:
    """`data: xxxx…` without a newline, for ever."""

    def write(h: _Handler, stop: threading.Event) -> None:
        h.start("text/event-stream")
        h.chunk(b"data: ")
        block = b"x" * 65536
        while not stop.is_set():
            h.chunk(block)

    return write


def silent() -> Writer:
    """Accepts the request and never answers."""

    def write(h: _Handler, stop: threading.Event) -> None:
        stop.wait(600)

    return write


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:  # quiet
        pass

    def start(self, content_type: str, status: int = 200) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Connection", "close")
        self.end_headers()

    def chunk(self, data: bytes) -> None:
        self.wfile.write(data)
        self.wfile.flush()

    def _answer(self, writer: Writer) -> None:
        self.server.requests.append(self.path)
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):  # the client gave up
            writer(self, self.server.stop)

    def do_GET(self) -> None:
        if self.path.endswith("/models"):
            self._answer(self.server.models)
        else:
            self._answer(raw(b'{"error": "not found"}', status=404))

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        self.rfile.read(length)
        self._answer(self.server.chat)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    models: Writer
    chat: Writer
    stop: threading.Event
    requests: list[str]


class OddServer:
    def __init__(self, *, chat: Writer | None = None, models: Writer | None = None) -> None:
        self._server = _Server(("127.0.0.1", 0), _Handler)
        self._server.models = models or raw(json.dumps({"data": [{"id": "odd"}]}))
        self._server.chat = chat or sse(["Hello"])
        self._server.stop = threading.Event()
        self._server.requests = []
        self._thread = threading.Thread(target=self._server.serve_forever, name="odd-server", daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}/v1"

    @property
    def requests(self) -> list[str]:
        return self._server.requests

    def __enter__(self) -> OddServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.stop.set()
        self._server.shutdown()
        self._server.server_close()
        time.sleep(0.05)  # let handler threads see the stop
