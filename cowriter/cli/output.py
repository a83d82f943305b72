"""What the command line writes: one choke point between cowriter's output and the terminal.

`shown_streams()` wraps stdout and stderr for the whole of a command, so every line printed (reports,
messages, `--json`, argparse's own errors, a model's streamed reply) passes through `textsafe.safe`:
an escape sequence in a song, a path or a server's reply is shown (`␛]0;…␇`), never obeyed. That holds
whether the output goes to a terminal, a pipe or a file, so `cowriter parse evil.cho > report.txt`
cannot inject later either.

Song text is the exception, because files written keep the writer's bytes: `write_song` (used by
`transpose`, `convert`, `sessions export` without `--credits`, `melody --write -`) writes the exact text
when stdout is a file or a pipe (`cowriter transpose a.cho 2 > b.cho` is a filter and must not change a
byte it does not mean to), and the safe form when stdout is a terminal, where the text is only looked
at. `write_control` is for cowriter's own cursor moves (the `\\r` of `play`'s bar counter).
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterator
from typing import Any, TextIO

from cowriter.textsafe import safe

__all__ = ["SafeStream", "shown_streams", "write_control", "write_song"]


class SafeStream:
    """A text stream that shows what is written to it through `textsafe.safe`; the rest is the inner
    stream's (encoding, `isatty`, `fileno`, `reconfigure`...)."""

    def __init__(self, inner: TextIO) -> None:
        self.inner = inner

    def write(self, text: str) -> int:
        self.inner.write(safe(text))
        return len(text)

    def writelines(self, lines: Any) -> None:
        for line in lines:
            self.write(line)

    def flush(self) -> None:
        self.inner.flush()

    def isatty(self) -> bool:
        return self.inner.isatty()

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)


def _inner(stream: Any) -> Any:
    return stream.inner if isinstance(stream, SafeStream) else stream


@contextlib.contextmanager
def shown_streams() -> Iterator[None]:
    """stdout and stderr shown safe until the block ends (then the streams they were)."""
    out, err = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = SafeStream(out), SafeStream(err)
    try:
        yield
    finally:
        with contextlib.suppress(OSError, ValueError):
            sys.stdout.flush()
        sys.stdout, sys.stderr = out, err


def _is_terminal(stream: Any) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError, OSError):
        return False


def write_song(text: str) -> None:
    """Song text on stdout: the writer's exact text into a file or a pipe, the safe form on a terminal."""
    if _is_terminal(sys.stdout):
        sys.stdout.write(safe(text))
    else:
        _inner(sys.stdout).write(text)
    sys.stdout.flush()


def write_control(text: str, *, err: bool = False) -> None:
    """cowriter's own terminal control (a `\\r` that redraws a counter), past the safe filter: never
    pass text that came from a file, a model or a server here. `err`: on stderr (a progress bar)."""
    stream = _inner(sys.stderr if err else sys.stdout)
    stream.write(text)
    stream.flush()
