"""Each chord sounds under the syllable the chord sheet puts it on, in every sketch (issue 17).

The melody's notes (`--json`'s notes, on the song's clock) are checked against the timeline's chord
onsets: the syllable a chord stands on starts exactly where the chord starts.
"""

from __future__ import annotations

import pytest

from cowriter.core.sheet import read_song
from cowriter.core.timing import timeline
from cowriter.service.melody import sketch_song, to_json
from tests.conftest import DATA, ROOT

GRACE = (DATA / "songs" / "amazing-grace.cho").read_text()


def _sung_at(song_text: str, seed: int) -> list[dict[str, object]]:
    song = read_song(song_text)
    return to_json(sketch_song(song, alternatives=1, seed=seed))[0]["notes"]  # type: ignore[return-value]


def _onset(song_text: str, lyric_start: str, chord: str) -> float:
    song = read_song(song_text)
    line = next(ln for ln in song.lines if ln.lyrics.startswith(lyric_start))
    return next(s.start for s in timeline(song).spans if s.line == line.line and s.chord == chord)


@pytest.mark.parametrize("seed", [0, 1, 2, 3])
@pytest.mark.parametrize(
    ("lyric", "chord", "syllable"),
    [
        ("Was blind", "Em", "blind"),
        ("Was blind", "D7", "now"),
        ("Was blind", "G", "see"),
        ("And grace my fears", "D", "lieved"),
        ("The hour", "Em", "hour"),
        ("The hour", "D7", "first"),
        ("Amazing", "G", "ma"),
        ("'Twas grace", "G", "grace"),
    ],
)
def test_the_syllable_a_chord_stands_on_starts_with_it(
    seed: int, lyric: str, chord: str, syllable: str
) -> None:
    onset = _onset(GRACE, lyric, chord)
    notes = _sung_at(GRACE, seed)
    at = [n for n in notes if abs(float(n["start"]) - onset) < 1e-6 and n["syllable"]]  # type: ignore[arg-type]
    assert [n["syllable"] for n in at] == [syllable]


def test_words_keep_their_apostrophes_and_hour_is_one_syllable() -> None:
    sung = [n["syllable"] for n in _sung_at(GRACE, 0) if n["syllable"]]
    assert "'Twas" in sung and "Twas" not in sung
    assert "hour" in sung and "ho" not in sung
    low = (ROOT / "examples" / "swing-low.cho").read_text()
    assert "min'" in [n["syllable"] for n in _sung_at(low, 0)]


def test_a_song_that_opens_with_a_pickup_sings_it_before_bar_1() -> None:
    """ "A[G]mazing" opens the song: "A" is sung before the first beat, "ma" on G at beat 0."""
    notes = _sung_at(GRACE, 0)
    assert notes[0]["syllable"] == "A" and float(notes[0]["start"]) < 0  # type: ignore[arg-type]
    assert notes[1]["syllable"] == "ma" and notes[1]["start"] == 0


def test_susanna_puts_banjo_on_g7_and_knee_on_c() -> None:
    """Oh! Susanna's "[G7]banjo on my [C]knee" (the line opens with "[C]come": the last C is the knee's)."""
    susanna = (ROOT / "examples" / "oh-susanna.cho").read_text()
    song = read_song(susanna)
    line = next(ln for ln in song.lines if "banjo on my" in ln.lyrics)
    spans = [s for s in timeline(song).spans if s.line == line.line]
    notes = _sung_at(susanna, 1)
    for span, syllable in ((spans[-2], "ban"), (spans[-1], "knee")):
        sung = [n["syllable"] for n in notes if abs(float(n["start"]) - span.start) < 1e-6]  # type: ignore[arg-type]
        assert sung == [syllable], span.chord


def test_a_number_is_sung_whole() -> None:
    """ "1st July 2001": the year is one syllable of the tune ("2001"), not "2-0-0-1" (abc2midi drops
    digits set as syllables of a w: line)."""
    notes = _sung_at("{title: Date}\n[C]Tabbed on the [G]1st of July [C]2001\n", 0)
    assert "2001" in [n["syllable"] for n in notes]
