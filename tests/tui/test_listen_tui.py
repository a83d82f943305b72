"""The editor with `cowriter listen` on the laptop: the status line says so from the first frame, F5 plays
there and the play head comes back from it, a style change is heard at once, pause holds it; ctrl+F5 jumps,
tempo, key and loop act on the laptop's own player; when the listener goes away mid-song a notice says
so, the take is written to a WAV, and the editor goes on."""

from __future__ import annotations

import shutil
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from cowriter.model.scripted import ScriptedBackend
from cowriter.render.remote_listener import Listener
from cowriter.service.workspace import Workspace
from cowriter.tui.app import CowriterApp

from .conftest import settle, wait_for

SLOW = "{title: Slow}\n{tempo: 60}\n\n" + "[D]Swing low, sweet [G]chariot\n" * 4


class Laptop:
    def __init__(self, root: Path) -> None:
        self.events: list[dict[str, Any]] = []
        self.listener = Listener(audio="wav", out_dir=root / "takes", socket_path=root / "l.sock",
                                 key_path=root / "key", emit=self.events.append)  # fmt: skip
        self.listener.open()
        self.thread = threading.Thread(target=self.listener.serve, daemon=True)
        self.thread.start()

    def kinds(self) -> list[str]:
        return [e["event"] for e in self.events]

    def close(self) -> None:
        self.listener.close()
        self.thread.join(timeout=5)


@pytest.fixture
def laptop(monkeypatch: pytest.MonkeyPatch) -> Iterator[Laptop]:
    root = Path(tempfile.mkdtemp(prefix="cw-t-", dir="/tmp"))  # short: a socket path has a limit
    running = Laptop(root)
    monkeypatch.setenv("COWRITER_LISTEN", str(running.listener.socket_path))
    monkeypatch.setenv("XDG_CACHE_HOME", str(root / "cache"))  # where a fallback WAV goes
    monkeypatch.delenv("COWRITER_AUDIO", raising=False)
    yield running
    running.close()
    shutil.rmtree(root, ignore_errors=True)


def app_for(path: Path) -> CowriterApp:
    backend = ScriptedBackend.with_replies((), model_name="scripted")
    return CowriterApp(Workspace.open(path, backend=backend, audio=None))


def toasts(app: CowriterApp) -> list[str]:
    return [str(n.message) for n in app._notifications]


async def test_f5_plays_on_the_laptop_and_follows_it(laptop: Laptop, tmp_path: Path) -> None:
    song = tmp_path / "slow.cho"
    song.write_text(SLOW)
    app = app_for(song)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        screen: Any = app.screen
        assert screen.status.route == "laptop (via SSH)"  # the first frame says where the sound will go
        await pilot.press("f5")
        assert await wait_for(pilot, lambda: screen.transport.bar >= 1, timeout=20)  # the laptop's head
        assert laptop.kinds()[:2] == ["connected", "playing"]
        assert screen.status.route == "laptop (via SSH)" and not screen.transport.file
        await pilot.press("f9")  # another style: heard from this bar, a new take on the laptop
        assert await wait_for(pilot, lambda: laptop.kinds().count("playing") == 2, timeout=20)
        assert any("from this bar" in t for t in toasts(app)), toasts(app)
        await pilot.press("shift+f5")
        assert await wait_for(pilot, lambda: screen.transport.paused and app.workspace.paused, timeout=20)
        await pilot.pause(0.3)  # the last play head the laptop sent before it held
        held = screen.transport.bar, screen.transport.beat
        await pilot.pause(0.6)
        assert (screen.transport.bar, screen.transport.beat) == held
        await pilot.press("shift+f5")
        moved = lambda: (screen.transport.bar, screen.transport.beat) != held  # noqa: E731
        assert await wait_for(pilot, moved, timeout=10)
        await pilot.press("f5")  # stop
        assert await wait_for(pilot, lambda: "stopped" in laptop.kinds() and not screen.transport.playing)


async def test_the_laptop_going_away_mid_song_is_one_notice_and_a_wav(laptop: Laptop, tmp_path: Path) -> None:
    song = tmp_path / "slow.cho"
    song.write_text(SLOW)
    app = app_for(song)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        screen: Any = app.screen
        await pilot.press("f5")
        assert await wait_for(pilot, lambda: screen.transport.bar >= 1, timeout=20)
        laptop.close()  # the tunnel drops, the laptop sleeps, the listener is stopped...
        assert await wait_for(pilot, lambda: any("went away" in t for t in toasts(app)), timeout=20)
        take = Path(screen.transport.file).name  # the rest of the song is a take of its own
        assert take.startswith("slow-take-") and take.endswith(".wav"), take
        assert screen.status.route.startswith("WAV to")
        written = lambda: any(f"{take}:" in t for t in toasts(app)) and not screen.transport.playing  # noqa: E731
        assert await wait_for(pilot, written, timeout=60)
        assert sum("went away" in t for t in toasts(app)) == 1
        assert app.is_running
        await pilot.press(*"la")  # the editor goes on
        assert app.workspace.text != SLOW


VERSE = (
    "{title: Slow}\n{tempo: 60}\n\n{start_of_verse: Verse}\n"
    + "[D]Swing low, sweet [G]chariot\n" * 3
    + "{end_of_verse}\n\n{start_of_chorus: Chorus}\n[A]Coming for to [D]carry me home\n{end_of_chorus}\n"
)


def pitch_classes(arrangement: Any) -> set[int]:
    return {n.pitch % 12 for t in arrangement.tracks if t.channel != 9 for n in t.notes}


async def test_seek_tempo_key_and_loop_act_on_the_laptop(laptop: Laptop, tmp_path: Path) -> None:
    song = tmp_path / "slow.cho"
    song.write_text(VERSE)
    app = app_for(song)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        screen: Any = app.screen
        await pilot.press("f5")
        assert await wait_for(pilot, lambda: screen.transport.bar >= 1, timeout=20)

        def playing() -> Any:  # what the laptop's own player is doing
            return next(iter(laptop.listener.sessions.values())).player

        # ctrl+F5 on the chorus while playing: the laptop jumps there, no new take.
        chorus = VERSE.splitlines().index("{end_of_chorus}") - 1
        target = app.workspace.bar_of_line(chorus + 1)
        assert target is not None and target > screen.transport.bar + 1
        screen.editor.move_cursor((chorus, 0))
        heard: list[int] = []

        def there() -> bool:
            heard.append(screen.transport.bar)
            return heard[-1] == target

        await pilot.press("ctrl+f5")
        assert await wait_for(pilot, there, timeout=20)
        assert target - 1 not in heard, heard  # a jump, not the song played through to it
        assert laptop.kinds().count("playing") == 1
        # alt+up: the laptop's player goes 5 bpm faster, the same take.
        await pilot.press("alt+up")
        assert await wait_for(pilot, lambda: abs(playing().tempo - 65.0) < 1e-6, timeout=20)
        assert laptop.kinds().count("playing") == 1
        # F8: the song a semitone up, heard at once: a new take on the laptop, every pitch a semitone up.
        before = pitch_classes(playing().arrangement)
        await pilot.press("f8")
        assert await wait_for(pilot, lambda: laptop.kinds().count("playing") == 2, timeout=20)
        assert pitch_classes(playing().arrangement) == {(p + 1) % 12 for p in before}
        assert abs(playing().tempo - 65.0) < 1e-6  # the tempo set stays
        # F6 on the chorus (the song's last bars): it loops on the laptop, whose play head comes back.
        await pilot.press("f6")
        assert await wait_for(pilot, lambda: laptop.kinds().count("playing") == 3, timeout=20)
        assert screen.transport.loop == "Chorus"
        seen: list[int] = []

        def came_back() -> bool:  # the play head past the chorus' first bar, then at it again
            seen.append(screen.transport.bar)
            later = [i for i, bar in enumerate(seen) if bar > target]
            return bool(later) and target in seen[later[0] :]

        assert await wait_for(pilot, came_back, timeout=30), seen
        await pilot.press("f5")  # stop
        assert await wait_for(pilot, lambda: "stopped" in laptop.kinds() and not screen.transport.playing)
