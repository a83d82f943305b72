"""ChordPro text → `Song`: every line the user typed becomes an item, nothing raises, nothing is lost.

`parse(text)` gives the first song, `parse_songs(text)` every song (`{new_song}`/`{ns}` separates them).
Text must already be decoded (see `encoding.decode`); CR and CRLF line ends are accepted.

How lines are read (in this order):
- inside a verbatim environment (`tab`, `abc`, `ly`, `svg`, `textblock`, `musicxml`): a `Verbatim`
  line, until that environment's end directive — so `"G"` in ABC or `[0]` in a tab is never a chord;
- `#…` at column 1: a `Comment` (kept);  whitespace only: a `Blank` (its spaces kept);
- `{…}`: a `Directive` (see `directives.py`); environments open and close `Section`s;
- inside a grid: a `GridRow`;  anything else: a `LyricLine` with `[chords]` lifted out.

Problems become `Diagnostic`s on the song and the rest still parses. Errors (the intent is unclear):
unclosed `[` or `{`, empty directive. Warnings (recovered): unknown directive, `end_of_X` without a
start, an environment opened inside another (the first is closed), an environment left open, `{chorus}`
with no chorus before it, an unknown chord. A bad line is kept as written: an unclosed `[G` stays in the
lyrics, an unclosed `{title: X` is still read as a directive and formats back to the same text.

Metadata: `Song.meta` lists (name, value) for metadata directives (`title`, `key`, `tempo`…), `{meta: name
value}` and `x_…` directives, in source order (a mid-song `{key}` adds a second `key`). A directive with a
conditional selector (`{key-piano: E}`) is kept in the body but does not set metadata unless negated
(`{key-piano!: E}`): cowriter has no instrument, so only "not for X" selections apply.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache

from cowriter.core.directives import META_NAMES, VERBATIM_ENVIRONMENTS, attributes, read_directive
from cowriter.core.grid import parse_grid_row
from cowriter.core.song import (
    Blank,
    ChordRef,
    Comment,
    Diagnostic,
    Directive,
    Item,
    LyricLine,
    Section,
    SectionKind,
    Severity,
    Song,
    Verbatim,
)

__all__ = ["ChordCheck", "lex_line", "parse", "parse_songs", "section_kind"]

#: A chord checker: symbol → None when valid, else (message, column offset inside the symbol).
ChordCheck = Callable[[str], "tuple[str, int] | None"]

_CHORD = re.compile(r"\[([^\[\]]*)\]")
_KINDS = {
    "verse": SectionKind.VERSE,
    "chorus": SectionKind.CHORUS,
    "bridge": SectionKind.BRIDGE,
    "tab": SectionKind.TAB,
    "grid": SectionKind.GRID,
    "abc": SectionKind.ABC,
}
_NOT_CHORDS = frozenset({"^", "N.C.", "NC", "N.C", "n.c.", "nc", "-", "x", "X", "/", "%", "|"})
_SHAPE = re.compile(r"^\s*(\d+\s*(?:\+\s*\d+)?\s*(?:x\s*\d+)?\s*(?:\+\s*\d+)?)(?:\s+|$)")


def section_kind(env: str) -> SectionKind:
    return _KINDS.get(env.lower(), SectionKind.OTHER)


def lex_line(text: str, number: int = 0) -> tuple[LyricLine, list[Diagnostic]]:
    """One lyric line: `[chords]` (and `[*annotations]`) lifted out, the words kept exactly."""
    if "[" not in text:
        diags: list[Diagnostic] = []
        return LyricLine(text, (), number), diags
    diags = []
    lyrics: list[str] = []
    chords: list[ChordRef] = []
    pos = 0
    length = 0
    for match in _CHORD.finditer(text):
        before = text[pos : match.start()]
        if "[" in before:
            col = pos + before.index("[") + 1
            diags.append(Diagnostic(number, col, "stray `[` kept as text", Severity.WARNING))
        lyrics.append(before)
        length += len(before)
        inner = match.group(1)
        annotation = inner.startswith("*")
        symbol = inner[1:] if annotation else inner
        chords.append(ChordRef(symbol, length, match.start() + 1, annotation))
        if not inner.strip():
            diags.append(Diagnostic(number, match.start() + 1, "empty chord `[]`", Severity.WARNING))
        pos = match.end()
    rest = text[pos:]
    if "[" in rest:
        col = pos + rest.index("[") + 1
        diags.append(Diagnostic(number, col, "unclosed chord: expected `]`", Severity.ERROR))
    lyrics.append(rest)
    return LyricLine("".join(lyrics), tuple(chords), number), diags


class _SongBuilder:
    """Collects one song's sections, metadata and diagnostics while lines stream in."""

    def __init__(self, check: ChordCheck | None) -> None:
        self.check = check
        self.sections: list[Section] = []
        self.meta: list[tuple[str, str]] = []
        self.diags: list[Diagnostic] = []
        self.items: list[Item] = []
        self.env: str | None = None  # environment name while one is open
        self.open: Directive | None = None
        self.label = ""
        self.start = 0
        self.last_chorus: Section | None = None
        self.content = False
        self.pending: list[tuple[str, int, int]] = []  # chords to check: (symbol, line, column)
        self.defined: set[str] = set()

    # sections -------------------------------------------------------------------------------------
    def _flush_plain(self) -> None:
        if self.items:
            first = _line_of(self.items[0])
            last = _line_of(self.items[-1])
            self.sections.append(
                Section(SectionKind.NONE, items=tuple(self.items), line=first, end_line=last)
            )
            self.items = []

    def _begin(self, env: str, directive: Directive) -> None:
        self._flush_plain()
        self.env = env
        self.open = directive
        self.start = directive.line
        attrs = attributes(directive.value)
        value = (directive.value or "").strip()
        if "label" in attrs:
            label = attrs["label"]
        elif attrs:
            label = ""
        else:
            label = value
            if env == "grid":
                shape = _SHAPE.match(value)
                label = value[shape.end() :].strip() if shape else value
        self.label = label

    def _end(self, close: Directive | None, end_line: int) -> None:
        env = self.env or ""
        section = Section(
            section_kind(env),
            name=env,
            label=self.label,
            items=tuple(self.items),
            line=self.start,
            end_line=end_line,
            open=self.open,
            close=close,
        )
        self.sections.append(section)
        if section.kind is SectionKind.CHORUS:
            self.last_chorus = section
        self.items = []
        self.env = None
        self.open = None
        self.label = ""

    def finish(self, trailing_newline: bool) -> Song:
        self._run_checks()
        if self.env is not None:
            env = self.env
            self.diags.append(
                Diagnostic(self.start, 1, f"`start_of_{env}` is never closed", Severity.WARNING)
            )
            last = _line_of(self.items[-1]) if self.items else self.start
            self._end(None, last)
        self._flush_plain()
        self.diags.sort(key=lambda d: (d.line, d.column))
        return Song(tuple(self.sections), tuple(self.meta), tuple(self.diags), trailing_newline)

    # lines ----------------------------------------------------------------------------------------
    def add_line(self, text: str, number: int) -> None:
        self.content = True
        if self.env in VERBATIM_ENVIRONMENTS:
            if text.lstrip().startswith("{"):
                directive, diags = read_directive(text, number)
                if directive.name == f"end_of_{self.env}":
                    self.diags.extend(d for d in diags if d.severity is Severity.ERROR)
                    self._end(directive, number)
                    return
            self.items.append(Verbatim(text, number))
            return
        if text.startswith("#"):
            self.items.append(Comment(text, number))
        elif not text.strip():
            self.items.append(Blank(number, text))
        elif text.lstrip().startswith("{"):
            directive, diags = read_directive(text, number)
            self.diags.extend(diags)
            self.directive(directive)
        elif self.env == "grid":
            row = parse_grid_row(text, number)
            self.items.append(row)
            self._check_grid(text, row.bars, number)
        else:
            line, diags = lex_line(text, number)
            self.diags.extend(diags)
            self.items.append(line)
            self._check_chords(line)

    def directive(self, d: Directive) -> None:
        name = d.name
        applies = d.selector is None or d.negated
        if name.startswith("start_of_"):
            env = name[len("start_of_") :]
            if self.env is not None:
                self.diags.append(
                    Diagnostic(
                        d.line,
                        1,
                        f"`{d.raw_name}` inside `start_of_{self.env}`: closing `{self.env}` first",
                        Severity.WARNING,
                    )
                )
                self._end(None, d.line - 1)
            self._begin(env, d)
            return
        if name.startswith("end_of_"):
            env = name[len("end_of_") :]
            if self.env is None:
                self.diags.append(
                    Diagnostic(d.line, 1, f"`{d.raw_name}` without a matching start", Severity.WARNING)
                )
                self.items.append(d)
            else:
                if env != self.env and not self.env.startswith(env + "-"):
                    self.diags.append(
                        Diagnostic(
                            d.line, 1, f"`{d.raw_name}` closes `start_of_{self.env}`", Severity.WARNING
                        )
                    )
                self._end(d, d.line)
            return
        if name == "chorus" and self.env is None:
            self._recall(d)
            return
        if name == "chorus":
            self.diags.append(
                Diagnostic(d.line, 1, "`{chorus}` inside an environment is ignored", Severity.WARNING)
            )
        self.items.append(d)
        if name in ("define", "chord") and d.value:
            self.defined.add(d.value.split()[0].rstrip(":"))
        if not applies:
            return
        value = (d.value or "").strip()
        if name in META_NAMES:
            self.meta.append((name, value))
        elif name == "meta" and value:
            key, _, rest = value.partition(" ")
            self.meta.append((key.lower(), rest.strip()))
        elif name.startswith("x_"):
            self.meta.append((name, value))

    def _recall(self, d: Directive) -> None:
        self._flush_plain()
        chorus = self.last_chorus
        if chorus is None:
            self.diags.append(
                Diagnostic(
                    d.line, 1, "`{chorus}` recalls a chorus, but none comes before it", Severity.WARNING
                )
            )
        label = (d.value or "").strip() or (chorus.label if chorus else "")
        self.sections.append(
            Section(
                SectionKind.CHORUS,
                name="chorus",
                label=label,
                items=chorus.items if chorus else (),
                line=d.line,
                end_line=d.line,
                recall=True,
                open=d,
            )
        )

    # chords ---------------------------------------------------------------------------------------
    def _check_chords(self, line: LyricLine) -> None:
        if self.check is None:
            return
        for ref in line.chords:
            if ref.annotation or not ref.symbol.strip():
                continue
            self._check_one(ref.symbol, line.line, ref.column + 1)

    def _check_grid(self, text: str, bars: tuple[tuple[object, ...], ...], number: int) -> None:
        if self.check is None:
            return
        for bar in bars:
            for cell in bar:
                token = getattr(cell, "token", "")
                if token in (".", "/", "%", "%%", "-", "~", "x", ""):
                    continue
                for part in token.split("~"):
                    if part:
                        self._check_one(part, number, text.find(part) + 1)

    def _check_one(self, symbol: str, number: int, column: int) -> None:
        self.pending.append((symbol, number, column))

    def _run_checks(self) -> None:
        """Check chords once the whole song is read, so `{define}`d names count as known."""
        if self.check is None:
            return
        results: dict[str, tuple[str, int] | None] = {}
        for symbol, number, column in self.pending:
            core = symbol.strip()
            if core.startswith("(") and core.endswith(")"):
                core = core[1:-1]
                column += 1
            if core in _NOT_CHORDS or core in self.defined or symbol in self.defined:
                continue
            if core not in results:
                results[core] = self.check(core)
            problem = results[core]
            if problem is not None:
                message, offset = problem
                self.diags.append(Diagnostic(number, column + offset, message, Severity.WARNING))


def _line_of(item: Item) -> int:
    return item.line


def parse_songs(text: str, check: ChordCheck | None = None) -> tuple[Song, ...]:
    """Every song in `text` (`{new_song}` separates them; empty text gives no song). Never raises."""
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if check is None:
        check = default_check()
    if not text:
        return ()
    trailing = text.endswith("\n")
    lines = text.split("\n")
    if trailing:
        lines.pop()
    songs: list[Song] = []
    builder = _SongBuilder(check)
    for number, line in enumerate(lines, 1):
        if builder.content and builder.env not in VERBATIM_ENVIRONMENTS and _is_new_song(line):
            songs.append(builder.finish(True))
            builder = _SongBuilder(check)
        builder.add_line(line, number)
    songs.append(builder.finish(trailing))
    return tuple(songs)


def parse(text: str, check: ChordCheck | None = None) -> Song:
    """The first song in `text` (an empty `Song` for empty text). Never raises."""
    songs = parse_songs(text, check)
    return songs[0] if songs else Song(trailing_newline=False)


_NEW_SONG = re.compile(r"\s*\{\s*(?:new_song|ns)\s*(?:[:}\s])", re.IGNORECASE)


def _is_new_song(line: str) -> bool:
    return bool(_NEW_SONG.match(line))


@lru_cache(maxsize=1)
def default_check() -> ChordCheck | None:
    """The chord checker from `cowriter.core.chords` (unknown chords become warnings)."""
    try:
        from cowriter.core import chords
    except ImportError:  # pragma: no cover - the chord module ships with the core
        return None

    def check(symbol: str) -> tuple[str, int] | None:
        try:
            chords.parse_chord(symbol)
        except chords.ChordError as exc:
            hint = f" (did you mean {', '.join(exc.suggestions[:3])}?)" if exc.suggestions else ""
            column = max(0, int(getattr(exc, "column", 1) or 1) - 1)
            return f"unknown chord `{symbol}`: {exc.message}{hint}", column
        except Exception as exc:  # a checker bug must not stop a song from parsing
            return f"chord `{symbol}` could not be checked ({type(exc).__name__})", 0
        return None

    return check
