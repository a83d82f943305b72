"""Showing untrusted text (from a file, a model, a server, a path) without letting it drive the terminal.

A song is something people share, and a model server can be anyone's: its text may carry escape
sequences that set the window title, write the clipboard (OSC 52), clear the screen or hide a link, or
bidi overrides that make a line read differently from what it holds. Everything cowriter *shows* goes
through `safe` (or `safe_line` where one line is promised); what it *writes to files* keeps the writer's
bytes.

The visible forms, chosen so a writer can read them and a program can still parse them:

- C0 controls U+0000–U+001F but tab and newline (ESC, BEL, CR, NUL…): their Control Picture,
  `␛` `␇` `␍` `␀` (U+2400 + code); a CR LF (a Windows line end) is a plain newline.
- DEL U+007F and C1 controls U+0080–U+009F (a raw U+009B is a CSI on many terminals): `\\u007f`,
  `\\u009b`.
- Bidi overrides LRO/RLO (U+202D/U+202E), always; embeddings LRE/RLE/PDF and isolates LRI/RLI/FSI/PDI
  when not closed on their own line (they would reorder what follows): `\\u202e`.
- A lone surrogate (a path's undecodable byte, as `surrogateescape` keeps it): `\\udcff`.

The `\\uXXXX` form is the escape JSON and Python use, so a JSON line passed through `safe` stays valid
JSON that decodes to the same text. Bidi embeddings and isolates balanced within a line are kept:
Arabic or Hebrew lyrics use them, and they cannot leak past their line. Marks (LRM, RLM, ALM) are
always kept.

Properties (tested with hypothesis): the result holds no control character (C0 but tab and newline,
DEL, C1, an override, an unbalanced embedding or isolate, a surrogate); text without those is returned
unchanged; `safe(safe(t)) == safe(t)`. `safe_line` also shows a newline as `␊`, so a message naming a
path stays one line.

`safe_cells` is for a character grid already laid out (the TUI's last filter, see
`cowriter.tui.textfilter`): each control becomes exactly one visible cell (C0, tab and newline their
picture, DEL `␡`, C1 and surrogates `�`) and the bidi controls `safe` would escape are dropped (they
take no cell), so the screen's columns stay where the layout put them.
"""

from __future__ import annotations

import re
from collections.abc import Callable

__all__ = ["is_safe", "safe", "safe_cells", "safe_line"]

_LRE, _RLE, _PDF, _LRO, _RLO = "\u202a", "\u202b", "\u202c", "\u202d", "\u202e"
_LRI, _RLI, _FSI, _PDI = "\u2066", "\u2067", "\u2068", "\u2069"
_EMBEDDINGS = frozenset((_LRE, _RLE))
_ISOLATES = frozenset((_LRI, _RLI, _FSI))
_BIDI = "\u202a-\u202e\u2066-\u2069"

# Anything `safe` might change: one search answers "nothing to do" for ordinary text at C speed.
_UNSAFE = re.compile(f"[\x00-\x08\x0b-\x1f\x7f-\x9f{_BIDI}\ud800-\udfff]")
_UNSAFE_LINE = re.compile(f"[\x00-\x08\x0a-\x1f\x7f-\x9f{_BIDI}\ud800-\udfff]")
_ALWAYS = re.compile(f"[\x00-\x08\x0b-\x1f\x7f-\x9f{_LRO}{_RLO}\ud800-\udfff]")
_BALANCING = re.compile(f"[{_LRE}{_RLE}{_PDF}{_LRI}{_RLI}{_FSI}{_PDI}]")


def _escape(char: str) -> str:
    code = ord(char)
    if code < 0x20:
        return chr(0x2400 + code)
    return f"\\u{code:04x}"


def _escape_match(match: re.Match[str]) -> str:
    return _escape(match.group())


def _balance(line: str, show: Callable[[str], str] = _escape) -> str:
    """`line` with every embedding or isolate that is not closed within it (or closes nothing) shown.

    A stack pairs each PDF with the innermost open embedding and each PDI with the innermost open
    isolate; what pairs is kept, everything else is escaped. The kept ones pair the same way again,
    so this is idempotent."""
    if not _BALANCING.search(line):
        return line
    chars = list(line)
    stack: list[int] = []
    shown: set[int] = set()
    for i, ch in enumerate(chars):
        if ch in _EMBEDDINGS or ch in _ISOLATES:
            stack.append(i)
        elif ch in (_PDF, _PDI):
            opener = _EMBEDDINGS if ch == _PDF else _ISOLATES
            if stack and chars[stack[-1]] in opener:
                stack.pop()
            else:
                shown.add(i)
    shown.update(stack)
    for i in shown:
        chars[i] = show(chars[i])
    return "".join(chars)


def safe(text: str) -> str:
    """`text` fit to show on a terminal or a screen: controls made visible (see the module's table),
    tab and newline kept, a CR LF shown as a newline."""
    if not _UNSAFE.search(text):
        return text
    text = _ALWAYS.sub(_escape_match, text.replace("\r\n", "\n"))
    if _BALANCING.search(text):
        text = "\n".join(_balance(line) for line in text.split("\n"))
    return text


def safe_line(text: str) -> str:
    """`text` fit to show where one line is promised (a title, a notice, a path in an error message):
    as `safe`, and a newline (or CR LF) shown as `␊`, so nothing can start a second line."""
    if not _UNSAFE_LINE.search(text):
        return text
    return _balance(_ALWAYS.sub(_escape_match, text.replace("\r\n", "\n").replace("\n", "\u240a")))


_CELL_UNSAFE = re.compile(f"[\x00-\x1f\x7f-\x9f{_BIDI}\ud800-\udfff]")
_CELL_ALWAYS = re.compile(f"[\x00-\x1f\x7f-\x9f{_LRO}{_RLO}\ud800-\udfff]")


def _cell(match: re.Match[str]) -> str:
    code = ord(match.group())
    if code < 0x20:
        return chr(0x2400 + code)
    if code == 0x7F:
        return "\u2421"
    return "" if match.group() in (_LRO, _RLO) else "\ufffd"


def _drop(char: str) -> str:
    return ""


def safe_cells(text: str) -> str:
    """`text` for a grid of cells: every control one visible cell, hiding bidi controls dropped."""
    if not _CELL_UNSAFE.search(text):
        return text
    text = _CELL_ALWAYS.sub(_cell, text)
    if _BALANCING.search(text):
        text = _balance(text, _drop)
    return text


def is_safe(text: str, *, line: bool = False) -> bool:
    """Whether `text` is shown as it is: nothing for `safe` (or `safe_line`) to change."""
    return (safe_line(text) if line else safe(text)) == text
