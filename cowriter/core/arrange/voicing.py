"""Voicings: keyboard chords led smoothly from one to the next, and playable six-string guitar shapes.

Keyboard: from a chord's pitch classes pick at most four (third and seventh first, then colour tones,
root, fifth), list every close and drop-2 inversion inside the range, and take the one that moves least
from the previous voicing (the first chord sits near the middle of the range). Guitar: search the fretboard
for a shape a hand can hold (four fingers, a barre counts as one, a four-fret span) that sounds only chord
tones, covers the chord's essential tones and has the bass note lowest; prefer open, low, full shapes.
"""

from __future__ import annotations

from functools import lru_cache
from itertools import product

KEYS_LOW, KEYS_HIGH = 52, 79  # E3..G5: where a pianist's comping hand lives
KEYS_CENTER = 64.0
GUITAR_TUNING = (40, 45, 50, 55, 59, 64)  # E2 A2 D3 G3 B3 E4

# Voicing priority of each interval above the root: guide tones, then colour, then root and fifth.
_PRIORITY = {4: 0, 3: 0, 10: 1, 11: 1, 9: 2, 5: 2, 2: 3, 1: 3, 6: 3, 8: 3, 0: 4, 7: 5}


def choose_tones(root: int, intervals: tuple[int, ...], size: int = 4) -> tuple[int, ...]:
    """The pitch classes a four-voice comping hand keeps: guide tones and colour before root and fifth."""
    unique = sorted({i % 12 for i in intervals})
    if len(unique) <= size:
        return tuple(sorted((root + i) % 12 for i in unique))
    priority = dict(_PRIORITY)
    if 4 in unique:  # beside a major third, a minor third is the #9: colour, not a guide tone
        priority[3] = 2
    ranked = sorted(unique, key=lambda i: (priority.get(i, 3), i))
    return tuple(sorted((root + i) % 12 for i in ranked[:size]))


def motion(a: tuple[int, ...], b: tuple[int, ...]) -> int:
    """Total semitones the voices move from `a` to `b` (each note to the nearest note of the other chord,
    both ways, so voicings of different sizes compare fairly)."""
    if not a or not b:
        return 0
    if len(a) == len(b):
        return sum(abs(x - y) for x, y in zip(sorted(a), sorted(b), strict=True))
    there = sum(min(abs(x - y) for y in b) for x in a)
    back = sum(min(abs(x - y) for x in a) for y in b)
    return max(there, back)


@lru_cache(maxsize=2048)
def candidates(
    pcs: tuple[int, ...], low: int = KEYS_LOW, high: int = KEYS_HIGH
) -> tuple[tuple[int, ...], ...]:
    """Every close-position and drop-2 voicing of the pitch classes inside [low, high]."""
    pcs = tuple(sorted(set(pcs)))
    out: set[tuple[int, ...]] = set()
    n = len(pcs)
    for rot in range(n):
        order = pcs[rot:] + pcs[:rot]
        for base in range(low - 12, high + 1):
            if base % 12 != order[0]:
                continue
            notes = [base]
            for pc in order[1:]:
                nxt = notes[-1] + 1
                while nxt % 12 != pc:
                    nxt += 1
                notes.append(nxt)
            shapes = [notes]
            if n == 4:  # drop 2: the second voice from the top an octave down
                shapes.append(sorted([notes[0], notes[1] - 12, notes[2], notes[3]]))
            for shape in shapes:
                if shape[0] >= low and shape[-1] <= high:
                    out.add(tuple(shape))
    return tuple(sorted(out))


@lru_cache(maxsize=8192)
def lead_voices(
    pcs: tuple[int, ...], previous: tuple[int, ...] | None, low: int = KEYS_LOW, high: int = KEYS_HIGH
) -> tuple[int, ...]:
    """The voicing of `pcs` closest to `previous` (least total motion), kept near the middle of the range."""
    options = candidates(tuple(sorted(set(pcs))), low, high)
    if not options:
        return root_position(pcs[0], tuple((p - pcs[0]) % 12 for p in pcs))

    def cost(v: tuple[int, ...]) -> tuple[float, tuple[int, ...]]:
        drift = abs(sum(v) / len(v) - KEYS_CENTER)
        if previous is None:
            return (drift, v)
        return (motion(previous, v) + 0.25 * drift, v)

    return min(options, key=cost)


def root_position(root: int, intervals: tuple[int, ...], octave_root: int = 60) -> tuple[int, ...]:
    """The naive block: root at or above `octave_root` with every interval stacked above it."""
    base = octave_root + (root - octave_root) % 12
    return tuple(sorted({base + i for i in intervals}))


# --- guitar -------------------------------------------------------------------------------------------


def shape_pitches(shape: tuple[int | None, ...]) -> tuple[int, ...]:
    """MIDI pitches of a shape (frets low E to high E, None for a muted string)."""
    return tuple(open_ + f for open_, f in zip(GUITAR_TUNING, shape, strict=True) if f is not None)


def _playable(frets: tuple[int | None, ...]) -> bool:
    fretted = [f for f in frets if f]
    if not fretted:
        return True
    lowest = min(fretted)
    if max(fretted) - lowest > 3:
        return False
    if len(fretted) <= 4:
        return True
    # More than four fretted notes: the index finger barres the lowest fret from its first string on.
    first = next(i for i, f in enumerate(frets) if f == lowest)
    if any(f is not None and f < lowest for f in frets[first:]):
        return False  # an open string under the barre
    return sum(1 for f in fretted if f > lowest) <= 3


@lru_cache(maxsize=1024)
def guitar_shape(root: int, intervals: tuple[int, ...], bass: int | None = None) -> tuple[int | None, ...]:
    """A playable six-string shape for the chord: only chord tones, essential tones present, the bass
    (the slash note, else the root) lowest, strings muted only below it. Open and low shapes win. A chord
    no hand can hold whole (a 7alt) keeps fewer tones: its three most needed, then its 3rd and 7th."""
    tones = {(root + i) % 12 for i in intervals}
    low_pc = root % 12 if bass is None else bass % 12
    tones.add(low_pc)
    essential = {(root + i) % 12 for i in intervals if i % 12 not in (7,)} | {low_pc}
    if len(essential) > 5:  # big extended chords: keep the guide tones and the top colour
        essential = set(choose_tones(root, intervals, 4)) | {low_pc}
    for size in (0, 3, 2):
        needed = essential if not size else set(choose_tones(root, intervals, size)) | {low_pc}
        shape = _search(frozenset(tones), low_pc, frozenset(needed))
        if shape is not None:
            return shape
    # nothing playable: the bass note with its fifth (or its octave) on the low strings
    fret = (low_pc - GUITAR_TUNING[0]) % 12
    if (low_pc + 7) % 12 in tones:
        return (fret, fret + 2, None, None, None, None)
    return (fret, None, fret + 2, None, None, None)


def _search(tones: frozenset[int], low_pc: int, essential: frozenset[int]) -> tuple[int | None, ...] | None:
    best: tuple[float, tuple[int | None, ...]] | None = None
    for position in range(0, 11):
        window = range(max(1, position), position + 4)
        options: list[list[int | None]] = []
        for string_open in GUITAR_TUNING:
            opts: list[int | None] = [None]
            if string_open % 12 in tones:
                opts.append(0)
            opts.extend(f for f in window if (string_open + f) % 12 in tones)
            options.append(opts)
        for frets in product(*options):
            score = _score(frets, low_pc, essential)
            if score is not None and (best is None or score < best[0]):
                best = (score, frets)
    return None if best is None else best[1]


def _score(frets: tuple[int | None, ...], low_pc: int, essential: frozenset[int]) -> float | None:
    sounded = [i for i, f in enumerate(frets) if f is not None]
    if len(sounded) < 4:
        return None
    first = sounded[0]
    if sounded != list(range(first, 6)) or first > 2:
        return None  # muted strings only at the bass side, at most two
    pitches = [GUITAR_TUNING[i] + (frets[i] or 0) for i in sounded]
    if pitches[0] % 12 != low_pc:
        return None
    if not essential <= {p % 12 for p in pitches}:
        return None
    if not _playable(frets):
        return None
    fretted = [f for f in frets if f]
    height = min(fretted) if fretted else 0
    opens = sum(1 for f in frets if f == 0)
    stretch = max(fretted, default=0) - height
    return first * 1.5 + height * 1.5 - opens * 0.3 + len(fretted) * 0.2 + stretch * 1.2
