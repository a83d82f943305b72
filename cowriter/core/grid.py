"""Grid rows (`{start_of_grid}` sections): reading `| C . . . | G . D . |` and playing it out bar by bar.

A row is: an optional left label (`A`, `Coda`), bars separated by bar lines (`|`, `||`, `|:`, `:|`,
`:|:`, `|.`), and optional trailing text (a comment; `x2`, `2x` or `4 times` there sets `times`).
Cells are whitespace-separated: a chord, `.` (the chord continues), `/` (strum the chord again), `%`
(repeat the previous bar), `%%` (repeat the previous two bars; the bar after it is their second),
`~`-joined chords sharing a cell (`C~G`), or `N.C.`.

`play_row(row)` expands repeats and `%` into a list of bars, each a list of (cell fraction, token) pairs
the timing layer turns into beats; that keeps the grid's own arithmetic here, next to its syntax.
"""

from __future__ import annotations

import re

from cowriter.core.song import GridCell, GridRow

_TOKEN = re.compile(r":\|:|:\|\|?|\|\|:?|\|:|\|\.|\||[^\s|]+")
_BARLINES = frozenset({"|", "||", "|:", ":|", ":|:", "|.", ":||", "||:"})
_TIMES = re.compile(r"(?:\bx\s*(\d+)\b|\b(\d+)\s*x\b|\b(\d+)\s+times\b)", re.IGNORECASE)
_COUNT = re.compile(r"^(?:x(\d+)|(\d+)x)$", re.IGNORECASE)
CONTINUE = frozenset({".", "/", "-", "~"})


def parse_grid_row(text: str, line: int = 0) -> GridRow:
    """Read one grid line; a line with no bar lines is a row with no bars (kept as text)."""
    found = list(_TOKEN.finditer(text))
    tokens = [m.group(0) for m in found]
    if not any(t in _BARLINES for t in tokens):
        return GridRow(text=text, line=line)
    label_parts: list[str] = []
    bars: list[tuple[GridCell, ...]] = []
    starts: list[int] = []
    ends: list[int] = []
    cells: list[GridCell] = []
    seen_bar = False
    trailing: list[str] = []
    times = 1
    for i, tok in enumerate(tokens):
        if tok in _BARLINES:
            count = _COUNT.match(cells[0].token) if len(cells) == 1 else None
            if count:  # `:| x3 |`: a repeat count between bar lines, not a bar
                times = int(count.group(1) or count.group(2))
                cells = []
            if cells:
                bars.append(tuple(cells))
                cells = []
            if tok in (":|", ":|:", ":||") and bars:
                ends.append(len(bars) - 1)
            if tok in ("|:", ":|:", "||:"):
                starts.append(len(bars))
            seen_bar = True
            if not any(t in _BARLINES for t in tokens[i + 1 :]):
                trailing = tokens[i + 1 :]
                break
        elif not seen_bar:
            label_parts.append(tok)
        else:
            cells.append(GridCell(tok, found[i].start()))
    match = _TIMES.search(" ".join(trailing))
    if match:
        times = int(next(g for g in match.groups() if g))
    return GridRow(
        text=text,
        bars=tuple(bars),
        repeat_start=tuple(starts),
        repeat_end=tuple(ends),
        times=times,
        label=" ".join(label_parts),
        line=line,
    )


def _expand_percent(bars: list[list[str]]) -> list[list[str]]:
    out: list[list[str]] = []
    pending: list[str] | None = None
    for bar in bars:
        if pending is not None and all(t in CONTINUE for t in bar):
            out.append(list(pending))
            pending = None
            continue
        pending = None
        head = bar[0] if bar else ""
        if head == "%" and out:
            out.append(list(out[-1]))
        elif head == "%%" and len(out) >= 2:
            out.append(list(out[-2]))
            pending = out[-2]
        else:
            out.append(list(bar))
    return out


def play_row(row: GridRow) -> list[list[str]]:
    """The bars this row plays, in order, each a list of cell tokens (repeats and `%` expanded)."""
    bars = _expand_percent([[c.token for c in bar] for bar in row.bars])
    if not bars:
        return []
    times = max(1, min(row.times, 64))
    if row.repeat_end:
        out: list[list[str]] = []
        cursor = 0
        for end in sorted(row.repeat_end):
            if end < cursor:
                continue
            begin = max((s for s in row.repeat_start if cursor <= s <= end), default=cursor)
            out.extend(bars[cursor:begin])
            segment = bars[begin : end + 1]
            out.extend(bar for _ in range(max(2, times)) for bar in segment)
            cursor = end + 1
        out.extend(bars[cursor:])
        return out
    return [bar for _ in range(times) for bar in bars]
