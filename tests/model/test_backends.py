"""The in-process backends: the real default model through llama-cpp-python, and the scripted fake."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from cowriter.model.backend import (
    LINE_END,
    NEW_WORD,
    Backend,
    GenerationCancelled,
    Message,
    ModelError,
    Sampler,
)
from cowriter.model.llama import LlamaBackend, default_threads, physical_cores
from cowriter.model.scripted import ScriptedBackend, ScriptedReply
from tests.model.fixtures import llama_backend, model_path  # noqa: F401

HELLO = [Message("system", "You are terse."), Message("user", "Name three colours.")]


def test_both_backends_satisfy_the_protocol(model_path: Path) -> None:  # noqa: F811
    assert isinstance(ScriptedBackend(), Backend)
    assert isinstance(LlamaBackend(model_path), Backend)
    assert isinstance(LlamaBackend(model_path), Sampler), "it can write a reply line by line"
    assert not isinstance(ScriptedBackend(), Sampler)


def test_physical_cores() -> None:
    assert physical_cores() >= 1


@pytest.mark.parametrize(("cores", "threads"), [(1, 1), (2, 1), (4, 3), (16, 15)])
def test_default_threads_leave_a_core_free(
    monkeypatch: pytest.MonkeyPatch,
    model_path: Path,  # noqa: F811
    cores: int,
    threads: int,
) -> None:
    monkeypatch.delenv("COWRITER_THREADS", raising=False)
    assert default_threads(cores) == threads
    monkeypatch.setattr("cowriter.model.llama.physical_cores", lambda: cores)
    assert LlamaBackend(model_path).threads == threads


def test_threads_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COWRITER_THREADS", "3")
    assert default_threads(2) == 3
    monkeypatch.setenv("COWRITER_THREADS", "zero")
    assert default_threads(2) == 1


# -- llama-cpp-python with the real default model ------------------------------------------------------------


@pytest.mark.model
def test_real_model_streams_text(llama_backend: LlamaBackend) -> None:  # noqa: F811
    pieces = list(llama_backend.stream(HELLO, max_tokens=24, seed=1))
    assert 1 < len(pieces) <= 24
    assert "".join(pieces).strip()


@pytest.mark.model
def test_real_model_context_and_tokens(llama_backend: LlamaBackend) -> None:  # noqa: F811
    assert llama_backend.context_size == 4096  # the model's 8192, capped
    assert llama_backend.count_tokens("Streetlights hum on Woodward Avenue") > 3
    assert "135M" in llama_backend.description


@pytest.mark.model
def test_same_seed_same_text(llama_backend: LlamaBackend) -> None:  # noqa: F811
    def run(seed: int) -> str:
        return "".join(llama_backend.stream(HELLO, max_tokens=32, temperature=1.0, seed=seed))

    assert run(11) == run(11)


@pytest.mark.model
def test_stop_strings_end_the_stream(llama_backend: LlamaBackend) -> None:  # noqa: F811
    ask = [Message("user", "Repeat exactly: red, green, blue, yellow")]
    free = "".join(llama_backend.stream(ask, max_tokens=30, seed=1))
    stopped = "".join(llama_backend.stream(ask, max_tokens=30, seed=1, stop=[","]))
    assert "," in free
    assert "," not in stopped and free.startswith(stopped)


@pytest.mark.model
def test_sample_continues_the_prefill_and_judges_itself(llama_backend: LlamaBackend) -> None:  # noqa: F811
    ask = [Message("user", "Count from one to ten in words, separated by commas.")]
    pieces: list[str] = []
    sample = llama_backend.sample(
        ask,
        prefill="One, two, three,",
        max_tokens=12,
        temperature=0.0,
        seed=1,
        stop=["seven"],
        on_piece=pieces.append,
    )
    words = sample.text.replace(",", " ").split()
    assert words[:3] == ["four", "five", "six"], sample.text  # it went on from the prefill
    assert "seven" not in sample.text and "".join(pieces) == sample.text
    assert sample.tokens >= 3 and sample.logprob is not None
    assert -3.0 < sample.mean_logprob <= 0.0  # counting is what the model is sure of
    odd = llama_backend.sample(
        ask, prefill="One, two, three,", grammar='root ::= " banana, kettle, eleven"', max_tokens=30, seed=1
    )
    assert odd.text == " banana, kettle, eleven"
    assert odd.mean_logprob is not None
    assert odd.mean_logprob < sample.mean_logprob - 2, "words forced by a grammar score low"


@pytest.mark.model
def test_a_ban_never_breaks_the_grammar(llama_backend: LlamaBackend) -> None:  # noqa: F811
    ask = [Message("user", "Name a fruit.")]
    sample = llama_backend.sample(
        ask,
        grammar='root ::= " banana" | " kiwi"',
        max_tokens=10,
        seed=1,
        ban=lambda _text: {"banana", "kiwi"},
    )
    assert sample.text in (" banana", " kiwi"), "every word the grammar allows is banned: the grammar wins"
    free = llama_backend.sample(
        ask, grammar='root ::= " banana" | " kiwi"', max_tokens=10, seed=1, ban=lambda _text: {"banana"}
    )
    assert free.text == " kiwi"


@pytest.mark.model
def test_the_marks_hold_a_line_open_and_close_it(llama_backend: LlamaBackend) -> None:  # noqa: F811
    from cowriter.model.grammar import LineSpec, line_grammar

    ask = [Message("user", "Write one line of a song about the sea.")]
    grammar = line_grammar(LineSpec(1, 14, 0, (), min_chords=0))

    def line(ban: object) -> str:
        sample = llama_backend.sample(
            ask, grammar=grammar, max_tokens=40, temperature=0.0, seed=1, stop=["\n"], ban=ban  # type: ignore[arg-type]
        )
        return sample.text

    free = line(None).split()
    # the line may not end (no line break, no stop mark) before ten words, and no word begins after ten
    held = line(lambda text: {LINE_END} if len(text.split()) < 10 else {NEW_WORD})
    words = held.rstrip(",.!?").split()
    assert len(words) == 10, (free, held)
    assert "\n" not in held and not any(w.rstrip(",.!?") != w for w in words[:-1]), held
    # no new word from the start: the line is its first word
    first = line(lambda text: {NEW_WORD} if text.strip() else set())
    assert len(first.split()) == 1, first


@pytest.mark.model
def test_sample_is_cancelled_between_tokens(llama_backend: LlamaBackend) -> None:  # noqa: F811
    cancel = threading.Event()
    got: list[str] = []

    def piece(text: str) -> None:
        got.append(text)
        if len(got) == 2:
            cancel.set()

    with pytest.raises(GenerationCancelled):
        llama_backend.sample(HELLO, max_tokens=100, seed=1, cancel=cancel, on_piece=piece)
    assert len(got) == 2


@pytest.mark.model
def test_cancel_event_stops_between_tokens(llama_backend: LlamaBackend) -> None:  # noqa: F811
    cancel = threading.Event()
    got: list[str] = []
    with pytest.raises(GenerationCancelled):
        for piece in llama_backend.stream(HELLO, max_tokens=200, seed=1, cancel=cancel):
            got.append(piece)
            if len(got) == 3:
                cancel.set()
    assert len(got) == 3, "no token after the cancel"


@pytest.mark.model
def test_cancel_from_another_thread(llama_backend: LlamaBackend) -> None:  # noqa: F811
    first = threading.Event()
    got: list[str] = []
    errors: list[BaseException] = []

    def worker() -> None:
        try:
            for piece in llama_backend.stream(HELLO, max_tokens=400, seed=2):
                got.append(piece)
                first.set()
        except GenerationCancelled as exc:
            errors.append(exc)

    thread = threading.Thread(target=worker)
    thread.start()
    assert first.wait(60)
    llama_backend.cancel()
    at_cancel = len(got)
    thread.join(60)
    assert errors and isinstance(errors[0], GenerationCancelled)
    assert len(got) <= at_cancel + 1, "at most the token already in flight"
    # the next stream is not affected by the old cancel
    assert list(llama_backend.stream(HELLO, max_tokens=4, seed=1))


def test_missing_model_file(tmp_path: Path) -> None:
    backend = LlamaBackend(tmp_path / "nope.gguf")
    with pytest.raises(ModelError, match="model file not found"):
        backend.stream(HELLO)


@pytest.mark.parametrize(
    ("content", "message"),
    [(b"not a model at all", "not a GGUF model file"), (b"GGUF\x03\x00\x00\x00\x05", "damaged")],
)
def test_corrupt_model_file(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "bad.gguf"
    path.write_bytes(content)
    with pytest.raises(ModelError, match=message):
        LlamaBackend(path).load()


@pytest.mark.model
def test_model_with_missing_tensors_is_a_clear_error(tmp_path: Path, model_path: Path) -> None:  # noqa: F811
    cut = tmp_path / "cut.gguf"
    with model_path.open("rb") as src, cut.open("wb") as dst:
        dst.write(src.read(model_path.stat().st_size // 2))  # header intact, tensor data cut
    with pytest.raises(ModelError, match="could not load"):
        LlamaBackend(cut).load()


# -- the scripted fake --------------------------------------------------------------------------------


def test_scripted_replies_in_order_and_records_calls() -> None:
    backend = ScriptedBackend.with_replies(["first reply", "second"])
    assert "".join(backend.stream(HELLO, grammar="root ::= x", seed=3)) == "first reply"
    assert "".join(backend.stream(HELLO)) == "second"
    assert backend.calls[0].grammar == "root ::= x" and backend.calls[0].seed == 3
    assert backend.calls[1].messages == tuple(HELLO)
    with pytest.raises(AssertionError, match="no reply queued"):
        backend.stream(HELLO)


def test_scripted_default_stop_and_max_tokens() -> None:
    backend = ScriptedBackend(default="one two three four")
    assert "".join(backend.stream(HELLO, max_tokens=2)) == "one two"
    assert "".join(backend.stream(HELLO, stop=["three"])) == "one two "


def test_scripted_failure_mid_stream() -> None:
    backend = ScriptedBackend.with_replies([ScriptedReply("a b c d", ModelError("gone"), fail_after=2)])
    got: list[str] = []
    with pytest.raises(ModelError, match="gone"):
        for piece in backend.stream(HELLO):
            got.append(piece)
    assert "".join(got) == "a b"


def test_scripted_cancel() -> None:
    backend = ScriptedBackend(default="a b c d e f")
    got: list[str] = []
    with pytest.raises(GenerationCancelled):
        for piece in backend.stream(HELLO):
            got.append(piece)
            backend.cancel()
    assert got == ["a"]


def test_amx_flag_is_read_from_cpuinfo(tmp_path: Path) -> None:
    from cowriter.model.llama import cpu_has_amx

    amx = tmp_path / "amx"
    amx.write_text("processor\t: 0\nflags\t\t: fpu sse avx2 amx_bf16 amx_tile amx_int8\n\n")
    plain = tmp_path / "plain"
    plain.write_text("processor\t: 0\nflags\t\t: fpu sse avx2 avx512f\n\n")
    assert cpu_has_amx(str(amx)) and not cpu_has_amx(str(plain)) and not cpu_has_amx(str(tmp_path / "none"))


@pytest.mark.model
def test_a_banned_word_cannot_be_spelled_in_other_pieces(llama_backend: LlamaBackend) -> None:  # noqa: F811
    from cowriter.model.llama_sample import first_tokens

    llama_backend.load()
    llm = llama_backend._llm

    def token(text: str) -> int:
        (only,) = llm.tokenize(text.encode(), add_bos=False, special=False)
        return int(only)

    banned = first_tokens(llm, ["blue"])
    assert {token(" blue"), token(" bl"), token("Blue")} <= banned, "' bl' + 'ue' spelled it"
    assert token(" black") not in banned and token(" b") not in banned
