"""The song editor: ChordPro text with its parts coloured, problems marked where they are, and a gutter
showing each lyric line's syllable count and rhyme-scheme letter. While the song plays, the sounding line
is highlighted."""

from __future__ import annotations

import re
from typing import ClassVar

from rich.style import Style
from rich.text import Text
from textual.strip import Strip
from textual.widgets import TextArea

from cowriter.core.song import Diagnostic, Severity
from cowriter.service.workspace import LineInfo

CHORD = re.compile(r"\[[^\]\n]*\]?")
DIRECTIVE = re.compile(r"\{[^}\n]*\}?")
SECTION = re.compile(r"^\s*\{\s*(start_of_|end_of_|so[cvbtg]\b|eo[cvbtg]\b|chorus\b)", re.IGNORECASE)

GUTTER = 7  # "E 12 A " : mark, syllables, rhyme letter


class SheetEditor(TextArea):
    """A TextArea for chord sheets. Set `diagnostics`, `lyrics` and `play_line` through the methods."""

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
    }

    DEFAULT_CSS = """
    SheetEditor .sheet--chord { color: $accent; text-style: bold; }
    SheetEditor .sheet--directive { color: $secondary; }
    SheetEditor .sheet--section { color: $warning; text-style: bold; }
    SheetEditor .sheet--comment { color: $text-muted; text-style: italic; }
    SheetEditor .sheet--error { color: $error; text-style: bold underline; }
    SheetEditor .sheet--warning { color: $warning; text-style: underline; }
    SheetEditor .sheet--playing { background: $success 30%; text-style: reverse; }
    SheetEditor .sheet--lyrics-gutter { color: $text-muted; }
    SheetEditor .sheet--rhyme { color: $accent; text-style: bold; }
    """

    def __init__(self, text: str = "", **kwargs: object) -> None:
        super().__init__(
            text,
            show_line_numbers=True,
            soft_wrap=False,
            tab_behavior="indent",
            **kwargs,  # type: ignore[arg-type]
        )
        self._diagnostics: dict[int, list[Diagnostic]] = {}
        self._lyrics: dict[int, LineInfo] = {}
        self._play_line: int | None = None
        self._gutters: dict[tuple[str, str, str, str], Strip] = {}
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
                self.scroll_to(y=max(line - self.size.height // 2, 0), animate=False)

    @property
    def play_line(self) -> int | None:
        return self._play_line

    def diagnostics_at(self, index: int) -> list[Diagnostic]:
        return list(self._diagnostics.get(index, ()))

    def lyrics_at(self, index: int) -> LineInfo | None:
        return self._lyrics.get(index)

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

    # -- drawing -----------------------------------------------------------------------------------------

    @property
    def gutter_width(self) -> int:
        return super().gutter_width + GUTTER if self.show_line_numbers else 0

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
        index = self.scroll_offset.y + y
        if index >= self.document.line_count:
            return strip
        return Strip.join([self._gutter_strip(index), strip.crop(GUTTER)])

    def _gutter_strip(self, index: int) -> Strip:
        diags = self._diagnostics.get(index, ())
        mark, mark_name = " ", "sheet--lyrics-gutter"
        if any(d.severity is Severity.ERROR for d in diags):
            mark, mark_name = "E", "sheet--error"
        elif diags:
            mark, mark_name = "W", "sheet--warning"
        if index == self._play_line:
            mark, mark_name = ">", "sheet--playing"
        info = self._lyrics.get(index)
        count = f"{info.syllables:>3}" if info else "   "
        letter = (info.rhyme or " ")[:1] if info else " "
        key = (mark, mark_name, count, letter)
        strip = self._gutters.get(key)
        if strip is None:
            style = self._part_style
            base = style("sheet--lyrics-gutter")
            rhyme = style("sheet--rhyme")
            text = Text.assemble((mark, style(mark_name)), (count, base), " ", (letter, rhyme), " ")
            text.stylize(Style(bgcolor=base.bgcolor), 0)
            strip = self._gutters[key] = Strip(list(text.render(self.app.console)), GUTTER)
        return strip


def _word_end(plain: str, start: int) -> int:
    end = start
    while end < len(plain) and not plain[end].isspace():
        end += 1
    return end
