"""What a writer on an 80x24 SSH terminal sees: how much of the song, a status line that keeps its most
important fields, the problem under the cursor with its suggestion, and a key to the next problem."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.pilot import Pilot

from cowriter.service.workspace import Workspace
from cowriter.tui.commands import ACTIONS
from cowriter.tui.screens.main import MainScreen
from cowriter.tui.widgets.status import fit_hint

from .conftest import VERSE2, make_app, settle, wait_for

EXAMPLE = Path(__file__).parents[2] / "examples" / "swing-low.cho"
NEXT_PROBLEM = next(a.key for a in ACTIONS if a.action == "next_problem")


def screen_of(pilot: Pilot[int]) -> MainScreen:
    screen = pilot.app.screen
    assert isinstance(screen, MainScreen)
    return screen


def text_columns(screen: MainScreen) -> int:
    """Columns of song text per row: what the editor wraps at (soft wrap) or shows (no wrap)."""
    editor = screen.editor
    return editor.wrap_width or editor.scrollable_content_region.width - editor.gutter_width


def shown(widget: object, y: int = 0) -> str:
    return widget.render_line(y).text  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("size", "with_chat", "with_proposal"),
    [((80, 24), 44, 36), ((120, 40), 60, 56)],
    ids=["80x24", "120x40"],
)
async def test_the_song_keeps_most_of_the_width(
    song_file: Path, size: tuple[int, int], with_chat: int, with_proposal: int
) -> None:
    app = make_app(song_file, VERSE2)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        screen = screen_of(pilot)
        assert text_columns(screen) >= with_chat
        await pilot.press("f2", *"write verse 2", "enter")
        assert await wait_for(pilot, lambda: screen.proposal is not None)
        await settle(pilot)
        assert text_columns(screen) >= with_proposal
        assert screen.query_one("#side").region.width >= 30  # the proposal stays readable too


async def test_typing_at_the_end_of_a_long_line_wraps_instead_of_scrolling_sideways() -> None:
    app = make_app(EXAMPLE)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        editor = screen_of(pilot).editor
        row = next(i for i in range(editor.document.line_count) if editor.lyrics_at(i) is not None)
        editor.cursor_location = (row, len(editor.document.get_line(row)))
        await pilot.press(*" and on and on and on, all the way home to the river")
        await pilot.pause()
        assert len(editor.document.get_line(row)) > text_columns(screen_of(pilot))
        assert editor.scroll_offset.x == 0
        assert editor.wrapped_document.height > editor.document.line_count


@pytest.mark.parametrize(
    ("text", "keeps"),
    [
        ("{title: X}\n[C]Hello [G]world\n[Am]Good[F]bye\n", False),  # ChordPro: chords inline, wraps
        ("C       G\nHello world\nAm     F\nGoodbye now\n", True),  # chords over lyrics: columns matter
        ("A line\nA Bad Day came along\nAm I blue\n", False),  # words that start like chords: lyrics
        ("G\nAm I blue, am I blue\n", True),  # one chord over its words: the parser reads it so
        ("", False),
    ],
)
def test_only_chords_over_lyrics_keep_their_lines_whole(text: str, keeps: bool) -> None:
    """The parser's own rule decides (one rule: what reads as chords over lyrics keeps its columns)."""
    assert Workspace(text=text).check().columns is keeps


async def test_a_page_pasted_into_the_editor_stops_wrapping(tmp_path: Path) -> None:
    """Whether the sheet wraps follows the text: a chords-over-lyrics page pasted into a ChordPro song's
    place keeps its chords over their syllables, ChordPro typed back wraps again."""
    app = make_app(None, text="{title: X}\n[C]Hello [G]world\n")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        editor = screen_of(pilot).editor
        assert editor.soft_wrap
        page = "G                C           G\nLast bus home and the rain on the glass, every stop a name\n"
        editor.replace(page, (0, 0), editor.document.end)
        assert await wait_for(pilot, lambda: not editor.soft_wrap)
        editor.replace("{title: X}\n[C]Hello [G]world\n", (0, 0), editor.document.end)
        assert await wait_for(pilot, lambda: editor.soft_wrap)


async def test_the_status_line_keeps_saved_and_problems_at_80_columns(tmp_path: Path) -> None:
    path = tmp_path / "bad.cho"
    path.write_text("{title: Bad}\n[C]Hello [G\n", encoding="utf-8")
    app = make_app(path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = screen_of(pilot)
        status = screen.status
        status.model = "SmolLM2-135M-Instruct-Q4_1-a-very-long-model-name"
        status.route = "WAV to /home/writer/songs/renders/a-long-folder-name/swing-low.wav"
        status.saved = "modified"
        await pilot.pause()
        line = shown(status)
        assert status.region.height == 1
        assert line.lstrip().startswith("modified")
        assert "1 problem" in line
        assert line.rstrip().endswith("…")  # the route is what gets cut


async def test_the_transport_stays_on_one_line_at_80_columns(song_file: Path) -> None:
    app = make_app(song_file)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        transport = screen_of(pilot).transport
        transport.file = "/srv/songs/renders/swing-low-take-12-with-the-band-in-the-back-room.wav"
        transport.style = "ballad"
        await pilot.pause()
        line = shown(transport)
        assert transport.region.height == 1
        assert line.lstrip().startswith("[] written")  # the state first, whole
        assert "style ballad" in line  # the file's name (last) is what gets cut
        assert line.rstrip().endswith("…")  # the rest cut on this line, not wrapped onto a hidden one


async def test_the_hint_keeps_the_state_and_the_suggestion(tmp_path: Path) -> None:
    path = tmp_path / "bad.cho"
    path.write_text("{title: Bad}\n[Cmaj8]Hello there my old friend [G\n", encoding="utf-8")
    app = make_app(path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = screen_of(pilot)
        screen.editor.cursor_location = (1, 0)
        screen.status.model_state = "thinking"
        await pilot.pause()
        hint = screen.status.hint
        assert hint.startswith("line 2: unclosed chord")  # the error before the warning at column 1
        assert "(+1 more)" in hint
        line = shown(screen.status)
        assert line.lstrip().startswith("saved")
        assert "thinking" in line and "1 problem" in line and "line 2:" in line


CHORD_HINT = "unknown chord `Cmaj8`: unexpected '8'; expected an alteration, add9, no3 or sus4"


@pytest.mark.parametrize(
    ("message", "suggestion", "width"),
    [
        ("a long message about a chord", "", 10),
        (CHORD_HINT, " (did you mean Cmaj, Cmaj9, Cmaj7?)", 50),
        (CHORD_HINT, " (did you mean Cmaj, Cmaj9, Cmaj7?)", 80),
        ("unknown chord `Hx`: German H is not read", "; did you mean H7?", 30),
        ("unknown chord `Hx`", "; did you mean H7?", 20),  # too narrow for the suggestion: plain cut
        ("short", "", 20),
    ],
)
def test_a_long_hint_loses_its_middle_not_its_suggestion(message: str, suggestion: str, width: int) -> None:
    whole = message + suggestion
    fitted = fit_hint(whole, width)
    assert len(fitted) <= width
    if len(whole) <= width:
        assert fitted == whole
        return
    assert "…" in fitted
    assert fitted.startswith(message[:6])
    if suggestion and width - len(suggestion) > 8:
        assert fitted.endswith(suggestion)


async def test_a_key_goes_to_the_next_problem_and_round(tmp_path: Path) -> None:
    path = tmp_path / "bad.cho"
    path.write_text("{title: Bad}\n[C]Fine line\n[C]Hello [G\n\n[Hx]Hi there\n", encoding="utf-8")
    app = make_app(path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = screen_of(pilot)
        editor = screen.editor
        problems = editor.problem_lines()
        assert problems == [2, 4]
        seen = []
        for _ in range(3):
            await pilot.press(NEXT_PROBLEM)
            await pilot.pause()
            seen.append(editor.cursor_location[0])
            assert screen.status.hint.startswith(f"line {seen[-1] + 1}: ")
        assert seen == [2, 4, 2]


async def test_no_problem_says_so(song_file: Path) -> None:
    app = make_app(song_file)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        before = screen_of(pilot).editor.cursor_location
        await pilot.press(NEXT_PROBLEM)
        await pilot.pause()
        assert screen_of(pilot).editor.cursor_location == before
        assert any("No problems" in str(n.message) for n in app._notifications)


async def test_esc_in_the_chat_goes_back_to_the_song(song_file: Path) -> None:
    app = make_app(song_file)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = screen_of(pilot)
        await pilot.press("f2", *"half a question")
        assert screen.chat.input.has_focus
        await pilot.press("escape")
        await pilot.pause()
        assert screen.editor.has_focus
        assert screen.chat.input.value == "half a question"  # kept for later


async def test_esc_in_the_chat_while_a_reply_streams_stops_it_and_stays(song_file: Path) -> None:
    app = make_app(song_file, VERSE2 * 40, delay=0.01)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = screen_of(pilot)
        await pilot.press("f2", *"write verse 2", "enter")
        assert await wait_for(pilot, lambda: screen.status.model_state == "thinking")
        await pilot.press("escape")
        assert await wait_for(pilot, lambda: screen.status.model_state == "idle")
        assert screen.proposal is None
        assert screen.chat.input.has_focus


def test_keys_stay_clear_of_multiplexers_and_each_other() -> None:
    keys = [k for a in ACTIONS for k in a.key.split(",") if k]
    assert len(keys) == len(set(keys))
    assert not {"ctrl+b", "ctrl+a"} & set(keys)  # tmux and screen prefixes
    assert [a.action for a in ACTIONS if "ctrl+l" in a.key.split(",")] == ["app.redraw"]  # as in terminals


async def test_the_footer_keeps_its_order_whatever_has_the_focus(song_file: Path) -> None:
    app = make_app(song_file)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = screen_of(pilot)

        def footer() -> list[str]:
            return [b.key for _, b, _, _ in screen.active_bindings.values() if b.show]

        in_editor = footer()
        screen.chat.input.focus()
        await pilot.pause()
        assert footer() == in_editor
