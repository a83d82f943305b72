"""`cowriter melody` on real lyrics (public domain and our own), through the command line entry point.

The quality rules of issue 8 are measured here from the `--json` output, independently of the score card:
one note per syllable, stressed syllables on strong beats where the meter allows, chord tones on strong
beats, the voice's range, and ABC that reads back the same through our parser and through music21.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from cowriter.cli import main
from cowriter.core.abc import parse_abc, parse_abc_block
from cowriter.core.chords import try_parse_chord
from cowriter.core.sheet import read_song
from cowriter.core.song import SectionKind
from cowriter.core.timeline import Meter
from cowriter.core.timing import timeline
from cowriter.lyrics import syllabify

DATA = Path(__file__).resolve().parents[1] / "data" / "melody"
SONGS = sorted(DATA.glob("*.cho"))
RANGES = {"soprano": (60, 79), "alto": (55, 74), "tenor": (48, 67), "baritone": (45, 64), "bass": (40, 60)}


def run_json(capsys: pytest.CaptureFixture[str], *args: str) -> list[dict[str, Any]]:
    assert main(["melody", *args, "--json"]) == 0
    out: list[dict[str, Any]] = json.loads(capsys.readouterr().out)
    return out


def lyric_lines(path: Path) -> list[str]:
    song = read_song(path.read_text())
    return [
        ln.lyrics
        for s in song.sections
        if not s.recall and s.kind is not SectionKind.ABC
        for ln in s.lines
        if ln.has_words
    ]


def strong(offset: float, meter: Meter) -> bool:
    """Downbeats and the middle of even bars (beat 3 of 4/4, beat 4 of 6/8)."""
    pos = offset % meter.beats
    return pos == 0 or (meter.beats % 2 == 0 and pos == meter.beats / 2)


def test_json_has_exactly_the_contract_keys(capsys: pytest.CaptureFixture[str]) -> None:
    out = run_json(capsys, str(DATA / "northbound.cho"), "--line", "1", "--alternatives", "2")
    assert len(out) == 2
    for alt in out:
        assert list(alt) == ["abc", "score", "notes"]
        assert all(list(n) == ["pitch", "start", "duration", "syllable"] for n in alt["notes"])
        assert isinstance(alt["score"], float | int)
    assert out[0]["score"] >= out[1]["score"]


@pytest.mark.parametrize("song", SONGS, ids=lambda p: p.stem)
def test_notes_match_the_syllables(capsys: pytest.CaptureFixture[str], song: Path) -> None:
    lines = lyric_lines(song)
    expected = [s.text for line in lines for s in syllabify(line)]
    # the words as written, apostrophes of elisions kept ("'Twas", "Comin'")
    written = "".join(ch for line in lines for ch in line if ch.isalnum() or ch in "'’")
    for alt in run_json(capsys, str(song), "--alternatives", "3", "--seed", "5"):
        sung = [n["syllable"] for n in alt["notes"] if n["syllable"]]
        assert len(sung) == len(expected)
        assert [s.strip("'’") for s in sung] == [s.strip("'’") for s in expected]
        assert "".join(sung) == written
        assert alt["notes"][0]["syllable"]  # an empty syllable only continues one


@pytest.mark.parametrize("song", SONGS, ids=lambda p: p.stem)
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_stress_on_strong_beats_and_chord_tones_there(
    capsys: pytest.CaptureFixture[str], song: Path, seed: int
) -> None:
    parsed = read_song(song.read_text())
    timed = timeline(parsed)
    meter = timed.meters[0].meter
    lines = [
        ln
        for s in parsed.sections
        if not s.recall and s.kind is not SectionKind.ABC
        for ln in s.lines
        if ln.has_words
    ]
    patterns = [[s.stress for s in syllabify(ln.lyrics)] for ln in lines]
    phrases = []  # each line's strong beats: its first performance's bars
    for ln in lines:
        spans = [s for s in timed.spans if s.line == ln.line]
        start = spans[0].start - (spans[0].beat - 1)
        phrases.append(
            sum(strong(b / 2, meter) for b in range(int((spans[-1].start + spans[-1].duration - start) * 2)))
        )
    for alt in run_json(capsys, str(song), "--alternatives", "2", "--seed", str(seed)):
        heads = [n for n in alt["notes"] if n["syllable"]]
        hits = room = k = 0
        for pattern, slots in zip(patterns, phrases, strict=True):
            notes = heads[k : k + len(pattern)]
            k += len(pattern)
            stressed = [n for n, s in zip(notes, pattern, strict=True) if s]
            room += min(len(stressed), slots)
            hits += min(sum(strong(n["start"], meter) for n in stressed), slots)
        assert hits / room >= 0.9, f"{hits}/{room} stressed syllables on strong beats"
        chordal = total = 0
        for n in alt["notes"]:
            if not strong(n["start"], meter):
                continue
            span = next((s for s in reversed(timed.spans) if s.start <= n["start"] + 1e-9), None)
            chord = try_parse_chord(span.chord) if span else None
            if chord is None or chord.is_no_chord:
                continue
            total += 1
            chordal += n["pitch"] % 12 in {(pc + span.transpose) % 12 for pc in chord.pitch_classes}
        assert chordal / total >= 0.8, f"{chordal}/{total} strong-beat notes are chord tones"


@pytest.mark.parametrize("voice", sorted(RANGES))
def test_the_range_holds(capsys: pytest.CaptureFixture[str], voice: str) -> None:
    low, high = RANGES[voice]
    for alt in run_json(capsys, str(DATA / "oh-susanna.cho"), "--voice", voice, "--alternatives", "3"):
        assert all(low <= n["pitch"] <= high for n in alt["notes"])


@pytest.mark.parametrize("song", SONGS, ids=lambda p: p.stem)
def test_abc_round_trips_through_our_parser(capsys: pytest.CaptureFixture[str], song: Path) -> None:
    for alt in run_json(capsys, str(song), "--alternatives", "2"):
        tune = parse_abc(alt["abc"])
        got = [(round(tune.offset + n.start, 6), n.duration, n.pitch, n.syllable) for n in tune.notes]
        want = [(n["start"], n["duration"], n["pitch"], n["syllable"]) for n in alt["notes"]]
        assert got == want


@pytest.mark.parametrize("song", SONGS, ids=lambda p: p.stem)
def test_abc_round_trips_through_music21(capsys: pytest.CaptureFixture[str], song: Path) -> None:
    music21 = pytest.importorskip("music21")
    alt = run_json(capsys, str(song), "--alternatives", "1")[0]
    tune = parse_abc(alt["abc"])
    score = music21.converter.parse(alt["abc"], format="abc")
    scale = tune.meter.unit / 4  # quarter lengths -> beats of the meter
    merged: list[list[float]] = []
    for n in score.recurse().getElementsByClass("Note"):
        start = float(n.getOffsetInHierarchy(score)) * scale
        length = float(n.quarterLength) * scale
        if n.tie is not None and n.tie.type in ("stop", "continue") and merged:
            merged[-1][1] += length
        else:
            merged.append([start, length, n.pitch.midi])
    offset = tune.offset
    want = [[n["start"] - offset, n["duration"], n["pitch"]] for n in alt["notes"]]
    assert [[round(a, 6), round(b, 6), p] for a, b, p in merged] == [
        [round(a, 6), round(b, 6), p] for a, b, p in want
    ]


def test_same_seed_same_output(capsys: pytest.CaptureFixture[str]) -> None:
    song = str(DATA / "amazing-grace.cho")
    a = run_json(capsys, song, "--seed", "3")
    b = run_json(capsys, song, "--seed", "3")
    c = run_json(capsys, song, "--seed", "4")
    assert a == b and a != c


def test_line_counts_lyric_lines_across_the_song(capsys: pytest.CaptureFixture[str]) -> None:
    song = DATA / "northbound.cho"
    lines = lyric_lines(song)
    for n in (1, 9, len(lines)):
        alt = run_json(capsys, str(song), "--line", str(n), "--alternatives", "1")[0]
        assert [x["syllable"] for x in alt["notes"] if x["syllable"]] == [
            s.text for s in syllabify(lines[n - 1])
        ]
    chorus_start = timeline(read_song(song.read_text())).sections[1].start
    first_chorus = run_json(capsys, str(song), "--line", "9", "--alternatives", "1")[0]["notes"][0]
    assert (
        first_chorus["start"] >= chorus_start - 2
    )  # on the song's clock (a pickup at most half a bar early)


def test_section_and_second_verse(capsys: pytest.CaptureFixture[str]) -> None:
    song = str(DATA / "northbound.cho")
    verse2 = run_json(capsys, song, "--section", "Verse 2", "--alternatives", "1")[0]
    words = [s.text for line in lyric_lines(DATA / "northbound.cho")[12:] for s in syllabify(line)]
    assert [n["syllable"] for n in verse2["notes"] if n["syllable"]] == words
    chorus = run_json(capsys, song, "--section", "chorus", "--alternatives", "1")[0]
    assert "T:Northbound - Chorus" in chorus["abc"]


def test_plain_output_is_abc_with_an_explained_score(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["melody", str(DATA / "low-tide.cho"), "--alternatives", "2"]) == 0
    out = capsys.readouterr().out
    assert out.count("X:") == 2 and "X:1" in out and "X:2" in out
    assert out.startswith("% 1. score ") and "stress" in out and "chord tones" in out
    assert "M:6/8" in out and "K:Am" in out


def test_write_stores_the_best_sketch_as_an_abc_block(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "song.cho"
    shutil.copy(DATA / "northbound.cho", path)
    before = path.read_text()
    best = run_json(capsys, str(path), "--section", "chorus", "--alternatives", "2")[0]
    assert main(["melody", str(path), "--section", "chorus", "--alternatives", "2", "--write"]) == 0
    after = path.read_text()
    assert after.startswith(before.split("{start_of_verse: Verse 2}")[0].rstrip())
    song = read_song(after)
    blocks = [s for s in song.sections if s.kind is SectionKind.ABC]
    assert len(blocks) == 1 and blocks[0].label == "Melody: Chorus"
    text = "\n".join(item.text for item in blocks[0].items if hasattr(item, "text"))
    tune = parse_abc_block(text)
    assert [(round(tune.offset + n.start, 6), n.pitch) for n in tune.notes] == [
        (n["start"], n["pitch"]) for n in best["notes"]
    ]
    assert timeline(song).bars == timeline(read_song(before)).bars  # the block takes no time
    # writing again replaces the block instead of adding another
    assert main(["melody", str(path), "--section", "chorus", "--seed", "9", "--write"]) == 0
    again = read_song(path.read_text())
    assert sum(s.kind is SectionKind.ABC for s in again.sections) == 1
    assert lyric_lines(path) == lyric_lines(DATA / "northbound.cho")


def test_write_through_a_symlink_keeps_the_link_and_the_permissions(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    real = tmp_path / "real.cho"
    shutil.copy(DATA / "northbound.cho", real)
    real.chmod(0o664)
    link = tmp_path / "link.cho"
    link.symlink_to(real)
    assert main(["melody", str(link), "--line", "1", "--alternatives", "1", "--write"]) == 0
    assert link.is_symlink() and "{start_of_abc" in real.read_text()
    assert real.stat().st_mode & 0o777 == 0o664
    assert sorted(p.name for p in tmp_path.iterdir()) == ["link.cho", "real.cho"]


def test_write_refuses_a_read_only_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = tmp_path / "song.cho"
    shutil.copy(DATA / "northbound.cho", path)
    path.chmod(0o444)
    before = path.read_text()
    assert main(["melody", str(path), "--line", "1", "--alternatives", "1", "--write"]) == 1
    assert "read-only" in capsys.readouterr().err
    assert path.read_text() == before and sorted(p.name for p in tmp_path.iterdir()) == ["song.cho"]


def test_write_from_stdin_prints_the_song(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import io
    import sys

    text = (DATA / "low-tide.cho").read_text()
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(text.encode())))
    assert main(["melody", "-", "--line", "2", "--write"]) == 0
    out = capsys.readouterr().out
    assert out.startswith(text.rstrip("\n").split("\n")[0])
    assert "{start_of_abc: Melody: line 2}" in out and out.rstrip().endswith("{end_of_abc}")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--line", "99"], "out of range"),
        (["--line", "0"], "out of range"),
        (["--section", "bridge"], "no section 'bridge'"),
        (["--alternatives", "0"], "at least 1"),
    ],
)
def test_errors_are_one_line(capsys: pytest.CaptureFixture[str], args: list[str], message: str) -> None:
    assert main(["melody", str(DATA / "northbound.cho"), *args]) == 1
    err = capsys.readouterr().err
    assert message in err and len(err.strip().splitlines()) == 1


def test_song_without_lyrics(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = tmp_path / "instrumental.cho"
    path.write_text("{title: Tune}\n[C] [G] | [Am] [F]\n")
    assert main(["melody", str(path)]) == 1
    assert "no lyric lines" in capsys.readouterr().err


def test_song_without_chords_still_sings(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = tmp_path / "words.txt"
    path.write_text("The river runs along the stone\nAnd I am walking home alone\n")
    out = run_json(capsys, str(path), "--alternatives", "1")[0]
    assert len([n for n in out["notes"] if n["syllable"]]) == 16
    assert out["notes"][0]["start"] >= 0


def test_transposed_song_sings_in_the_sounding_key(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "up.cho"
    path.write_text(
        "{title: Up}\n{key: C}\n{transpose: 2}\n[C]Leaving on a [G]train today\n[F]Never coming [C]back\n"
    )
    alt = run_json(capsys, str(path), "--alternatives", "1")[0]
    tune = parse_abc(alt["abc"])
    assert tune.key == "D" and [c.symbol for c in tune.chords] == ["D", "A", "G", "D"]
    assert alt["notes"][-1]["pitch"] % 12 == 2  # home on the sounding tonic


def test_write_into_a_plain_text_sheet_keeps_its_lines(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "plain.txt"
    text = "[Verse]\n   C        G\nLeaving on a train\n   F        C\nNever coming back\n\n"
    text += "[Chorus]\nF       C\nOh my darling\n"
    path.write_bytes(text.replace("\n", "\r\n").encode())
    assert main(["melody", str(path), "--line", "1", "--write"]) == 0
    after = path.read_bytes().decode()
    assert "\n" not in after.replace("\r\n", "")  # CRLF kept
    lines = after.split("\r\n")
    start = lines.index("{start_of_abc: Melody: line 1}")
    assert lines[:5] == text.split("\n")[:5]  # the block comes after the verse, not inside it
    assert start > 4 and "{end_of_abc}" in lines[start:]
    capsys.readouterr()
    assert main(["melody", str(path), "--line", "3", "--alternatives", "1"]) == 0  # still readable
