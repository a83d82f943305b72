"""The command line as a whole: what every subcommand shares (terminal encodings, global variables)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

SWING = Path(__file__).resolve().parents[2] / "examples" / "swing-low.cho"


def _cowriter(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "cowriter", *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        errors="replace",
        env={**os.environ, **env},
        timeout=120,
        check=False,
    )


@pytest.mark.parametrize(
    ("args", "text"),
    [
        (["parse", "--json", "SONG"], "caf"),  # é in a lyric: JSON keeps going
        (["convert", "SONG", "--to", "text"], "caf"),
        (["lyrics", "SONG"], "caf"),
    ],
)
def test_an_ascii_terminal_gets_question_marks_not_an_internal_error(
    args: list[str], text: str, tmp_path: Path
) -> None:
    song = tmp_path / "cafe.cho"
    song.write_text("{title: Café}\n[C]Un café [G]noir — s'il vous plaît\n", encoding="utf-8")
    done = _cowriter(*[str(song) if a == "SONG" else a for a in args], PYTHONIOENCODING="ascii")
    assert done.returncode == 0, done.stderr
    assert "internal error" not in done.stderr
    assert text in done.stdout and "?" in done.stdout


def test_play_on_an_ascii_terminal_says_where_the_wav_went(tmp_path: Path) -> None:
    out = tmp_path / "swing.wav"
    args = ("--audio", "wav", "play", str(SWING), "--section", "Chorus", "--out", str(out))
    done = _cowriter(*args, PYTHONIOENCODING="ascii")
    assert done.returncode == 0, done.stderr
    assert str(out) in done.stdout and len(done.stdout.splitlines()) == 1
    assert out.stat().st_size > 44


def test_a_bad_audio_variable_is_named_in_one_line() -> None:
    done = _cowriter("play", str(SWING), COWRITER_AUDIO="speakers")
    assert done.returncode == 2
    assert "COWRITER_AUDIO=speakers" in done.stderr and "Traceback" not in done.stderr
