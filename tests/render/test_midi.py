"""The MIDI file re-read with mido: tracks, programs, channel 10 drums, meta events, tempo in quarters."""

from __future__ import annotations

import io

import mido
import pytest

from cowriter.core.arrange import arrange
from cowriter.core.sheet import read_song
from cowriter.render.midi import TICKS_PER_QUARTER, key_name, midi_bytes

SONG = """{title: Round Trip}
{key: Bb}
{tempo: 100}
{start_of_verse: Verse}
[Bb]Hello [Gm7]there, [Eb]my old [F7]friend
{end_of_verse}
{start_of_chorus}
[Cm7]Sing [F/A]along [Bb]now
{end_of_chorus}
"""


def _read(data: bytes) -> mido.MidiFile:
    return mido.MidiFile(file=io.BytesIO(data))


def _meta(midi: mido.MidiFile, kind: str) -> list[mido.MetaMessage]:
    return [m for track in midi.tracks for m in track if m.type == kind]


def test_round_trip_tracks_markers_chords_lyrics() -> None:
    arrangement = arrange(read_song(SONG), seed=1)
    midi = _read(midi_bytes(arrangement))
    assert midi.type == 1 and midi.ticks_per_beat == TICKS_PER_QUARTER
    assert [t.name for t in midi.tracks] == ["Round Trip", "Piano", "Bass", "Drums"]
    assert [m.text for m in _meta(midi, "marker")] == ["Count-in", "Verse", "Chorus"]
    # chord names are cue points: no text or lyric event carries one (MuseScore reads those as words)
    assert [m.text for m in _meta(midi, "cue_marker")] == ["Bb", "Gm7", "Eb", "F7", "Cm7", "F/A", "Bb"]
    assert _meta(midi, "text") == []
    # RP-017: a space ends each word, LF the section's last line
    assert [m.text for m in _meta(midi, "lyrics")] == [
        "Hello ",
        "there, ",
        "my old ",
        "friend \n",
        "Sing ",
        "along ",
        "now \n",
    ]
    # the key in the conductor track and again in each part with pitched notes (MuseScore reads those)
    assert [m.key for m in _meta(midi, "key_signature")] == ["Bb", "Bb", "Bb"]
    assert midi.length == pytest.approx(arrangement.seconds)


def test_programs_and_channels() -> None:
    midi = _read(midi_bytes(arrange(read_song(SONG), style="bossa")))
    by_name = {t.name: t for t in midi.tracks}
    programs = {
        name: next(m for m in t if m.type == "program_change")
        for name, t in by_name.items()
        if name != "Round Trip"
    }
    assert programs["Nylon guitar"].program == 24
    assert programs["Bass"].program == 32
    drum_channels = {m.channel for m in by_name["Drums"] if m.type in ("note_on", "note_off")}
    assert drum_channels == {9}
    other = {m.channel for name, t in by_name.items() if name != "Drums" for m in t if m.type == "note_on"}
    assert 9 not in other


def test_lyric_events_sit_at_their_chords() -> None:
    midi = _read(midi_bytes(arrange(read_song(SONG), count_in=False)))
    now, chords, lyrics = 0, {}, {}
    for message in midi.tracks[0]:
        now += message.time
        if message.type == "cue_marker":
            chords.setdefault(now, message.text)
        elif message.type == "lyrics":
            lyrics[now] = message.text
    assert set(lyrics) <= set(chords)
    assert lyrics[0] == "Hello " and chords[0] == "Bb"


def test_same_seed_same_bytes() -> None:
    song = read_song(SONG)
    assert midi_bytes(arrange(song, seed=5)) == midi_bytes(arrange(song, seed=5))
    assert midi_bytes(arrange(song, seed=5)) != midi_bytes(arrange(song, seed=6))


def test_six_eight_tempo_is_converted_to_quarters() -> None:
    song = read_song(
        "{time: 6/8}\n{tempo: 120}\n{start_of_grid}\n| Am . . . . . | E7 . . . . . |\n{end_of_grid}\n"
    )
    arrangement = arrange(song, count_in=False)
    midi = _read(midi_bytes(arrangement))
    tempo = _meta(midi, "set_tempo")
    assert [m.tempo for m in tempo] == [mido.bpm2tempo(60)]  # 120 eighths a minute = 60 quarters
    sig = _meta(midi, "time_signature")[0]
    assert (sig.numerator, sig.denominator) == (6, 8)
    end = sum(m.time for m in midi.tracks[1])
    assert end == 2 * 3 * TICKS_PER_QUARTER  # two bars of three quarters
    assert midi.length == pytest.approx(arrangement.seconds) == pytest.approx(2 * 6 * 60 / 120)


def test_meter_change_resends_tempo_and_time_signature() -> None:
    song = read_song("{tempo: 120}\n[C] [G]\n{time: 6/8}\n[Am] [E]\n")
    arrangement = arrange(song, count_in=False)
    midi = _read(midi_bytes(arrangement))
    times = [(m.numerator, m.denominator) for m in _meta(midi, "time_signature")]
    assert times == [(4, 4), (6, 8)]
    assert [m.tempo for m in _meta(midi, "set_tempo")] == [mido.bpm2tempo(120), mido.bpm2tempo(60)]
    assert midi.length == pytest.approx(arrangement.seconds)


@pytest.mark.parametrize(
    ("key", "name"), [("C", "C"), ("F#m", "F#m"), ("Bb", "Bb"), ("A#", "Bb"), ("Ebm", "Ebm"), ("H", None)]
)
def test_key_names(key: str, name: str | None) -> None:
    assert key_name(key) == name


def test_bytes_of_a_one_note_song() -> None:
    from cowriter.core.events import Arrangement, KeyChange, Note, TextEvent, Track
    from cowriter.core.timeline import Meter, MeterChange, TempoChange

    arrangement = Arrangement(
        tracks=(Track("Bass", "bass", 33, 1, (Note(0.0, 1.0, 40, 100),)),),
        beats=4.0,
        tempos=(TempoChange(0.0, 120.0),),
        meters=(MeterChange(0.0, 1, Meter(4, 4)),),
        keys=(KeyChange(0.0, "G"),),
        markers=(TextEvent(0.0, "A"),),
        chords=(TextEvent(0.0, "Em"),),
        lyrics=(TextEvent(0.0, "la"),),
        title="T",
    )
    expected = """
        4d546864 00000006 0001 0002 01e0                 MThd, type 1, two tracks, 480 ticks a quarter
        4d54726b 00000030                                MTrk, 48 bytes
        00 ff0301 54                                     track name "T"
        00 ff5103 07a120                                 tempo 500000 us a quarter (120 bpm)
        00 ff5804 04021808                               time signature 4/4
        00 ff5902 0100                                   key signature: one sharp, major (G)
        00 ff0601 41                                     marker "A"
        00 ff0702 456d                                   cue point "Em" (the chord)
        00 ff0502 6c61                                   lyric "la" (no melody track: here, at the chord)
        8f00 ff2f00                                      end of track after 1920 ticks (one bar)
        4d54726b 00000027                                MTrk, 39 bytes
        00 ff0304 42617373                               track name "Bass"
        00 c121                                          program 33 on channel 2
        00 b10a40 00 b10764                              pan centre, volume 100
        00 ff5902 0100                                   key signature again, in the part
        00 912864                                        note on E2, velocity 100
        8360 812800                                      note off after 480 ticks
        8b20 ff2f00                                      end of track at the bar's end
    """
    hexdigits = "".join(
        line.strip().split("  ")[0].replace(" ", "") for line in expected.strip().splitlines()
    )
    assert midi_bytes(arrangement).hex() == hexdigits
