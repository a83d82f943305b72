"""A proposal carried onto the song as it is now: a three-way merge, line by line.

The model answers about the text it saw (the proposal's `base`); the writer may have typed, deleted or
transposed since (the song `now`). Carrying the proposal over is a three-way merge with base = what the
model saw, ours = the song now, theirs = the proposal:

- a change to lines the writer left alone moves with the text around it (a clean change);
- new lines go where the model put them, after any lines the writer added at the same place (when the
  writer removed or rewrote the lines on both sides of that place, or every line of the song, they are a
  conflict: the writer says whether they still belong);
- a line both changed becomes a *conflict*: a change whose `old` is the writer's line as it is now and
  whose `new` is the model's. Accepting it takes the model's line, rejecting it keeps the writer's; nothing
  takes it implicitly (`Proposal.clean_ids`), so the writer's typing is never reverted without being asked;
- a change the writer already made (the same line, or the same removal) is done, and leaves the proposal.

Works on `Change`s (`cowriter.service.workspace.diff`); the proposal keeps each change's id across merges,
so a choice made on the screen still names the same change after the text moved under it.
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from cowriter.service.workspace.diff import Change

__all__ = ["Edits", "carry"]

KEEP, EDIT, GONE = "keep", "edit", "gone"
_SIMILAR = 0.5  # in a block of unequal size, a new line this similar to an old one is an edit of it


class Edits:
    """How the writer's lines `now` came from the lines `was`, line by line.

    `image[i]` is what became of line i of `was`: (KEEP, j) unchanged at line j of `now`, (EDIT, j)
    changed into line j, (GONE, j) removed (j: where it was). `point[p]` is the line of `now` where lines
    inserted before line p of `was` go: after the lines the writer put there (p = len(was): the end)."""

    def __init__(self, was: Sequence[str], now: Sequence[str]) -> None:
        self.was, self.now = was, now
        image: list[tuple[str, int]] = [(GONE, 0)] * len(was)
        # the final newline ends the last line on both sides, as `diff_changes` reads it: no line to pair
        ends = len(was) > 1 and len(now) > 1 and was[-1] == now[-1] == ""
        if ends:
            image[-1] = (KEEP, len(now) - 1)
        matcher = difflib.SequenceMatcher(
            a=list(was[: len(was) - ends]), b=list(now[: len(now) - ends]), autojunk=False
        )
        for tag, i1, i2, j1, j2 in matcher.get_opcodes():
            if tag == "equal":
                for k in range(i2 - i1):
                    image[i1 + k] = (KEEP, j1 + k)
            elif tag == "delete":
                for i in range(i1, i2):
                    image[i] = (GONE, j1)
            elif tag == "replace":
                pairs = _pair(was[i1:i2], now[j1:j2])
                at = j1
                for k in range(i2 - i1):
                    if k in pairs:
                        image[i1 + k] = (EDIT, j1 + pairs[k])
                        at = j1 + pairs[k] + 1
                    else:
                        image[i1 + k] = (GONE, at)
        self.image = image
        point = [len(now)] * (len(was) + 1)
        for p in range(len(was) - 1, -1, -1):
            kind, j = image[p]
            point[p] = j if kind != GONE else min(j, point[p + 1])
        self.point = point
        self.typed = set(range(len(now))) - {j for kind, j in image if kind != GONE}  # lines the writer added
        self.ends = ends  # both texts end with a newline (its empty last line is no line of the song)
        self.kept = any(kind == KEEP for kind, _ in image[: len(was) - ends])  # any line left as it was

    @property
    def touched(self) -> bool:
        return list(self.was) != list(self.now)


def _pair(old: Sequence[str], new: Sequence[str]) -> dict[int, int]:
    """For a replaced block: old line index → the new line that edits it. Line for line when the block
    keeps its size (a rewritten line is still that line); otherwise by similarity, in order."""
    if len(old) == len(new):
        return {k: k for k in range(len(old))}
    pairs: dict[int, int] = {}
    start = 0
    for i, line in enumerate(old):
        best, best_j = _SIMILAR, -1
        for j in range(start, len(new)):
            ratio = difflib.SequenceMatcher(a=line, b=new[j], autojunk=False).ratio()
            if ratio >= best and (best_j < 0 or ratio > best):
                best, best_j = ratio, j
        if best_j >= 0:
            pairs[i] = best_j
            start = best_j + 1
    return pairs


def carry(changes: Sequence[Change], edits: Edits) -> list[Change]:
    """`changes` (on `edits.was`) carried onto `edits.now`, in order, ids kept: moved where the writer
    left their lines alone, conflicts where the writer changed them too, gone where the writer already
    made the same change."""
    now = edits.now
    out: list[Change] = []
    for c in sorted(changes, key=lambda c: (c.start, c.id)):
        if not c.old:  # new lines: where the model put them, after what the writer added there
            at = min(c.start, len(edits.was))
            # next to a line the writer left as it was (the model's context is still there), or at the
            # song's start or end while any of it is; else the writer rewrote or removed what was around
            # them, and says whether they still belong
            near = [edits.image[k][0] for k in (at - 1, at) if 0 <= k < len(edits.was) - edits.ends]
            edge = len(near) < 2 and edits.kept
            alone = not edge and KEEP not in near
            start = edits.point[at]
            typed = range(start - len(c.new), start)
            if tuple(now[start - len(c.new) : start]) == c.new and all(j in edits.typed for j in typed):
                continue  # the writer typed these very lines there
            out.append(replace(c, start=start, conflict=c.conflict or alone))
            continue
        images = edits.image[c.start : c.start + len(c.old)]
        kept = [j for kind, j in images if kind == KEEP]
        if len(kept) == len(c.old) and kept == list(range(kept[0], kept[0] + len(kept))):
            out.append(replace(c, start=kept[0]))  # untouched by the writer
            continue
        present = [j for kind, j in images if kind != GONE]
        if present:
            start, end = min(present), max(present) + 1
        else:
            start = end = images[0][1]
        ours = tuple(now[start:end])
        if ours == c.new:
            continue  # the writer made this very change
        out.append(replace(c, start=start, old=ours, conflict=True))
    return out
