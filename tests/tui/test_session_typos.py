"""`cowriter --session night-bus-hom` (a typo) offers `night-bus-home` instead of silently starting a new,
empty session; a new session is made only when the writer chooses it, and Esc quits without making one."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest
from textual.widgets import OptionList

from cowriter.service.workspace.store import near_sessions
from cowriter.session import SessionStore
from cowriter.tui.run import build_app
from cowriter.tui.screens.main import MainScreen
from cowriter.tui.screens.session_choice import SessionChoiceScreen

from .conftest import settle, wait_for

HOME = "{title: Night Bus Home}\n[G]Last bus home and the [C]rain on the [G]glass\n"


@pytest.fixture
def store(tmp_path: Path) -> Path:
    folder = tmp_path / "sessions"
    sessions = SessionStore(folder)
    sessions.create("night-bus-home", HOME).close()
    sessions.create("morning-song", "{title: Morning}\n[C]Up with the sun\n").close()
    return folder


def args(store: Path, session: str) -> argparse.Namespace:
    return argparse.Namespace(
        file=None, session=session, sessions=str(store), model=None, audio="none", sound=None
    )


def asking(app: object) -> bool:
    screen = app.screen  # type: ignore[attr-defined]
    return isinstance(screen, SessionChoiceScreen) and bool(screen.query(OptionList))


def options(app: object) -> list[str]:
    choices = app.screen.query_one(OptionList)  # type: ignore[attr-defined]
    return [str(choices.get_option_at_index(i).prompt) for i in range(choices.option_count)]


async def test_a_typo_offers_the_near_session_and_makes_nothing(store: Path) -> None:
    app = build_app(args(store, "night-bus-hom"))
    async with app.run_test(size=(80, 24)) as pilot:
        assert await wait_for(pilot, lambda: asking(app))
        shown = options(app)
        assert shown[0] == "night-bus-home"  # the nearest first, highlighted
        assert shown[-1] == "+ a new session called “night-bus-hom”"
        assert not SessionStore(store).exists("night-bus-hom")  # nothing made while it asks
        await pilot.press("enter")
        assert await wait_for(pilot, lambda: app.workspace.session_name == "night-bus-home")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, MainScreen)
        assert screen.editor.text == HOME == app.workspace.text
        assert await wait_for(pilot, lambda: "key G?" in screen.transport.render_line(0).text)  # checked too
        assert screen.editor.lyrics_at(1) is not None  # the gutter's syllables
        assert not SessionStore(store).exists("night-bus-hom")
        assert sorted(SessionStore(store).list()) == ["morning-song", "night-bus-home"]


async def test_a_new_session_is_made_only_when_chosen(store: Path) -> None:
    app = build_app(args(store, "night-bus-hom"))
    async with app.run_test(size=(60, 20)) as pilot:
        assert await wait_for(pilot, lambda: asking(app))
        await pilot.press("end", "enter")
        assert await wait_for(pilot, lambda: app.workspace.session_name == "night-bus-hom")
        await settle(pilot)
        assert SessionStore(store).exists("night-bus-hom")
        assert app.workspace.text == ""


async def test_escape_quits_and_makes_nothing(store: Path) -> None:
    app = build_app(args(store, "night-bus-hom"))
    async with app.run_test(size=(80, 24)) as pilot:
        assert await wait_for(pilot, lambda: asking(app))
        await pilot.press("escape")
        assert await wait_for(pilot, lambda: not app.is_running)
    assert app.return_code == 0
    assert not SessionStore(store).exists("night-bus-hom")


async def test_a_name_with_no_neighbour_asks_before_making_it(store: Path) -> None:
    app = build_app(args(store, "winter"))
    async with app.run_test(size=(80, 24)) as pilot:
        assert await wait_for(pilot, lambda: asking(app))
        assert options(app) == ["+ a new session called “winter”"]
        assert not SessionStore(store).exists("winter")
        await pilot.press("enter")
        assert await wait_for(pilot, lambda: app.workspace.session_name == "winter")
        await settle(pilot)
        assert SessionStore(store).exists("winter")


async def test_an_existing_session_opens_at_once(store: Path) -> None:
    app = build_app(args(store, "night-bus-home"))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, MainScreen)
        assert app.workspace.session_name == "night-bus-home" and app.workspace.text == HOME


@pytest.mark.parametrize(
    ("typed", "near"),
    [
        ("night-bus-hom", ["night-bus-home"]),
        ("Night Bus Home 2", ["night-bus-home"]),
        ("night", ["night-bus-home"]),  # a part of the name
        ("morning_songs", ["morning-song"]),
        ("xyz", []),
    ],
)
def test_near_names(typed: str, near: list[str]) -> None:
    assert near_sessions(typed, ["morning-song", "night-bus-home"]) == near


async def test_the_question_is_there_before_a_key_reaches_the_song(store: Path) -> None:
    """The question is on the first frame: keys typed at once (the writer did not wait for it, or a script
    sent them) reach the question, never an empty song that the chosen session then replaces."""
    app = build_app(args(store, "night-bus-hom"))
    async with app.run_test(size=(80, 24)) as pilot:
        assert isinstance(app.screen, SessionChoiceScreen)  # nothing waited for
        await pilot.press(*"la la")
        assert app.workspace.text == ""  # the song got none of it
        await pilot.press("enter")
        assert await wait_for(pilot, lambda: app.workspace.session_name == "night-bus-home")
        await settle(pilot)
        assert app.workspace.text == HOME
