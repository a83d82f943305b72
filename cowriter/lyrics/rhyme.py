"""Rhymes for a word (perfect and slant) and the rhyme scheme of a run of lines.

Perfect rhyme: the same sounds from the last stressed vowel on ("rain" / "again"). Slant rhyme, as
songwriters use it: the same stressed vowel with consonants of the same family after it ("time" / "mine",
"love" / "enough", "heart" / "star" where a final t/d/s/z may drop), or a near vowel with the same
consonants ("feel" / "fill"). Words the dictionary lacks compare by spelling from their last vowel on.
"""

from __future__ import annotations

import re
from functools import lru_cache

from cowriter.lyrics.syllables import all_phones, estimate_count, phones, words

__all__ = ["is_rhyme", "rhyme_key", "rhyme_scheme", "rhymes"]

# near vowels: a slant rhyme may swap one for another of its family
_VOWEL_FAMILY = {"IY": "I", "IH": "I", "EH": "E", "AE": "E", "AA": "A", "AO": "A", "UW": "U", "UH": "U"}
_CONSONANT_CLASS = {
    **dict.fromkeys(["P", "B", "T", "D", "K", "G"], "stop"),
    **dict.fromkeys(["M", "N", "NG"], "nasal"),
    **dict.fromkeys(["F", "V", "TH", "DH", "S", "Z", "SH", "ZH", "HH", "CH", "JH"], "fric"),
    **dict.fromkeys(["L", "R"], "liquid"),
    **dict.fromkeys(["W", "Y"], "glide"),
}
_DROPPABLE = {"T", "D", "S", "Z"}


def _strip(phone: str) -> str:
    return phone.rstrip("012")


def _rhyme_part(word: str) -> tuple[str, ...] | None:
    """Phones from the last stressed vowel on, stress marks removed; None for unknown words."""
    pron = phones(word)
    return None if pron is None else _part_of(pron)


def rhyme_key(word: str) -> tuple[str, ...] | None:
    """What two words share when they rhyme perfectly: their sounds from the last stressed vowel on
    ("night" and "light": AY T); None for a word the dictionary lacks."""
    return _rhyme_part(word.lower())


def _part_of(pron: str) -> tuple[str, ...]:
    parts = pron.split()
    for i in range(len(parts) - 1, -1, -1):
        if parts[i][-1] in "12":
            return tuple(_strip(p) for p in parts[i:])
    for i in range(len(parts) - 1, -1, -1):  # no stressed vowel: from the last vowel
        if parts[i][-1].isdigit():
            return tuple(_strip(p) for p in parts[i:])
    return tuple(_strip(p) for p in parts)


def _spelling_part(word: str) -> str:
    lower = word.lower()
    m = re.search(r"[aeiouy]+[^aeiouy]*e?$", lower)
    return m.group(0) if m else lower


def _slant_keys(part: tuple[str, ...]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(exact vowel + consonant families, vowel family + exact rest): two words share a slant rhyme when
    either key matches."""
    vowel, rest = part[0], part[1:]
    trimmed = rest[:-1] if rest and rest[-1] in _DROPPABLE else rest
    families = tuple(_CONSONANT_CLASS.get(p, _VOWEL_FAMILY.get(p, p)) for p in trimmed)
    return (vowel, *families), (_VOWEL_FAMILY.get(vowel, vowel), *rest)


def _slant_match(a: tuple[str, ...], b: tuple[str, ...]) -> bool:
    ka, kb = _slant_keys(a), _slant_keys(b)
    if ka[0] == kb[0] or ka[1] == kb[1]:
        return True
    # a dropped final consonant on one side only ("heart" / "star")
    return a[0] == b[0] and (a[:-1] == b or b[:-1] == a) and (a + b)[-1] in _DROPPABLE


def is_rhyme(a: str, b: str, slant: bool = True) -> bool:
    """Whether two words rhyme (identical words count: a repeated word keeps its letter)."""
    if a.lower() == b.lower():
        return True
    parts_a = {_part_of(p) for p in all_phones(a)}
    parts_b = {_part_of(p) for p in all_phones(b)}
    if not parts_a or not parts_b:
        return _spelling_part(a) == _spelling_part(b)
    if parts_a & parts_b:
        return True
    return slant and any(_slant_match(pa, pb) for pa in parts_a for pb in parts_b)


def _letters(n: int) -> str:
    out = ""
    n += 1
    while n:
        n, r = divmod(n - 1, 26)
        out = chr(ord("A") + r) + out
    return out


def rhyme_scheme(lines: list[str]) -> list[str]:
    """A letter per line (`A B A B`): lines whose last words rhyme, perfectly or slant, share a letter.
    A line without words gets an empty string."""
    last: list[str | None] = []
    letters: list[str] = []
    next_letter = 0
    for line in lines:
        found = words(line)
        word = found[-1] if found else None
        letter = ""
        if word is not None:
            for j, other in enumerate(last):
                if other is not None and is_rhyme(word, other):
                    letter = letters[j]
                    break
            else:
                letter = _letters(next_letter)
                next_letter += 1
        last.append(word)
        letters.append(letter)
    return letters


@lru_cache(maxsize=1)
def _dictionary() -> dict[str, tuple[str, ...]]:
    """Every plain word of the CMU dictionary with its rhyme part (first pronunciation)."""
    import pronouncing

    pronouncing.init_cmu()
    table: dict[str, tuple[str, ...]] = {}
    for word, _pron in pronouncing.pronunciations:
        if word in table or not word.isalpha():
            continue
        part = _rhyme_part(word)
        if part is not None:
            table[word] = part
    return table


@lru_cache(maxsize=1)
def _words() -> frozenset[str]:
    return frozenset(_dictionary())


def _derived_forms(word: str) -> int:
    """How many kinds of derived form (-ed, -ing, -s, -ly, -er, -ful, -less, -y, -ness) the dictionary
    holds for a word: everyday words have them, the names and oddities the dictionary is full of do not.
    It stands in for a word-frequency list, which cowriter does not ship."""
    known = _words()
    stem = word[:-1] if word.endswith("e") else word
    groups = (
        (word + "ed", word + "d", stem + "ed"),
        (word + "ing", stem + "ing", word + word[-1] + "ing"),
        (word + "s", word + "es"),
        (word + "ly",),
        (word + "er", word + "r", stem + "er"),
        (word + "ful",),
        (word + "less",),
        (word + "y", stem + "y"),
        (word + "ness",),
    )
    return sum(any(form in known for form in group) for group in groups)


def _rank(word: str, candidates: list[str]) -> list[str]:
    """Likely words first: everyday words (see `_derived_forms`), then the same number of syllables, then
    a shared spelling ending, then shorter words."""
    target_count = estimate_count(word)
    ending = word.lower()[-3:]

    def key(c: str) -> tuple[int, int, int, int, str]:
        shared = 3 if c.endswith(ending) else 2 if c.endswith(ending[-2:]) else 0
        return (-min(_derived_forms(c), 4), abs(estimate_count(c) - target_count), -shared, len(c), c)

    return sorted((c for c in candidates if len(c) > 1 and re.search("[aeiouy]", c)), key=key)


def rhymes(word: str, slant: bool = False, limit: int = 60) -> list[str]:
    """Perfect rhymes for a word, likely words first; with `slant=True`, the slant rhymes instead (those
    that are not perfect). An unknown word gets words sharing its spelling ending."""
    lower = word.lower()
    table = _dictionary()
    target = _rhyme_part(lower)
    if target is None:
        if slant:
            return []
        ending = _spelling_part(lower)
        found = [w for w in table if w != lower and w.endswith(ending)]
        return _rank(lower, found)[:limit]
    if not slant:
        found = [w for w, part in table.items() if part == target and w != lower and not lower.endswith(w)]
    else:
        first, second = _slant_keys(target)
        by_first, by_second = slant_index()
        near = dict.fromkeys([*by_first.get(first, ()), *by_second.get(second, ())])
        found = [w for w in near if table[w] != target and w != lower]
    return _rank(lower, found)[:limit]


@lru_cache(maxsize=1)
def slant_index() -> tuple[dict[tuple[str, ...], list[str]], dict[tuple[str, ...], list[str]]]:
    """The dictionary's words by each of their two slant keys (`_slant_keys`), built once (about half a
    second): a slant rhyme is then two lookups, not a pass over 120,000 words (0.26 s a word)."""
    by_first: dict[tuple[str, ...], list[str]] = {}
    by_second: dict[tuple[str, ...], list[str]] = {}
    for word, part in _dictionary().items():
        first, second = _slant_keys(part)
        by_first.setdefault(first, []).append(word)
        by_second.setdefault(second, []).append(word)
    return by_first, by_second
