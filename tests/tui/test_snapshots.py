"""Pictures of the screen at the sizes that matter: 80x24 (SSH) and 120x40, with the cursor blink off, a
fixed theme and NO_COLOR pinned (conftest). Update with `pytest tests/tui --snapshot-update` and look at
the report before committing."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import Input, TextArea

from .conftest import VERSE2, make_app, settle, wait_for

SIZES = [(80, 24), (120, 40)]


async def steady(pilot: Pilot[int]) -> None:
    """No blinking cursor, every worker done."""
    for widget in pilot.app.screen.query(TextArea):
        widget.cursor_blink = False
        # its line cache keys on the blink phase, not on blink being off: a line drawn while the cursor
        # blinked out would be reused without the cursor (a flaky picture), so drop it
        widget.notify_style_update()
        widget.refresh()
    for field in pilot.app.screen.query(Input):
        field.cursor_blink = False
    await settle(pilot)


def before(*keys: str) -> Callable[[Pilot[int]], Awaitable[None]]:
    async def run(pilot: Pilot[int]) -> None:
        await steady(pilot)
        if keys:
            await pilot.press(*keys)
            await wait_for(pilot, lambda: not pilot.app.workers._workers or False, timeout=5)
        await steady(pilot)

    return run


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_opening_a_song(snap_compare: Callable[..., bool], song_file: Path, size: tuple[int, int]) -> None:
    assert snap_compare(make_app(song_file), terminal_size=size, run_before=before())


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_a_proposal_as_a_diff(
    snap_compare: Callable[..., bool], song_file: Path, size: tuple[int, int]
) -> None:
    app = make_app(song_file, VERSE2)

    async def ask(pilot: Pilot[int]) -> None:
        await steady(pilot)
        await pilot.press("f2", *"write verse 2", "enter")
        await wait_for(pilot, lambda: pilot.app.screen.proposal is not None)  # type: ignore[attr-defined]
        await steady(pilot)

    assert snap_compare(app, terminal_size=size, run_before=ask)


def test_help_screen(snap_compare: Callable[..., bool], song_file: Path) -> None:
    assert snap_compare(make_app(song_file), terminal_size=(80, 24), run_before=before("f1"))


def test_diagnostics_in_the_gutter(snap_compare: Callable[..., bool], tmp_path: Path) -> None:
    path = tmp_path / "bad.cho"
    path.write_text("{title: Bad}\n{start_of_verse}\n[C]Hello [G\n{end_of_chorus}\n", encoding="utf-8")
    assert snap_compare(make_app(path), terminal_size=(80, 24), run_before=before())
