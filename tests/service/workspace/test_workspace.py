"""The workspace without a UI: checking, proposals accepted or rejected line by line with credits,
transposition, saving and export."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest

from cowriter.errors import CowriterError
from cowriter.lyrics import syllables
from cowriter.model.scripted import ScriptedBackend, ScriptedReply
from cowriter.service.workspace import HUMAN, Workspace
from cowriter.service.workspace.diff import Proposal, apply_changes, diff_changes, section_at

SONG = """{title: Test Song}
{key: C}

{start_of_verse: Verse 1}
[C]Walking down the [G]road tonight
[Am]Looking for a [F]light
{end_of_verse}

{start_of_chorus}
[F]Sing it [G]loud
{end_of_chorus}
"""

VERSE2 = """{start_of_verse: Verse 2}
[C]Running through the [G]rain
[Am]Calling out your [F]name
[C]Standing in the [G]cold
[Am]Waiting to be [F]told
{end_of_verse}"""

CHORUS = "[F]Sing it [G]proud\n"  # a rewrite of the chorus's one line


def make(text: str = SONG, *replies: str, path: Path | None = None) -> Workspace:
    backend = ScriptedBackend.with_replies(replies, model_name="scripted")
    return Workspace(text=text, path=path, backend=backend)


def test_check_reports_diagnostics_at_their_line() -> None:
    ws = make(SONG + "{start_of_verse}\n[C]unclosed [G\n")
    check = ws.check()
    assert check.errors or check.diagnostics
    lines = ws.lines
    assert any("[G" in lines[d.line - 1] or "start_of_verse" in lines[d.line - 1] for d in check.diagnostics)


@pytest.mark.parametrize(
    ("index", "words"),
    [(4, "Walking down the road tonight"), (5, "Looking for a light"), (9, "Sing it loud")],
)
def test_gutter_counts_syllables_of_the_sung_words(index: int, words: str) -> None:
    gutter = {info.index: info for info in make().check().gutter}
    assert gutter[index].syllables == syllables(words)
    assert not {0, 1, 2, 3, 6} & gutter.keys()  # directives and blank lines have no gutter entry


def test_gutter_of_chords_over_lyrics_counts_the_words_only() -> None:
    text = "G        C\nWalking down the road\nD         G\nHoping for a load\n"
    gutter = {info.index: info for info in make(text).check().gutter}
    assert sorted(gutter) == [1, 3]
    assert gutter[1].syllables == syllables("Walking down the road")


def test_rhyme_letters_pair_rhyming_lines() -> None:
    gutter = {info.index: info for info in make().check().gutter}
    assert gutter[4].rhyme == gutter[5].rhyme != ""  # tonight / light


def test_propose_streams_and_changes_nothing_until_accepted() -> None:
    ws = make(SONG, f"Here is a verse:\n{VERSE2}\n")
    pieces: list[str] = []
    proposal = ws.propose("write verse 2", on_token=pieces.append)
    assert len(pieces) > 3 and "".join(pieces) == proposal.reply
    assert ws.text == SONG
    assert len(ws.history) == 2  # the turn is remembered for the next request
    added = [line for c in proposal.changes for line in c.new]
    assert "[C]Running through the [G]rain" in added
    assert all(c.section == "Verse 2" for c in proposal.changes if c.new and "Running" in c.new[0])


def test_accept_all_puts_lines_in_and_credits_the_model() -> None:
    ws = make(SONG, VERSE2)
    proposal = ws.propose("write verse 2")
    rest = ws.accept(proposal)
    assert not rest.changes
    assert "[Am]Calling out your [F]name" in ws.lines
    credits = dict(zip(ws.lines, ws.authors, strict=True))
    assert credits["[Am]Calling out your [F]name"] == "model:scripted"
    assert credits["[C]Walking down the [G]road tonight"] == HUMAN


def test_accept_one_line_leaves_the_rest_to_decide() -> None:
    ws = make(SONG, CHORUS)
    proposal = ws.propose("rewrite the chorus")
    assert [c.kind for c in proposal.changes] == ["replace"]
    (change,) = proposal.changes
    rest = ws.accept(proposal, [change.id])
    assert "[F]Sing it [G]proud" in ws.lines and "[F]Sing it [G]loud" not in ws.lines
    assert rest.changes == ()


def test_reject_leaves_the_song_untouched() -> None:
    ws = make(SONG, VERSE2)
    proposal = ws.propose("write verse 2")
    rest = ws.reject(proposal)
    assert ws.text == SONG and not rest.changes
    assert set(ws.authors) == {HUMAN}


def test_accept_by_section() -> None:
    ws = make(SONG)
    proposed = SONG.replace("Sing it [G]loud", "Sing it [G]proud") + "\n" + VERSE2 + "\n"
    proposal = Proposal("", "", "", SONG, proposed, diff_changes(SONG, proposed), model="scripted")
    assert set(proposal.sections) >= {"Chorus", "Verse 2"}
    ws.accept(proposal, proposal.ids_in_section("Verse 2"))
    assert "[C]Running through the [G]rain" in ws.lines
    assert "[F]Sing it [G]loud" in ws.lines  # the chorus change was not accepted


def test_accept_follows_the_writer_typing_meanwhile() -> None:
    ws = make(SONG, CHORUS)
    proposal = ws.propose("rewrite the chorus")
    ws.set_text("{subtitle: new}\n" + ws.text)
    ws.accept(proposal)
    assert ws.lines[0] == "{subtitle: new}"
    assert "[F]Sing it [G]proud" in ws.lines


def test_editing_a_model_line_is_credited_as_edited() -> None:
    ws = make(SONG, VERSE2)
    ws.accept(ws.propose("verse 2"))
    i = ws.lines.index("[C]Running through the [G]rain")
    lines = ws.lines
    lines[i] = "[C]Running through the [G]snow"
    ws.set_text("\n".join(lines))
    assert ws.authors[i] == "edited:model:scripted"


def test_alternatives_report_syllable_fit() -> None:
    # the line rhymes with the next ("light"): an alternative that does not is left out
    reply = "[C]Strolling down the [G]road at night\n[C]Walking [G]home\n[C]Walking home by [G]candlelight\n"
    ws = make(SONG, reply)
    proposal = ws.alternatives(4, count=3)
    texts = [a.text for a in proposal.alternatives]
    assert sorted(texts) == ["[C]Strolling down the [G]road at night", "[C]Walking home by [G]candlelight"]
    for alt in proposal.alternatives:
        assert alt.target == syllables("Walking down the road tonight")
        assert alt.fit == alt.syllables - alt.target
    second = proposal.choose(1)
    ws.accept(second)
    assert ws.lines[4] == texts[1]


def test_alternatives_need_a_lyric_line() -> None:
    with pytest.raises(CowriterError):
        make(SONG, "x").alternatives(0)


def test_model_failure_is_a_cowriter_error() -> None:
    from cowriter.model.backend import ModelError

    ws = make(SONG, ScriptedReply("boom", error=ModelError("disk on fire")))  # type: ignore[arg-type]
    with pytest.raises(CowriterError, match="disk on fire"):
        ws.propose("anything")
    assert ws.text == SONG


def test_missing_model_file_is_a_clear_error(tmp_path: Path) -> None:
    ws = Workspace(text=SONG, model_spec=str(tmp_path / "nope.gguf"))
    with pytest.raises(CowriterError, match="not found"):
        ws.propose("anything")


def test_cancel_stops_the_stream() -> None:
    backend = ScriptedBackend.with_replies([" ".join(["la"] * 200)], delay=0.005)
    ws = Workspace(text=SONG, backend=backend)
    cancel = threading.Event()
    seen: list[str] = []

    def on_token(piece: str) -> None:
        seen.append(piece)
        if len(seen) == 5:
            cancel.set()

    with pytest.raises(CowriterError):
        ws.propose("go on", on_token=on_token, cancel=cancel)
    assert len(seen) < 20 and ws.text == SONG


def test_transpose_moves_chords_and_keeps_credits() -> None:
    ws = make(SONG, VERSE2)
    ws.accept(ws.propose("verse 2"))
    authors = list(ws.authors)
    ws.transpose(2)
    assert "{key: D}" in ws.lines
    assert any(line.startswith("[D]Walking") for line in ws.lines)
    assert ws.authors == authors


def test_save_and_export_write_files(tmp_path: Path) -> None:
    path = tmp_path / "song.cho"
    ws = make(SONG, path=path)
    ws.set_text(SONG + "# more\n")
    assert ws.dirty
    assert str(path) in ws.save()
    assert path.read_text() == SONG + "# more\n" and not ws.dirty
    out = ws.export(tmp_path / "copy.cho")  # a missing folder is refused (workspace/test_export.py)
    assert out.read_text() == ws.text


def test_save_keeps_a_symlink_and_the_files_permissions(tmp_path: Path) -> None:
    real = tmp_path / "real.cho"
    real.write_text(SONG)
    real.chmod(0o664)
    link = tmp_path / "link.cho"
    link.symlink_to(real)
    ws = make(SONG, path=link)
    ws.set_text(SONG + "# more\n")
    ws.save()
    assert link.is_symlink() and real.read_text() == SONG + "# more\n"
    assert real.stat().st_mode & 0o777 == 0o664
    umask = os.umask(0o022)
    try:
        fresh = ws.export(tmp_path / "new.cho")
    finally:
        os.umask(umask)
    assert fresh.stat().st_mode & 0o777 == 0o644  # as any other file the user makes, not mkstemp's 0600


def test_nowhere_to_save_says_so() -> None:
    with pytest.raises(CowriterError, match="nowhere"):
        make().save()


def test_open_reads_a_file_and_refuses_a_bad_folder(tmp_path: Path) -> None:
    path = tmp_path / "s.cho"
    path.write_bytes(SONG.replace("\n", "\r\n").encode("utf-8"))
    assert Workspace.open(path).text == SONG
    assert Workspace.open(tmp_path / "new.cho").text == ""
    with pytest.raises(CowriterError):
        Workspace.open(tmp_path / "missing" / "x.cho")


# -- the diff itself ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("a\nb\nc", "a\nB\nc"),
        ("a\nb\nc", "a\nb\nc\nd\ne"),
        ("a\nb\nc", "x\na\nc"),
        ("", "a\nb"),
        ("a\nb", ""),
        ("a\nb\nc\nd", "a\nB\nC\nX\nd"),
    ],
)
def test_accepting_every_change_gives_the_proposal_and_none_gives_the_song(old: str, new: str) -> None:
    changes = diff_changes(old, new)
    assert apply_changes(old, changes, {c.id for c in changes})[0] == new
    assert apply_changes(old, changes, set())[0] == old


@pytest.mark.parametrize("take", [0, 1, 2])
def test_without_keeps_the_remaining_changes_applicable(take: int) -> None:
    old, new = "a\nb\nc\nd", "a\nB\nc\nx\nd\ne"
    p = Proposal("", "", "", old, new, diff_changes(old, new))
    rest = p.without(applied=[take])
    assert apply_changes(rest.base, rest.changes, {c.id for c in rest.changes})[0] == new


@pytest.mark.parametrize(
    ("lines", "index", "section"),
    [
        (["{start_of_verse: Verse 2}", "x"], 1, "Verse 2"),
        (["{soc}", "x", "{eoc}", "y"], 3, ""),
        (["{soc}", "x", "{eoc}", "y"], 2, "Chorus"),
        (["{soc}", "x"], 1, "Chorus"),
        (['{start_of_bridge label="Middle 8"}', "x"], 1, "Middle 8"),
        (["x"], 0, ""),
    ],
)
def test_section_at(lines: list[str], index: int, section: str) -> None:
    assert section_at(lines, index) == section


def test_a_second_writer_follows_read_only(tmp_path: Path) -> None:
    first = Workspace.open(None, session="duet", sessions_dir=tmp_path)
    first.set_text("[C]Hello\n")
    first.save()
    second = Workspace.open(None, session="duet", sessions_dir=tmp_path)
    try:
        assert second.read_only and second.notice and not second.can_save
        assert second.text == "[C]Hello\n"
        with pytest.raises(CowriterError, match="nowhere"):
            second.save()
    finally:
        second.close()
        first.close()
