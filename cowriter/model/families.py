"""Prompt presets per model family, from `prompts/families.toml` (data, documented in prompts/README.md).

A family is found by words in what the backend says of its model (a GGUF's architecture and name, a
server's model name). What a family may need: `system = "fold"` (its chat template has no system role:
the system text opens the first user message), and `prompts` (a folder of templates under
`prompts/families/` that replace the shipped ones of the same name). A user's prompts folder may hold
its own `families.toml`; its entries replace the shipped ones of the same name.
"""

from __future__ import annotations

import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from cowriter.model.backend import Message
from cowriter.model.prompts import PACKAGED, PromptError

FILE = "families.toml"


@dataclass(frozen=True, slots=True)
class Family:
    name: str
    match: tuple[str, ...]
    system: str = "keep"  # keep | fold
    prompts: str = ""  # folder under prompts/families/


@lru_cache(maxsize=8)
def _read(path: Path, mtime: float) -> tuple[Family, ...]:
    try:
        with path.open("rb") as f:
            data = tomllib.load(f)
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise PromptError(f"{path}: cannot read the model families ({exc})") from None
    out = []
    for name, value in data.items():
        if not isinstance(value, dict):
            continue
        match = value.get("match", [name])
        system = value.get("system", "keep")
        if system not in ("keep", "fold") or not isinstance(match, list):
            raise PromptError(f'{path}: [{name}] needs match = [words] and system = "keep" or "fold"')
        out.append(Family(name, tuple(str(m).lower() for m in match), system, str(value.get("prompts", ""))))
    return tuple(out)


def _user_dir() -> Path | None:
    from cowriter.errors import CowriterError
    from cowriter.model.locate import load_config
    from cowriter.model.prompts import user_prompts_dir

    try:
        return user_prompts_dir(config=load_config())
    except CowriterError:
        return user_prompts_dir()


def load(user_dir: Path | None = None) -> tuple[Family, ...]:
    """The families, the user's (when their prompts folder has a families.toml; by default the folder
    `COWRITER_PROMPTS` or the config names) before the shipped."""
    user_dir = _user_dir() if user_dir is None else user_dir
    found: dict[str, Family] = {}
    for folder in (user_dir, PACKAGED):
        path = folder / FILE if folder is not None else None
        if path is not None and path.is_file():
            for family in _read(path, path.stat().st_mtime):
                found.setdefault(family.name, family)
    return tuple(found.values())


def detect(model: str, families: Sequence[Family] | None = None) -> Family | None:
    """The family whose words appear in `model` (a GGUF description, a file or server model name)."""
    text = model.lower()
    for family in load() if families is None else families:
        if any(word in text for word in family.match):
            return family
    return None


def fold_system(messages: Sequence[Message]) -> list[Message]:
    """System messages folded into the first user message (for templates with no system role)."""
    system = "\n\n".join(m.content for m in messages if m.role == "system")
    rest = [m for m in messages if m.role != "system"]
    if not system:
        return rest
    for i, m in enumerate(rest):
        if m.role == "user":
            rest[i] = Message("user", f"{system}\n\n{m.content}")
            return rest
    return [Message("user", system), *rest]


def prepare(messages: Sequence[Message], model: str) -> Sequence[Message]:
    """The messages as `model`'s family takes them (unchanged for most)."""
    family = detect(model)
    if family is not None and family.system == "fold" and any(m.role == "system" for m in messages):
        return fold_system(messages)
    return messages


def prompt_folders(model: str, user_dir: Path | None) -> list[Path]:
    """The family's template folders for `model` (the user's first), to search before the others."""
    family = detect(model, load(user_dir) if user_dir is not None else None)
    if family is None or not family.prompts:
        return []
    folders = [base / "families" / family.prompts for base in (user_dir, PACKAGED) if base is not None]
    return [f for f in folders if f.is_dir()]
