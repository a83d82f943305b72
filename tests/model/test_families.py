"""Prompt presets per model family (prompts/families.toml): Gemma's chat template has no system role, so
cowriter folds its system text into the first user message; judged by llama-cpp-python's own chat
formatter running Gemma 2's published template, and by what reaches a server on the wire. A family's
own templates (a user's prompts folder) replace the shipped ones for that family only."""

from __future__ import annotations

import contextlib
import http.server
import json
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from cowriter.errors import CowriterError
from cowriter.model.backend import Message, message_dicts
from cowriter.model.families import Family, detect, fold_system, load, prepare
from cowriter.model.openai_http import OpenAIHTTPBackend
from cowriter.model.prompts import Prompts
from cowriter.model.scripted import ScriptedBackend
from cowriter.service.cowrite import CoWriter

# Gemma 2's chat template as google/gemma-2-2b-it's tokenizer_config.json publishes it (and GGUFs carry)
GEMMA2_TEMPLATE = (
    "{{ bos_token }}{% if messages[0]['role'] == 'system' %}"
    "{{ raise_exception('System role not supported') }}{% endif %}"
    "{% for message in messages %}{% if (message['role'] == 'user') != (loop.index0 % 2 == 0) %}"
    "{{ raise_exception('Conversation roles must alternate user/assistant/user/assistant/...') }}{% endif %}"
    "{% if (message['role'] == 'assistant') %}{% set role = 'model' %}"
    "{% else %}{% set role = message['role'] %}{% endif %}"
    "{{ '<start_of_turn>' + role + '\n' + message['content'] | trim + '<end_of_turn>\n' }}"
    "{% endfor %}{% if add_generation_prompt %}{{'<start_of_turn>model\n'}}{% endif %}"
)
GEMMA_GGUF = "Gemma 2 2b It · 2.6B · gemma2 gemma-2-2b-it-Q4_K_M.gguf"
# what the co-writer sends: system, the worked example (user, assistant), the request
COWRITER_TURNS = [
    Message("system", "You are a songwriting partner."),
    Message("user", "Key: G major. Write a 4-line verse about an empty house."),
    Message("assistant", "[G]Morning light on the [C]kitchen floor"),
    Message("user", "Write a 2-line chorus about trains."),
]


@pytest.fixture(autouse=True)
def _no_user_prompts(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("COWRITER_PROMPTS", raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))


def test_gemma2s_own_template_refuses_a_system_role_and_takes_the_folded_turns() -> None:
    from llama_cpp.llama_chat_format import Jinja2ChatFormatter

    gemma = Jinja2ChatFormatter(GEMMA2_TEMPLATE, eos_token="<eos>", bos_token="<bos>")
    with pytest.raises(Exception, match="System role not supported"):
        gemma(messages=message_dicts(COWRITER_TURNS))
    prompt = gemma(messages=message_dicts(COWRITER_TURNS, GEMMA_GGUF)).prompt
    assert prompt.startswith(
        "<bos><start_of_turn>user\nYou are a songwriting partner.\n\nKey: G major. Write a 4-line verse"
    )
    assert prompt.endswith(
        "<start_of_turn>user\nWrite a 2-line chorus about trains.<end_of_turn>\n<start_of_turn>model\n"
    )


@pytest.mark.parametrize(
    ("model", "family"),
    [
        (GEMMA_GGUF, "gemma"),
        ("gemma3:4b", "gemma"),  # an Ollama name on a server
        ("SmolLM2 135M Instruct · 135M · llama SmolLM2-135M-Instruct.Q4_1.gguf", None),
        ("Qwen2.5 1.5B Instruct · 1.5B · qwen2 Qwen2.5-1.5B-Instruct-Q4_K_M.gguf", None),
    ],
)
def test_families_are_found_by_name(model: str, family: str | None) -> None:
    found = detect(model)
    assert (found.name if found else None) == family
    folded = prepare(COWRITER_TURNS, model)
    assert (folded is COWRITER_TURNS) is (family is None)


def test_folding_keeps_the_turns_in_order() -> None:
    assert fold_system(COWRITER_TURNS) == [
        Message("user", "You are a songwriting partner.\n\n" + COWRITER_TURNS[1].content),
        *COWRITER_TURNS[2:],
    ]
    assert fold_system([Message("system", "s")]) == [Message("user", "s")]


@pytest.fixture
def capture() -> Iterator[tuple[str, list[dict[str, object]]]]:
    bodies: list[dict[str, object]] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            bodies.append(json.loads(self.rfile.read(int(self.headers["Content-Length"]))))
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.end_headers()
            self.wfile.write(b"data: [DONE]\n\n")

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/v1", bodies
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.parametrize(
    ("model", "roles"),
    [
        ("gemma-2-9b-it", ["user", "assistant", "user"]),
        ("qwen2.5-7b-instruct", ["system", "user", "assistant", "user"]),
    ],
)
def test_a_server_gets_the_turns_its_family_takes(
    capture: tuple[str, list[dict[str, object]]], model: str, roles: list[str]
) -> None:
    url, bodies = capture
    assert list(OpenAIHTTPBackend(url, model=model).stream(COWRITER_TURNS)) == []
    messages = bodies[-1]["messages"]
    assert isinstance(messages, list) and [m["role"] for m in messages] == roles


def test_a_familys_own_templates_replace_the_shipped_ones(tmp_path: Path) -> None:
    mine = tmp_path / "prompts"
    (mine / "families" / "tiny").mkdir(parents=True)
    (mine / "families.toml").write_text('[tiny]\nmatch = ["tinymodel"]\nprompts = "tiny"\n', encoding="utf-8")
    (mine / "families" / "tiny" / "section.j2").write_text("TINY: {{ request }}", encoding="utf-8")
    assert [f.name for f in load(mine)][:1] == ["tiny"] and isinstance(load(mine)[0], Family)
    for name, expected in (("tinymodel-1b", "TINY: a verse"), ("othermodel", "Write a 4-line verse")):
        backend = ScriptedBackend.with_replies(["[G]Hello there my friend\n"] * 4, model_name=name)
        writer = CoWriter(backend, prompts=Prompts(mine))
        with contextlib.suppress(CowriterError):  # the reply's shape does not matter: what was asked does
            writer.propose("a verse", "")
        asked = backend.calls[0].messages[-1].content
        assert asked.startswith(expected) if name.startswith("tiny") else expected in asked, asked
