"""Notices hide nothing the writer is using: after an accept the proposal's next line stays in sight, and
the sketches, the palette, a dialog and the chat field too, at 80x24 and 60x20. They are a line at the
bottom, over the key legend, and go after a few seconds."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.geometry import Region
from textual.pilot import Pilot
from textual.widget import Widget
from textual.widgets._toast import Toast, ToastRack

from cowriter.tui.app import NOTICE_SECONDS, CowriterApp
from cowriter.tui.screens.main import MainScreen

from .conftest import VERSE2, make_app, settle, wait_for

SIZES = [(80, 24), (60, 20)]
IDS = ["80x24", "60x20"]
LONG = "Sound written: ~/.cache/cowriter/takes/swing-low-take-3.wav: 0:42 of sound. Play it with any player."


def shown_toasts(pilot: Pilot[int]) -> list[Region]:
    """The rows each notice takes on the screen (what of it the rack shows)."""
    screen = pilot.app.screen
    shown = []
    for toast in screen.query(Toast):
        try:
            where = screen.find_widget(toast)
        except Exception:  # not on screen (scrolled out of the rack)
            continue
        region = where.region.intersection(where.clip)
        if region.area:
            shown.append(region)
    return shown


def assert_clear_of(pilot: Pilot[int], *widgets: Widget) -> None:
    toasts = shown_toasts(pilot)
    assert toasts, "a notice shows"
    for widget in widgets:
        for toast in toasts:
            assert not toast.overlaps(widget.region), (
                f"a notice at {toast} covers {widget!r} at {widget.region}"
            )


def main_of(pilot: Pilot[int]) -> MainScreen:
    screen = next(s for s in pilot.app.screen_stack if isinstance(s, MainScreen))
    return screen


@pytest.mark.parametrize("size", SIZES, ids=IDS)
async def test_after_an_accept_the_proposals_next_line_stays_in_sight(
    song_file: Path, size: tuple[int, int]
) -> None:
    app = make_app(song_file, VERSE2)
    async with app.run_test(size=size, notifications=True) as pilot:
        await settle(pilot)
        screen = main_of(pilot)
        await pilot.press("f2", *"write verse 2", "enter")
        assert await wait_for(pilot, lambda: screen.proposal is not None)
        await settle(pilot)
        screen.proposal_view.focus_list()
        await pilot.press("a")  # one line: the rest stays open, the next line highlighted
        assert await wait_for(
            pilot, lambda: any("Accepted 1 line" in str(n.message) for n in app._notifications)
        )
        await pilot.pause(0.2)
        view = screen.proposal_view
        assert view.has_class("-open") and view.options.highlighted is not None
        assert_clear_of(pilot, view, screen.editor, screen.chat.input)


@pytest.mark.parametrize("size", SIZES, ids=IDS)
async def test_sketches_stay_in_sight(song_file: Path, size: tuple[int, int]) -> None:
    app = make_app(song_file)
    async with app.run_test(size=size, notifications=True) as pilot:
        await settle(pilot)
        screen = main_of(pilot)
        screen.editor.cursor_location = (5, 0)
        await pilot.press("f4")
        assert await wait_for(pilot, lambda: screen.melody is not None, timeout=30)
        app.notify(LONG, title="Sound written")
        await pilot.pause(0.2)
        assert_clear_of(pilot, screen.melody_view, screen.editor)


@pytest.mark.parametrize("size", SIZES, ids=IDS)
async def test_the_palette_and_a_dialog_stay_in_sight(song_file: Path, size: tuple[int, int]) -> None:
    from textual.command import CommandPalette

    from cowriter.tui.screens.export import ExportScreen

    app = make_app(song_file)
    async with app.run_test(size=size, notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p", *"export")
        assert await wait_for(pilot, lambda: isinstance(app.screen, CommandPalette))
        app.notify(LONG, title="Sound written")
        await pilot.pause(0.3)
        palette = app.screen
        assert_clear_of(pilot, *[w for w in palette.children if not isinstance(w, ToastRack) and w.display])
        await pilot.press("escape")
        await pilot.press("ctrl+o")
        assert await wait_for(pilot, lambda: isinstance(app.screen, ExportScreen))
        app.notify("Looping Chorus (F5 plays).")
        await pilot.pause(0.3)
        dialog = app.screen.query_one("ExportScreen > Vertical")
        assert_clear_of(pilot, dialog)
        await pilot.press("escape", "f1")
        assert await wait_for(pilot, lambda: type(app.screen).__name__ == "HelpScreen")
        app.notify(LONG, title="Sound written")
        await pilot.pause(0.3)
        assert_clear_of(pilot, app.screen.query_one("HelpScreen > VerticalScroll"))


@pytest.mark.parametrize("size", SIZES, ids=IDS)
async def test_typing_in_the_chat_stays_in_sight(song_file: Path, size: tuple[int, int]) -> None:
    app = make_app(song_file)
    async with app.run_test(size=size, notifications=True) as pilot:
        await settle(pilot)
        screen = main_of(pilot)
        await pilot.press("f2", *"a verse about trains")
        app.notify(LONG, title="Sound written")
        app.notify("Looping Chorus (F5 plays).")
        await pilot.pause(0.3)
        assert_clear_of(pilot, screen.chat.input, screen.editor, screen.query_one("#side"))
        assert screen.chat.input.value == "a verse about trains"


def test_notices_are_short_lived() -> None:
    assert CowriterApp.NOTIFICATION_TIMEOUT == NOTICE_SECONDS <= 4
