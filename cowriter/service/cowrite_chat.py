"""A chat reply that finishes its thought: its room is what the context has left, and it ends at the end of
a sentence, never cut mid-word by a token count.

The reply streams as it is written until it is `SOFT` tokens long (less when the room is short); from there
on it stops at the first sentence end (those words are shown once their sentence ends). If the room runs
out first, the reply ends at its last sentence end.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable

from cowriter.model.backend import Backend
from cowriter.model.context import Fitted

SOFT = 300  # tokens after which a reply stops at its next sentence end
CAP = 1500  # at most this many tokens, however much room the context has
_END = re.compile(r"(?:[.!?…][\"'”’)\]]*\s|\n\s*\n)")


def budget(context_size: int) -> int:
    """The room asked for a chat reply: what the context allows, at most CAP (`fit` trims it to what the
    prompt leaves)."""
    return min(CAP, context_size)


def sentence_end(text: str) -> int:
    """The length of `text` up to the end of its last complete sentence (0: none complete)."""
    ends = [m.end() for m in _END.finditer(text)]
    tail = text.rstrip()
    if (tail and tail[-1] in ".!?…") or (
        tail.endswith(('"', "”", ")")) and len(tail) > 1 and tail[-2] in ".!?"
    ):
        return len(text)
    return ends[-1] if ends else 0


def reply(
    backend: Backend,
    fitted: Fitted,
    temperature: float,
    seed: int | None,
    on_token: Callable[[str], None] | None,
    cancel: threading.Event | None,
) -> tuple[str, int]:
    """The reply's text and how many pieces the model wrote (see the module doc)."""
    shown = ""  # streamed to the writer
    held = ""  # written past the soft limit, waiting for its sentence to end
    count = 0
    soft = max(0, min(SOFT, fitted.max_tokens - 64))  # leave room to finish the sentence
    finished = False
    pieces = backend.stream(
        fitted.messages, max_tokens=fitted.max_tokens, temperature=temperature, seed=seed, cancel=cancel
    )
    for piece in pieces:
        count += 1
        if count <= soft:
            shown += piece
            if on_token is not None:
                on_token(piece)
            continue
        held += piece
        end = sentence_end(held)
        if end:
            done, held = held[:end], held[end:]
            shown += done
            if on_token is not None:
                on_token(done)
            finished = True
            break
        if count >= fitted.max_tokens:  # a server that ignores max_tokens: the reply is as long as asked
            break
    close = getattr(pieces, "close", None)
    if close is not None:
        close()
    if not finished and count >= fitted.max_tokens and sentence_end(shown):
        # out of room: the reply ends at its last complete sentence (what is held is never shown; a
        # fragment streamed before the soft limit is dropped from the reply the writer keeps)
        shown = shown[: sentence_end(shown)]
    elif not finished and held:
        shown += held  # the model ended its turn: every word is its own
        if on_token is not None:
            on_token(held)
    return shown.rstrip() if shown.strip() else shown, count
