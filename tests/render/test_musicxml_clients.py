"""Our lead sheets as MuseScore 3 and LilyPond read them: every song of examples/, tests/data/songs and
the conformance corpus, as written and with the melody `cowriter melody --write` stores.

Each file is written once, converted once by each program (session fixtures), and many things are
checked on the result against the song's own timeline: bars, key, meter, clef, chord symbols at their
beats, one voice with visible rests, accidentals only where the key signature needs them, section names
and tempo at their bars, every word of the chord sheet. The programs come from Debian (`musescore3`,
`lilypond`; scripts/test.sh installs them); where one is missing its tests skip and say so.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from fractions import Fraction
from pathlib import Path

import pytest

from cowriter.core.arrange import melody_of
from cowriter.core.arrange.bars import bars_of
from cowriter.core.arrange.harmony import harmony_of, transpose_key
from cowriter.core.chords import parse_chord
from cowriter.core.keys import KeyError_, parse_key
from cowriter.core.timeline import Timeline
from tests.render import notation_clients as nc

NAMES = nc.names()
# LilyPond reads every melody version, and every sheet of examples/ and tests/data (the conformance corpus's
# sheets without a tune are slashes under chords, checked in MuseScore): ~0.2 s a file on a quiet machine.
LY_NAMES = [name for name in NAMES if name.endswith("+melody") or not name.startswith(("cp-", "sk-"))]
PNG = ("shenandoah-intro+melody", "amazing-grace", "amazing-grace+melody")


@pytest.fixture(scope="session")
def sheets(tmp_path_factory: pytest.TempPathFactory) -> dict[str, nc.Sheet]:
    folder = tmp_path_factory.mktemp("leadsheets")
    return {s.name: s for s in nc.corpus(folder)}


@pytest.fixture(scope="session")
def musescore(sheets: dict[str, nc.Sheet], tmp_path_factory: pytest.TempPathFactory) -> dict[str, nc.Sheet]:
    missing = nc.available(nc.MSCORE)
    if missing:
        pytest.skip("MuseScore 3 is not installed (Debian package musescore3; scripts/test.sh installs it)")
    melodies = tuple(name for name in sheets if name.endswith("+melody"))
    nc.musescore(list(sheets.values()), tmp_path_factory.mktemp("musescore"), png=PNG, midi=melodies)
    return sheets


@pytest.fixture(scope="session")
def lilypond(sheets: dict[str, nc.Sheet], tmp_path_factory: pytest.TempPathFactory) -> dict[str, nc.Sheet]:
    missing = nc.available("musicxml2ly", "lilypond")
    if missing:
        pytest.skip(
            f"{' and '.join(missing)} not installed (Debian package lilypond; scripts/test.sh installs it)"
        )
    chosen = [sheets[name] for name in LY_NAMES if name in sheets]
    nc.lilypond(chosen, tmp_path_factory.mktemp("lilypond"), full=PNG)
    return sheets


_parsed: dict[str, nc.Mscx] = {}


def _mscx(musescore: dict[str, nc.Sheet], name: str) -> tuple[nc.Sheet, nc.Mscx]:
    sheet = _sheet(musescore, name)
    assert sheet.mscx is not None, f"MuseScore wrote no MSCX for {name}: {sheet.musescore_log}"
    if name not in _parsed:
        _parsed[name] = nc.read_mscx(sheet.mscx)
    return sheet, _parsed[name]


def _sheet(sheets: dict[str, nc.Sheet], name: str) -> nc.Sheet:
    if name not in sheets:
        pytest.skip(
            "no timeline" if "+melody" not in name else "`cowriter melody --write` stores no melody here"
        )
    return sheets[name]


# ---- what the timeline says ----------------------------------------------------------------------------


def _quarters_into_bar(timed: Timeline, bar: int, beat: float) -> Fraction:
    meter = next(b.meter for b in bars_of(timed) if b.number == bar)
    return Fraction(beat - 1).limit_denominator(96) * 4 / meter.unit


def expected_chords(timed: Timeline) -> list[tuple[int, Fraction, int | None, int | None]]:
    """(bar, quarters into the bar, root, slash bass) of every chord change, again at each section."""
    out, previous = [], ("", -1)
    for span in sorted(timed.spans, key=lambda s: s.start):
        if span.duration <= 0:
            continue
        chord = harmony_of(span.chord, span.transpose, span.key)
        if (chord.symbol, span.section_index) != previous and not chord.unknown:
            root = None if chord.silent else chord.root
            bass = chord.bass if root is not None and chord.bass != chord.root else None
            out.append((span.bar, _quarters_into_bar(timed, span.bar, span.beat), root, bass))
        previous = (chord.symbol, span.section_index)
    return out


def expected_bars(sheet: nc.Sheet) -> int:
    """The timeline's bars, and more in its last meter where a tune written into the song runs on."""
    timed = sheet.timed
    end = max((n.start + n.duration for n in melody_of(sheet.song)), default=0.0)
    last = bars_of(timed)[-1]
    return timed.bars + max(0, math.ceil((end - timed.beats - 1e-6) / last.beats))


def expected_keys(timed: Timeline) -> list[tuple[int, int]]:
    """(bar, sharps or -flats) where the key signature changes; C major when the song names no key."""
    out: list[tuple[int, int]] = []
    for span in sorted(timed.spans, key=lambda s: s.start):
        name = transpose_key(span.key, span.transpose)
        try:
            sharps = parse_key(name).signature if name else None
        except KeyError_:
            sharps = None
        if sharps is not None and (not out or out[-1][1] != sharps):
            out.append((span.bar, sharps))
    return out or [(1, 0)]


def _collapse(items: list[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for bar, value in items:
        if not out or out[-1][1] != value:
            out.append((bar, value))
    return out


def sung_words(sheet: nc.Sheet) -> list[str]:
    """Every word of every line the timeline sings, in order (a chord inside a word does not split it)."""
    lines = {line.line: line for line in sheet.song.lines}
    words: list[str] = []
    last = None
    for span in sorted(sheet.timed.spans, key=lambda s: s.start):
        key = (span.line, span.section_index)
        sung = any(s.lyric for s in sheet.timed.spans if (s.line, s.section_index) == key)
        if key != last and span.line in lines and sung:
            words += lines[span.line].lyrics.split()
        last = key
    return words


def joined(lyrics: list[tuple[int, Fraction, str, str]]) -> list[str]:
    """Syllables (begin, middle, end) joined back into words, in score order."""
    words: list[str] = []
    open_word = False
    for _, _, syllabic, text in sorted(lyrics, key=lambda e: (e[0], e[1])):
        for part in text.split(" "):
            if open_word and words:
                words[-1] += part
            else:
                words.append(part)
            open_word = False
        open_word = syllabic in ("begin", "middle")
    return [w for w in words if w]


# ---- MuseScore -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", NAMES)
def test_musescore_converts_without_a_word_of_complaint(musescore: dict[str, nc.Sheet], name: str) -> None:
    sheet, score = _mscx(musescore, name)
    said = [
        line
        for line in sheet.musescore_log.splitlines()
        if line.strip() and not line.strip().startswith(("to <", "... success"))
    ]
    assert not said, said
    assert "Music21" not in score.texts.values()


@pytest.mark.parametrize("name", NAMES)
def test_bars_key_meter_and_clef(musescore: dict[str, nc.Sheet], name: str) -> None:
    sheet, score = _mscx(musescore, name)
    timed = sheet.timed
    assert score.bars == expected_bars(sheet)
    assert not score.irregular, f"bars shorter or longer than their meter: {score.irregular}"
    assert _collapse(score.keys or [(1, 0)]) == _collapse(expected_keys(timed))
    meters = [(m.bar, str(m.meter)) for m in sorted(timed.meters, key=lambda m: m.bar)]
    collapsed = [m for i, m in enumerate(meters) if i == 0 or m[1] != meters[i - 1][1]]
    assert [m for i, m in enumerate(score.meters) if i == 0 or m[1] != score.meters[i - 1][1]] == collapsed
    assert len(score.clefs) == 1
    sung = sorted(n.pitch for n in score.notes if not n.slash)
    if not sung or 62 <= sung[len(sung) // 2] <= 76:  # slashes, or a tune around D4..E5: treble clef
        assert score.clefs == ["G"]
    elif sung[len(sung) // 2] < 55:
        assert score.clefs == ["F"]


@pytest.mark.parametrize("name", NAMES)
def test_chord_symbols_stand_on_the_timelines_beats(musescore: dict[str, nc.Sheet], name: str) -> None:
    sheet, score = _mscx(musescore, name)
    got = [(c.bar, c.at, c.root, c.bass) for c in score.chords]
    assert got == expected_chords(sheet.timed)
    # and read as written: MuseScore keeps the suffix (it drops parentheses and slashes: m(add9) → madd9)
    names = [_plain(c.name) for c in score.chords]
    assert names == [_plain(SHOWN_AS.get(suffix, suffix)) for suffix in expected_suffixes(sheet.timed)]


# Chords MuseScore names by a spelling of its own chord list (the same tones): 7alt as 7#5#9#11, C7#5 as
# Caug7; m7sus2 (a minor chord with no third) as 7sus2.
SHOWN_AS = {"7alt": "7#5#9#11", "7#5": "aug7", "7+5": "aug7", "m7sus2": "7sus2"}


def _plain(suffix: str) -> str:
    return re.sub(r"[()/,\s]", "", suffix)


def expected_suffixes(timed: Timeline) -> list[str]:
    out, previous = [], ("", -1)
    for span in sorted(timed.spans, key=lambda s: s.start):
        if span.duration <= 0:
            continue
        chord = harmony_of(span.chord, span.transpose, span.key)
        if (chord.symbol, span.section_index) != previous and not chord.unknown:
            out.append("N.C." if chord.silent else parse_chord(chord.symbol).suffix)
        previous = (chord.symbol, span.section_index)
    return out


@pytest.mark.parametrize("name", NAMES)
def test_one_voice_and_every_rest_shown(musescore: dict[str, nc.Sheet], name: str) -> None:
    _, score = _mscx(musescore, name)
    assert score.voices == 1
    assert score.invisible == 0
    sung_bars = {n.bar for n in score.notes if not n.slash}
    slash_bars = {n.bar for n in score.notes if n.slash}
    assert not sung_bars & slash_bars
    rest_only = {bar for bar, _, _ in score.rests} - sung_bars - slash_bars
    tune = melody_of(_sheet(musescore, name).song)
    if not tune:
        assert not sung_bars and not rest_only, "a song without a melody is all slashes"


@pytest.mark.parametrize("name", NAMES)
def test_accidentals_only_where_the_key_signature_needs_them(
    musescore: dict[str, nc.Sheet], name: str
) -> None:
    _, score = _mscx(musescore, name)
    keys = dict(score.keys or [(1, 0)])
    sharps = keys.get(1, 0)  # (a pickup bar is in bar 1's key)
    state: dict[tuple[str, int], int] = {}
    tied_in: set[tuple[str, int]] = set()
    bar = -1
    wrong = []
    for note in sorted(score.notes, key=lambda n: (n.bar, n.at)):
        if note.bar != bar:
            bar, state, tied_in = note.bar, {}, set()
            sharps = keys.get(bar, sharps)
        letter, alter = nc.tpc_spelling(note.tpc)
        octave = (note.pitch - alter) // 12 - 1
        order = "FCGDAEB" if sharps >= 0 else "BEADGCF"
        signature = (1 if sharps > 0 else -1) if order.index(letter) < abs(sharps) else 0
        current = state.get((letter, octave), signature)
        needed = alter != current and not note.tied_back
        # the alteration of a note tied in from the bar before is restated on the next note of its letter
        # (the tie carries it to the tied note only): allowed, not required
        restated = (letter, octave) in tied_in and alter == current and alter != signature
        if needed != (note.accidental is not None) and not (restated and note.accidental is not None):
            wrong.append(
                (note.bar, float(note.at), letter, alter, note.accidental, "slash" if note.slash else "")
            )
        # a note tied over the bar line sets its letter's alteration for the rest of the bar too, as
        # MuseScore reckons it (an A after an A flat tied in from the bar before gets its natural)
        state[(letter, octave)] = alter
        if note.tied_back:
            tied_in.add((letter, octave))
        else:
            tied_in.discard((letter, octave))
    assert not wrong, wrong[:8]


@pytest.mark.parametrize("name", NAMES)
def test_section_names_and_tempo_at_their_bars(musescore: dict[str, nc.Sheet], name: str) -> None:
    sheet, score = _mscx(musescore, name)
    timed = sheet.timed
    assert [(bar, text) for bar, _, text in score.rehearsals] == [
        (m.bar, m.name) for m in timed.sections if m.name
    ]
    bar_at = {round(b.start, 6): b.number for b in bars_of(timed)}
    tempo_bars = [bar_at.get(round(t.start, 6)) for t in timed.tempos]
    assert [bar for bar, _, _ in score.tempos] == tempo_bars
    placements = sheet.xml.read_text(encoding="utf-8")
    assert "<direction>" not in placements  # every direction says placement="above"


@pytest.mark.parametrize("name", NAMES)
def test_every_word_is_written(musescore: dict[str, nc.Sheet], name: str) -> None:
    sheet, score = _mscx(musescore, name)
    tune = melody_of(sheet.song)
    if not any(n.syllable for n in tune):  # words from the chord sheet, on slashes or on the tune's notes
        assert [w.replace("-", "") for w in joined(score.lyrics)] == [
            w.replace("-", "") for w in sung_words(sheet)
        ]
        return
    sung_bars = {n.bar for n in score.notes if not n.slash}
    syllables = [n.syllable for n in tune if n.syllable]
    assert [text for bar, _, _, text in sorted(score.lyrics) if bar in sung_bars] == syllables


@pytest.mark.parametrize("name", [name for name in NAMES if name.endswith("+melody")])
def test_musescores_midi_has_the_songs_time_signatures_only(
    musescore: dict[str, nc.Sheet], name: str
) -> None:
    """A short bar made MuseScore's MIDI export add a 2/4 or 3/4 time signature there."""
    sheet = _sheet(musescore, name)
    assert sheet.mscx is not None
    meters = nc.midi_meters(sheet.mscx.with_suffix(".mid"))
    first = min((n.start for n in melody_of(sheet.song)), default=0.0)
    if first < 0:  # a tune that starts before bar 1: a pickup bar, which MuseScore's MIDI gives its length
        unit = sheet.timed.meters[0].meter.unit
        pickup = Fraction(-first * 4 / unit).limit_denominator(96)
        assert meters[0][0] == 0 and len(meters) > 1 and meters[1][0] == pickup
        meters = [(at - pickup, meter) for at, meter in meters[1:]]
    starts, quarters = {}, Fraction(0)
    for bar in bars_of(sheet.timed):
        starts[bar.number] = quarters
        quarters += Fraction(bar.quarters).limit_denominator(96)
    changes = [(m.bar, str(m.meter)) for m in sorted(sheet.timed.meters, key=lambda m: m.bar)]
    expected = [
        (starts[bar], meter) for i, (bar, meter) in enumerate(changes) if i == 0 or meter != changes[i - 1][1]
    ]
    assert [m for i, m in enumerate(meters) if i == 0 or m[1] != meters[i - 1][1]] == expected


def test_the_pages_look_right_to_a_songwriter(musescore: dict[str, nc.Sheet]) -> None:
    """The few sheets also drawn as PNG are drawn (a person looked at them when this was written)."""
    for name in PNG:
        sheet = _sheet(musescore, name)
        assert sheet.mscx is not None
        assert sheet.mscx.with_name(f"{name}-1.png").stat().st_size > 10_000


def test_amazing_grace_credits_and_words(musescore: dict[str, nc.Sheet]) -> None:
    _, score = _mscx(musescore, "amazing-grace")
    assert score.texts["Title"] == "Amazing Grace"
    assert score.texts["Composer"] == "Traditional (New Britain)"
    assert score.texts["Lyricist"] == "Words: John Newton"
    words = joined(score.lyrics)
    for phrase in (
        "Amazing grace,",
        "like me. I once",
        "found, Was blind",
        "see. 'Twas grace",
        "fears relieved;",
    ):
        assert phrase in " ".join(words)
    syllables = [(s, t) for _, _, s, t in sorted(score.lyrics)]
    assert ("begin", "re") in syllables and ("end", "lieved;") in syllables


def test_subtitle_and_artist_are_credited(musescore: dict[str, nc.Sheet]) -> None:
    _, swing = _mscx(musescore, "ex-swing-low")
    assert swing.texts["Title"].split("\n") == ["Swing Low, Sweet Chariot", "Traditional spiritual"]
    _, susanna = _mscx(musescore, "oh-susanna")
    assert susanna.texts["Lyricist"] == "Artist: Stephen Foster"
    assert "Composer" not in susanna.texts


def test_shenandoahs_intro_is_slashes_under_its_chords(musescore: dict[str, nc.Sheet]) -> None:
    _, score = _mscx(musescore, "shenandoah-intro+melody")
    for bar in (1, 2, 3, 4):
        assert sum(1 for n in score.notes if n.bar == bar and n.slash) == 4
    assert [(c.bar, c.root) for c in score.chords if c.bar <= 4] == [(1, 2), (2, 7), (3, 2), (4, 9)]


def test_melody_versions_keep_their_last_bar(musescore: dict[str, nc.Sheet]) -> None:
    assert _mscx(musescore, "ex-oh-susanna+melody")[1].bars == 56
    assert _mscx(musescore, "ex-st-louis-blues+melody")[1].bars == 34


# ---- LilyPond ------------------------------------------------------------------------------------------


LY_TOKEN = re.compile(
    r"\\barNumberCheck\s*#\d+|%[^\n]*|\||[a-gs][a-z]*[,']*\d+\.*(?:\*\d+(?:/\d+)?)?(?::[^\s]*)?"
)


def chordmode_bars(ly: str) -> Iterator[tuple[int, Fraction, str]]:
    """(bar, quarters into the bar, chord) of each chord name musicxml2ly wrote into its ChordNames."""
    block = re.search(r"Chords\s*=\s*\\chordmode\s*\{(.*?)\n\s*\}", ly, re.S)
    if not block:
        return
    bar, at = 1, Fraction(0)
    for token in LY_TOKEN.findall(block.group(1)):
        if token == "|":
            bar, at = bar + 1, Fraction(0)
            continue
        if token.startswith(("%", "\\")):  # "| % 12" and "\\barNumberCheck #10" name the bar that begins
            number = re.search(r"\d+", token)
            if number:
                bar = int(number.group())
            continue
        head = re.match(r"([a-gs][a-z]*)[,']*(\d+)(\.*)(?:\*(\d+)(?:/(\d+))?)?", token)
        assert head, token
        length = Fraction(4, int(head.group(2))) * (2 - Fraction(1, 2 ** len(head.group(3))))
        if head.group(4):
            length *= Fraction(int(head.group(4)), int(head.group(5) or 1))
        if head.group(1) != "s":
            yield bar, at, token
        at += length


@pytest.mark.parametrize("name", LY_NAMES)
def test_lilypond_reads_without_negative_skips_or_bar_check_failures(
    lilypond: dict[str, nc.Sheet], name: str
) -> None:
    sheet = _sheet(lilypond, name)
    log = sheet.lilypond_log
    assert "Negative skip" not in log, log[:2000]
    assert "barcheck failed" not in log and "bar check" not in log.lower(), log[:2000]
    assert "error:" not in log.lower() and "failed files" not in log, log[:2000]


@pytest.mark.parametrize("name", LY_NAMES)
def test_lilypond_puts_each_chord_in_its_bar(lilypond: dict[str, nc.Sheet], name: str) -> None:
    sheet = _sheet(lilypond, name)
    ly = Path(sheet.extra["ly"]).read_text(encoding="utf-8")
    got = [(bar, at) for bar, at, _ in chordmode_bars(ly)]
    expected = [(bar, at) for bar, at, root, _ in expected_chords(sheet.timed) if root is not None]
    assert got == expected


def _ly_chords(sheet: nc.Sheet) -> list[tuple[int, str]]:
    ly = Path(sheet.extra["ly"]).read_text(encoding="utf-8")
    return [(bar, re.match(r"[a-g](?:is|es)*", token).group()) for bar, _, token in chordmode_bars(ly)]  # type: ignore[union-attr]


def test_lilypond_keeps_the_chords_the_old_files_lost(lilypond: dict[str, nc.Sheet]) -> None:
    """Amazing Grace's G at bar 16, D at 23 and D7 at 24, once written after a <backup>; Shenandoah's
    intro, once piled into bar 4."""
    grace = _ly_chords(_sheet(lilypond, "amazing-grace+melody"))
    assert (16, "g") in grace and (23, "d") in grace and (24, "d") in grace
    intro = [chord for chord in _ly_chords(_sheet(lilypond, "shenandoah-intro+melody")) if chord[0] <= 4]
    assert intro == [(1, "d"), (2, "g"), (3, "d"), (4, "a")]
