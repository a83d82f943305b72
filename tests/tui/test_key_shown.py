"""The key the transport shows is the song's: its `{key}`, else the key its chords plainly are in, marked
as a guess ("key G?"), through transposition too; and the melody sketches write the same key in `K:`."""

from __future__ import annotations

import pytest
from textual.pilot import Pilot

from cowriter.tui.screens.main import MainScreen
from tests.core.test_song_key import IN_A_MINOR, IN_G

from .conftest import make_app, settle, wait_for


def screen_of(pilot: Pilot[int]) -> MainScreen:
    screen = pilot.app.screen
    assert isinstance(screen, MainScreen)
    return screen


def transport_text(screen: MainScreen) -> str:
    return screen.transport.render_line(0).text


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        (IN_G, "key G?"),  # no {key}: the chords' key, said to be a guess
        (IN_A_MINOR, "key Am?"),
        ("{key: Eb}\n" + IN_G, "key Eb "),  # the writer's {key} is the key, whatever the chords say
        ("{title: Words only}\nJust words, no chords yet\n", "key -"),  # nothing to find a key from
    ],
    ids=["G", "Am", "declared", "no-chords"],
)
async def test_the_transport_shows_the_songs_key(text: str, shown: str) -> None:
    app = make_app(None, text=text)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = screen_of(pilot)
        assert await wait_for(pilot, lambda: shown in transport_text(screen) + " ")
        assert "key ?" not in transport_text(screen)


async def test_transposing_moves_the_key_shown() -> None:
    app = make_app(None, text=IN_G)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = screen_of(pilot)
        await pilot.press("f8")
        assert await wait_for(pilot, lambda: "[Ab]Last bus" in app.workspace.text)
        await pilot.press("f8")
        assert await wait_for(pilot, lambda: "[A]Last bus" in app.workspace.text)
        assert await wait_for(pilot, lambda: "key A? +2" in transport_text(screen))


async def test_a_sketch_is_written_in_the_key_the_transport_shows() -> None:
    """The line starts on Am in a song plainly in G: the sketch's `K:` is G, as the transport says (it
    was `K:A`, from the line's first chord, while the transport said `key ?`)."""
    app = make_app(None, text=IN_G)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = screen_of(pilot)
        screen.editor.cursor_location = (4, 0)  # "[Am]Every stop is a [D]name I know"
        await pilot.press("f4")
        assert await wait_for(pilot, lambda: screen.melody is not None, timeout=30)
        sketch = screen.melody
        assert sketch is not None
        keys = {
            line for choice in sketch.choices for line in choice.abc.splitlines() if line.startswith("K:")
        }
        assert keys == {"K:G"}
        assert "key G?" in transport_text(screen)
