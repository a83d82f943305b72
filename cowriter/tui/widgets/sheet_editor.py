"""The song editor: ChordPro text with its parts coloured, problems marked where they are, and one gutter
showing, for each line, a problem mark, its number, and for a lyric line its syllable count and
rhyme-scheme letter ("E12 10A "). While the song plays, the sounding line is highlighted.

Long lines wrap (an 80-column terminal shows ~44 columns of song): typing at the end of a long line never
scrolls the sheet sideways. Only a sheet with chords written above the lyrics keeps its lines whole, since
wrapping would part each chord from its syllable: which sheets those are is the parser's own rule
(`core.sheet.is_chordpro`), decided with the first check, after the first frame (`screens/base.py`)."""

from __future__ import annotations

import re
from typing import ClassVar

from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding, BindingType
from textual.geometry import Offset
from textual.strip import Strip
from textual.widgets import TextArea

from cowriter.core.diagnostics import Diagnostic, Severity
from cowriter.service.workspace import LineInfo
from cowriter.tui.widgets.keyorder import InOrder

CHORD = re.compile(r"\[[^\]\n]*\]?")
DIRECTIVE = re.compile(r"\{[^}\n]*\}?")
SECTION = re.compile(r"^\s*\{\s*(start_of_|end_of_|so[cvbtg]\b|eo[cvbtg]\b|chorus\b)", re.IGNORECASE)

LYRIC_INFO = 5  # " 10A " : syllables (right-aligned in 3) and the rhyme letter, then a blank


# Keys the main screen uses for the transport (F6 loop, F7 key down): the editor's own F6 (select line) and
# F7 (select all) would come first in the footer while the editor has the focus, reordering it.
SHADOWED_KEYS = frozenset({"f6", "f7"})


class SheetEditor(InOrder, TextArea, inherit_bindings=False):
    """A TextArea for chord sheets. Set `diagnostics`, `lyrics` and `play_line` through the methods."""

    # ctrl+home / ctrl+end: the song's start and end (TextArea has no such keys; terminals and tmux send them
    # as CSI 1;5H / 1;5F, which Textual reads as these names).
    BINDINGS: ClassVar[list[BindingType]] = [
        *(
            b
            for b in TextArea.BINDINGS
            if not (isinstance(b, Binding) and set(b.key.split(",")) <= SHADOWED_KEYS)
        ),
        Binding("ctrl+home", "song_start", "Song start", show=False),
        Binding("ctrl+end", "song_end", "Song end", show=False),
        Binding("ctrl+shift+home", "song_start(True)", "Select to song start", show=False),
        Binding("ctrl+shift+end", "song_end(True)", "Select to song end", show=False),
    ]

    COMPONENT_CLASSES: ClassVar[set[str]] = TextArea.COMPONENT_CLASSES | {
        "sheet--chord",
        "sheet--directive",
        "sheet--section",
        "sheet--comment",
        "sheet--error",
        "sheet--warning",
        "sheet--playing",
        "sheet--lyrics-gutter",
        "sheet--rhyme",
        "sheet--number",
    }

    # Readable on the default theme (textual-dark, contrast with the surface): chords orange 8.5:1, section
    # directives blue 6.3:1, other directives green 9.5:1, comments grey 6.8:1. Without colour (NO_COLOR,
    # --color none) the parts differ by text style: chords bold, sections bold underlined, other directives
    # and comments grey, comments italic, errors reversed, warnings underlined; the cursor and the selection
    # (a background colour otherwise, dropped there) reversed.
    DEFAULT_CSS = """
    SheetEditor { padding: 0; scrollbar-size-vertical: 1; }
    SheetEditor .sheet--chord { color: $accent; text-style: bold; }
    SheetEditor .sheet--section { color: $text-primary; text-style: bold; }
    SheetEditor .sheet--directive { color: $text-success; }
    SheetEditor .sheet--comment { color: $text-muted; text-style: italic; }
    SheetEditor .sheet--error { color: $text-error; text-style: bold underline; }
    SheetEditor .sheet--warning { color: $text-warning; text-style: underline; }
    SheetEditor .sheet--playing { background: $success 30%; text-style: reverse; }
    SheetEditor .sheet--lyrics-gutter { color: $text-muted; }
    SheetEditor .sheet--rhyme { color: $text-accent; text-style: bold; }
    SheetEditor .sheet--number { color: $foreground 50%; }
    SheetEditor:nocolor .sheet--section { text-style: bold underline; }
    SheetEditor:nocolor .sheet--error { text-style: bold reverse; }
    SheetEditor:nocolor .sheet--directive { color: $text-muted; }
    SheetEditor:nocolor .sheet--number { color: $text-muted; }
    SheetEditor:nocolor .text-area--cursor { color: $foreground; background: $surface; text-style: reverse; }
    SheetEditor:nocolor .text-area--selection {
        color: $foreground; background: $surface; text-style: reverse;
    }
    """

    def __init__(self, text: str = "", **kwargs: object) -> None:
        super().__init__(
            text,
            show_line_numbers=True,
            soft_wrap=True,  # a page of chords over lyrics is unwrapped by the screen's first check
            tab_behavior="indent",
            **kwargs,  # type: ignore[arg-type]
        )
        self._diagnostics: dict[int, list[Diagnostic]] = {}
        self._lyrics: dict[int, LineInfo] = {}
        self._play_line: int | None = None
        self._after_cr = False  # the last key was Enter (CR): a LF right after it ends the same line
        self._sized: int | None = None  # the width the rows were last drawn at (None: not yet)
        self._gutters: dict[tuple[str, str, str, str, bool], Strip] = {}
        self._part_styles: dict[str, Style] = {}
        self._styled: dict[tuple[str, tuple[tuple[int, int, str], ...], bool], Text] = {}

    # -- state set by the screen -------------------------------------------------------------------------

    def set_diagnostics(self, diagnostics: tuple[Diagnostic, ...]) -> None:
        by_line: dict[int, list[Diagnostic]] = {}
        for d in diagnostics:
            by_line.setdefault(max(d.line - 1, 0), []).append(d)
        if by_line != self._diagnostics:
            self._diagnostics = by_line
            self._redraw()

    def set_lyrics(self, infos: tuple[LineInfo, ...]) -> None:
        new = {i.index: i for i in infos}
        if new != self._lyrics:
            self._lyrics = new
            self._redraw()

    def set_play_line(self, line: int | None) -> None:
        """Highlight 0-based `line` (None: nothing is playing)."""
        if line != self._play_line:
            self._play_line = line
            self._redraw()
            if line is not None and not self.has_focus:
                top, rows = self.line_rows(line, line)
                height = self.scrollable_content_region.height
                self.scroll_to(y=max(top - (height - rows) // 2, 0), animate=False)

    @property
    def play_line(self) -> int | None:
        return self._play_line

    def line_rows(self, first: int, last: int) -> tuple[int, int]:
        """The screen rows that 0-based lines `first` to `last` take: the first row and how many. With soft
        wrap a long line takes several rows, so scroll positions are rows, not line numbers."""
        wrapped = self.wrapped_document
        end = max(self.document.line_count - 1, 0)
        first, last = min(max(first, 0), end), min(max(last, first), end)
        top = wrapped.location_to_offset((first, 0)).y
        bottom = wrapped.location_to_offset((last, 0)).y + len(wrapped.get_offsets(last)) + 1
        return top, bottom - top

    def diagnostics_at(self, index: int) -> list[Diagnostic]:
        return list(self._diagnostics.get(index, ()))

    def lyrics_at(self, index: int) -> LineInfo | None:
        return self._lyrics.get(index)

    def problem_lines(self) -> list[int]:
        """The 0-based lines with a problem, top to bottom."""
        return sorted(self._diagnostics)

    def _on_resize(self) -> None:
        """Rewrap to the new width, and draw every row again when the width changed: TextArea rewraps on
        a resize but repaints only when the number of rows changes, so a panel opening beside the song
        left rows drawn at the old width, cut at the new edge ("rain on th" at 80x24). The first size
        (nothing drawn yet) needs no second drawing."""
        super()._on_resize()
        width = self.size.width
        if self._sized is not None and width != self._sized:
            self._redraw()
        self._sized = width

    def _redraw(self) -> None:
        self._line_cache.clear()
        self.refresh()

    def _part_style(self, name: str) -> Style:
        """A component class's style, computed once per theme (computing it is costly)."""
        style = self._part_styles.get(name)
        if style is None:
            style = self._part_styles[name] = self.get_component_rich_style(name)
        return style

    def notify_style_update(self) -> None:
        self._part_styles.clear()
        self._gutters.clear()
        self._styled.clear()
        super().notify_style_update()

    # -- a line feed is Enter --------------------------------------------------------------------------------

    async def _on_key(self, event: events.Key) -> None:
        """A line feed (LF) starts a new line, as Enter (CR) does. Text pasted without bracketed paste
        (`tmux send-keys -l`, some terminals) or typed as ctrl+j arrives as LF, which Textual names
        ctrl+j and the text area ignored: pasted lines ran together. CR then LF (a Windows line end)
        is one new line. Other keys go on to InOrder's handler and TextArea's (Textual calls each class's
        handler along the MRO until one prevents the default)."""
        after_cr, self._after_cr = self._after_cr, event.key == "enter"
        if event.key == "ctrl+j" and not self.read_only:
            event.stop()
            event.prevent_default()
            if not after_cr:
                self._restart_blink()
                start, end = self.selection
                self._replace_via_keyboard("\n", start, end)

    # -- moving ------------------------------------------------------------------------------------------

    def action_song_start(self, select: bool = False) -> None:
        self.move_cursor((0, 0), select=select)

    def action_song_end(self, select: bool = False) -> None:
        self.move_cursor(self.document.end, select=select)

    # Home and End (and ctrl+u / ctrl+k, which delete to them) work on the whole line as written, not on the
    # row a long line wraps to: TextArea's End stops at the wrap point, where Enter would split a lyric
    # mid-phrase; here End is always where a new line may start. Home: first non-blank, then column 0.

    def get_cursor_line_end_location(self) -> tuple[int, int]:
        row = self.cursor_location[0]
        return row, len(self.document.get_line(row))

    def get_cursor_line_start_location(self, smart_home: bool = False) -> tuple[int, int]:
        row, column = self.cursor_location
        if not smart_home:
            return row, 0
        line = self.document.get_line(row)
        first = len(line) - len(line.lstrip())
        return row, first if column == 0 or column > first else 0

    # -- drawing -----------------------------------------------------------------------------------------

    @property
    def gutter_width(self) -> int:
        """One gutter: mark, line number, syllables, rhyme letter ("E12 10A ")."""
        if not self.show_line_numbers:
            return 0
        return 1 + len(str(self.document.line_count)) + LYRIC_INFO

    def get_line(self, line_index: int) -> Text:
        """The line with its parts styled. Cached by content: typing restyles only the line typed in."""
        plain = self.document.get_line(line_index)
        diags = tuple((d.column, d.line, d.severity.value) for d in self._diagnostics.get(line_index, ()))
        key = (plain, diags, line_index == self._play_line)
        cached = self._styled.get(key)
        if cached is None:
            if len(self._styled) > 4096:
                self._styled.clear()
            cached = self._styled[key] = self._style_line(line_index, plain)
        return cached.copy()

    def _style_line(self, line_index: int, plain: str) -> Text:
        text = Text(plain, end="", no_wrap=True)
        stripped = plain.lstrip()
        style = self._part_style
        if stripped.startswith("#"):
            text.stylize(style("sheet--comment"))
        else:
            section = SECTION.match(plain) is not None
            for m in DIRECTIVE.finditer(plain):
                text.stylize(style("sheet--section" if section else "sheet--directive"), m.start(), m.end())
            for m in CHORD.finditer(plain):
                text.stylize(style("sheet--chord"), m.start(), m.end())
        for d in self._diagnostics.get(line_index, ()):
            start = max(d.column - 1, 0)
            end = _word_end(plain, start)
            name = "sheet--error" if d.severity is Severity.ERROR else "sheet--warning"
            if start >= len(plain):
                start, end = 0, len(plain)
            text.stylize(style(name), start, max(end, start + 1))
        if line_index == self._play_line:
            text.stylize(style("sheet--playing"))
        return text

    def render_line(self, y: int) -> Strip:
        strip = super().render_line(y)
        if not self.show_line_numbers:
            return strip
        wrapped = self.wrapped_document
        row = self.scroll_offset.y + y
        if row >= wrapped.height:
            return strip
        index, column = wrapped.offset_to_location(Offset(0, row))
        first = column == 0  # a wrapped line's later rows start past column 0
        width = self.gutter_width
        return Strip.join([self._gutter_strip(index, first, width), strip.crop(width)])

    def _gutter_strip(self, index: int, first: bool, width: int) -> Strip:
        """The gutter of line `index` (a wrapped line's later rows: blank but for the play mark)."""
        diags = self._diagnostics.get(index, ())
        mark, mark_name = " ", "sheet--lyrics-gutter"
        if any(d.severity is Severity.ERROR for d in diags):
            mark, mark_name = "E", "sheet--error"
        elif diags:
            mark, mark_name = "W", "sheet--warning"
        if index == self._play_line:
            mark, mark_name = ">", "sheet--playing"
        info = self._lyrics.get(index) if first else None
        number = str(index + 1) if first else ""
        count = f"{min(info.syllables, 999):>3}" if info else ""
        letter = (info.rhyme or " ")[:1] if info else ""
        cursor = first and index == self.cursor_location[0] and self.has_focus
        key = (mark if first or mark == ">" else " ", mark_name, number, count + letter, cursor)
        strip = self._gutters.get(key)
        if strip is None or strip.cell_length != width:
            style = self._part_style
            base = style("sheet--lyrics-gutter")
            number_style = style("text-area--cursor-gutter" if cursor else "sheet--number")
            digits = width - 1 - LYRIC_INFO
            text = Text.assemble(
                (key[0], style(mark_name)),
                (f"{number:>{digits}}", number_style),
                (f"{count:>3}", base),
                (f"{letter:1}", style("sheet--rhyme")),
                " ",
            )
            text.stylize(Style(bgcolor=base.bgcolor), 0)
            if len(self._gutters) > 4096:
                self._gutters.clear()
            strip = self._gutters[key] = Strip(list(text.render(self.app.console)), width)
        return strip


def _word_end(plain: str, start: int) -> int:
    end = start
    while end < len(plain) and not plain[end].isspace():
        end += 1
    return end
