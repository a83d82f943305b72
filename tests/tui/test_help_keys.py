"""F1 lists keys as keys: an action with no key of its own is listed by its name under the palette, never
with "palette" where a key goes."""

from __future__ import annotations

from pathlib import Path

from cowriter.tui.commands import ACTIONS
from cowriter.tui.screens.help import HelpScreen, help_table

from .conftest import make_app, settle, wait_for


def key_cells() -> list[str]:
    table = help_table()
    return [str(cell) for cell in table.columns[0].cells]


def test_no_action_is_listed_with_palette_as_its_key() -> None:
    keys = key_cells()
    assert "palette" not in keys
    unkeyed = [a.title for a in ACTIONS if not a.key]
    assert unkeyed, "some actions are only in the palette"
    heading = keys.index("In the palette")
    for title in unkeyed:  # each by its name, after the palette's heading
        assert keys.index(title) > heading
    for a in ACTIONS:
        if a.key:
            assert a.key.replace(",", " / ") in keys[:heading]


async def test_f1_shows_the_palette_entries_by_name(song_file: Path) -> None:
    app = make_app(song_file)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("f1")
        assert await wait_for(pilot, lambda: isinstance(app.screen, HelpScreen))
        scroll = app.screen.query_one("VerticalScroll")
        seen: list[str] = []
        while True:  # page through the help as the writer would
            await pilot.pause()
            seen += [strip.text for strip in app.screen._compositor.render_strips()]
            if scroll.scroll_y >= scroll.max_scroll_y:
                break
            scroll.scroll_page_down(animate=False)
        text = "\n".join(seen)
        assert "ctrl+p, then the name" in text
        assert "Accept proposal" in text
        assert not any(row.strip().strip("│").strip().startswith("palette ") for row in seen)
