"""The band, judged and timed.

Chords heard and the bass on the change: every song we have (examples, tests/data/songs, the conformance
songs where they parse) in every style and meter, judged by `core.arrange.audit` from the note events,
for this checkout and, in the same run, for the arranger before issue 16 (commit BASE, exported with
`git archive` into a temporary folder and run with that folder first on PYTHONPATH; the same judge).
`COWRITER_ARRANGE_BASE=<commit>` measures another one, `COWRITER_ARRANGE_BASE=` (empty) skips it; the
conformance songs are read from `COWRITER_CONFORMANCE` (else ../shared/conformance). Target: 100%.

Speed: a 64-bar song to MIDI bytes in process: cowriter (parse, time, arrange, write with mido) beside
music21 building and writing the same notes, measured in the same run. Target: at least 20x faster.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path
from typing import Any

from common import Row, best_of, fmt_ms

from cowriter.core.arrange import arrange
from cowriter.core.arrange import audit as audit_module
from cowriter.core.encoding import decode
from cowriter.core.events import Arrangement
from cowriter.core.format import to_chordpro
from cowriter.core.sheet import read_song
from cowriter.core.timing import timeline
from cowriter.render.midi import midi_bytes

ROOT = Path(__file__).resolve().parent.parent
BASE = "2686fda"  # main before issue 16's arranger changes
METERS = ("2/4", "3/4", "4/4", "6/8", "12/8")

PROGRESSION = ["C", "Am7", "Dm7", "G7", "Cmaj7", "F", "Bb7", "E7/G#"]


def song_text(bars: int = 64) -> str:
    rows = []
    for start in range(0, bars, 4):
        cells = " | ".join(f"{PROGRESSION[(start + i) % len(PROGRESSION)]} . . ." for i in range(4))
        rows.append(f"| {cells} |")
    return "{title: Bench}\n{tempo: 120}\n{key: C}\n{start_of_grid}\n" + "\n".join(rows) + "\n{end_of_grid}\n"


def cowriter_midi(text: str) -> bytes:
    return midi_bytes(arrange(read_song(text), style="pop", seed=1))


def music21_midi(arrangement: Arrangement) -> bytes:
    """The same notes, tempo and meter built as a music21 score and written as MIDI bytes."""
    from music21 import instrument, meter, midi, note, stream, tempo

    score = stream.Score()
    for track in arrangement.tracks:
        part = stream.Part()
        part.insert(0, instrument.Percussion() if track.channel == 9 else instrument.Piano())
        part.insert(0, meter.TimeSignature("4/4"))
        part.insert(0, tempo.MetronomeMark(number=arrangement.tempos[0].bpm))
        for n in track.notes:
            m = note.Note(n.pitch, quarterLength=max(0.0625, round(n.duration * 16) / 16))
            m.volume.velocity = n.velocity
            part.insert(round(n.start * 16) / 16, m)
        score.insert(0, part)
    return bytes(midi.translate.streamToMidiFile(score).writestr())


def corpus() -> list[dict[str, str]]:
    """Every song that parses, in every meter: {"name", "meter", "text"}."""
    conformance = Path(os.environ.get("COWRITER_CONFORMANCE", ROOT.parent / "shared" / "conformance"))
    paths = sorted((ROOT / "examples").glob("*.cho")) + sorted((ROOT / "tests" / "data" / "songs").iterdir())
    if (conformance / "songs").is_dir():
        paths += sorted((conformance / "songs").glob("*.cho")) + sorted((conformance / "songs").glob("*.txt"))
    out: list[dict[str, str]] = []
    for path in paths:
        song = read_song(decode(path.read_bytes()))
        if song.errors or not timeline(song).spans:
            continue
        text = to_chordpro(song)
        out.extend({"name": path.name, "meter": m, "text": audit_module.in_meter(text, m)} for m in METERS)
    return out


def judged(songs: list[dict[str, str]], pythonpath: Path) -> list[dict[str, Any]]:
    """Each arrangement's audit, arranged by the checkout at `pythonpath` (see arrange_audit.py)."""
    script = Path(__file__).resolve().parent / "arrange_audit.py"
    env = {**os.environ, "PYTHONPATH": str(pythonpath)}
    done = subprocess.run(
        [sys.executable, str(script), audit_module.__file__ or ""],
        input=json.dumps(songs),
        capture_output=True,
        text=True,
        env=env,
        check=True,
    )
    return [json.loads(line) for line in done.stdout.splitlines()]


def base_checkout(into: Path) -> Path | None:
    base = os.environ.get("COWRITER_ARRANGE_BASE", BASE)
    if not base:
        return None
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", base, "cowriter"], capture_output=True)
    if archive.returncode != 0:
        print(f"bench_arrange: no commit {base} here; the 'before' column is left out", file=sys.stderr)
        return None
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive.stdout, check=True)
    return into


def _share(results: list[dict[str, Any]], part: str, whole: str) -> tuple[float, int, int]:
    got = sum(int(r[part]) for r in results)
    of = sum(int(r[whole]) for r in results)
    return (100.0 * got / of if of else 100.0), got, of


def audit_rows() -> list[Row]:
    songs = corpus()
    after = judged(songs, ROOT)
    with tempfile.TemporaryDirectory(prefix="cowriter-base-") as tmp:
        base = base_checkout(Path(tmp))
        before = judged(songs, base) if base else []
    files = len({s["name"] for s in songs})
    label = f"cowriter at {os.environ.get('COWRITER_ARRANGE_BASE', BASE)}" if before else "-"
    scope = f"{files} songs x {len({r['style'] for r in after})} styles x {len(METERS)} meters ({len(after)})"
    rows = []
    for figure, part, whole in (
        ("chords heard with their 3rd and 7th", "heard", "chords"),
        ("bass on the root or slash bass at each change", "bass", "changes"),
    ):
        pct, got, of = _share(after, part, whole)
        peer = f"{_share(before, part, whole)[0]:.1f}%" if before else "-"
        rows.append(
            Row(
                f"{figure}, {scope}",
                f"{pct:.1f}% ({got}/{of})",
                label,
                peer,
                "100%",
                "ok" if got == of else "MISSED",
            )
        )
    wrong = sum(int(r["wrong"]) for r in after)
    peer_wrong = str(sum(int(r["wrong"]) for r in before)) if before else "-"
    rows.append(
        Row(
            "notes outside the chord (not an approach)",
            str(wrong),
            label,
            peer_wrong,
            "0",
            "ok" if not wrong else "MISSED",
        )
    )
    mean = sum(float(r["seconds"]) for r in after) / max(1, len(after))
    peer_mean = fmt_ms(sum(float(r["seconds"]) for r in before) / len(before)) if before else "-"
    rows.append(Row("arranging one of those (mean, in process)", fmt_ms(mean), label, peer_mean))
    if before:
        rules: Counter[str] = Counter()
        for r in before:
            for rule, n in r["rules"].items():
                rules[f"{r['style']} {rule}"] += n
        worst = ", ".join(f"{k} {v}" for k, v in rules.most_common(6))
        rows.append(Row("  misses before, by style and rule (most)", "-", label, worst))
    return rows


def rows() -> list[Row]:
    import music21

    text = song_text()
    arrangement = arrange(read_song(text), style="pop", seed=1)
    bars = round(arrangement.beats / 4) - 1
    notes = sum(len(t.notes) for t in arrangement.tracks)
    ours = best_of(lambda: cowriter_midi(text), repeat=7)
    peer = best_of(lambda: music21_midi(arrangement), repeat=3)
    ratio = peer / ours
    write = best_of(lambda: midi_bytes(arrangement), repeat=7)
    return [
        *audit_rows(),
        Row(
            f"{bars}-bar song ({notes} notes, {len(arrangement.tracks)} tracks) to MIDI bytes, in process",
            fmt_ms(ours),
            f"music21 {music21.__version__}",
            fmt_ms(peer),
            ">= 20x faster",
            f"{ratio:.0f}x {'ok' if ratio >= 20 else 'MISSED'}",
        ),
        Row(
            "the same notes: MIDI encoding alone",
            fmt_ms(write),
            f"music21 {music21.__version__}",
            fmt_ms(peer),
            ">= 20x faster",
            f"{peer / write:.0f}x {'ok' if peer / write >= 20 else 'MISSED'}",
        ),
    ]
