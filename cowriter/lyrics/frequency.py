"""How common a word is in English, on the Zipf scale (`wordfreq`: 7 for "the", 3 a word heard once in a
million words, 0 none): what tells a lyric's everyday words from the names, abbreviations and oddities
the CMU dictionary also holds ("laure", "glo", "ende" are in it and sing as nothing).

Only this module imports `wordfreq` (lazily: it loads its English list, about 0.15 s, on first use).
"""

from __future__ import annotations

from functools import lru_cache

EVERYDAY = 2.9  # a word at least this common is an everyday word: a line may end on it for a rhyme
RARE = 2.5  # below this a word is rare in a lyric ("underpin" 2.7 is not, "laure" 2.4 is)


@lru_cache(maxsize=65536)
def zipf(word: str) -> float:
    """The word's frequency on the Zipf scale (0: never seen). Case and curly apostrophes do not count."""
    from wordfreq import zipf_frequency

    cleaned = word.strip().lower().replace("’", "'")
    if not cleaned:
        return 0.0
    return float(zipf_frequency(cleaned, "en"))


def everyday(word: str) -> bool:
    """Common enough to end a line on for its rhyme."""
    return zipf(word) >= EVERYDAY


def rare(word: str) -> bool:
    """Too rare for a lyric unless the song or the request uses it."""
    return zipf(word) < RARE
