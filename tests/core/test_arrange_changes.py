"""The chords the band used to drop or get wrong (issue 16), each heard now, in the style that dropped it."""

from __future__ import annotations

from pathlib import Path

from cowriter.core.arrange import arrange
from cowriter.core.events import Arrangement, Note
from cowriter.core.sheet import read_song

NUDGE = 0.035  # beats: past the largest humanised timing push
EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def _band(grid: str, style: str, meter: str = "4/4") -> Arrangement:
    text = f"{{time: {meter}}}\n{{start_of_grid}}\n{grid}\n{{end_of_grid}}\n"
    return arrange(read_song(text), style=style, seed=5, count_in=False)


def _notes(arrangement: Arrangement, instrument: str, start: float = 0.0, end: float = 1e9) -> list[Note]:
    track = next(t for t in arrangement.tracks if t.instrument == instrument)
    return [n for n in track.notes if start - NUDGE <= n.start < end - NUDGE]


def _pcs(notes: list[Note]) -> set[int]:
    return {n.pitch % 12 for n in notes}


def test_ballad_bass_moves_with_a_change_on_beat_three() -> None:
    band = _band("| D . G . | A7 . D . |", "ballad")
    bass = _notes(band, "bass")
    assert [(round(n.start), n.pitch % 12) for n in bass] == [(0, 2), (2, 7), (4, 9), (6, 2)]


def test_ballad_arpeggio_plays_every_voice_of_a_four_note_chord() -> None:
    band = _band("| G7 . . . | A7 . . . | Cmaj7 . . . |", "ballad")
    assert _pcs(_notes(band, "piano", 0, 4)) == {7, 11, 2, 5}
    assert _pcs(_notes(band, "piano", 4, 8)) == {9, 1, 4, 7}
    assert _pcs(_notes(band, "piano", 8, 12)) == {0, 4, 7, 11}


def test_a_short_arpeggiated_chord_keeps_its_third_and_seventh() -> None:
    band = _band("| Am . . . . D7 |", "sixeight", "6/8")  # D7 for one eighth: rolled
    d7 = _notes(band, "piano", 5, 6)
    assert {6, 0} <= _pcs(d7)


def test_swing_piano_plays_a_chord_that_starts_on_beat_three() -> None:
    band = _band("| C . F7 . | Bb7 . . . |", "swing")
    f7 = _notes(band, "piano", 2, 4)
    assert f7 and _pcs(f7) >= {9, 3}  # A and Eb, F7's 3rd and 7th


def test_swing_in_two_four_plays_every_chord_of_oh_susanna() -> None:
    from cowriter.core.timing import timeline

    song = read_song((EXAMPLES / "oh-susanna.cho").read_text())
    band = arrange(song, style="swing", seed=1, count_in=False)
    spans = [s for s in timeline(song).spans if s.duration > 0]
    unheard = [s for s in spans if not _notes(band, "piano", s.start, s.start + s.duration)]
    assert spans and not unheard, unheard[:3]


def test_bossa_bass_plays_the_root_first_on_a_change_at_beat_three() -> None:
    band = _band("| C . G7 . | C . . . |", "bossa")
    on_change = _notes(band, "bass", 2, 2.5)
    assert [n.pitch % 12 for n in on_change] == [7]


def test_bossa_anticipation_is_the_next_chords_root_held_over_the_bar_line() -> None:
    band = _band("| Dm7 . . . | G7 . . . | C . . . |", "bossa")
    bass = _notes(band, "bass")
    for bar_line, root in ((4.0, 7), (8.0, 0)):
        early = [n for n in bass if abs(n.start - (bar_line - 0.5)) <= NUDGE]
        assert [n.pitch % 12 for n in early] == [root]
        assert early[0].start + early[0].duration > bar_line + 0.5  # tied across, not struck again
        assert not [n for n in bass if abs(n.start - bar_line) <= NUDGE]


def test_bossa_never_plays_a_natural_fifth_on_an_altered_chord() -> None:
    band = _band("| A7alt . . . | A7alt . . . | Dm7 . . . |", "bossa")
    for part in ("bass", "nylon"):
        assert 4 not in _pcs(_notes(band, part, 0, 7.5)), part  # E


def test_st_louis_blues_bar_30_in_bossa_has_its_comping_and_bass() -> None:
    song = read_song((EXAMPLES / "st-louis-blues.cho").read_text())
    band = arrange(song, style="bossa", seed=1, count_in=False)
    bar30 = 29 * 4.0  # | G . C7 G D7 | in the lyric strain: C7 on 2, G on 3, D7 on 4
    for beat, bass, tones in ((1, 0, {4, 10}), (2, 7, {11}), (3, 2, {6, 0})):
        at = bar30 + beat
        struck = _notes(band, "bass", at, at + 0.5)
        assert [n.pitch % 12 for n in struck][:1] == [bass], beat
        assert tones <= _pcs(_notes(band, "nylon", at, at + 1)), beat


def test_pop_approach_notes_lead_into_the_next_chord_only() -> None:
    band = _band("| C . . . | . . . . | G . . . | C . . . |", "pop")  # one C held for two bars
    bass = _notes(band, "bass")
    before_c = next(n for n in bass if abs(n.start - 3.5) <= NUDGE)
    assert before_c.pitch % 12 in {0, 4, 7}  # the chord goes on: no chromatic step towards the G
    before_g = next(n for n in bass if abs(n.start - 7.5) <= NUDGE)
    on_g = next(n for n in bass if abs(n.start - 8.0) <= NUDGE)
    assert on_g.pitch % 12 == 7 and abs(before_g.pitch - on_g.pitch) == 1
