"""The curated list of bigger models (`catalog.toml` beside this module): instruct models that write good
lyrics, each one GGUF file in a Hugging Face repository, with its size, licence and expected speed.

`cowriter models pull NAME` fetches one (`cowriter.model.pull`); `installed(entry)` finds it in the
Hugging Face cache without importing huggingface_hub (the cache layout is stable and documented:
`models--ORG--NAME/snapshots/REVISION/FILE`), so `cowriter models` and `--model NAME` stay fast.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from cowriter.model.backend import ModelError

CATALOG = Path(__file__).resolve().parent / "catalog.toml"
DEFAULT_SIZE_MB = 135  # what the default model is called by: SmolLM2-135M


@dataclass(frozen=True, slots=True)
class CatalogEntry:
    name: str
    repo: str
    file: str
    size: str
    licence: str
    family: str
    laptop: int  # tokens/s expected on a laptop CPU
    gpu: int  # tokens/s expected on a GPU
    about: str = ""
    revision: str = "main"
    sha256: str | None = None

    @property
    def cache_folder(self) -> str:
        return "models--" + self.repo.replace("/", "--")


def _entry(name: str, data: Mapping[str, object]) -> CatalogEntry:
    def text(key: str, default: str | None = None) -> str:
        value = data.get(key, default)
        if not isinstance(value, str) or not value:
            raise ModelError(f"{CATALOG}: [{name}] needs a text `{key}`")
        return value

    def number(key: str) -> int:
        value = data.get(key)
        if not isinstance(value, int):
            raise ModelError(f"{CATALOG}: [{name}] needs a number `{key}`")
        return value

    sha = data.get("sha256")
    return CatalogEntry(
        name=name,
        repo=text("repo"),
        file=text("file"),
        size=text("size"),
        licence=text("licence"),
        family=text("family"),
        laptop=number("laptop"),
        gpu=number("gpu"),
        about=str(data.get("about", "")),
        revision=text("revision", "main"),
        sha256=sha.lower() if isinstance(sha, str) else None,
    )


@lru_cache(maxsize=4)
def load(path: Path = CATALOG) -> tuple[CatalogEntry, ...]:
    """The curated list, in the file's order."""
    try:
        with path.open("rb") as f:
            data = tomllib.load(f)
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ModelError(f"{path}: cannot read the model list ({exc})") from None
    return tuple(_entry(name, value) for name, value in data.items() if isinstance(value, dict))


def find(name: str, entries: tuple[CatalogEntry, ...] | None = None) -> CatalogEntry | None:
    """The entry called `name` (case-insensitive), or None."""
    entries = load() if entries is None else entries
    wanted = name.strip().lower()
    return next((e for e in entries if e.name == wanted), None)


def hub_cache(env: Mapping[str, str] | None = None) -> Path:
    """The Hugging Face hub cache, as huggingface_hub finds it (HF_HUB_CACHE, HF_HOME, XDG_CACHE_HOME)."""
    env = os.environ if env is None else env
    if env.get("HF_HUB_CACHE"):
        return Path(env["HF_HUB_CACHE"]).expanduser()
    if env.get("HF_HOME"):
        return Path(env["HF_HOME"]).expanduser() / "hub"
    cache = env.get("XDG_CACHE_HOME") or str(Path(env.get("HOME") or Path.home()) / ".cache")
    return Path(cache).expanduser() / "huggingface" / "hub"


def installed(entry: CatalogEntry, env: Mapping[str, str] | None = None) -> Path | None:
    """The entry's file in the hub cache (the revision asked for, else any snapshot), or None."""
    folder = hub_cache(env) / entry.cache_folder
    commit = _ref(folder, entry.revision)
    candidates = [folder / "snapshots" / commit / entry.file] if commit else []
    snapshots = folder / "snapshots"
    if snapshots.is_dir():
        candidates += sorted(snapshots.glob(f"*/{entry.file}"))
    return next((p for p in candidates if p.is_file()), None)


def _ref(folder: Path, revision: str) -> str | None:
    if len(revision) == 40 and all(c in "0123456789abcdef" for c in revision):
        return revision
    try:
        return (folder / "refs" / revision).read_text(encoding="utf-8").strip() or None
    except OSError:
        return None
