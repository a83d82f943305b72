"""Terminal injection through the editor: what the screen sends to the terminal, byte by byte, while a
hostile song is open, a model replies with escapes, and notices, status, proposal and dialogs show them.

The check renders the whole screen the way Textual writes it to the terminal and takes out only what
Textual itself writes (SGR colours, cursor moves): anything left that a terminal acts on came from the
song, the model or a path. The attacks use OSC and ESC ( sequences and a raw CSI, which Textual never
writes, so a leak cannot hide among Textual's own sequences.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from rich.segment import Segment
from rich.style import Style
from textual.color import Color

from cowriter.tui.app import CowriterApp
from cowriter.tui.textfilter import ShowControls
from tests.hostile import ACTED_ON, BEL, ESC, EVIL, EVIL_SONG, unsafe_chars

from .conftest import make_app, settle

TEXTUAL_OWN = re.compile(r"\x1b\[[0-9;]*m|\x1b\[\d+;\d+H")


def terminal_text(app: CowriterApp) -> str:
    """The whole screen as Textual would write it to the terminal, Textual's own sequences taken out."""
    update = app.screen._compositor.render_full_update()
    return TEXTUAL_OWN.sub("", update.render_segments(app.console))


def assert_screen_safe(app: CowriterApp) -> str:
    text = terminal_text(app)
    found = unsafe_chars(text.replace("\r\n", "\n"))
    assert not found, f"the screen sends {sorted(set(found))} to the terminal"
    return text


@pytest.fixture
def evil_song(tmp_path: Path) -> Path:
    path = tmp_path / "evil.cho"
    path.write_text(EVIL_SONG, encoding="utf-8")
    return path


async def test_an_opened_hostile_song_shows_its_escapes_and_sends_none(evil_song: Path) -> None:
    app = make_app(evil_song)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        text = assert_screen_safe(app)
        assert "Rain ␛]0;PWNED-TITLE" in text  # the editor shows what the file holds
        assert app.workspace.text == EVIL_SONG  # and keeps the writer's bytes
        for y in range(2, 8):  # each line under the cursor: the status spells out its problem, if any
            app.screen.editor.cursor_location = (y, 0)  # type: ignore[attr-defined]
            await pilot.pause()
            assert_screen_safe(app)


async def test_a_model_replying_with_escapes_on_f2(tmp_path: Path) -> None:
    song = tmp_path / "plain.cho"
    song.write_text("{title: Plain}\n{start_of_verse: Verse 1}\n[C]Rain on the [G]roof\n{end_of_verse}\n")
    reply = (
        f"Sure{OSC()}:\n{{start_of_verse: Verse 2 {ESC}[2J}}\n"
        f"[C]Pour{ESC}]52;c;UFdORUQtQ0xJUA=={BEL} all [G]night\x9b2J\n"
        "[Am]Rain upon the [F]window\n[C]Rain upon the [G]door\n"
        f"[Am]Rain on every{ESC}(0 [F]roof\n{{end_of_verse}}\n"
    )
    from cowriter.model.scripted import ScriptedBackend
    from cowriter.service.workspace import Workspace

    backend = ScriptedBackend.with_replies([reply], delay=0.001, model_name=f"evil{OSC()}")
    app = CowriterApp(Workspace.open(song, backend=backend, audio="none"))
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        await pilot.press("f2", *"write verse 2", "enter")
        screen = app.screen
        seen = 0
        while screen.proposal is None and seen < 500:  # type: ignore[attr-defined]
            assert_screen_safe(app)  # every frame while it streams
            await pilot.pause(0.01)
            seen += 1
        assert screen.proposal is not None  # type: ignore[attr-defined]
        await pilot.pause()
        text = assert_screen_safe(app)
        assert "Pour␛]52;c;" in text


def OSC() -> str:
    return f"{ESC}]0;PWNED-TITLE{BEL}"


async def test_notices_are_plain_safe_text(evil_song: Path) -> None:
    app = make_app(evil_song)
    async with app.run_test(size=(120, 30), notifications=True) as pilot:
        await settle(pilot)
        app.notify(f"Saved to /tmp/[bold]x[/]{EVIL}.cho", title=f"Save{ESC}]0;x{BEL}\nmore")
        await pilot.pause(0.3)
        text = assert_screen_safe(app)
        messages = [str(n.message) for n in app._notifications]
        # the title leads the notice's one line, made safe like the message
        assert messages[0].startswith("Save␛]0;x␇␊more: Saved to /tmp/[bold]x[/]␛␛]0;PWNED-TITLE␇")
        assert "/tmp/[bold]x[/]␛␛]0;PWNED-TITLE␇" in text  # shown as written, not read as markup
        app.clear_notifications()  # notices share three rows at the bottom: the next one on its own
        app.screen.notify(f"[link=http://evil]click[/link] {OSC()}")  # markup is not read either
        await pilot.pause(0.3)
        text = assert_screen_safe(app)
        assert "[link=http://evil]click[/link]" in text


async def test_dialogs_show_errors_safely(evil_song: Path) -> None:
    from cowriter.tui.screens.export import ExportScreen

    app = make_app(evil_song)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        dialog = ExportScreen(f"/tmp/{OSC()}.cho")
        app.push_screen(dialog)
        await pilot.pause()
        dialog._show(f"{ESC}]52;c;UFdORUQtQ0xJUA=={BEL} cannot write", "problem")
        await pilot.pause()
        text = assert_screen_safe(app)
        assert "␛]52;c;" in text


def test_the_filter_keeps_each_row_its_width() -> None:
    row = [Segment("ab\x1b]0;x\x07cd", Style(bold=True)), Segment("  tail\u202e!", None)]
    width = Segment.get_line_length(row)
    shown = ShowControls().apply(row, Color(0, 0, 0))
    assert Segment.get_line_length(shown) == width
    text = "".join(s.text for s in shown)
    assert not unsafe_chars(text)
    assert text.startswith("ab␛]0;x␇cd")


def test_the_filter_leaves_plain_rows_alone() -> None:
    row = [Segment("plain text", None)]
    assert ShowControls().apply(row, Color(0, 0, 0)) is row


async def test_nothing_acted_on_reaches_the_screen_bytes(evil_song: Path) -> None:
    """The payloads' words are shown, but never inside a sequence a terminal would act on."""
    app = make_app(evil_song)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        raw = app.screen._compositor.render_full_update().render_segments(app.console)
        for word in ACTED_ON:
            for m in re.finditer(re.escape(word), raw):
                before = raw[max(0, m.start() - 6) : m.start()]
                assert "\x1b]" not in before, f"{word} is inside an OSC: {before!r}"
