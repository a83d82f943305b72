"""The band: timing, bass on the downbeats, chord tones only, drums on channel 10, N.C. silence, styles."""

from __future__ import annotations

from itertools import pairwise

import pytest

from cowriter.core.arrange import STYLES, ArrangeError, arrange, find_style
from cowriter.core.arrange.bars import bars_of
from cowriter.core.arrange.harmony import Change, Changes, harmony_of
from cowriter.core.events import Arrangement, Note, Track
from cowriter.core.sheet import read_song
from cowriter.core.timing import timeline

NUDGE = 0.035  # beats: past the largest humanised timing push (2.5 x 0.012)

GRID = """{title: Grid}
{tempo: 120}
{key: C}
{start_of_grid}
| C . . . | N.C. . . . | G/B . . . | Dm7 . G7 . |
| Am . . . | F . G . | Cmaj7 . . . | C . . . |
{end_of_grid}
"""

VERSE_CHORUS = """{title: Two Parts}
{key: G}
{tempo: 96}
{start_of_verse: Verse 1}
[G]Walking down the [Em]avenue, [C]thinking of the [D]view
[G]Every little [D/F#]light is [Em]new
{end_of_verse}
{start_of_chorus}
{x_style: bossa}
[C]Sing it [D]out, [Bm7]sing it [Em]loud
{end_of_chorus}
{chorus}
"""

WALTZ = """{title: Waltz}
{time: 3/4}
{tempo: 90}
{start_of_grid}
| C . . | G7 . . | F . G/B | C . . |
{end_of_grid}
"""

SIX_EIGHT = """{title: Rolling}
{time: 6/8}
{tempo: 120}
{start_of_grid}
| Am . . . . . | E7 . . . . . | F . . Dm . . | E . . . . . |
{end_of_grid}
"""


def _song_arrangement(text: str, **kwargs: object) -> tuple[Arrangement, Changes]:
    song = read_song(text)
    arrangement = arrange(song, count_in=False, **kwargs)  # type: ignore[arg-type]
    timed = timeline(song)
    changes = Changes(
        [Change(s.start, s.start + s.duration, harmony_of(s.chord, s.transpose, s.key)) for s in timed.spans]
    )
    return arrangement, changes


def _track(arrangement: Arrangement, instrument: str) -> Track:
    return next(t for t in arrangement.tracks if t.instrument == instrument)


def _comp_notes(arrangement: Arrangement) -> list[Note]:
    comping = {"piano", "epiano", "guitar", "nylon", "organ", "pad"}
    return [n for t in arrangement.tracks if t.instrument in comping for n in t.notes]


CASES = [
    (GRID, None, 8, 4, 120.0),
    (VERSE_CHORUS, None, 8, 4, 96.0),
    (WALTZ, None, 4, 3, 90.0),
    (SIX_EIGHT, None, 4, 6, 120.0),
    *[(VERSE_CHORUS, name, 8, 4, 96.0) for name in STYLES],
]


@pytest.mark.parametrize(("text", "style", "bars", "beats", "bpm"), CASES)
def test_length_is_bars_times_beats(text: str, style: str | None, bars: int, beats: int, bpm: float) -> None:
    song = read_song(text)
    assert timeline(song).bars == bars
    plain = arrange(song, style=style, count_in=False)
    assert plain.beats == bars * beats
    assert plain.seconds == pytest.approx(bars * beats * 60 / bpm)
    counted = arrange(song, style=style)
    assert counted.seconds == pytest.approx((bars + 1) * beats * 60 / bpm)


@pytest.mark.parametrize("style", [None, *STYLES])
@pytest.mark.parametrize("text", [GRID, VERSE_CHORUS, WALTZ, SIX_EIGHT])
def test_bass_plays_root_or_slash_on_every_downbeat(text: str, style: str | None) -> None:
    """Struck on the downbeat, or anticipated: struck up to an eighth early and held across it."""
    arrangement, changes = _song_arrangement(text, style=style)
    bass = _track(arrangement, "bass").notes
    timed = timeline(read_song(text))
    checked = 0
    for bar in bars_of(timed):
        downbeat = bar.start
        change = changes.at(downbeat)
        if change is None or change.harmony.silent:
            continue
        early = bar.beats_of(0.5) + NUDGE  # an anticipation: struck up to an eighth early, held across
        held = [n for n in bass if n.start + n.duration > downbeat + NUDGE]
        struck = [n for n in held if -early <= n.start - downbeat <= NUDGE]
        assert struck, f"bar {bar}: no bass note on the downbeat"
        assert all(n.pitch % 12 == change.harmony.bass for n in struck), f"bar {bar}: {struck}"
        checked += 1
    assert checked >= timed.bars - 1


def test_slash_chord_puts_the_slash_note_in_the_bass() -> None:
    arrangement, _ = _song_arrangement(GRID, style="pop")
    bar3 = [n for n in _track(arrangement, "bass").notes if abs(n.start - 8.0) <= NUDGE]
    assert [n.pitch % 12 for n in bar3] == [11]  # G/B: B


@pytest.mark.parametrize("style", [None, *STYLES])
@pytest.mark.parametrize("text", [GRID, VERSE_CHORUS, WALTZ, SIX_EIGHT])
def test_comping_plays_chord_tones_only(text: str, style: str | None) -> None:
    arrangement, changes = _song_arrangement(text, style=style)
    notes = _comp_notes(arrangement)
    assert notes
    for note in notes:
        change = changes.at(note.start + NUDGE)
        assert change is not None and not change.harmony.silent, note
        assert note.pitch % 12 in change.harmony.pitch_classes, (note, change.harmony.symbol)


@pytest.mark.parametrize("style", [None, *STYLES])
def test_drums_on_channel_ten_and_the_rest_elsewhere(style: str | None) -> None:
    arrangement, _ = _song_arrangement(VERSE_CHORUS, style=style)
    drums = _track(arrangement, "drums")
    assert drums.channel == 9 and drums.notes
    assert all(t.channel != 9 for t in arrangement.tracks if t.instrument != "drums")


@pytest.mark.parametrize("style", [None, *STYLES])
def test_no_chord_bar_is_silent(style: str | None) -> None:
    arrangement, _ = _song_arrangement(GRID, style=style)
    nc_start, nc_end = 4.0, 8.0
    for track in arrangement.tracks:
        sounding = [
            n for n in track.notes if n.start < nc_end - 0.05 and n.start + n.duration > nc_start + 0.05
        ]
        assert not sounding, (track.name, sounding[:3])
    # ...and the band comes back in on the next bar
    assert any(abs(n.start - 8.0) <= NUDGE for n in _track(arrangement, "bass").notes)


def test_same_seed_same_arrangement_other_seed_other_feel() -> None:
    song = read_song(VERSE_CHORUS)
    assert arrange(song, seed=7) == arrange(song, seed=7)
    assert arrange(song, seed=7) != arrange(song, seed=8)


def test_section_style_changes_the_band_for_that_section() -> None:
    arrangement, _ = _song_arrangement(VERSE_CHORUS)
    chorus_start = 4 * 4.0  # the verse is 2 lines of 2 bars
    nylon = _track(arrangement, "nylon").notes
    piano = _track(arrangement, "piano").notes
    assert nylon and all(n.start >= chorus_start - NUDGE for n in nylon)
    assert piano and all(n.start < chorus_start for n in piano)


def test_style_argument_overrides_every_section() -> None:
    arrangement, _ = _song_arrangement(VERSE_CHORUS, style="folk")
    assert {t.instrument for t in arrangement.tracks} == {"guitar", "bass", "drums"}


def test_unknown_style_is_refused_with_the_choices() -> None:
    with pytest.raises(ArrangeError, match="bossa"):
        arrange(read_song(VERSE_CHORUS), style="polka")


@pytest.mark.parametrize(
    ("alias", "name"),
    [
        ("bossa nova", "bossa"),
        ("6/8", "sixeight"),
        ("Half-Time", "halftime"),
        ("jazz", "swing"),
        ("POP", "pop"),
    ],
)
def test_style_aliases(alias: str, name: str) -> None:
    style = find_style(alias)
    assert style is not None and style.name == name


def test_required_styles_exist_with_a_description() -> None:
    for name in ("pop", "ballad", "folk", "waltz", "sixeight", "bossa", "swing", "funk", "halftime"):
        assert STYLES[name].description


def test_section_option_plays_one_section() -> None:
    song = read_song(VERSE_CHORUS)
    chorus = arrange(song, section="chorus", count_in=False)
    assert chorus.beats == 2 * 4
    assert [m.text for m in chorus.markers] == ["Chorus"]
    with pytest.raises(ArrangeError, match="Verse 1"):
        arrange(song, section="bridge")


def test_count_in_is_one_bar_of_clicks_then_the_band() -> None:
    song = read_song(WALTZ)
    arrangement = arrange(song)
    for track in arrangement.tracks:
        early = [n for n in track.notes if n.start < 3.0 - NUDGE]
        if track.instrument == "drums":
            assert [n.start for n in early] == [0.0, 1.0, 2.0]
        else:
            assert not early
    assert arrangement.markers[0].text == "Count-in"
    assert arrangement.markers[1].start == 3.0


def test_ending_lands_on_the_last_chord_with_a_crash() -> None:
    arrangement, _ = _song_arrangement(GRID, style="pop")
    last_bar = 28.0
    drums = [n for n in _track(arrangement, "drums").notes if n.start >= last_bar - NUDGE]
    assert {n.pitch for n in drums} == {36, 49}
    piano = [n for n in _track(arrangement, "piano").notes if n.start >= last_bar - NUDGE]
    assert piano and all(n.start + n.duration >= arrangement.beats - 0.1 for n in piano)
    assert {n.pitch % 12 for n in piano} <= {0, 4, 7}


def test_swing_moves_offbeats_to_the_triplet() -> None:
    arrangement, _ = _song_arrangement(GRID, style="swing")
    ride = [n.start for n in _track(arrangement, "drums").notes if n.pitch == 51]
    offbeats = [s % 1.0 for s in ride if 0.1 < s % 1.0 < 0.9]
    assert offbeats and all(abs(o - 0.67) <= NUDGE for o in offbeats)


def test_walking_bass_plays_every_beat() -> None:
    arrangement, _ = _song_arrangement(GRID, style="swing")
    bass = _track(arrangement, "bass").notes
    bar1 = sorted(round(n.start) for n in bass if n.start < 4.0 - NUDGE)
    assert bar1 == [0, 1, 2, 3]


def test_transpose_moves_chords_bass_and_key() -> None:
    text = "{key: C}\n{transpose: 2}\n{start_of_grid}\n| C . . . | G/B . . . |\n{end_of_grid}\n"
    arrangement = arrange(read_song(text), count_in=False)
    assert [c.text for c in arrangement.chords] == ["D", "A/C#"]
    assert [k.key for k in arrangement.keys] == ["D"]
    bass = _track(arrangement, "bass").notes
    assert bass[0].pitch % 12 == 2
    assert any(abs(n.start - 4.0) <= NUDGE and n.pitch % 12 == 1 for n in bass)


def test_capo_sounds_the_shapes_higher_like_transpose() -> None:
    shapes = "{key: G}\n{start_of_grid}\n| G . . . | D/F# . . . |\n{end_of_grid}\n"
    with_capo = arrange(read_song("{capo: 2}\n" + shapes), count_in=False)
    assert [c.text for c in with_capo.chords] == ["A", "E/G#"]
    assert [k.key for k in with_capo.keys] == ["A"]
    bass = _track(with_capo, "bass").notes
    assert bass[0].pitch % 12 == 9
    assert any(abs(n.start - 4.0) <= NUDGE and n.pitch % 12 == 8 for n in bass)
    same = arrange(read_song("{transpose: 2}\n" + shapes), count_in=False)
    assert with_capo.tracks == same.tracks


def test_meter_and_tempo_changes_carry_through() -> None:
    text = (
        "{tempo: 100}\n{start_of_grid}\n| C . . . | G . . . |\n{end_of_grid}\n"
        "{time: 3/4}\n{tempo: 80}\n{start_of_grid}\n| F . . | C . . |\n{end_of_grid}\n"
    )
    arrangement = arrange(read_song(text), count_in=False)
    assert [(m.start, str(m.meter)) for m in arrangement.meters] == [(0.0, "4/4"), (8.0, "3/4")]
    assert [(t.start, t.bpm) for t in arrangement.tempos] == [(0.0, 100.0), (8.0, 80.0)]
    assert arrangement.seconds == pytest.approx(8 * 60 / 100 + 6 * 60 / 80)


def test_bpm_option_rescales_the_tempo_map() -> None:
    arrangement = arrange(read_song(WALTZ), bpm=180, count_in=False)
    assert arrangement.tempos[0].bpm == 180
    assert arrangement.seconds == pytest.approx(4 * 3 * 60 / 180)


def test_markers_chords_and_lyrics_sit_at_their_chords() -> None:
    arrangement, _ = _song_arrangement(VERSE_CHORUS)
    assert [m.text for m in arrangement.markers] == ["Verse 1", "Chorus", "Chorus"]
    assert arrangement.chords[0].text == "G" and arrangement.chords[0].start == 0.0
    assert arrangement.lyrics[0].text == "Walking down the "  # RP-017: a space ends each word
    assert arrangement.lyrics[1].start == arrangement.chords[1].start


def test_melody_from_abc_block_becomes_the_lead_with_syllable_lyrics() -> None:
    text = """{title: Tune}
{tempo: 100}
[C]Hel-lo [G]there
{start_of_abc}
X:1
M:4/4
L:1/4
K:C
E2 G2 | G4 |
w: Hel-lo there
{end_of_abc}
"""
    arrangement = arrange(read_song(text), count_in=False)
    lead = _track(arrangement, "lead")
    assert [n.pitch for n in lead.notes] == [64, 67, 67]
    # RP-017: a syllable without a space goes on in the next; LF ends the paragraph (the song's only line)
    assert [(e.start, e.text) for e in arrangement.lyrics] == [(0.0, "Hel"), (2.0, "lo "), (4.0, "there \n")]


def test_song_without_chords_is_refused() -> None:
    with pytest.raises(ArrangeError, match="no chords"):
        arrange(read_song("{title: Words}\njust words here\n"))


def test_flow_replays_sections_in_the_order_given() -> None:
    text = """{title: Flow}
{x_flow: Chorus, Verse, Chorus}
{start_of_verse: Verse}
[G] [D]
{end_of_verse}
{start_of_chorus: Chorus}
[C]
{end_of_chorus}
"""
    arrangement = arrange(read_song(text), count_in=False)
    assert [(m.start, m.text) for m in arrangement.markers] == [
        (0.0, "Chorus"),
        (4.0, "Verse"),
        (12.0, "Chorus"),
    ]
    assert [c.text for c in arrangement.chords] == ["C", "G", "D", "C"]
    assert arrangement.beats == 16


def test_grid_repeats_are_played() -> None:
    text = "{start_of_grid}\n|: C . . . | G . . . :| x3\n{end_of_grid}\n"
    timed = timeline(read_song(text))
    arrangement = arrange(read_song(text), count_in=False)
    assert arrangement.beats == timed.beats >= 16
    bass = _track(arrangement, "bass").notes
    for bar in bars_of(timed):
        struck = [n for n in bass if abs(n.start - bar.start) <= NUDGE]
        assert struck and struck[0].pitch % 12 == (0 if bar.number % 2 else 7)


def test_key_change_mid_song() -> None:
    grid = "{{start_of_grid}}\n| {} . . . |\n{{end_of_grid}}\n"
    text = "{key: C}\n" + grid.format("C") + "{key: Eb}\n" + grid.format("Eb")
    arrangement = arrange(read_song(text), count_in=False)
    assert [(k.start, k.key) for k in arrangement.keys] == [(0.0, "C"), (4.0, "Eb")]


@pytest.mark.parametrize("style", ["ballad", "sixeight", "rock"])
def test_no_pitch_overlaps_itself(style: str) -> None:
    arrangement, _ = _song_arrangement(VERSE_CHORUS, style=style)
    for track in arrangement.tracks:
        last_end: dict[int, float] = {}
        for note in track.notes:
            assert note.start >= last_end.get(note.pitch, 0.0) - 1e-6, (track.name, note)
            last_end[note.pitch] = note.start + note.duration


def test_every_conformance_song_arranges(conformance: object) -> None:
    from pathlib import Path

    from cowriter.core.encoding import decode

    root = Path(str(conformance)) / "songs"
    arranged = 0
    for path in sorted(root.glob("*.cho")) + sorted(root.glob("*.txt")):
        song = read_song(decode(path.read_bytes()))
        if not timeline(song).spans:
            continue
        try:
            arrangement = arrange(song, seed=1)
        except ArrangeError as exc:
            assert "no chords" in str(exc), path.name
            continue
        assert arrangement.beats > 0 and arrangement.tracks, path.name
        arranged += 1
    assert arranged >= 20


def test_a_section_alone_keeps_its_own_tempo_and_meter() -> None:
    text = """{tempo: 100}
{start_of_verse: Verse}
[G] [D]
{end_of_verse}
{time: 3/4}
{tempo: 140}
{start_of_chorus: Chorus}
[C] [F]
{end_of_chorus}
"""
    chorus = arrange(read_song(text), section="Chorus", count_in=False)
    assert [(t.start, t.bpm) for t in chorus.tempos] == [(0.0, 140.0)]
    assert [str(m.meter) for m in chorus.meters] == ["3/4"]
    assert chorus.beats == 6 and chorus.seconds == pytest.approx(6 * 60 / 140)


def test_piano_part_leads_a_two_five_one_more_smoothly_than_blocks() -> None:
    from cowriter.core.arrange.voicing import motion, root_position

    bars = " | ".join(f"{s} . . ." for s in ["Dm7", "G7", "Cmaj7"] * 2)
    text = f"{{start_of_grid}}\n| {bars} |\n{{end_of_grid}}\n"
    arrangement = arrange(read_song(text), style="halftime", count_in=False)
    piano = _track(arrangement, "piano").notes
    played = [tuple(sorted(n.pitch for n in piano if abs(n.start - bar * 4.0) <= NUDGE)) for bar in range(5)]
    blocks = [root_position(harmony_of(s).root, harmony_of(s).intervals) for s in ["Dm7", "G7", "Cmaj7"] * 2]
    led_motion = sum(motion(a, b) for a, b in pairwise(played))
    block_motion = sum(motion(a, b) for a, b in pairwise(blocks[:5]))
    assert all(len(v) == 4 for v in played)
    assert led_motion < block_motion
    for a, b in pairwise(played):  # every voice moves by a step at most
        assert max(abs(x - y) for x, y in zip(a, b, strict=True)) <= 2


def test_choruses_play_louder_than_verses() -> None:
    arrangement, _ = _song_arrangement(VERSE_CHORUS, style="pop")
    drums = _track(arrangement, "drums").notes
    chorus_start = 16.0
    verse = [n.velocity for n in drums if n.start < chorus_start - 1 and n.pitch == 42]
    chorus = [n.velocity for n in drums if chorus_start + 1 <= n.start < 28 and n.pitch == 42]
    assert sum(chorus) / len(chorus) > sum(verse) / len(verse) * 1.1
