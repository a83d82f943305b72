"""The lead sheet's MusicXML as written: what MuseScore and LilyPond need from it, checked on the file
itself (the same songs through the real programs: test_musicxml_clients.py)."""

from __future__ import annotations

import subprocess
import sys
import xml.etree.ElementTree as ET
from fractions import Fraction
from pathlib import Path

import pytest

from cowriter.core.keys import Key
from cowriter.core.sheet import read_song
from cowriter.core.timing import timeline
from cowriter.render.musicxml import musicxml_bytes
from cowriter.render.notation import Value, beam_groups, choose_clef, spelled, tuplet_marks, values

DATA = Path(__file__).resolve().parent.parent / "data" / "songs"
EXAMPLES = Path(__file__).resolve().parent.parent.parent / "examples"


def sheet(text: str) -> ET.Element:
    return ET.fromstring(musicxml_bytes(read_song(text)))


def measures(root: ET.Element) -> list[ET.Element]:
    return root.findall("part/measure")


def bar_quarters(root: ET.Element) -> list[Fraction]:
    """The length of each measure's notes, in quarter notes."""
    divisions = int(root.findtext("part/measure/attributes/divisions", "1"))
    return [
        sum((Fraction(int(n.findtext("duration", "0")), divisions) for n in m.findall("note")), Fraction(0))
        for m in measures(root)
    ]


def words(root: ET.Element) -> list[tuple[int, str, str]]:
    return [
        (int(m.get("number", "0")), lyric.findtext("syllabic", ""), lyric.findtext("text", ""))
        for m in measures(root)
        for lyric in m.iter("lyric")
    ]


TUNE = """{{title: Tune}}
{{key: {key}}}
{{time: 4/4}}
[{chord}]Sing a [G]song
[C]Sing it [D]long
{{start_of_abc}}
X:1
M:4/4
L:1/4
K:{key}
{abc}
w: {words}
{{end_of_abc}}
"""


def tune(abc: str, words: str = "", key: str = "G", chord: str = "G") -> str:
    return TUNE.format(abc=abc, words=words, key=key, chord=chord)


def test_the_part_names_an_instrument() -> None:
    part = sheet(tune("G A B c | d4 |")).find("part-list/score-part")
    assert part is not None
    assert part.find("score-instrument/instrument-name") is not None
    assert part.find("midi-instrument").get("id") == part.find("score-instrument").get("id")  # type: ignore[union-attr]


def test_a_melody_that_stops_early_keeps_every_bar_of_the_song_and_fills_them() -> None:
    text = tune("G A B c | d2 B2 | c B A G | A2 |", "Sing a song to-day sing a-long and on and on a-way")
    root = sheet(text)
    assert len(measures(root)) == timeline(read_song(text)).bars == 4
    assert bar_quarters(root) == [4, 4, 4, 4]
    last = measures(root)[-1].findall("note")
    assert [n.find("rest") is not None for n in last] == [False, True]  # the tune's last half note, a rest
    assert all(n.get("print-object") != "no" for n in last)
    bars_without_tune = sheet(tune("G A B c | d4 |", "Sing a song to-day"))  # chords go on: slashes there
    assert [n.findtext("notehead") for n in measures(bars_without_tune)[3].findall("note")] == ["slash"] * 4


def test_every_bar_of_the_examples_adds_up_to_its_meter() -> None:
    for path in [*EXAMPLES.glob("*.cho"), *DATA.glob("*.cho")]:
        root = sheet(path.read_text(encoding="utf-8"))
        meters, lengths = [], bar_quarters(root)
        current = Fraction(4)
        for m in measures(root):
            time = m.find("attributes/time")
            if time is not None:
                current = Fraction(4 * int(time.findtext("beats", "4")), int(time.findtext("beat-type", "4")))
            meters.append(current)
        assert lengths == meters, path.name


@pytest.mark.parametrize(
    ("abc", "clef"), [("D E F G | A B c e |", "G"), ("C, D, E, F, | G, A, G, E, |", "F")]
)
def test_the_clef_follows_the_tunes_range(abc: str, clef: str) -> None:
    root = sheet(tune(abc, "Sing a song to-day for me to-day"))
    assert root.findtext("part/measure/attributes/clef/sign") == clef


def test_accidentals_only_where_the_key_does_not_say_it() -> None:
    # G major: F# needs none; a Bb gets a flat, the B after it in the same bar a natural; the next bar none
    root = sheet(tune("F G _B =B | B F G2 |", "one two three four five six sev-en"))
    got = [(int(m.get("number", "0")), n.findtext("pitch/step"), n.findtext("accidental"))
           for m in measures(root) for n in m.findall("note") if n.find("pitch") is not None]  # fmt: skip
    assert got[:7] == [(1, "F", None), (1, "G", None), (1, "B", "flat"), (1, "B", "natural"),
                       (2, "B", None), (2, "F", None), (2, "G", None)]  # fmt: skip


def test_slashes_sit_on_the_middle_line_as_the_key_signature_alters_it() -> None:
    root = sheet("{title: Flat}\n{key: F}\n[F]One [C7]two [Gm]three [Em7b5]four\n")
    slashes = [n for n in root.iter("note") if n.findtext("notehead") == "slash"]
    assert slashes and all(
        n.findtext("pitch/step") == "B" and n.findtext("pitch/alter") == "-1" for n in slashes
    )
    assert all(n.find("accidental") is None and n.findtext("stem") == "none" for n in slashes)


def test_one_voice_nothing_hidden_and_chords_in_order() -> None:
    xml = musicxml_bytes(read_song((DATA / "amazing-grace.cho").read_text(encoding="utf-8")))
    root = ET.fromstring(xml)
    assert root.find(".//backup") is None and root.find(".//forward") is None
    assert {n.findtext("voice") for n in root.iter("note")} == {"1"}
    assert not [e for e in root.iter() if e.get("print-object") == "no" and e.tag in ("note", "rest")]
    assert all(d.get("placement") == "above" for d in root.iter("direction"))


def test_section_names_and_tempo_stand_at_their_bar() -> None:
    root = sheet((DATA / "amazing-grace.cho").read_text(encoding="utf-8"))
    marks = [(int(m.get("number", "0")), r.text) for m in measures(root) for r in m.iter("rehearsal")]
    assert marks == [(1, "Verse 1"), (17, "Verse 2"), (33, "Verse 3")]
    tempos = [
        (int(m.get("number", "0")), t.findtext("per-minute"))
        for m in measures(root)
        for t in m.iter("metronome")
    ]
    assert tempos == [(1, "80"), (33, "66")]


def test_credits_come_from_the_songs_own_directives() -> None:
    root = sheet(
        "{title: T}\n{subtitle: S}\n{composer: C. Writer}\n{lyricist: L. Poet}\n{artist: The Band}\n[C]la\n"
    )
    creators = {c.get("type"): c.text for c in root.iter("creator")}
    assert creators == {"composer": "C. Writer", "lyricist": "L. Poet", "artist": "The Band"}
    assert root.findtext("movement-title") == "S"
    credits = {
        c.findtext("credit-type"): "".join(w.text or "" for w in c.iter("credit-words"))
        for c in root.iter("credit")
    }
    assert credits == {
        "title": "T\nS",
        "composer": "C. Writer",
        "lyricist": "Words: L. Poet\nArtist: The Band",
    }
    two = sheet("{title: T}\n{composer: A}\n{composer: B}\n[C]la\n")
    assert [c.text for c in two.iter("creator")] == ["A, B"]
    plain = sheet("{title: T}\n{artist: The Band}\n[C]la\n")
    assert [c.get("type") for c in plain.iter("creator")] == ["artist"]
    assert b"Music21" not in musicxml_bytes(read_song("{title: T}\n[C]la\n"))


def test_words_before_a_lines_first_chord_and_words_split_by_a_chord() -> None:
    root = sheet((DATA / "amazing-grace.cho").read_text(encoding="utf-8"))
    got = words(root)
    assert got[0] == (1, "single", "Amazing")  # the "A" before [G] joins its word: no bar before it
    assert (8, "single", "I") in got  # "I [G]once": the free beat before the chord, in bar 8
    assert (12, "single", "Was") in got and (16, "single", "'Twas") in got and (5, "single", "That") in got
    at = got.index((22, "begin", "re"))
    assert got[at + 1] == (23, "end", "lieved;")


HELD = """{title: Held}
{time: 4/4}
| [C] [G] | [F] |
{start_of_abc}
X:1
M:4/4
L:1/4
K:C
c4 | A4 |
{end_of_abc}
"""


def test_a_note_held_over_a_chord_change_is_tied_where_the_chord_starts() -> None:
    spans = timeline(read_song(HELD)).spans
    assert [(s.chord, s.bar, s.beat) for s in spans] == [("C", 1, 1.0), ("G", 1, 3.0), ("F", 2, 1.0)]
    first = measures(sheet(HELD))[0]
    order = [
        (e.tag, e.findtext("root/root-step") or e.findtext("duration"))
        for e in first
        if e.tag != "attributes"
    ]
    assert [o for o in order if o[0] != "direction"] == [
        ("harmony", "C"),
        ("note", "96"),
        ("harmony", "G"),
        ("note", "96"),
    ]
    ties = [[t.get("type") for t in n.findall("tie")] for n in first.findall("note")]
    assert ties == [["start"], ["stop"]]


def test_shenandoahs_intro_is_slashes_under_its_chords() -> None:
    text = (DATA / "shenandoah-intro.cho").read_text(encoding="utf-8")
    abc = "X:1\nM:4/4\nL:1/8\n%%cowriter-start 16\nK:D\nD2 F G A4 | d8 |\nw: Oh Shen-an-doah\n"
    text += f"\n{{start_of_abc}}\n{abc}{{end_of_abc}}\n"
    root = sheet(text)
    for m in measures(root)[:4]:
        notes = m.findall("note")
        assert len(notes) == 4 and all(n.findtext("notehead") == "slash" for n in notes)
    chords = [(int(m.get("number", "0")), m.findtext("harmony/root/root-step")) for m in measures(root)[:4]]
    assert chords == [(1, "D"), (2, "G"), (3, "D"), (4, "A")]
    assert measures(root)[4].find("note/pitch") is not None


def test_a_tune_that_starts_before_bar_1_gets_a_pickup_bar() -> None:
    """ "A-[G]mazing": the melody sings "A" before the first chord, so the sheet opens with a pickup bar
    (number 0, implicit, one beat of 3/4) and G stands over "ma" in bar 1."""
    text = (DATA / "amazing-grace.cho").read_text(encoding="utf-8").split("{start_of_verse: Verse 2}")[0]
    abc = "%%cowriter-start -1\nX:1\nM:3/4\nL:1/8\nK:G\nD2 | G4 B2 | B4 A2 |\nw: A-ma-zing grace how\n"
    root = sheet(text + f"\n{{start_of_abc}}\n{abc}{{end_of_abc}}\n")
    first, second = measures(root)[:2]
    assert (first.get("number"), first.get("implicit")) == ("0", "yes")
    assert bar_quarters(root)[0] == 1
    assert first.findtext("note/lyric/text") == "A"
    assert (second.get("number"), second.findtext("harmony/root/root-step")) == ("1", "G")
    assert second.findtext("note/lyric/text") == "ma"
    assert first.find("attributes/time") is not None and second.find("attributes") is None


# ---- notation rules ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("ticks", "written"),
    [
        (48, [("quarter", 0, False)]),
        (72, [("quarter", 1, False)]),
        (120, [("half", 0, False), ("eighth", 0, False)]),
        (16, [("eighth", 0, True)]),
        (32, [("quarter", 0, True)]),
        (192, [("whole", 0, False)]),
        (288, [("whole", 1, False)]),
    ],
)
def test_note_values(ticks: int, written: list[tuple[str, int, bool]]) -> None:
    assert [(v.kind, v.dots, v.triplet) for v in values(ticks)] == written
    assert sum(v.ticks for v in values(ticks)) == ticks


def test_beams_join_the_eighths_of_a_beat() -> None:
    eighth, sixteenth, quarter = Value(24, "eighth"), Value(12, "16th"), Value(48, "quarter")
    starts = [0, 24, 48, 60, 72, 96]
    kinds: list[Value | None] = [eighth, eighth, sixteenth, sixteenth, eighth, quarter]
    assert beam_groups(starts, kinds, 48) == [
        ["begin"], ["end"], ["begin", "begin"], ["continue", "end"], ["end"], []
    ]  # fmt: skip


def test_triplets_are_bracketed_by_the_beat() -> None:
    t, q = Value(16, "eighth", 0, True), Value(48, "quarter")
    assert tuplet_marks([t, t, t, q, t, t, t]) == [("start",), (), ("stop",), (), ("start",), (), ("stop",)]


def test_spelling_and_clef() -> None:
    assert spelled(61, Key("D")) == ("C", 1, 4)
    assert spelled(61, Key("F")) == ("D", -1, 4)
    assert spelled(70, Key("G")) == ("B", -1, 4)
    assert choose_clef([62, 64, 67, 71, 74, 76]) == "treble"
    assert choose_clef([45, 48, 50, 52]) == "bass"
    assert choose_clef([]) == "treble"


@pytest.mark.parametrize(
    ("meter", "abc", "durations"),
    [
        ("6/8", "C2 D2 E2 | F6 |", ["48", "24", "24", "48"]),  # D crosses the second beat: tied there
        ("4/4", "C D4 E3 | F8 |", ["24", "72", "24", "72"]),  # D crosses beat 3 off the beat: tied
        ("4/4", "C2 D4 E2 | F8 |", ["48", "96", "48"]),  # a half note on beat 2 starts on a beat: whole
    ],
)
def test_a_note_off_the_beat_is_tied_where_the_beat_falls(meter: str, abc: str, durations: list[str]) -> None:
    tune = f"X:1\nM:{meter}\nL:1/8\nK:C\n{abc}\n"
    text = f"{{title: Beats}}\n{{time: {meter}}}\n| [C] |\n{{start_of_abc}}\n{tune}{{end_of_abc}}\n"
    first = measures(sheet(text))[0]
    assert [n.findtext("duration") for n in first.findall("note")] == durations


def test_control_characters_in_the_song_still_make_well_formed_xml() -> None:
    root = sheet("{title: Bell\x07 ring}\n{artist: \x1b]0;owned\x07}\n[C]la\x1b[31m la\n")
    assert root.findtext("work/work-title") == "Bell␇ ring"
    assert [w for _, _, w in words(root)] == ["la␛[31m", "la"]
    assert all("\x1b" not in (c.text or "") for c in root.iter("creator"))


def test_writing_a_lead_sheet_imports_no_music21() -> None:
    code = (
        "import sys\nfrom cowriter.core.sheet import read_song\n"
        "from cowriter.render.musicxml import musicxml_bytes\n"
        "musicxml_bytes(read_song('{title: T}\\n[C]la [G]la\\n'))\nprint('music21' in sys.modules)"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert run.stdout.strip() == "False"
