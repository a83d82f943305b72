"""One request, read: what the writer asked (the task and its constraints), the song as ChordPro, its
key, and the lines the task works on, named as the writer named them ("line 2: 'That saved a wretch like
me'")."""

from __future__ import annotations

from dataclasses import dataclass

from cowriter.core import format as fmt
from cowriter.core.keys import Key
from cowriter.core.sheet import is_chordpro, read_song
from cowriter.core.song import LyricLine, Song
from cowriter.errors import CowriterError
from cowriter.model.request import NEEDS_TARGET, Request, parse_request
from cowriter.service import cowrite_craft as craft


@dataclass(frozen=True)
class Ask:
    """One request, read: what was asked, the song (as ChordPro text and parsed), its key, the lines the
    task works on and how the writer would name them."""

    request: Request
    base: str
    song: Song
    key: Key
    target: tuple[LyricLine, ...]
    taken: str


def read_ask(prompt: str, song_text: str, task: str | None, line: int | None, numbering: str) -> Ask:
    """Read a request. `line` names the line to work on (as "line N" does; a new-section task becomes a
    rewrite); `numbering` says what a line number counts: "lyric" or "editor" (see
    `cowrite_craft.target_lines`)."""
    try:
        request = parse_request(prompt, task)
    except ValueError as exc:
        raise CowriterError(str(exc), hint="tasks: " + ", ".join(craft.TASK_HELP)) from None
    if line is not None:
        request = request.with_lines((line,))
        if task is None and request.task in ("section", "continue"):
            request = request.with_task("rewrite")
    base, song = as_chordpro(song_text)
    key = craft.song_key(song)
    converted = base != song_text and bool(request.target_lines) and numbering == "editor"
    original = read_song(song_text) if converted else None
    target: tuple[LyricLine, ...] = ()
    if request.task in NEEDS_TARGET:
        target = craft.target_lines(song, request, original, numbering)
    numbers = request.target_lines if numbering == "editor" and request.target_lines else None
    return Ask(request, base, song, key, target, craft.taken(song, target, numbering, numbers))


def as_chordpro(text: str) -> tuple[str, Song]:
    """The song as ChordPro text and its parse (chords over lyrics is converted first)."""
    if not text.strip():
        return "", read_song("")
    if is_chordpro(text):
        return text, read_song(text)
    converted = fmt.to_chordpro(read_song(text))
    return converted, read_song(converted)
