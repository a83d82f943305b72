"""The co-writer's candidates in the editor: the first streams into the chat line by line, each further one
is announced there as it is finished, the best is the proposal; `c` shows the next candidate in its place
and `?` says why each ranks where it does (issue 12)."""

from __future__ import annotations

from pathlib import Path

from cowriter.model.scripted import ScriptedSampler
from cowriter.service.workspace import Workspace
from cowriter.tui import messages as m
from cowriter.tui.app import CowriterApp

from .conftest import SONG, Recorder, settle, wait_for

LINES = [
    "The river carries every name",
    "Of those who crossed and never came",
    "The ferry waits beside the shore",
    "For someone who comes home no more",
    "The willow bends above the stream",
    "And holds the water like a dream",
    "A lantern burns on the far side",
    "Where all the tired travellers bide",
    "The boatman hums a quiet tune",
    "Beneath a pale and patient moon",
]


def candidates_app(tmp_path: Path) -> tuple[CowriterApp, ScriptedSampler]:
    path = tmp_path / "swing-low.cho"
    path.write_text(SONG, encoding="utf-8")
    backend = ScriptedSampler.with_replies([line + "\n" for line in LINES * 4], model_name="scripted")
    workspace = Workspace.open(path, backend=backend, audio="none")
    return CowriterApp(workspace), backend


async def test_candidates_arrive_in_the_chat_and_c_shows_the_next(tmp_path: Path) -> None:
    app, _ = candidates_app(tmp_path)
    seen = Recorder()
    async with app.run_test(size=(80, 24), message_hook=seen) as pilot:
        await settle(pilot)
        screen = app.screen
        await pilot.press("f2", *"a 2-line bridge about the river", "enter")
        assert await wait_for(pilot, lambda: screen.proposal is not None, timeout=30)  # type: ignore[attr-defined]
        proposal = screen.proposal  # type: ignore[attr-defined]
        assert len(proposal.candidates) >= 2 and proposal.candidate == 0
        title = str(screen.query_one("#proposal-title").render())
        assert title.startswith(f"1/{len(proposal.candidates)} (c ?)"), "first: a narrow panel cuts the end"
        streamed = [msg.text for msg in seen.of(m.TokenStreamed)]  # type: ignore[attr-defined]
        assert any(LINES[0] in text for text in streamed), "the first candidate streams line by line"
        assert any("· candidate 2:" in text for text in streamed), "each finished candidate is said"
        assert "best of" in str(screen.chat.log_view.children[-1].render())  # type: ignore[attr-defined]
        await pilot.press("c")
        await settle(pilot)
        second = screen.proposal  # type: ignore[attr-defined]
        assert second.candidate == 1 and second.text == proposal.candidates[1].text
        assert str(screen.query_one("#proposal-title").render()).startswith("2/")
        await pilot.press("question_mark")
        await settle(pilot)
        why = [n.message for n in app._notifications]
        assert any(m.startswith("Why: candidate ") and "ranked" in m and "score" in m for m in why)
        await pilot.press("A")
        await settle(pilot)
        new = [line for line in app.workspace.lines if line and line not in SONG.split("\n")]
        assert any(second.candidates[1].chordpro.splitlines()[1] == line for line in new)
