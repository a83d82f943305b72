"""Melody sketches in the editor, driven by Pilot (scripted model, no sound): sketch the line or section
under the cursor, hear the alternatives, accept one into the song as a credited ABC block, or dismiss."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

import pytest
from textual.pilot import Pilot

from cowriter.service.workspace.melody import MELODY_MODEL
from cowriter.tui import messages as m
from cowriter.tui.widgets.melody import MelodyView

from .conftest import SONG, VERSE2, Recorder, make_app, settle, wait_for
from .test_snapshots import steady

LINE = 5  # "[D]Swing low, sweet [G]chari[D]ot"
VERSE = 10  # "I [D]looked over Jordan and [G]what did I [D]see"


def toasts(app: object) -> list[str]:
    return [str(n.message) for n in app._notifications]  # type: ignore[attr-defined]


def started(rec: Recorder) -> int:
    """How many playbacks started (a message bubbles from the screen to the app: count each once)."""
    return len({id(x) for x in rec.of(m.PlaybackStarted)})


async def test_sketch_play_accept_credits_the_block(song_file: Path) -> None:
    app = make_app(song_file)
    app.workspace.settings.bpm = 600.0
    rec = Recorder()
    async with app.run_test(size=(80, 24), message_hook=rec) as pilot:
        await settle(pilot)
        screen = app.screen
        screen.editor.cursor_location = (LINE, 0)  # type: ignore[attr-defined]
        await pilot.press("f4")
        assert await wait_for(pilot, lambda: screen.melody is not None)  # type: ignore[attr-defined]
        sketch = screen.melody  # type: ignore[attr-defined]
        view = screen.query_one(MelodyView)
        assert view.has_class("-open") and view.options.option_count == len(sketch.choices) >= 2
        scores = [c.score for c in sketch.choices]
        assert scores == sorted(scores, reverse=True)
        shown = [str(view.options.get_option_at_index(i).prompt) for i in range(len(scores))]
        assert all(f"{s:5.1f}" in row for s, row in zip(scores, shown, strict=True))
        assert app.workspace.text == SONG  # nothing changes before the writer says so

        await pilot.press("down", "p")  # the second alternative, from its line's bar
        assert await wait_for(pilot, lambda: bool(rec.of(m.PlaybackStarted)))
        assert await wait_for(pilot, lambda: bool(rec.of(m.PlayheadMoved)))
        bars = {p.position.bar for p in rec.of(m.PlayheadMoved)}  # type: ignore[attr-defined]
        assert min(bars) >= sketch.bar
        assert await wait_for(pilot, lambda: not screen.transport.playing)  # type: ignore[attr-defined]

        await pilot.press("a")
        await settle(pilot)
        ws = app.workspace
        block = sketch.choices[1].abc.splitlines()
        start = ws.lines.index(block[0])
        assert ws.lines[start : start + len(block)] == block
        assert block[0] == "{start_of_abc: Melody: line 1}"
        assert all(ws.authors[start + k] == f"model:{MELODY_MODEL}" for k in range(len(block)))
        assert ws.authors[ws.lines.index("[D]Swing low, sweet [G]chari[D]ot")] == "human"
        assert screen.editor.text == ws.text  # type: ignore[attr-defined]
        assert not view.has_class("-open")


async def test_play_all_hears_each_alternative_in_turn(song_file: Path) -> None:
    app = make_app(song_file)
    app.workspace.settings.bpm = 600.0
    rec = Recorder()
    async with app.run_test(size=(80, 24), message_hook=rec) as pilot:
        await settle(pilot)
        screen = app.screen
        screen.editor.cursor_location = (LINE, 0)  # type: ignore[attr-defined]
        await pilot.press("f4")
        assert await wait_for(pilot, lambda: screen.melody is not None)  # type: ignore[attr-defined]
        count = len(screen.melody.choices)  # type: ignore[attr-defined]
        await pilot.press("n")
        assert await wait_for(pilot, lambda: started(rec) == count, timeout=30)
        assert await wait_for(pilot, lambda: not screen.transport.playing)  # type: ignore[attr-defined]
        assert started(rec) == count
        assert screen.query_one(MelodyView).options.highlighted == count - 1  # the last one heard
        assert app.workspace.text == SONG


async def test_a_section_sketch_goes_after_its_section(song_file: Path) -> None:
    app = make_app(song_file)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = app.screen
        screen.editor.cursor_location = (VERSE, 0)  # type: ignore[attr-defined]
        await pilot.press("shift+f4")
        assert await wait_for(pilot, lambda: screen.melody is not None)  # type: ignore[attr-defined]
        sketch = screen.melody  # type: ignore[attr-defined]
        assert sketch.label == "Verse 1" and sketch.section == "Verse 1"
        await pilot.press("enter")
        await settle(pilot)
        lines = app.workspace.lines
        assert lines.index("{start_of_abc: Melody: Verse 1}") > lines.index("{end_of_verse}")


async def test_dismiss_leaves_the_song_untouched(song_file: Path) -> None:
    app = make_app(song_file)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = app.screen
        screen.editor.cursor_location = (LINE, 0)  # type: ignore[attr-defined]
        await pilot.press("f4")
        assert await wait_for(pilot, lambda: screen.melody is not None)  # type: ignore[attr-defined]
        await pilot.press("r")
        await settle(pilot)
        assert screen.melody is None  # type: ignore[attr-defined]
        assert app.workspace.text == SONG and set(app.workspace.authors) == {"human"}
        assert screen.editor.has_focus  # type: ignore[attr-defined]


async def test_no_lyric_under_the_cursor_is_a_notification(song_file: Path) -> None:
    app = make_app(song_file)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = app.screen
        screen.editor.cursor_location = (1, 0)  # type: ignore[attr-defined]  # {key: D}
        await pilot.press("f4")
        assert await wait_for(pilot, lambda: any("lyric line" in t for t in toasts(app)))
        assert app.is_running and screen.melody is None  # type: ignore[attr-defined]
        assert app.workspace.text == SONG


def test_melody_sketches_snapshot(snap_compare: Callable[..., bool], song_file: Path) -> None:
    async def sketch(pilot: Pilot[int]) -> None:
        await steady(pilot)
        pilot.app.screen.editor.cursor_location = (LINE, 0)  # type: ignore[attr-defined]
        await pilot.press("f4")
        await wait_for(pilot, lambda: pilot.app.screen.melody is not None)  # type: ignore[attr-defined]
        await steady(pilot)

    assert snap_compare(make_app(song_file), terminal_size=(80, 24), run_before=sketch)


async def test_typing_while_a_sketch_arrives_stays_typing(song_file: Path) -> None:
    app = make_app(song_file)
    ws = app.workspace
    real, gate = ws.sketch_melody, threading.Event()

    def held(*args: object, **kwargs: object) -> object:
        gate.wait(10)
        return real(*args, **kwargs)

    ws.sketch_melody = held  # type: ignore[method-assign]
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = app.screen
        editor = screen.editor  # type: ignore[attr-defined]
        editor.cursor_location = (LINE, len(ws.lines[LINE]))
        await pilot.press("f4", *" oh")
        gate.set()
        assert await wait_for(pilot, lambda: screen.melody is not None)  # type: ignore[attr-defined]
        await pilot.press(*" a pan ran")  # a accept, p play, n play all, r dismiss: all of them words here
        await settle(pilot)
        assert ws.lines[LINE] == "[D]Swing low, sweet [G]chari[D]ot oh a pan ran"
        assert editor.has_focus and screen.melody is not None  # type: ignore[attr-defined]
        assert not any(line.startswith("{start_of_abc") for line in ws.lines)
        assert any("F3" in t for t in toasts(app))
        await pilot.press("f3", "r")  # the writer goes to them when they want
        await settle(pilot)
        assert screen.melody is None  # type: ignore[attr-defined]


async def test_waiting_for_a_sketch_gets_it(song_file: Path) -> None:
    app = make_app(song_file)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = app.screen
        screen.editor.cursor_location = (LINE, 0)  # type: ignore[attr-defined]
        await pilot.press("f4")
        assert await wait_for(pilot, lambda: screen.melody is not None)  # type: ignore[attr-defined]
        assert screen.focused is screen.query_one(MelodyView).options


async def test_sketches_next_to_a_proposal_show_their_tunes(song_file: Path) -> None:
    app = make_app(song_file, VERSE2)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = app.screen
        await pilot.press("f2", *"verse 2", "enter")
        assert await wait_for(pilot, lambda: screen.proposal is not None)  # type: ignore[attr-defined]
        screen.editor.cursor_location = (LINE, 0)  # type: ignore[attr-defined]
        screen.editor.focus()  # type: ignore[attr-defined]
        await pilot.press("f4")
        assert await wait_for(pilot, lambda: screen.melody is not None)  # type: ignore[attr-defined]
        await settle(pilot)
        options = screen.query_one(MelodyView).options
        assert screen.focused is options
        assert options.scrollable_content_region.height >= 4  # two sketches, each with its tune


@pytest.mark.parametrize("width", [20, 27, 32, 44])
def test_a_sketch_row_never_wraps(width: int) -> None:
    from cowriter.service.workspace.melody import MelodyChoice
    from cowriter.tui.widgets.melody import choice_text

    abc = 'X:1\nK:D\n"D"F2 A2 A4 | "G"B2 G2 A4 | "D"F8 | "A7"E8 |\nw: swing low sweet cha-ri-ot'
    parts = (("stress", 0.75), ("leaps", 0.94), ("chord_tones", 0.5), ("range", 1.0))
    text = choice_text(3, MelodyChoice(abc, 91.6, parts, "", 6), width)
    rows = text.plain.split("\n")
    assert rows[0].startswith("4.  91.6") and len(rows) == 2
    assert all(len(row) <= width for row in rows)
