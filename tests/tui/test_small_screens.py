"""Small screens: at 60x20 everything fits the screen, with the chat, a proposal or melody sketches open
(the proposal panel ran off the right edge); at 80x24 and 60x20 no song line is cut off when a side panel
opens (a page of chords over lyrics, which cannot wrap, gets the panel below it instead)."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.geometry import Offset
from textual.pilot import Pilot

from cowriter.tui.layout import side_width, stacks
from cowriter.tui.screens.main import MainScreen

from .conftest import VERSE2, make_app, settle, wait_for

SIZES = [(80, 24), (60, 20)]
IDS = ["80x24", "60x20"]

LONG_LINES = """{title: Long Lines}
{start_of_verse}
[G]Every morning when the sun comes up over the hill I think about the [C]way we used to [G]be
[Em]Short line
[C]Streetlights run like years gone past and the rain keeps falling on the [D]glass tonight
{end_of_verse}
"""

# long enough that the editor needs its scroll bar only once a panel narrows it (the lines wrap more)
NIGHT_BUS = """{title: Night Bus}

{start_of_verse: Verse 1}
[G]Last bus home and the [C]rain on the [G]glass
[Em]Every stop is a [D]name I know
[G]Streetlights run like [C]years gone [G]past
[C]Hold on, [D]let it [G]go
{end_of_verse}

{start_of_chorus: Chorus}
[C]Night bus, [G]take me [D]home
[C]Night bus, [D]I'm not a[G]lone
{end_of_chorus}

{start_of_bridge: Bridge}
[G]The rain falls on the [C]house,
[Em]It's a [D]night,
[F#dim]You're not [Em]one,
[C]I'm only a [G]man.
{end_of_bridge}
"""

PAGE = """Night Bus

[Verse]
G                C           G
Last bus home and the rain on the glass, every stop is a name
Em             D
Every stop is a name I know
"""
# at 60 columns a line fits whole only on the whole width: 51 columns of text
PAGE_60 = PAGE.replace(
    "Last bus home and the rain on the glass, every stop is a name",
    "Last bus home and the rain on the glass, again",
)


def main_of(pilot: Pilot[int]) -> MainScreen:
    screen = pilot.app.screen
    assert isinstance(screen, MainScreen)
    return screen


def assert_inside(pilot: Pilot[int]) -> None:
    """Every widget of the song, the panel and the bars below lies inside the screen."""
    screen = main_of(pilot)
    width, height = pilot.app.size
    for widget in screen.query("#body, #body *, #transport, #status"):
        if not widget.display or not widget.region.area:
            continue
        region = widget.region
        assert region.right <= width and region.bottom <= height, (
            f"{widget!r} at {region} leaves {width}x{height}"
        )


def shown_lines(pilot: Pilot[int]) -> dict[int, str]:
    """Each song line whose rows are all on screen, as the editor draws it (its rows joined)."""
    screen = main_of(pilot)
    editor = screen.editor
    region = editor.content_region
    strips = pilot.app.screen._compositor.render_strips()
    rows: dict[int, list[str]] = {}
    for y in range(region.height):
        index, _ = editor.wrapped_document.offset_to_location(Offset(0, editor.scroll_offset.y + y))
        text = strips[region.y + y].text[
            region.x + editor.gutter_width : region.right - 1
        ]  # not the scroll bar
        rows.setdefault(index, []).append(text)
    whole = {}
    for index, parts in rows.items():
        top, count = editor.line_rows(index, index)
        if editor.scroll_offset.y <= top and top + count <= editor.scroll_offset.y + region.height:
            whole[index] = " ".join(parts)
    return whole


def assert_no_line_cut(pilot: Pilot[int]) -> None:
    editor = main_of(pilot).editor
    shown = shown_lines(pilot)
    assert shown, "some lines show whole"
    for index, text in shown.items():
        line = editor.document.get_line(index)
        if editor.soft_wrap:  # the rows of a wrapped line hold all of it, in order
            assert text.split() == line.split(), f"line {index + 1} shows as {text!r}"
        else:  # a page's line on one row, its chords in their columns
            assert text.rstrip() == line.rstrip(), f"line {index + 1} shows as {text!r}"


@pytest.mark.parametrize(
    ("panel", "keys_id", "key"),
    [("proposal", "#proposal-keys", "p play"), ("melody", "#melody-keys", "play")],
)
@pytest.mark.parametrize("size", SIZES, ids=IDS)
async def test_a_side_panel_fits_the_screen(
    song_file: Path, size: tuple[int, int], panel: str, keys_id: str, key: str
) -> None:
    """The proposal (F2) and the sketches (F4) stay inside the screen, their key line whole."""
    app = make_app(song_file, VERSE2)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        screen = main_of(pilot)
        assert_inside(pilot)
        if panel == "proposal":
            await pilot.press("f2", *"write verse 2", "enter")
        else:
            screen.editor.cursor_location = (5, 0)
            await pilot.press("f4")
        assert await wait_for(pilot, lambda: getattr(screen, panel) is not None, timeout=30)
        await settle(pilot)
        assert_inside(pilot)
        view = getattr(screen, f"{panel}_view")
        keys = view.query_one(keys_id).render_line(0).text
        assert "…" not in keys and key in keys  # the key line whole, not cut at the edge
        assert view.region.width >= 24


@pytest.mark.parametrize("song", [LONG_LINES, NIGHT_BUS], ids=["long-lines", "scroll-bar-appears"])
@pytest.mark.parametrize("size", SIZES, ids=IDS)
async def test_long_lines_show_whole_beside_a_panel(tmp_path: Path, size: tuple[int, int], song: str) -> None:
    """Every line shows whole when a panel opens beside the song, also when the narrower song now needs
    its scroll bar (the last column of a wrapped row went under it: "rain on th" at 80x24)."""
    path = tmp_path / "long.cho"
    path.write_text(song, encoding="utf-8")
    app = make_app(path, VERSE2)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        screen = main_of(pilot)
        assert_no_line_cut(pilot)
        await pilot.press("f2", *"write verse 2", "enter")
        assert await wait_for(pilot, lambda: screen.proposal is not None)
        await settle(pilot)
        assert_no_line_cut(pilot)


@pytest.mark.parametrize("size", SIZES, ids=IDS)
async def test_a_page_too_wide_for_a_panel_beside_it_gets_the_panel_below(
    tmp_path: Path, size: tuple[int, int]
) -> None:
    path = tmp_path / "page.txt"
    path.write_text(PAGE if size[0] >= 80 else PAGE_60, encoding="utf-8")
    app = make_app(path)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        screen = main_of(pilot)
        assert await wait_for(pilot, lambda: not screen.editor.soft_wrap)  # the page keeps its columns
        await settle(pilot)
        assert screen.query_one("#body").has_class("-stacked")
        side, editor = screen.query_one("#side").region, screen.editor.region
        assert side.y >= editor.bottom and side.width == editor.width == size[0]
        assert_inside(pilot)
        assert_no_line_cut(pilot)
        assert 5 - 1 in shown_lines(pilot)  # the long lyric line, whole
        screen.editor.cursor_location = (4, 0)
        await pilot.press("f4")  # the sketches open below the song too
        assert await wait_for(pilot, lambda: screen.melody is not None, timeout=30)
        await settle(pilot)
        assert_inside(pilot)
        assert_no_line_cut(pilot)


async def test_a_narrow_page_stays_beside_the_panel(tmp_path: Path) -> None:
    path = tmp_path / "page.txt"
    path.write_text("G        C\nShort and sweet\nD        G\nTwo lines\n", encoding="utf-8")
    app = make_app(path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = main_of(pilot)
        assert await wait_for(pilot, lambda: not screen.editor.soft_wrap)
        await settle(pilot)
        assert not screen.query_one("#body").has_class("-stacked")


@pytest.mark.parametrize(
    ("width", "open_panel", "side"),
    [(80, False, 26), (80, True, 33), (120, False, 39), (120, True, 50), (60, False, 22), (60, True, 27)],
)
def test_the_shares(width: int, open_panel: bool, side: int) -> None:
    assert side_width(width, open_panel) == side
    assert width - side >= 33  # the song keeps room for a gutter and two dozen columns of words
    assert not stacks(width, open_panel, widest=width - side - 10, gutter=8)
    assert stacks(width, open_panel, widest=width - side, gutter=8)
