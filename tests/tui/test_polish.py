"""Small promises of the screen: the reply in flight is stopped through a public method, the help texts say
what the keys do, exports say what they wrote, the status counts warnings too, the count-in shows as such,
a terminal the editor cannot use is named, and ctrl+l redraws."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import Input

from cowriter.service.workspace import Workspace
from cowriter.tui import messages as m
from cowriter.tui.app import CowriterApp
from cowriter.tui.commands import ACTIONS
from cowriter.tui.run import terminal_problem
from cowriter.tui.screens.export import ExportScreen
from cowriter.tui.screens.main import MainScreen

from .conftest import VERSE2, Recorder, make_app, settle, wait_for


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


@pytest.mark.parametrize(
    ("action", "says"),
    [
        ("app.quit", ("saving", "session")),  # a song with nowhere to go is offered a session (QuitScreen)
        ("focus_proposal", ("proposal", "melody", "again")),  # F3 reaches either panel, again the other
        ("cancel", ("reply", "playback", "alternatives", "sketches", "song")),  # Esc closes those two
        ("next_problem", ("error", "warning")),  # ctrl+n visits warnings too
    ],
)
def test_help_texts_say_what_the_keys_do(action: str, says: tuple[str, ...]) -> None:
    text = next(a.help for a in ACTIONS if a.action == action)
    assert all(word in text.lower() for word in says), text
    assert len(text) <= 76  # one line of the help screen at 80 columns, more or less: short


async def test_f3_goes_to_the_melody_sketches_as_its_help_says(song_file: Path) -> None:
    app = make_app(song_file)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.screen.editor.cursor_location = (5, 0)  # type: ignore[attr-defined]  # a lyric line
        await pilot.press("f4")
        assert await wait_for(pilot, lambda: app.screen.melody is not None)  # type: ignore[attr-defined]
        app.screen.editor.focus()  # type: ignore[attr-defined]  # back in the song (Esc would close them)
        await pilot.pause()
        await pilot.press("f3")
        await pilot.pause()
        assert app.focused is app.screen.melody_view.options  # type: ignore[attr-defined]


def toasts(app: object) -> list[str]:
    return [str(n.message) for n in app._notifications]  # type: ignore[attr-defined]


async def export_to(pilot: object, app: object, target: Path) -> None:
    await pilot.press("ctrl+o")  # type: ignore[attr-defined]
    await pilot.pause()  # type: ignore[attr-defined]
    assert isinstance(app.screen, ExportScreen)  # type: ignore[attr-defined]
    app.screen.query_one("#export-path", Input).value = str(target)  # type: ignore[attr-defined]
    await pilot.pause()  # type: ignore[attr-defined]
    await pilot.press("enter")  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("name", "what", "long"),
    [
        ("out.mid", "the arranged MIDI", True),
        ("out.cho", "ChordPro text", False),
        ("out.txt", "the song text", False),
    ],
)
async def test_an_export_says_what_it_wrote_and_where(
    song_file: Path, tmp_path: Path, name: str, what: str, long: bool
) -> None:
    app = make_app(song_file)
    target = tmp_path / name
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await export_to(pilot, app, target)
        await pilot.pause()
        if long:  # arranging takes a while: said at once, and in the status line meanwhile
            assert f"Exporting {what}…" in toasts(app)
        await settle(pilot)
        assert f"Exported {what} to {target}." in toasts(app)
        assert not any(t.startswith("Saved to") for t in toasts(app))
        assert app.screen.status.saved == "saved"  # type: ignore[attr-defined]
    assert target.is_file()


async def test_an_export_that_fails_says_so_and_the_status_recovers(tmp_path: Path) -> None:
    app = make_app(None, text="{title: Words only}\nno chords here\n")
    target = tmp_path / "out.mid"
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await export_to(pilot, app, target)
        await settle(pilot)
        errors = [str(n.message) for n in app._notifications if n.severity == "error"]
        assert errors and "cannot export" in errors[0]
        assert not any(t.startswith("Exported") for t in toasts(app))
        assert app.screen.status.saved.startswith("not saved")  # type: ignore[attr-defined]
    assert not target.exists()


def shown(widget: object) -> str:
    return widget.render_line(0).text  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("text", "says", "not_said"),
    [
        ("{title: W}\n[Cmaj8]Hello there\n", "1 warning ^n", "problem"),  # ctrl+n has somewhere to go
        ("{title: B}\n[Cmaj8]Hello there [G\n", "1 problem, 1 warning ^n", ""),
        ("{title: B}\n[C]Hello [G\n[D]Bye [A\n", "2 problems ^n", "warning"),
        ("{title: Fine}\n[C]Hello there\n", "", "problem"),
    ],
)
async def test_the_status_counts_warnings_too_on_one_line_at_80_columns(
    tmp_path: Path, text: str, says: str, not_said: str
) -> None:
    path = tmp_path / "song.cho"
    path.write_text(text, encoding="utf-8")
    app = make_app(path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, MainScreen)
        status = screen.status
        status.model = "SmolLM2-135M-Instruct.Q4_1.gguf"
        status.route = "WAV to /home/writer/songs/renders/a-long-folder-name/swing-low.wav"
        for row in (0, 1):  # without, then with the cursor line's problem in the status
            screen.editor.cursor_location = (row, 0)
            await pilot.pause()
            line = shown(status)
            assert status.region.height == 1
            assert line.lstrip().startswith("saved")
            assert says in line
            if not_said:
                assert not_said not in line.split("!")[0]  # the count, not the cursor line's message
            if not says:
                assert "^n" not in line


async def test_a_model_that_is_not_there_says_so_in_the_status(song_file: Path, tmp_path: Path) -> None:
    ws = Workspace.open(song_file, model=str(tmp_path / "nope.gguf"), audio="none")
    app = CowriterApp(ws)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        status = app.screen.status  # type: ignore[attr-defined]
        assert "nope.gguf (missing)" in shown(status)
        await pilot.press("f2", *"hello", "enter")  # asking fails with a notice; the status still says why
        assert await wait_for(pilot, lambda: any("not found" in t for t in toasts(app)))
        await settle(pilot)
        assert "nope.gguf (missing)" in shown(status)
        assert ws.backend is None


async def test_the_status_names_the_model_as_its_lines_are_credited(song_file: Path) -> None:
    app = make_app(song_file, VERSE2)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        status = app.screen.status  # type: ignore[attr-defined]
        assert status.model == app.workspace.model_name and status.model_problem == ""
        await pilot.press("f2", *"verse 2", "enter")
        assert await wait_for(pilot, lambda: app.screen.proposal is not None)  # type: ignore[attr-defined]
        assert f"model:{status.model}" == f"model:{app.screen.proposal.model}"  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("playing", "bar", "beat", "head"),
    [
        (True, 0, 2.5, "count-in 2"),  # the bar counted in before the song: bar 0 on the song's clock
        (True, 0, 0.0, "bar -"),  # started, no play head yet
        (True, 3, 1.25, "bar 3.1"),
        (False, 0, 2.5, "bar -"),
    ],
)
async def test_the_transport_shows_the_count_in_as_such(
    song_file: Path, playing: bool, bar: int, beat: float, head: str
) -> None:
    app = make_app(song_file)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        transport = app.screen.transport  # type: ignore[attr-defined]
        transport.playing = playing
        transport.bar, transport.beat = bar, beat
        await pilot.pause()
        assert shown(transport).split("  ")[1] == head


async def test_playing_counts_in_then_moves_through_the_bars(song_file: Path) -> None:
    app = make_app(song_file)  # 100 bpm: a 4-beat count-in lasts 2.4 s
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        transport = app.screen.transport  # type: ignore[attr-defined]
        await pilot.press("f5")
        assert await wait_for(pilot, lambda: "count-in" in shown(transport))
        assert "bar -" not in shown(transport)
        assert await wait_for(pilot, lambda: "bar 1." in shown(transport))
        await pilot.press("f5")
        await settle(pilot)


class Stream:
    def __init__(self, tty: bool) -> None:
        self.tty = tty

    def isatty(self) -> bool:
        return self.tty


@pytest.mark.parametrize(
    ("stdin", "stdout", "term", "problem"),
    [
        (True, True, "xterm", ""),
        (False, True, "xterm", "stdin is not a terminal"),
        (True, False, "xterm", "stdout is not a terminal"),
        (False, False, "xterm", "stdin and stdout are not terminals"),
        (True, True, "dumb", "TERM=dumb"),
    ],
)
def test_terminal_problem_names_the_stream(stdin: bool, stdout: bool, term: str, problem: str) -> None:
    found = terminal_problem({"TERM": term}, stdin=Stream(stdin), stdout=Stream(stdout))  # type: ignore[arg-type]
    assert found == problem


async def test_ctrl_l_draws_the_whole_screen_again(song_file: Path) -> None:
    from textual._compositor import LayoutUpdate

    app = make_app(song_file)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        drawn: list[object] = []
        display = app._display

        def watched(screen: object, update: object) -> None:
            drawn.append(update)
            display(screen, update)  # type: ignore[arg-type]

        app._display = watched  # type: ignore[method-assign]
        await pilot.press("down")  # an ordinary change: only what changed is drawn
        await pilot.pause()
        assert drawn and not any(isinstance(u, LayoutUpdate) for u in drawn)
        drawn.clear()
        await pilot.press("ctrl+l")
        await pilot.pause()
        full = [u for u in drawn if isinstance(u, LayoutUpdate)]
        assert full and full[-1].region.size == app.size  # every cell, as after a resize
        assert app.screen.editor.cursor_location == (1, 0)  # type: ignore[attr-defined]  # nothing else
        assert "Redraw" not in [b.binding.description for b in app.active_bindings.values() if b.binding.show]
