"""Richer harmony from the theory module: extensions, secondary dominants, tritone substitutes, borrowed
chords, and a cadence that resolves.

A progression is a list of `Step`s (a chord, its Roman numeral in the key, and why it is there). The
colours a writer asks for are transforms on that list:

- `extend`: sevenths by function for "rich" (`Imaj7 ii7 V7 vi7`), ninths and sixths for "jazz";
  the last tonic gets its own colour (`Cadd9`, `Dm(add9)`; `Cmaj9`, `Dm6` in jazz);
- `approach`: a secondary dominant (`V7/x`) slipped in before a chord it leads to (`A7` before `Dm7`
  in C), marked `approach=True`: it takes the end of the previous chord's time;
- `tritone`: the final dominant replaced by its tritone substitute (`Db7 → C` for `G7 → C`);
- `borrow`: a major key's IV followed by the parallel minor's iv before the close (`F Fm C`);
- `resolve`: the last chord is the tonic, reached from a dominant (or a subdominant: plagal).

`reharmonise_lines` applies them to lyric lines whose chords are written (`[C]Amazing [F]grace…`): the
words stay, chords keep their places, added chords land on word starts. Every chord an option adds
outside the key is one it chose on purpose (`Step.reason` says which), so callers need not flag it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Final

from cowriter.core.chords import try_parse_chord
from cowriter.core.keys import Key
from cowriter.core.progressions import RomanError, realise
from cowriter.core.song import ChordRef, LyricLine
from cowriter.core.theory import analyse

__all__ = [
    "COLOURS",
    "LineOption",
    "Step",
    "approach",
    "borrow",
    "describe",
    "extend",
    "function_of",
    "honour",
    "numeral_of",
    "reharmonise_lines",
    "resolve",
    "step",
    "tritone",
]

COLOURS: Final = ("plain", "rich", "jazz")
ASKED: Final = "asked for"  # the reason of a chord the writer named
_BASE = re.compile(r"^(?P<acc>b|#)?(?P<num>VII|VI|IV|V|III|II|I|vii|vi|iv|v|iii|ii|i)(?P<mark>°|ø|\+)?")
_NUMERALS: Final = ("I", "II", "III", "IV", "V", "VI", "VII")

# the seventh a chord takes by its numeral (rich), and the jazz colour where it differs
_RICH_MAJOR: Final = {
    "I": "Imaj7",
    "ii": "ii7",
    "iii": "iii7",
    "IV": "IVmaj7",
    "V": "V7",
    "vi": "vi7",
    "vii°": "viiø7",
    "bVI": "bVImaj7",
    "bVII": "bVII7",
    "iv": "iv7",
    "bIII": "bIIImaj7",
}
_RICH_MINOR: Final = {
    "i": "i7",
    "ii°": "iiø7",
    "III": "IIImaj7",
    "iv": "iv7",
    "v": "v7",
    "V": "V7",
    "VI": "VImaj7",
    "VII": "VII7",
    "IV": "IV7",
}
_JAZZ_MAJOR: Final = {"V": "V9", "ii": "ii9", "vi": "vi7", "IV": "IVmaj7"}
_JAZZ_MINOR: Final = {"iv": "iv9", "i": "i7"}
_FINAL: Final = {
    ("major", "rich"): "Iadd9",
    ("minor", "rich"): "iadd9",
    ("major", "jazz"): "Imaj9",
    ("minor", "jazz"): "i6",
}
# targets a secondary dominant may lead to, best first
_TARGETS_MAJOR: Final = ("ii", "vi", "IV", "V", "iii")
_TARGETS_MINOR: Final = ("iv", "VI", "III", "V", "VII")


@dataclass(frozen=True, slots=True)
class Step:
    """One chord of a progression. `numeral` is "" for a chord not read as a numeral (kept as written);
    `reason` says why a transform put it there ("" for the writer's own); `approach` marks a chord
    slipped in before the next one (it takes the end of the previous chord's time)."""

    symbol: str
    numeral: str = ""
    reason: str = ""
    approach: bool = False


def numeral_of(symbol: str, key: Key) -> str:
    """The chord's Roman numeral in `key` when realising it gives the chord back, else ""."""
    chord = try_parse_chord(symbol)
    if chord is None or chord.is_no_chord or chord.bass is not None:
        return ""
    numeral = analyse(chord, key).roman
    try:
        again = try_parse_chord(realise(numeral, key))
    except RomanError:
        return ""
    if again is None or again.root_pitch_class != chord.root_pitch_class or again.format() != chord.format():
        return ""
    return numeral


def step(numeral: str, key: Key, reason: str = "", *, approach: bool = False) -> Step:
    return Step(realise(numeral, key), numeral, reason, approach)


def _base(numeral: str) -> str:
    """The triad part of a numeral: `V7/ii` → `V`, `iiø7` → `iiø`, `bVIImaj7` → `bVII`."""
    if "/" in numeral:
        return ""
    m = _BASE.match(numeral)
    return m.group(0) if m else ""


def _triad(numeral: str) -> str:
    """`iiø7` → `ii°`, `Imaj7` → `I`, `i6` → `i`: the numeral of the chord's triad."""
    base = _base(numeral)
    return base.replace("ø", "°")


def function_of(numeral: str, key: Key) -> str:
    """tonic, dominant, predominant or other (secondary chords: "secondary")."""
    if not numeral:
        return "other"
    if "/" in numeral:
        return "secondary"
    triad = _triad(numeral)
    if triad in ("I", "i"):
        return "tonic"
    if triad in ("V", "vii°", "bII") or (triad == "v" and not key.is_minor):
        return "dominant"
    if triad in ("ii", "ii°", "IV", "iv", "bVI", "bVII", "VI") or (key.is_minor and triad == "VII"):
        return "predominant"
    return "other"


def _is_tonic(s: Step) -> bool:
    return _triad(s.numeral) in ("I", "i") and "/" not in s.numeral


def _is_dominant(s: Step, key: Key) -> bool:
    return function_of(s.numeral, key) == "dominant"


def extend(steps: Sequence[Step], key: Key, colour: str, *, simplify: bool = False) -> list[Step]:
    """Sevenths by function (`rich`), ninths and sixths (`jazz`); the last tonic coloured for a close.
    `plain` keeps the chords (`simplify`: as triads), with a dominant seventh before the close."""
    if colour == "plain":
        return [_plain(s, key, i == len(steps) - 2, simplify) for i, s in enumerate(steps)]
    table = dict(_RICH_MINOR if key.is_minor else _RICH_MAJOR)
    if colour == "jazz":
        table.update(_JAZZ_MINOR if key.is_minor else _JAZZ_MAJOR)
    out: list[Step] = []
    mode = "minor" if key.is_minor else "major"
    for i, s in enumerate(steps):
        triad = _triad(s.numeral)
        if s.reason == ASKED:
            out.append(s)  # the writer's named chord stays as named
            continue
        if i == len(steps) - 1 and _is_tonic(s):
            numeral = _FINAL[(mode, colour)]
        elif s.numeral == triad and triad in table:
            numeral = table[triad]
        elif colour == "jazz" and s.numeral == "V7" and not key.is_minor:
            numeral = "V9"
        else:
            out.append(s)
            continue
        symbol = realise(numeral, key)
        if _repeats(symbol, out, steps, i):
            out.append(s)  # `D D7` stays: extending D would only sound D7 twice
            continue
        out.append(replace(s, symbol=symbol, numeral=numeral, reason=s.reason or colour))
    return out


def _repeats(symbol: str, done: Sequence[Step], steps: Sequence[Step], i: int) -> bool:
    """Whether `symbol` at step i would sound the chord just before or after it twice, where the
    original changed chord there (`D D7` stays; `C C` becomes `Cmaj7 Cmaj7`)."""
    before = done[-1].symbol if done else None
    after = steps[i + 1].symbol if i + 1 < len(steps) else None
    was_before = steps[i - 1].symbol if i else None
    return (symbol == before and was_before != steps[i].symbol) or (
        symbol == after and after != steps[i].symbol
    )


def _plain(s: Step, key: Key, penultimate: bool, simplify: bool) -> Step:
    triad = _triad(s.numeral)
    if penultimate and triad == "V":
        return replace(s, symbol=realise("V7", key), numeral="V7")
    dominant_seventh = triad.isupper() and s.numeral == triad + "7"
    if simplify and triad and s.numeral != triad and "/" not in s.numeral and not dominant_seventh:
        return replace(s, symbol=realise(triad, key), numeral=triad, reason=s.reason or "plain")
    return s


def _targets(key: Key) -> tuple[str, ...]:
    return _TARGETS_MINOR if key.is_minor else _TARGETS_MAJOR


def approach(steps: Sequence[Step], key: Key, *, every: int = 4, keep: Sequence[int] = ()) -> list[Step]:
    """Secondary dominants slipped in before chords they lead to: at most one per `every` steps, never
    before the first chord, never into the close (the last two steps), never where the chord before
    already leads there. `keep` are indices that must not be shortened (the writer's named chords)."""
    targets = _targets(key)
    out: list[Step] = []
    last_added = -every
    n = len(steps)
    for i, s in enumerate(steps):
        triad = _triad(s.numeral)
        prev = steps[i - 1] if i else None
        if (
            prev is not None
            and i < n - 1
            and triad in targets
            and i - last_added >= every
            and (i - 1) not in keep
            and not prev.approach
            and "/" not in prev.numeral
            and _triad(prev.numeral) != triad
            and not (triad == "V" and _is_dominant(prev, key))
        ):
            numeral = f"V7/{triad}"
            symbol = realise(numeral, key)
            chord, before = try_parse_chord(symbol), try_parse_chord(prev.symbol)
            same_root = (
                chord is not None and before is not None and chord.root_pitch_class == before.root_pitch_class
            )
            if not same_root:
                out.append(Step(symbol, numeral, "secondary dominant", approach=True))
                last_added = i
        out.append(s)
    return out


def tritone(steps: Sequence[Step], key: Key) -> list[Step]:
    """The dominant before the final tonic becomes its tritone substitute (`G7 C` → `Db7 C`)."""
    out = list(steps)
    if len(out) >= 2 and _is_tonic(out[-1]) and _triad(out[-2].numeral) == "V":
        out[-2] = replace(out[-2], symbol=realise("bII7", key), numeral="bII7", reason="tritone substitute")
        if len(out) >= 3 and out[-3].numeral == "V7/V":  # it led to the V that is gone: ii–bII7–I
            two = "iiø7" if key.is_minor else "ii7"
            out[-3] = replace(out[-3], symbol=realise(two, key), numeral=two, reason="before the substitute")
    return out


def borrow(steps: Sequence[Step], key: Key) -> list[Step]:
    """In a major key, the last IV before the close is followed by the parallel minor's iv."""
    if key.is_minor:
        return list(steps)
    out = list(steps)
    for i in range(len(out) - 2, 0, -1):
        if _triad(out[i].numeral) == "IV" and not out[i].approach:
            if i + 1 < len(out) and out[i + 1].approach:
                return out
            out.insert(i + 1, step("iv", key, "borrowed from the parallel minor", approach=True))
            return out
    return out


def resolve(steps: Sequence[Step], key: Key) -> list[Step]:
    """End on the tonic, reached from a dominant or a subdominant, changing only the last steps."""
    out = list(steps)
    if not out:
        return out
    tonic = "i" if key.is_minor else "I"
    if _is_tonic(out[-1]):
        if len(out) >= 2 and function_of(out[-2].numeral, key) not in ("dominant", "predominant"):
            if len(out) >= 3 and _is_tonic(out[-2]) and function_of(out[-3].numeral, key) != "tonic":
                return out  # a two-chord tonic close after a cadence (the blues' last bars)
            out[-2] = step("V7", key, "cadence")
        return _unrepeat(out, key)
    if len(out) >= 2 and _is_tonic(out[-2]) and out[-2].numeral.endswith("7"):
        out[-1] = replace(out[-2], reason="cadence")  # the blues' turnaround (I7 V7) becomes I7 I7
        return out
    out[-1] = step(tonic, key, "cadence")
    if len(out) >= 2:
        out[-2] = step("V7", key, "cadence")
    return _unrepeat(out, key)


def _unrepeat(out: list[Step], key: Key) -> list[Step]:
    """`G G7 C` is a bar wasted: the chord before the cadence's dominant becomes a predominant; a
    secondary dominant there (it led to the chord the cadence replaced) leads to V instead."""
    if len(out) >= 3 and _triad(out[-3].numeral) == _triad(out[-2].numeral):
        pre = "iv" if key.is_minor else "IV"
        out[-3] = step(pre, key, "cadence")
    elif len(out) >= 3 and "/" in out[-3].numeral and _triad(out[-2].numeral) == "V":
        out[-3] = step("V7/V", key, "secondary dominant")
    return out


# -- lyric lines ------------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class LineOption:
    """A reharmonisation of lyric lines: the lines with new chords, and why each chord is there."""

    name: str
    lines: tuple[LyricLine, ...]
    steps: tuple[Step, ...]

    @property
    def symbols(self) -> tuple[str, ...]:
        return tuple(s.symbol for s in self.steps)


_WORD_START = re.compile(r"(?<![\w'])[A-Za-z]")


def _word_starts(lyrics: str) -> list[int]:
    return [m.start() for m in _WORD_START.finditer(lyrics)]


_SAYS = (
    ("secondary dominant", "secondary dominants"),
    ("borrowed from the parallel minor", "a borrowed iv"),
    ("tritone substitute", "a tritone substitute"),
    (ASKED, "your"),
)


def describe(what: str, steps: Sequence[Step]) -> str:
    """What an option does, from the reasons of its chords: `rich: sevenths, secondary dominants (E7,
    A7), a borrowed iv (Fm)`."""
    parts = []
    if any(s.reason in ("rich", "jazz") for s in steps):
        parts.append("sevenths and ninths" if what == "jazz" else "sevenths")
    for reason, said in _SAYS:
        symbols = list(dict.fromkeys(s.symbol for s in steps if s.reason == reason))
        if symbols:
            parts.append(
                f"{said} ({', '.join(symbols)})" if reason != ASKED else f"your {', '.join(symbols)}"
            )
    return f"{what}: " + (", ".join(parts) if parts else "as written")


def _close(original: list[Step], key: Key) -> list[Step]:
    """A section that stops on its dominant keeps it (as a seventh) and gains the tonic after it (on the
    last word); any other unresolved ending is closed by `resolve`."""
    if len(original) >= 2 and _is_dominant(original[-1], key) and "/" not in original[-1].numeral:
        tonic = "i" if key.is_minor else "I"
        seventh = original[-1] if original[-1].numeral != "V" else step("V7", key, "cadence")
        return [*original[:-1], seventh, step(tonic, key, "cadence")]
    return resolve(original, key)


def reharmonise_lines(
    lines: Sequence[LyricLine], key: Key, colour: str, named: Sequence[str] = ()
) -> list[LineOption]:
    """Options for new chords on `lines` (their words kept), richest first; empty when they carry no
    chords to start from."""
    slots = [(k, ref) for k, line in enumerate(lines) for ref in line.chords if not ref.annotation]
    if not slots:
        return []
    original = [Step(ref.symbol, numeral_of(ref.symbol, key)) for _, ref in slots]
    plans: list[tuple[str, list[Step]]] = []
    colour = colour if colour in COLOURS else "rich"
    base = honour(_close(original, key), key, named)
    if colour == "plain":
        plans.append(("simpler", extend(base, key, colour, simplify=True)))
    else:
        coloured = extend(base, key, colour)
        first = approach(coloured, key)
        plans.append((colour, tritone(first, key) if colour == "jazz" else first))
        plans.append((colour, borrow(coloured, key)))
        plans.append((colour, coloured))
    out: list[LineOption] = []
    seen: set[tuple[str, ...]] = set()
    for name, steps in plans:
        placed = _place(lines, slots, steps)
        if placed is None:
            continue
        new_lines, kept = placed
        symbols = tuple(s.symbol for s in kept)
        if symbols not in seen:
            seen.add(symbols)
            out.append(LineOption(describe(name, kept), new_lines, kept))
    return out


def honour(steps: Sequence[Step], key: Key, named: Sequence[str]) -> list[Step]:
    """Chords the writer named: a secondary dominant goes before the chord it leads to; another chord
    replaces one of the same root, else the chord before the close's dominant."""
    out = list(steps)
    for symbol in named:
        chord = try_parse_chord(symbol)
        if chord is None or chord.is_no_chord or any(s.symbol == symbol for s in out):
            continue
        info = analyse(chord, key)
        if info.function == "secondary dominant" and info.target:
            _lead_into(out, key, Step(symbol, info.roman, ASKED, approach=True), info.target)
            continue
        same = [
            i
            for i, s in enumerate(out[:-1])
            if (c := try_parse_chord(s.symbol)) is not None and c.root_pitch_class == chord.root_pitch_class
        ]
        at = same[0] if same else max(0, len(out) - 3)
        out[at] = Step(symbol, info.roman, ASKED)
    return out


def _lead_into(out: list[Step], key: Key, dominant: Step, target: str) -> None:
    """Put a secondary dominant before its target; with no target in the progression, the target
    replaces a chord it leads well from (its root a fifth above the next chord's, as `ii` before `V`),
    else a tonic in the middle, and the dominant goes before it."""
    for i in range(1, len(out)):
        if _triad(out[i].numeral) == target and not out[i - 1].approach:
            out.insert(i, dominant)
            return
    try:
        chord = realise(target, key)
    except RomanError:
        return
    root = try_parse_chord(chord)
    if root is None:
        return
    middle = range(1, len(out) - 2)

    def falls_a_fifth(i: int) -> bool:
        nxt = try_parse_chord(out[i + 1].symbol)
        return nxt is not None and (root.root_pitch_class - nxt.root_pitch_class) % 12 == 7

    free = [
        i
        for i in middle
        if not out[i].approach
        and not out[i - 1].approach
        and not out[i].reason
        and function_of(out[i].numeral, key) in ("tonic", "other")
    ]
    spots = [i for i in free if falls_a_fifth(i)] + [i for i in free if _is_tonic(out[i])]
    if not spots:
        return
    i = spots[0]
    out[i] = Step(chord, target, "leads from the chord asked for")
    out.insert(i, dominant)


def _place(
    lines: Sequence[LyricLine], slots: Sequence[tuple[int, ChordRef]], steps: Sequence[Step]
) -> tuple[tuple[LyricLine, ...], tuple[Step, ...]] | None:
    """Put steps on the lines: original steps on the original places (in order), approach steps on the
    last word start before the next chord (dropped when there is none); a close that needs a new chord
    goes on the last word of the last line."""
    main = [s for s in steps if not s.approach]
    extra = len(main) - len(slots)
    if extra < 0:
        return None
    chords: list[list[tuple[int, Step]]] = [[] for _ in lines]
    positions = [(k, ref.at) for k, ref in slots]
    if extra:  # the close added a chord after the last one written: it goes on the last word
        k_last, at_last = positions[-1]
        starts = _word_starts(lines[k_last].lyrics)
        after = [w for w in starts if w > at_last]
        floor = positions[-2][1] if len(positions) > 1 and positions[-2][0] == k_last else -1
        before = [w for w in starts if floor < w < at_last]
        if extra != 1 or not (after or before):
            return None
        if after:
            positions.append((k_last, after[-1]))
        else:  # the last chord sits on the last word: it moves back a word, the tonic takes its place
            positions[-1] = (k_last, before[-1])
            positions.append((k_last, at_last))
    kept: list[Step] = []
    pending: list[Step] = []
    index = 0
    for s in steps:
        if s.approach:
            pending.append(s)
            continue
        k, at = positions[index]
        for p in pending:
            spot = _approach_spot(lines, chords, k, at)
            if spot is not None:
                chords[spot[0]].append((spot[1], p))
                kept.append(p)
            elif p.reason == ASKED and kept:  # no room before its target: it takes the chord before's
                _swap(chords, kept, p)
        pending = []
        chords[k].append((at, s))
        kept.append(s)
        index += 1
    new_lines = []
    for k, line in enumerate(lines):
        refs = tuple(ChordRef(s.symbol, at) for at, s in sorted(chords[k], key=lambda t: t[0]))
        annotations = tuple(ref for ref in line.chords if ref.annotation)
        merged = tuple(sorted(refs + annotations, key=lambda r: r.at))
        new_lines.append(replace(line, chords=merged))
    order = {id(s): n for n, s in enumerate(kept)}
    return tuple(new_lines), tuple(sorted(kept, key=lambda s: order[id(s)]))


def _swap(chords: list[list[tuple[int, Step]]], kept: list[Step], new: Step) -> None:
    """Replace the last placed step with `new`, in place."""
    old = kept[-1]
    for placed in chords:
        for n, (at, s) in enumerate(placed):
            if s is old:
                placed[n] = (at, new)
    kept[-1] = new


def _approach_spot(
    lines: Sequence[LyricLine], chords: list[list[tuple[int, Step]]], k: int, at: int
) -> tuple[int, int] | None:
    """The last word start before (k, at) after the chord placed before it, on the same line or at the
    end of the previous line."""
    taken = {p for p, _ in chords[k]}
    before = [w for w in _word_starts(lines[k].lyrics) if w < at and w not in taken]
    floor = max(taken, default=-1)
    before = [w for w in before if w > floor]
    if before:
        return k, before[-1]
    if k > 0 and not chords[k]:
        prev = k - 1
        taken_prev = {p for p, _ in chords[prev]}
        floor_prev = max(taken_prev, default=-1)
        words = [w for w in _word_starts(lines[prev].lyrics) if w > floor_prev]
        if words and len(words) >= 2:
            return prev, words[-1]
    return None
