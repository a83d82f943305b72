"""A pasted chords-over-lyrics page: asking for a bridge proposes the bridge only; accepting makes the page
ChordPro as the writer's own version (credited to the writer), then adds the model's lines (credited to
the model)."""

from __future__ import annotations

from pathlib import Path

from cowriter.model.scripted import ScriptedBackend
from cowriter.service.workspace import Workspace, file_session
from cowriter.session import SessionStore
from cowriter.tui.app import CowriterApp
from cowriter.tui.screens.main import MainScreen

from .conftest import settle, wait_for

PAGE = """Night Bus Home

[Verse 1]
G              D
Last bus rolls out of the station
Em              C
Rain on the window, my reflection

[Chorus]
C        G
Take me home
D          Em
Through the city lights
"""
BRIDGE_LINES = [
    "[Am]Every stop a [F]memory",
    "[C]Every light a [G]friend",
    "[Am]Every road a [F]story",
    "[C]Leading to the [G]end",
]
BRIDGE = "{start_of_bridge}\n" + "\n".join(BRIDGE_LINES) + "\n{end_of_bridge}\n"


async def test_a_bridge_on_a_pasted_page_is_the_bridge_only_and_the_page_stays_the_writers(
    tmp_path: Path,
) -> None:
    page = tmp_path / "night-bus.txt"
    page.write_text(PAGE, encoding="utf-8")
    sessions = tmp_path / "sessions"
    backend = ScriptedBackend.with_replies([BRIDGE], model_name="scripted")
    ws = Workspace.open(page, sessions_dir=sessions, backend=backend, audio="none")
    app = CowriterApp(ws, history_session=file_session(page))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, MainScreen)
        assert await wait_for(pilot, lambda: ws._session is not None)
        await pilot.press("f2", *"write a bridge", "enter")
        assert await wait_for(pilot, lambda: screen.proposal is not None)
        proposal = screen.proposal
        assert proposal is not None
        # the bridge and nothing else: every change brings a line, none touches the writer's
        assert all(c.kind == "add" and c.section == "Bridge" for c in proposal.changes)
        brought = [line for c in proposal.changes for line in c.new if line.strip()]
        assert brought == ["{start_of_bridge}", *BRIDGE_LINES, "{end_of_bridge}"]
        assert ws.text == PAGE  # nothing changes before the writer says so
        await pilot.press("f3", "A")
        await settle(pilot)
        assert "{start_of_verse: Verse 1}" in ws.lines  # the page is ChordPro now
        for line in BRIDGE_LINES:
            assert ws.authors[ws.lines.index(line)] == "model:scripted"
        words = [i for i, line in enumerate(ws.lines) if "Last bus" in line or "Take me" in line]
        assert words and all(ws.authors[i] == "human" for i in words)
        await pilot.press("ctrl+q")
    with SessionStore(sessions).open(file_session(page), readonly=True) as s:
        log = [(v.author, v.message) for v in s.versions()]
        assert ("human", "converted to ChordPro") in log
        assert log[-1][0] == "model:scripted"
        assert log.index(("human", "converted to ChordPro")) < len(log) - 1
        report = s.credits().report()
        shares = {a["author"]: a["lines"] for a in report["authors"]}
        assert shares["model:scripted"] == len(BRIDGE_LINES) + 2  # the lines and the bridge's frame
        assert shares["human"] > shares["model:scripted"]
