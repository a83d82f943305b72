"""Keys that arrive together act in the order typed (over SSH, keys typed quickly come in one read).

Textual runs a widget's bound keys (End, Home, arrows, Backspace, ctrl+k…) only after the key has bubbled
up to the app, while Enter and printable keys act at once in the editor: without care "End Enter" split
the line before its end (Textual issue #6605)."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual import events

from cowriter.tui.widgets.chat import ChatInput
from cowriter.tui.widgets.sheet_editor import SheetEditor

from .conftest import make_app


@pytest.mark.parametrize(
    ("keys", "line0", "line1"),
    [
        (("end", "enter"), "abc def", ""),  # a new line after the line, not a split before its end
        (("end", "x"), "abc defx", None),
        (("end", "home", "x"), "xabc def", None),
        (("end", "backspace", "x"), "abc dex", None),
        (("right", "right", "x"), "abxc def", None),
    ],
)
async def test_keys_sent_in_one_read_act_in_order(
    tmp_path: Path, keys: tuple[str, ...], line0: str, line1: str | None
) -> None:
    path = tmp_path / "song.cho"
    path.write_text("abc def\nsecond\n", encoding="utf-8")
    app = make_app(path)
    async with app.run_test(size=(80, 24)) as pilot:
        editor = app.screen.query_one(SheetEditor)
        editor.focus()
        editor.move_cursor((0, 0))
        await pilot.pause()
        for key in keys:  # posted together, as the driver posts the keys of one read
            char = key if len(key) == 1 else None
            app.post_message(events.Key(key, char))
        await pilot.pause()
        await pilot.pause()
        lines = editor.text.split("\n")
        assert lines[0] == line0
        if line1 is not None:
            assert lines[1] == line1


async def test_the_chat_line_takes_keys_in_order_too(tmp_path: Path) -> None:
    path = tmp_path / "song.cho"
    path.write_text("abc def\n", encoding="utf-8")
    app = make_app(path)
    async with app.run_test(size=(80, 24)) as pilot:
        field = app.screen.query_one(ChatInput)
        field.focus()
        await pilot.pause()
        for key in ("a", "b", "backspace", "c", "left", "x"):
            app.post_message(events.Key(key, key if len(key) == 1 else None))
        await pilot.pause()
        await pilot.pause()
        assert field.value == "axc"
