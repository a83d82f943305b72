"""A proposal carried onto the song as the writer left it: a three-way merge (base = what the model saw,
ours = the song now, theirs = the proposal). The property: random edits by the writer during random
proposals; what the writer typed is never lost, and what the writer accepts is exactly what was proposed,
placed where it belongs."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cowriter.service.workspace.diff import Proposal, apply_changes, diff_changes


def proposal(base: str, text: str) -> Proposal:
    return Proposal("ask", "reply", "", base, text, diff_changes(base, text), model="m")


BASE = "[C]one\n[G]two\n[Am]three\n[F]four\n"


@pytest.mark.parametrize(
    ("theirs", "ours", "clean", "expected"),
    [
        # the writer added a line at the end while the model rewrote line 2: both kept
        (
            "[C]one\n[G]TWO\n[Am]three\n[F]four\n",
            BASE + "mine\n",
            1,
            "[C]one\n[G]TWO\n[Am]three\n[F]four\nmine\n",
        ),
        # both added at the end: the writer's line first, then the model's
        (BASE + "model\n", BASE + "mine\n", 1, BASE + "mine\nmodel\n"),
        # the writer removed line 1; the model rewrote line 3: it moves up
        (
            "[C]one\n[G]two\n[Am]THREE\n[F]four\n",
            "[G]two\n[Am]three\n[F]four\n",
            1,
            "[G]two\n[Am]THREE\n[F]four\n",
        ),
        # the model removes line 4 the writer left alone
        ("[C]one\n[G]two\n[Am]three\n", "x\n" + BASE, 1, "x\n[C]one\n[G]two\n[Am]three\n"),
        # the writer made the very change the model proposes: nothing left to decide
        (
            "[C]one\n[G]TWO\n[Am]three\n[F]four\n",
            "[C]one\n[G]TWO\n[Am]three\n[F]four\n",
            0,
            "[C]one\n[G]TWO\n[Am]three\n[F]four\n",
        ),
    ],
)
def test_clean_changes_move_with_the_writers_text(theirs: str, ours: str, clean: int, expected: str) -> None:
    rest = proposal(BASE, theirs).rebase(ours)
    assert rest.base == ours and not rest.conflicts
    assert len(rest.clean_ids()) == clean
    assert apply_changes(rest.base, rest.changes, set(rest.clean_ids()))[0] == expected


def test_a_line_both_changed_is_a_conflict_the_writer_resolves() -> None:
    theirs = "[C]one\n[G]the model's two\n[Am]three\n[F]four\n"
    ours = "[C]one\n[G]my two\n[Am]three\n[F]four\n"
    rest = proposal(BASE, theirs).rebase(ours)
    (clash,) = rest.changes
    assert clash.conflict and clash.old == ("[G]my two",) and clash.new == ("[G]the model's two",)
    assert rest.clean_ids() == ()  # "accept all" never takes it
    assert apply_changes(ours, rest.changes, set())[0] == ours  # keep mine
    assert apply_changes(ours, rest.changes, {clash.id})[0] == theirs  # the model's, chosen


def test_the_model_rewrites_a_line_the_writer_removed_a_conflict() -> None:
    rest = proposal(BASE, "[C]one\n[G]TWO\n[Am]three\n[F]four\n").rebase("[C]one\n[Am]three\n[F]four\n")
    (clash,) = rest.changes
    assert clash.conflict and clash.old == () and clash.new == ("[G]TWO",)
    assert apply_changes(rest.base, rest.changes, {clash.id})[0] == "[C]one\n[G]TWO\n[Am]three\n[F]four\n"


def test_new_lines_where_the_writer_removed_everything_around_them_wait_for_the_writer() -> None:
    rest = proposal(BASE, BASE + "[C]new\n").rebase("[D]other words")
    assert [c.conflict for c in rest.changes] == [True]
    assert rest.clean_ids() == ()


def test_a_conflict_stays_one_while_the_writer_keeps_typing_and_ends_when_they_agree() -> None:
    p = proposal(BASE, "[C]one\n[G]TWO\n[Am]three\n[F]four\n")
    typed = p.rebase("[C]one\n[G]tw\n[Am]three\n[F]four\n")
    more = typed.rebase("[C]one\n[G]twx\n[Am]three\n[F]four\n")
    assert [c.old for c in more.changes] == [("[G]twx",)] and more.conflicts
    assert more.changes[0].id == p.changes[0].id  # the same change: a choice on screen still names it
    assert more.rebase("[C]one\n[G]TWO\n[Am]three\n[F]four\n").changes == ()


def test_alternatives_follow_their_line() -> None:
    from cowriter.service.workspace.diff import Alternative

    p = Proposal("ask", "", "", BASE, BASE, (), "m", alternatives=(Alternative("[G]deux", 1, 1),), line=1)
    moved = p.rebase("new first\n" + BASE)
    assert moved.line == 2
    assert moved.choose(0).text == "new first\n[C]one\n[G]deux\n[Am]three\n[F]four\n"
    assert p.rebase("[C]one\n[Am]three\n[F]four\n").alternatives == ()  # its line is gone


# -- the property --------------------------------------------------------------------------------------


@st.composite
def edited(draw: st.DrawFn, base: list[str], who: str, same: list[str]) -> list[str]:
    """`base` edited by `who`: lines kept, rewritten or removed, new lines anywhere. Each new line is
    unique (w0, w1… for the writer, m0, m1… for the model), except the rare one from `same` (a change
    both make alike)."""
    out: list[str] = []
    n = 0

    def new() -> str:
        nonlocal n
        n += 1
        return draw(st.sampled_from(same)) if same and draw(st.integers(0, 9)) == 0 else f"{who}{n}"

    for line in base:
        for _ in range(draw(st.integers(0, 2)) if draw(st.integers(0, 3)) == 0 else 0):
            out.append(new())
        what = draw(st.sampled_from(("keep", "keep", "keep", "edit", "drop")))
        if what == "keep":
            out.append(line)
        elif what == "edit":
            out.append(new())
    for _ in range(draw(st.integers(0, 2))):
        out.append(new())
    return out


def text(lines: list[str]) -> str:
    return "\n".join(lines) + "\n"


def anchors_before(lines: list[str], anchors: set[str]) -> dict[str, tuple[str, ...]]:
    """For each line that is no anchor: the anchors before it."""
    out: dict[str, tuple[str, ...]] = {}
    seen: list[str] = []
    for line in lines:
        if line in anchors:
            seen.append(line)
        else:
            out[line] = tuple(seen)
    return out


@settings(max_examples=400, deadline=None)
@given(data=st.data(), size=st.integers(0, 12))
def test_random_edits_during_random_proposals(data: st.DataObject, size: int) -> None:
    base = [f"b{i}" for i in range(size)]
    same = ["s1", "s2"]
    theirs = data.draw(edited(base, "m", same))
    ours = data.draw(edited(base, "w", same))
    p = proposal(text(base), text(theirs))
    rest = p.rebase(text(ours))
    assert rest.base == text(ours)
    ids = {c.id for c in rest.changes}
    # nothing chosen: the writer's song as it is
    assert apply_changes(rest.base, rest.changes, set())[0] == text(ours)

    # "accept all" takes what touches no line the writer changed: every line the writer typed stays
    clean = set(rest.clean_ids())
    accepted = apply_changes(rest.base, rest.changes, clean)[0].split("\n")
    mine = [line for line in ours if line.startswith("w")]
    assert [line for line in accepted if line in set(mine)] == mine
    assert all(accepted.count(line) >= ours.count(line) for line in same)  # the changes both made

    # ...and every model line in the song is one it proposed, in the model's order
    brought = [line for line in accepted if line.startswith("m")]
    assert [line for line in theirs if line in set(brought)] == brought
    taken = [line for c in rest.changes if c.id in clean for line in c.new if line.startswith("m")]
    assert [line for line in accepted if line in set(taken)] == [
        line for line in theirs if line in set(taken)
    ]

    # placed where it belongs: among the lines both left alone, each model line after the same ones
    anchors = set(base) & set(theirs) & set(ours)
    where_proposed = anchors_before(theirs, anchors)
    where_put = anchors_before(accepted, anchors)
    for line in brought:
        assert where_put[line] == where_proposed[line], (line, base, theirs, ours, accepted)

    # everything taken, conflicts too: the model's lines are exactly the proposal's, where it put them
    everything = apply_changes(rest.base, rest.changes, ids)[0].split("\n")
    model = [line for line in theirs if line.startswith("m")]
    assert [line for line in everything if line.startswith("m")] == model
    where_all = anchors_before(everything, anchors)
    for line in model:
        assert where_all[line] == where_proposed[line], (line, base, theirs, ours, everything)

    # the writer typed nothing: the proposal is the model's, whole
    if ours == base:
        assert rest.changes == p.changes and not rest.conflicts
        assert apply_changes(rest.base, rest.changes, clean)[0] == text(theirs)


@settings(max_examples=200, deadline=None)
@given(data=st.data())
def test_repeated_lines_never_lose_what_the_writer_typed(data: st.DataObject) -> None:
    """Songs repeat lines (a chorus sung twice): the writer's lines stay whatever the merge pairs."""
    base = data.draw(st.lists(st.sampled_from(["la", "[C]hey", "oh", ""]), max_size=10))
    theirs = data.draw(edited(base, "m", ["la", "oh"]))
    ours = data.draw(edited(base, "w", []))
    rest = proposal(text(base), text(theirs)).rebase(text(ours))
    accepted = apply_changes(rest.base, rest.changes, set(rest.clean_ids()))[0].split("\n")
    mine = [line for line in ours if line.startswith("w")]
    assert [line for line in accepted if line.startswith("w")] == mine
    taken = [line for c in rest.changes if c.id in set(rest.clean_ids()) for line in c.new]
    assert sorted(line for line in accepted if line.startswith("m")) == sorted(
        line for line in taken if line.startswith("m")
    )
