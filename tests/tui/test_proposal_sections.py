"""A new section in a proposal, accepted or rejected line by line in the panel: its `{start_of_…}` and
`{end_of_…}` come with its lines (shown where they go, not rows to pick), so the editor never warns about a
directive without its partner."""

from __future__ import annotations

from pathlib import Path

from textual.pilot import Pilot

from cowriter.core.sheet import read_song

from .conftest import SONG, VERSE2, make_app, settle, wait_for

BALANCE = ("without a matching start", "is never closed", "closing `", "closes `start_of_")
LYRICS = [line for line in VERSE2.splitlines()[2:-1]]  # the new verse's four lines


def unbalanced(text: str) -> list[str]:
    return [d.message for d in read_song(text).diagnostics if any(b in d.message for b in BALANCE)]


def rows(pilot: Pilot[int]) -> list[tuple[str, bool]]:
    """The panel's rows: text and whether it can be picked."""
    options = pilot.app.screen.proposal_view.options  # type: ignore[attr-defined]
    out = []
    for i in range(options.option_count):
        option = options.get_option_at_index(i)
        out.append((str(option.prompt), not option.disabled))
    return out


async def ask(pilot: Pilot[int]) -> None:
    await settle(pilot)
    await pilot.press("f2", *"write verse 2", "enter")
    assert await wait_for(pilot, lambda: pilot.app.screen.proposal is not None)  # type: ignore[attr-defined]
    await settle(pilot)
    await pilot.press("f3")


async def test_the_frame_is_shown_with_its_section_not_as_lines_to_pick(song_file: Path) -> None:
    app = make_app(song_file, VERSE2)
    async with app.run_test(size=(120, 40)) as pilot:
        await ask(pilot)
        shown = rows(pilot)
        picked = [text for text, enabled in shown if enabled]
        assert picked == [f"+ {line}" for line in LYRICS]
        assert ("+ {start_of_verse: Verse 2}", False) in shown and ("+ {end_of_verse}", False) in shown
        assert not any("blank line" in text for text, _ in shown)


async def test_accepting_one_line_of_a_new_verse_brings_its_frame(song_file: Path) -> None:
    app = make_app(song_file, VERSE2)
    async with app.run_test(size=(120, 40)) as pilot:
        await ask(pilot)
        await pilot.press("down", "a")  # the verse's second line only
        await settle(pilot)
        text = app.workspace.text
        assert text == SONG + "\n{start_of_verse: Verse 2}\n" + LYRICS[1] + "\n{end_of_verse}\n"
        assert not unbalanced(text) and not unbalanced(app.screen.editor.text)  # type: ignore[attr-defined]
        left = [c.new for c in app.screen.proposal.changes]  # type: ignore[attr-defined]
        assert left == [(LYRICS[0],), (LYRICS[2],), (LYRICS[3],)]
        await pilot.press("A")
        await settle(pilot)
        assert app.workspace.text == SONG + VERSE2.split("\n", 1)[1].replace("{start", "\n{start", 1)


async def test_rejecting_every_line_leaves_no_stray_directive(song_file: Path) -> None:
    app = make_app(song_file, VERSE2)
    async with app.run_test(size=(80, 24)) as pilot:
        await ask(pilot)
        for _ in LYRICS:
            await pilot.press("r")
            await settle(pilot)
        assert app.screen.proposal is None  # type: ignore[attr-defined]
        assert app.workspace.text == SONG


async def test_accepting_after_typing_meanwhile_keeps_the_sections_balanced(song_file: Path) -> None:
    app = make_app(song_file, VERSE2)
    async with app.run_test(size=(120, 40)) as pilot:
        await ask(pilot)
        editor = app.screen.editor  # type: ignore[attr-defined]
        editor.focus()
        editor.cursor_location = (11, 0)  # Verse 1's second line
        await pilot.press(*"Oh ")
        await settle(pilot)
        assert app.screen.proposal is not None  # type: ignore[attr-defined]
        await pilot.press("f3", "end", "a")  # the verse's last line
        await settle(pilot)
        text = app.workspace.text
        assert "Oh Coming for to carry me [A7]home" in text and LYRICS[3] in text
        assert "{start_of_verse: Verse 2}" in text and text.count("{end_of_verse}") == 2
        assert not unbalanced(text)
