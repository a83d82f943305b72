"""Our MIDI files as MuseScore 3, timidity and FluidSynth read them: the songs of examples/ and
tests/data/songs, with the melody `cowriter melody --write` stores and without, and a song whose key
changes.

- MuseScore 3 imports each file (headless, one batch job): the words are lyrics (a tune's syllables, in
  order), no chord name is read as a lyric, and the key signatures are the song's, where they change.
- timidity, a karaoke-style player, prints the lyric events as it plays: it shows the song's words, a
  space between them and a line break at each line's end (not "A-ma-zinggrace…").
- FluidSynth renders each example with FluidR3 GM without an error and with sound.
The programs come from Debian (`musescore3`, `timidity`, `fluidsynth`, `fluid-soundfont-gm`; scripts/test.sh
installs them); where one is missing its tests skip and say so.
"""

from __future__ import annotations

import contextlib
import io
import json
import re
import shutil
import subprocess
import wave
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

import pytest

from cowriter.cli import main as cli
from cowriter.core.arrange import arrange, melody_of
from cowriter.core.encoding import decode
from cowriter.core.keys import parse_key
from cowriter.core.sheet import read_song
from cowriter.core.song import Song
from cowriter.core.timing import timeline
from cowriter.render.midi import write_midi
from tests.conftest import DATA, ROOT

SOUNDFONT = Path("/usr/share/sounds/sf2/FluidR3_GM.sf2")
KEY_CHANGE = """{title: Key Change}
{key: G}
{start_of_verse: Verse 1}
[G]One two three [C]four five [D]six seven [G]eight
[G]Nine ten e[C]leven [D]twelve and [G]more
{end_of_verse}
{key: Bb}
{start_of_verse: Verse 2}
[Bb]One two three [Eb]four five [F]six seven [Bb]eight
[Bb]Nine ten e[Eb]leven [F]twelve and [Bb]more
{end_of_verse}
"""


@dataclass
class Midi:
    name: str
    song: Song
    path: Path
    melody: bool
    mscx: Path | None = None


def _songs() -> list[tuple[str, str]]:
    found = [
        (f"ex-{p.stem}", p.read_text(encoding="utf-8")) for p in sorted((ROOT / "examples").glob("*.cho"))
    ]
    found += [
        (p.stem, decode(p.read_bytes()))
        for p in sorted((DATA / "songs").iterdir())
        if p.suffix in (".cho", ".txt")
    ]
    return [*found, ("key-change", KEY_CHANGE)]


@pytest.fixture(scope="session")
def midis(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Midi]:
    folder = tmp_path_factory.mktemp("midi")
    out: dict[str, Midi] = {}
    for name, text in _songs():
        song = read_song(text)
        try:
            arrangement = arrange(song, seed=1)
        except ValueError:
            continue  # no chords to play (the malformed test sheet)
        out[name] = Midi(name, song, write_midi(arrangement, folder / f"{name}.mid"), False)
        source = folder / f"{name}+melody.cho"
        source.write_text(text, encoding="utf-8")
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
            code = cli(["melody", str(source), "--write", "--seed", "1"])
        tuned = read_song(source.read_text(encoding="utf-8"))
        if code == 0 and melody_of(tuned):
            path = write_midi(arrange(tuned, seed=1), folder / f"{name}+melody.mid")
            out[name + "+melody"] = Midi(name + "+melody", tuned, path, True)
    return out


@pytest.fixture(scope="session")
def musescore(midis: dict[str, Midi], tmp_path_factory: pytest.TempPathFactory) -> dict[str, Midi]:
    if shutil.which("mscore3") is None:
        pytest.skip("mscore3 not installed (Debian package musescore3)")
    folder = tmp_path_factory.mktemp("midi-mscx")
    home = folder / "home"
    home.mkdir()
    home.chmod(0o700)
    jobs = [{"in": str(m.path), "out": str(folder / f"{m.name}.mscx")} for m in midis.values()]
    (folder / "job.json").write_text(json.dumps(jobs))
    env = {
        "PATH": "/usr/bin:/bin",
        "HOME": str(home),
        "XDG_RUNTIME_DIR": str(home),
        "QT_QPA_PLATFORM": "offscreen",
    }
    run = subprocess.run(["mscore3", "-j", str(folder / "job.json")], capture_output=True, text=True, env=env,
                         timeout=900, check=False)  # fmt: skip
    assert run.returncode == 0, run.stderr[-2000:]
    for m in midis.values():
        mscx = folder / f"{m.name}.mscx"
        m.mscx = mscx if mscx.exists() else None
    return midis


def _staves(mscx: Path) -> list[ET.Element]:
    return ET.parse(mscx).getroot().findall("Score/Staff")


def _lyrics(staff: ET.Element) -> list[str]:
    """The staff's lyrics, one per note that has any (MuseScore 3.2 attaches a lyric event twice to its
    note when another part strikes a note on exactly the same tick: in Amazing Grace "ma" where the bass
    plays at 1440, "how" where the piano does at 3360; both copies are the one lyric, drawn on each other)."""
    out = []
    for chord in staff.iter("Chord"):
        texts = [(ly.findtext("text") or "").strip() for ly in chord.findall("Lyrics")]
        out += list(dict.fromkeys(t for t in texts if t))
    return out


def _keysigs(staff: ET.Element) -> list[tuple[int, int]]:
    out = []
    for bar, measure in enumerate(staff.findall("Measure"), start=1):
        for key in measure.iter("KeySig"):
            out.append((bar, int(key.findtext("accidental", "0"))))
    return out


def test_musescore_reads_every_file(musescore: dict[str, Midi]) -> None:
    assert len(musescore) >= 12
    assert all(m.mscx is not None for m in musescore.values()), [
        m.name for m in musescore.values() if not m.mscx
    ]


def test_musescore_reads_the_tunes_syllables_as_the_lyrics(musescore: dict[str, Midi]) -> None:
    tuned = [m for m in musescore.values() if m.melody]
    assert len(tuned) >= 6
    for m in tuned:
        assert m.mscx is not None
        sung = [n.syllable for n in melody_of(m.song) if n.syllable]
        shown = [re.sub(r"[^\w'’]", "", t) for t in _lyrics(_staves(m.mscx)[0])]  # the melody's staff
        assert shown == sung, m.name


def test_musescore_reads_no_chord_name_as_a_lyric(musescore: dict[str, Midi]) -> None:
    for m in musescore.values():
        assert m.mscx is not None
        words = " ".join(" ".join(ln.lyrics.split()) for ln in m.song.lines)
        for staff in _staves(m.mscx):
            for text in _lyrics(staff):
                assert text in words, (m.name, text)  # the song's words, never a chord name ("G7")


def test_musescore_reads_the_key_and_where_it_changes(musescore: dict[str, Midi]) -> None:
    for m in musescore.values():
        assert m.mscx is not None
        keys = [k for k in arrange(m.song, seed=1).keys]
        expected = [parse_key(k.key).signature for k in keys]
        collapsed = [s for i, s in enumerate(expected) if i == 0 or s != expected[i - 1]]
        found = [acc for _, acc in _keysigs(_staves(m.mscx)[0])]
        if not found or _keysigs(_staves(m.mscx)[0])[0][0] > 1:
            found.insert(0, 0)  # MuseScore writes no key signature for C major (or A minor)
        assert found == collapsed, m.name
    song = musescore["key-change"]
    assert song.mscx is not None
    b_flat = next(s.bar for s in timeline(song.song).spans if s.chord == "Bb")
    assert _keysigs(_staves(song.mscx)[0]) == [(1, 1), (b_flat + 1, -2)]  # (bar 1 is the count-in)


def test_timidity_shows_the_words_line_by_line(midis: dict[str, Midi]) -> None:
    if shutil.which("timidity") is None:
        pytest.skip("timidity not installed (Debian package timidity)")
    for name in ("amazing-grace+melody", "ex-swing-low+melody", "ex-swing-low"):
        m = midis[name]
        run = subprocess.run(["timidity", "-Ow", "-o", "/dev/null", str(m.path)], capture_output=True,
                             timeout=300, check=False)  # fmt: skip
        assert run.returncode == 0
        shown = run.stdout.decode("latin-1")
        shown = re.sub(r"\([^)]*\)", "", shown)  # section markers, which timidity prints in brackets
        lines = [ln.strip() for part in shown.split("\n") for ln in part.split("\r") if ln.strip()]
        for line in m.song.lines:
            if line.has_words and m.melody:
                assert " ".join(line.lyrics.split()) in lines, (name, line.lyrics)
    grace = " ".join(midis["amazing-grace+melody"].song.lines[0].lyrics.split())
    assert grace == "Amazing grace, how sweet the sound"


def test_fluidsynth_plays_every_example(midis: dict[str, Midi], tmp_path: Path) -> None:
    if shutil.which("fluidsynth") is None or not SOUNDFONT.exists():
        pytest.skip("fluidsynth or FluidR3_GM.sf2 not installed (Debian fluidsynth, fluid-soundfont-gm)")
    for name in ("ex-swing-low+melody", "ex-oh-susanna+melody", "ex-st-louis-blues+melody"):
        out = tmp_path / f"{name}.wav"
        command = ["fluidsynth", "-ni", "-F", str(out), "-r", "22050", str(SOUNDFONT), str(midis[name].path)]
        run = subprocess.run(command, capture_output=True, text=True, timeout=300, check=False)
        assert run.returncode == 0 and "error" not in (run.stdout + run.stderr).lower(), run.stderr
        with wave.open(str(out)) as w:
            frames = w.readframes(w.getnframes())
        assert len(frames) > 22050 * 4 * 10 and max(frames) > 0
