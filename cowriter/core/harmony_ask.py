"""What a writer asks of the harmony, read from their own words: key, meter, length, style and colour.

"a chord progression for a sad waltz in D minor" → key D minor, 3/4, mood sad.
"a jazzier 12-bar blues in Bb at 120 bpm" → key Bb major, 12 bars, style blues, colour jazz, tempo 120.
"reharmonise with richer chords, use an E7" → colour rich, named chord E7.
"a ii–V–I in F" → the numerals ii V I, key F major.

Only what the words say is set; everything else stays None for the caller to take from the song or
its defaults. Pure text reading: no I/O.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final

from cowriter.core.chords import try_parse_chord
from cowriter.core.keys import Key
from cowriter.core.pitch import note_name

__all__ = ["ROMAN_TOKEN", "HarmonyAsk", "read_harmony_ask"]

#: A Roman numeral as `cowriter.core.progressions.realise` reads it.
ROMAN_TOKEN: Final = re.compile(
    r"^(?:b|#)?(?:VII|VI|IV|V|III|II|I|vii|vi|iv|v|iii|ii|i)(?:°|ø|o|\+)?"
    r"(?:maj7|maj9|7|9|11|13|6|sus4|sus2|add9)?"
    r"(?:/(?:b|#)?(?:VII|VI|IV|V|III|II|I|vii|vi|iv|v|iii|ii|i))?$"
)

_WORD_NUMBERS: Final = {
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "eight": 8,
    "ten": 10,
    "twelve": 12,
    "sixteen": 16,
    "twenty-four": 24,
    "thirty-two": 32,
}
_NUM = r"(\d{1,2}|" + "|".join(sorted(_WORD_NUMBERS, key=len, reverse=True)) + r")"

_ACCIDENTAL = r"(?:\s*(?:#|♯|b|♭)|[\s-]*(?:sharp|flat))?"
_MODE = r"(?:\s*(?:major|minor|maj|min)\b|m\b)?"
# "in D minor", "in the key of Bb", "key: F#m", "in e flat minor"
_KEY = re.compile(
    r"\b(?:in(?:\s+the\s+key\s+of)?|key(?:\s+of)?\s*:?)\s+([A-Ga-g])(" + _ACCIDENTAL + r")(" + _MODE + r")"
    r"(?![\w#♯♭'])",
)
# "D minor", "Bb major" anywhere (a capital letter and a mode word)
_KEY_BARE = re.compile(r"\b([A-G])(" + _ACCIDENTAL + r")\s*(major|minor)\b")
_MINOR_KEY_ONLY = re.compile(r"\bin\s+a\s+minor\s+key\b|\bminor[\s-]+key\b|\bin\s+minor\b")
_MAJOR_KEY_ONLY = re.compile(r"\bin\s+a\s+major\s+key\b|\bmajor[\s-]+key\b|\bin\s+major\b")

_METER = re.compile(r"\b(2|3|4|5|6|7|9|12)\s*/\s*(2|4|8|16)\b")
_METER_WORDS: Final = (
    (re.compile(r"\b(waltz(?:es)?|valse|three[\s-]four|triple\s+(?:time|meter|metre))\b"), (3, 4)),
    (re.compile(r"\b(jig|six[\s-]eight|compound\s+duple)\b"), (6, 8)),
    (re.compile(r"\btwelve[\s-]eight\b"), (12, 8)),
)
_BARS = re.compile(_NUM + r"[\s-]*bars?\b")
_TEMPO = re.compile(r"\b(\d{2,3})\s*(?:bpm|beats\s+(?:per|a)\s+minute)\b")
_SLOW = re.compile(r"\b(slow|slower|gentle|lullaby|dirge)\b")
_FAST = re.compile(r"\b(fast|faster|upbeat|up-tempo|uptempo|driving)\b")

_STYLE_WORDS: Final = (
    ("blues", r"blues\w*"),
    ("jazz", r"jazz\w*|swing\w*|bossa|bebop"),
    ("doo-wop", r"doo-?wop|fifties|50s"),
    ("folk", r"folk\w*|country|celtic|bluegrass"),
    ("rock", r"rock\w*|punk|grunge|flamenco|spanish|andalusian"),
    ("ballad", r"ballads?|hymn\w*|lullaby"),
    ("pop", r"pop"),
)
# arranger styles (core/arrange/styles.py) a request may name, as the words writers use
_GROOVES: Final = (
    ("bossa", r"\bbossa\b"),
    ("funk", r"\bfunk\w*\b"),
    ("swing", r"\bswing\w*\b"),
    ("halftime", r"\bhalf[\s-]?time\b"),
)
_JAZZ = re.compile(r"\b(jazz\w*|altered|extended|bebop|tritone)\b")
_RICH = re.compile(
    r"\b(rich\w*|lush\w*|colou?rful|sophisticated|fancier|spicier|more\s+interesting|sevenths|7ths"
    r"|extensions?|secondary\s+dominants?|borrowed|neo-?soul|gospel)\b"
)
_PLAIN = re.compile(r"\b(simple|simpler|basic|plain|triads?|three[\s-]chords?)\b")
_SAD = re.compile(
    r"\b(sad\w*|melanchol\w*|dark\w*|moody|lonely|wistful|bittersweet|mournful|haunting|gloomy|grief"
    r"|heartbreak\w*|tragic|somber|sombre)\b"
)
_BRIGHT = re.compile(r"\b(happy|happier|bright\w*|uplifting|joyful|hopeful|sunny|cheerful|triumphant)\b")
_ROMAN_RUN = re.compile(r"[\w°ø+/#]+(?:\s*[-–—]\s*[\w°ø+/#]+)+")
_TOKEN_STRIP = ".,;:!?\"'()[]“”‘’"


@dataclass(frozen=True, slots=True)
class HarmonyAsk:
    """The harmony a request asks for; None (or empty) where the words do not say."""

    key: Key | None = None
    mode: str | None = None  # "major"/"minor" when only the mode was asked ("in a minor key", "sad")
    meter: tuple[int, int] | None = None
    bars: int | None = None
    style: str | None = None  # one of cowriter.core.progressions.STYLES
    colour: str = "plain"  # plain | rich | jazz
    mood: str | None = None  # "sad" or "bright"
    tempo: int | None = None
    groove: str | None = None  # an arranger style named in the request ("bossa", "swing", "funk")
    numerals: tuple[str, ...] = ()  # a progression given as Roman numerals ("ii–V–I")
    chords: tuple[str, ...] = ()  # chord symbols named in the request, in order ("with an E7")


def _accidental(text: str) -> int:
    t = text.strip().lower()
    if t in ("#", "♯") or t.endswith("sharp"):
        return 1
    if t in ("b", "♭") or t.endswith("flat"):
        return -1
    return 0


def _key_from(letter: str, accidental: str, mode: str) -> Key:
    mode_word = mode.strip().lower()
    minor = mode_word in ("m", "minor", "min")
    return Key(note_name(letter.upper(), _accidental(accidental)), "minor" if minor else "major")


def _find_key(text: str) -> tuple[Key | None, tuple[int, int] | None]:
    """The key named in the text and the span it takes (so its letters are not read as chords)."""
    for m in _KEY.finditer(text):
        letter, accidental, mode = m.group(1), m.group(2), m.group(3)
        after = text[m.end() :].lstrip().lower()
        if letter.islower() and not (accidental.strip() or mode.strip()):
            continue  # "in a sad mood": an article, not A
        if letter == "a" and not accidental.strip() and after.startswith("key"):
            continue  # "in a minor key": the mode only
        if letter.islower() and mode.strip() == "m":
            continue
        return _key_from(letter, accidental, mode), m.span()
    for m in _KEY_BARE.finditer(text):
        return _key_from(m.group(1), m.group(2), m.group(3)), m.span()
    return None, None


def _number(text: str) -> int:
    return int(text) if text.isdigit() else _WORD_NUMBERS[text.lower()]


def _numerals(text: str) -> tuple[tuple[str, ...], list[tuple[int, int]]]:
    """Roman numerals written as a run (`ii-V-I`, `I–vi–IV–V`, or three or more in a row)."""
    for m in _ROMAN_RUN.finditer(text):
        parts = [p.strip() for p in re.split(r"\s*[-–—]\s*", m.group(0))]
        if len(parts) >= 2 and all(ROMAN_TOKEN.match(p) for p in parts):
            return tuple(p.replace("o", "°") for p in parts), [m.span()]
    tokens = list(re.finditer(r"\S+", text))
    run: list[re.Match[str]] = []
    best: list[re.Match[str]] = []
    for t in tokens:
        word = t.group(0).strip(_TOKEN_STRIP)
        if ROMAN_TOKEN.match(word):
            run.append(t)
            if len(run) > len(best):
                best = list(run)
        else:
            run = []
    if len(best) >= 3:
        return tuple(t.group(0).strip(_TOKEN_STRIP) for t in best), [(best[0].start(), best[-1].end())]
    return (), []


_ARTICLES = frozenset({"an", "the", "on", "to", "with", "from", "and", "then", "or", "a", "add", "use"})


def _chords(text: str, skip: list[tuple[int, int]]) -> tuple[str, ...]:
    """Chord symbols the writer named: `E7`, `Fmaj7`, `Bb`, `F#m`; a bare letter only after a word like
    "an", "to" or "with" ("go to C"), and never `A` alone (the article)."""
    out: list[str] = []
    previous = ""
    for t in re.finditer(r"\S+", text):
        word = t.group(0).strip(_TOKEN_STRIP)
        inside = any(a <= t.start() < b for a, b in skip)
        before, previous = previous, word.lower()
        if inside or not word or word[0] not in "ABCDEFG":
            continue
        chord = try_parse_chord(word)
        if chord is None or chord.is_no_chord:
            continue
        bare = word == chord.root and chord.bass is None
        if bare and ((word == "A" and before != "an") or (before not in _ARTICLES and len(out) == 0)):
            continue
        out.append(word)
    return tuple(dict.fromkeys(out))


def read_harmony_ask(prompt: str) -> HarmonyAsk:
    """Read the harmony asked for in `prompt` (see the module doc)."""
    text = prompt.strip()
    low = text.lower()
    key, key_span = _find_key(text)
    mode: str | None = key.mode if key else None
    mood = "sad" if _SAD.search(low) else "bright" if _BRIGHT.search(low) else None
    if mode is None:
        if _MINOR_KEY_ONLY.search(low):
            mode = "minor"
        elif _MAJOR_KEY_ONLY.search(low):
            mode = "major"
        elif mood == "sad":
            mode = "minor"
    meter: tuple[int, int] | None = None
    m = _METER.search(low)
    if m:
        meter = (int(m.group(1)), int(m.group(2)))
    else:
        meter = next((value for pattern, value in _METER_WORDS if pattern.search(low)), None)
    bars = None
    m = _BARS.search(low)
    if m:
        bars = max(1, min(64, _number(m.group(1))))
    style = next((s for s, words in _STYLE_WORDS if re.search(rf"\b({words})\b", low)), None)
    colour = "jazz" if _JAZZ.search(low) else "rich" if _RICH.search(low) else "plain"
    if colour != "plain" and _PLAIN.search(low) and not re.search(r"\b(rich|jazz)", low):
        colour = "plain"
    tempo = None
    m = _TEMPO.search(low)
    if m:
        tempo = max(30, min(300, int(m.group(1))))
    elif _SLOW.search(low):
        tempo = 72
    elif _FAST.search(low):
        tempo = 132
    groove = next((g for g, pattern in _GROOVES if re.search(pattern, low)), None)
    numerals, roman_spans = _numerals(text)
    skip = ([key_span] if key_span else []) + roman_spans
    skip += [mt.span() for mt in _METER.finditer(text)] + [mt.span() for mt in _BARS.finditer(text)]
    return HarmonyAsk(
        key=key,
        mode=mode,
        meter=meter,
        bars=bars,
        style=style,
        colour=colour,
        mood=mood,
        tempo=tempo,
        groove=groove,
        numerals=numerals,
        chords=_chords(text, skip),
    )
