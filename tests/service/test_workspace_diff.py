"""Proposals as changes: accepting part of one keeps the file's shape, alternatives close once decided,
and a proposal says where its lines go in the editor's line numbers."""

from __future__ import annotations

import pytest

from cowriter.service.workspace_diff import Alternative, Proposal, apply_changes, diff_changes

SONG = "{title: T}\n\n{start_of_verse}\nla la\n{end_of_verse}\n"
SECTION = SONG + "\n{start_of_chorus}\nhey hey\nho ho\n{end_of_chorus}\n"


def proposal(old: str, new: str) -> Proposal:
    return Proposal("ask", "reply", "", old, new, diff_changes(old, new), model="m")


@pytest.mark.parametrize("pick", range(len(diff_changes(SONG, SECTION))))
def test_accepting_any_one_new_line_keeps_the_final_newline(pick: int) -> None:
    changes = diff_changes(SONG, SECTION)
    text, authored = apply_changes(SONG, changes, {changes[pick].id})
    assert text.endswith("\n") and not text.endswith("\n\n\n")
    assert text.split("\n")[authored[0]] == changes[pick].new[0]
    assert text.count("\n") == SONG.count("\n") + 1


@pytest.mark.parametrize(
    ("old", "new"),
    [
        (SONG, SECTION),
        ("a\nb\n", "a\nb\n\nc\n"),
        ("a\nb\n", "a\nb"),
        ("a\nb", "a\nb\n"),
        ("a\n", "b\n"),
        ("", "a\n"),
        ("a\n", ""),
    ],
)
def test_every_change_accepted_gives_the_proposal_and_none_the_song(old: str, new: str) -> None:
    changes = diff_changes(old, new)
    assert apply_changes(old, changes, {c.id for c in changes})[0] == new
    assert apply_changes(old, changes, set())[0] == old


def test_a_blank_line_goes_with_the_section_it_opens() -> None:
    changes = diff_changes(SONG, SECTION)
    assert changes[0].new == ("",)
    assert {c.section for c in changes} == {"Chorus"}


@pytest.mark.parametrize(
    ("old", "new", "summary"),
    [
        (SONG, SECTION, "5 new lines after line 5"),
        ("a\nb\n", "x\na\nb\n", "1 new line at the top"),
        ("a\nb\nc\n", "a\nB\nc\n", "line 2 rewritten"),
        ("a\nb\nc\nd\n", "a\nB\nC\nd\n", "lines 2-3 rewritten"),
        ("a\nb\nc\n", "a\nc\n", "line 2 removed"),
        ("a\nb\nc\nd\n", "a\nB\nc\nd\ne\n", "2 changes in lines 2-4"),
        ("a\n", "a\n", ""),
    ],
)
def test_a_proposal_says_where_its_lines_go(old: str, new: str, summary: str) -> None:
    assert proposal(old, new).summary == summary


@pytest.mark.parametrize(
    ("old", "new", "brought"),
    [
        (SONG, SECTION, (5, 9)),
        ("a\nb\nc\n", "a\nB\nc\n", (1, 1)),
        ("a\nb\nc\n", "a\nc\n", (1, 1)),
        ("a\n", "a\n", None),
    ],
)
def test_the_lines_a_proposal_brings(old: str, new: str, brought: tuple[int, int] | None) -> None:
    assert proposal(old, new).brought == brought


def alternatives() -> Proposal:
    base = "a\nb\nc\n"
    alts = (Alternative("B", 1, 1), Alternative("bee", 1, 1))
    return Proposal("alts", "", "", base, base, (), "m", alternatives=alts, line=1).choose(0)


def test_rejecting_alternatives_closes_them() -> None:
    p = alternatives()
    rest = p.without(dropped=[c.id for c in p.changes])
    assert not rest.changes and not rest.alternatives and rest.line is None
    assert rest.text == rest.base == p.base


def test_accepting_an_alternative_settles_the_others() -> None:
    p = alternatives().choose(1)
    rest = p.without(applied=[c.id for c in p.changes])
    assert not rest.changes and not rest.alternatives
    assert rest.base == "a\nbee\nc\n"
