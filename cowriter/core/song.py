"""The `Song` model: what every layer of cowriter consumes.

A song is a sequence of body *items* in source order (lyric lines, directives, comments, blank lines,
verbatim blocks, grid rows) grouped into sections. Every item remembers where it came from (`line`, 1-based)
so diagnostics, the play head and per-line credits can point back at the user's text. All classes are
frozen: edits produce new songs.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from enum import Enum

from cowriter.core.diagnostics import Diagnostic, Severity

__all__ = [
    "Blank",
    "ChordRef",
    "Comment",
    "Diagnostic",
    "Directive",
    "GridCell",
    "GridRow",
    "LyricLine",
    "Section",
    "SectionKind",
    "Severity",
    "Song",
    "Verbatim",
]


@dataclass(frozen=True, slots=True)
class ChordRef:
    """A chord (or annotation) placed in a lyric line.

    `at` is the character offset in the line's `lyrics` where the chord sounds; `column` is the 1-based
    column of the opening bracket in the source. `annotation` marks `[*Riff]`-style text that is not a
    chord. `symbol` is the text exactly as the user wrote it (without brackets or the `*`).
    """

    symbol: str
    at: int
    column: int = 0
    annotation: bool = False


@dataclass(frozen=True, slots=True)
class LyricLine:
    """A line of lyrics with chords at character offsets (a chord-only line has empty or blank lyrics)."""

    lyrics: str
    chords: tuple[ChordRef, ...] = ()
    line: int = 0

    @property
    def has_words(self) -> bool:
        return any(ch.isalnum() for ch in self.lyrics)


@dataclass(frozen=True, slots=True)
class Directive:
    """`{name: value}` as written. `name` is canonical (long form, lower case, selector removed);
    `raw_name` keeps the user's spelling for faithful formatting."""

    name: str
    value: str | None = None
    raw_name: str = ""
    selector: str | None = None
    negated: bool = False
    line: int = 0
    raw: str = ""


@dataclass(frozen=True, slots=True)
class Comment:
    """A `#` comment line, kept verbatim (it is not shown, but it is never lost)."""

    text: str
    line: int = 0


@dataclass(frozen=True, slots=True)
class Blank:
    """An empty line; `text` keeps any whitespace on it so formatting gives it back."""

    line: int = 0
    text: str = ""


@dataclass(frozen=True, slots=True)
class Verbatim:
    """A line inside a tab, ABC, textblock or other delegate environment: kept exactly."""

    text: str
    line: int = 0


@dataclass(frozen=True, slots=True)
class GridCell:
    """One beat-slot token of a grid row: a chord symbol, `.` (continue), `%`/`%%` (repeat), `/`, `N.C.`;
    `column` is where it stands in the row's text (-1 when not read from one; not part of equality)."""

    token: str
    column: int = field(default=-1, compare=False)


@dataclass(frozen=True, slots=True)
class GridRow:
    """A row of a `{start_of_grid}` section. `bars` holds each bar's cells; `text` is the source line."""

    text: str
    bars: tuple[tuple[GridCell, ...], ...] = ()
    repeat_start: tuple[int, ...] = ()
    repeat_end: tuple[int, ...] = ()
    times: int = 1
    label: str = ""
    line: int = 0


Item = LyricLine | Directive | Comment | Blank | Verbatim | GridRow


class SectionKind(str, Enum):  # noqa: UP042
    NONE = "none"  # text outside any environment
    VERSE = "verse"
    CHORUS = "chorus"
    BRIDGE = "bridge"
    TAB = "tab"
    GRID = "grid"
    ABC = "abc"
    OTHER = "other"  # custom start_of_X, textblock, ly, svg…


@dataclass(frozen=True, slots=True)
class Section:
    """A run of items: an environment (`{start_of_verse: Verse 1}` … `{end_of_verse}`) or the text between.

    `kind` is the family; `name` the environment name as written after `start_of_` (`verse`, `chorus`,
    `pre-chorus`, `abc`…); `label` the user's label, if any. `recall` marks a `{chorus}` recall, whose items
    repeat the chorus they refer to (empty `items` when nothing precedes it).
    """

    kind: SectionKind
    name: str = ""
    label: str = ""
    items: tuple[Item, ...] = ()
    line: int = 0
    end_line: int = 0
    recall: bool = False
    open: Directive | None = None  # the `{start_of_…}` (or `{chorus}` recall) directive as written
    close: Directive | None = None  # the `{end_of_…}` directive as written (None when left open)

    @property
    def lines(self) -> tuple[LyricLine, ...]:
        return tuple(i for i in self.items if isinstance(i, LyricLine))

    @property
    def grid_rows(self) -> tuple[GridRow, ...]:
        return tuple(i for i in self.items if isinstance(i, GridRow))

    @property
    def title(self) -> str:
        """What a songwriter calls this section: its label, else its kind ("Chorus")."""
        if self.label:
            return self.label
        if self.name:
            return self.name.replace("_", " ").replace("-", " ").title()
        return "" if self.kind is SectionKind.NONE else self.kind.value.title()


@dataclass(frozen=True, slots=True)
class Song:
    """One song: metadata directives and the body in sections, in source order."""

    sections: tuple[Section, ...] = ()
    meta: tuple[tuple[str, str], ...] = ()
    diagnostics: tuple[Diagnostic, ...] = field(default=(), compare=False)
    trailing_newline: bool = True  # whether the source text ended with a newline

    @property
    def flow(self) -> tuple[str, ...]:
        """The arrangement order from `{x_flow: Verse 1, Chorus, …}` (empty when there is none)."""
        value = self.get("x_flow")
        if not value:
            return ()
        return tuple(part.strip() for part in value.split(",") if part.strip())

    def get(self, name: str, default: str | None = None) -> str | None:
        """The first value of a metadata directive (`title`, `key`, `tempo`…)."""
        for k, v in self.meta:
            if k == name:
                return v
        return default

    def get_all(self, name: str) -> tuple[str, ...]:
        return tuple(v for k, v in self.meta if k == name)

    @property
    def title(self) -> str:
        return self.get("title") or ""

    @property
    def key(self) -> str | None:
        return self.get("key")

    @property
    def tempo(self) -> float | None:
        value = self.get("tempo")
        try:
            return float(value) if value else None
        except ValueError:
            return None

    @property
    def time(self) -> str | None:
        return self.get("time")

    @property
    def lines(self) -> tuple[LyricLine, ...]:
        return tuple(line for s in self.sections for line in s.lines)

    def items(self) -> Iterator[Item]:
        for s in self.sections:
            yield from s.items

    @property
    def errors(self) -> tuple[Diagnostic, ...]:
        return tuple(d for d in self.diagnostics if d.severity is Severity.ERROR)

    @property
    def warnings(self) -> tuple[Diagnostic, ...]:
        return tuple(d for d in self.diagnostics if d.severity is Severity.WARNING)
