"""The editor driven by Pilot with a scripted model and no sound: what a writer does, end to end."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from textual.geometry import Region
from textual.pilot import Pilot
from textual.widget import Widget

from cowriter.errors import CowriterError
from cowriter.lyrics import syllables
from cowriter.service.workspace import ports as workspace_ports
from cowriter.tui import messages as m
from cowriter.tui.commands import ACTIONS
from cowriter.tui.screens.help import HelpScreen
from cowriter.tui.screens.main import OSC52_LIMIT, MainScreen
from cowriter.tui.widgets.chat import ChatView

from .conftest import SONG, VERSE2, Recorder, make_app, settle, wait_for

COPY_KEY = next(a.key for a in ACTIONS if a.action == "copy_song")
ALTERNATIVES_KEY = next(a.key for a in ACTIONS if a.action == "alternatives")


def toasts(app: object) -> list[str]:
    """The notifications shown (Textual keeps them on the app while they are on screen)."""
    return [str(n.message) for n in app._notifications]  # type: ignore[attr-defined]


async def test_typing_a_line_updates_its_syllable_count(song_file: Path) -> None:
    app = make_app(song_file)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, MainScreen)
        editor = screen.editor
        row = 6  # "Coming for to carry me [A7]home"
        before = editor.lyrics_at(row)
        assert before is not None and before.syllables == syllables("Coming for to carry me home")
        editor.cursor_location = (row, len(editor.document.get_line(row)))
        await pilot.press(*" and rest")
        await settle(pilot)
        after = editor.lyrics_at(row)
        assert after is not None
        assert after.syllables == syllables("Coming for to carry me home and rest") > before.syllables
        assert app.workspace.lines[row].endswith("home and rest")
        assert app.workspace.authors[row] == "human"


async def test_a_parse_error_is_marked_at_its_line(song_file: Path) -> None:
    app = make_app(song_file)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        editor = app.screen.editor  # type: ignore[attr-defined]
        editor.cursor_location = (editor.document.line_count - 1, 0)
        await pilot.press(*"{end_of_chorus}")
        await settle(pilot)
        line = editor.document.line_count - 1
        assert editor.diagnostics_at(line), "the stray end_of_chorus is marked on its own line"
        assert app.screen.status.problems + len(editor.diagnostics_at(line)) > 0  # type: ignore[attr-defined]


async def test_ask_streams_then_accept_credits_the_model(song_file: Path) -> None:
    app = make_app(song_file, VERSE2, delay=0.002)
    rec = Recorder()
    async with app.run_test(size=(120, 40), message_hook=rec) as pilot:
        await settle(pilot)
        await pilot.press("f2", *"write verse 2", "enter")
        screen = app.screen
        assert await wait_for(pilot, lambda: screen.proposal is not None)  # type: ignore[attr-defined]
        streamed = rec.of(m.TokenStreamed)
        assert streamed, "tokens were streamed to the chat"
        assert streamed[-1].text.strip() == VERSE2.strip()  # type: ignore[attr-defined]
        assert screen.proposal_view.has_class("-open")  # type: ignore[attr-defined]
        assert app.workspace.text == SONG  # nothing changes before the writer says so
        await pilot.press("A")
        await settle(pilot)
        ws = app.workspace
        new_line = "[D]A band of angels [G]coming after [D]me"
        assert new_line in ws.lines
        assert ws.authors[ws.lines.index(new_line)] == "model:scripted"
        assert screen.editor.text == ws.text  # type: ignore[attr-defined]
        assert screen.proposal is None  # type: ignore[attr-defined]


async def test_accept_one_line_then_reject_the_rest(song_file: Path) -> None:
    app = make_app(song_file, VERSE2)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("f2", *"verse 2", "enter")
        screen = app.screen
        assert await wait_for(pilot, lambda: screen.proposal is not None)  # type: ignore[attr-defined]
        total = len(screen.proposal.changes)  # type: ignore[attr-defined]
        await pilot.press("a")
        await settle(pilot)
        # the line, and its new verse's frame: start, end, the blank line before it (test_proposal_sections)
        assert len(screen.proposal.changes) == total - 4  # type: ignore[attr-defined]
        changed = app.workspace.text
        assert changed != SONG
        await pilot.press("R")
        await settle(pilot)
        assert screen.proposal is None  # type: ignore[attr-defined]
        assert app.workspace.text == changed


async def test_reject_leaves_the_song_untouched(song_file: Path) -> None:
    app = make_app(song_file, VERSE2)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("f2", *"verse 2", "enter")
        assert await wait_for(pilot, lambda: app.screen.proposal is not None)  # type: ignore[attr-defined]
        await pilot.press("R")
        await settle(pilot)
        assert app.workspace.text == SONG
        assert app.screen.editor.text == SONG  # type: ignore[attr-defined]
        assert set(app.workspace.authors) == {"human"}
    assert song_file.read_text() == SONG


async def test_escape_cancels_a_streaming_reply(song_file: Path) -> None:
    app = make_app(song_file, " ".join(["la"] * 400), delay=0.01)
    rec = Recorder()
    async with app.run_test(size=(80, 24), message_hook=rec) as pilot:
        await settle(pilot)
        await pilot.press("f2", *"sing", "enter")
        assert await wait_for(pilot, lambda: bool(rec.of(m.TokenStreamed)))
        await pilot.press("escape")
        assert await wait_for(pilot, lambda: bool(rec.of(m.ModelFailed)))
        failed = rec.of(m.ModelFailed)[0]
        assert failed.cancelled  # type: ignore[attr-defined]
        assert app.screen.proposal is None  # type: ignore[attr-defined]
        assert app.workspace.text == SONG


async def test_streaming_redraws_are_bounded(song_file: Path) -> None:
    reply = " ".join(f"word{i}" for i in range(600))
    app = make_app(song_file, reply)
    rec = Recorder()
    async with app.run_test(size=(80, 24), message_hook=rec) as pilot:
        await settle(pilot)
        await pilot.press("f2", *"go", "enter")
        assert await wait_for(pilot, lambda: bool(rec.of(m.ProposalReady) or rec.of(m.ModelFailed)))
        chat = app.screen.query_one(ChatView)
        assert chat.repaints < 100 < 600  # far fewer repaints than tokens


async def test_play_moves_the_play_head(song_file: Path) -> None:
    app = make_app(song_file)
    app.workspace.settings.bpm = 600.0
    rec = Recorder()
    async with app.run_test(size=(80, 24), message_hook=rec) as pilot:
        await settle(pilot)
        await pilot.press("f5")
        assert await wait_for(pilot, lambda: len({(p.position.bar, p.position.line)  # type: ignore[attr-defined]
                                                  for p in rec.of(m.PlayheadMoved)}) >= 2)
        bars = [p.position.bar for p in rec.of(m.PlayheadMoved)]  # type: ignore[attr-defined]
        assert max(bars) > min(bars)
        screen = app.screen
        assert screen.transport.bar >= 1  # type: ignore[attr-defined]
        await pilot.press("f5")
        await settle(pilot)
        assert not screen.transport.playing  # type: ignore[attr-defined]
        assert screen.editor.play_line is None  # type: ignore[attr-defined]


async def test_missing_model_is_a_notification(song_file: Path, tmp_path: Path) -> None:
    from cowriter.service.workspace import Workspace
    from cowriter.tui.app import CowriterApp

    ws = Workspace.open(song_file, model=str(tmp_path / "missing.gguf"), audio="none")
    app = CowriterApp(ws)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("f2", *"hello", "enter")
        assert await wait_for(pilot, lambda: any("not found" in t for t in toasts(app)))
        assert app.is_running and app.workspace.text == SONG


async def test_no_audio_is_a_notification(song_file: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def no_device(*args: object, **kwargs: object) -> None:
        raise CowriterError("no audio device", hint="try --audio wav")

    monkeypatch.setattr(workspace_ports, "start_player", no_device)
    app = make_app(song_file)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("f5")
        assert await wait_for(pilot, lambda: any("no audio device" in t for t in toasts(app)))
        assert app.is_running and not app.screen.transport.playing  # type: ignore[attr-defined]


async def test_help_screen_lists_every_key(song_file: Path) -> None:
    app = make_app(song_file)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)


def test_every_palette_action_exists() -> None:
    for action in ACTIONS:
        name = action.action.split("(")[0]
        owner = "app" if name.startswith("app.") else "screen"
        method = f"action_{name.removeprefix('app.')}"
        target = type(make_app(None)) if owner == "app" else MainScreen
        assert hasattr(target, method), f"{action.title}: {method} missing on {owner}"


async def test_copy_uses_osc52_with_a_size_guard(song_file: Path) -> None:
    app = make_app(song_file)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press(COPY_KEY)
        await pilot.pause()
        assert app.clipboard == SONG
    big = "[C]la la la\n" * (OSC52_LIMIT // 8)
    app = make_app(None, text=big)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press(COPY_KEY)
        await pilot.pause()
        assert app.clipboard != big
        assert any("Too large" in t for t in toasts(app))


async def test_export_writes_the_song(song_file: Path, tmp_path: Path) -> None:
    app = make_app(song_file)
    target = tmp_path / "out.cho"
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+o")
        await pilot.pause()
        field = app.screen.query_one("#export-path")
        field.value = str(target)  # type: ignore[attr-defined]
        await pilot.press("enter")
        await settle(pilot)
    assert target.read_text() == SONG


async def test_transpose_key_up(song_file: Path) -> None:
    app = make_app(song_file)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("f8")
        await settle(pilot)
        assert "{key: Eb}" in app.workspace.lines
        assert app.screen.editor.text == app.workspace.text  # type: ignore[attr-defined]
        assert app.screen.transport.transpose == 1  # type: ignore[attr-defined]


async def test_edits_are_saved_after_a_pause(song_file: Path) -> None:
    app = make_app(song_file)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
        app.screen.editor.cursor_location = (0, 0)  # type: ignore[attr-defined]
        await pilot.press(*"# draft", "enter")
        assert await wait_for(pilot, lambda: song_file.read_text().startswith("# draft"), timeout=10)


async def test_a_session_keeps_credits_chat_and_cursor(song_file: Path, tmp_path: Path) -> None:
    from cowriter.session import SessionStore

    sessions = tmp_path / "sessions"
    app = make_app(song_file, VERSE2, session="demo", sessions_dir=sessions)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("f2", *"write verse 2", "enter")
        assert await wait_for(pilot, lambda: app.screen.proposal is not None)  # type: ignore[attr-defined]
        await pilot.press("A")
        await settle(pilot)
        app.screen.editor.cursor_location = (5, 3)  # type: ignore[attr-defined]
        await pilot.press("ctrl+q")
    session = SessionStore(sessions).open("demo", readonly=True)
    try:
        credits = session.credits()
        by_line = dict(zip(credits.lines, (c.author for c in credits.credits), strict=True))
        assert by_line["[D]A band of angels [G]coming after [D]me"] == "model:scripted"
        assert by_line["[D]Swing low, sweet [G]chari[D]ot"] == "human"
    finally:
        session.close()
    again = make_app(None, session="demo", sessions_dir=sessions)
    async with again.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert "[D]A band of angels [G]coming after [D]me" in again.workspace.lines
        assert again.screen.editor.cursor_location == (5, 3)  # type: ignore[attr-defined]
        assert [m.role for m in again.workspace.history] == ["user", "assistant"]


async def test_alternatives_show_their_fit_and_one_is_chosen(song_file: Path) -> None:
    reply = (
        "[D]Swing down, sweet [G]chari[D]ot\n"
        "[D]Swing low, my [G]sweet old [D]chariot\n"
        "[D]Ride on, sweet [G]chari[D]ot\n"
    )
    app = make_app(song_file, reply)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        screen = app.screen
        screen.editor.cursor_location = (5, 0)  # type: ignore[attr-defined]
        await pilot.press(ALTERNATIVES_KEY)
        assert await wait_for(pilot, lambda: screen.proposal is not None)  # type: ignore[attr-defined]
        alternatives = screen.proposal.alternatives  # type: ignore[attr-defined]
        assert sorted(a.text for a in alternatives) == sorted(reply.splitlines()), "ranked, best first"
        target = syllables("Swing low, sweet chariot")
        assert all(a.target == target and a.fit == a.syllables - target for a in alternatives)
        assert app.workspace.text == SONG
        await pilot.press("down", "enter")
        await settle(pilot)
        assert app.workspace.lines[5] == alternatives[1].text
        assert app.workspace.authors[5] == "model:scripted"


async def test_tempo_keys_change_the_tempo(song_file: Path) -> None:
    app = make_app(song_file)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("alt+up", "alt+up")
        await pilot.pause()
        assert app.workspace.settings.bpm == 110  # the song says 100
        assert app.screen.transport.bpm == 110  # type: ignore[attr-defined]


async def test_the_problem_on_the_cursor_line_is_spelled_out(tmp_path: Path) -> None:
    path = tmp_path / "bad.cho"
    path.write_text("{title: Bad}\n[C]Hello [G\n", encoding="utf-8")
    app = make_app(path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = app.screen
        screen.editor.cursor_location = (1, 0)  # type: ignore[attr-defined]
        await pilot.pause()
        message = app.workspace.check().diagnostics[0].message
        assert screen.status.hint == f"line 2: {message}"  # type: ignore[attr-defined]
        screen.editor.cursor_location = (0, 0)  # type: ignore[attr-defined]
        await pilot.pause()
        assert screen.status.hint == ""  # type: ignore[attr-defined]


# -- the writer keeps the keyboard; proposals say where they go and can be heard there ---------------------


def gated(app: object, name: str) -> threading.Event:
    """Hold the workspace's `name` (propose, alternatives, sketch_melody) until the test opens the gate."""
    ws = app.workspace  # type: ignore[attr-defined]
    real = getattr(ws, name)
    gate = threading.Event()

    def held(*args: object, **kwargs: object) -> object:
        gate.wait(10)
        return real(*args, **kwargs)

    setattr(ws, name, held)
    return gate


async def test_typing_in_the_song_while_a_proposal_arrives_stays_typing(song_file: Path) -> None:
    app = make_app(song_file, VERSE2)
    gate = gated(app, "propose")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("f2", *"verse 2", "enter")
        screen = app.screen
        editor = screen.editor  # type: ignore[attr-defined]
        editor.focus()
        editor.cursor_location = (0, 0)
        await pilot.press(*"# ")
        gate.set()
        assert await wait_for(pilot, lambda: screen.proposal is not None)  # type: ignore[attr-defined]
        total = len(screen.proposal.changes)  # type: ignore[attr-defined]
        await pilot.press(*"As a rapid river")  # A accept all, s section, a line, r reject, p play…
        await settle(pilot)
        assert app.workspace.lines[0] == "# As a rapid river{title: Swing Low}"
        assert editor.has_focus
        assert screen.proposal is not None and len(screen.proposal.changes) == total  # type: ignore[attr-defined]
        assert set(app.workspace.authors) == {"human"}
        assert any("F3" in t for t in toasts(app))
        await pilot.press("f3", "A")  # the writer goes to it when they want
        await settle(pilot)
        assert "[D]A band of angels [G]coming after [D]me" in app.workspace.lines


async def test_a_writer_waiting_in_the_chat_gets_the_proposal(song_file: Path) -> None:
    app = make_app(song_file, VERSE2)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("f2", *"verse 2", "enter")
        screen = app.screen
        assert await wait_for(pilot, lambda: screen.proposal is not None)  # type: ignore[attr-defined]
        assert screen.focused is screen.proposal_view.options  # type: ignore[attr-defined]


async def alternatives_open(pilot: Pilot[int]) -> MainScreen:
    screen = pilot.app.screen
    assert isinstance(screen, MainScreen)
    await settle(pilot)
    screen.editor.cursor_location = (5, 0)
    await pilot.press(ALTERNATIVES_KEY)
    assert await wait_for(pilot, lambda: screen.proposal is not None)
    assert screen.query_one("#side").has_class("-wide")
    return screen


ALTERNATIVES = "".join(
    f"[D]{words}, sweet [G]chari[D]ot\n" for words in ("Swing down", "Ride on", "Roll on")
)


@pytest.mark.parametrize("how", ["r", "R", "escape", "palette"])
async def test_alternatives_can_be_turned_down(song_file: Path, how: str) -> None:
    app = make_app(song_file, ALTERNATIVES)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await alternatives_open(pilot)
        if how == "palette":
            await app.run_action("screen.reject_all")
        else:
            await pilot.press(how)
        await settle(pilot)
        assert screen.proposal is None
        assert not screen.proposal_view.has_class("-open")
        assert not screen.query_one("#side").has_class("-wide")  # the editor has its width back
        assert screen.editor.has_focus
        assert app.workspace.text == SONG


async def test_choosing_an_alternative_says_so(song_file: Path) -> None:
    app = make_app(song_file, ALTERNATIVES)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await alternatives_open(pilot)
        assert screen.proposal is not None
        listed = [a.text for a in screen.proposal.alternatives]  # best first: the co-writer ranks them
        assert sorted(listed) == sorted(ALTERNATIVES.splitlines())
        await pilot.press("down", "a")
        await settle(pilot)
        assert app.workspace.lines[5] == listed[1], "the second, as listed"
        assert screen.proposal is None
        assert any(t.startswith("Accepted") and "line 6" in t for t in toasts(app))


def shown(widget: Widget) -> str:
    """What a widget shows on the screen, row by row."""
    region = Region(0, 0, widget.size.width, widget.size.height)
    return "\n".join(strip.text for strip in widget.render_lines(region))


async def test_the_proposal_says_where_its_lines_go_at_80_columns(song_file: Path) -> None:
    app = make_app(song_file, VERSE2)
    app.workspace.backend.model_name = "SmolLM2-135M-Instruct.Q4_1"  # type: ignore[union-attr]
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("f2", *"verse 2", "enter")
        screen = app.screen
        assert await wait_for(pilot, lambda: screen.proposal is not None)  # type: ignore[attr-defined]
        await pilot.pause()
        title = shown(screen.query_one("#proposal-title")).strip()  # type: ignore[arg-type]
        last = len(SONG.rstrip("\n").split("\n"))
        where, _, model = title.partition(" · ")
        assert where == f"7 new lines after line {last}" and "\n" not in title  # one row, where first
        assert "SmolLM2-135M-Instruct.Q4_1".startswith(model.removesuffix("…"))  # the name, perhaps cut


LONG = SONG + "".join(f"# note {i}\n" for i in range(40))


async def test_accepted_lines_scroll_into_view(tmp_path: Path) -> None:
    path = tmp_path / "long.cho"
    path.write_text(LONG, encoding="utf-8")
    app = make_app(path, VERSE2)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("f2", *"verse 2", "enter")
        screen = app.screen
        assert await wait_for(pilot, lambda: screen.proposal is not None)  # type: ignore[attr-defined]
        editor = screen.editor  # type: ignore[attr-defined]
        assert editor.scroll_offset.y == 0
        await pilot.press("A")
        await settle(pilot)
        row = app.workspace.lines.index("[D]A band of angels [G]coming after [D]me")
        top, height = editor.scroll_offset.y, editor.scrollable_content_region.height
        assert top <= row < top + height
        assert editor.cursor_location == (0, 0)  # the cursor stays where the writer left it


async def test_hearing_a_proposal_starts_at_its_first_changed_bar(song_file: Path) -> None:
    app = make_app(song_file, VERSE2)
    app.workspace.settings.bpm = 600.0
    rec = Recorder()
    async with app.run_test(size=(80, 24), message_hook=rec) as pilot:
        await settle(pilot)
        await pilot.press("f2", *"verse 2", "enter")
        screen = app.screen
        assert await wait_for(pilot, lambda: screen.proposal is not None)  # type: ignore[attr-defined]
        song_bars = app.workspace.check().bars
        await pilot.press("p")
        assert await wait_for(pilot, lambda: bool(rec.of(m.PlayheadMoved)))
        bars = [p.position.bar for p in rec.of(m.PlayheadMoved)]  # type: ignore[attr-defined]
        assert min(bars) > song_bars  # the new verse comes after the song's bars, and only it sounds
        assert app.workspace.text == SONG


async def test_alternatives_on_a_line_without_words_ask_nothing(song_file: Path) -> None:
    app = make_app(song_file, ALTERNATIVES)
    rec = Recorder()
    async with app.run_test(size=(80, 24), message_hook=rec) as pilot:
        await settle(pilot)
        screen = app.screen
        chat = screen.query_one(ChatView)
        entries = len(chat.log_view.children)
        screen.editor.cursor_location = (1, 0)  # type: ignore[attr-defined]  # {key: D}
        await pilot.press(ALTERNATIVES_KEY)
        await settle(pilot)
        assert any("lyric line" in t for t in toasts(app))
        assert len(chat.log_view.children) == entries
        assert not rec.of(m.ModelFailed) and screen.status.model_state != "thinking"  # type: ignore[attr-defined]


@pytest.mark.parametrize("cancelled", [True, False])
async def test_a_reply_that_never_came_leaves_one_clear_line(
    song_file: Path, cancelled: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = make_app(song_file, " ".join(["la"] * 400), delay=0.01)
    if not cancelled:
        def broken(*args: object, **kwargs: object) -> None:
            raise CowriterError("the model fell over")

        monkeypatch.setattr(app.workspace, "propose", broken)
    rec = Recorder()
    async with app.run_test(size=(80, 24), message_hook=rec) as pilot:
        await settle(pilot)
        await pilot.press("f2", *"sing", "enter")
        if cancelled:
            assert await wait_for(pilot, lambda: bool(rec.of(m.TokenStreamed)))
            await pilot.press("escape")
        assert await wait_for(pilot, lambda: bool(rec.of(m.ModelFailed)))
        await pilot.pause(0.2)  # the chat repaints on its own clock
        chat = app.screen.query_one(ChatView)
        said = [str(entry.render()) for entry in chat.log_view.children]
        assert said[-2] == "you: sing"
        assert said[-1].startswith("co-writer: ") and said[-1] != "co-writer: …"
        assert said[-1].endswith("(cancelled)" if cancelled else "(no answer: the model fell over)")
        assert not any(s.startswith("!") for s in said)
