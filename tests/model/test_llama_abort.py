"""Cancelling while the model reads a long prompt ends the read at once (llama.cpp's abort callback), not
after it (5 to 10 s on "stopping…" before the fix, when the writer quit or pressed Esc); the model answers
the next request as if nothing had happened. With the real default model."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from cowriter.model.backend import GenerationCancelled, Message
from cowriter.model.llama import AbortSwitch, LlamaBackend
from tests.model.fixtures import model_path, reading  # noqa: F401

pytestmark = pytest.mark.model

# about 900 tokens: two of llama.cpp's batches of 512, seconds of reading on a busy 2-core machine
LONG_PROMPT = [
    Message("user", "Here is my song so far:\n" + "Rain on the glass and the last bus home\n" * 90)
]
SHORT = [Message("user", "Name a colour.")]


@pytest.fixture
def backend(model_path: Path) -> Iterator[LlamaBackend]:  # noqa: F811
    b = LlamaBackend(model_path, threads=1)
    b.load()
    yield b
    b.close()


@pytest.mark.parametrize("how", ["stream", "sample"])
def test_cancel_while_the_prompt_is_read_ends_the_read(backend: LlamaBackend, how: str) -> None:
    llm, started = reading(backend)
    prompt_tokens = backend.count_tokens(LONG_PROMPT[0].content)
    assert prompt_tokens > 600
    outcome: list[BaseException] = []
    pieces: list[str] = []

    def stream() -> None:
        try:
            if how == "stream":
                pieces.extend(backend.stream(LONG_PROMPT, max_tokens=20, seed=1))
            else:  # the co-writer's line search reads the prompt when its sampling starts
                pieces.append(backend.sample(LONG_PROMPT, prefill="[G]", max_tokens=20, seed=1).text)
        except BaseException as exc:  # for the test to look at
            outcome.append(exc)

    worker = threading.Thread(target=stream, daemon=True)
    worker.start()
    assert started.wait(120), "the model never started reading"
    backend.cancel()  # as the editor does on Esc or ctrl+q, from its own thread
    worker.join(120)
    assert not worker.is_alive()
    assert outcome and isinstance(outcome[0], GenerationCancelled), outcome
    assert not pieces
    assert llm.n_tokens < prompt_tokens, "the whole prompt was read before the cancel was heard"


def test_the_model_answers_after_an_aborted_read(backend: LlamaBackend, model_path: Path) -> None:  # noqa: F811
    _, started = reading(backend)
    threading.Thread(target=lambda: started.wait(120) and backend.cancel(), daemon=True).start()
    with pytest.raises(GenerationCancelled):
        list(backend.stream(LONG_PROMPT, max_tokens=20, seed=1))
    again = "".join(backend.stream(SHORT, max_tokens=12, temperature=0.0, seed=5))
    fresh = LlamaBackend(model_path, threads=1)
    try:
        expected = "".join(fresh.stream(SHORT, max_tokens=12, temperature=0.0, seed=5))
    finally:
        fresh.close()
    assert again == expected and again.strip()


def test_the_callback_llama_cpp_calls_reads_the_switch() -> None:
    """What llama.cpp calls between its steps (a C function: the C library's strlen over the switch's
    buffer) answers False until the switch is set, then True, then False again once cleared."""
    from types import SimpleNamespace

    import llama_cpp

    installed: list[tuple[Any, Any]] = []
    fake = SimpleNamespace(
        ggml_abort_callback=llama_cpp.ggml_abort_callback,
        llama_set_abort_callback=lambda ctx, callback, data: installed.append((callback, data)),
    )
    switch = AbortSwitch.install(fake, SimpleNamespace(_ctx=SimpleNamespace(ctx=None)))
    assert switch is not None and len(installed) == 1
    callback, data = installed[0]
    assert callback(data) is False and not switch.is_set()
    switch.set()
    assert callback(data) is True and switch.is_set()
    switch.clear()
    assert callback(data) is False
