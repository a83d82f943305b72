"""Small promises of the screen: the reply in flight is stopped through a public method, the help texts say
what the keys do, exports say what they wrote, the status counts warnings too, the count-in shows as such,
a terminal the editor cannot use is named, and ctrl+l redraws."""

from __future__ import annotations

from pathlib import Path

from cowriter.tui import messages as m
from cowriter.tui.screens.main import MainScreen

from .conftest import Recorder, make_app, settle, wait_for


async def test_cancel_reply_stops_only_a_reply_in_flight(song_file: Path) -> None:
    app = make_app(song_file, " ".join(["la"] * 400), delay=0.01)
    rec = Recorder()
    async with app.run_test(size=(80, 24), message_hook=rec) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, MainScreen)
        assert screen.cancel_reply() is False  # nothing asked yet
        await pilot.press("f2", *"sing", "enter")
        assert await wait_for(pilot, lambda: bool(rec.of(m.TokenStreamed)))
        assert screen.cancel_reply() is True
        assert await wait_for(pilot, lambda: bool(rec.of(m.ModelFailed)))
        assert rec.of(m.ModelFailed)[0].cancelled  # type: ignore[attr-defined]
        assert screen.cancel_reply() is False  # the reply has ended
