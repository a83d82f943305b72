"""Start the editor: check the terminal, choose the colours, open the workspace, run the app.

Colours are chosen through `TEXTUAL_COLOR_SYSTEM` and `NO_COLOR`, which Textual reads when it is first
imported, so this module imports Textual only after setting them."""

from __future__ import annotations

import argparse
import contextlib
import gc
import os
import sys
from collections.abc import Iterator, MutableMapping
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from cowriter.service.workspace import Workspace, file_session
from cowriter.service.workspace.store import unknown_session

if TYPE_CHECKING:
    from cowriter.tui.app import CowriterApp

COLOR_SYSTEMS = {"truecolor": "truecolor", "256": "256", "16": "standard", "auto": "auto"}

CLI_HINT = (
    "cowriter: the editor needs an interactive terminal ({why}); use the CLI instead: "
    "`cowriter parse FILE`, `cowriter play FILE`, `cowriter ask PROMPT --song FILE`"
)


def terminal_problem(
    environ: MutableMapping[str, str] | None = None,
    *,
    stdin: TextIO | None = None,
    stdout: TextIO | None = None,
) -> str:
    """Why the editor cannot draw here ('' when it can): `TERM=dumb`, or which of stdin and stdout is not
    a terminal (the process's own unless given)."""
    env = os.environ if environ is None else environ
    if env.get("TERM", "") in ("dumb", "unknown"):
        return f"TERM={env.get('TERM')}"
    streams = (("stdin", stdin or sys.stdin), ("stdout", stdout or sys.stdout))
    off = [name for name, stream in streams if not _is_terminal(stream)]
    if len(off) == 2:
        return "stdin and stdout are not terminals"
    return f"{off[0]} is not a terminal" if off else ""


def _is_terminal(stream: TextIO | None) -> bool:
    try:
        return stream is not None and stream.isatty()
    except (OSError, ValueError):  # closed, or no file behind it
        return False


def apply_color(choice: str | None, environ: MutableMapping[str, str] | None = None) -> None:
    """Set what Textual reads at import: `none` (or NO_COLOR already set) means no colour at all.

    No colour: Textual drops every colour (terminal default foreground and background, SGR 39/49) only when
    its first theme is an ANSI one; with any other it paints shades of grey instead. The app then switches to
    its own theme, and the parts of the screen differ by bold, italic, underline and reverse alone."""
    env = os.environ if environ is None else environ
    choice = choice or "auto"
    if choice == "none" or (choice == "auto" and "NO_COLOR" in env):
        env["NO_COLOR"] = env.get("NO_COLOR") or "1"
        env["TEXTUAL_THEME"] = "ansi-dark"
        env["TEXTUAL_COLOR_SYSTEM"] = "standard"
        return
    if choice == "auto" and "TEXTUAL_COLOR_SYSTEM" in env:
        return  # the user's own setting wins over our guess
    env["TEXTUAL_COLOR_SYSTEM"] = COLOR_SYSTEMS.get(choice, "auto")


@contextlib.contextmanager
def c_stderr_to(path: str) -> Iterator[None]:
    """While the app runs, C libraries writing to fd 2 (ALSA, llama.cpp) go to `path`, not the screen.

    Textual draws on `sys.__stderr__`, so that becomes a duplicate of the terminal before fd 2 moves."""
    try:
        if not os.isatty(2):
            yield
            return
    except (OSError, ValueError):
        yield
        return
    saved_fd = os.dup(2)
    encoding = getattr(sys.__stderr__, "encoding", None) or "utf-8"
    terminal = os.fdopen(os.dup(2), "w", buffering=1, encoding=encoding, errors="replace")
    old_dunder, old_stderr = sys.__stderr__, sys.stderr
    try:
        log = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    except OSError:
        log = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(log, 2)
        sys.__stderr__ = terminal  # type: ignore[misc]
        sys.stderr = terminal
        yield
    finally:
        sys.__stderr__ = old_dunder  # type: ignore[misc]
        sys.stderr = old_stderr
        os.dup2(saved_fd, 2)
        os.close(saved_fd)
        os.close(log)
        terminal.close()


def log_path() -> str:
    base = os.environ.get("XDG_STATE_HOME") or os.path.join(os.path.expanduser("~"), ".local", "state")
    folder = os.path.join(base, "cowriter")
    with contextlib.suppress(OSError):
        os.makedirs(folder, mode=0o700, exist_ok=True)
        return os.path.join(folder, "stderr.log")
    return os.devnull


def build_app(args: argparse.Namespace, *, signals: bool = False) -> CowriterApp:
    """The app for these command-line arguments (the terminal and colours are `run_tui`'s)."""
    file, session = getattr(args, "file", None), getattr(args, "session", None)
    sessions_dir = getattr(args, "sessions", None)
    # `--session NAME` for a session that is not there: nothing is made until the writer says so (a typo
    # would otherwise start an empty song); the near names are offered on the first frame.
    near = unknown_session(session, Path(sessions_dir) if sessions_dir else None) if session else None
    workspace = Workspace.open(
        file,
        session=session if near is None else None,
        sessions_dir=sessions_dir,
        model=getattr(args, "model", None),
        audio=getattr(args, "audio", None),
        sound=getattr(args, "sound", None),
    )
    from cowriter.tui.app import CowriterApp

    # A file opened without --session keeps its history (chat, versions, credits) in a session of its
    # own, named after it: opened after the first frame, so the song shows at once.
    # A bare `cowriter` offers back the songs an earlier one left unsaved (found after the first frame).
    return CowriterApp(
        workspace,
        history_session=file_session(file) if file and not session else None,
        recover=not file and not session,
        signals=signals,
        unknown_session=(session, near) if session and near is not None else None,
    )


def run_tui(args: argparse.Namespace) -> int:
    problem = terminal_problem()
    if problem:
        print(CLI_HINT.format(why=problem), file=sys.stderr)
        return 2
    apply_color(getattr(args, "color", None))
    app = build_app(args, signals=True)
    # The model, the synth and the play head run in threads; a short GIL switch interval hands the UI
    # thread the interpreter sooner, so a keystroke is drawn while they work.
    sys.setswitchinterval(0.001)
    # Everything imported so far (Textual and our modules: ~40,000 objects the collector tracks) lives as
    # long as the app. Frozen, full collections stop walking it (~11 ms each here, one of them often on the
    # first frame). Objects made from here on are collected as usual. The screen freezes once more when the
    # first check has loaded the rhyme dictionary.
    gc.freeze()
    with c_stderr_to(log_path()):
        result = app.run()
    return int(result or 0)
