"""A scripted backend: replies queued in advance, streamed word by word. For tests and the TUI's tests.

It records every call (messages, grammar, options) so tests can assert on what the service sent, and it
can simulate the failures of real backends: an error before the first piece or after some pieces, and a
slow stream that honours cancellation.
"""

from __future__ import annotations

import re
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field

from cowriter.model.backend import DEFAULT_MAX_TOKENS, CancelFlag, Message, Sample, estimate_tokens


@dataclass(frozen=True)
class ScriptedCall:
    messages: tuple[Message, ...]
    grammar: str | None
    max_tokens: int
    temperature: float
    seed: int | None
    stop: tuple[str, ...]
    prefill: str = ""
    banned: tuple[frozenset[str], ...] = ()  # for `sample`: what `ban` said before each piece


@dataclass
class ScriptedReply:
    """A queued reply: its text, and optionally an exception raised after `fail_after` pieces."""

    text: str
    error: BaseException | None = None
    fail_after: int = 0


_PIECES = re.compile(r"\s*\S+|\s+")


@dataclass
class ScriptedBackend:
    """Streams queued replies in order; with the queue empty it repeats `default` (or fails if None)."""

    replies: deque[ScriptedReply] = field(default_factory=deque)
    default: str | None = None
    delay: float = 0.0
    model_name: str = "scripted"
    context: int = 4096
    grammar_ok: bool = True
    calls: list[ScriptedCall] = field(default_factory=list)
    closed: bool = False

    def __post_init__(self) -> None:
        self._flag = CancelFlag()

    @classmethod
    def with_replies(cls, replies: Iterable[str | ScriptedReply], **kwargs: object) -> ScriptedBackend:
        queue = deque(r if isinstance(r, ScriptedReply) else ScriptedReply(r) for r in replies)
        return cls(replies=queue, **kwargs)  # type: ignore[arg-type]

    def queue(self, text: str) -> None:
        self.replies.append(ScriptedReply(text))

    @property
    def name(self) -> str:
        return self.model_name

    @property
    def context_size(self) -> int:
        return self.context

    @property
    def supports_grammar(self) -> bool:
        return self.grammar_ok

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
        self.calls.append(ScriptedCall(tuple(messages), grammar, max_tokens, temperature, seed, tuple(stop)))
        if self.replies:
            reply = self.replies.popleft()
        elif self.default is not None:
            reply = ScriptedReply(self.default)
        else:
            raise AssertionError("ScriptedBackend: no reply queued")
        return self._pieces(reply, max_tokens, tuple(stop), cancel)

    def _pieces(
        self, reply: ScriptedReply, max_tokens: int, stop: tuple[str, ...], cancel: threading.Event | None
    ) -> Iterator[str]:
        self._flag.reset()
        text = reply.text
        for s in stop:
            if s and s in text:
                text = text[: text.index(s)]
        pieces = _PIECES.findall(text)[:max_tokens]
        for i, piece in enumerate(pieces):
            if reply.error is not None and i == reply.fail_after:
                raise reply.error
            if self.delay:
                time.sleep(self.delay)
            self._flag.check(cancel)
            yield piece
        if reply.error is not None and reply.fail_after >= len(pieces):
            raise reply.error

    def cancel(self) -> None:
        self._flag.set()

    def close(self) -> None:
        self.closed = True


@dataclass
class ScriptedSampler(ScriptedBackend):
    """A scripted backend that also continues replies (`backend.Sampler`), for the line-by-line search:
    each `sample` takes the next queued reply (usually one line), cut at a stop string, and judges it at
    `logprob` per piece (or the `logprobs` queued beside the replies, in order)."""

    logprob: float = -1.0
    logprobs: deque[float] = field(default_factory=deque)

    def sample(
        self,
        messages: Sequence[Message],
        *,
        prefill: str = "",
        grammar: str | None = None,
        max_tokens: int = DEFAULT_MAX_TOKENS,
        temperature: float = 0.7,
        seed: int | None = None,
        stop: Sequence[str] = (),
        cancel: threading.Event | None = None,
        on_piece: Callable[[str], None] | None = None,
        ban: Callable[[str], Iterable[str]] | None = None,
    ) -> Sample:
        pieces: list[str] = []
        banned: list[frozenset[str]] = []
        per = self.logprobs.popleft() if self.logprobs else self.logprob
        stream = self.stream(
            messages,
            grammar=grammar,
            max_tokens=max_tokens,
            temperature=temperature,
            seed=seed,
            stop=stop,
            cancel=cancel,
        )
        for piece in stream:
            if ban is not None:
                banned.append(frozenset(ban("".join(pieces))))
            pieces.append(piece)
            if on_piece is not None:
                on_piece(piece)
        call = self.calls.pop()
        self.calls.append(
            ScriptedCall(
                call.messages, grammar, max_tokens, temperature, seed, tuple(stop), prefill, tuple(banned)
            )
        )
        text = "".join(pieces)
        return Sample(text, per * len(pieces), len(pieces), tuple((p, per) for p in pieces))
