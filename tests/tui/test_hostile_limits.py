"""The editor under hostile conditions: a file past the size limit or a device is one line before the
first frame; a cache folder it cannot write is a notice in words (no "PermissionError: [Errno 13]")."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from cowriter.limits import MAX_SONG_BYTES
from cowriter.model.scripted import ScriptedBackend
from cowriter.service.workspace import Workspace
from cowriter.tui import messages as m
from cowriter.tui.app import CowriterApp
from tests.hostile import run_on_terminal

from .conftest import Recorder, settle, wait_for


@pytest.mark.parametrize("what", ["big", "device", "fifo"])
def test_the_editor_refuses_before_its_first_frame(what: str, tmp_path: Path) -> None:
    if what == "big":
        path = tmp_path / "big.cho"
        path.write_bytes(b"la la la\n" * (MAX_SONG_BYTES // 9 + 1))
        line = f"cowriter: {path}: larger than 16 MB (is it a song file?)"
    elif what == "device":
        path = Path("/dev/zero")
        line = "cowriter: /dev/zero: is a device, not a plain file (give a song file (.cho, .txt))"
    else:
        path = tmp_path / "song.fifo"
        os.mkfifo(path)  # nobody writes it: the editor must not wait for a writer
        line = f"cowriter: {path}: is a FIFO (named pipe), not a plain file (give a song file (.cho, .txt))"
    done = run_on_terminal(["open", str(path)], tmp_path, timeout=60)
    assert done.one_line_error() == line
    assert done.code == 1
    assert done.peak_mb < 150


async def test_an_unwritable_cache_is_a_notice_in_words(
    song_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "cache"
    blocker.write_text("a file where the cache folder would be")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))
    monkeypatch.delenv("PULSE_SERVER", raising=False)
    backend = ScriptedBackend.with_replies([], model_name="scripted")
    app = CowriterApp(Workspace.open(song_file, backend=backend, audio="wav"))
    rec = Recorder()
    async with app.run_test(size=(100, 30), message_hook=rec, notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("f5")
        assert await wait_for(pilot, lambda: bool(rec.of(m.PlaybackStopped)), timeout=60)
        await settle(pilot)
    errors = {s.error for s in rec.of(m.PlaybackStopped)}  # type: ignore[attr-defined]
    assert errors == {
        f"cannot write the sound to {blocker / 'cowriter'}: Not a directory "
        "(set XDG_CACHE_HOME to a folder you can write, or play with --audio none)"
    }


async def test_a_silent_pulseaudio_server_does_not_leave_the_editor_playing_nothing(
    song_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """F5 with a PULSE_SERVER that accepts and never answers: the take goes to a WAV within seconds (the
    probe), instead of "playing" for two minutes while PortAudio waits."""
    import socket

    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    monkeypatch.setenv("PULSE_SERVER", f"tcp:127.0.0.1:{listener.getsockname()[1]}")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.delenv("SSH_CONNECTION", raising=False)
    backend = ScriptedBackend.with_replies([], model_name="scripted")
    app = CowriterApp(Workspace.open(song_file, backend=backend, audio="device"))
    rec = Recorder()
    try:
        async with app.run_test(size=(100, 30), message_hook=rec) as pilot:
            await settle(pilot)
            await pilot.press("f5")
            started = lambda: bool(rec.of(m.PlaybackStarted) or rec.of(m.PlaybackStopped))  # noqa: E731
            assert await wait_for(pilot, started, timeout=30)  # a ceiling: PortAudio alone waits 120 s
            await pilot.press("f5")
            await settle(pilot)
    finally:
        listener.close()
    routes = [s.route for s in rec.of(m.PlaybackStarted)]  # type: ignore[attr-defined]
    assert routes and routes[0].startswith("WAV to "), (routes, rec.of(m.PlaybackStopped))
