"""Text whose newlines arrive as LF (pasted without bracketed paste: `tmux send-keys -l`, some terminals)
keeps its lines: the terminal's bytes go through Textual's own parser, as the terminal driver sends them.
A CR LF pair is one new line; a bracketed paste is as before."""

from __future__ import annotations

import pytest
from textual._xterm_parser import XTermParser
from textual.pilot import Pilot

from cowriter.tui.screens.main import MainScreen

from .conftest import make_app, settle

START = "{title: Paste}\n"
LINES = "[G]Last bus home and the [C]rain on the [G]glass\n[Em]Every stop is a [D]name I know\n"


async def type_bytes(pilot: Pilot[int], data: str) -> None:
    """`data` as the terminal would write it to cowriter: parsed into key (or paste) events by Textual's
    xterm parser, then sent through the driver like the terminal's."""
    app = pilot.app
    driver = app._driver
    assert driver is not None
    for event in XTermParser().feed(data):
        event.set_sender(app)
        driver.send_message(event)
    await pilot.pause()


async def at_end(pilot: Pilot[int]) -> MainScreen:
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, MainScreen)
    screen.editor.cursor_location = screen.editor.document.end
    return screen


@pytest.mark.parametrize(
    "data",
    [
        LINES,  # LF, as tmux send-keys -l and some terminals send pasted lines
        LINES.replace("\n", "\r"),  # CR: Enter
        LINES.replace("\n", "\r\n"),  # CR LF: one new line, not two
        "\x1b[200~" + LINES + "\x1b[201~",  # a bracketed paste, as before
    ],
    ids=["LF", "CR", "CRLF", "bracketed"],
)
async def test_pasted_lines_stay_lines(data: str) -> None:
    app = make_app(None, text=START)
    async with app.run_test(size=(80, 24)) as pilot:
        await at_end(pilot)
        await type_bytes(pilot, data)
        assert app.workspace.text == START + LINES


async def test_ctrl_j_is_a_new_line() -> None:
    app = make_app(None, text=START)
    async with app.run_test(size=(80, 24)) as pilot:
        await at_end(pilot)
        await pilot.press(*"first", "ctrl+j", *"second")
        assert app.workspace.text == START + "first\nsecond"
