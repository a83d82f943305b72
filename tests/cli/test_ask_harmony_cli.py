"""Progressions and reharmonisations through the real command line with the real default model: the
grid plays at once (`parse --json` timeline), and the rendered audio sounds the chords written."""

from __future__ import annotations

import json
import wave
from pathlib import Path

import pytest

from cowriter.cli import main
from cowriter.core.chords import parse_chord
from cowriter.core.keys import parse_key
from cowriter.core.theory import in_key

WALTZ = "a chord progression for a sad waltz in D minor"
GRACE = Path(__file__).resolve().parent.parent / "data" / "songs" / "amazing-grace.cho"


@pytest.fixture(autouse=True)
def _no_user_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.delenv("COWRITER_MODEL", raising=False)
    monkeypatch.delenv("COWRITER_PROMPTS", raising=False)


def parsed(path: Path, capsys: pytest.CaptureFixture[str]) -> dict[str, object]:
    assert main(["parse", "--json", str(path)]) == 0
    out: dict[str, object] = json.loads(capsys.readouterr().out)
    return out


def chroma_by_span(wav: Path, timeline: list[dict[str, object]], seconds_per_bar: float) -> list[set[int]]:
    """The three strongest pitch classes in the middle of each chord's bar (a count-in bar first)."""
    import numpy as np

    with wave.open(str(wav)) as w:
        rate, channels = w.getframerate(), w.getnchannels()
        samples = np.frombuffer(w.readframes(w.getnframes()), dtype=np.int16).astype(np.float32)
    mono = samples.reshape(-1, channels).mean(axis=1)
    out = []
    for span in timeline:
        bar = int(span["bar"])  # type: ignore[call-overload]
        start = int((bar + 0.1) * seconds_per_bar * rate)  # bar 1 follows the count-in
        segment = mono[start : start + int(0.8 * seconds_per_bar * rate)]
        spectrum = np.abs(np.fft.rfft(segment * np.hanning(len(segment)))) ** 2
        freqs = np.fft.rfftfreq(len(segment), 1 / rate)
        keep = (freqs > 60) & (freqs < 2000)
        chroma = np.zeros(12)
        np.add.at(chroma, np.round(69 + 12 * np.log2(freqs[keep] / 440)).astype(int) % 12, spectrum[keep])
        out.append({int(i) for i in np.argsort(chroma)[::-1][:3]})
    return out


@pytest.mark.slow
@pytest.mark.model
@pytest.mark.parametrize("task", [["--task", "chords"], []])
def test_a_sad_waltz_in_d_minor_plays_at_once(
    task: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["ask", WALTZ, *task, "--seed", "4"]) == 0
    captured = capsys.readouterr()
    assert "outside the key" not in captured.err and "option" in captured.err
    song = tmp_path / "waltz.cho"
    song.write_text(captured.out, encoding="utf-8")
    assert captured.out.startswith("{key: Dm}\n{time: 3/4}\n{start_of_grid")
    info = parsed(song, capsys)
    assert (info["key"], info["time"], info["bars"], info["errors"]) == ("Dm", "3/4", 8, [])
    timeline = info["timeline"]
    assert isinstance(timeline, list)
    chords = [span["chord"] for span in timeline]
    assert all(in_key(c, parse_key("Dm")) for c in chords), chords
    assert chords[-1] == "Dm"  # the close resolves: into the tonic from V7, iv or the aeolian VII
    into = next(c for c in reversed(chords) if c != "Dm")
    assert into in ("A7", "A", "Gm", "C"), chords
    assert [span["bar"] for span in timeline] == list(range(1, 9)) and all(s["beat"] == 1 for s in timeline)


@pytest.mark.slow
@pytest.mark.model
def test_the_rendered_waltz_sounds_its_chords(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["ask", WALTZ, "--seed", "1"]) == 0
    song = tmp_path / "waltz.cho"
    song.write_text(capsys.readouterr().out, encoding="utf-8")
    wav = tmp_path / "waltz.wav"
    assert main(["render", str(song), "-o", str(wav), "--seed", "1"]) == 0
    capsys.readouterr()
    info = parsed(song, capsys)
    timeline = info["timeline"]
    assert isinstance(timeline, list)
    per_bar = float(info["seconds"]) / int(info["bars"])  # type: ignore[arg-type]
    heard = chroma_by_span(wav, timeline, per_bar)
    for span, loudest in zip(timeline, heard, strict=True):
        chord = parse_chord(str(span["chord"]))
        assert loudest <= set(chord.pitch_classes), (span["chord"], loudest)


@pytest.mark.slow
@pytest.mark.model
def test_richer_reharmonisation_with_a_named_chord(capsys: pytest.CaptureFixture[str]) -> None:
    prompt = "reharmonise with richer chords, use an E7"
    assert main(["ask", prompt, "--song", str(GRACE), "--seed", "2", "--json"]) == 0
    captured = capsys.readouterr()
    out = json.loads(captured.out)
    assert out["task"] == "reharmonise" and out["errors"] == []
    assert "outside the key" not in captured.err
    lines = out["chordpro"].strip().split("\n")
    assert len(lines) == 4 and lines[-1].endswith("first be[Gadd9]gun.")  # the last verse, resolved
    assert "[E7]" in out["chordpro"]
    after_e7 = out["chordpro"].split("[E7]", 1)[1]
    assert after_e7.split("[", 1)[1].startswith("Am")  # E7 leads to Am (V7/ii)
