"""Harmony made in code, chosen by the model, through the public `CoWriter.propose`: progressions as grid
sections when there are no lyrics, richer reharmonisations, routing from the writer's words, and chords
cowriter itself offered (or the writer named) never flagged as out of key."""

from __future__ import annotations

import pytest

from cowriter.core.chordpro import parse
from cowriter.core.chords import parse_chord
from cowriter.core.keys import parse_key
from cowriter.core.theory import in_key
from cowriter.core.timing import timeline
from cowriter.model.scripted import ScriptedBackend
from cowriter.service.cowrite import CoWriter
from cowriter.service.cowrite_craft import CraftChecks

CHECKS = CraftChecks(
    count_syllables=lambda line: len(line.split()),
    rhymes_for=lambda word: ["train"],
    rhymes_with=lambda word, target: word[-3:] == target[-3:],
)
SONG = """{title: Motor City}
{key: G}
{start_of_verse: Verse 1}
[G]Streetlights hum on [C]Woodward Ave,
[Em]Every window [D]dark and grey,
[G]Factory whistles [C]long since gone,
[D]Still I hear them [G]every day.
{end_of_verse}
"""
WALTZ = "a chord progression for a sad waltz in D minor"


def writer(*replies: str, grammar: bool = True) -> tuple[CoWriter, ScriptedBackend]:
    backend = ScriptedBackend.with_replies(replies, grammar_ok=grammar)
    return CoWriter(backend, checks=CHECKS), backend


def grid_chords(text: str) -> list[str]:
    return [span.chord for span in timeline(parse(text)).spans]


@pytest.mark.parametrize("task", ["chords", None])  # None: routed from the words
def test_a_progression_with_no_song_is_a_grid_in_the_key_and_meter_asked(task: str | None) -> None:
    cw, backend = writer("1")
    p = cw.propose(WALTZ, "", task=task)
    assert p.task == "chords" and p.flags == ()
    assert p.chordpro == (
        "{key: Dm}\n{time: 3/4}\n{start_of_grid: Verse}\n"
        "| Dm . . | Bb . . | Gm . . | A . . |\n"
        "| Dm . . | Bb . . | A7 . . | Dm . . |\n{end_of_grid}\n"
    )
    assert p.song == p.chordpro and p.text == p.chordpro
    assert p.notes == ("i–VI–iv–V, closing V7–i (option 1 of 4)",)
    call = backend.calls[-1]
    assert call.grammar == 'root ::= ("1" | "2" | "3" | "4")\n'
    prompt = call.messages[-1].content
    assert "4. i–iv–VI–V" in prompt and "Dm Bb Gm A | Dm Bb A7 Dm" in prompt and WALTZ in prompt
    song = parse(p.song)
    tl = timeline(song)
    assert (song.key, song.time, tl.bars) == ("Dm", "3/4", 8)
    assert all(in_key(s.chord, parse_key("Dm")) for s in tl.spans)


@pytest.mark.parametrize(
    ("reply", "grammar", "option"),
    [("3", True, 3), ("I would take option 2.", False, 2), ("no idea", False, 1), ("9", False, 1)],
)
def test_the_model_picks_an_option_by_number(reply: str, grammar: bool, option: int) -> None:
    cw, backend = writer(reply, grammar=grammar)
    p = cw.propose(WALTZ, "")
    assert p.notes[0].endswith(f"(option {option} of 4)")
    assert (backend.calls[-1].grammar is not None) is grammar


def test_a_song_without_lyrics_gets_a_section_in_its_own_key_and_meter() -> None:
    base = "{title: Sketch}\n{key: G}\n{time: 6/8}\n"
    cw, _ = writer("1")
    p = cw.propose("a progression for the chorus", base)
    assert p.song.startswith(base) and p.chordpro.startswith("{start_of_grid: Chorus}\n")
    assert "{key:" not in p.chordpro and "{time:" not in p.chordpro  # the song's own stay in force
    song = parse(p.song)
    rows = [row for s in song.sections for row in s.grid_rows]
    assert all(len(bar) == 2 for row in rows for bar in row.bars)  # 6/8: two dotted-quarter pulses
    assert all(in_key(c, parse_key("G")) for c in grid_chords(p.song))


def test_a_progression_asked_beside_lyrics_is_a_new_section_with_its_key() -> None:
    cw, _ = writer("2")
    p = cw.propose("a 12-bar blues in A", SONG)
    assert p.task == "chords"
    assert p.song.startswith(SONG.rstrip("\n")) and p.chordpro.startswith("{key: A}\n{start_of_grid")
    chords = grid_chords(p.chordpro)
    assert len(chords) in (8, 12) and parse_chord(chords[-1]).root == "A"


def test_richer_reharmonisation_keeps_the_words_resolves_and_flags_nothing() -> None:
    cw, _ = writer("1")
    p = cw.propose("reharmonise the verse with richer chords", SONG)
    assert p.task == "reharmonise" and p.flags == ()
    old = [line for line in parse(SONG).lines if line.has_words]
    new = [line for line in parse(p.song).lines if line.has_words]
    assert [line.lyrics for line in new] == [line.lyrics for line in old]
    symbols = [c.symbol for line in new for c in line.chords]
    assert symbols != [c.symbol for line in old for c in line.chords]
    assert any(s.endswith(("maj7", "m7", "7")) for s in symbols)
    assert parse_chord(symbols[-1]).root == "G"
    assert p.song.split("\n")[:3] == SONG.split("\n")[:3]  # only the verse's lines changed


def test_jazzier_on_a_grid_recolours_that_grid_in_place() -> None:
    cw, _ = writer("1", "1")
    first = cw.propose(WALTZ, "")
    p = cw.propose("make it jazzier", first.song)
    assert p.task == "reharmonise"
    assert len(p.song.split("\n")) == len(first.song.split("\n"))
    before, after = grid_chords(first.song), grid_chords(p.song)
    assert after != before and len(after) >= len(before)
    assert after[-1] in ("Dm6", "Dm7", "Dm(add9)", "Dmadd9")


def test_darker_asks_the_model_and_its_offered_colours_are_not_flagged() -> None:
    reply = (
        "[G]Streetlights hum on [Cm]Woodward Ave,\n[Em]Every window [B7]dark and grey,\n"
        "[G]Factory whistles [Eb]long since gone,\n[D]Still I hear them [G]every day.\n"
    )
    cw, backend = writer(reply)
    p = cw.propose("darker chords for the verse", SONG)
    assert p.task == "reharmonise" and backend.calls[-1].grammar and "Cm" in backend.calls[-1].grammar
    assert p.flags == ()  # Cm (iv), B7 (V7/vi), Eb (bVI): cowriter offered them


def test_a_chord_the_writer_named_is_offered_and_not_flagged() -> None:
    song = "{key: C}\n{start_of_verse}\nWalking down the road\nNothing left to say\n{end_of_verse}\n"
    reply = "[C]Walking down the [E7]road\n[Am]Nothing left to [G]say\n"
    cw, backend = writer(reply)
    p = cw.propose("chords for the verse with an E7", song)
    assert p.task == "chords" and '"E7"' in (backend.calls[-1].grammar or "")
    assert p.flags == ()
    cw, _ = writer(reply.replace("E7", "F#"))
    flagged = cw.propose("chords for the verse", song)
    assert [f.kind for f in flagged.flags] == ["out-of-key"]


@pytest.mark.parametrize(
    ("prompt", "style"),
    [
        ("a jazzy bossa progression in F", "bossa"),
        ("a jazz progression in C", "swing"),
        ("a jazz waltz progression in C", None),
        ("a pop progression in G", None),
    ],
)
def test_the_groove_asked_for_is_written_for_the_player(prompt: str, style: str | None) -> None:
    cw, _ = writer("1")
    song = parse(cw.propose(prompt, "").song)
    assert song.get("x_style") == style


def test_a_single_option_needs_no_choice() -> None:
    cw, backend = writer()  # no reply queued: asking the model would fail
    p = cw.propose("a ii-V-I in Bb", "")
    assert backend.calls == [] and p.tokens == 0
    assert grid_chords(p.song) == ["Cm", "F", "Bb", "Bb", "Cm", "F", "Bb", "Bb"]
