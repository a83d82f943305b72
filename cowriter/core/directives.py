"""ChordPro directives: the names we know, their short forms, and reading one `{name: value}` line.

`read_directive(line, number)` never raises: it returns the `Directive` (with the user's `raw` text, so
formatting gives the line back) and the diagnostics it found. Rules:

- `{name}`, `{name: value}`, `{name:value}` and `{name value}` are the same directive; only the first
  colon separates name and value (`{x: a:b}` has the value `a:b`).
- Names are case-insensitive; short forms map to long ones (`soc` → `start_of_chorus`).
- A conditional selector is a suffix `-instrument` (`{key-piano: E}`, `{start_of_chorus-guitar!}`); it is
  recognised when the part before the last `-` is a known directive or the suffix is a known instrument or
  role, so custom environments like `{start_of_pre-chorus}` keep their names.
- Unknown names are kept and warned about, except `x_…` (ChordPro's custom directives, silent) and
  `+config.settings` directives (reference-implementation configuration, kept silently).
"""

from __future__ import annotations

import re
from types import MappingProxyType

from cowriter.core.song import Diagnostic, Directive, Severity

ALIASES = MappingProxyType(
    {
        "t": "title",
        "st": "subtitle",
        "c": "comment",
        "ci": "comment_italic",
        "cb": "comment_box",
        "soc": "start_of_chorus",
        "eoc": "end_of_chorus",
        "sov": "start_of_verse",
        "eov": "end_of_verse",
        "sob": "start_of_bridge",
        "eob": "end_of_bridge",
        "sot": "start_of_tab",
        "eot": "end_of_tab",
        "sog": "start_of_grid",
        "eog": "end_of_grid",
        "ns": "new_song",
        "np": "new_page",
        "npp": "new_physical_page",
        "colb": "column_break",
        "col": "columns",
        "g": "grid",
        "ng": "no_grid",
        "cf": "chordfont",
        "cs": "chordsize",
        "tf": "textfont",
        "ts": "textsize",
    }
)

#: Directives whose value is song metadata (`Song.meta`).
META_NAMES = frozenset(
    {
        "title",
        "sorttitle",
        "subtitle",
        "artist",
        "sortartist",
        "composer",
        "lyricist",
        "arranger",
        "copyright",
        "album",
        "year",
        "key",
        "time",
        "tempo",
        "duration",
        "capo",
        "tag",
    }
)

_FONTS = ("chord", "chorus", "footer", "grid", "tab", "label", "toc", "text", "title")
_OTHER = frozenset(
    {
        "new_song",
        "meta",
        "comment",
        "highlight",
        "comment_italic",
        "comment_box",
        "image",
        "chorus",
        "define",
        "chord",
        "transpose",
        "new_page",
        "new_physical_page",
        "column_break",
        "pagetype",
        "diagrams",
        "grid",
        "no_grid",
        "titles",
        "columns",
    }
)
KNOWN = frozenset(
    META_NAMES | _OTHER | {f"{f}{s}" for f in _FONTS for s in ("font", "size", "colour", "color")}
)

#: Environments whose lines are kept verbatim (no chords, no directives but their own end).
VERBATIM_ENVIRONMENTS = frozenset({"tab", "abc", "ly", "svg", "textblock", "musicxml"})

_INSTRUMENTS = frozenset(
    {
        "guitar",
        "piano",
        "keyboard",
        "keys",
        "ukulele",
        "uke",
        "bass",
        "mandolin",
        "banjo",
        "drums",
        "band",
        "vocals",
        "vocal",
        "singer",
        "leader",
        "violin",
        "harp",
    }
)

_ATTR = re.compile(r'(\w+)\s*=\s*"([^"]*)"')


def canonical(name: str) -> str:
    """The long lower-case form of a directive name (`SOC` → `start_of_chorus`)."""
    lower = name.lower()
    return ALIASES.get(lower, lower)


def is_known(name: str) -> bool:
    if name in KNOWN or name.startswith(("x_", "+")):
        return True
    return name.startswith(("start_of_", "end_of_")) and len(name) > len("end_of_")


def split_selector(name: str) -> tuple[str, str | None, bool]:
    """`key-piano` → (`key`, `piano`, False); `c-guitar!` → (`comment`, `guitar`, True)."""
    negated = name.endswith("!")
    bare = name[:-1] if negated else name
    if "-" in bare:
        base, selector = bare.rsplit("-", 1)
        cbase = canonical(base)
        if selector and (cbase in KNOWN or selector.lower() in _INSTRUMENTS or cbase in ALIASES.values()):
            return cbase, selector, negated
        if selector and cbase.startswith("start_of_") and selector.lower() in _INSTRUMENTS:
            return cbase, selector, negated
    return canonical(bare), None, False


def attributes(value: str | None) -> dict[str, str]:
    """`label="Verse 2" shape="4x4"` → {'label': 'Verse 2', 'shape': '4x4'}."""
    return {k.lower(): v for k, v in _ATTR.findall(value or "")}


def _closing_brace(text: str) -> int:
    """Index of the `}` closing the `{` at 0, allowing nested `%{…}` substitutions; -1 when none."""
    depth = 0
    for i, ch in enumerate(text):
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
            if depth == 0:
                return i
    return text.find("}") if depth > 1 and "}" in text else -1


def read_directive(line: str, number: int) -> tuple[Directive, list[Diagnostic]]:
    """Read the directive that starts `line` (after optional spaces). Never raises."""
    diags: list[Diagnostic] = []
    stripped = line.lstrip()
    indent = len(line) - len(stripped)
    close = _closing_brace(stripped)
    if close < 0:
        diags.append(Diagnostic(number, len(line) + 1, "unclosed directive: expected `}`", Severity.ERROR))
        inner = stripped[1:]
    else:
        inner = stripped[1:close]
        trailing = stripped[close + 1 :]
        if trailing.strip():
            diags.append(
                Diagnostic(
                    number,
                    indent + close + 2 + (len(trailing) - len(trailing.lstrip())),
                    "text after the directive is not part of the song",
                    Severity.WARNING,
                )
            )
    match = re.match(r"\s*([^\s:]*)\s*(:?)(.*)", inner, re.DOTALL)
    raw_name = match.group(1) if match else ""
    rest = (match.group(3) if match else "").strip()
    has_colon = bool(match and match.group(2))
    value: str | None = rest if (rest or has_colon) else None
    if not raw_name:
        message = "empty directive" if not inner.strip() else "empty directive name"
        diags.append(Diagnostic(number, indent + 1, message, Severity.ERROR))
        return Directive(name="", value=value, raw_name="", line=number, raw=line), diags
    name, selector, negated = split_selector(raw_name)
    if not is_known(name):
        diags.append(
            Diagnostic(
                number, indent + 2, f"unknown directive `{raw_name}` (kept as written)", Severity.WARNING
            )
        )
    directive = Directive(
        name=name,
        value=value,
        raw_name=raw_name,
        selector=selector,
        negated=negated,
        line=number,
        raw=line,
    )
    return directive, diags
