"""Chords-over-lyrics and Ultimate-Guitar text → ChordPro → `Song`.

`import_text(text)` gives the `Song` (line numbers point at the user's text); `to_chordpro(text)` the
ChordPro it goes through. Lines are read like this:

- `[ch]G[/ch]` markup and `[tab]`/`[/tab]` markers are removed, tabs expand to 8 columns;
- `{…}` lines pass through as ChordPro directives; the first line of text, when no chords come before
  it, becomes `{title}` (as ChordPro's a2crd does); `Artist:`/`Key:`/`Capo:`/`Tempo:`/`Time:` lines
  before the first chords become metadata; a line in parentheses becomes `{comment}`;
- section headers — `[Verse 1]`, `[Chorus]` (brackets round words that are not a chord), `Verse:`,
  `VERSE 1:`, `-- Bridge --` — open an environment (`verse`, `chorus`, `bridge`, else a custom one named
  after the header) that the next header closes; `Intro: A  D  E` is a header and a chord line;
- tablature (`e|--0--3--|`) becomes a `{start_of_tab}` block, chord legends (`G = 320033`,
  `A: |X02220|`) become `{define: G frets 3 2 0 0 3 3}` (the first shape of each chord);
- a chord line is merged into the lyric line below it, each chord at the lyric character under the
  chord's first letter (display columns: CJK characters are two wide), past the end of the words at the
  end; a chord line with no lyric under it becomes a chord-only line (`[Am][G]`, bar lines kept).

The trap: "A Bad Day" and "Am I blue" start with chord names but are lyrics. A line is a chord line only
on the evidence of the whole line: every token a chord or a chart mark (`|`, `/`, `x2`, `N.C.`,
`(repeat)`), or — when exactly one token is not — at least one real chord, wide spacing (two spaces
somewhere, as chord lines have and sentences don't) and a lyric line below it.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import replace
from functools import lru_cache

from cowriter.core import chordpro
from cowriter.core.song import Directive, Item, Song

__all__ = ["clear_caches", "has_chord_lines", "import_text", "is_chord_line", "is_header", "to_chordpro"]

_SECTION_WORDS = (
    "verse|chorus|pre-chorus|pre chorus|prechorus|post-chorus|bridge|intro|outro|solo|interlude|"
    "instrumental|refrain|coda|tag|break|hook|ending|riff|middle 8|breakdown|vamp|turnaround"
)
_COLON_HEADER = re.compile(rf"^\s*((?:{_SECTION_WORDS})(?:\s*\d+|\s+[IVX]+)?)\s*:\s*(.*)$", re.I)
_BRACKET_HEADER = re.compile(r"^\s*\[([^\[\]]+)\]\s*$")
_DECORATED = re.compile(r"^\s*[-=*#~]{2,}\s*([^-=*#~].*?)\s*[-=*#~]{2,}\s*$")
_TAB_LINE = re.compile(r"^\s*[A-Ga-g][#b]?\s*[|:]?[-0-9hpbrsx/\\~^().|\s]*[-|]{2,}[-0-9hpbrsx/\\~^().|\s]*$")
_LEGEND = re.compile(r"^\s*\(?[A-G][^\s=:]*\)?\s*(?:=\s*[0-9xX]{4,}|:\s*\|?[0-9xX]{4,}\|?)")
_META = re.compile(
    r"^\s*(title|subtitle|artist|key|capo|tempo|time|composer|lyricist|album|year|duration|copyright)"
    r"\s*:\s*(.+?)\s*$",
    re.I,
)
_X_META = re.compile(r"^\s*(x_[a-z0-9_]+)\s*:\s*(.*?)\s*$")  # `x_style: ballad` (`convert --to text`)
# dashes that stretched a word to make room for a chord (`ri--ver`): always an even number of them, so an odd
# run is a hyphen of the word's own and the padding (`jump---up` is `jump-up`)
_PADDING = re.compile(r"(?<=\S)-{2,}$")
_MARKS = re.compile(r"^(\|+:?|:?\|+|/+|-+|\.+|%+|x\d+|\(?\d+x\)?|\(x\d+\)|\*+|~|N\.?C\.?|n\.?c\.?)$")
_NO_CHORD = re.compile(r"^\(?N\.C\.?\)?$")  # "no chord": a chord row's own word, as a chord is
_CHORDISH = re.compile(r"^[A-G][#b♯♭]?[^\s]*[\d/][^\s]*$")
_SOFT_WORDS = frozenset({"(repeat)", "repeat", "(riff)", "riff", "etc", "etc.", "(fade)", "fade"})
_UG_MARKUP = re.compile(r"\[/?(?:ch|tab)\]")

_KIND = {
    "verse": "verse",
    "chorus": "chorus",
    "refrain": "chorus",
    "bridge": "bridge",
}


def _chord_test() -> Callable[[str], bool]:
    try:
        from cowriter.core.chords import is_chord
    except ImportError:  # pragma: no cover - the chord module ships with the core
        return lambda token: bool(
            re.fullmatch(r"[A-G][#b]?(m|maj|min|dim|aug|sus|add|\d)*(/[A-G][#b]?)?", token)
        )
    return is_chord


_CHORD_TEST = _chord_test()
# A cheap first look: a root letter, then nothing or the start of a known suffix. Words like "Bad",
# "Day", "Cause" stop here without a full parse (which would look for suggestions).
_MAYBE_CHORD = re.compile(
    r"^[A-G](?:#|b|♯|♭)?(?:$|maj|min|mi|ma|m|M|dim|aug|sus|add|alt|o|ø|°|Δ|△|\+|-|\d|\(|/|\^|j|h|\*)"
)


@lru_cache(maxsize=8192)
def _IS_CHORD(token: str) -> bool:
    if not _MAYBE_CHORD.match(token):
        return False
    try:
        return _CHORD_TEST(token)
    except Exception:  # a checker bug must not stop a sheet from reading: the token is not a chord
        return False


def clear_caches() -> None:
    """Forget cached token tests (benchmarks measure cold imports)."""
    _IS_CHORD.cache_clear()


def _split_tokens(line: str) -> Iterator[tuple[int, str]]:
    """(display column, token) for each token; glued optional chords `(F)(F/C)` split apart. Linear time:
    the width of the text before a token is carried from the token before (an ASCII line's columns are
    its offsets)."""
    ascii_only = line.isascii()
    col = end = 0  # the display width of line[:end]
    for match in re.finditer(r"\S+", line):
        if ascii_only:
            col = match.start()
        else:
            col += _width(line[end : match.start()])
            end = match.start()
        token = match.group(0)
        if token.startswith("(") and ")(" in token:
            at = col
            for part in re.findall(r"\([^()]*\)", token):
                yield at, part
                at += len(part)
        else:
            yield col, token


def _width(text: str) -> int:
    if text.isascii():
        return len(text)
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _bare(token: str) -> str:
    if len(token) > 2 and token.startswith("(") and token.endswith(")"):
        token = token[1:-1]
    return token.rstrip("*")


def _counts(line: str) -> tuple[int, int, int]:
    """(real chords, chord-like unknowns, words) among the tokens of `line`; the count stops at the
    second word, as no answer changes past it (a 1 MB lyric line is not read to its end)."""
    chords = unknown = words = 0
    for _, token in _split_tokens(line):
        if words > 1:
            break
        bare = _bare(token)
        if _NO_CHORD.match(token):  # a row of only `N.C.` over words still says where the band stops
            chords += 1
            continue
        if _MARKS.match(token) or token.lower() in _SOFT_WORDS:
            continue
        if _IS_CHORD(bare):
            chords += 1
        elif _CHORDISH.match(bare):
            unknown += 1
        else:
            words += 1
    return chords, unknown, words


def is_chord_line(line: str, below: str | None = None) -> bool:
    """Whether `line` is a line of chords (see the module docstring); `below` is the next line."""
    if not line.strip() or line.lstrip().startswith(("{", "#")):
        return False
    chords, unknown, words = _counts(line)
    if chords == 0:
        return False
    if words == 0:
        return True
    wide = "  " in line.strip()
    lyric_below = below is not None and bool(below.strip()) and _counts(below)[2] > 0
    return words == 1 and chords + unknown >= 1 and wide and lyric_below


def is_header(line: str) -> bool:
    return _header(line) is not None


def _header(line: str) -> tuple[str, str] | None:
    """(label, rest) for a section header line; rest is the text after `Intro:` (maybe chords)."""
    match = _BRACKET_HEADER.match(line)
    if match:
        inner = match.group(1).strip()
        if inner and not all(_IS_CHORD(_bare(t)) or _MARKS.match(t) for t in inner.split()):
            return inner, ""
        return None
    match = _COLON_HEADER.match(line)
    if match:
        rest = match.group(2)
        if not rest.strip() or is_chord_line(rest):
            return match.group(1).strip(), rest
        return None
    match = _DECORATED.match(line)
    if match and re.match(rf"^(?:{_SECTION_WORDS})\b", match.group(1), re.I):
        return match.group(1).strip(), ""
    return None


def _env_name(label: str) -> str:
    word = re.sub(r"[\s\d:]+$", "", label.strip().lower())
    word = re.sub(r"\s+[ivx]+$", "", word)
    first = word.split()[0] if word.split() else "part"
    if first in _KIND:
        return _KIND[first]
    name = re.sub(r"[^a-z0-9]+", "_", word).strip("_")
    return name or "part"


_LEGEND_ENTRY = re.compile(r"\(?([A-G][^\s=:()]*)\)?\s*(?:=|:)\s*\|?([0-9xX]{6})\|?(?:\s+or\s+[0-9xX]{6})?")


def _defines(line: str) -> list[str]:
    """`G = 320033 or xx5433   Am7 = x02010` → `{define: G frets 3 2 0 0 3 3}` … (the first shape)."""
    out = []
    for name, frets in _LEGEND_ENTRY.findall(line):
        shape = " ".join("x" if ch in "xX" else ch for ch in frets)
        out.append(f"{{define: {name} frets {shape}}}")
    return out


def has_chord_lines(text: str) -> bool:
    lines = text.splitlines()
    for i, line in enumerate(lines[:400]):
        clean = _clean(line)
        below = _clean(lines[i + 1]) if i + 1 < len(lines) else None
        if is_chord_line(clean, below) and not is_header(clean):
            return True
    return False


def _clean(line: str) -> str:
    return _UG_MARKUP.sub("", line).expandtabs(8).rstrip("\n")


def _skipped(token: str) -> bool:
    """A chart mark or a word like "(repeat)" in a chord row: not a chord to place (`N.C.` is one: the
    band stops there)."""
    return not _NO_CHORD.match(token) and bool(_MARKS.match(token) or token.lower() in _SOFT_WORDS)


def _merge(chord_line: str, lyric: str) -> str:
    """The lyric with each chord of `chord_line` at the character under it."""
    # display column → character index in the lyric
    cols: list[int] = []
    for i, ch in enumerate(lyric):
        cols.extend([i] * (2 if unicodedata.east_asian_width(ch) in "WF" else 1))
    inserts: list[tuple[int, str]] = []
    for col, token in _split_tokens(chord_line):
        if _skipped(token):
            continue
        at = cols[col] if col < len(cols) else len(lyric)
        inserts.append((at, token))
    out, pos = [], 0
    for at, token in inserts:
        piece = lyric[pos:at]
        if lyric[at : at + 1].strip():  # a word stretched under crowded chords closes up again
            piece = _PADDING.sub(lambda m: "-" * (len(m.group()) % 2), piece)
        out.append(piece)
        out.append(f"[{token}]")
        pos = at
    out.append(lyric[pos:])
    return "".join(out)


def _spelled(line: str, after: str | None) -> bool:
    """The pasted-page trap: a row of single capital letters under a chord row ("A B C D E F G" under
    "C  F  C" in the alphabet song) is that row's words, not a second chord row, when nothing is sung
    under it: the row after it is blank, another chord row or the end (a chord row over words has words
    under it). Letters spelled out are written a single space apart; chords over words are spread."""
    tokens = line.split()
    if len(tokens) < 3 or any(len(t.strip(",.;:!?'")) != 1 for t in tokens):
        return False
    if "  " in line.strip():
        return False
    return after is None or not after.strip() or is_chord_line(after, None) or _header(after) is not None


def _chords_only(chord_line: str) -> str:
    tokens = list(_split_tokens(chord_line))
    if any(t.startswith("|") or t.endswith("|") for _, t in tokens):
        parts = []
        for _, token in tokens:
            if _skipped(token):
                parts.append(token)
            else:
                parts.append(f"[{token}]")
        return " ".join(parts)
    return "".join(f"[{token}]" for _, token in tokens if not _skipped(token))


def _lines(text: str) -> list[tuple[str, int]]:
    """The ChordPro lines for `text`, each with the 1-based source line it came from."""
    raw = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    if raw and raw[-1] == "":
        raw.pop()
    lines = [_clean(line) for line in raw]
    out: list[tuple[str, int]] = []
    env: str | None = None
    in_tab = False
    seen_chords = False
    first_text = next(
        (i for i, ln in enumerate(lines) if ln.strip() and not ln.lstrip().startswith("#")), None
    )
    i = 0
    n = len(lines)
    while i < n:
        line, number = lines[i], i + 1
        below = lines[i + 1] if i + 1 < n else None
        stripped = line.strip()
        if in_tab and not _TAB_LINE.match(line):
            out.append(("{end_of_tab}", number))
            in_tab = False
        if in_tab:
            out.append((line, number))
            i += 1
            continue
        if not stripped or (env == "grid" and "|" in line and _header(line) is None):
            out.append((line, number))  # blank, or a grid row under a `[Grid]` header: as written
        elif stripped.startswith("{"):
            out.append((line, number))
            if re.match(r"\{\s*(sot|start_of_tab)\b", stripped):
                while i + 1 < n and not re.match(r"\s*\{\s*(eot|end_of_tab)\b", lines[i + 1]):
                    i += 1
                    out.append((lines[i], i + 1))
        elif (header := _header(line)) is not None:
            label, rest = header
            if env is not None:
                out.append((f"{{end_of_{env}}}", number))
            env = _env_name(label)
            # the label goes without saying where the section's name gives it back (`Chorus:`, `CHORUS:`);
            # `[Lyric strain]` keeps its own spelling (the name alone would read back as "Lyric Strain")
            shown = "" if label.casefold() == env or label == env.replace("_", " ").title() else label
            out.append((f"{{start_of_{env}: {shown}}}" if shown else f"{{start_of_{env}}}", number))
            if rest.strip():
                out.append((_chords_only(rest), number))
                seen_chords = True
        elif _TAB_LINE.match(line) and line.count("-") >= 4:
            tab_open = "{start_of_tab}"
            if env is not None and out and out[-1][0].startswith(f"{{start_of_{env}"):
                label = out.pop()[0][len(f"{{start_of_{env}") :].strip(": }") or env.replace("_", " ").title()
                tab_open = f"{{start_of_tab: {label}}}"  # `Solo:` then tablature: a labelled tab block
                env = None
            elif env is not None:  # environments don't nest: the section ends where its tablature starts
                out.append((f"{{end_of_{env}}}", number))
                env = None
            out.append((tab_open, number))
            out.append((line, number))
            in_tab = True
        elif _LEGEND.match(line):
            defines = _defines(line)
            if defines:
                out.extend((d, number) for d in defines)
            else:
                out.append((f"# {stripped}", number))
        elif is_chord_line(line, below):
            seen_chords = True
            after = lines[i + 2] if i + 2 < n else None
            if (
                below is not None
                and below.strip()
                and (not is_chord_line(below, None) or _spelled(below, after))
                and not _header(below)
                and not below.strip().startswith(("{", "#"))
            ):
                out.append((_merge(line, below), number + 1))
                i += 2
                continue
            out.append((_chords_only(line), number))
        elif not seen_chords and (meta := _META.match(line)):
            out.append((f"{{{meta.group(1).lower()}: {meta.group(2)}}}", number))
        elif meta := _X_META.match(line):
            out.append((f"{{{meta.group(1)}: {meta.group(2)}}}", number))
        elif not seen_chords and i == first_text and env is None:
            out.append((f"{{title: {stripped}}}", number))
        elif stripped.startswith("(") and stripped.endswith(")") and "[" not in stripped:
            out.append((f"{{comment: {stripped[1:-1].strip()}}}", number))
        elif stripped.startswith("#"):
            out.append((line, number))
        else:
            out.append((line.replace("[", "(").replace("]", ")") if "[" in line else line, number))
        i += 1
    if in_tab:
        out.append(("{end_of_tab}", n))
    if env is not None:
        out.append((f"{{end_of_{env}}}", n))
    return out


def to_chordpro(text: str) -> str:
    """The ChordPro text for a chords-over-lyrics sheet."""
    lines = _lines(text)
    return "".join(f"{line}\n" for line, _ in lines)


def import_text(text: str) -> Song:
    """A chords-over-lyrics sheet as a `Song` whose line numbers point into `text`."""
    lines = _lines(text)
    song = chordpro.parse("".join(f"{line}\n" for line, _ in lines))
    where = [number for _, number in lines]

    def at(line: int) -> int:
        return where[line - 1] if 0 < line <= len(where) else line

    def item(it: Item) -> Item:
        return replace(it, line=at(it.line))

    def directive(d: Directive | None) -> Directive | None:
        return replace(d, line=at(d.line)) if d is not None else None

    sections = tuple(
        replace(
            s,
            items=tuple(item(i) for i in s.items),
            line=at(s.line),
            end_line=at(s.end_line),
            open=directive(s.open),
            close=directive(s.close),
        )
        for s in song.sections
    )
    diags = tuple(replace(d, line=at(d.line)) for d in song.diagnostics)
    return Song(sections, song.meta, diags, True)
