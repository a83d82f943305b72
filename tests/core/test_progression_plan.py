"""New progressions as grid sections: in the key, mode and meter asked, closing on a cadence that
resolves, every chord outside the key put there on purpose; checked through the parser and the timeline
the player uses."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cowriter.core.chordpro import parse
from cowriter.core.chords import parse_chord
from cowriter.core.harmony_ask import HarmonyAsk, read_harmony_ask
from cowriter.core.keys import Key, parse_key
from cowriter.core.progression_plan import GridOption, cells_per_bar, grid_section, plan
from cowriter.core.theory import analyse, in_key
from cowriter.core.timing import timeline

KEYS = [Key(t, "major") for t in ("C", "G", "D", "A", "E", "F", "Bb", "Eb", "Ab", "Db")] + [
    Key(t, "minor") for t in ("A", "E", "B", "F#", "D", "G", "C", "F", "Bb")
]
METERS = [(4, 4), (3, 4), (6, 8), (2, 4), (12, 8)]


def _song(option: GridOption, key: Key, meter: tuple[int, int]) -> str:
    return f"{{key: {key.name}}}\n{{time: {meter[0]}/{meter[1]}}}\n" + grid_section(option, meter, "Verse")


def _root_offset(symbol: str, key: Key) -> int:
    return (parse_chord(symbol).root_pitch_class - key.tonic_pc) % 12


def assert_resolves(option: GridOption, key: Key) -> None:
    """The last chord is the tonic (of the key's mode); the one before it pulls there: a dominant
    (V, vii°, or the tritone substitute bII7) or a subdominant (IV/iv, ii: plagal), or the tonic itself
    after such a cadence (a two-bar close)."""
    main = [s for s in option.steps]
    last = parse_chord(main[-1].symbol)
    assert _root_offset(main[-1].symbol, key) == 0, option
    assert last.is_minor == key.is_minor, option
    before = [_root_offset(s.symbol, key) for s in main[-3:-1]]
    pulls = {7, 11, 1, 5, 2, 10}  # V, vii°, bII7, IV/iv, ii, bVII (backdoor / aeolian)
    assert before[-1] in pulls or (before[-1] == 0 and before[0] in pulls), option


def assert_deliberate(option: GridOption, key: Key) -> None:
    """Every chord outside the key was put there on purpose, and a secondary dominant leads to the
    chord that follows it."""
    steps = option.steps
    for i, step in enumerate(steps):
        if in_key(step.symbol, key):
            continue
        assert step.reason, (step, option)
        if step.approach and step.reason == "secondary dominant":
            target = analyse(step.symbol, key).target
            following = analyse(steps[i + 1].symbol, key).roman
            assert target and following.startswith(target.rstrip("°")), (step, steps[i + 1])


@settings(max_examples=150, deadline=None)
@given(
    key=st.sampled_from(KEYS),
    meter=st.sampled_from(METERS),
    colour=st.sampled_from(["plain", "rich", "jazz"]),
    style=st.sampled_from([None, "pop", "ballad", "folk", "jazz", "blues", "rock"]),
    bars=st.sampled_from([None, 4, 8, 12, 16]),
)
def test_every_option_plays_in_key_and_resolves(
    key: Key, meter: tuple[int, int], colour: str, style: str | None, bars: int | None
) -> None:
    ask = HarmonyAsk(key=key, mode=key.mode, meter=meter, style=style, colour=colour, bars=bars)
    options = plan(ask, key, meter)
    assert options, ask
    assert len({o.symbols for o in options}) == len(options)  # all different
    for option in options:
        assert_resolves(option, key)
        assert_deliberate(option, key)
        song = parse(_song(option, key, meter))
        assert not song.errors
        rows = [row for s in song.sections for row in s.grid_rows]
        pulses = cells_per_bar(meter)  # a cell a pulse, unless more chords than pulses share a bar
        assert all(len(bar) in (pulses, meter[0], 2 * meter[0]) for row in rows for bar in row.bars)
        tl = timeline(song)
        assert tl.bars == len(option.bars)
        assert [s.chord for s in tl.spans] == list(option.symbols)
        if bars:
            assert len(option.bars) == bars
        if colour == "plain":  # nothing slipped in, nothing extended beyond the style's own chords
            assert not any(s.approach or s.reason in ("rich", "jazz") for s in option.steps), option


def test_a_sad_waltz_in_d_minor() -> None:
    ask = read_harmony_ask("a chord progression for a sad waltz in D minor")
    key = ask.key
    assert key == parse_key("Dm") and ask.meter == (3, 4)
    first = plan(ask, key, ask.meter)[0]
    text = grid_section(first, ask.meter, "Verse")
    assert text == (
        "{start_of_grid: Verse}\n"
        "| Dm . . | Bb . . | Gm . . | A . . |\n"
        "| Dm . . | Bb . . | A7 . . | Dm . . |\n"
        "{end_of_grid}\n"
    )


def test_richer_adds_sevenths_secondary_dominants_and_a_borrowed_iv() -> None:
    key = parse_key("C")
    options = plan(HarmonyAsk(key=key, colour="rich"), key, (4, 4))
    reasons = {s.reason for o in options for s in o.steps}
    assert {"rich", "secondary dominant", "borrowed from the parallel minor"} <= reasons
    symbols = {s for o in options for s in o.symbols}
    assert {"Cmaj7", "Fmaj7", "G7", "Am7", "Fm"} <= symbols
    assert all(o.symbols[-1] == "Cadd9" for o in options)


def test_jazzier_closes_on_a_tritone_substitute() -> None:
    key = parse_key("C")
    options = plan(HarmonyAsk(key=key, colour="jazz", style="jazz"), key, (4, 4))
    subs = [o for o in options if o.symbols[-2:] == ("Db7", "Cmaj9")]
    assert subs and all(o.steps[-2].reason == "tritone substitute" for o in subs)
    assert all(o.symbols[-1] == "Cmaj9" for o in options)


def test_two_chords_share_a_bar_by_the_meter() -> None:
    key = parse_key("Am")
    option = plan(HarmonyAsk(key=key, colour="rich"), key, (3, 4))[0]
    split = [bar for bar in option.bars if len(bar) == 2]
    assert split
    text = grid_section(option, (3, 4))
    bar = split[0]
    assert f"{bar[0].symbol} . {bar[1].symbol}" in text  # two beats, then one


def test_numerals_and_chords_the_writer_gave_are_the_progression() -> None:
    ask = read_harmony_ask("a ii-V-I in F")
    option = plan(ask, ask.key, (4, 4))[0]
    assert option.symbols == ("Gm", "C", "F", "F", "Gm", "C", "F", "F")
    ask = read_harmony_ask("Am F C G as a waltz, richer")
    options = plan(ask, parse_key("C"), ask.meter)
    assert options[0].symbols[:2] == ("Am7", "C7")  # coloured; C7 leads to F (V7/IV)
    assert all(o.symbols[-1] == "Cadd9" for o in options)


def test_a_named_secondary_dominant_goes_before_its_target() -> None:
    key = parse_key("C")
    ask = HarmonyAsk(key=key, chords=("E7",))
    option = plan(ask, key, (4, 4))[0]
    i = option.symbols.index("E7")
    assert parse_chord(option.symbols[i + 1]).root == "A"


@pytest.mark.parametrize(("key", "meter"), [(parse_key("G"), (4, 4)), (parse_key("Em"), (6, 8))])
def test_twelve_bar_blues_keeps_its_form(key: Key, meter: tuple[int, int]) -> None:
    options = plan(HarmonyAsk(key=key, style="blues"), key, meter)
    assert options and len(options[0].bars) == 12
    assert all(len(o.bars) in (8, 12) for o in options)  # the 12-bar, quick-change and 8-bar forms
    assert all(o.symbols[-1].startswith(key.tonic) for o in options)
