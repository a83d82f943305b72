"""The llama-cpp-python backend: the only module that imports `llama_cpp` (lazily, on first use).

The GGUF is loaded on the first `stream` (or `load()`), in the caller's thread — a worker in the TUI. The
context size comes from the model's header, capped; the chat template comes from the GGUF; threads default
to the machine's physical cores less one, at least one (`default_threads`; `COWRITER_THREADS` overrides).

One lock is held whenever llama.cpp runs (loading, tokenizing, each step of a generation), never across a
`yield`: `close()` from any thread cancels a stream in progress, waits for the step in flight (a token, or
the prompt) and only then frees the model, so freeing never races a generation (a segfault in C).

Reading a long prompt is one step of seconds (a minute on a busy 2-core machine). `cancel()` and `close()`
end it at once through llama.cpp's abort callback (`AbortSwitch`): the writer who quits or presses Esc
while the model reads does not wait for it to finish reading.

On CPUs with Intel AMX, llama.cpp's AMX weight buffers (an "extra buffer type") segfault on any prompt of
more than one token (seen on these machines with 0.3.36: `ggml_backend_amx_mul_mat`, llama.cpp issue
20824). `avoid_amx_buffers` turns the extra buffer types off before a model loads on such a CPU; the
plain CPU kernels run the same model correctly.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from functools import partial
from pathlib import Path
from typing import Any

from cowriter.model import gguf
from cowriter.model.backend import (
    DEFAULT_MAX_TOKENS,
    CancelFlag,
    GenerationCancelled,
    Message,
    ModelError,
    Sample,
    message_dicts,
)

DEFAULT_CONTEXT_CAP = 4096


def physical_cores() -> int:
    """Physical CPU cores (Linux /proc/cpuinfo), else the logical count; at least 1."""
    try:
        pairs: set[tuple[str, str]] = set()
        phys = core = ""
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            for line in f:
                key, _, value = line.partition(":")
                key = key.strip()
                if key == "physical id":
                    phys = value.strip()
                elif key == "core id":
                    core = value.strip()
                elif not key and core:
                    pairs.add((phys, core))
                    phys = core = ""
        if core:
            pairs.add((phys, core))
        if pairs:
            return len(pairs)
    except OSError:
        pass
    return max(1, os.cpu_count() or 1)


def cpu_has_amx(cpuinfo: str = "/proc/cpuinfo") -> bool:
    """True when the CPU advertises Intel AMX (the `amx_int8` or `amx_tile` flag)."""
    try:
        with open(cpuinfo, encoding="utf-8") as f:
            for line in f:
                if line.startswith("flags"):
                    flags = line.partition(":")[2].split()
                    return "amx_int8" in flags or "amx_tile" in flags
    except OSError:
        pass
    return False


_amx_lock = threading.Lock()


def avoid_amx_buffers(llama_cpp: Any) -> bool:
    """On an AMX CPU, make every model load without llama.cpp's extra buffer types (AMX, repack).

    `llama_cpp` is the imported package. Llama() reads its model parameters from
    `llama_cpp.llama_cpp.llama_model_default_params`; this wraps that function once per process so the
    parameters it returns carry `use_extra_bufts = False`. Returns True when the wrap is in place."""
    if not cpu_has_amx():
        return False
    low = llama_cpp.llama_cpp
    with _amx_lock:
        if getattr(low.llama_model_default_params, "_cowriter_no_extra_bufts", False):
            return True
        defaults = low.llama_model_default_params

        def without_extra_buffers() -> Any:
            params = defaults()
            if hasattr(params, "use_extra_bufts"):
                params.use_extra_bufts = False
            return params

        without_extra_buffers._cowriter_no_extra_bufts = True  # type: ignore[attr-defined]
        low.llama_model_default_params = without_extra_buffers
    return True


def _env_threads() -> int | None:
    """`COWRITER_THREADS`, when set to a positive number."""
    value = os.environ.get("COWRITER_THREADS", "")
    return int(value) if value.isdigit() and int(value) > 0 else None


def default_threads(cores: int | None = None) -> int:
    """llama.cpp threads when nothing says otherwise: the physical cores less one, at least one.

    The free core keeps the editor, the synth and whatever else runs on the machine responsive, and it
    keeps llama.cpp fast: its threads meet at a barrier after every layer, so one thread that has to wait
    for a core stalls them all. Measured on 2 cores (`python benchmarks/run.py threads`): with other work
    on the machine 2 threads generated 3-10 times slower than 1; on a quiet machine 1 thread loses little.
    """
    return _env_threads() or max(1, (cores if cores is not None else physical_cores()) - 1)


class LlamaBackend:
    """A GGUF model run in process by llama-cpp-python."""

    def __init__(
        self,
        path: str | Path,
        *,
        context_cap: int = DEFAULT_CONTEXT_CAP,
        threads: int | None = None,
        verbose: bool = False,
        repeat_penalty: float = 1.1,
    ) -> None:
        self.path = Path(path)
        self.context_cap = context_cap
        self.threads = threads or default_threads()
        # reading a prompt is one batch that all cores share without waiting on each other: with 2 threads
        # on 2 cores a request's 56 new tokens took 0.27 s instead of 0.48 (what it was asked, with the
        # threads given or COWRITER_THREADS, is used for both)
        self.batch_threads = threads or _env_threads() or max(self.threads, physical_cores())
        self.verbose = verbose
        self.repeat_penalty = repeat_penalty
        self._llm: Any = None
        self._n_ctx = 0
        self._meta: dict[str, gguf.Value] = {}
        self._grammars: dict[str, Any] = {}
        self._chat: Any = None  # the chat template's formatter, for `sample`
        self._words: frozenset[str] | None = None
        self._starts: dict[str, frozenset[int]] = {}  # a word's first tokens (`llama_sample.first_tokens`)
        self._marks: dict[str, Any] = {}  # the tokens each mark of `ban` names (`llama_sample.mark_tokens`)
        self._flag = CancelFlag()
        self._abort: AbortSwitch | None = None  # ends llama.cpp's step in flight (set with the model)
        self._lock = threading.RLock()  # held while llama.cpp runs; never across a yield
        self._closing = threading.Event()  # set once by close(): no more loading or generating

    # -- loading -------------------------------------------------------------------------------------------
    def load(self) -> None:
        """Load the model now (idempotent). Raises ModelError when the file is missing or damaged."""
        with self._lock:
            if self._llm is not None:
                return
            if self._closing.is_set():
                raise ModelError("the model was closed", hint="open a new backend to use it again")
            if not self.path.is_file():
                raise ModelError(
                    f"model file not found: {self.path}",
                    hint="pass --model PATH.gguf, set COWRITER_MODEL, or run `cowriter models`",
                )
            self._meta = gguf.read_metadata(self.path)
            trained = gguf.context_length(self._meta) or self.context_cap
            n_ctx = max(512, min(self.context_cap, trained))
            try:
                import llama_cpp
            except ImportError as exc:  # pragma: no cover - a broken install
                raise ModelError(
                    "llama-cpp-python is not installed", hint="pip install llama-cpp-python"
                ) from exc
            avoid_amx_buffers(llama_cpp)
            try:
                self._llm = llama_cpp.Llama(
                    model_path=str(self.path),
                    n_ctx=n_ctx,
                    n_threads=self.threads,
                    n_threads_batch=self.batch_threads,
                    verbose=self.verbose,
                )
            except (ValueError, RuntimeError, OSError) as exc:
                raise ModelError(
                    f"llama.cpp could not load {self.path} ({exc})",
                    hint="the file may be damaged or of an architecture this llama.cpp build lacks",
                ) from None
            self._n_ctx = int(self._llm.n_ctx())
            self._abort = AbortSwitch.install(llama_cpp, self._llm)

    @property
    def loaded(self) -> bool:
        return self._llm is not None

    @property
    def name(self) -> str:
        return self.path.name

    @property
    def description(self) -> str:
        if not self._meta and self.path.is_file():
            self._meta = gguf.read_metadata(self.path)
        return gguf.describe(self._meta)

    @property
    def family_text(self) -> str:
        """What tells the model's family (prompts/families.toml): its header's description, its file."""
        return f"{self.description} {self.path.name}"

    @property
    def context_size(self) -> int:
        self.load()
        return self._n_ctx

    @property
    def supports_grammar(self) -> bool:
        return True

    def count_tokens(self, text: str) -> int:
        with self._lock:
            self.load()
            return len(self._llm.tokenize(text.encode("utf-8"), add_bos=False, special=True))

    def _grammar(self, text: str) -> Any:
        compiled = self._grammars.get(text)
        if compiled is None:
            from llama_cpp.llama_grammar import LlamaGrammar

            self.check_grammar(text)
            try:
                compiled = LlamaGrammar.from_string(text, verbose=self.verbose)
            except (ValueError, RuntimeError) as exc:
                raise ModelError(f"the proposal grammar does not compile ({exc})") from None
            self._grammars = {text: compiled}  # keep one: grammars are per request and cheap to rebuild
        return compiled

    def _sampler(self, grammar: str) -> Any:
        """A grammar sampler on the model's vocabulary (call with the lock held)."""
        import llama_cpp

        self.load()
        sampler = llama_cpp.llama_sampler_init_grammar(self._llm._model.vocab, grammar.encode(), b"root")
        if not sampler:
            # llama-cpp-python would dereference the NULL sampler and crash the process: refuse first
            raise ModelError(
                "the proposal grammar does not compile", hint="a prompts/ grammar or cowriter itself is wrong"
            )
        return sampler

    def vocabulary(self) -> frozenset[str]:
        """The whole words the model writes as one token after a space, lower case ("night", "river"):
        the words it knows best, which the co-writer prefers for the ends of lines."""
        with self._lock:
            self.load()
            if self._words is None:
                llm = self._llm
                found: set[str] = set()
                for token in range(int(llm.n_vocab())):
                    text = llm.detokenize([token]).decode("utf-8", errors="ignore")
                    if text.startswith(" ") and text[1:].isalpha() and text[1:].islower():
                        found.add(text[1:])
                self._words = frozenset(found)
            return self._words

    def check_grammar(self, grammar: str) -> None:
        """Raise ModelError unless llama.cpp's own GBNF parser accepts `grammar`."""
        import llama_cpp

        with self._lock:
            llama_cpp.llama_sampler_free(self._sampler(grammar))

    def grammar_accepts(self, grammar: str, text: str) -> bool:
        """Whether `grammar` accepts exactly `text` (all of it, and nothing more), as llama.cpp samples."""
        import ctypes

        import llama_cpp

        with self._lock:
            sampler = self._sampler(grammar)
            try:
                tokens = list(self._llm.tokenize(text.encode("utf-8"), add_bos=False, special=False))
                eos = int(self._llm.token_eos())
                for token in [*tokens, eos]:
                    cell = (llama_cpp.llama_token_data * 1)()
                    cell[0].id, cell[0].logit, cell[0].p = token, 0.0, 0.0
                    array = llama_cpp.llama_token_data_array(data=cell, size=1, selected=-1, sorted=False)
                    llama_cpp.llama_sampler_apply(sampler, ctypes.byref(array))
                    if cell[0].logit == float("-inf"):
                        return False
                    if token != eos:
                        llama_cpp.llama_sampler_accept(sampler, token)
                return True
            finally:
                llama_cpp.llama_sampler_free(sampler)

    # -- generation ----------------------------------------------------------------------------------------
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
        self._reset()
        self.load()
        compiled = self._grammar(grammar) if grammar else None
        return self._stream(messages, compiled, max_tokens, temperature, seed, list(stop), cancel)

    def _stream(
        self,
        messages: Sequence[Message],
        compiled: Any,
        max_tokens: int,
        temperature: float,
        seed: int | None,
        stop: list[str],
        cancel: threading.Event | None,
    ) -> Iterator[str]:
        with self._lock:
            llm = self._live(None, cancel)
            chunks = llm.create_chat_completion(
                messages=message_dicts(messages, self.family_text),
                grammar=compiled,
                max_tokens=max_tokens,
                temperature=temperature,
                seed=seed,
                stop=stop,
                repeat_penalty=self.repeat_penalty,
                stream=True,
            )
        try:
            while True:
                with self._lock:  # one step of llama.cpp: the prompt, then a token at a time
                    self._live(llm, cancel)
                    chunk = self._step(lambda: next(chunks, None))
                if chunk is None:
                    return
                piece = chunk["choices"][0]["delta"].get("content")
                if piece:
                    yield piece
        finally:
            with self._lock:
                chunks.close()  # runs no llama.cpp code (its generators hold no cleanup)

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
        """Continue the reply that begins with `prefill` (see `backend.Sampler`): the text up to the end of
        the turn, a stop string (left out) or `max_tokens`, and the model's log-probability of it. The
        prompt's beginning stays in llama.cpp's cache, so samples of the same request share its reading.
        `ban(text so far)` names words that must not come next (a copy of the song is not continued), and
        the marks `backend.LINE_END` and `backend.NEW_WORD` (a line kept to its syllables)."""
        from cowriter.model import llama_sample

        self._reset()
        self.load()
        if grammar:
            self._grammar(grammar)  # a grammar llama.cpp refuses is a clear error, not a crash
        with self._lock:
            llm = self._live(None, cancel)
            if self._chat is None:
                self._chat = llama_sample.formatter(llm)
            prompt = llama_sample.prompt_tokens(llm, self._chat, messages, prefill, self.family_text)
            if len(prompt) + max_tokens > self._n_ctx:
                raise ModelError(
                    f"the request takes {len(prompt)} tokens, too many for this model's {self._n_ctx}",
                    hint="use a model with a larger context (--model), or ask about one section at a time",
                )
            steps = self._step(  # reads the prompt: the long step a cancel ends at once
                partial(
                    llama_sample.Steps,
                    llm,
                    prompt,
                    grammar=grammar,
                    temperature=temperature,
                    seed=seed,
                    repeat_penalty=self.repeat_penalty,
                )
            )
            text = llama_sample.Detokenizer(llm)
        out = ""
        logprob = 0.0
        count = 0
        taken: list[tuple[str, float]] = []
        try:
            while count < max_tokens:
                with self._lock:  # one step of llama.cpp
                    self._live(llm, cancel)
                    words = set(ban(out)) if ban is not None else set()
                    banned = llama_sample.banned_ids(llm, words, self._starts, self._marks)
                    step = self._step(partial(steps.next_token, banned))
                    piece = text.piece(step[0]) if step is not None else ""
                if step is None:
                    break
                count += 1
                logprob += step[1]
                cut = _stop_at(out + piece, stop)
                if cut is not None:
                    piece = cut[len(out) :]
                if piece and on_piece is not None:
                    on_piece(piece)
                out += piece
                taken.append((piece, step[1]))
                if cut is not None:
                    break
        finally:
            with self._lock:
                steps.close()
        return Sample(out, logprob, count, tuple(taken))

    def _live(self, llm: Any, cancel: threading.Event | None) -> Any:
        """The loaded model, unless the stream was cancelled or the model closed (or replaced) under it:
        then GenerationCancelled. Call with the lock held."""
        if self._closing.is_set() or self._llm is None or (llm is not None and self._llm is not llm):
            raise GenerationCancelled()
        self._flag.check(cancel)
        return self._llm

    def _reset(self) -> None:
        """A new stream starts clear of the last one's cancellation."""
        self._flag.reset()
        if self._abort is not None:
            self._abort.clear()

    def _step(self, step: Callable[[], Any]) -> Any:
        """One step of llama.cpp (`step()`: the prompt, or the next token). A step the abort switch ended
        (`cancel`, `close`) is GenerationCancelled."""
        try:
            return step()
        except RuntimeError as exc:  # "llama_decode returned 2": aborted
            if self._abort is not None and self._abort.is_set():
                raise GenerationCancelled() from exc
            raise

    def cancel(self) -> None:
        """End the stream in progress, from any thread: at once, even while llama.cpp reads the prompt."""
        self._flag.set()
        if self._abort is not None:
            self._abort.set()

    def close(self) -> None:
        """Free the model, from any thread: a stream in progress ends (GenerationCancelled) at its next
        step, and the model is freed only once llama.cpp is no longer running. Final: the backend does not
        load again."""
        self._closing.set()
        self.cancel()  # the step in flight ends now, so the lock is soon free
        with self._lock:
            llm, self._llm = self._llm, None
            self._grammars.clear()
            self._starts.clear()
            self._marks.clear()
            self._chat = None
            if llm is not None:
                llm.close()


class AbortSwitch:
    """A switch llama.cpp reads between the steps of its computation (its abort callback, checked after
    each node of the graph, hundreds of times a token): set, the step in flight ends ("llama_decode
    returned 2") within milliseconds; the model stays usable (llama-cpp-python keeps only the tokens
    evaluated before it, and the next prompt is read from there).

    The callback is no Python: it is the C library's own `strlen`, given a two-byte buffer, so it returns
    1 once the first byte is set and 0 while it is clear. A Python callback would take the GIL at every
    node, from llama.cpp's threads, slowing each token and the editor that shares the GIL."""

    def __init__(self, callback: Any, buffer: Any) -> None:
        self._callback = callback  # kept: llama.cpp holds only the pointers
        self._buffer = buffer

    @classmethod
    def install(cls, llama_cpp: Any, llm: Any) -> AbortSwitch | None:
        """A switch on `llm`'s context, or None where it cannot be made (no C library to borrow `strlen`
        from, an llama-cpp-python without the call): cancelling then waits for the step in flight."""
        import ctypes

        try:
            strlen = ctypes.cast(ctypes.CDLL(None).strlen, ctypes.c_void_p).value
            callback = llama_cpp.ggml_abort_callback(strlen)
            buffer = ctypes.create_string_buffer(2)
            llama_cpp.llama_set_abort_callback(llm._ctx.ctx, callback, ctypes.cast(buffer, ctypes.c_void_p))
        except (AttributeError, OSError, TypeError, ValueError):
            return None
        return cls(callback, buffer)

    def set(self) -> None:
        self._buffer[0] = b"\x01"

    def clear(self) -> None:
        self._buffer[0] = b"\x00"

    def is_set(self) -> bool:
        return bool(self._buffer.raw[0])


def _stop_at(text: str, stop: Sequence[str]) -> str | None:
    """`text` cut before the first stop string in it, or None when it holds none."""
    found = [text.index(s) for s in stop if s and s in text]
    return text[: min(found)] if found else None
