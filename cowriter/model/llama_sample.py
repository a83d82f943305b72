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
from collections.abc import Generator, Sequence
from typing import Any

from cowriter.model.backend import Message, message_dicts

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


def logprob_of(llm: Any, token: int) -> float:
    """The model's log-probability of `token` at the position just decoded (its last logits)."""
    import llama_cpp
    import numpy as np

    pointer = llama_cpp.llama_get_logits_ith(llm._ctx.ctx, -1)
    logits = np.ctypeslib.as_array(pointer, shape=(llm.n_vocab(),))
    top = float(logits.max())
    return float(logits[token]) - top - math.log(float(np.exp(logits - top).sum()))


def tokens(
    llm: Any,
    prompt: list[int],
    *,
    grammar: Any,
    temperature: float,
    seed: int | None,
    repeat_penalty: float,
) -> Generator[tuple[int, float], None, None]:
    """(token, log-probability) pairs as llama.cpp samples them, until the model ends its turn. Each
    `next()` runs one step of llama.cpp: the caller holds the backend's lock around it."""
    import llama_cpp

    llm.set_seed(seed if seed is not None else random.randrange(2**31))
    steps = llm.generate(prompt, temp=temperature, grammar=grammar, repeat_penalty=repeat_penalty)
    for token in steps:
        if llama_cpp.llama_vocab_is_eog(llm._model.vocab, token):
            return
        yield token, logprob_of(llm, token)


class Detokenizer:
    """Token ids → text, whole characters only (a character split across tokens waits for its end)."""

    def __init__(self, llm: Any) -> None:
        self._llm = llm
        self._decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")

    def piece(self, token: int) -> str:
        return str(self._decoder.decode(self._llm.detokenize([token])))
