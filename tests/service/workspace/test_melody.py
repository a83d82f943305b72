"""Melody sketches for the editor without a UI: which line or section the cursor means, the alternatives
as song texts with an ABC block, where to play them from, and accepting one with credits."""

from __future__ import annotations

from pathlib import Path

import pytest

from cowriter.core.arrange import melody_of
from cowriter.core.timing import timeline
from cowriter.errors import CowriterError
from cowriter.service.workspace import HUMAN, Workspace
from cowriter.service.workspace.melody import MELODY_MODEL, sketch_at
from cowriter.service.workspace.ports import parse

SONG = """{title: Test Song}
{key: C}
{tempo: 120}

{start_of_verse: Verse 1}
[C]Walking down the [G]road tonight
[Am]Looking for a [F]light
{end_of_verse}

{start_of_chorus}
[F]Sing it [G]loud and [C]clear
{end_of_chorus}
"""

OVER = """Title line

C            G
Walking down the road tonight
Am           F
Looking for a light
"""


@pytest.mark.parametrize(
    ("text", "row", "label", "block"),  # the panel names the editor's line; the block the lyric line
    [
        (SONG, 5, "line 6", "line 1"),
        (SONG, 6, "line 7", "line 2"),
        (SONG, 10, "line 11", "line 3"),
        (OVER, 3, "line 4", "line 1"),  # the words under their chords (the title line is not sung)
        (OVER, 2, "line 4", "line 1"),  # the chord line above them means the same line
        (OVER, 5, "line 6", "line 2"),
    ],
)
def test_the_cursor_row_names_its_lyric_line(text: str, row: int, label: str, block: str) -> None:
    sketch = sketch_at(text, row)
    assert sketch.label == label and sketch.section is None
    assert sketch.proposal(0).prompt == f"melody for {label}"
    head = f"{{start_of_abc: Melody: {block}}}"
    assert sketch.choices and all(c.abc.startswith(head) for c in sketch.choices)


def test_the_label_is_the_editor_line_after_a_recalled_chorus() -> None:
    verse = "{start_of_verse: Verse 2}\n[C]Morning comes and [G]I am gone\n{end_of_verse}\n"
    text = SONG + "\n{chorus}\n\n" + verse
    row = text.split("\n").index("[C]Morning comes and [G]I am gone")
    sketch = sketch_at(text, row)
    assert sketch.label == f"line {row + 1}"
    assert sketch.choices[0].abc.startswith("{start_of_abc: Melody: line 4}")


@pytest.mark.parametrize(("row", "label"), [(4, "Verse 1"), (6, "Verse 1"), (10, "Chorus"), (11, "Chorus")])
def test_a_section_sketch_takes_the_section_under_the_cursor(row: int, label: str) -> None:
    sketch = sketch_at(SONG, row, section=True)
    assert sketch.label == label and sketch.section == label


@pytest.mark.parametrize("row", [0, 1, 3, 7])
def test_no_lyric_under_the_cursor_is_an_error(row: int) -> None:
    with pytest.raises(CowriterError, match="lyric line"):
        sketch_at(SONG, row)


def test_alternatives_are_ranked_and_each_is_the_song_with_its_block() -> None:
    sketch = sketch_at(SONG, 5, alternatives=4)
    scores = [c.score for c in sketch.choices]
    assert len(scores) == 4 and scores == sorted(scores, reverse=True)
    for choice in sketch.choices:
        block = choice.abc.splitlines()
        lines = choice.text.splitlines()
        start = lines.index(block[0])
        assert lines[start : start + len(block)] == block
        rest = lines[:start] + lines[start + len(block) :]
        assert [ln for ln in rest if ln] == [ln for ln in SONG.splitlines() if ln]  # nothing else changed
        song, _ = parse(choice.text)
        assert len(melody_of(song)) >= choice.notes > 0  # the arrangement sings it


def test_play_range_covers_the_line_bars() -> None:
    song, _ = parse(SONG)
    spans = [s for s in timeline(song).spans if s.line == 7]  # "[Am]Looking for a [F]light"
    sketch = sketch_at(SONG, 6)
    assert sketch.bar <= min(s.bar for s in spans) <= max(s.bar for s in spans) <= sketch.end_bar


def test_accepting_credits_the_block_to_the_sketcher(tmp_path: Path) -> None:
    ws = Workspace.open(None, session="tune", sessions_dir=tmp_path, audio="none")
    ws.set_text(SONG)
    ws.save()
    sketch = ws.sketch_melody(5)
    assert ws.text == SONG  # sketching changes nothing
    before = ws.text
    rest = ws.accept(sketch.proposal(2))
    assert not rest.changes
    block = sketch.choices[2].abc.splitlines()
    start = ws.lines.index(block[0])
    assert ws.lines[start : start + len(block)] == block
    author = f"model:{MELODY_MODEL}"
    assert [ws.authors[start + k] for k in range(len(block))] == [author] * len(block)
    assert ws.authors[ws.lines.index("[C]Walking down the [G]road tonight")] == HUMAN
    ws.record_accept(before, ws.text, MELODY_MODEL, "melody for line 1")
    credits = ws._session.credits()  # type: ignore[union-attr]
    by_line = dict(zip(credits.lines, (c.author for c in credits.credits), strict=True))
    assert by_line[block[1]] == author and by_line["[C]Walking down the [G]road tonight"] == HUMAN
    ws.close()


def test_accepting_follows_the_writer_typing_meanwhile() -> None:
    ws = Workspace(text=SONG)
    sketch = ws.sketch_melody(5, section=True)
    ws.set_text(SONG.replace("{title: Test Song}", "{title: Test Song}\n{artist: me}"))
    ws.accept(sketch.proposal(0))
    assert "{artist: me}" in ws.lines and "{start_of_abc: Melody: Verse 1}" in ws.lines


@pytest.mark.parametrize("n", [1, -2])
def test_transposing_the_song_moves_an_accepted_melody_too(n: int) -> None:
    sketch = sketch_at(SONG, 5)
    ws = Workspace(text=sketch.choices[0].text)
    before = [note.pitch for note in melody_of(parse(ws.text)[0])]
    ws.transpose(n)  # what F8 / F7 do
    assert before and [note.pitch for note in melody_of(parse(ws.text)[0])] == [p + n for p in before]
    key = "Db" if n == 1 else "Bb"
    assert f"{{key: {key}}}" in ws.lines and f"K:{key}" in ws.lines


def test_a_sketch_of_a_transposed_song_goes_in_as_sketched() -> None:
    """F8 twice, then a sketch: the sketch is of the song as it reads now (already moved up 2), so it
    goes in as shown; it moved again by the song's +2 (K:B with G#m in a song in A)."""
    ws = Workspace(text=SONG)
    ws.transpose(2)
    sketch = ws.sketch_melody(5)
    ws.accept(sketch.proposal(0))
    block = sketch.choices[0].abc.splitlines()
    start = ws.lines.index(block[0])
    assert ws.lines[start : start + len(block)] == block and "K:D" in block


def test_a_sketch_follows_a_transposition_made_while_it_was_open() -> None:
    ws = Workspace(text=SONG)
    sketch = ws.sketch_melody(5)
    ws.transpose(2)  # F8 while the sketches are open: the accepted one moves with the song
    ws.accept(sketch.proposal(0))
    assert "K:D" in ws.lines and "K:C" not in ws.lines
