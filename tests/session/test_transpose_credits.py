"""A transposition is not authorship: a version saved with `carry=True` keeps every line's and chord's
credit, for words, inline chords and ABC lines alike."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cowriter.core.format import to_chordpro
from cowriter.core.sheet import read_song
from cowriter.core.transpose import transpose_song
from cowriter.errors import CowriterError
from cowriter.session import SessionStore
from cowriter.session.credits import LineCredit, carry_credits, credit_lines, split_lines

HUMAN_PART = """{title: Carry}
{key: C}

{start_of_verse}
[C]Hello [G]world of mine
[Am]second line [F]here
{end_of_verse}
"""

MODEL_PART = """
{start_of_chorus}
[F]Rain on the [C]roof tonight
[G7]rain in my [C]heart
{end_of_chorus}

{start_of_abc}
X:1
L:1/8
K:C
C2 E2 G2 _B2 | c4 z4 |
w: Rain on the roof to-night
{end_of_abc}
"""


def transposed(text: str, semitones: int) -> str:
    return to_chordpro(transpose_song(read_song(text), semitones))


def summary(credits: list[LineCredit] | tuple[LineCredit, ...]) -> list[tuple[object, ...]]:
    return [
        (c.author, c.origin, c.prompt, c.since, tuple((h.author, h.prompt) for h in c.chords))
        for c in credits
    ]


@pytest.fixture
def written(tmp_path: Path) -> SessionStore:
    store = SessionStore(tmp_path)
    with store.create("Carry", HUMAN_PART) as s:
        s.save_version(
            HUMAN_PART + MODEL_PART, "model:smollm2", message="chorus", prompt="a chorus with a tune"
        )
        edited = s.text().replace("[Am]second line [F]here", "[Am]second line [Dm]here")  # qwen's chord
        s.save_version(edited, "model:qwen", message="reharm", prompt="one darker chord")
        s.save_version(s.text().replace("rain in my", "rain in our"), "human", message="tweak")
    return store


@pytest.mark.parametrize("semitones", [2, -3, 5, 1, 12])
def test_credits_after_a_transposed_version_equal_the_credits_before(
    written: SessionStore, semitones: int
) -> None:
    with written.open("Carry") as s:
        before = s.credits()
        text = transposed(s.text(), semitones)
        assert len(split_lines(text)) == len(before.lines) and text != s.text()
        s.save_version(text, "human", message="transposed", carry=True)
        after = s.credits()
        report = after.report()
    assert summary(after.credits) == summary(before.credits)
    old = before.report()
    assert [(r["author"], r["origin"]) for r in report["by_line"]] == [
        (r["author"], r["origin"]) for r in old["by_line"]
    ]
    assert [[c["author"] for c in r["chords"]] for r in report["by_line"]] == [
        [c["author"] for c in r["chords"]] for r in old["by_line"]
    ]
    assert report["authors"] == old["authors"] and report["chords"] == old["chords"]
    abc = [n for n, r in enumerate(old["by_line"]) if "_B2" in r["text"] or "c4 z4" in r["text"]]
    assert abc and all(report["by_line"][n]["author"] == "model:smollm2" for n in abc)
    assert all(report["by_line"][n]["text"] != old["by_line"][n]["text"] for n in abc)  # the notes moved
    text_report = after.format("Carry")
    assert "edited(model:smollm2)" in text_report  # the writer's own edit of a model line stays
    model_rows = [row for row in text_report.splitlines() if "model:smollm2" in row.split("[")[0]]
    assert model_rows and not any("+chords human" in row for row in model_rows)


def test_a_transposition_saved_as_an_ordinary_version_would_credit_the_writer(written: SessionStore) -> None:
    """What `carry` prevents (and why the workspace uses it): an ordinary save credits every moved chord."""
    with written.open("Carry") as s:
        s.save_version(transposed(s.text(), 2), "human", message="transposed")
        chords = s.credits().report()["chords"]
    assert chords == [{"author": "human", "chords": 8}]


def test_transposing_twice_and_back_keeps_the_credits(written: SessionStore) -> None:
    with written.open("Carry") as s:
        before = summary(s.credits().credits)
        s.save_version(transposed(s.text(), 2), "human", message="up", carry=True)
        s.save_version(transposed(s.text(), -1), "human", message="down", carry=True)
        s.save_version(s.text().replace("second line", "second verse line"), "human", message="typing")
        after = s.credits().credits
    assert summary(after)[:5] + summary(after)[6:] == before[:5] + before[6:]
    typed = after[5]  # the writer's own words, typed after transposing: the chords keep their authors
    assert typed.author == "human" and typed.since == 7 and summary([typed])[0][4] == before[5][4]


def test_a_carry_with_other_lines_is_refused(written: SessionStore) -> None:
    with written.open("Carry") as s:
        current = s.current.id
        with pytest.raises(CowriterError, match="not the same lines"):
            s.save_version(s.text() + "one more line\n", "human", carry=True)
        assert s.current.id == current


def test_carried_credits_are_stored_as_any_others(written: SessionStore) -> None:
    """Nothing new in the schema: the carried credits read back from disk, the version is the writer's."""
    with written.open("Carry") as s:
        before = summary(s.credits().credits)
        s.save_version(transposed(s.text(), 7), "human", message="transposed +7", carry=True)
    with written.open("Carry", readonly=True) as s:
        assert (s.current.author, s.current.message) == ("human", "transposed +7")
        assert summary(s.credits().credits) == before


chord_line = st.lists(st.sampled_from(["[C]", "[G7]", "[Am]", "word ", "rain ", "[F#m7b5]"]), max_size=6)


@given(
    st.lists(chord_line.map("".join), min_size=1, max_size=8),
    st.lists(st.sampled_from(["human", "model:a", "model:b"]), min_size=1, max_size=4),
    st.integers(1, 11),
)
def test_carry_keeps_each_credit_whatever_was_written(lines: list[str], authors: list[str], n: int) -> None:
    credits: list[LineCredit] = []
    old: list[str] = []
    for k, author in enumerate(authors, 1):  # each author rewrites the song in turn
        new = [f"{line}{author}" if (i + k) % 2 else line for i, line in enumerate(lines)]
        credits = credit_lines(old, credits, new, author, k if author != "human" else None, k)
        old = new
    moved = [line.replace("[C]", "[D]").replace("[G7]", "[A7]").replace("[Am]", "[Bm]") for line in old]
    assert carry_credits(old, credits, moved, "human", None) == credits
