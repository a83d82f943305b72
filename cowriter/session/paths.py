"""Where the session store lives.

In order: `--sessions DIR` (the CLI passes `args.sessions`, whose default is `$COWRITER_SESSIONS`), then
`$COWRITER_SESSIONS`, then `sessions/` at the root of a git checkout of cowriter when cowriter runs from one
(the folder beside `pyproject.toml`; its contents are git-ignored), else the XDG data folder
`$XDG_DATA_HOME/cowriter/sessions` (default `~/.local/share/cowriter/sessions`).
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from pathlib import Path

ENV = "COWRITER_SESSIONS"
_PROJECT_NAME = re.compile(r'^\s*name\s*=\s*["\']cowriter["\']\s*$', re.MULTILINE)


def checkout_root(package_dir: Path | None = None) -> Path | None:
    """The root of the git checkout cowriter is running from, or None when it is installed."""
    pkg = package_dir or Path(__file__).resolve().parent.parent
    root = pkg.parent
    pyproject = root / "pyproject.toml"
    if not (root / ".git").exists() or not pyproject.is_file():
        return None
    try:
        text = pyproject.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    return root if _PROJECT_NAME.search(text) else None


def xdg_data_home(env: Mapping[str, str] | None = None) -> Path:
    """`$XDG_DATA_HOME` when it is an absolute path (the spec ignores relative ones), else ~/.local/share."""
    env = os.environ if env is None else env
    value = env.get("XDG_DATA_HOME", "")
    if value and os.path.isabs(value):
        return Path(value)
    home = env.get("HOME") or os.path.expanduser("~")
    return Path(home) / ".local" / "share"


def default_store(
    explicit: str | os.PathLike[str] | None = None,
    env: Mapping[str, str] | None = None,
    package_dir: Path | None = None,
) -> Path:
    """The session store folder to use (not created here)."""
    env = os.environ if env is None else env
    if explicit:
        return Path(explicit).expanduser()
    if env.get(ENV):
        return Path(env[ENV]).expanduser()
    root = checkout_root(package_dir)
    if root is not None:
        return root / "sessions"
    return xdg_data_home(env) / "cowriter" / "sessions"
