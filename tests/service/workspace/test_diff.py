"""Proposals as changes: accepting part of one keeps the file's shape, alternatives close once decided,
and a proposal says where its lines go in the editor's line numbers."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cowriter.core.sheet import read_song
from cowriter.service.workspace.diff import Alternative, Proposal, apply_changes, diff_changes

SONG = "{title: T}\n\n{start_of_verse}\nla la\n{end_of_verse}\n"
SECTION = SONG + "\n{start_of_chorus}\nhey hey\nho ho\n{end_of_chorus}\n"


def proposal(old: str, new: str) -> Proposal:
    return Proposal("ask", "reply", "", old, new, diff_changes(old, new), model="m")


def test_accepting_any_one_new_line_keeps_the_final_newline() -> None:
    changes = diff_changes(SONG, "a\nb\n" + SONG)
    for change in changes:
        text, authored = apply_changes(SONG, changes, {change.id})
        assert text.endswith("\n") and not text.endswith("\n\n\n")
        assert text.split("\n")[authored[0]] == change.new[0]
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


# -- a section's frame follows its lines: sections stay balanced whatever is accepted -------------------

BALANCE = ("without a matching start", "is never closed", "closing `", "closes `start_of_")

V2 = "{start_of_verse: Verse 2}\n[C]new one\n[G]new two\n{end_of_verse}\n"
WITH_V2 = SONG + "\n" + V2


def unbalanced(text: str) -> list[str]:
    """The reader's warnings about section directives without their partner."""
    return [d.message for d in read_song(text).diagnostics if any(b in d.message for b in BALANCE)]


def ids_of(p: Proposal, *lines: str) -> set[int]:
    return {c.id for c in p.changes if set(c.new) & set(lines) or set(c.old) & set(lines)}


def test_rejecting_the_start_of_a_new_verse_while_accepting_the_rest_keeps_it_balanced() -> None:
    p = proposal(SONG, WITH_V2)
    ids = {c.id for c in p.changes} - ids_of(p, "{start_of_verse: Verse 2}")
    text, _ = apply_changes(SONG, p.changes, ids)
    assert text == WITH_V2 and not unbalanced(text)


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        (("[C]new one",), SONG + "\n{start_of_verse: Verse 2}\n[C]new one\n{end_of_verse}\n"),
        (("[G]new two",), SONG + "\n{start_of_verse: Verse 2}\n[G]new two\n{end_of_verse}\n"),
        (("{start_of_verse: Verse 2}",), SONG + "\n{start_of_verse: Verse 2}\n{end_of_verse}\n"),
        (("{end_of_verse}",), SONG + "\n{start_of_verse: Verse 2}\n{end_of_verse}\n"),
        ((), SONG),
    ],
)
def test_a_line_of_a_new_section_brings_its_frame_and_nothing_else(
    accept: tuple[str, ...], expected: str
) -> None:
    p = proposal(SONG, WITH_V2)
    ids = {c.id for c in p.changes if c.new and c.new[0] in accept and c.new[0] != "{end_of_verse}"}
    if "{end_of_verse}" in accept:  # the new one, not the song's own
        ids = {c.id for c in p.changes if c.new == ("{end_of_verse}",)}
    text, authored = apply_changes(SONG, p.changes, ids)
    assert text == expected and not unbalanced(text)
    assert len(authored) == expected.count("\n") - SONG.count("\n")  # the frame is the model's too


def test_a_new_section_is_framed_by_its_directives_and_blank_lines() -> None:
    p = proposal(SONG, WITH_V2)
    framed = {line for c in p.changes if c.id in p.frame_ids for line in c.new}
    assert framed == {"", "{start_of_verse: Verse 2}", "{end_of_verse}"}
    assert p.closure(ids_of(p, "[C]new one")) == p.frame_ids | ids_of(p, "[C]new one")


def test_rejecting_every_line_of_a_new_section_leaves_no_stray_frame() -> None:
    p = proposal(SONG, WITH_V2)
    rest = p.without(dropped=ids_of(p, "[C]new one"))
    assert rest.frame_ids and len(rest.changes) == len(p.changes) - 1
    rest = rest.without(dropped=ids_of(rest, "[G]new two"))
    assert rest.changes == ()


def test_rejecting_a_new_sections_frame_rejects_its_lines() -> None:
    p = proposal(SONG, WITH_V2)
    assert p.without(dropped=ids_of(p, "{start_of_verse: Verse 2}")).changes == ()


def test_accepting_a_line_then_the_rest_gives_the_proposal() -> None:
    p = proposal(SONG, WITH_V2)
    rest = p.without(applied=ids_of(p, "[G]new two"))
    assert [c.new for c in rest.changes] == [("[C]new one",)]
    assert rest.base == SONG + "\n{start_of_verse: Verse 2}\n[G]new two\n{end_of_verse}\n"
    assert rest.without(applied=[0]).base == WITH_V2


TWO = V2 + "\n{start_of_verse: Verse 3}\n[C]third\n{end_of_verse}\n"


@pytest.mark.parametrize(
    ("take", "expected"),
    [
        ("[C]new one", SONG + "\n{start_of_verse: Verse 2}\n[C]new one\n{end_of_verse}\n"),
        ("[C]third", SONG + "\n{start_of_verse: Verse 3}\n[C]third\n{end_of_verse}\n"),
    ],
)
def test_two_new_sections_each_bring_their_own_frame(take: str, expected: str) -> None:
    p = proposal(SONG, SONG + "\n" + TWO)
    assert {c.section for c in p.changes} == {"Verse 2", "Verse 3"}
    assert apply_changes(SONG, p.changes, ids_of(p, take))[0] == expected
    by_section = p.ids_in_section("Verse 2")
    assert apply_changes(SONG, p.changes, by_section)[0] == WITH_V2


VERSES = "{start_of_verse: Verse 1}\na\nb\n{end_of_verse}\n"


@pytest.mark.parametrize(
    ("new", "take", "expected"),
    [
        # a rename is a line of its own: a rewritten line does not bring it
        ("{start_of_verse: Verse 3}\na\nB\n{end_of_verse}\n", "B",
         "{start_of_verse: Verse 1}\na\nB\n{end_of_verse}\n"),
        ("{start_of_verse: Verse 3}\na\nB\n{end_of_verse}\n", "{start_of_verse: Verse 3}",
         "{start_of_verse: Verse 3}\na\nb\n{end_of_verse}\n"),
        # a verse turned chorus: its start and end change together
        ("{start_of_chorus}\na\nb\n{end_of_chorus}\n", "{end_of_chorus}",
         "{start_of_chorus}\na\nb\n{end_of_chorus}\n"),
        # a verse split in two: the end and the start that cut it go together
        ("{start_of_verse: Verse 1}\na\n{end_of_verse}\n\n{start_of_verse: Verse 2}\nb\n{end_of_verse}\n",
         "{start_of_verse: Verse 2}",
         "{start_of_verse: Verse 1}\na\n{end_of_verse}\n\n{start_of_verse: Verse 2}\nb\n{end_of_verse}\n"),
        # the frame taken away: the lines stay, outside any section
        ("a\nb\n", "{end_of_verse}", "a\nb\n"),
    ],
)
def test_frame_changes_that_pair_up_go_together(new: str, take: str, expected: str) -> None:
    p = proposal(VERSES, new)
    text, _ = apply_changes(VERSES, p.changes, ids_of(p, take))
    assert text == expected and not unbalanced(text)


def test_a_frame_the_writer_edited_meanwhile_goes_with_its_partner() -> None:
    """The model turns a verse into a chorus; the writer edited its end meanwhile: that line is a conflict,
    and its partner (the start) waits with it: accepting "all" takes neither, taking the conflict takes
    both, so the frame never comes half."""
    p = proposal(VERSES, "{start_of_chorus}\na\nb\n{end_of_chorus}\n")
    edited = VERSES.replace("{end_of_verse}", "{end_of_verse }")
    rest = p.rebase(edited)
    (clash,) = [c for c in rest.changes if c.conflict]
    assert clash.old == ("{end_of_verse }",) and clash.new == ("{end_of_chorus}",)
    assert rest.clean_ids() == ()
    text, _ = apply_changes(rest.base, rest.changes, {clash.id})
    assert text == "{start_of_chorus}\na\nb\n{end_of_chorus}\n"


def test_a_new_sections_lines_go_when_the_writer_takes_its_place() -> None:
    """The writer typed where the new section's start was to go: the section stays whole or goes."""
    base = "{start_of_verse}\na\n{end_of_verse}\nx\n"
    p = proposal(base, "{start_of_verse}\na\n{end_of_verse}\n{start_of_chorus}\nc\nx\n{end_of_chorus}\n")
    rest = p.rebase("{start_of_verse}\na\n{end_of_verse}\nX\n")
    for ids in ([], *([c.id] for c in rest.changes)):
        assert not unbalanced(apply_changes(rest.base, rest.changes, ids)[0])


def test_a_change_moved_onto_a_twin_line_never_unpairs_a_frame() -> None:
    """Two identical bridges; the model removes both; the writer edits a line and a title meanwhile: the
    removals may land on the other bridge's twin lines, so the song's own frames stay."""
    bridge = "{start_of_bridge}\nla\nla\nla\n{end_of_bridge}\n"
    old = "{title: T}\n\n" + bridge + "\n" + bridge
    p = proposal(old, "{title: T}\n")
    lines = old.split("\n")
    lines[3], lines[8] = "la mine", "{start_of_bridge: Mine}"
    rest = p.rebase("\n".join(lines))
    assert rest.changes and not unbalanced(rest.text)
    for ids in ([], *([c.id] for c in rest.changes)):
        assert not unbalanced(apply_changes(rest.base, rest.changes, ids)[0])


# -- the property: any subset, any order of decisions, any typing meanwhile ---------------------------

LYRICS = ("la", "la la", "[C]hey", "[G]ho ho", "oh")
KINDS = ("verse", "chorus", "bridge")


@st.composite
def songs(draw: st.DrawFn) -> list[tuple[str, str, list[str]]]:
    """A balanced song as blocks: (kind, label, lines); kind "" is lines outside any section."""
    n = draw(st.integers(0, 4))
    return [
        (
            draw(st.sampled_from(("", *KINDS))),
            draw(st.sampled_from(("", "1", "2"))),
            draw(st.lists(st.sampled_from(LYRICS), max_size=3)),
        )
        for _ in range(n)
    ]


def render(blocks: list[tuple[str, str, list[str]]]) -> str:
    out: list[str] = ["{title: T}"]
    for kind, label, lines in blocks:
        out.append("")
        if kind:
            out.append(f"{{start_of_{kind}{': ' + kind.title() + ' ' + label if label else ''}}}")
        out.extend(lines)
        if kind:
            out.append(f"{{end_of_{kind}}}")
    return "\n".join(out) + "\n"


@st.composite
def edits(draw: st.DrawFn) -> tuple[str, str]:
    """A song and the model's version of it: sections added, removed, renamed, turned into another kind,
    split, merged, unwrapped, and lines rewritten."""
    blocks = draw(songs())
    new = [(k, label, list(lines)) for k, label, lines in blocks]
    for _ in range(draw(st.integers(1, 4))):
        op = draw(st.sampled_from(("add", "remove", "rename", "kind", "split", "merge", "unwrap", "line")))
        at = draw(st.integers(0, max(len(new) - 1, 0)))
        if op == "add" or not new:
            new.insert(draw(st.integers(0, len(new))), draw(songs().filter(bool))[0])
        elif op == "remove":
            del new[at]
        elif op == "rename":
            new[at] = (new[at][0], draw(st.sampled_from(("", "1", "2", "3"))), new[at][2])
        elif op == "kind":
            new[at] = (draw(st.sampled_from(("", *KINDS))), new[at][1], new[at][2])
        elif op == "split":
            kind, label, lines = new[at]
            cut = draw(st.integers(0, len(lines)))
            new[at : at + 1] = [(kind, label, lines[:cut]), (kind or "verse", "2", lines[cut:])]
        elif op == "merge" and at + 1 < len(new):
            new[at : at + 2] = [(new[at][0], new[at][1], new[at][2] + new[at + 1][2])]
        elif op == "unwrap":
            new[at] = ("", "", new[at][2])
        else:
            lines = new[at][2]
            lines[draw(st.integers(0, len(lines))) : draw(st.integers(0, len(lines)))] = draw(
                st.lists(st.sampled_from(LYRICS), max_size=2)
            )
    return render(blocks), render(new)


@settings(max_examples=300, deadline=None)
@given(edits(), st.data())
def test_any_lines_accepted_leave_the_sections_balanced(pair: tuple[str, str], data: st.DataObject) -> None:
    old, new = pair
    assert not unbalanced(old) and not unbalanced(new)
    p = proposal(old, new)
    ids = data.draw(st.sets(st.sampled_from([c.id for c in p.changes])) if p.changes else st.just(set()))
    text, _ = apply_changes(old, p.changes, ids)
    assert not unbalanced(text), (text, ids)
    lines = text.split("\n")
    for c in p.changes:  # what was accepted is in (the text has every accepted line)
        if c.id in ids:
            assert all(line in lines for line in c.new)


@settings(max_examples=200, deadline=None)
@given(edits(), st.data())
def test_deciding_bit_by_bit_keeps_them_balanced_to_the_end(
    pair: tuple[str, str], data: st.DataObject
) -> None:
    old, new = pair
    p = proposal(old, new)
    while p.changes:
        ids = data.draw(st.sets(st.sampled_from([c.id for c in p.changes]), min_size=1))
        accept = data.draw(st.booleans())
        before = p
        p = p.without(applied=ids) if accept else p.without(dropped=ids)
        assert len(p.changes) < len(before.changes)
        assert not unbalanced(p.base), p.base
        assert not unbalanced(p.text), p.text
        if not accept:
            assert p.base == before.base
    assert p.text == p.base


@settings(max_examples=200, deadline=None)
@given(edits(), st.data())
def test_typing_meanwhile_keeps_them_balanced(pair: tuple[str, str], data: st.DataObject) -> None:
    """The writer edits lyric lines (or a section's title) while the proposal is open."""
    old, new = pair
    p = proposal(old, new)
    lines = old.split("\n")
    for _ in range(data.draw(st.integers(1, 3))):
        at = data.draw(st.integers(0, len(lines) - 1))
        line = lines[at]
        if line.startswith("{start_of_"):
            lines[at] = line.split(":")[0].rstrip("}") + ": Mine}"
        elif not line.startswith("{"):
            what = data.draw(st.sampled_from(("edit", "insert", "delete")))
            if what == "edit":
                lines[at] = line + " mine"
            elif what == "insert":
                lines.insert(at, "mine")
            elif at + 1 < len(lines):  # never the final newline
                del lines[at]
    typed = "\n".join(lines)
    assert not unbalanced(typed)
    p = p.rebase(typed)
    assert not unbalanced(p.text), (typed, p.text)
    ids = data.draw(st.sets(st.sampled_from([c.id for c in p.changes])) if p.changes else st.just(set()))
    text, _ = apply_changes(p.base, p.changes, ids)
    assert not unbalanced(text), (text, ids)
