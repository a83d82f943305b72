"""Prompt templates: plain Jinja2 files rendered in a sandbox (no code runs from a template).

Templates are looked up in the user's prompts folder first (`COWRITER_PROMPTS`, or `prompts` in the config
file), then in the packaged `cowriter/prompts/` (the repository's `prompts/` folder). A user overrides any
template by putting a file of the same name in their folder. Variables are documented in
`prompts/README.md`; an undefined variable is an error naming the template, not a silent blank.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from cowriter.errors import CowriterError

PACKAGED = Path(__file__).resolve().parent.parent / "prompts"
SUFFIX = ".j2"


class PromptError(CowriterError):
    """A template is missing, malformed, or uses an unknown variable."""


def user_prompts_dir(
    env: Mapping[str, str] | None = None, config: Mapping[str, object] | None = None
) -> Path | None:
    env = os.environ if env is None else env
    value = env.get("COWRITER_PROMPTS")
    if not value and config is not None:
        configured = config.get("prompts")
        value = configured if isinstance(configured, str) else None
    return Path(value).expanduser() if value else None


class Prompts:
    """Renders named templates (`section` → `section.j2`) from the search path."""

    def __init__(
        self, user_dir: Path | None = None, *, packaged: Path = PACKAGED, first: Sequence[Path] = ()
    ) -> None:
        self.user_dir = user_dir
        self.packaged = packaged
        folders = (*first, user_dir, packaged)
        self.search_path: list[Path] = [p for p in folders if p is not None and p.is_dir()]
        self._env: Any = None

    def for_model(self, model: str) -> Prompts:
        """These prompts with the templates of `model`'s family (prompts/families.toml) searched first."""
        from cowriter.model.families import prompt_folders

        folders = prompt_folders(model, self.user_dir)
        return Prompts(self.user_dir, packaged=self.packaged, first=folders) if folders else self

    def _environment(self) -> Any:
        if self._env is None:
            from jinja2 import FileSystemLoader, StrictUndefined
            from jinja2.sandbox import ImmutableSandboxedEnvironment

            self._env = ImmutableSandboxedEnvironment(
                loader=FileSystemLoader([str(p) for p in self.search_path]),
                undefined=StrictUndefined,
                autoescape=False,
                keep_trailing_newline=False,
            )
        return self._env

    def names(self) -> list[str]:
        found: set[str] = set()
        for folder in self.search_path:
            names = (p.name[: -len(SUFFIX)] for p in folder.glob(f"*{SUFFIX}"))
            found.update(n for n in names if not n.startswith("_"))
        return sorted(found)

    def has(self, name: str) -> bool:
        return any((folder / f"{name}{SUFFIX}").is_file() for folder in self.search_path)

    def source(self, name: str) -> Path:
        for folder in self.search_path:
            path = folder / f"{name}{SUFFIX}"
            if path.is_file():
                return path
        raise PromptError(f"no prompt template named {name!r}", hint=f"looked in {self._where()}")

    def _where(self) -> str:
        return ", ".join(str(p) for p in self.search_path) or "no prompts folder"

    def render(self, name: str, variables: Mapping[str, object]) -> str:
        from jinja2 import TemplateError, TemplateNotFound, UndefinedError
        from jinja2.exceptions import SecurityError

        path = self.source(name)
        try:
            template = self._environment().get_template(f"{name}{SUFFIX}")
            text: str = template.render(**variables)
        except UndefinedError as exc:
            hint = "see prompts/README.md for the variables"
            raise PromptError(f"{path}: {exc.message}", hint=hint) from None
        except SecurityError as exc:
            raise PromptError(f"{path}: refused by the sandbox ({exc})") from None
        except TemplateNotFound as exc:
            raise PromptError(f"{path}: includes a missing template {exc.name!r}") from None
        except TemplateError as exc:
            line = getattr(exc, "lineno", None)
            where = f"{path}:{line}" if line else str(path)
            raise PromptError(f"{where}: {exc.message or exc}") from None
        return _tidy(text)


def _tidy(text: str) -> str:
    """Trim trailing spaces and runs of blank lines that conditional blocks leave behind."""
    lines = [line.rstrip() for line in text.strip().splitlines()]
    out: list[str] = []
    for line in lines:
        if line or (out and out[-1]):
            out.append(line)
    return "\n".join(out)


def join_lines(lines: Sequence[str]) -> str:
    return "\n".join(lines)
