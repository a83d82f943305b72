"""An OpenAI-compatible chat backend over HTTP (llama-server, llama-cpp-python's server, Ollama, vLLM,
LM Studio), stdlib only: `http.client` and server-sent events.

A reader thread turns the response into lines on a queue, so the generator can notice cancellation
within ~50 ms even while the server is silent; cancelling closes the connection.

A server can be anyone's, so its answer is bounded: a line of at most `MAX_LINE` bytes, a body of at most
`MAX_BODY`, a whole answer within `deadline` seconds (a keepalive every few seconds does not extend it),
and every reply that is not the shape OpenAI's API promises (a list or a number where an object belongs,
a model list without models) is one clear `ModelError`, never an AttributeError.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import queue
import socket
import threading
import time
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
MAX_LINE = 1024 * 1024  # one server-sent event line (a token's event is ~200 bytes)
MAX_BODY = 16 * 1024 * 1024  # a whole answer, or a model list
DEADLINE = 600.0  # seconds for a whole answer, however the server keeps the connection alive


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
        deadline: float = DEADLINE,
    ) -> None:
        parts = urlsplit(base_url.rstrip("/"))
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ModelError(f"not a model server URL: {base_url}", hint="use http://host:port/v1")
        try:
            port = parts.port
        except ValueError:  # "port out of range", or not a number
            raise ModelError(
                f"not a model server URL: {base_url} (the port must be a number from 1 to 65535)",
                hint="use http://host:port/v1",
            ) from None
        self.base_url = base_url.rstrip("/")
        self._scheme = parts.scheme
        self._host = parts.hostname
        self._port = port or (443 if parts.scheme == "https" else 80)
        self.deadline = deadline
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
            try:
                detail = response.read(2000).decode("utf-8", errors="replace").strip()
            except (OSError, http.client.HTTPException):
                detail = ""
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
            if not found:
                raise ModelError(
                    f"the model server at {self.base_url} lists no models",
                    hint="load a model into the server, or name one with --model-name",
                )
            self._model = found[0]
        return self._model

    def models(self) -> list[str]:
        """The model ids the server offers (`GET /models`)."""
        conn, response = self._request("GET", "/models", None)
        try:
            body = response.read(MAX_BODY + 1)
            if len(body) > MAX_BODY:
                raise ValueError(f"larger than {MAX_BODY // (1024 * 1024)} MB")
            data = json.loads(body or b"{}")
        except (ValueError, OSError, http.client.HTTPException) as exc:
            raise ModelError(f"the model server at {self.base_url} sent a bad model list ({exc})") from None
        finally:
            conn.close()
        listed = data.get("data") if isinstance(data, dict) else None
        if not isinstance(listed, list):
            raise ModelError(
                f"the model server at {self.base_url} sent a bad model list "
                f'(a JSON {_kind(data)}, not an object with a "data" list)',
                hint="is the URL an OpenAI-compatible /v1?",
            )
        return [str(m["id"]) for m in listed if isinstance(m, dict) and isinstance(m.get("id"), str | int)]

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
        if "json" in (response.getheader("Content-Type") or "").lower():  # a server that would not stream
            return self._whole(conn, response)
        return self._events(conn, response, cancel, max_tokens)

    def _whole(self, conn: Any, response: Any) -> Iterator[str]:
        """A non-streamed answer (one JSON completion), read within the same limits."""
        try:
            body = response.read(MAX_BODY + 1)
        except (OSError, http.client.HTTPException) as exc:
            conn.close()
            raise self._down(exc) from None
        conn.close()
        if len(body) > MAX_BODY:
            raise self._too_much(f"an answer larger than {MAX_BODY // (1024 * 1024)} MB")
        try:
            event = json.loads(body)
        except ValueError:
            raise ModelError(f"the model server at {self.base_url} sent a malformed answer") from None
        if isinstance(event, dict):
            choices = event.get("choices")
            first = choices[0] if isinstance(choices, list) and choices else None
            message = first.get("message") if isinstance(first, dict) else None
            if isinstance(message, dict) and isinstance(message.get("content"), str):
                event = {"choices": [{"delta": {"content": message["content"]}, "finish_reason": "stop"}]}
        piece, _ = self._piece(json.dumps(event))
        if piece:
            yield piece

    def _events(
        self, conn: Any, response: Any, cancel: threading.Event | None, max_tokens: int
    ) -> Iterator[str]:
        """The answer's pieces. Each piece holds at least one token, so a server that sends more than
        `max_tokens` of them ignored the limit: the answer ends there, as if it had stopped."""
        lines: queue.Queue[object] = queue.Queue()

        def reader() -> None:
            total = 0
            try:
                while True:
                    line = response.readline(MAX_LINE + 1)
                    if not line:
                        break
                    total += len(line)
                    if len(line) > MAX_LINE and not line.endswith(b"\n"):
                        lines.put(self._too_much(f"a line longer than {MAX_LINE // (1024 * 1024)} MB"))
                        return
                    if total > MAX_BODY:
                        lines.put(self._too_much(f"an answer larger than {MAX_BODY // (1024 * 1024)} MB"))
                        return
                    lines.put(line)
            except Exception as exc:  # also the errors of a connection closed under our feet
                lines.put(exc)
            lines.put(_END)

        thread = threading.Thread(target=reader, name="cowriter-sse", daemon=True)
        thread.start()
        done = False
        pieces = 0
        give_up = time.monotonic() + self.deadline
        try:
            while True:
                self._flag.check(cancel)
                if time.monotonic() > give_up:
                    raise ModelError(
                        f"the model server at {self.base_url} did not finish its answer "
                        f"in {self.deadline:.0f} s",
                        hint="the server may be stuck or far too slow; ask again, or use a smaller model",
                    )
                try:
                    item = lines.get(timeout=_POLL)
                except queue.Empty:
                    continue
                if item is _END:
                    break
                if isinstance(item, ModelError):
                    raise item
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
                    pieces += 1
                if finished:
                    done = True
                if pieces >= max_tokens:  # more than it was asked for: the server ignores the limit
                    done = True
                    break
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

    def _too_much(self, what: str) -> ModelError:
        return ModelError(
            f"the model server at {self.base_url} sent {what}; stopped reading",
            hint="is it a model server? check the URL",
        )

    def _piece(self, data: str) -> tuple[str, bool]:
        try:
            event = json.loads(data)
        except ValueError:
            raise ModelError(f"the model server at {self.base_url} sent a malformed event") from None
        if not isinstance(event, dict):
            raise self._bad_event(f"a JSON {_kind(event)} where an object belongs")
        if "error" in event:
            error = event["error"]
            message = error.get("message", error) if isinstance(error, dict) else error
            raise ModelError(f"the model server reported an error: {str(message)[:300]}")
        choices = event.get("choices") or [{}]
        choice = choices[0] if isinstance(choices, list) else None
        if not isinstance(choice, dict):
            raise self._bad_event("choices that are not a list of objects")
        delta = choice.get("delta") or {}
        if not isinstance(delta, dict):
            raise self._bad_event("a delta that is not an object")
        piece = delta.get("content") or choice.get("text") or ""
        if not isinstance(piece, str):
            raise self._bad_event(f"content that is a JSON {_kind(piece)}, not text")
        return piece, choice.get("finish_reason") is not None

    def _bad_event(self, what: str) -> ModelError:
        return ModelError(
            f"the model server at {self.base_url} sent {what}",
            hint="is it an OpenAI-compatible server? check the URL",
        )

    def cancel(self) -> None:
        self._flag.set()

    def close(self) -> None:
        pass


def _kind(value: object) -> str:
    """What JSON calls the value: object, list, number, text, true/false, null."""
    if isinstance(value, dict):
        return "object"
    if isinstance(value, list):
        return "list"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "text"
    return "null"
