"""Which changes of a proposal go together so that the song's sections stay balanced.

A section's frame is its `{start_of_…}` and `{end_of_…}` lines. Accepting or rejecting a proposal line by
line is about the words and chords; the frame follows them:

- Frame lines that pair up (a start and the end that closes it, in the song or in the proposal) go in or
  stay out together, so no `{end_of_…}` is ever left without its start, nor a start without its end.
- A line of a NEW section (one whose `{start_of_…}` the proposal adds) brings that section's frame, with
  the blank lines that set it apart from its neighbours.
- Rejecting a frame rejects the lines that need it; rejecting every line of a new section drops its frame.

A rename (`{start_of_verse: Verse 1}` → `{start_of_verse: Verse 2}`) or any frame change no new line
needs stays a line of its own (still paired with its partners, if any).

Pairs are not the whole story (a new section put inside an old one is balanced in the proposal, where the
old one was cut first, and not on its own), so the choice is then checked run by run: a run is the changes
between two untouched section directives, where the song's own frame fixes what state (inside a section or
not) the run starts in and must end in. A run whose chosen changes break that takes all its frame changes
from the same side (all the proposal's when accepting, all the song's when rejecting), which is balanced
because the song and the proposal each are.

Works on the changes as `(id, start, old, new)`; `cowriter.service.workspace.diff` applies the result.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from cowriter.service.workspace.diff import Change

__all__ = ["Frames", "balanced", "scan", "section_directive"]

Node = tuple[str, int]  # ("c", change id) for a changed line, ("u", base line) for an unchanged one


@dataclass(frozen=True, slots=True)
class Scan:
    """The section structure of some lines, read the way the ChordPro reader reads it."""

    starts: frozenset[int]  # lines that open a section
    ends: frozenset[int]  # lines that close one (or try to)
    pairs: tuple[tuple[int, int], ...]  # (start, end) of each section closed by its own end
    opened_by: tuple[int | None, ...]  # per line: the start of the section it lies in (None: outside)
    problems: int  # ends without a start, starts never closed, a start inside a section, a wrong end

    @property
    def structural(self) -> frozenset[int]:
        return self.starts | self.ends


def section_directive(line: str) -> tuple[str, str] | None:
    """("start"|"end", environment) for a line the reader takes as a section directive, else None."""
    if line.startswith("#") or not line.lstrip().startswith("{"):
        return None
    from cowriter.core.directives import read_directive  # the reader's own spelling rules (lazy: light)

    name = read_directive(line, 0)[0].name
    for prefix, role in (("start_of_", "start"), ("end_of_", "end")):
        if name.startswith(prefix) and len(name) > len(prefix):
            return role, name[len(prefix) :]
    return None


def scan(lines: Sequence[str]) -> Scan:
    from cowriter.core.directives import VERBATIM_ENVIRONMENTS

    starts: set[int] = set()
    ends: set[int] = set()
    pairs: list[tuple[int, int]] = []
    opened_by: list[int | None] = []
    problems = 0
    open_at: int | None = None
    env = ""
    for i, line in enumerate(lines):
        found = section_directive(line)
        if open_at is not None and env in VERBATIM_ENVIRONMENTS and found != ("end", env):
            found = None  # a tab's lines are kept as written: only its own end closes it
        if found is None:
            opened_by.append(open_at)
            continue
        role, name = found
        if role == "start":
            starts.add(i)
            if open_at is not None:
                problems += 1  # the reader closes the open section first, with a warning
            open_at, env = i, name
            opened_by.append(i)
        else:
            ends.add(i)
            opened_by.append(open_at)
            if open_at is None:
                problems += 1
            else:
                if name != env and not env.startswith(name + "-"):
                    problems += 1
                pairs.append((open_at, i))
                open_at = None
    if open_at is not None:
        problems += 1
    return Scan(frozenset(starts), frozenset(ends), tuple(pairs), tuple(opened_by), problems)


def balanced(text: str) -> bool:
    """No section directive without its partner (what the reader would warn about)."""
    return scan(text.split("\n") if text else []).problems == 0


State = str | None  # the environment of the open section, None outside any


def _run(lines: Iterable[str], state: State) -> tuple[State, int]:
    """The state after `lines` entered in `state`, and how many directives were out of place."""
    from cowriter.core.directives import VERBATIM_ENVIRONMENTS

    problems = 0
    for line in lines:
        found = section_directive(line)
        if found is None or (state in VERBATIM_ENVIRONMENTS and found != ("end", state)):
            continue
        role, env = found
        if role == "start":
            problems += state is not None
            state = env
        else:
            problems += state is None or (env != state and not state.startswith(env + "-"))
            state = None
    return state, problems


def _transfer(lines: Sequence[str]) -> tuple[tuple[str, str] | None, tuple[str, str] | None, int]:
    """What some lines need on entry and leave on exit, as far as sections go (their first and last
    section directive), with the directives out of place among them."""
    found = [d for d in map(section_directive, lines) if d is not None]
    if not found:
        return None, None, 0
    return found[0], found[-1], _run(lines, found[0][1] if found[0][0] == "end" else None)[1]


@dataclass(frozen=True, slots=True)
class _Chain:
    """Changes with no untouched section directive between them."""

    entry: State  # the state the run starts in
    exit: str | None  # the untouched line that follows it (None: the end of the song)
    changes: tuple[Change, ...]
    swinging: frozenset[int]  # those whose lines change the state (their old and new lines differ so)

    def ok(self, chosen: Collection[int]) -> bool:
        state, problems = self.entry, 0
        for c in self.changes:
            state, bad = _run(c.new if c.id in chosen else c.old, state)
            problems += bad
        if self.exit is not None:
            problems += _run([self.exit], state)[1]
        else:
            problems += state is not None
        return problems == 0


def _chains(old: Sequence[str], changes: Sequence[Change]) -> list[_Chain]:
    out: list[_Chain] = []
    state: State = None
    run: list[Change] = []
    entry: State = None
    pos = 0

    def close(exit_line: str | None) -> None:
        if run:
            swinging = frozenset(c.id for c in run if _transfer(c.old) != _transfer(c.new))
            out.append(_Chain(entry, exit_line, tuple(run), swinging))
        run.clear()

    for c in sorted(changes, key=lambda c: (c.start, c.id)):
        for k in range(pos, min(c.start, len(old))):
            if section_directive(old[k]) is not None:
                close(old[k])
                state = _run([old[k]], state)[0]
        if not run:
            entry = state
        run.append(c)
        state = _run(c.old, state)[0]
        pos = max(pos, c.start + len(c.old))
    exit_line = next((old[k] for k in range(pos, len(old)) if section_directive(old[k]) is not None), None)
    close(exit_line)
    return out


def apply_all(old: Sequence[str], changes: Sequence[Change]) -> tuple[list[str], list[Node]]:
    """The lines with every change in, and where each comes from: ("u", k) line k of `old` unchanged, ("c",
    id) a line change `id` brought. `workspace.diff.apply_changes` applies the accepted ones with it."""
    new: list[str] = []
    nodes: list[Node] = []
    pos = 0
    for c in sorted(changes, key=lambda c: (c.start, c.id)):
        for k in range(pos, min(c.start, len(old))):
            new.append(old[k])
            nodes.append(("u", k))
        for line in c.new:
            new.append(line)
            nodes.append(("c", c.id))
        pos = max(pos, c.start + len(c.old))
    for k in range(pos, len(old)):
        new.append(old[k])
        nodes.append(("u", k))
    return new, nodes


class Frames:
    """The links between the changes of one proposal (on its base text)."""

    def __init__(self, base: str, changes: Sequence[Change]) -> None:
        self.base = base
        self.changes = tuple(changes)
        self.ids = frozenset(c.id for c in changes)
        old = base.split("\n") if base else []
        owner: list[Node] = [("u", k) for k in range(len(old))]
        for c in changes:
            for k in range(c.start, min(c.start + len(c.old), len(old))):
                owner[k] = ("c", c.id)
        new, nodes = apply_all(old, self.changes)
        old_scan, new_scan = scan(old), scan(new)
        self._parent: dict[Node, Node] = {}
        structural: set[int] = set()
        for lines_owner, sc in ((owner, old_scan), (nodes, new_scan)):
            for a, b in sc.pairs:
                self._union(lines_owner[a], lines_owner[b])
            structural |= {lines_owner[i][1] for i in sc.structural if lines_owner[i][0] == "c"}
        # blank lines the proposal adds next to a frame it adds go with that frame: with the section they
        # open (blank lines before its start), else with the one they close (after its end)
        pure_blank = {c.id for c in changes if not c.old and c.new and not any(s.strip() for s in c.new)}
        for j, node in enumerate(nodes):
            if node[0] != "c" or node[1] not in pure_blank:
                continue
            for step, frame in ((1, new_scan.starts), (-1, new_scan.ends)):
                k = j + step
                while 0 <= k < len(new) and not new[k].strip():
                    k += step
                if 0 <= k < len(new) and k in frame and nodes[k][0] == "c":
                    self._union(node, nodes[k])
                    structural.add(node[1])
                    break
        self.structural = frozenset(structural)
        # a line of a section whose start the proposal adds (not merely renames) needs that frame
        renames = {
            c.id for c in changes
            if any(owner[k] == ("c", c.id) for k in old_scan.starts)
        }
        needs: dict[int, set[Node]] = {}
        for j, node in enumerate(nodes):
            if node[0] != "c" or node[1] in self.structural:
                continue
            start = new_scan.opened_by[j]
            if start is None:
                continue
            opener = nodes[start]
            if opener[0] == "c" and opener[1] not in renames:
                needs.setdefault(node[1], set()).add(self._find(opener))
        self._needs = needs
        self._groups: dict[Node, set[int]] = {}
        for cid in self.structural:
            self._groups.setdefault(self._find(("c", cid)), set()).add(cid)
        self._old_balanced = old_scan.problems == 0
        self._new_balanced = new_scan.problems == 0
        self._chains = _chains(old, self.changes) if self._old_balanced and self._new_balanced else []

    # -- union-find over lines -----------------------------------------------------------------------

    def _find(self, node: Node) -> Node:
        parent = self._parent.setdefault(node, node)
        while parent != node:
            grand = self._parent.setdefault(parent, parent)
            self._parent[node] = grand
            node, parent = parent, grand
        return node

    def _union(self, a: Node, b: Node) -> None:
        ra, rb = self._find(a), self._find(b)
        if ra != rb:
            self._parent[ra] = rb

    # -- what goes with what -------------------------------------------------------------------------

    def group(self, cid: int) -> frozenset[int]:
        """The frame changes that go in or stay out together with change `cid` (itself at least)."""
        if cid not in self.structural:
            return frozenset({cid})
        return frozenset(self._groups[self._find(("c", cid))])

    def needed(self, cid: int) -> frozenset[int]:
        """The frame changes a (non-frame) change needs: the frame of the new section it lies in."""
        return frozenset(i for root in self._needs.get(cid, ()) for i in self._groups.get(root, ()))

    def dependents(self, cids: Iterable[int]) -> frozenset[int]:
        """The changes that need any of the frames `cids` belong to."""
        roots = {self._find(("c", i)) for i in cids if i in self.structural}
        return frozenset(i for i, need in self._needs.items() if need & roots)

    @property
    def section_frames(self) -> frozenset[int]:
        """Frame changes some line of the proposal needs: shown with their section, not as lines."""
        roots = {root for need in self._needs.values() for root in need}
        return frozenset(i for root in roots for i in self._groups.get(root, ()))

    def bring(self, accepted: Collection[int]) -> frozenset[int]:
        """`accepted` with the frame changes they bring."""
        out = set(accepted) & self.ids
        while True:
            before = set(out)
            for cid in before:
                out |= self.group(cid) | self.needed(cid)
            for chain in self._chains:
                if not chain.ok(out):
                    out |= chain.swinging
            if out == before:
                break
        if self._old_balanced and self._new_balanced and not balanced(self._text(out)):
            out |= self.structural  # a guard (never seen): the proposal's own frames are balanced
        return frozenset(out)

    def drop(self, dropped: Collection[int], applied: Collection[int] = ()) -> frozenset[int]:
        """`dropped` with what must go with them: the rest of a frame, the lines that need a frame
        dropped, and the frame of a new section none of whose lines is left (`applied`: taken)."""
        kept = self.bring(applied)
        out = set(dropped) & self.ids - kept
        while True:
            before = set(out)
            for cid in before:
                out |= self.group(cid)
            out |= self.dependents(out)
            for root, members in self._groups.items():
                users = {i for i, need in self._needs.items() if root in need}
                if users and users <= out and not members & kept:
                    out |= members
            out -= kept
            for chain in self._chains:
                if not chain.ok(self.ids - out):
                    out |= chain.swinging - kept
            if out == before:
                break
        if self._old_balanced and self._new_balanced and not balanced(self._text(self.ids - out)):
            out |= self.structural - kept  # the guard again: the song's own frames (and `kept`) are
            out |= self.dependents(out) - kept
        return frozenset(out)

    def _text(self, accepted: Collection[int]) -> str:
        old = self.base.split("\n") if self.base else []
        chosen = [c for c in self.changes if c.id in accepted]
        return "\n".join(apply_all(old, chosen)[0])
