"""Export by extension: ChordPro or text, the arranged MIDI, the MusicXML lead sheet, the WAV; refusals
(unknown extension, missing folder, existing file) before anything is written."""

from __future__ import annotations

import os
import subprocess
import sys
import wave
from pathlib import Path

import pytest

from cowriter.cli import main
from cowriter.core.arrange import arrange
from cowriter.core.sheet import read_song
from cowriter.errors import CowriterError
from cowriter.service.workspace import Workspace
from cowriter.service.workspace.export import CHOICES, ExportExists, check_export, export_kind, write_export

SONG = """{title: Two Lines}
{key: C}
{tempo: 120}
[C]Row the boat [G]down the stream
[F]slowly to the [C]sea
"""

OVER = """C            G
Row the boat down the stream
"""


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("a.cho", "chordpro"), ("a.CHORDPRO", "chordpro"), ("a.pro", "chordpro"), ("a.txt", "text"),
        ("a.mid", "midi"), ("a.midi", "midi"), ("a.musicxml", "musicxml"), ("a.xml", "musicxml"),
        ("a.mxl", "musicxml"), ("a.wav", "wav"),
    ],
)  # fmt: skip
def test_the_extension_chooses_the_format(name: str, kind: str) -> None:
    assert export_kind(name)[0] == kind


@pytest.mark.parametrize("name", ["song.doc", "song", "song.mp3", "notes.cho.bak"])
def test_an_unknown_extension_is_refused_listing_the_choices(name: str, tmp_path: Path) -> None:
    with pytest.raises(CowriterError) as info:
        write_export(SONG, tmp_path / name)
    assert name in info.value.message and info.value.hint == f"name it {CHOICES}"
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    ("text", "name", "written"),
    [
        (SONG, "out.cho", SONG),
        (SONG, "out.txt", SONG),
        (OVER, "out.txt", OVER),  # text as written
        (OVER, "out.cho", "[C]Row the boat [G]down the stream\n"),  # converted to ChordPro
    ],
)
def test_text_formats(text: str, name: str, written: str, tmp_path: Path) -> None:
    out = write_export(text, tmp_path / name)
    assert out.path.read_text(encoding="utf-8") == written and out.size == len(written.encode())


def test_midi_is_the_arranged_band_as_render_writes_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    mido = pytest.importorskip("mido")
    out = write_export(SONG, tmp_path / "out.mid").path
    song = tmp_path / "song.cho"
    song.write_text(SONG, encoding="utf-8")
    assert main(["render", str(song), "-o", str(tmp_path / "render.mid")]) == 0
    capsys.readouterr()
    assert out.read_bytes() == (tmp_path / "render.mid").read_bytes()
    midi = mido.MidiFile(out)
    notes = sum(1 for track in midi.tracks for msg in track if msg.type == "note_on" and msg.velocity)
    expected = sum(len(t.notes) for t in arrange(read_song(SONG)).tracks)
    assert notes == expected > 0


def test_midi_follows_the_transport_tempo(tmp_path: Path) -> None:
    mido = pytest.importorskip("mido")
    ws = Workspace(text=SONG)
    ws.settings.bpm = 90
    midi = mido.MidiFile(ws.export(tmp_path / "slow.mid"))
    tempos = [m.tempo for t in midi.tracks for m in t if m.type == "set_tempo"]
    assert tempos and round(mido.tempo2bpm(tempos[0])) == 90


@pytest.mark.parametrize("name", ["sheet.musicxml", "sheet.xml", "sheet.mxl"])
def test_musicxml_is_the_lead_sheet(name: str, tmp_path: Path) -> None:
    music21 = pytest.importorskip("music21")
    out = write_export(SONG, tmp_path / name).path
    score = music21.converter.parse(str(out))
    symbols = [c.figure for c in score.recurse().getElementsByClass(music21.harmony.ChordSymbol)]
    assert symbols[:4] == ["C", "G", "F", "C"]
    assert [p.name for p in tmp_path.iterdir()] == [name]  # no scratch file left


@pytest.mark.slow
def test_wav_is_the_band_rendered(tmp_path: Path) -> None:
    out = write_export(SONG, tmp_path / "band.wav").path
    with wave.open(str(out)) as w:
        assert w.getnchannels() == 2 and w.getsampwidth() == 2
        seconds = w.getnframes() / w.getframerate()
    assert seconds >= arrange(read_song(SONG)).seconds


def test_an_existing_file_is_kept_unless_overwriting(tmp_path: Path) -> None:
    target = tmp_path / "out.mid"
    target.write_bytes(b"precious")
    target.chmod(0o640)
    with pytest.raises(ExportExists, match="already exists"):
        write_export(SONG, target)
    assert target.read_bytes() == b"precious"
    write_export(SONG, target, overwrite=True)
    assert target.read_bytes().startswith(b"MThd")
    assert target.stat().st_mode & 0o777 == 0o640  # the file keeps its permissions
    assert [p.name for p in tmp_path.iterdir()] == ["out.mid"]


def test_a_failed_render_leaves_the_old_file_and_no_scratch(tmp_path: Path) -> None:
    target = tmp_path / "out.mid"
    target.write_bytes(b"precious")
    with pytest.raises(CowriterError, match="cannot export"):
        write_export("{title: No chords}\njust words\n", target, overwrite=True)
    assert target.read_bytes() == b"precious"
    assert [p.name for p in tmp_path.iterdir()] == ["out.mid"]


@pytest.mark.parametrize("name", ["missing/out.cho", "missing/deeper/out.mid"])
def test_a_missing_folder_is_not_made(name: str, tmp_path: Path) -> None:
    with pytest.raises(CowriterError, match="doesn't exist"):
        write_export(SONG, tmp_path / name)
    assert not (tmp_path / "missing").exists()


def test_a_folder_is_not_a_file_name(tmp_path: Path) -> None:
    with pytest.raises(CowriterError, match="is a folder"):
        check_export(tmp_path)


def test_the_workspace_export_overwrites_only_when_asked(tmp_path: Path) -> None:
    ws = Workspace(text=SONG)
    target = tmp_path / "song.cho"
    target.write_text("old\n")
    with pytest.raises(ExportExists):
        ws.export(target, overwrite=False)
    assert ws.export(target) == target and target.read_text() == SONG  # the screen asked first


def test_heavy_libraries_wait_for_an_export() -> None:
    code = (
        "import sys, cowriter.service.workspace.export, cowriter.service.workspace;"
        "print(sorted(m for m in ('numpy', 'mido', 'music21') if m in sys.modules))"
    )
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env)
    assert out.stdout.strip() == "[]"
