"""Local and remote language models behind one `Backend` protocol (see `backend.py`).

`open_backend(spec)` gives the backend for a `--model` value (a GGUF path, an http://host:port/v1 URL, a
name from `cowriter models`, or None for the configured or default model). Nothing heavy is imported
until a model is first used.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from cowriter.model.backend import Backend

__all__ = ["open_backend"]


def open_backend(spec: str | None = None, model_name: str | None = None) -> Backend:
    from cowriter.model import locate

    return locate.open_backend(locate.resolve(spec, model_name=model_name))
