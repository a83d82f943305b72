"""Fit the messages into the model's context window, leaving room for the answer.

What is never dropped: the system prompt and the task message (which carries the song). What gives way,
in order: the oldest chat turns (replaced by a one-line summary of what was asked), then the example
exchange, then part of the answer's room (down to a floor). If the song alone does not fit, that is a
clear error: a bigger context is needed, never a truncated song.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from cowriter.model.backend import Message, ModelError

# tokens a chat template adds around each message (role markers, separators)
PER_MESSAGE = 8
MIN_ANSWER = 96
SUMMARY_CHARS = 60


@dataclass(frozen=True, slots=True)
class Fitted:
    messages: tuple[Message, ...]
    max_tokens: int
    dropped: int  # chat turns left out (summarised)
    prompt_tokens: int


def _cost(messages: Sequence[Message], count: Callable[[str], int]) -> int:
    return sum(count(m.content) + PER_MESSAGE for m in messages)


def summarise(turns: Sequence[Message]) -> Message | None:
    """One line recalling what the writer asked in turns that no longer fit."""
    asks = [" ".join(m.content.split())[:SUMMARY_CHARS] for m in turns if m.role == "user"]
    asks = [a for a in asks if a]
    if not asks:
        return None
    return Message("user", "(Earlier the writer asked: " + "; ".join(f'"{a}"' for a in asks) + ".)")


def fit(
    system: Message,
    task: Message,
    *,
    history: Sequence[Message] = (),
    examples: Sequence[Message] = (),
    context_size: int,
    answer_tokens: int,
    count: Callable[[str], int],
) -> Fitted:
    """Choose the messages to send and the answer's room (see the module doc)."""
    fixed = _cost([system, task], count)
    budget = context_size - fixed
    if budget < MIN_ANSWER:
        raise ModelError(
            f"the song and request take {fixed} tokens, more than this model's {context_size}-token "
            f"context allows with room for an answer",
            hint="use a model with a larger context (--model), or ask about one section at a time",
        )
    answer = min(answer_tokens, budget)
    room = budget - answer
    chosen_examples: list[Message] = list(examples) if _cost(examples, count) <= room else []
    room -= _cost(chosen_examples, count)
    kept: list[Message] = []
    for turn in reversed(history):
        cost = _cost([turn], count)
        if cost > room:
            break
        kept.insert(0, turn)
        room -= cost
    # the kept turns start with the writer's words
    while kept and kept[0].role == "assistant":
        room += _cost([kept.pop(0)], count)
    head: list[Message] = []
    summary = summarise(history[: len(history) - len(kept)])
    if summary is not None:
        # make room for the summary by dropping more of the oldest kept turns if need be
        while kept and _cost([summary], count) > room:
            room += _cost([kept.pop(0)], count)
        while kept and kept[0].role == "assistant":
            room += _cost([kept.pop(0)], count)
        summary = summarise(history[: len(history) - len(kept)])
        if summary is not None and _cost([summary], count) <= room:
            head.append(summary)
    messages = (system, *chosen_examples, *head, *kept, task)
    prompt = _cost(messages, count)
    return Fitted(messages, min(answer_tokens, context_size - prompt), len(history) - len(kept), prompt)
