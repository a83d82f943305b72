"""Chords for the co-writer's new lines, placed the way songs are written.

The model writes the words; the harmony comes from the song itself where it can:
- a rewritten line keeps the chords it had, in order, moved onto the new words;
- a new section takes the chords of the song's section of the same kind (a second verse plays like the
  first), line for line;
- otherwise a common progression of the key (`core.progressions`), preferring one made of chords the song
  already uses, ends on the tonic (a chorus, an outro) or the dominant (a verse, leading on).

How many chords a line carries follows the song's own harmonic rhythm (the lines it is modelled on, else
the song's typical count). Each chord goes on a stressed syllable, spread across the line as bars are: the
first on the first stress (a pickup like "I" in "I [D]looked over Jordan" stays before it), inside a word
when the stress is there ("A[G]mazing grace").
"""

from __future__ import annotations

import random
import statistics
from collections.abc import Sequence

from cowriter.core.keys import Key
from cowriter.core.progressions import Progression, progressions, realise
from cowriter.core.song import LyricLine, Section, Song
from cowriter.core.theory import in_key
from cowriter.lyrics import syllabify
from cowriter.lyrics.syllables import WORD_RE

DEFAULT_DENSITY = 2
ENDS_ON_TONIC = frozenset({"chorus", "outro", "refrain", "hook"})


def chord_symbols(line: LyricLine) -> tuple[str, ...]:
    return tuple(c.symbol for c in line.chords if not c.annotation)


def _sections_like(song: Song, kind: str) -> list[Section]:
    return [
        s
        for s in song.sections
        if not s.recall and kind in (s.kind.value, s.name) and any(line.chords for line in s.lines)
    ]


def density(song: Song) -> int:
    """The song's typical number of chords on a lyric line (DEFAULT_DENSITY for a song without)."""
    counts = [len(chord_symbols(line)) for line in song.lines if line.has_words and line.chords]
    return max(1, round(statistics.median(counts))) if counts else DEFAULT_DENSITY


def for_rewrite(target: Sequence[LyricLine], count: int, song: Song) -> list[tuple[str, ...]]:
    """Chords for `count` lines rewriting `target`: each keeps the chords of the line it replaces (past
    the end of the target, the target's lines again, in turn)."""
    if not target:
        return [() for _ in range(count)]
    fallback = (target[-1].chords and chord_symbols(target[-1])) or ()
    out = []
    for n in range(count):
        chords = chord_symbols(target[n % len(target)])
        out.append(chords or fallback)
    return out


def for_section(
    song: Song, kind: str, key: Key, count: int, seed: int | None = None
) -> list[tuple[str, ...]]:
    """Chords for a new `count`-line section of `kind` (see the module doc)."""
    like = _sections_like(song, kind)
    if like:
        model = [chord_symbols(line) for line in like[-1].lines if line.has_words]
        model = [c for c in model if c] or [()]
        return [model[n % len(model)] for n in range(count)]
    per_line = density(song)
    used = {_plain(c.symbol) for line in song.lines for c in line.chords if not c.annotation}
    options = [p for p in progressions(None, key) if len(p.chords) <= 8]
    rng = random.Random(seed if seed is not None else 0)
    rng.shuffle(options)

    def fit(p: Progression) -> tuple[int, float]:
        outside = sum(not in_key(c, key) for c in p.chords)
        shared = len({_plain(c) for c in p.chords} & used) / len(p.chords) if used else 0.0
        return outside, -shared

    options.sort(key=fit)
    chords = list(options[0].chords) if options else [realise("I", key)]
    flat = [chords[n % len(chords)] for n in range(per_line * count)]
    flat[-1] = realise("i" if key.is_minor else "I", key) if kind in ENDS_ON_TONIC else realise("V", key)
    if len(flat) > 1 and flat[-2] == flat[-1]:
        flat[-2] = realise("iv" if key.is_minor else "IV", key)
    return [tuple(flat[n * per_line : (n + 1) * per_line]) for n in range(count)]


def _plain(symbol: str) -> str:
    """A chord compared for sharing: A7 and A are the same chord of the song."""
    for ext in ("maj7", "m7", "7", "6", "9", "sus4", "sus2", "add9"):
        if symbol.endswith(ext) and len(symbol) > len(ext):
            return symbol[: -len(ext)] + ("m" if ext == "m7" else "")
    return symbol


def pieces(word: str) -> tuple[str, ...]:
    """A word cut into its sung syllables (joined, the word again, punctuation included), the places
    a chord may go inside it."""
    found = list(WORD_RE.finditer(word))
    if len(found) != 1:
        return (word,)
    m = found[0]
    parts = [s.text for s in syllabify(m.group(0))]
    if "".join(parts) != m.group(0) or not all(parts):
        return (word,)
    parts[0] = word[: m.start()] + parts[0]
    parts[-1] = parts[-1] + word[m.end() :]
    return tuple(parts)


def syllable_starts(lyrics: str) -> list[tuple[int, int]]:
    """(character offset, stress level 0-2) of each sung syllable of a line, in order."""
    out: list[tuple[int, int]] = []
    syllables = syllabify(lyrics)
    words = list(WORD_RE.finditer(lyrics))
    k = 0
    for index, m in enumerate(words):
        offset = m.start()
        while k < len(syllables) and syllables[k].word_index == index:
            out.append((offset, syllables[k].level))
            offset += len(syllables[k].text)
            k += 1
    return out


def positions(lyrics: str, count: int) -> list[int]:
    """Where `count` chords go in a line: character offsets of stressed syllables, spread like bars."""
    starts = syllable_starts(lyrics)
    if not starts or count <= 0:
        return [0] if count > 0 else []
    stressed = [i for i, (_, level) in enumerate(starts) if level == 2] or [
        i for i, (_, level) in enumerate(starts) if level >= 1
    ]
    candidates = stressed if len(stressed) >= count else list(range(len(starts)))
    first = candidates[0]
    chosen = [first]
    span = len(starts) - first
    for n in range(1, count):
        ideal = first + n * span / count
        free = [i for i in candidates if i > chosen[-1]]
        if not free:
            break
        chosen.append(min(free, key=lambda i: (abs(i - ideal), i)))
    return [starts[i][0] for i in chosen]


def place(lyrics: str, chords: Sequence[str]) -> str:
    """The line in ChordPro with `chords` on its stressed syllables (see `positions`)."""
    if not chords:
        return lyrics
    at = positions(lyrics, len(chords))
    chords = list(chords)[: len(at)]
    out = lyrics
    for offset, chord in sorted(zip(at, chords, strict=True), reverse=True):
        out = out[:offset] + f"[{chord}]" + out[offset:]
    return out
