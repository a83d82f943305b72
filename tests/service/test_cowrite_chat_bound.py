"""A chat reply from a server that ignores max_tokens and never ends a sentence stops at the tokens it
asked for (it used to read on for ever, scanning the whole held text at every piece)."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from typing import Any

from cowriter.model.backend import Message
from cowriter.model.context import Fitted
from cowriter.service.cowrite_chat import reply


class Endless:
    """A backend whose every answer goes on for ever, without a sentence end."""

    def __init__(self) -> None:
        self.given = 0

    def stream(self, messages: Any, **kwargs: Any) -> Iterator[str]:
        for _ in itertools.count():
            self.given += 1
            yield "la "


def test_the_reply_stops_at_max_tokens() -> None:
    backend = Endless()
    fitted = Fitted((Message("user", "hi"),), max_tokens=500, dropped=0, prompt_tokens=10)
    shown: list[str] = []
    text, count = reply(backend, fitted, 0.7, None, shown.append, None)  # type: ignore[arg-type]
    assert count == 500
    assert backend.given == 500
    assert text == ("la " * 500).rstrip()
