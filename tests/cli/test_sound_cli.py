"""`--sound` / `COWRITER_SOUND` on render and play, and the SoundFonts `cowriter doctor` lists."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np
import pytest

from cowriter.cli import main
from cowriter.render.wavfile import read_wav

SONG = "{title: Cli}\n{tempo: 160}\n{start_of_chorus}\n[C]One [Am]two [F]three [G]four\n{end_of_chorus}\n"
SF2 = Path("/usr/share/sounds/sf2/FluidR3_GM.sf2")
needs_soundfont = pytest.mark.skipif(
    importlib.util.find_spec("tinysoundfont") is None or not SF2.is_file(),
    reason="needs tinysoundfont and fluid-soundfont-gm (scripts/test.sh installs both)",
)


@pytest.fixture
def song(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.delenv("COWRITER_SOUND", raising=False)
    path = tmp_path / "song.cho"
    path.write_text(SONG)
    return path


@needs_soundfont
def test_render_with_a_soundfont_by_option_env_and_name(
    song: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    builtin, by_path, by_name, by_env = (tmp_path / f"{n}.wav" for n in ("b", "p", "n", "e"))
    assert main(["render", str(song), "-o", str(builtin)]) == 0
    assert main(["--sound", str(SF2), "render", str(song), "-o", str(by_path)]) == 0
    assert main(["--sound", "FluidR3_GM", "render", str(song), "-o", str(by_name)]) == 0
    monkeypatch.setenv("COWRITER_SOUND", str(SF2))
    from cowriter.cli import build_parser

    assert build_parser(["render"]).parse_args(["render", "x", "-o", "y.wav"]).sound == str(SF2)
    assert main(["render", str(song), "-o", str(by_env)]) == 0
    audio = {p.name: read_wav(p)[0] for p in (builtin, by_path, by_name, by_env)}
    assert np.array_equal(audio["p.wav"], audio["n.wav"]) and np.array_equal(audio["p.wav"], audio["e.wav"])
    n = min(len(audio["p.wav"]), len(audio["b.wav"]))
    assert not np.array_equal(audio["p.wav"][:n], audio["b.wav"][:n])


@needs_soundfont
def test_play_without_a_device_writes_the_soundfont_take(
    song: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "take.wav"
    assert main(["--audio", "wav", "--sound", "FluidR3_GM", "play", str(song), "--out", str(out)]) == 0
    assert "wrote" in capsys.readouterr().out
    assert float(np.abs(read_wav(out)[0]).max()) > 0.05


def test_a_missing_soundfont_is_one_line(
    song: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert (
        main(["--sound", str(tmp_path / "nope.sf2"), "render", str(song), "-o", str(tmp_path / "x.wav")]) == 1
    )
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "no such SoundFont" in err and not (tmp_path / "x.wav").exists()


def test_doctor_lists_the_soundfonts_here(
    song: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / ".local" / "share" / "soundfonts"
    folder.mkdir(parents=True)
    (folder / "Warm Keys.sf2").write_bytes(b"RIFF" + bytes(2000))
    assert main(["doctor"]) == 0
    out = capsys.readouterr().out
    assert "sound:    built-in synth" in out
    assert "Warm Keys" in out and str(folder / "Warm Keys.sf2") in out
    assert main(["--sound", "Warm Keys", "doctor"]) == 0
    assert "sound:    SoundFont Warm Keys.sf2 (--sound)" in capsys.readouterr().out
