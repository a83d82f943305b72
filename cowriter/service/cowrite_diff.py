"""A proposal as line-based hunks against the current song: each accepted or rejected on its own.

`proposal_diff(current, proposed)` lists the hunks (`difflib` opcodes over lines); `by_line=True` splits a
replacement into one hunk per line, so the writer can take line 2 and leave line 3. `apply_hunks` applies
the accepted ones to the current text and leaves every other line exactly as it was.
"""

from __future__ import annotations

import difflib
from collections.abc import Collection, Sequence
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Hunk:
    """Replace `old` (current lines from 0-based `start`) with `new`. Empty `old`: an insertion."""

    index: int
    start: int
    old: tuple[str, ...]
    new: tuple[str, ...]

    @property
    def op(self) -> str:
        return "insert" if not self.old else "delete" if not self.new else "replace"


def _lines(text: str) -> list[str]:
    return text.split("\n") if text else []


def proposal_diff(current_text: str, proposal_text: str, *, by_line: bool = False) -> list[Hunk]:
    old, new = _lines(current_text), _lines(proposal_text)
    hunks: list[Hunk] = []
    matcher = difflib.SequenceMatcher(a=old, b=new, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        if by_line and tag == "replace":
            for k in range(max(i2 - i1, j2 - j1)):
                o = tuple(old[i1 + k : i1 + k + 1]) if k < i2 - i1 else ()
                n = tuple(new[j1 + k : j1 + k + 1]) if k < j2 - j1 else ()
                hunks.append(Hunk(len(hunks), min(i1 + k, i2), o, n))
        else:
            hunks.append(Hunk(len(hunks), i1, tuple(old[i1:i2]), tuple(new[j1:j2])))
    return hunks


def apply_hunks(current_text: str, hunks: Sequence[Hunk], accepted: Collection[int] | None = None) -> str:
    """The current text with the accepted hunks applied (all of them when `accepted` is None)."""
    lines = _lines(current_text)
    chosen = [h for h in hunks if accepted is None or h.index in accepted]
    for hunk in sorted(chosen, key=lambda h: (h.start, h.index), reverse=True):
        if tuple(lines[hunk.start : hunk.start + len(hunk.old)]) != hunk.old:
            raise ValueError(f"hunk {hunk.index} no longer matches the text at line {hunk.start + 1}")
        lines[hunk.start : hunk.start + len(hunk.old)] = list(hunk.new)
    return "\n".join(lines)
