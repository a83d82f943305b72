"""The melody generator on hand-built lines: syllables, stresses, chords and phrases given as data."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cowriter.core.keys import Key
from cowriter.core.melody import (
    STRONG,
    VOICES,
    ChordWindow,
    MelodyLine,
    Sketch,
    SungSyllable,
    sketch,
    template_of,
    weight,
)
from cowriter.core.timeline import Meter

C, F, G, AM = (frozenset(s) for s in ({0, 4, 7}, {5, 9, 0}, {7, 11, 2}, {9, 0, 4}))
FOUR = Meter(4, 4)


def syllables(pattern: str, words: str = "") -> tuple[SungSyllable, ...]:
    """Syllables from a stress pattern ("0101": 1 a main stress); texts la0, la1…; the last one rhymes."""
    n = len(pattern)
    return tuple(
        SungSyllable(f"la{i}", 2 * int(ch), word_end=True, rhyme=i == n - 1) for i, ch in enumerate(pattern)
    )


def line(pattern: str, start: float, chords: tuple[frozenset[int], ...] = (C, G), **kw: object) -> MelodyLine:
    """A two-bar 4/4 phrase from `start`, one chord per bar."""
    windows = tuple(ChordWindow(start + 4 * i, 4.0, f"X{i}", pcs) for i, pcs in enumerate(chords))
    return MelodyLine(syllables(pattern), start, start + 8.0, windows, **kw)  # type: ignore[arg-type]


VERSE = [  # after a bar of introduction, so the first line may start with a pickup
    line("01010101", 4.0, (C, AM)),
    line("1010101", 12.0, (F, G)),
    line("01010101", 20.0, (C, AM)),
    line("1010101", 28.0, (G, C), closing=True),
]


def sung(s: Sketch) -> list[str]:
    return [n.syllable for n in s.notes if n.syllable]


def test_one_note_per_syllable_in_order() -> None:
    for s in sketch(VERSE, Key("C"), FOUR, VOICES["alto"], alternatives=4, seed=1):
        expected = [syl.text for ln in VERSE for syl in ln.syllables]
        assert sung(s) == expected
        assert s.notes[0].syllable  # a melisma continues a syllable, never starts a line


def test_same_seed_same_sketches_and_seeds_differ() -> None:
    a = sketch(VERSE, Key("C"), FOUR, VOICES["alto"], alternatives=3, seed=7)
    b = sketch(VERSE, Key("C"), FOUR, VOICES["alto"], alternatives=3, seed=7)
    c = sketch(VERSE, Key("C"), FOUR, VOICES["alto"], alternatives=3, seed=8)
    assert a == b
    assert [s.notes for s in a] != [s.notes for s in c]


def test_alternatives_are_ranked_by_score() -> None:
    out = sketch(VERSE, Key("C"), FOUR, VOICES["alto"], alternatives=6, seed=3)
    totals = [s.score.total for s in out]
    assert totals == sorted(totals, reverse=True)
    assert len({s.notes for s in out}) > 1  # the alternatives are not all the same tune


def test_score_card_explains_itself() -> None:
    card = sketch(VERSE, Key("C"), FOUR, VOICES["alto"], alternatives=1)[0].score
    parts = card.parts()
    assert set(parts) == {"stress", "chord_tones", "leaps", "range", "cadence", "contour"}
    assert all(0.0 <= v <= 1.0 for v in parts.values())
    assert 0 <= card.total <= 100
    assert "stress" in card.explain() and "%" in card.explain()


def _stress_and_chord_rates(s: Sketch, lines: list[MelodyLine], meter: Meter) -> tuple[float, float]:
    hits = room = strong = chordal = 0
    for ln, (a, b) in zip(lines, s.lines, strict=True):
        notes = s.notes[a:b]
        heads = [n for n in notes if n.syllable]
        stressed = [n for n, syl in zip(heads, ln.syllables, strict=True) if syl.stress]
        slots = sum(1 for k in range(int((ln.end - ln.start) * 2)) if weight(k / 2, meter) >= STRONG)
        room += min(len(stressed), slots)
        hits += min(sum(weight(n.start - ln.start, meter) >= STRONG for n in stressed), slots)
        for n in notes:
            if weight(n.start - ln.start, meter) >= STRONG:
                pcs = (
                    next(w.pitch_classes for w in reversed(ln.chords) if w.start <= n.start)
                    if ln.chords
                    else None
                )
                if pcs:
                    strong += 1
                    chordal += n.pitch % 12 in pcs
    return hits / room, chordal / strong


@pytest.mark.parametrize("seed", range(5))
def test_stresses_on_strong_beats_and_chord_tones_there(seed: int) -> None:
    for s in sketch(VERSE, Key("C"), FOUR, VOICES["alto"], alternatives=3, seed=seed):
        stress_rate, chord_rate = _stress_and_chord_rates(s, VERSE, FOUR)
        assert stress_rate >= 0.9
        assert chord_rate >= 0.8


@pytest.mark.parametrize("voice", sorted(VOICES))
def test_range_holds_for_every_voice(voice: str) -> None:
    v = VOICES[voice]
    for s in sketch(VERSE, Key("Eb"), FOUR, v, alternatives=3, seed=2):
        assert all(v.low <= n.pitch <= v.high for n in s.notes)


MINOR_VERSE = [
    line("01010101", 4.0, (AM, frozenset({4, 8, 11}))),
    line("1010101", 12.0, (frozenset({2, 5, 9}), AM), closing=True),
]


@pytest.mark.parametrize(("key", "lines"), [(Key("C"), VERSE), (Key("A", "minor"), MINOR_VERSE)])
def test_closing_line_ends_on_the_tonic_and_others_on_stable_degrees(
    key: Key, lines: list[MelodyLine]
) -> None:
    stable = {(key.tonic_pc + key.steps[d]) % 12 for d in (0, 2, 4)}
    for seed in range(4):
        for s in sketch(lines, key, FOUR, VOICES["soprano"], alternatives=3, seed=seed):
            assert s.notes[-1].pitch % 12 == key.tonic_pc
            assert all(s.notes[b - 1].pitch % 12 in stable for _, b in s.lines)


def test_notes_do_not_overlap_and_stay_in_their_phrases() -> None:
    for s in sketch(VERSE, Key("C"), FOUR, VOICES["alto"], alternatives=5, seed=9):
        for a, b in zip(s.notes, s.notes[1:], strict=False):
            assert a.start + a.duration <= b.start + 1e-9
        for ln, (a, b) in zip(VERSE, s.lines, strict=True):
            assert all(
                ln.start - 4 <= n.start and n.start + n.duration <= ln.end + 1e-9 for n in s.notes[a:b]
            )
        assert s.notes[0].start >= 0


def test_rhyme_word_gets_a_long_note() -> None:
    for s in sketch(VERSE, Key("C"), FOUR, VOICES["alto"], alternatives=3, seed=5):
        for a, b in s.lines:
            notes = s.notes[a:b]
            assert notes[-1].duration >= max(n.duration for n in notes[:-1])


def test_lines_of_a_section_share_a_motif() -> None:
    """Line 3 echoes line 1 (same stress pattern, same chords): the same rhythm, mostly the same pitches."""
    s = sketch(VERSE, Key("C"), FOUR, VOICES["alto"], alternatives=1, seed=11)[0]
    one, three = (
        template_of(s.notes[a:b], VERSE[i].start) for i, (a, b) in ((0, s.lines[0]), (2, s.lines[2]))
    )
    assert one.syllable_onsets == three.syllable_onsets
    same = sum(p == q for p, q in zip(one.pitches, three.pitches, strict=False))
    assert same >= 0.6 * len(one.pitches)


def test_a_second_verse_follows_the_first() -> None:
    verse2 = [
        line("0101010101", 36.0, (C, AM), section=2),  # more syllables than verse 1's first line
        line("101010", 44.0, (F, G), section=2),
        line("01010101", 52.0, (C, AM), section=2),
        line("1010101", 60.0, (F, G), closing=True, section=2),
    ]
    lines = VERSE + verse2
    follows = [None] * 4 + [0, 1, 2, 3]

    def likeness(s: Sketch) -> float:
        hits = total = 0
        for i in range(4):
            first = template_of(s.notes[slice(*s.lines[i])], lines[i].start)
            for n in s.notes[slice(*s.lines[i + 4])]:
                total += 1
                hits += first.pitch_at(round(n.start - lines[i + 4].start, 6)) == n.pitch
        return hits / total

    followed = [likeness(s) for s in sketch(lines, Key("C"), FOUR, VOICES["alto"], 4, 21, follows=follows)]
    free = [likeness(s) for s in sketch(lines, Key("C"), FOUR, VOICES["alto"], 4, 21)]
    assert min(followed) >= 0.6
    assert sum(followed) > sum(free)
    for s in sketch(lines, Key("C"), FOUR, VOICES["alto"], 2, 21, follows=follows):
        assert sung(s) == [syl.text for ln in lines for syl in ln.syllables]


def test_short_line_may_hold_a_syllable_over_two_notes() -> None:
    short = [line("101", 0.0), line("11", 8.0, closing=True)]
    seen_melisma = False
    for s in sketch(short, Key("C"), FOUR, VOICES["alto"], alternatives=8, seed=0):
        assert sung(s) == ["la0", "la1", "la2", "la0", "la1"]
        seen_melisma |= any(not n.syllable for n in s.notes)
    assert seen_melisma


def test_crowded_line_still_gets_a_note_per_syllable() -> None:
    crowded = [line("0101001010010101001010", 0.0, closing=True)]  # 22 syllables in two bars
    s = sketch(crowded, Key("C"), FOUR, VOICES["alto"], alternatives=1)[0]
    assert len(sung(s)) == 22
    assert all(0 <= n.start < 8.0 for n in s.notes)


def test_pickup_before_the_phrase_when_words_come_before_the_first_chord() -> None:
    lines = [line("1010101", 0.0), line("01010101", 8.0, lead_in=1, closing=True)]
    for s in sketch(lines, Key("C"), FOUR, VOICES["alto"], alternatives=3, seed=1):
        first = s.notes[s.lines[1][0]]
        assert first.start < 8.0
        assert s.notes[s.lines[1][0] + 1].start >= 8.0


@pytest.mark.parametrize("meter", [Meter(3, 4), Meter(6, 8), Meter(2, 2)])
def test_other_meters(meter: Meter) -> None:
    bar = meter.beats
    lines = [  # four-bar phrases after a bar of introduction
        MelodyLine(syllables("01011101"), bar, 5.0 * bar, (ChordWindow(bar, 4.0 * bar, "C", C),)),
        MelodyLine(syllables("010101"), 5.0 * bar, 9.0 * bar, (ChordWindow(5.0 * bar, 4.0 * bar, "G", G),)),
    ]
    for s in sketch(lines, Key("C"), meter, VOICES["alto"], alternatives=2, seed=3):
        assert len(sung(s)) == 14
        assert s.score.stress >= 0.9 and s.score.chord_tones >= 0.8


def test_no_chords_and_empty_lines() -> None:
    bare = [
        MelodyLine(syllables("0101"), 0.0, 8.0),
        MelodyLine((), 8.0, 16.0),
        MelodyLine(syllables("11"), 16.0, 24.0),
    ]
    s = sketch(bare, Key("D"), FOUR, VOICES["tenor"], alternatives=1)[0]
    assert len(sung(s)) == 6 and s.lines[1][0] == s.lines[1][1]


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.text(alphabet="01", min_size=1, max_size=16), min_size=1, max_size=4),
    st.sampled_from([FOUR, Meter(3, 4), Meter(6, 8)]),
    st.sampled_from(sorted(VOICES)),
    st.integers(0, 1000),
)
def test_invariants(patterns: list[str], meter: Meter, voice: str, seed: int) -> None:
    phrase = 2.0 * meter.beats
    lines = [
        MelodyLine(syllables(p), i * phrase, (i + 1) * phrase, (ChordWindow(i * phrase, phrase, "F", F),))
        for i, p in enumerate(patterns)
    ]
    v = VOICES[voice]
    for s in sketch(lines, Key("F"), meter, v, alternatives=2, seed=seed):
        assert sung(s) == [syl.text for ln in lines for syl in ln.syllables]
        assert all(v.low <= n.pitch <= v.high and n.duration > 0 and n.start >= 0 for n in s.notes)
        for a, b in zip(s.notes, s.notes[1:], strict=False):
            assert a.start + a.duration <= b.start + 1e-9
        for x, y in zip(s.notes, s.notes[1:], strict=False):
            assert abs(x.pitch - y.pitch) <= 12
