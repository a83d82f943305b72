"""The `cowriter` command line: global options, then one subcommand per module in this package.

Each subcommand module defines `register(subparsers)` (adds its parser and sets `func`) and keeps heavy
imports inside its run function, so `cowriter chord C` stays fast. Errors are one line, never a traceback.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import os
import sys
from collections.abc import Sequence

from cowriter import __version__
from cowriter.errors import CowriterError
from cowriter.textsafe import safe_line

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
    "listen",
    "doctor",
    "sessions",
)


_VALUE_OPTIONS = frozenset({"--sessions", "--model", "--audio", "--sound", "--session", "--color"})


def _commands_needed(argv: Sequence[str] | None) -> tuple[str, ...]:
    """The subcommand modules worth importing for `argv`: only the one named (so `cowriter chord C`
    and the editor's first frame don't pay for the others), none for the bare editor, all for help or
    anything unrecognised (so argparse can list them or say what is wrong)."""
    if argv is None:
        return COMMANDS
    args = iter(argv)
    for arg in args:
        if arg in ("-h", "--help"):
            return COMMANDS
        if arg in _VALUE_OPTIONS:
            next(args, None)
            continue
        if arg.startswith("-"):
            continue
        return (arg,) if arg in COMMANDS else COMMANDS
    return ()


def build_parser(argv: Sequence[str] | None = None) -> argparse.ArgumentParser:
    """The full parser; with `argv`, one that registers only the subcommand `argv` names."""
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
    parser.add_argument(
        "--sound",
        metavar="FILE.sf2|sf3",
        default=os.environ.get("COWRITER_SOUND") or None,
        help="play with a SoundFont (a file, a name from `cowriter doctor`, or builtin; env COWRITER_SOUND, "
        "config `sound`); default: cowriter's own synth",
    )
    parser.add_argument("--session", metavar="NAME", help="open the editor on this session")
    parser.add_argument(
        "--color",
        choices=("auto", "truecolor", "256", "16", "none"),
        default="auto",
        help="terminal colours for the editor",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in _commands_needed(argv):
        try:
            module = importlib.import_module(f"cowriter.cli.{name.replace('-', '_')}_cmd")
        except ModuleNotFoundError as exc:
            if exc.name == f"cowriter.cli.{name}_cmd":
                continue
            raise
        module.register(sub)
    return parser


def _tolerant_streams() -> None:
    """An ASCII or Latin-1 terminal shows `?` for a character it lacks (an em dash, `é`, `♭`) instead
    of the command failing on its last line."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None and (getattr(stream, "errors", None) or "strict") == "strict":
            with contextlib.suppress(ValueError, OSError):  # a stream that cannot be reconfigured
                reconfigure(errors="replace")


def main(argv: Sequence[str] | None = None) -> int:
    """Every command's output passes through `cli.output` (text from songs, models, servers and paths
    is shown with its control characters visible); errors are one line, whatever the message holds."""
    from cowriter.cli.output import shown_streams

    _tolerant_streams()
    with shown_streams():
        return _main(argv)


def _main(argv: Sequence[str] | None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser(args_list)
    args = parser.parse_args(args_list)
    if args.audio and args.audio not in ("device", "wav", "none"):  # only the variable can get here
        parser.error(f"COWRITER_AUDIO={args.audio}: expected device, wav or none (fix or unset it)")
    func = getattr(args, "func", None)
    try:
        if func is None:
            from cowriter.cli.open_cmd import run_editor

            return run_editor(args)
        code: int = func(args)
        return code
    except CowriterError as exc:
        print(f"cowriter: {safe_line(str(exc))}", file=sys.stderr)
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
            f"cowriter: internal error: {type(exc).__name__}: {safe_line(str(exc))} "
            "(set COWRITER_DEBUG=1 for a traceback, and please report it)",
            file=sys.stderr,
        )
        return 70
