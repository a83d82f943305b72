"""Paths under the home folder are shown from `~/`, and only those."""

from __future__ import annotations

import pytest

from cowriter.tui.widgets.status import tilde


@pytest.mark.parametrize(
    ("home", "text", "shown"),
    [
        ("/home/ann", "WAV to /home/ann/.cache/cowriter/preview.wav", "WAV to ~/.cache/cowriter/preview.wav"),
        ("/home/ann", "WAV to /home/anna/x.wav", "WAV to /home/anna/x.wav"),  # another writer's home
        ("/home/ann", "/srv/songs/x.wav", "/srv/songs/x.wav"),
        ("/", "/x.wav", "/x.wav"),
    ],
)
def test_home_is_shown_as_a_tilde(monkeypatch: pytest.MonkeyPatch, home: str, text: str, shown: str) -> None:
    monkeypatch.setenv("HOME", home)
    assert tilde(text) == shown
