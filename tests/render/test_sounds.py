"""Choosing the sound (--sound, COWRITER_SOUND, the config, the built-in synth) and finding SoundFonts."""

from __future__ import annotations

from pathlib import Path

import pytest

from cowriter.render.sounds import SoundError, discover, resolve


def fake_sf2(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"RIFF\x04\x00\x00\x00sfbk")
    return path


@pytest.fixture
def home(tmp_path: Path) -> dict[str, str]:
    return {"HOME": str(tmp_path), "XDG_CONFIG_HOME": str(tmp_path / "config")}


def test_the_built_in_synth_is_the_default(home: dict[str, str]) -> None:
    choice = resolve(None, env=home)
    assert choice.path is None and choice.origin == "default" and choice.label == "built-in synth"


def test_option_then_environment_then_config(home: dict[str, str], tmp_path: Path) -> None:
    a, b, c = (fake_sf2(tmp_path / f"{n}.sf2") for n in "abc")
    config = {"sound": str(c)}
    assert resolve(str(a), env={**home, "COWRITER_SOUND": str(b)}, config=config).path == a
    assert resolve(None, env={**home, "COWRITER_SOUND": str(b)}, config=config).path == b
    chosen = resolve(None, env=home, config=config)
    assert (chosen.path, chosen.origin) == (c, "config")
    assert resolve("builtin", env={**home, "COWRITER_SOUND": str(b)}).path is None


def test_the_config_file_is_read(home: dict[str, str], tmp_path: Path) -> None:
    sf = fake_sf2(tmp_path / "Mine.sf3")
    conf = tmp_path / "config" / "cowriter" / "config.toml"
    conf.parent.mkdir(parents=True)
    conf.write_text(f'sound = "{sf}"\n')
    assert resolve(None, env=home).path == sf
    conf.write_text("sound = [broken\n")
    with pytest.raises(SoundError, match="config"):
        resolve(None, env=home)


def test_a_name_from_the_machine(home: dict[str, str], tmp_path: Path) -> None:
    mine = fake_sf2(tmp_path / ".local" / "share" / "soundfonts" / "Warm Keys.sf2")
    assert resolve("Warm Keys", env=home).path == mine
    assert resolve("warm keys.sf2", env=home).path == mine


def test_what_cannot_be_a_soundfont_is_one_clear_error(home: dict[str, str], tmp_path: Path) -> None:
    with pytest.raises(SoundError, match="no such SoundFont"):
        resolve(str(tmp_path / "missing.sf2"), env=home)
    text = tmp_path / "notes.txt"
    text.write_text("hello")
    with pytest.raises(SoundError, match="not a SoundFont"):
        resolve(str(text), env=home)


def test_discover_lists_each_file_once(home: dict[str, str], tmp_path: Path) -> None:
    folder = tmp_path / ".local" / "share" / "soundfonts"
    real = fake_sf2(folder / "Real.sf2")
    (folder / "Alias.sf2").symlink_to(real)  # Debian's default-GM.sf2 is such a link
    (folder / "readme.txt").write_text("not a soundfont")
    mine = [f for f in discover(home) if f.path.parent == folder]
    assert len(mine) == 1 and mine[0].source == "your soundfonts" and mine[0].size == real.stat().st_size
