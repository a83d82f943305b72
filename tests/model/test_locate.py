"""Which model runs (flag, env, config, default), GGUF headers, and models found on the machine."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cowriter.model import gguf
from cowriter.model.backend import ModelError
from cowriter.model.locate import (
    DEFAULT_FILE,
    config_path,
    default_model_path,
    discover,
    load_config,
    open_backend,
    resolve,
)
from cowriter.model.openai_http import OpenAIHTTPBackend
from tests.model.fixtures import model_path  # noqa: F401


def test_default_model_is_found_without_importing_its_package() -> None:
    path = default_model_path()
    assert path is not None and path.name == DEFAULT_FILE and path.is_file()


@pytest.mark.parametrize(
    ("flag", "env", "config", "origin", "value"),
    [
        ("/m/f.gguf", {"COWRITER_MODEL": "/m/env.gguf"}, {"model": "/m/c.gguf"}, "--model", "/m/f.gguf"),
        (None, {"COWRITER_MODEL": "/m/env.gguf"}, {"model": "/m/cfg.gguf"}, "COWRITER_MODEL", "/m/env.gguf"),
        (None, {}, {"model": "/m/cfg.gguf"}, "config", "/m/cfg.gguf"),
        (None, {}, {"model": "http://127.0.0.1:9/v1"}, "config", "http://127.0.0.1:9/v1"),
        ("http://h:1/v1", {}, {}, "--model", "http://h:1/v1"),
    ],
)
def test_model_choice_order(
    flag: str | None, env: dict[str, str], config: dict[str, object], origin: str, value: str
) -> None:
    choice = resolve(flag, env=env, config=config)
    assert choice.origin == origin
    assert (choice.url or str(choice.path)) == value


def test_default_when_nothing_is_chosen() -> None:
    choice = resolve(None, env={"HOME": "/nonexistent"}, config={})
    assert choice.origin == "default" and choice.path == default_model_path()


def test_model_name_for_a_server_comes_from_flag_or_config() -> None:
    assert resolve("http://h:1/v1", model_name="qwen", env={}, config={}).model_name == "qwen"
    config = {"model": "http://h:1/v1", "model_name": "llama3"}
    assert resolve(None, env={}, config=config).model_name == "llama3"


def test_config_file(tmp_path: Path) -> None:
    env = {"XDG_CONFIG_HOME": str(tmp_path)}
    path = config_path(env)
    assert path == tmp_path / "cowriter" / "config.toml"
    assert load_config(path) == {}
    path.parent.mkdir(parents=True)
    path.write_text('model = "/models/big.gguf"\nprompts = "~/p"\n', encoding="utf-8")
    assert resolve(None, env=env).path == Path("/models/big.gguf")
    path.write_text("model = [unclosed", encoding="utf-8")
    with pytest.raises(ModelError, match="config file"):
        load_config(path)


def test_unknown_name_is_a_clear_error() -> None:
    with pytest.raises(ModelError, match="cowriter models"):
        resolve("no-such-model", env={"HOME": "/nonexistent"}, config={})


def test_open_backend(tmp_path: Path) -> None:
    backend = open_backend(resolve("http://127.0.0.1:9/v1", model_name="m", env={}, config={}))
    assert isinstance(backend, OpenAIHTTPBackend)
    with pytest.raises(ModelError, match="model file not found"):
        open_backend(resolve(str(tmp_path / "missing.gguf"), env={}, config={}))


# -- GGUF headers ----------------------------------------------------------------------------------------


def test_gguf_header_of_the_default_model(model_path: Path) -> None:  # noqa: F811
    meta = gguf.read_metadata(model_path)
    assert meta["general.architecture"] == "llama"
    assert gguf.context_length(meta) == 8192
    assert "135M" in gguf.describe(meta)
    assert gguf.is_gguf(model_path)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "not a GGUF"),
        (b"PK\x03\x04 a zip file", "not a GGUF"),
        (b"GGUF\x03\x00\x00\x00", "damaged"),  # header cut short
        (b"GGUF\x01\x00\x00\x00" + b"\x00" * 16, "too old"),
    ],
)
def test_bad_gguf_files_are_refused(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "bad.gguf"
    path.write_bytes(content)
    with pytest.raises(ModelError, match=message):
        gguf.read_metadata(path)


def test_truncated_model_is_refused(tmp_path: Path, model_path: Path) -> None:  # noqa: F811
    cut = tmp_path / "cut.gguf"
    with model_path.open("rb") as src:
        cut.write_bytes(src.read(100_000))  # the vocabulary array runs past this point
    with pytest.raises(ModelError, match="damaged"):
        gguf.read_metadata(cut)


def test_missing_gguf(tmp_path: Path) -> None:
    with pytest.raises(ModelError, match="not found"):
        gguf.read_metadata(tmp_path / "nope.gguf")


# -- discovery ----------------------------------------------------------------------------------------------


def _gguf(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"GGUF" + b"\0" * 60)
    return path


def _tree(home: Path) -> None:
    # Ollama: manifests name blobs
    store = home / ".ollama" / "models"
    digest = "sha256:" + "ab" * 32
    _gguf(store / "blobs" / ("sha256-" + "ab" * 32))
    manifest = {
        "layers": [
            {"mediaType": "application/vnd.ollama.image.template", "digest": "sha256:" + "cd" * 32},
            {"mediaType": "application/vnd.ollama.image.model", "digest": digest},
        ]
    }
    for rel in ("registry.ollama.ai/library/qwen2.5/0.5b", "registry.ollama.ai/someone/tiny/latest"):
        (store / "manifests" / rel).parent.mkdir(parents=True, exist_ok=True)
        (store / "manifests" / rel).write_text(json.dumps(manifest), encoding="utf-8")
    broken = store / "manifests" / "registry.ollama.ai/library/broken/latest"
    broken.parent.mkdir(parents=True)
    broken.write_text("{not json", encoding="utf-8")
    # LM Studio
    _gguf(home / ".lmstudio" / "models" / "lmstudio-community" / "Llama-3.2-1B-GGUF" / "llama-1b-Q4.gguf")
    _gguf(home / ".lmstudio" / "models" / "x" / "vision" / "mmproj-model-f16.gguf")  # not a chat model
    # Hugging Face hub cache
    hub = home / ".cache" / "huggingface" / "hub"
    snap = hub / "models--Qwen--Qwen2.5-0.5B-Instruct-GGUF" / "snapshots" / "r1"
    _gguf(snap / "qwen2.5-0.5b-instruct-q4_k_m.gguf")
    _gguf(snap / "big-00002-of-00003.gguf")  # a later shard
    # llama.cpp cache
    _gguf(home / ".cache" / "llama.cpp" / "ggml-org_gemma-3-1b-it-GGUF_gemma-3-1b-it-Q4_K_M.gguf")


def test_discover_finds_models_where_other_tools_keep_them(tmp_path: Path) -> None:
    _tree(tmp_path)
    found = discover({"HOME": str(tmp_path)}, include_default=False)
    names = {(m.source, m.name) for m in found}
    assert names == {
        ("ollama", "qwen2.5:0.5b"),
        ("lmstudio", "lmstudio-community/Llama-3.2-1B-GGUF/llama-1b-Q4.gguf"),
        ("huggingface", "Qwen/Qwen2.5-0.5B-Instruct-GGUF/qwen2.5-0.5b-instruct-q4_k_m.gguf"),
        ("llama.cpp", "ggml-org_gemma-3-1b-it-GGUF_gemma-3-1b-it-Q4_K_M.gguf"),
    }, "each file once (two Ollama names share one blob), no projectors, no later shards"


def test_discover_lists_the_default_first(tmp_path: Path) -> None:
    found = discover({"HOME": str(tmp_path)})
    assert found[0].name == "default" and found[0].path == default_model_path()


def test_a_found_name_can_be_passed_as_model(tmp_path: Path) -> None:
    _tree(tmp_path)
    choice = resolve("qwen2.5:0.5b", env={"HOME": str(tmp_path)}, config={})
    assert choice.path is not None and choice.path.name == "sha256-" + "ab" * 32


def test_env_overrides_store_locations(tmp_path: Path) -> None:
    _tree(tmp_path / "elsewhere")
    env = {
        "HOME": str(tmp_path / "empty"),
        "OLLAMA_MODELS": str(tmp_path / "elsewhere" / ".ollama" / "models"),
        "HF_HUB_CACHE": str(tmp_path / "elsewhere" / ".cache" / "huggingface" / "hub"),
        "LLAMA_CACHE": str(tmp_path / "elsewhere" / ".cache" / "llama.cpp"),
    }
    sources = {m.source for m in discover(env, include_default=False)}
    assert sources == {"ollama", "huggingface", "llama.cpp"}


def test_package_level_open_backend() -> None:
    import cowriter.model

    backend = cowriter.model.open_backend("http://127.0.0.1:9/v1", model_name="m")
    assert isinstance(backend, OpenAIHTTPBackend) and backend.name == "m"
