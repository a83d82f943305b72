"""Things cowriter tells a writer once, and remembers having told them.

The record is `$XDG_STATE_HOME/cowriter/hints.json` (default `~/.local/state/cowriter/hints.json`): a JSON
object of hint names already shown. A record that cannot be read or written means the hint is shown, and
shown again next time: it is advice, never worth an error.
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Mapping
from pathlib import Path

MODELS_PULL = "models-pull"


def state_file(env: Mapping[str, str] | None = None) -> Path:
    env = os.environ if env is None else env
    base = env.get("XDG_STATE_HOME", "")
    if not base or not os.path.isabs(base):
        base = str(Path(env.get("HOME") or Path.home()) / ".local" / "state")
    return Path(base) / "cowriter" / "hints.json"


def _shown(path: Path) -> dict[str, bool]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return {k: bool(v) for k, v in data.items()} if isinstance(data, dict) else {}


def once(name: str, env: Mapping[str, str] | None = None) -> bool:
    """True the first time `name` is asked about (and from then on remembered as shown)."""
    path = state_file(env)
    shown = _shown(path)
    if shown.get(name):
        return False
    shown[name] = True
    with contextlib.suppress(OSError):
        path.parent.mkdir(parents=True, exist_ok=True)
        temp = path.with_name(path.name + ".tmp")
        temp.write_text(json.dumps(shown, indent=1, sort_keys=True) + "\n", encoding="utf-8")
        os.replace(temp, path)
    return True


def bigger_model(model_spec: str | None, env: Mapping[str, str] | None = None) -> str:
    """The suggestion to pull a bigger model, once, while the writer is on the 135M default; else ""."""
    from cowriter.errors import CowriterError
    from cowriter.model import catalog
    from cowriter.model.locate import default_model_path, resolve

    try:
        choice = resolve(model_spec, env=env)
        entries = catalog.load()
    except CowriterError:
        return ""
    default = default_model_path()
    if choice.path is None or default is None or choice.path.resolve() != default.resolve() or not entries:
        return ""
    if not once(MODELS_PULL, env):
        return ""
    first = entries[0]
    pull = f"cowriter models pull {first.name} ({first.size})"
    return f"Bigger models write better lines: {pull}. See cowriter models."
