"""The model backend protocol: stream text for a list of chat messages, optionally bound by a grammar.

Every backend (llama-cpp-python in process, an OpenAI-compatible HTTP server, the scripted fake) yields
text pieces as they arrive, stops within a token when cancelled, and reports failures as `CowriterError`
with a message fit for the user.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Literal, Protocol, runtime_checkable

from cowriter.errors import CowriterError

Role = Literal["system", "user", "assistant"]

DEFAULT_MAX_TOKENS = 256
# two marks `Sampler.sample`'s `ban` may name besides words: what keeps a line to its syllables
LINE_END = "\n"  # the line must not end yet (no line break, stop mark ending its words, or end of turn)
NEW_WORD = " "  # no new word may begin: the line ends with the word it is in


@dataclass(frozen=True, slots=True)
class Message:
    """One chat turn."""

    role: Role
    content: str

    def as_dict(self) -> dict[str, str]:
        return {"role": self.role, "content": self.content}


def message_dicts(
    messages: Sequence[Message] | Sequence[dict[str, str]], model: str = ""
) -> list[dict[str, str]]:
    """Messages as the chat APIs take them (plain `{"role", "content"}` dicts are accepted too), in the
    form `model`'s family takes them (prompts/families.toml: a family with no system role gets it folded
    into the first user message)."""
    if model:
        from cowriter.model.families import prepare

        typed = [m if isinstance(m, Message) else Message(m["role"], m["content"]) for m in messages]  # type: ignore[arg-type]
        messages = prepare(typed, model)
    out: list[dict[str, str]] = []
    for m in messages:
        out.append(m.as_dict() if isinstance(m, Message) else {"role": m["role"], "content": m["content"]})
    return out


class GenerationCancelled(CowriterError):
    """The caller cancelled a stream; whatever was streamed so far is all there is."""

    def __init__(self) -> None:
        super().__init__("generation cancelled", exit_code=130)


class ModelError(CowriterError):
    """The model could not be loaded or reached, or it stopped answering."""


@runtime_checkable
class Backend(Protocol):
    """What the service needs from a model.

    `stream` yields text pieces (about one token each). It checks for cancellation between pieces: either
    `cancel()` on the backend (which affects the stream running now) or the `cancel` event passed in
    (which the caller owns). A cancelled stream raises `GenerationCancelled`.
    """

    @property
    def name(self) -> str: ...

    @property
    def context_size(self) -> int:
        """The context window in tokens (prompt and answer together)."""
        ...

    @property
    def supports_grammar(self) -> bool: ...

    def count_tokens(self, text: str) -> int: ...

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
    ) -> Iterator[str]: ...

    def cancel(self) -> None: ...

    def close(self) -> None: ...


@dataclass(frozen=True, slots=True)
class Sample:
    """One sampled continuation: its text, and the model's own judgement of it: the sum of the
    log-probabilities of its tokens under the model's unconstrained distribution (before grammar and
    temperature), over `tokens` tokens. `logprob` is None where the backend cannot say."""

    text: str
    logprob: float | None
    tokens: int
    steps: tuple[tuple[str, float], ...] = ()  # each token's text and log-probability, when known

    @property
    def mean_logprob(self) -> float | None:
        return None if self.logprob is None or not self.tokens else self.logprob / self.tokens

    def before(self, length: int) -> tuple[float, int]:
        """The log-probability and token count of the tokens that make up the text's first `length`
        characters (a token that straddles the cut counts with what comes before it)."""
        total, count, seen = 0.0, 0, 0
        for piece, logprob in self.steps:
            if seen >= length:
                break
            total, count, seen = total + logprob, count + 1, seen + len(piece)
        return total, count


@runtime_checkable
class Sampler(Protocol):
    """A backend that can continue a reply it already began (`prefill`, the assistant's words so far) and
    judge what it wrote: what the co-writer needs to write a section line by line, choosing each line
    among several. `ban(text so far)` names words that must not be written next (so a line cannot go on
    copying the song), and may name the marks LINE_END and NEW_WORD. The llama-cpp-python backend is one;
    a remote server is not (it may ignore a prefill)."""

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
    ) -> Sample: ...


def estimate_tokens(text: str) -> int:
    """A rough token count (about four characters a token) for backends without a tokenizer at hand."""
    return max(1, (len(text) + 3) // 4) if text else 0


class CancelFlag:
    """The backend-owned half of cancellation: `cancel()` sets it, each new stream starts clear."""

    def __init__(self) -> None:
        self._event = threading.Event()

    def set(self) -> None:
        self._event.set()

    def reset(self) -> None:
        self._event.clear()

    def check(self, other: threading.Event | None) -> None:
        if self._event.is_set() or (other is not None and other.is_set()):
            raise GenerationCancelled()
