"""Sampling with llama-cpp-python token by token, for `LlamaBackend.sample`: the chat prompt rendered with
the model's own template and the reply's beginning (the prefill) appended, then a loop that yields each
token's text with the model's log-probability of it.

The log-probability is read from the logits llama.cpp computed for the position (the model's own,
unconstrained distribution: before the grammar, the penalties and the temperature), so a line the grammar
forced into an unnatural shape, or an odd word the sampler happened to pick, scores low: the model judges
its own lines. Only this module and `llama.py` touch llama_cpp (imported lazily, by them alone).
"""

from __future__ import annotations

import codecs
import math
import random
from collections.abc import Collection, Iterable, Sequence
from typing import Any

from cowriter.model.backend import LINE_END, NEW_WORD, Message, message_dicts

STOPS = frozenset(",.!?;:")  # the marks a line's words may end with
_FALLBACK = (
    "{% for m in messages %}{{ m['role'] | capitalize }}: {{ m['content'] }}\n{% endfor %}"
    "{% if add_generation_prompt %}Assistant: {% endif %}"
)


def formatter(llm: Any) -> Any:
    """The chat formatter of the model's GGUF template (a plain "Role: text" one when it has none)."""
    from llama_cpp.llama_chat_format import Jinja2ChatFormatter

    template = llm.metadata.get("tokenizer.chat_template") or _FALLBACK
    vocab = llm._model

    def text(token: int) -> str:
        try:
            return str(vocab.token_get_text(token))
        except Exception:  # a model without that token
            return ""

    return Jinja2ChatFormatter(template, text(llm.token_eos()), text(llm.token_bos()))


def prompt_tokens(
    llm: Any, chat: Any, messages: Sequence[Message], prefill: str, model: str = ""
) -> list[int]:
    """The tokens of the chat prompt, ready for the assistant's reply, with `prefill` already written
    (`model`: what tells its family, see prompts/families.toml)."""
    prompt = chat(messages=message_dicts(messages, model)).prompt + prefill
    return list(llm.tokenize(prompt.encode("utf-8"), add_bos=False, special=True))


class Steps:
    """llama.cpp sampling one token at a time, with the grammar checked lazily (as llama.cpp's own
    programs do): the token the model picks is checked against the grammar alone, and only when the
    grammar refuses it is the grammar applied to the whole vocabulary and the token picked again. Applying
    the grammar to every token of a 49,152-token vocabulary at every step cost 45 ms a token here (the
    model itself 15-50 ms); checking one token costs nothing.

    Each `next_token()` runs one step of llama.cpp: the caller holds the backend's lock around it. The
    prompt's beginning that is already in llama.cpp's cache (the previous request's) is not read again.
    """

    def __init__(
        self,
        llm: Any,
        prompt: list[int],
        *,
        grammar: str | None,
        temperature: float,
        seed: int | None,
        repeat_penalty: float,
    ) -> None:
        import llama_cpp
        import numpy as np
        from llama_cpp import _internals

        self._llm = llm
        self._lib = llama_cpp
        self._np = np
        self.vocab_size = int(llm.n_vocab())
        chain = _internals.LlamaSampler()  # type: ignore[no-untyped-call]
        chain.add_penalties(self.vocab_size, 64, repeat_penalty, 0.0, 0.0)
        if temperature <= 0:
            chain.add_greedy()  # type: ignore[no-untyped-call]
        else:
            chain.add_top_k(40)
            chain.add_top_p(0.95, 1)
            chain.add_min_p(0.05, 1)
            chain.add_temp(temperature)
            chain.add_dist(seed if seed is not None else random.randrange(2**31))
        self._chain = chain
        self._grammar: Any = None
        if grammar:
            self._grammar = llama_cpp.llama_sampler_init_grammar(llm._model.vocab, grammar.encode(), b"root")
        record = np.dtype([("id", np.intc), ("logit", np.single), ("p", np.single)], align=True)
        self._data = np.zeros(self.vocab_size, dtype=record)
        self._ids = np.arange(self.vocab_size, dtype=np.intc)
        self._one = (llama_cpp.llama_token_data * 1)()
        self._read(prompt)

    def _read(self, prompt: list[int]) -> None:
        """Evaluate the prompt, reusing what llama.cpp already holds of it."""
        llm = self._llm
        same = 0
        for a, b in zip(llm._input_ids[: llm.n_tokens], prompt, strict=False):
            if a != b:
                break
            same += 1
        same = min(same, len(prompt) - 1)  # the last token is read again: its logits start the reply
        if same > 0 and llm._ctx.kv_cache_seq_rm(-1, same, -1):
            llm.n_tokens = same
        else:
            llm.reset()
            same = 0
        llm.eval(prompt[same:])

    def _array(self, banned: Any) -> Any:
        np = self._np
        logits = np.ctypeslib.as_array(
            self._lib.llama_get_logits_ith(self._llm._ctx.ctx, -1), shape=(self.vocab_size,)
        )
        data = self._data
        data["id"] = self._ids
        data["logit"] = logits
        data["p"] = 0.0
        if len(banned):
            data["logit"][banned] = -np.inf
        lib = self._lib
        pointer = data.ctypes.data_as(lib.ctypes.POINTER(lib.llama_token_data))
        array = lib.llama_token_data_array(data=pointer, size=self.vocab_size, selected=-1, sorted=False)
        return logits, array

    def _allowed(self, token: int) -> bool:
        lib = self._lib
        cell: Any = self._one[0]
        cell.id, cell.logit, cell.p = token, 0.0, 0.0
        one = lib.llama_token_data_array(data=self._one, size=1, selected=-1, sorted=False)
        lib.llama_sampler_apply(self._grammar, lib.ctypes.byref(one))
        return bool(self._one[0].logit != float("-inf"))

    def _grammar_pick(self, banned: Any) -> int | None:
        """The token picked among those the grammar allows (None: it allows none that is not banned)."""
        lib = self._lib
        _logits, array = self._array(banned)
        lib.llama_sampler_apply(self._grammar, lib.ctypes.byref(array))
        if not self._np.isfinite(self._data["logit"]).any():
            return None
        lib.llama_sampler_apply(self._chain.sampler, lib.ctypes.byref(array))
        token = int(self._data["id"][array.selected])
        return token if self._allowed(token) else None

    def next_token(self, banned: Any = ()) -> tuple[int, float] | None:
        """The next token and the model's log-probability of it (None: the model ended its turn).
        `banned`: token ids (a sequence or an array) not to be picked, unless the grammar allows no other."""
        lib = self._lib
        logits, array = self._array(banned)
        lib.llama_sampler_apply(self._chain.sampler, lib.ctypes.byref(array))
        picked: int | None = int(self._data["id"][array.selected])
        if self._grammar is not None and picked is not None and not self._allowed(picked):
            picked = self._grammar_pick(banned)
            if picked is None and len(banned):  # every word the grammar allows is banned: the grammar wins
                picked = self._grammar_pick(())
        if picked is None:
            return None  # the grammar allows nothing more
        token = picked
        top = float(logits.max())
        logprob = float(logits[token]) - top - math.log(float(self._np.exp(logits - top).sum()))
        if lib.llama_vocab_is_eog(self._llm._model.vocab, token):
            return None
        if self._grammar is not None:
            lib.llama_sampler_accept(self._grammar, token)
        lib.llama_sampler_accept(self._chain.sampler, token)
        self._llm.eval([token])
        return token, logprob

    def close(self) -> None:
        if self._grammar is not None:
            self._lib.llama_sampler_free(self._grammar)
            self._grammar = None
        self._chain.close()  # type: ignore[no-untyped-call]


def first_tokens(llm: Any, words: Iterable[str], known: dict[str, frozenset[int]] | None = None) -> set[int]:
    """The tokens that would begin each of `words` as the next word (after a space or not, capitalised or
    not): what to forbid so that a word is not written next. `known` remembers them (per model).

    The model can spell a word in other pieces than its tokenizer's own (" bl" + "ue" for " blue"), so
    the single tokens that spell a beginning of the word (two letters or more: " bl", " blu") are
    forbidden too; a word they begin that is not forbidden has its own token (" black")."""
    out: set[int] = set()
    for word in words:
        tokens = known.get(word) if known is not None else None
        if tokens is None:
            found: set[int] = set()
            for form in {word, word.capitalize()}:
                for text in (" " + form, form):
                    pieces = llm.tokenize(text.encode("utf-8"), add_bos=False, special=False)
                    if pieces:
                        found.add(int(pieces[0]))
                    for end in range(len(text) - len(form) + 2, len(text)):
                        part = llm.tokenize(text[:end].encode("utf-8"), add_bos=False, special=False)
                        if len(part) == 1:
                            found.add(int(part[0]))
            tokens = frozenset(found)
            if known is not None:
                known[word] = tokens
        out |= tokens
    return out


def mark_tokens(llm: Any) -> dict[str, Any]:
    """The token ids (arrays) each of `backend`'s marks bans: LINE_END every token that holds a line break,
    begins with a stop mark (a line's words end with one: "dips," and the line is over) or ends the turn;
    NEW_WORD every token that begins a word after a space, and the spaces alone (the word follows). Read
    from the whole vocabulary once per model (0.16 s for SmolLM2's 49,152 tokens)."""
    import llama_cpp
    import numpy as np

    vocab = llm._model.vocab
    ends: list[int] = []
    starts: list[int] = []
    for token in range(int(llm.n_vocab())):
        text = llm.detokenize([token]).decode("utf-8", "replace")
        if (
            "\n" in text
            or "\r" in text
            or text[:1] in STOPS
            or llama_cpp.llama_vocab_is_eog(vocab, token)
        ):
            ends.append(token)
        elif text[:1] == " " and (not text.strip(" ") or text[1].isalnum() or text[1] in "'’"):
            starts.append(token)
    return {LINE_END: np.array(ends, dtype=np.intc), NEW_WORD: np.array(starts, dtype=np.intc)}


def banned_ids(
    llm: Any, words: Collection[str], known: dict[str, frozenset[int]], marks: dict[str, Any]
) -> Any:
    """The token ids to ban for `words` (as `first_tokens`), the marks among them as `mark_tokens`."""
    import numpy as np

    plain = [w for w in words if w not in (LINE_END, NEW_WORD)]
    parts = [np.fromiter(first_tokens(llm, plain, known), dtype=np.intc)]
    for mark in (LINE_END, NEW_WORD):
        if mark in words:
            if not marks:
                marks.update(mark_tokens(llm))
            parts.append(marks[mark])
    return parts[0] if len(parts) == 1 else np.concatenate(parts)


class Detokenizer:
    """Token ids → text, whole characters only (a character split across tokens waits for its end)."""

    def __init__(self, llm: Any) -> None:
        self._llm = llm
        self._decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")

    def piece(self, token: int) -> str:
        return str(self._decoder.decode(self._llm.detokenize([token])))
