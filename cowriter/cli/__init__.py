"""The `cowriter` command line: global options, then one subcommand per module in this package.

Each subcommand module defines `register(subparsers)` (adds its parser and sets `func`) and keeps heavy
imports inside its run function, so `cowriter chord C` stays fast. Errors are one line, never a traceback.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence

from cowriter import __version__
from cowriter.errors import CowriterError

# Subcommand modules, in the order `--help` lists them.
COMMANDS: tuple[str, ...] = (
    "open",
    "chord",
    "parse",
    "transpose",
    "convert",
    "render",
    "play",
    "styles",
    "lyrics",
    "rhyme",
    "melody",
    "ask",
    "models",
    "doctor",
    "sessions",
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="cowriter",
        description="A terminal songwriting partner. With no command, opens the editor.",
    )
    parser.add_argument("--version", action="version", version=f"cowriter {__version__}")
    parser.add_argument(
        "--sessions",
        metavar="DIR",
        default=os.environ.get("COWRITER_SESSIONS"),
        help="session store folder (env COWRITER_SESSIONS)",
    )
    parser.add_argument(
        "--model",
        metavar="PATH|URL",
        default=os.environ.get("COWRITER_MODEL"),
        help="GGUF file or OpenAI-compatible URL (env COWRITER_MODEL)",
    )
    parser.add_argument(
        "--audio",
        choices=("device", "wav", "none"),
        default=os.environ.get("COWRITER_AUDIO") or None,
        help="where sound goes (env COWRITER_AUDIO); default: the device, or a WAV without one",
    )
    parser.add_argument("--session", metavar="NAME", help="open the editor on this session")
    parser.add_argument(
        "--color",
        choices=("auto", "truecolor", "256", "16", "none"),
        default="auto",
        help="terminal colours for the editor",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMANDS:
        try:
            module = importlib.import_module(f"cowriter.cli.{name.replace('-', '_')}_cmd")
        except ModuleNotFoundError as exc:
            if exc.name == f"cowriter.cli.{name}_cmd":
                continue
            raise
        module.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser()
    args = parser.parse_args(args_list)
    if args.audio and args.audio not in ("device", "wav", "none"):
        parser.error("--audio must be device, wav or none")
    func = getattr(args, "func", None)
    try:
        if func is None:
            from cowriter.cli.open_cmd import run_editor

            return run_editor(args)
        code: int = func(args)
        return code
    except CowriterError as exc:
        print(f"cowriter: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("cowriter: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
    except Exception as exc:  # the promise: one line, never a traceback
        if os.environ.get("COWRITER_DEBUG"):
            raise
        print(
            f"cowriter: internal error: {type(exc).__name__}: {exc} "
            "(set COWRITER_DEBUG=1 for a traceback, and please report it)",
            file=sys.stderr,
        )
        return 70
