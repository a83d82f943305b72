"""Words, syllables and their lexical stress: the CMU Pronouncing Dictionary, then a spelling estimator.

`pronouncing` (which loads the CMU dictionary, ~0.4 s) is imported on first use, never at import time.
A word's syllables come back as spelling pieces ("a", "ma", "zing") with a stress level each (1 primary,
2 secondary, 0 none), so a melody can put a syllable's text under its note.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from functools import lru_cache

__all__ = [
    "WORD_RE",
    "all_phones",
    "estimate_count",
    "phones",
    "split_spelling",
    "word_stresses",
    "words",
]

# a word: letters/digits with inner apostrophes ("don't", "rock'n'roll"); hyphens split words
WORD_RE = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")
_VOWELS = "aeiouy"
_VOWEL_GROUP = re.compile(r"[aeiouy]+", re.IGNORECASE)


def words(text: str) -> list[str]:
    return WORD_RE.findall(text)


def _normal(word: str) -> str:
    return word.lower().replace("’", "'")


def _fold(word: str) -> str:
    """Lower case without accents, letter for letter ("Café" -> "cafe"; the length never changes)."""
    out = []
    for ch in word.lower():
        base = unicodedata.normalize("NFKD", ch)[:1]
        out.append(base if base.isalpha() else ch)
    return "".join(out)


@lru_cache(maxsize=4096)
def all_phones(word: str) -> tuple[str, ...]:
    """Every CMU pronunciation of a word (`"AH0 M EY1 Z IH0 NG"`), the most common first."""
    import pronouncing

    found = pronouncing.phones_for_word(_normal(word))
    if not found and _fold(word) != _normal(word):  # "café" -> "cafe"
        found = pronouncing.phones_for_word(_fold(word))
    if not found and "'" in word:  # "lovin'" -> "loving"
        base = _normal(word).rstrip("'")
        found = pronouncing.phones_for_word(base + "g") if base.endswith("in") else []
    return tuple(found)


def phones(word: str) -> str | None:
    """The first CMU pronunciation of a word, or None when the dictionary lacks it."""
    found = all_phones(word)
    return found[0] if found else None


def _spelling_groups(word: str) -> list[tuple[int, int]]:
    """Vowel groups of a spelling that sound as syllables (a final silent e dropped, "-le" kept)."""
    lower = _fold(word)
    groups = [(m.start(), m.end()) for m in _VOWEL_GROUP.finditer(lower)]
    if lower.startswith("y") and groups and groups[0][0] == 0:  # "you", "yes": y is a consonant
        start, end = groups[0]
        groups[0] = (start + 1, end) if end - start > 1 else groups[0]
    if len(groups) > 1:
        start, end = groups[-1]
        tail = lower[start:]
        sounded_le = re.search(r"[^aeiouy]l(e|es|ed)$", lower)
        sounded_ending = tail != "e" and re.search(r"(t|d)ed$|(s|z|x|ch|sh|g|c)es$", lower)
        if tail in ("e", "es", "ed") and not sounded_le and not sounded_ending:
            groups.pop()
    return groups or [(0, len(word))]


def estimate_count(word: str) -> int:
    """Syllables of a word the dictionary lacks, from its spelling (vowel groups, silent e)."""
    if word.isdigit():
        return len(word)
    return len(_spelling_groups(word))


def split_spelling(word: str, count: int) -> list[str]:
    """The spelling cut into `count` pieces at plausible syllable boundaries (VCV -> V-CV, VCCV -> VC-CV)."""
    if count <= 1 or len(word) <= 1:
        return [word]
    groups = _spelling_groups(word)
    while len(groups) > count:  # merge the closest neighbours
        gaps = [groups[i + 1][0] - groups[i][1] for i in range(len(groups) - 1)]
        i = gaps.index(min(gaps))
        groups[i : i + 2] = [(groups[i][0], groups[i + 1][1])]
    while len(groups) < count:  # split the longest group
        i = max(range(len(groups)), key=lambda k: groups[k][1] - groups[k][0])
        start, end = groups[i]
        if end - start < 2:
            break
        mid = (start + end) // 2
        groups[i : i + 1] = [(start, mid), (mid, end)]
    if len(groups) < count:  # still short (e.g. digits): cut evenly
        size = max(1, len(word) // count)
        pieces = [word[i * size : (i + 1) * size] for i in range(count - 1)]
        return [*pieces, word[(count - 1) * size :]]
    cuts = [_cut(_fold(word), end, start) for (_, end), (start, _) in itertools.pairwise(groups)]
    bounds = [0, *cuts, len(word)]
    return [word[a:b] for a, b in itertools.pairwise(bounds)]


_DIGRAPHS = ("th", "sh", "ch", "ph", "wh", "gh", "ck", "ng", "qu")
_ONSETS = frozenset(
    "bl br cl cr dr fl fr gl gr pl pr sc sk sl sm sn sp st sw tr tw thr str spr scr spl shr".split()  # noqa: SIM905
)


def _cut(word: str, end: int, start: int) -> int:
    """Where to cut the consonants between two vowel groups (`word[end:start]`): a lone consonant (or
    digraph) starts the next syllable ("mo-ther"), except ng/ck/x which close the one before ("sing-er");
    in a cluster the longest onset English allows goes to the next syllable ("De-troit", "north-bound")."""
    tokens: list[str] = []
    i = end
    while i < start:
        pair = word[i : i + 2]
        size = 2 if pair in _DIGRAPHS and i + 2 <= start else 1
        tokens.append(word[i : i + size])
        i += size
    if len(tokens) <= 1:
        return start - len(tokens[0]) if tokens and tokens[0] not in ("ng", "ck", "x") else start
    if tokens[-1] == "l" and re.fullmatch(r"(e|es|ed)", word[start:]):  # "lit-tle", "bub-bles"
        return start - len(tokens[-1]) - len(tokens[-2])
    for take in (3, 2):
        if take <= len(tokens) and "".join(tokens[-take:]) in _ONSETS and take < len(tokens) + 1:
            return start - len("".join(tokens[-take:]))
    return start - len(tokens[-1])


def _count(pron: str) -> int:
    return sum(1 for p in pron.split() if p[-1].isdigit())


@lru_cache(maxsize=4096)
def word_stresses(word: str) -> tuple[tuple[str, int], ...]:
    """The syllables of one word as (spelling piece, lexical stress 0/1/2). The dictionary's most common
    pronunciation, except for a word spelled with a single vowel group that the dictionary also knows as
    one syllable: "hour" and "our" are sung as one (AW1 R, as hymn meters count them), not "ho-ur"."""
    found = all_phones(word)
    pron = found[0] if found else None
    if pron is not None and _count(pron) > 1 and len(_VOWEL_GROUP.findall(_fold(word))) == 1:
        pron = next((p for p in found if _count(p) == 1), pron)
    if pron is not None:
        levels = [int(p[-1]) for p in pron.split() if p[-1].isdigit()]
    else:
        n = estimate_count(word)
        # unknown words: stress the first syllable, or the penultimate of long words
        stressed = 0 if n <= 2 else n - 2
        levels = [1 if i == stressed else 0 for i in range(n)]
    if not levels:
        levels = [1]
    pieces = split_spelling(word, len(levels))
    if len(pieces) < len(levels):
        pieces += [""] * (len(levels) - len(pieces))
    return tuple(zip(pieces, levels, strict=True))
