"""Per-line credits: which lines changed decides who is credited; words and chords apart; the report."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cowriter.session import SessionStore
from cowriter.session.credits import (
    LineCredit,
    check_author,
    credit_lines,
    fresh,
    split_chords,
    split_lines,
)

H, M, N = "human", "model:tiny", "model:other"


@pytest.mark.parametrize(
    ("line", "words", "chords"),
    [
        ("plain words", "plain words", ()),
        ("[C]Hello [G]world", "Hello world", (("C", 0), ("G", 6))),
        ("[Am7/G]", "", (("Am7/G", 0),)),
        ("end [N.C.]", "end ", (("N.C.", 4),)),
        ("{title: X}", "{title: X}", ()),
    ],
)
def test_split_chords(line: str, words: str, chords: tuple[tuple[str, int], ...]) -> None:
    assert split_chords(line) == (words, chords)


@pytest.mark.parametrize(
    ("text", "lines"),
    [("", []), ("a", ["a"]), ("a\n", ["a"]), ("a\r\nb\r\n", ["a", "b"]), ("a\n\n", ["a", ""])],
)
def test_split_lines(text: str, lines: list[str]) -> None:
    assert split_lines(text) == lines


# Each case: the old line (written by `was`), the new line written by `by`, and the expected
# (words author, origin, chords author) of the new line.
EDITS = [
    # a human rewording a model line makes it "edited", keeping the model as origin
    ("[C]rain on the roof", M, "[C]rain on my roof", H, ("edited", M, M)),
    # a human editing an already edited line: still edited, same origin
    ("[C]rain on my roof", "edited", "[C]rain on our roof", H, ("edited", M, M)),
    # a human changing only chords of a model line: words stay the model's, chords become human
    ("[C]rain on the roof", M, "[Am]rain on the roof", H, (M, None, H)),
    # moving a chord is a chord change
    ("[C]rain on the roof", M, "rain [C]on the roof", H, (M, None, H)),
    # a model rewording a human line: the model's line
    ("[C]my own words here", H, "[C]my own words there", N, (N, None, H)),
    # a human editing a human line
    ("my own words here", H, "my own words there", H, (H, None, "")),
    # removing all chords leaves no chord author
    ("[C]rain on the roof", M, "rain on the roof", H, (M, None, "")),
    # adding one chord credits that chord alone; the others keep their author
    ("[C]rain [G]on the roof", M, "[C]rain [G]on the [F]roof", H, (M, None, f"{M},{H}")),
    # rewording shifts the chords' offsets: they keep their author
    ("[C]rain on [G]the roof", M, "[C]rain upon [G]the roof", H, ("edited", M, M)),
    # a different model rewording a model line
    ("rain on the roof", M, "rain on the road", N, (N, None, "")),
]


@pytest.mark.parametrize(("old", "was", "new", "by", "expected"), EDITS)
def test_editing_one_line(
    old: str, was: str, new: str, by: str, expected: tuple[str, str | None, str]
) -> None:
    before = fresh(old, M if was == "edited" else was, 7 if was != H else None, 1)
    if was == "edited":
        before = LineCredit("edited", 7, M, before.chords, 1)
    lines = ["{title: T}", old, "last line"]
    credits = [fresh(lines[0], H, None, 1), before, fresh(lines[2], H, None, 1)]
    out = credit_lines(lines, credits, [lines[0], new, lines[2]], by, 9 if by != H else None, 2)
    assert out[0] == credits[0] and out[2] == credits[2]
    got = out[1]
    assert (got.author, got.origin, got.chord_authors) == expected
    if got.author == "edited":
        assert got.prompt == 7  # the prompt behind the model line that was edited
    if got.author == by and by != H:
        assert got.prompt == 9


def test_unrelated_replacement_is_a_fresh_line() -> None:
    old = ["intro", "[C]the model wrote this", "outro"]
    credits = [fresh(x, M, 1, 1) for x in old]
    out = credit_lines(old, credits, ["intro", "zzz qqq xxx", "outro"], H, None, 2)
    assert out[1].author == H and out[1].origin is None


def test_insert_delete_and_move() -> None:
    old = ["a line", "b line", "c line"]
    credits = [fresh("a line", H, None, 1), fresh("b line", M, 3, 1), fresh("c line", H, None, 1)]
    out = credit_lines(old, credits, ["b line", "new line", "c line"], N, 4, 2)
    assert [c.author for c in out] == [M, N, H]
    assert out[0].prompt == 3 and out[1].prompt == 4 and out[1].since == 2


def test_check_author() -> None:
    assert check_author("human") == "human"
    assert check_author("model:SmolLM2-135M") == "model:SmolLM2-135M"


lines_st = st.lists(st.sampled_from(["a", "b", "[C]c", "[G]c", "d e", "", "{c: x}"]), max_size=12)


@given(lines_st, lines_st, st.sampled_from([H, M]))
def test_credits_cover_every_line_and_keep_unchanged_ones(old: list[str], new: list[str], by: str) -> None:
    credits = [fresh(x, N, 1, 1) for x in old]
    out = credit_lines(old, credits, new, by, 2, 2)
    assert len(out) == len(new)
    for c in out:
        assert c.author in (N, by, "edited")
        assert c.since in (1, 2)
    if old == new:
        assert out == credits


# ---- through a session, and the report -----------------------------------------------------------------


def test_session_credits_and_report(tmp_path: Path) -> None:
    store = SessionStore(tmp_path)
    base = "{title: Rain}\n[C]Hello [G]world\n\nsecond line\n"
    with store.create("Rain", base) as s:
        chorus = base + "[Am]Rain on the roof\n[F]rain in my heart\n"
        s.save_version(chorus, "model:smollm2", message="chorus", prompt="write a chorus about rain")
        s.save_version(chorus.replace("in my heart", "in our hearts"), "human", message="tweak")
        s.save_version(
            s.text().replace("[C]Hello", "[Em]Hello"), "model:qwen", message="reharm", prompt="darker chords"
        )
        credits = s.credits()
        first = s.credits(1)
    assert [c.author for c in first.credits] == ["human"] * 4
    data = credits.report()
    assert data["version"] == 4 and data["lines"] == 5  # the blank line does not count
    by_author = {a["author"]: (a["lines"], a["share"]) for a in data["authors"]}
    assert by_author == {"human": (3, 0.6), "model:smollm2": (1, 0.2), "edited": (1, 0.2)}
    assert data["models"] == ["qwen", "smollm2"]
    prompts = {p["text"]: (p["models"], p["lines"]) for p in data["prompts"]}
    assert prompts == {
        "write a chorus about rain": (["model:smollm2"], [5, 6]),
        "darker chords": (["model:qwen"], [2]),
    }
    line2 = data["by_line"][1]
    assert line2["author"] == "human"
    assert [(c["symbol"], c["author"]) for c in line2["chords"]] == [("Em", "model:qwen"), ("G", "human")]
    assert {c["author"]: c["chords"] for c in data["chords"]} == {
        "human": 1,
        "model:qwen": 1,
        "model:smollm2": 2,
    }
    json.dumps(data)  # plain data
    text = credits.format("Rain")
    assert "write a chorus about rain" in text and "edited(model:smollm2)" in text


def test_the_report_keeps_its_columns_with_a_long_model_name(tmp_path: Path) -> None:
    long = "model:SmolLM2-135M-Instruct.Q4_1.gguf"  # longer than the name column
    with SessionStore(tmp_path).create("Rain", "[C]Hello [G]world\n") as s:
        s.save_version(s.text() + "[Am]Rain on the roof\n", long, message="line", prompt="one more line")
        text = s.credits().format("Rain")
    counts = [line for line in text.splitlines() if line.startswith("  ") and line.rstrip().endswith("%")]
    assert len(counts) == 2 and len({line.index("%") for line in counts}) == 1
    rows = [line for line in text.splitlines() if line[:6].strip().isdigit()]
    assert len(rows) == 2 and len({line.index(w) for line, w in zip(rows, ("[C]", "[Am]"), strict=True)}) == 1
