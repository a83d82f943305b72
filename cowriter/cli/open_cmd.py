"""`cowriter open FILE` and bare `cowriter`: the editor."""

from __future__ import annotations

import argparse
import sys

from cowriter.errors import CowriterError


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("open", help="open a song in the editor")
    p.add_argument("file", nargs="?", help="a ChordPro or chords-over-lyrics file")
    p.set_defaults(func=run_editor)


def run_editor(args: argparse.Namespace) -> int:
    if not sys.stdout.isatty() or not sys.stdin.isatty():
        raise CowriterError(
            "the editor needs a terminal",
            hint=(
                "stdout is not a terminal; use the CLI instead, "
                "e.g. `cowriter parse FILE` or `cowriter play FILE`"
            ),
            exit_code=2,
        )
    try:
        from cowriter.tui.run import run_tui
    except ModuleNotFoundError as exc:  # pragma: no cover - until the TUI lands
        raise CowriterError("the editor is not installed in this build") from exc
    return run_tui(args)
