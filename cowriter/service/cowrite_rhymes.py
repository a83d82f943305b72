"""Rhymes a line can end on: everyday words, the model's own where it says which it knows best.

`rhymes_of` asks the lyrics module (perfect rhymes first, then slant ones); `usable_rhymes` keeps the
words a song would end a line on. With a local model, a `RhymeBook` of its vocabulary (the whole words it
writes as one token) says which words rhyme perfectly with how many others it knows: a line that others
must rhyme with ends best on one with plenty ("night", "home"), and a line that must rhyme is offered
perfect rhymes alone when there are enough.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from functools import lru_cache

from cowriter.lyrics import frequency, is_rhyme, rhyme_key

PERFECT_ENOUGH = 5  # with this many perfect rhymes at hand, a line end is not offered slant ones
LEADER_RHYMES = 3  # a line that others rhyme with ends on a word with at least this many


@lru_cache(maxsize=256)
def rhymes_of(word: str | None) -> tuple[str, ...]:
    """Perfect rhymes for `word`, everyday words first, then slant rhymes when the perfect ones are few
    (the lyrics module ranks them; finding slant rhymes reads the whole dictionary, seconds a word)."""
    from cowriter.lyrics import rhymes

    if not word:
        return ()
    perfect = rhymes(word, limit=120)
    if len(perfect) >= 3 * PERFECT_ENOUGH:
        return tuple(perfect)
    return tuple(dict.fromkeys([*perfect, *rhymes(word, slant=True, limit=80)]))


SHORT_ENDS = frozenset("me be we he she go so no do my by up us oh you i".split())  # noqa: SIM905
CANNOT_END = frozenset(
    """a an the of to and or but nor for from with at by in on into onto as than that if is are was were am
    be's its it's my your our their his her""".split()  # noqa: SIM905
)


def usable_rhymes(
    word: str,
    count_tokens: Callable[[str], int],
    rhymes_for: Callable[[str], Sequence[str]] | None = None,
    limit: int = 120,
) -> tuple[str, ...]:
    """Line ends for a rhyme on `word`: plain everyday words (one token for the model, where it counts
    tokens for real; three letters at least, or a short word songs end lines on, "me", "go"), nothing a
    line cannot end on ("the", "of"), not the word itself, at most `limit`. The model picks among them
    by its own likelihood, so a long list costs nothing in quality."""
    lower = word.lower()
    source = rhymes_for(lower) if rhymes_for is not None else rhymes_of(lower)
    found = [
        w
        for w in source
        if w != lower
        and w.isalpha()
        and w not in CANNOT_END
        and (len(w) >= 3 or w in SHORT_ENDS)
        and not lower.endswith(w)
    ]
    if rhymes_for is None or getattr(rhymes_for, "__name__", "") == "_rhymes_for":
        found += [w for w in SHORT_ENDS if w != lower and w not in found and _rhymes(w, lower)]
    from cowriter.lyrics.rhyme import _derived_forms

    # everyday words: one token for the model, or two with the dictionary's derived forms ("hills"), and
    # common enough in English either way
    common = [
        w
        for w in found
        if ((n := count_tokens(" " + w)) <= 1 or (n <= 2 and _derived_forms(w) >= 2)) and everyday(w)
    ]
    return tuple(common[:limit])


def _rhymes(a: str, b: str) -> bool:
    return is_rhyme(a, b)


def everyday(word: str) -> bool:
    """A word of everyday speech ("night", "doors", "sprayed"), not a name, abbreviation or oddity of the
    dictionary ("glycemic", "aven", "laure", "glo"): common enough in English (`lyrics.frequency`)."""
    return word in SHORT_ENDS or frequency.everyday(word)


@lru_cache(maxsize=2)
def book_of(vocabulary: frozenset[str]) -> RhymeBook:
    """The rhyme book of a model's vocabulary, made once per model (it takes a moment), with the
    dictionary's slant rhyme index (a quarter second, once), so that no request waits for it."""
    from cowriter.lyrics.rhyme import slant_index

    slant_index()
    return RhymeBook(vocabulary)


class RhymeBook:
    """The perfect rhymes among a model's own words (`vocabulary`: the whole words it writes as one
    token), grouped by what they share (`lyrics.rhyme_key`)."""

    def __init__(self, vocabulary: Iterable[str]) -> None:
        groups: dict[tuple[str, ...], list[str]] = {}
        for word in sorted(vocabulary):
            if (len(word) < 3 and word not in SHORT_ENDS) or word in CANNOT_END or not everyday(word):
                continue
            key = rhyme_key(word)
            if key is not None:
                groups.setdefault(key, []).append(word)
        self._groups = groups
        self._words = frozenset(w for ws in groups.values() for w in ws)
        self._leaders = tuple(w for ws in groups.values() if len(ws) > LEADER_RHYMES for w in ws)

    def __contains__(self, word: str) -> bool:
        return word.lower() in self._words

    def perfect(self, word: str) -> tuple[str, ...]:
        """The model's words that rhyme perfectly with `word` (not itself, nor words it ends with)."""
        lower = word.lower()
        key = rhyme_key(lower)
        found = self._groups.get(key, []) if key is not None else []
        return tuple(w for w in found if w != lower and not lower.endswith(w) and not w.endswith(lower))

    def leaders(self) -> tuple[str, ...]:
        """Words with at least LEADER_RHYMES perfect rhymes among the model's words: good line ends for a
        line that later lines must rhyme with."""
        return self._leaders

    def rhymes(self, word: str, slant: Sequence[str] = ()) -> tuple[str, ...]:
        """Perfect rhymes alone when there are PERFECT_ENOUGH of them, else they and the slant ones the
        model knows."""
        perfect = self.perfect(word)
        if len(perfect) >= PERFECT_ENOUGH:
            return perfect
        extra = [w for w in slant if w in self._words and w not in perfect and w != word.lower()]  # everyday
        return (*perfect, *extra)
