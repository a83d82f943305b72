"""Properties of any arrangement: random chord grids in every style keep the band's promises."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cowriter.core.arrange import STYLES, arrange
from cowriter.core.arrange.bars import bars_of
from cowriter.core.arrange.harmony import Change, Changes, harmony_of
from cowriter.core.arrange.pattern import Pattern
from cowriter.core.sheet import read_song
from cowriter.core.timing import timeline

NUDGE = 0.035
SYMBOLS = ["C", "Am", "F", "G7", "Dm7", "Bb", "Ebmaj7", "F#m7b5", "B7", "E/G#", "C/G", "Gsus4", "Adim7",
           "Db9", "N.C.", "A6", "Em(add9)", "Ab+"]  # fmt: skip
COMPING = {"piano", "epiano", "guitar", "nylon", "organ", "pad"}

bar_cells = st.lists(st.sampled_from(SYMBOLS), min_size=1, max_size=2)
meters = st.sampled_from([(4, 4), (3, 4), (6, 8), (2, 4)])


def _grid(meter: tuple[int, int], bars: list[list[str]]) -> str:
    beats = meter[0]
    rows = []
    for cells in bars:
        slots = ["."] * beats
        for i, symbol in enumerate(cells):
            slots[i * beats // len(cells)] = symbol
        rows.append(" ".join(slots))
    return (
        f"{{time: {meter[0]}/{meter[1]}}}\n{{start_of_grid}}\n| " + " | ".join(rows) + " |\n{end_of_grid}\n"
    )


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(meter=meters, bars=st.lists(bar_cells, min_size=1, max_size=6), style=st.sampled_from(sorted(STYLES)),
       seed=st.integers(0, 2**31))  # fmt: skip
def test_random_grids_keep_the_promises(
    meter: tuple[int, int], bars: list[list[str]], style: str, seed: int
) -> None:
    song = read_song(_grid(meter, bars))
    timed = timeline(song)
    if not any(not harmony_of(s.chord).silent for s in timed.spans):
        return
    arrangement = arrange(song, style=style, seed=seed, count_in=False)
    assert arrangement == arrange(song, style=style, seed=seed, count_in=False)
    assert arrangement.beats == timed.bars * meter[0] == timed.beats
    changes = Changes([Change(s.start, s.start + s.duration, harmony_of(s.chord)) for s in timed.spans])
    for track in arrangement.tracks:
        last_end: dict[int, float] = {}
        for note in track.notes:
            assert (
                0 <= note.start < arrangement.beats and note.start + note.duration <= arrangement.beats + 1e-6
            )
            assert 1 <= note.velocity <= 127 and 0 <= note.pitch <= 127
            assert note.start >= last_end.get(note.pitch, 0.0) - 1e-6  # no pitch overlaps itself
            last_end[note.pitch] = note.start + note.duration
            if track.instrument == "drums":
                continue
            change = changes.at(note.start + NUDGE)
            assert change is not None and not change.harmony.silent  # N.C. is silent
            if track.instrument in COMPING:
                assert note.pitch % 12 in change.harmony.pitch_classes
    bass = next(t for t in arrangement.tracks if t.instrument == "bass").notes
    for bar in bars_of(timed):
        change = changes.at(bar.start)
        if change is None or change.harmony.silent:
            continue
        # struck on the downbeat, or anticipated: up to an eighth early and held across it
        early = bar.beats_of(0.5) + NUDGE
        held = [n for n in bass if n.start + n.duration > bar.start + NUDGE]
        struck = [n.pitch % 12 for n in held if -early <= n.start - bar.start <= NUDGE]
        assert struck == [change.harmony.bass]


@given(st.text(alphabet="Xxo.-|", min_size=1, max_size=32), st.sampled_from([1.0, 3.0, 4.0, 8.0]))
def test_pattern_hits_tile_without_overlap(grid: str, length: float) -> None:
    pattern = Pattern.parse(grid, length)
    ends = 0.0
    for hit in pattern.hits:
        assert hit.at >= ends - 1e-5 and hit.length > 0
        ends = hit.at + hit.length
    assert ends <= length + 1e-5
    for bar_length in (2.0, 3.0, 4.0):
        for hit in pattern.over(bar_length, phase=length):
            assert 0 <= hit.at < bar_length and hit.at + hit.length <= bar_length + 1e-5
