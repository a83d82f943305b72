"""Chord symbols: parse text onto the quality table, spell the notes, format, transpose.

`parse_chord("F#m7b5/E")` reads a root, a head quality from `qualities.TABLE` (longest spelling first,
backing off when the rest does not read), modifiers (`b9`, `#11`, `add9`, `no3`, `sus4`, parenthesised
lists), and an optional slash bass. Errors carry the 1-based column of the offending character and the
nearest valid symbols. Results are cached per symbol text (symbols repeat a lot in songs).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Final

from cowriter.core.pitch import (
    LETTER_INDEX,
    LETTER_PC,
    LETTERS,
    NoteError,
    scan_note,
    spell_pitch_class,
)
from cowriter.core.qualities import MODIFIERS, QUALITIES, QUALITY_SPELLINGS, SUGGESTABLE, Modifier

if TYPE_CHECKING:
    from cowriter.core.keys import Key

__all__ = [
    "MODIFIERS",
    "NO_CHORD_SPELLINGS",
    "QUALITY_SPELLINGS",
    "ROOT_ALPHABET",
    "Chord",
    "ChordError",
    "is_chord",
    "parse_chord",
    "suffix_spellings",
    "try_parse_chord",
]

#: Root and bass letters, and the accidentals that may follow them (at most two of one kind).
ROOT_ALPHABET: Final = ("A", "B", "C", "D", "E", "F", "G")
ROOT_ACCIDENTALS: Final = ("", "#", "##", "b", "bb", "♯", "♭")
NO_CHORD_SPELLINGS: Final = frozenset({"N.C.", "N.C", "NC", "NC.", "n.c.", "n.c", "N/C", "nc", "No Chord"})

_MAJOR_SEMITONES: Final = {1: 0, 2: 2, 3: 4, 4: 5, 5: 7, 6: 9, 7: 11}
_MAX_HEAD: Final = max(len(s) for s in QUALITY_SPELLINGS)
_MAX_MOD: Final = max(len(s) for s in MODIFIERS)
#: Degree classes that may hold two alterations at once (b9 with #9, b5 with #5, bb7 with 7).
_PAIRS_ALLOWED: Final = {2: frozenset({-1, 1}), 5: frozenset({-1, 1}), 7: frozenset({-2, 0})}


def suffix_spellings() -> tuple[str, ...]:
    """Every accepted head-quality spelling (for grammars and completion), shortest first."""
    return tuple(sorted(QUALITY_SPELLINGS, key=lambda s: (len(s), s)))


class ChordError(ValueError):
    """An invalid chord symbol: `column` is 1-based into the symbol; `suggestions` are valid symbols."""

    def __init__(self, symbol: str, column: int, message: str, suggestions: tuple[str, ...] = ()) -> None:
        self.symbol = symbol
        self.column = column
        self.message = message
        self.suggestions = suggestions
        text = f"{symbol}: {message} (column {column})"
        if suggestions:
            text += f"; did you mean {suggestions[0]}?"
        super().__init__(text)


def _read_degree(token: str) -> tuple[int, int]:
    """`"b7"` → (7, -1); `"#11"` → (11, 1); `"bb7"` → (7, -2)."""
    alter = 0
    i = 0
    while token[i] in "b#":
        alter += -1 if token[i] == "b" else 1
        i += 1
    return int(token[i:]), alter


def _count_semitones(number: int, alter: int) -> int:
    octave, step = divmod(number - 1, 7)
    return _MAJOR_SEMITONES[step + 1] + 12 * octave + alter


#: Degree texts and semitone counts over their whole (small) domain, computed once.
_DEGREES: Final = {
    acc + str(n): _read_degree(acc + str(n)) for n in range(1, 15) for acc in ("", "b", "#", "bb", "##")
}
_SEMITONES: Final = {d: _count_semitones(*d) for d in _DEGREES.values()}


def _degree(token: str) -> tuple[int, int]:
    found = _DEGREES.get(token)
    return found if found is not None else _read_degree(token)


def _semitones(number: int, alter: int) -> int:
    found = _SEMITONES.get((number, alter))
    return found if found is not None else _count_semitones(number, alter)


def _degree_text(number: int, alter: int) -> str:
    return ("#" * alter if alter >= 0 else "b" * -alter) + str(number)


class _Suffix:
    """A suffix read onto the table, with what spelling needs precomputed (letter steps, semitones)."""

    __slots__ = ("canonical", "degrees", "modifier_texts", "modifiers", "quality", "semis", "steps")

    def __init__(self, quality: str, modifiers: tuple[Modifier, ...], degrees: tuple[tuple[int, int], ...]):
        self.quality = quality  # canonical head name
        self.modifiers = modifiers
        self.modifier_texts = tuple(m.text for m in modifiers)
        self.degrees = degrees  # sorted by semitones
        self.steps = tuple(number - 1 for number, _ in degrees)
        self.semis = tuple(_semitones(*d) for d in degrees)
        canonical = self._canonical()
        if modifiers:  # `7add9` is the table's `9`, `m(b5)` its `dim`: name a table row when there is one
            canonical = _BY_DEGREES.get(frozenset(degrees), canonical)
        # `6` + `add9` is the table's `69`, `7` + `#5` its `7#5`: name a combination by its table row
        self.canonical = QUALITY_SPELLINGS.get(canonical, canonical) if modifiers else canonical
        if self.canonical == "maj":
            self.canonical = ""

    def _canonical(self) -> str:
        head = "" if self.quality == "maj" else self.quality
        if not self.modifiers:
            return head
        mods = "".join(m.text for m in self.modifiers)
        if head == "" and mods[0] in "b#":
            return f"({mods})"  # `C(b5)`, never `Cb5` (which reads as C flat five)
        if head and head[-1].isdigit() and mods[0].isdigit():
            return f"{head}({mods})"
        return head + mods


class _Fail(Exception):
    """A suffix that does not read; `rank` 2 (contradictory degrees) outranks 1 (unexpected text)."""

    def __init__(self, offset: int, message: str, rank: int = 1) -> None:
        self.offset = offset
        self.message = message
        self.rank = rank


def _read_modifiers(text: str, start: int) -> tuple[list[tuple[Modifier, int]], int]:
    """Modifiers (with their offsets) from `text[start:]` up to a `/` bass or the end, and the end."""
    mods: list[tuple[Modifier, int]] = []
    i = start
    n = len(text)
    depth = 0
    group_start = -1
    expect_item = False
    while i < n:
        ch = text[i]
        if ch == "(":
            if depth:
                raise _Fail(i, "nested '(' in chord suffix")
            depth, group_start, expect_item = 1, i, True
            i += 1
            continue
        if ch == ")":
            if not depth:
                raise _Fail(i, "')' without '('")
            if expect_item:
                raise _Fail(i, "expected an alteration or extension before ')'")
            depth = 0
            i += 1
            continue
        if ch == ",":
            if not depth or expect_item:
                raise _Fail(i, "unexpected ','")
            expect_item = True
            i += 1
            continue
        if ch == " ":
            i += 1
            continue
        if ch == "/" and not depth:
            break
        for length in range(min(_MAX_MOD, n - i), 0, -1):
            mod = MODIFIERS.get(text[i : i + length])
            if mod is not None and (depth or not mod.paren_only):
                mods.append((mod, i))
                i += length
                expect_item = False
                break
        else:
            if ch == "/":
                raise _Fail(i, "'/' inside parentheses")
            raise _Fail(i, f"unexpected {text[i:]!r}; expected an alteration (b9, #11), add9, no3 or sus4")
    if depth:
        raise _Fail(group_start, "'(' is never closed")
    return mods, i


def _apply(quality: str, mods: list[tuple[Modifier, int]]) -> tuple[tuple[int, int], ...]:
    """The head's degrees changed by the modifiers; contradictions (`6` with `b6`) raise `_Fail`."""
    origin = {_degree(d): 0 for d in QUALITIES[quality].degrees}  # degree → offset that brought it
    for mod, at in mods:  # suspensions first: `7add3sus` keeps the added third
        if mod.kind == "sus":
            origin = {d: o for d, o in origin.items() if d[0] != 3}
            origin.setdefault((int(mod.degree), 0), at)
    for mod, at in mods:
        if mod.kind in ("alter", "add"):
            number, alter = _degree(mod.degree)
            if mod.kind == "alter":
                origin.pop((number, -1) if number == 7 else (number, 0), None)
            origin.setdefault((number, alter), at)
    for mod, at in mods:
        if mod.kind == "omit":
            origin = {d: o for d, o in origin.items() if d[0] != int(mod.degree)}
            if mod.degree == "1":
                raise _Fail(at, "a chord cannot omit its root", rank=2)
    if (13, -1) in origin:  # b13 replaces the fifth (it sits a half step above it)
        origin.pop((5, 0), None)
    by_class: dict[int, set[int]] = {}
    for number, alter in origin:
        cls = (number - 1) % 7 + 1
        seen = by_class.setdefault(cls, set())
        if seen and (len(seen) > 1 or alter in seen or frozenset(seen | {alter}) != _PAIRS_ALLOWED.get(cls)):
            clash = [(o, _degree_text(*d)) for d, o in origin.items() if (d[0] - 1) % 7 + 1 == cls]
            names = " and ".join(name for _, name in clash)
            raise _Fail(max(o for o, _ in clash), f"contradictory degrees {names}", rank=2)
        seen.add(alter)
    degrees = list(origin)
    return tuple(sorted(degrees, key=lambda d: _semitones(*d)))


def _parse_suffix(suffix: str) -> _Suffix | _Fail:
    """The suffix (after the root, before any bass) onto the table; `_Fail` offsets are into `suffix`."""
    head_only = _HEAD_ONLY.get(suffix)
    return head_only if head_only is not None else _read_suffix(suffix)


@lru_cache(maxsize=4096)
def _read_suffix(suffix: str) -> _Suffix | _Fail:
    result = _read_raw(suffix)
    return _settle(result) if isinstance(result, _Suffix) else result


def _read_raw(suffix: str) -> _Suffix | _Fail:
    best: _Fail | None = None
    for length in range(min(_MAX_HEAD, len(suffix)), -1, -1):
        name = QUALITY_SPELLINGS.get(suffix[:length])
        if name is None:
            continue
        try:
            mods, end = _read_modifiers(suffix, length)
            if end != len(suffix):
                raise _Fail(end, "'/' inside the suffix")
            return _Suffix(name, tuple(m for m, _ in mods), _apply(name, mods))
        except _Fail as fail:
            if best is None or (fail.rank, fail.offset) > (best.rank, best.offset):
                best = fail
    assert best is not None  # the empty head always exists
    if best.offset == 0 and best.rank == 1 and best.message.startswith("unexpected"):
        best = _Fail(
            0, f"unknown chord quality {suffix!r}; expected one like m, 7, maj7, m7, sus4, dim, add9"
        )
    return best


def _settle(result: _Suffix) -> _Suffix:
    """Name a suffix by what its canonical text reads as, so that format() is a fixed point."""
    text = result.canonical
    head = "" if result.quality == "maj" else result.quality
    if text in _HEAD_ONLY or not any(
        text[:n] in QUALITY_SPELLINGS for n in range(len(head) + 1, min(len(text), _MAX_HEAD) + 1)
    ):
        return result  # no longer head hides in the text: reading it again gives the same name
    seen = {text}
    while True:
        again = _HEAD_ONLY.get(text) or _read_raw(text)
        if not isinstance(again, _Suffix) or again.canonical in seen:
            break
        text = again.canonical
        seen.add(text)
    result.canonical = text
    return result


#: A table row's degrees → its canonical name ("" for the major triad); the first row wins.
_BY_DEGREES: Final[dict[frozenset[tuple[int, int]], str]] = {}
for _row in QUALITIES.values():
    _BY_DEGREES.setdefault(
        frozenset(_degree(d) for d in _row.degrees), "" if _row.name == "maj" else _row.name
    )

#: Every head spelling on its own (the common case: `m7`, `maj7`, `sus4`) read once, at import.
_HEAD_ONLY: Final[dict[str, _Suffix]] = {}
for _quality in QUALITIES.values():
    _entry = _Suffix(_quality.name, (), _apply(_quality.name, []))
    for _spelling in _quality.spellings:
        _HEAD_ONLY[_spelling] = _entry
_ACC_TEXT: Final = {-2: "bb", -1: "b", 0: "", 1: "#", 2: "##"}
_new = object.__new__


@dataclass(frozen=True)
class Chord:
    """A parsed chord symbol.

    `symbol` is the text as written; `root`/`bass` note names with ASCII accidentals; `quality` the
    canonical suffix (`maj` for the major triad, `m7b5`, `7b9#11`); `suffix` the suffix as written (kept
    by `transpose`); `modifiers` the canonical modifier texts; `intervals` semitones above the root (root
    first, rising, may pass 12); `notes` spelled by letter, root first, the slash bass *not* included;
    `pitch_classes` parallel to `notes`. `N.C.` has `is_no_chord`, no notes and `root_pitch_class` -1.
    """

    symbol: str
    root: str
    quality: str
    bass: str | None
    suffix: str
    modifiers: tuple[str, ...]
    intervals: tuple[int, ...]
    notes: tuple[str, ...]
    pitch_classes: tuple[int, ...]
    root_pitch_class: int
    bass_pitch_class: int | None
    is_no_chord: bool = False

    @property
    def name(self) -> str:
        """The canonical suffix (`m7b5`, `7(b9)`, `""` for a major triad)."""
        return "" if self.quality in ("maj", "N.C.") else self.quality

    @property
    def family(self) -> str:
        """major, minor, dominant, diminished, half-diminished, augmented, suspended, power or none."""
        if self.is_no_chord:
            return "none"
        ivs = {i % 12 for i in self.intervals}
        has_b7, has_7 = 10 in ivs, 11 in ivs
        if 3 in ivs and 4 not in ivs:
            if 6 in ivs and 7 not in ivs:
                if 9 in ivs and not has_b7:
                    return "diminished"
                return "half-diminished" if has_b7 else "diminished"
            return "minor"
        if 4 in ivs:
            if 8 in ivs and 7 not in ivs and not has_b7 and not has_7:
                return "augmented"
            return "dominant" if has_b7 else "major"
        if 5 in ivs or 2 in ivs:
            return "suspended"
        return "power"

    @property
    def is_minor(self) -> bool:
        return self.family in ("minor", "diminished", "half-diminished")

    def format(self) -> str:
        """The normalised symbol: canonical suffix, ASCII accidentals (`Ebmaj7`, `C7(b9)`, `D/F#`)."""
        if self.is_no_chord:
            return "N.C."
        text = self.root + self.name
        return f"{text}/{self.bass}" if self.bass else text

    def __str__(self) -> str:
        return self.format()

    def with_root(self, root: str, bass: str | None) -> Chord:
        """The same chord, as written (suffix kept), on another root and bass."""
        symbol = root + self.suffix + (f"/{bass}" if bass else "")
        return parse_chord(symbol)

    def transpose(self, semitones: int, key: Key | str | None = None) -> Chord:
        """Moved by `semitones`, spelled for `key` (the key the result is in) or by the no-key rule.

        The user's suffix spelling is kept (`Cmaj7` stays `maj7`, `C-7` stays `-7`).
        """
        if self.is_no_chord:
            return self
        from cowriter.core.transpose import transpose_chord

        return transpose_chord(self, semitones, key)


def _suggest(symbol: str, root: str, suffix: str, bass: str, offset: int) -> tuple[str, ...]:
    """The nearest valid symbols: table spellings close to the suffix, and the suffix cut before the
    offending character when that reads (`C7b9x` → `C7b9`)."""
    import difflib  # only when a symbol is wrong: keeps `import cowriter.core.chords` light

    pool = list(SUGGESTABLE)
    prefix = suffix[:offset].rstrip(" (,")
    if prefix and isinstance(_parse_suffix(prefix), _Suffix) and prefix not in QUALITY_SPELLINGS:
        pool.append(prefix)
    candidates = difflib.get_close_matches(suffix, pool, n=3, cutoff=0.5)
    closed = suffix + ")"
    if suffix.count("(") > suffix.count(")") and isinstance(_parse_suffix(closed), _Suffix):
        candidates.insert(0, closed)  # `C7(b9,#11` → `C7(b9,#11)`
    if not candidates and suffix:
        lowered = suffix.lower()
        candidates = [s for s in SUGGESTABLE if s.lower() == lowered][:3]
    tail = f"/{bass}" if bass else ""
    return tuple(root + c + tail for c in candidates)


def _fail(symbol: str, column: int, message: str, suggestions: tuple[str, ...] = ()) -> ChordError:
    return ChordError(symbol, column, message, suggestions)


def _root_error(symbol: str, offset: int) -> ChordError:
    ch = symbol[offset] if offset < len(symbol) else ""
    suggestions: tuple[str, ...] = ()
    if ch in ("a", "b", "c", "d", "e", "f", "g"):
        fixed = symbol[:offset] + ch.upper() + symbol[offset + 1 :]
        if try_parse_chord(fixed) is not None:
            suggestions = (fixed,)
        return _fail(
            symbol, offset + 1, "a root is an upper-case letter A-G (lower case is not read)", suggestions
        )
    if ch in ("H", "h"):
        fixed = symbol[:offset] + "B" + symbol[offset + 1 :]
        if try_parse_chord(fixed) is not None:
            suggestions = (fixed,)
        return _fail(symbol, offset + 1, "German H is not read; write B", suggestions)
    if not ch:
        return _fail(symbol, offset + 1, "expected a note A-G after '/'" if offset else "empty chord symbol")
    return _fail(symbol, offset + 1, f"expected a note A-G, found {ch!r}")


def _spelling_grid() -> tuple[tuple[str, ...], ...]:
    """[letter index][pitch class] → that pitch class written on that letter (`D`, 1 → `Db`), or the
    plain name when it would need more than a double accidental."""
    grid = []
    for letter in LETTERS:
        row = []
        for pc in range(12):
            diff = (pc - LETTER_PC[letter]) % 12
            diff = diff - 12 if diff > 6 else diff
            text = _ACC_TEXT.get(diff)
            row.append(letter + text if text is not None else spell_pitch_class(pc, flats=diff < 0))
        grid.append(tuple(row))
    return tuple(grid)


_SPELLED: Final = _spelling_grid()


def _build(symbol: str, read_suffix: Callable[[str], _Suffix | _Fail]) -> Chord:
    text = symbol.strip() if symbol[:1].isspace() or symbol[-1:].isspace() else symbol
    if text in NO_CHORD_SPELLINGS:
        return Chord(symbol, "", "N.C.", None, "", (), (), (), (), -1, None, is_no_chord=True)
    try:
        letter, alter, i = scan_note(text)
    except NoteError:
        raise _root_error(symbol, 0) from None
    slash = text.find("/", i)
    # `6/9` is a suffix, not a bass: only a slash followed by a letter A-G (or nothing sensible) splits
    while slash != -1 and text[slash + 1 : slash + 2].isdigit():
        slash = text.find("/", slash + 1)
    suffix = text[i:] if slash == -1 else text[i:slash]
    root = letter + _ACC_TEXT[alter]
    parsed = read_suffix(suffix)
    if isinstance(parsed, _Fail):
        bass_text = "" if slash == -1 else text[slash + 1 :]
        column = i + 1 + parsed.offset
        raise _fail(symbol, column, parsed.message, _suggest(symbol, root, suffix, bass_text, parsed.offset))
    bass: str | None = None
    bass_pc: int | None = None
    if slash != -1:
        try:
            b_letter, b_alter, end = scan_note(text, slash + 1)
        except NoteError:
            raise _root_error(symbol, slash + 1) from None
        if end != len(text):
            raise _fail(
                symbol,
                end + 1,
                f"unexpected {text[end:]!r} after the bass note; a bass is a bare note (D/F#)",
                (text[:end],) if try_parse_chord(text[:end]) else (),
            )
        bass = b_letter + _ACC_TEXT[b_alter]
        bass_pc = (LETTER_PC[b_letter] + b_alter) % 12
    root_pc = (LETTER_PC[letter] + alter) % 12
    letter_at = LETTER_INDEX[letter]
    pcs = tuple([(root_pc + semis) % 12 for semis in parsed.semis])
    notes = tuple([_SPELLED[(letter_at + step) % 7][pc] for step, pc in zip(parsed.steps, pcs, strict=True)])
    # Built without the dataclass __init__ (a frozen __init__ sets each field through object.__setattr__;
    # this is the same object, made in a fifth of the time). Keep the keys in step with the fields.
    chord: Chord = _new(Chord)
    chord.__dict__.update(
        {
            "symbol": symbol,
            "root": root,
            "quality": parsed.canonical or "maj",
            "bass": bass,
            "suffix": suffix,
            "modifiers": parsed.modifier_texts,
            "intervals": parsed.semis,
            "notes": notes,
            "pitch_classes": pcs,
            "root_pitch_class": root_pc,
            "bass_pitch_class": bass_pc,
            "is_no_chord": False,
        }
    )
    return chord


@lru_cache(maxsize=8192)
def _parse(symbol: str) -> Chord:
    return _build(symbol, _parse_suffix)


def _suffix_uncached(suffix: str) -> _Suffix | _Fail:
    head_only = _HEAD_ONLY.get(suffix)
    if head_only is not None:
        return head_only
    result = _read_raw(suffix)
    return _settle(result) if isinstance(result, _Suffix) else result


def parse_chord_uncached(text: str) -> Chord:
    """`parse_chord` without its memos (per symbol, per suffix): what a first sight of a symbol costs.

    Only the table itself (every head spelling read once, at import) is used. For benchmarks.
    """
    return _build(text, _suffix_uncached)


def parse_chord(text: str) -> Chord:
    """Parse a chord symbol; raises ChordError (a ValueError) with column, message and suggestions."""
    return _parse(text)


def try_parse_chord(text: str) -> Chord | None:
    try:
        return _parse(text)
    except ChordError:
        return None


def is_chord(text: str) -> bool:
    return try_parse_chord(text) is not None


def clear_caches() -> None:
    """Forget cached parses (benchmarks use it to measure cold parsing honestly)."""
    _parse.cache_clear()
    _read_suffix.cache_clear()
