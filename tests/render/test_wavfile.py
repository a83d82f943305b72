"""The WAV writer never leaves a partial file: a failure or an interrupt removes what it wrote, a
success appears whole at once, and a folder it cannot write is an OSError (no `Wave_write.__del__`
complaint after it). Files follow the umask, as every export does."""

from __future__ import annotations

import gc
import os
import stat
import sys
from pathlib import Path

import numpy as np
import pytest

from cowriter.render.wavfile import WavWriter, read_wav

BLOCK = np.zeros((1024, 2), dtype=np.float32)


def test_a_finished_file_appears_whole(tmp_path: Path) -> None:
    path = tmp_path / "out.wav"
    with WavWriter(path, 44100) as wav:
        wav.write(BLOCK)
        assert not path.exists()  # still the hidden temp file
    data, rate = read_wav(path)
    assert rate == 44100 and data.shape == (1024, 2)
    assert [p.name for p in tmp_path.iterdir()] == ["out.wav"]


def test_a_failure_leaves_nothing(tmp_path: Path) -> None:
    path = tmp_path / "out.wav"
    with pytest.raises(RuntimeError), WavWriter(path, 44100) as wav:
        wav.write(BLOCK)
        raise RuntimeError("disk full, say")
    assert list(tmp_path.iterdir()) == []


def test_an_existing_file_is_kept_until_the_new_one_is_whole(tmp_path: Path) -> None:
    path = tmp_path / "out.wav"
    path.write_bytes(b"the old take")
    with pytest.raises(KeyboardInterrupt), WavWriter(path, 44100) as wav:
        wav.write(BLOCK)
        raise KeyboardInterrupt
    assert path.read_bytes() == b"the old take"


def test_an_unwritable_place_is_an_oserror_without_complaints(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    unraisable: list[object] = []
    old = sys.unraisablehook
    sys.unraisablehook = unraisable.append
    try:
        with pytest.raises(OSError):
            WavWriter(blocker / "out.wav", 44100).open()
        gc.collect()
    finally:
        sys.unraisablehook = old
    assert unraisable == []


@pytest.mark.parametrize(("umask", "mode"), [(0o000, 0o666), (0o027, 0o640)])
def test_the_file_follows_the_umask(tmp_path: Path, umask: int, mode: int) -> None:
    old = os.umask(umask)
    try:
        path = tmp_path / "out.wav"
        with WavWriter(path, 44100) as wav:
            wav.write(BLOCK)
    finally:
        os.umask(old)
    assert stat.S_IMODE(path.stat().st_mode) == mode


def test_a_take_written_as_it_plays_grows_in_place(tmp_path: Path) -> None:
    path = tmp_path / "take.wav"
    wav = WavWriter(path, 44100, atomic=False)
    wav.open()
    wav.write(BLOCK)
    assert path.exists()  # others may watch it grow; stopping early keeps what was written
    wav.close()
    assert read_wav(path)[0].shape == (1024, 2)
