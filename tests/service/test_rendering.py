"""One renderer per extension and one atomic, durable writer, for `cowriter render` and the editor's
export: the same bytes from both, nothing half-written when a render fails, the file and its folder
flushed to disk before the render says it is done."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from cowriter.cli import main
from cowriter.errors import CowriterError
from cowriter.render import midi
from cowriter.service import rendering
from cowriter.service.workspace.export import write_export
from cowriter.songio import write_file

SONG = "{title: Two Lines}\n{key: C}\n{tempo: 120}\n[C]Row the boat [G]down the stream\n[F]to the [C]sea\n"


@pytest.fixture
def song(tmp_path: Path) -> Path:
    path = tmp_path / "song.cho"
    path.write_text(SONG, encoding="utf-8")
    return path


def test_one_table_of_formats_serves_both() -> None:
    from cowriter.cli.render_cmd import FORMATS as RENDERED
    from cowriter.service.workspace.export import FORMATS as EXPORTED

    assert EXPORTED is rendering.FORMATS
    assert set(RENDERED) == {".mid", ".midi", ".wav", ".musicxml", ".xml", ".mxl"}
    assert all(rendering.format_of(f"a{ext}")[0] in rendering.BAND for ext in RENDERED)


@pytest.mark.parametrize("how", ["cli", "export"])
def test_a_failed_render_leaves_the_old_file_whole(
    how: str, song: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out.mid"
    out.write_bytes(b"precious")

    def half(arrangement: object, path: str | Path) -> Path:
        Path(path).write_bytes(b"MThd half a file")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(midi, "write_midi", half)
    if how == "cli":
        assert main(["render", str(song), "-o", str(out)]) != 0
        err = capsys.readouterr().err.strip().splitlines()
        assert err == [f"cowriter: cannot write {out}: No space left on device (check the folder exists)"]
    else:
        with pytest.raises(CowriterError, match="No space left"):
            write_export(SONG, out, overwrite=True)
    assert out.read_bytes() == b"precious"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.mid", "song.cho"]  # no scratch left


@pytest.mark.parametrize("name", ["out.mid", "out.cho", "out.musicxml"])
def test_the_file_and_its_folder_reach_the_disk(
    name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    if name.endswith(".musicxml"):
        pytest.importorskip("music21")
    synced: list[str] = []
    real = os.fsync

    def fsync(fd: int) -> None:
        synced.append(os.readlink(f"/proc/self/fd/{fd}"))
        real(fd)

    monkeypatch.setattr(os, "fsync", fsync)
    target = write_export(SONG, tmp_path / name).path
    first, last = Path(synced[0]), synced[-1]
    assert first.name == target.name and first.parent.parent == tmp_path  # the file, before it is renamed
    assert last == str(tmp_path)  # then the rename, through its folder


def test_render_and_export_write_the_same_bytes(
    song: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["render", str(song), "-o", str(tmp_path / "render.mid")]) == 0
    capsys.readouterr()
    exported = write_export(SONG, tmp_path / "export.mid").path
    assert exported.read_bytes() == (tmp_path / "render.mid").read_bytes()


def test_write_file_keeps_a_links_target_and_its_mode(tmp_path: Path) -> None:
    real = tmp_path / "real.txt"
    real.write_text("old")
    real.chmod(0o640)
    link = tmp_path / "link.txt"
    link.symlink_to(real)
    write_file(link, lambda part: part.write_text("new"))
    assert link.is_symlink() and real.read_text() == "new"
    assert real.stat().st_mode & 0o777 == 0o640
