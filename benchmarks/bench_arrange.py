"""A 64-bar song to MIDI bytes in process: cowriter (parse, time, arrange, write with mido) beside music21
building and writing the same notes, measured in the same run. Target: at least 20x faster."""

from __future__ import annotations

from common import Row, best_of, fmt_ms

from cowriter.core.arrange import arrange
from cowriter.core.events import Arrangement
from cowriter.core.sheet import read_song
from cowriter.render.midi import midi_bytes

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
