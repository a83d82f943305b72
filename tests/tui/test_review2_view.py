"""What the second review saw at 80x24: without colour the cursor and the selection still show (editor and
chat field), the transport keeps its fields after a WAV is written, the song's start/end keys and Home/End
in a wrapped line, the tempo's wording, and notices that leave the chat field in sight."""

from __future__ import annotations

from pathlib import Path

from rich.segment import Segment
from textual.strip import Strip
from textual.widgets import Input

from cowriter.tui.widgets.sheet_editor import SheetEditor

from .conftest import make_app, settle, wait_for

EXAMPLES = Path(__file__).parents[2] / "examples"


def cell(strip: Strip, x: int) -> Segment:
    """The segment drawing column `x` of a rendered line."""
    at = 0
    for segment in strip:
        if at <= x < at + segment.cell_length:
            return segment
        at += segment.cell_length
    raise IndexError(x)


def reversed_columns(strip: Strip) -> set[int]:
    cols, at = set(), 0
    for segment in strip:
        if segment.style is not None and segment.style.reverse:
            cols.update(range(at, at + segment.cell_length))
        at += segment.cell_length
    return cols


async def test_without_colour_the_editor_cursor_and_selection_are_reversed() -> None:
    app = make_app(EXAMPLES / "oh-susanna.cho")  # NO_COLOR=1 (conftest)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        editor = app.screen.query_one(SheetEditor)
        editor.cursor_blink = False
        editor.focus()
        await pilot.press("ctrl+home", "down", "down", "right", "right")
        await pilot.pause()
        row, column = editor.cursor_location
        x = editor.gutter_width + column
        line = editor.render_line(row)
        assert reversed_columns(line) == {x}  # the cursor, and nothing else on its line
        await pilot.press("shift+right", "shift+right", "shift+right")
        await pilot.pause()
        assert reversed_columns(editor.render_line(row)) == set(range(x, x + 4))  # 3 selected, the cursor


async def test_without_colour_the_chat_cursor_and_selection_are_reversed() -> None:
    app = make_app(EXAMPLES / "oh-susanna.cho")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("f2", *"hello")
        field = app.screen.query_one("#chat-input", Input)
        field.cursor_blink = False
        await pilot.pause()
        assert field.has_focus
        assert reversed_columns(field.render_line(0)) == {5}  # after "hello"
        await pilot.press("shift+left", "shift+left")
        await pilot.pause()
        assert reversed_columns(field.render_line(0)) == {3, 4}  # "lo" selected (the cursor on its "l")


def transport_line(app: object) -> str:
    transport = app.screen.transport  # type: ignore[attr-defined]
    return str(transport.render_line(0).text)


LONG = "/home/someone/.local/share/cowriter/sessions/a-rather-long-session-name/renders/oh-susanna.wav"


async def test_at_80_columns_a_written_wav_keeps_state_key_style_and_tempo_in_sight() -> None:
    app = make_app(EXAMPLES / "oh-susanna.cho")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        transport = app.screen.transport  # type: ignore[attr-defined]
        before = transport_line(app)
        transport.file = LONG
        await pilot.pause()
        line = transport_line(app)
        for field in ("written", "loop -", "bpm 120", "key C", "style song"):
            assert field in line, (field, line)
        assert "oh-susanna.wav" in line and "/home" not in line  # its name: the notice says where
        assert line.index("oh-susanna.wav") > line.index("style song")  # last: cut first if too long
        transport.file = "/tmp/" + "x" * 90 + ".wav"
        await pilot.pause()
        line = transport_line(app)
        assert "style song" in line and "…" in line  # a name too long for the line is cut, nothing else
        transport.file = ""
        await pilot.pause()
        assert transport_line(app) == before


async def test_a_song_without_a_tempo_shows_the_tempo_it_plays_at(tmp_path: Path) -> None:
    from cowriter.core.timeline import Timeline

    song = tmp_path / "no-tempo.cho"
    song.write_text("{title: T}\n{key: G}\n[G]Hello [D]there\n", encoding="utf-8")
    default = Timeline(spans=(), bars=0, beats=0.0).tempos[0].bpm
    app = make_app(song)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        line = transport_line(app)
        assert f"bpm {default:g}" in line and "song" not in line.split("bpm")[1].split("key")[0]
        await pilot.press("alt+up")  # Faster
        await pilot.pause()
        assert f"bpm {default + 5:g}" in transport_line(app)


LONG_LINE = "[C]I come from Alabama with my [G7]banjo on my [C]knee, I'm going to Louisiana"
WRAPPING = f"{{title: Wrap}}\n{{start_of_verse}}\n{LONG_LINE}\nshort line\n{{end_of_verse}}\n"


async def test_ctrl_home_and_ctrl_end_go_to_the_song_start_and_end(tmp_path: Path) -> None:
    song = tmp_path / "wrap.cho"
    song.write_text(WRAPPING, encoding="utf-8")
    app = make_app(song)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        editor = app.screen.query_one(SheetEditor)
        editor.focus()
        await pilot.press("down", "down", "right")
        await pilot.press("ctrl+end")
        assert editor.cursor_location == editor.document.end
        await pilot.press("ctrl+home")
        assert editor.cursor_location == (0, 0)
        await pilot.press("ctrl+shift+end")
        assert editor.selected_text == editor.text
        await pilot.press("ctrl+end", "ctrl+shift+home")
        assert editor.selected_text == editor.text


async def test_home_and_end_in_a_wrapped_line_go_to_its_ends_and_enter_keeps_it_whole(tmp_path: Path) -> None:
    song = tmp_path / "wrap.cho"
    song.write_text(WRAPPING, encoding="utf-8")
    app = make_app(song)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        editor = app.screen.query_one(SheetEditor)
        editor.focus()
        await pilot.press("ctrl+home", "down", "down")
        assert editor.wrapped_document.get_offsets(2), "the line must wrap at 80 columns for this test"
        await pilot.press("end")
        assert editor.cursor_location == (2, len(LONG_LINE))
        await pilot.press("home")  # from the second row: the start of the line, not of the row
        assert editor.cursor_location == (2, 0)
        await pilot.press("end", "enter", *"new")
        assert editor.document.get_line(2) == LONG_LINE
        assert editor.document.get_line(3) == "new"
        await pilot.press("up", "home", "shift+end")
        assert editor.selected_text == LONG_LINE


async def test_notices_leave_the_chat_field_and_the_song_in_sight() -> None:
    from textual.widgets._toast import Toast

    app = make_app(EXAMPLES / "swing-low.cho")
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("f2", *"a verse about trains")
        app.notify(f"Sound written: {LONG}. Play it with any player.", title="Sound written", timeout=30)
        app.notify("Looping Chorus (F5 plays).", timeout=30)
        assert await wait_for(pilot, lambda: len(app.screen.query(Toast)) == 2)
        await pilot.pause()
        field = app.screen.query_one("#chat-input", Input)
        editor = app.screen.query_one(SheetEditor)
        body = app.screen.query_one("#body").region  # the song and the side panel
        for toast in app.screen.query(Toast):
            shown = toast.region.intersection(app.screen.query_one("ToastRack").region)
            assert not shown.overlaps(field.region), shown  # typing stays visible
            assert not shown.overlaps(editor.region) and not shown.overlaps(body), shown  # below them
        assert field.has_focus and field.value == "a verse about trains"
