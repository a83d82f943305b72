"""A melody proposed by the model: built under the grammar, read by `core.abc`, scored like the sketches."""

from __future__ import annotations

from pathlib import Path

import pytest

from cowriter.core.abc import START_DIRECTIVE, parse_abc, parse_abc_block
from cowriter.core.sheet import read_song
from cowriter.lyrics import syllabify
from cowriter.model.locate import default_model_path
from cowriter.model.scripted import ScriptedBackend
from cowriter.service.melody import score_abc, sketch_song, to_json
from cowriter.service.melody_model import ModelMelodyFailed, propose_melody, with_model

DATA = Path(__file__).resolve().parents[1] / "data" / "melody"
SONG = read_song((DATA / "northbound.cho").read_text())
LINE2 = "Counting the miles on a broken train"  # 9 syllables, in C, on bars 3-4 (beat 8)
NINE = "C D E2 F G A2 | G2 F2 G2 |]"


def test_a_scripted_melody_is_read_scored_and_placed_on_its_bar() -> None:
    backend = ScriptedBackend.with_replies([NINE])
    [melody] = propose_melody(SONG, 2, backend, seed=5)
    assert len(backend.calls) == 1 and backend.calls[0].seed == 5
    assert backend.calls[0].grammar is not None and "{8}" in backend.calls[0].grammar  # 9 notes
    prompt = backend.calls[0].messages[-1].content
    assert LINE2 in prompt and "Coun ting the miles" in prompt and "Key: C." in prompt
    tune = parse_abc(melody.abc)
    assert tune.offset == 8 and f"{START_DIRECTIVE} 8" in melody.abc
    assert [n.pitch for n in tune.notes] == [60, 62, 64, 65, 67, 69, 67, 65, 67]
    assert "".join(tune.syllables).lower() == LINE2.replace(" ", "").lower()
    assert len(tune.notes) == len(syllabify(LINE2))
    assert melody.score == score_abc(SONG, melody.abc, line=2)
    assert melody.source == "model" and melody.model == "scripted"


@pytest.mark.parametrize(
    ("first", "why"),
    [
        ("C D E |]", "3 notes for 9 syllables"),
        ("C D E F G A G F G G |]", "10 notes for 9 syllables"),
        ('C D "E F G A G F G |]', "does not parse"),
        ("", "0 notes"),
    ],
)
def test_an_unusable_reply_is_asked_for_once_more(first: str, why: str) -> None:
    backend = ScriptedBackend.with_replies([first, NINE])
    [melody] = propose_melody(SONG, 2, backend, seed=5)
    assert [c.seed for c in backend.calls] == [5, 6]
    assert len(parse_abc(melody.abc).notes) == 9
    with pytest.raises(ModelMelodyFailed) as caught:
        propose_melody(SONG, 2, ScriptedBackend.with_replies([first, first]), seed=5)
    assert all(why in reason for reason in caught.value.reasons)


def test_two_unusable_replies_are_a_clear_error() -> None:
    backend = ScriptedBackend.with_replies(["C D E |]", "C D |]"])
    with pytest.raises(ModelMelodyFailed) as caught:
        propose_melody(SONG, 2, backend, seed=0)
    assert len(backend.calls) == 2
    assert str(caught.value).startswith("the model's melody could not be used")
    assert caught.value.reasons == (
        "attempt 1: 3 notes for 9 syllables",
        "attempt 2: 2 notes for 9 syllables",
    )
    assert caught.value.hint


def test_the_model_melody_ranks_with_the_sketches_by_the_same_score() -> None:
    result = sketch_song(SONG, line=2, alternatives=3, seed=1)
    [melody] = propose_melody(SONG, 2, ScriptedBackend.with_replies(["C C C C C C C C C |]"]), seed=1)
    merged, sources = with_model(result, [melody])
    assert sorted(sources) == ["model", "sketch", "sketch", "sketch"]
    totals = [s.score.total for s in merged.sketches]
    assert totals == sorted(totals, reverse=True)
    at = sources.index("model")
    assert merged.tunes[at] == melody.tune and merged.sketches[at].score == melody.score
    notes: list[dict[str, object]] = to_json(merged)[at]["notes"]  # type: ignore[assignment]
    assert [n["start"] for n in notes] == [8 + 0.5 * k for k in range(9)]
    assert [n["syllable"] for n in notes] == [s.text for s in syllabify(LINE2)]


@pytest.mark.slow
@pytest.mark.model
@pytest.mark.parametrize(
    ("name", "line"), [("northbound.cho", 1), ("amazing-grace.cho", 2), ("low-tide.cho", 3)]
)
def test_the_default_model_proposes_a_melody_that_parses_and_is_scored(name: str, line: int) -> None:
    from cowriter.model.llama import LlamaBackend

    path = default_model_path()
    assert path is not None
    song = read_song((DATA / name).read_text())
    backend = LlamaBackend(path)
    try:
        first = propose_melody(song, line, backend, seed=7)
        again = propose_melody(song, line, backend, seed=7)
    finally:
        backend.close()
    [melody] = first
    assert again[0].abc == melody.abc  # seeded
    tune = parse_abc_block(melody.abc)
    from cowriter.service.melody import lyric_lines

    lyrics = lyric_lines(song)[line - 1][1].lyrics
    assert len(tune.notes) == len(syllabify(lyrics)) == len(tune.syllables)
    assert all(55 <= n.pitch <= 74 for n in tune.notes)  # the alto's range, from the grammar
    assert melody.score == score_abc(song, melody.abc, line=line)
    assert 0 <= melody.score.total <= 100
