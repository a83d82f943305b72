"""`cowriter open FILE` and bare `cowriter`: the editor."""

from __future__ import annotations

import argparse


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("open", help="open a song in the editor")
    p.add_argument("file", nargs="?", help="a ChordPro or chords-over-lyrics file")
    p.set_defaults(func=run_editor)


def run_editor(args: argparse.Namespace) -> int:
    """The editor. Where it cannot draw (stdin or stdout not a terminal, TERM=dumb) `run_tui` says which,
    in one line pointing to the CLI, and exits 2: one wording for `cowriter`, `cowriter open` and
    `cowriter --session`."""
    from cowriter.tui.run import run_tui

    return run_tui(args)
