"""An OpenAI-compatible chat backend over HTTP (llama-server, llama-cpp-python's server, Ollama, vLLM,
LM Studio), stdlib only: `http.client` and server-sent events.

A reader thread turns the response into lines on a queue, so the generator can notice cancellation
within ~50 ms even while the server is silent; cancelling closes the connection.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import queue
import socket
import threading
from collections.abc import Iterator, Sequence
from typing import Any
from urllib.parse import urlsplit

from cowriter.model.backend import (
    DEFAULT_MAX_TOKENS,
    CancelFlag,
    Message,
    ModelError,
    estimate_tokens,
    message_dicts,
)

_POLL = 0.05
_END = object()


def is_url(model: str) -> bool:
    return model.startswith(("http://", "https://"))


class OpenAIHTTPBackend:
    """Streams chat completions from `base_url` (e.g. `http://127.0.0.1:8080/v1`)."""

    def __init__(
        self,
        base_url: str,
        *,
        model: str | None = None,
        api_key: str | None = None,
        timeout: float = 120.0,
        context: int = 4096,
        grammar_field: str = "grammar",
    ) -> None:
        parts = urlsplit(base_url.rstrip("/"))
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ModelError(f"not a model server URL: {base_url}", hint="use http://host:port/v1")
        self.base_url = base_url.rstrip("/")
        self._scheme = parts.scheme
        self._host = parts.hostname
        self._port = parts.port or (443 if parts.scheme == "https" else 80)
        self._prefix = parts.path or ""
        self._model = model
        self.api_key = api_key
        self.timeout = timeout
        self._context = context
        self.grammar_field = grammar_field
        self._flag = CancelFlag()
        self._live: http.client.HTTPConnection | None = None

    # -- plumbing ------------------------------------------------------------------------------------------
    def _connection(self) -> http.client.HTTPConnection:
        cls = http.client.HTTPSConnection if self._scheme == "https" else http.client.HTTPConnection
        return cls(self._host, self._port, timeout=self.timeout)

    def _headers(self) -> dict[str, str]:
        headers = {"Content-Type": "application/json", "Accept": "text/event-stream, application/json"}
        if self.api_key:
            headers["Authorization"] = f"Bearer {self.api_key}"
        return headers

    def _down(self, exc: BaseException) -> ModelError:
        return ModelError(
            f"cannot reach the model server at {self.base_url} ({exc})",
            hint="start the server, or check the SSH tunnel and the URL",
        )

    def _request(self, method: str, path: str, body: dict[str, Any] | None) -> tuple[Any, Any]:
        conn = self._connection()
        try:
            payload = json.dumps(body).encode() if body is not None else None
            conn.request(method, self._prefix + path, body=payload, headers=self._headers())
            response = conn.getresponse()
        except (OSError, http.client.HTTPException) as exc:
            conn.close()
            raise self._down(exc) from None
        if response.status >= 400:
            detail = response.read(2000).decode("utf-8", errors="replace").strip()
            conn.close()
            raise ModelError(
                f"the model server at {self.base_url} answered {response.status} {response.reason}",
                hint=detail[:200] or "check the model name",
            )
        return conn, response

    # -- protocol ------------------------------------------------------------------------------------------
    @property
    def name(self) -> str:
        if self._model is None:
            found = self.models()
            self._model = found[0] if found else "default"
        return self._model

    def models(self) -> list[str]:
        """The model ids the server offers (`GET /models`)."""
        conn, response = self._request("GET", "/models", None)
        try:
            data = json.loads(response.read() or b"{}")
        except (ValueError, OSError, http.client.HTTPException) as exc:
            raise ModelError(f"the model server at {self.base_url} sent a bad model list ({exc})") from None
        finally:
            conn.close()
        return [str(m.get("id")) for m in data.get("data", []) if isinstance(m, dict) and m.get("id")]

    @property
    def context_size(self) -> int:
        return self._context

    @property
    def supports_grammar(self) -> bool:
        return bool(self.grammar_field)

    def count_tokens(self, text: str) -> int:
        return estimate_tokens(text)

    def stream(
        self,
        messages: Sequence[Message],
        *,
        grammar: str | None = None,
        max_tokens: int = DEFAULT_MAX_TOKENS,
        temperature: float = 0.7,
        seed: int | None = None,
        stop: Sequence[str] = (),
        cancel: threading.Event | None = None,
    ) -> Iterator[str]:
        self._flag.reset()
        body: dict[str, Any] = {
            "model": self.name,
            "messages": message_dicts(messages, self.name),
            "max_tokens": max_tokens,
            "temperature": temperature,
            "stream": True,
        }
        if seed is not None:
            body["seed"] = seed
        if stop:
            body["stop"] = list(stop)
        if grammar and self.grammar_field:
            body[self.grammar_field] = grammar
        conn, response = self._request("POST", "/chat/completions", body)
        return self._events(conn, response, cancel)

    def _events(self, conn: Any, response: Any, cancel: threading.Event | None) -> Iterator[str]:
        lines: queue.Queue[object] = queue.Queue()

        def reader() -> None:
            try:
                while True:
                    line = response.readline()
                    if not line:
                        break
                    lines.put(line)
            except Exception as exc:  # also the errors of a connection closed under our feet
                lines.put(exc)
            lines.put(_END)

        thread = threading.Thread(target=reader, name="cowriter-sse", daemon=True)
        thread.start()
        done = False
        try:
            while True:
                self._flag.check(cancel)
                try:
                    item = lines.get(timeout=_POLL)
                except queue.Empty:
                    continue
                if item is _END:
                    break
                if isinstance(item, BaseException):
                    raise ModelError(
                        f"the model server at {self.base_url} dropped the connection mid-answer ({item})",
                        hint="the server may have stopped or the tunnel closed; ask again",
                    )
                assert isinstance(item, bytes)
                text = item.decode("utf-8", errors="replace").strip()
                if not text.startswith("data:"):
                    continue
                data = text[5:].strip()
                if data == "[DONE]":
                    done = True
                    break
                piece, finished = self._piece(data)
                if piece:
                    yield piece
                if finished:
                    done = True
            if not done:
                raise ModelError(
                    f"the model server at {self.base_url} closed the connection mid-answer",
                    hint="the server may have stopped or the tunnel closed; ask again",
                )
        finally:
            with contextlib.suppress(OSError):
                if conn.sock is not None:
                    conn.sock.shutdown(socket.SHUT_RDWR)
            conn.close()

    def _piece(self, data: str) -> tuple[str, bool]:
        try:
            event = json.loads(data)
        except ValueError:
            raise ModelError(f"the model server at {self.base_url} sent a malformed event") from None
        if "error" in event:
            error = event["error"]
            message = error.get("message", error) if isinstance(error, dict) else error
            raise ModelError(f"the model server reported an error: {message}")
        choices = event.get("choices") or [{}]
        choice = choices[0]
        delta = choice.get("delta") or {}
        piece = delta.get("content") or choice.get("text") or ""
        return str(piece), choice.get("finish_reason") is not None

    def cancel(self) -> None:
        self._flag.set()

    def close(self) -> None:
        pass
