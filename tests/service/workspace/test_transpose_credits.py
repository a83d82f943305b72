"""Transposing in the workspace (F7/F8 in the TUI) is recorded in the session as a transposition: the
credits report after it is the one before it, words, chords and ABC lines alike."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from cowriter.service.workspace import Workspace
from cowriter.session import SessionStore

SONG = """{title: Carry}
{key: C}

{start_of_verse}
[C]Hello [G]world of mine
{end_of_verse}
"""
MODEL = """
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


def credits_of(store: Path, name: str) -> list[tuple[Any, ...]]:
    with SessionStore(store).open(name, readonly=True) as s:
        data = s.credits().report()
    return [
        (r["line"], r["author"], r["origin"], [c["author"] for c in r["chords"]]) for r in data["by_line"]
    ]


def tui_transpose(ws: Workspace, semitones: int) -> None:
    """What the playback screen does on F7/F8: replace the text with the transposed one, then autosave."""
    ws.replace_text(ws.transposed(semitones))
    ws.save_text(ws.text)


def cli_like_transpose(ws: Workspace, semitones: int) -> None:
    ws.transpose(semitones)
    ws.save()


@pytest.mark.parametrize("how", [tui_transpose, cli_like_transpose])
@pytest.mark.parametrize("moves", [(1,), (1, -2), (5, 7)])
def test_transposing_then_saving_keeps_the_credits(
    tmp_path: Path, how: Callable[[Workspace, int], None], moves: tuple[int, ...]
) -> None:
    ws = Workspace.open(None, session="carry", sessions_dir=tmp_path, audio="none")
    try:
        ws.set_text(SONG)
        ws.save()
        ws.record_accept(SONG, SONG + MODEL, "smollm2", "a chorus with a tune")
        ws.set_text(SONG + MODEL, author="model:smollm2")
        ws.set_text(ws.text.replace("rain in my", "rain in our"))  # the writer's edit of a model line
        ws.save()
        before = credits_of(tmp_path, "carry")
        assert ("model:smollm2" in {row[1] for row in before}) and ("edited" in {row[1] for row in before})
        start = ws.text
        for n in moves:
            how(ws, n)
        assert ws.text != start
        assert credits_of(tmp_path, "carry") == before
        with SessionStore(tmp_path).open("carry", readonly=True) as s:
            assert s.text() == ws.text
    finally:
        ws.close()


def test_edits_before_and_after_a_transposition_are_the_writers(tmp_path: Path) -> None:
    ws = Workspace.open(None, session="typing", sessions_dir=tmp_path, audio="none")
    try:
        ws.set_text(SONG)
        ws.save()
        ws.record_accept(SONG, SONG + MODEL, "smollm2", "a chorus")
        ws.set_text(SONG + MODEL, author="model:smollm2")
        ws.save()
        ws.set_text(ws.text.replace("world of mine", "world of yours"))  # typed, not saved yet
        ws.replace_text(ws.transposed(2))
        ws.set_text(ws.text.replace("[D]Hello", "[D]Hello [Em]there"))  # typed after transposing
        ws.save_text(ws.text)
        rows = {r[0]: r for r in credits_of(tmp_path, "typing")}
        hello = rows[5]
        assert hello[1] == "human" and hello[3] == ["human", "human", "human"]
        assert rows[9][1:] == ("model:smollm2", None, ["model:smollm2", "model:smollm2"])
    finally:
        ws.close()


def test_a_save_snapshot_taken_before_the_transposition_leaves_it_for_the_next_save(tmp_path: Path) -> None:
    ws = Workspace.open(None, session="late", sessions_dir=tmp_path, audio="none")
    try:
        ws.set_text(SONG)
        ws.save()
        ws.record_accept(SONG, SONG + MODEL, "smollm2", "a chorus")
        ws.set_text(SONG + MODEL, author="model:smollm2")
        before = ws.text
        ws.replace_text(ws.transposed(3))
        ws.save_text(before)  # an autosave worker that read the text just before F8
        ws.save_text(ws.text)
        rows = {r[0]: r for r in credits_of(tmp_path, "late")}
        assert rows[9][1:] == ("model:smollm2", None, ["model:smollm2", "model:smollm2"])
    finally:
        ws.close()


def test_accepting_a_proposal_before_the_autosave_records_the_transposition_first(tmp_path: Path) -> None:
    ws = Workspace.open(None, session="accept", sessions_dir=tmp_path, audio="none")
    try:
        ws.set_text(SONG)
        ws.save()
        ws.record_accept(SONG, SONG + MODEL, "smollm2", "a chorus")
        ws.set_text(SONG + MODEL, author="model:smollm2")
        ws.save()
        before = credits_of(tmp_path, "accept")
        ws.replace_text(ws.transposed(2))  # F8, then a proposal accepted before the autosave fires
        transposed = ws.text
        ws.record_accept(transposed, transposed + "[D]One more line\n", "smollm2", "one more")
        after = credits_of(tmp_path, "accept")
        assert after[: len(before)] == before
        assert after[-1][1:] == ("model:smollm2", None, ["model:smollm2"])
    finally:
        ws.close()
