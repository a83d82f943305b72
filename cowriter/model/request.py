"""What the writer asked for: the task and its craft constraints, read from their words.

"a chorus about leaving Detroit, 8 syllables a line, rhyme with 'rain'" → task `section`, section
`chorus`, 4 lines, 8 syllables, rhyme target `rain` on lines 2 and 4. Also read: a rhyme scheme
("ABAB", "rhyming couplets"), "keep the meter", the lines named ("line 3", "lines 2-4", "lines 1 and 3"),
the mood and the topic ("about …"). Explicit values (a `--task` flag, a TUI form) win over what the words
suggest.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

TASKS = ("section", "continue", "rewrite", "alternatives", "chords", "reharmonise", "mood", "chat")
# tasks whose lyrics stay as written: the model only places chords
FIXED_WORDS = frozenset({"chords", "reharmonise"})
# tasks that work on part of the song that already exists
NEEDS_TARGET = frozenset({"rewrite", "alternatives", "chords", "reharmonise", "mood"})

SECTION_KINDS = ("pre-chorus", "chorus", "verse", "bridge", "intro", "outro", "refrain", "hook")
_NUMBERS = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "a couple of": 2,
    "a few": 3,
}
_NUM = r"(\d+|" + "|".join(sorted(_NUMBERS, key=len, reverse=True)) + r")"
_MOODS = (
    "darker",
    "brighter",
    "sadder",
    "happier",
    "angrier",
    "calmer",
    "hopeful",
    "bitter",
    "tender",
    "melancholy",
    "wistful",
    "joyful",
    "dark",
    "bright",
    "sad",
    "happy",
    "angry",
    "calm",
    "moody",
    "playful",
)

MAX_LINES = 16
MAX_ALTERNATIVES = 8
SCHEMES = {"couplets": "AABB", "alternate": "ABAB", "alternating": "ABAB", "enclosed": "ABBA"}
_SCHEME = re.compile(r"\b([abcdx]{4,8})\b", re.IGNORECASE)
_SHORT_SCHEME = re.compile(r"\b([ABCDX]{2,3})\b")  # "AA", "ABA": only in capitals
_METER = re.compile(
    r"\b(keep|same|match|matching|keeping|in)\s+(the\s+|its\s+|their\s+)?(meter|metre|rhythm|scansion)\b"
)
_STOP = frozenset(
    """a an the and or but of to in on at by for from with about into over under my your our their his her
    its this that these those some any me you us them it i we they he she be is are was were am song
    line lines verse chorus bridge intro outro hook refrain section write give make new another rewrite
    keep meter metre rhythm rhyme rhymes rhyming scheme syllable syllables alternative alternatives other
    versions options continue next more please can could would like want need one two three four five six
    seven eight nine ten couplets pre-chorus""".split()  # noqa: SIM905
)


@dataclass(frozen=True, slots=True)
class Request:
    """One ask. `rhyme_lines` are 1-based line numbers whose last word must rhyme with `rhyme_with`."""

    prompt: str
    task: str = "section"
    section: str = "verse"
    label: str = ""
    lines: int = 4
    lines_given: bool = False  # the writer named the number of lines
    syllables: int | None = None
    rhyme_with: str | None = None
    rhyme_lines: tuple[int, ...] = ()
    mood: str | None = None
    alternatives: int = 3
    target_section: str | None = None  # "chorus", "verse 2", "bridge"
    target_lines: tuple[int, ...] = ()  # the lines named ("line 3", "lines 2-4"), 1-based
    scheme: str | None = None  # "ABAB", "AABB", "ABCB", "XAXA" (X: unrhymed), one letter a line
    keep_meter: bool = False  # syllables and stress as the lines named (or the section) have them
    topic: str = ""  # what it is about ("about leaving Detroit" → "leaving Detroit")

    @property
    def target_line(self) -> int | None:
        """The first line named, if any."""
        return self.target_lines[0] if self.target_lines else None

    def with_task(self, task: str) -> Request:
        return replace(self, task=task)

    def with_lines(self, numbers: tuple[int, ...]) -> Request:
        return replace(self, target_lines=numbers)

    def rhyme_groups(self, count: int) -> tuple[tuple[int, ...], ...]:
        """Which of `count` lines (1-based) must rhyme together: from the scheme (repeated with fresh
        letters past its end: ABAB over 8 lines is ABAB CDCD), else none."""
        if not self.scheme:
            return ()
        groups: dict[str, list[int]] = {}
        width = len(self.scheme)
        for n in range(1, count + 1):
            letter = self.scheme[(n - 1) % width]
            if letter == "X":
                continue
            groups.setdefault(f"{letter}{(n - 1) // width}", []).append(n)
        return tuple(tuple(g) for g in groups.values() if len(g) > 1)

    @property
    def content_words(self) -> tuple[str, ...]:
        """The request's own content words (its topic and images), lower case, in order."""
        found = re.findall(r"[a-z][a-z'-]+", (self.topic or self.prompt).lower())
        words = (w.removesuffix("'s").strip("'-") for w in found)
        return tuple(
            dict.fromkeys(w for w in words if w not in _STOP and len(w) > 2 and not _SCHEME.fullmatch(w))
        )


def _number(text: str) -> int:
    return int(text) if text.isdigit() else _NUMBERS[text.lower()]


_PROGRESSION = re.compile(
    r"\b(chord\s+)?progressions?\b|\bchord\s+(changes|sequence|loop|chart)s?\b|\bturnaround\b"
    r"|\b(\d+|twelve|eight|sixteen)[\s-]*bar\s+blues\b|\b(?:[iv]+|[IV]+)\s*[-–]\s*(?:[iv]+|[IV]+)\b"
)
_LYRIC_WORDS = re.compile(r"\b(lyrics?|words|lines?|rhym\w*|syllables?|verse|chorus|bridge|about)\b")


def _about_chords(prompt: str) -> bool:
    """Plainly about chords: a progression, changes, a 12-bar blues, Roman numerals (`ii–V–I`), or
    chords with no word of lyrics ("some sad chords in D minor")."""
    if _PROGRESSION.search(prompt):
        return True
    p = prompt.lower()
    return bool(re.search(r"\bchords?\b", p)) and not _LYRIC_WORDS.search(p)


def infer_task(prompt: str) -> str:
    p = prompt.lower()
    adjectives = "new|other|different|darker|brighter|richer|jazzier|sadder|simpler"
    if re.search(
        rf"\breharmoni[sz]|\b({adjectives})\s+(chords|harmony|changes)\b|\bjazzier\b|\bjazz\b.*\bup\b", p
    ):
        return "reharmonise"
    if re.search(r"\bchords?\s+(for|to|on|under)\b", p) or _about_chords(prompt):
        return "chords"
    if re.search(r"\b(alternatives?|versions?|options|other lines|variations)\b", p) or re.search(
        _NUM
        + r"\s+(other|different|alternative)\s+(lines?|ways?|takes?)|"
        + _NUM
        + r"\s+more\s+(ways?|takes?)",
        p,
    ):
        return "alternatives"
    if re.search(r"\b(rewrite|rework|redo|fix|tighten)\b", p):
        return "rewrite"
    if re.search(r"\b(mood|feel|make|turn|change)\b", p) and any(m in p for m in _MOODS):
        return "mood"
    # "two more lines", "add a line", "finish the verse": lines after the song's, not other takes
    if re.search(
        r"\b(continue|next|what comes next|another|finish|extend)\b|\b(more|add|extra)\b.*\blines?\b", p
    ):
        return "continue"
    return "section"


def parse_request(prompt: str, task: str | None = None) -> Request:
    """Read the task and constraints from the writer's words (`task` overrides the guess)."""
    p = prompt.lower()
    chosen = task or infer_task(prompt)
    if chosen not in TASKS:
        raise ValueError(f"unknown task {chosen!r}")
    section = "verse"
    label = ""
    target_section: str | None = None
    m = re.search(r"\b(" + "|".join(SECTION_KINDS) + r")(?:\s+(\d+))?\b", p)
    if m:
        section = {"refrain": "chorus", "hook": "chorus"}.get(m.group(1), m.group(1))
        target_section = m.group(1) + (f" {m.group(2)}" if m.group(2) else "")
        label = section.replace("-", " ").title() + (f" {m.group(2)}" if m.group(2) else "")
    else:
        label = section.title()
    lines = 4
    m = re.search(_NUM + r"[\s-]+(?:(?:more|new|extra|other)\s+)?lines?\b", p)
    lines_given = bool(m) and chosen != "alternatives"
    if m and lines_given:
        lines = _number(m.group(1))
    syllables = None
    m = re.search(r"(\d+)[\s-]*syllables?", p)
    if m:
        syllables = int(m.group(1))
    rhyme_with = None
    m = re.search(r"rhym\w*\s+(?:with\s+)?[\"'“‘]?([a-z']+)", p)
    if m and m.group(1) not in ("with", "scheme", *SCHEMES) and not _SCHEME.fullmatch(m.group(1)):
        rhyme_with = m.group(1).strip("'")
    lines = max(1, min(MAX_LINES, lines))
    rhyme_lines: tuple[int, ...] = ()
    if rhyme_with:
        rhyme_lines = tuple(range(2, lines + 1, 2)) if lines > 1 else (1,)
    mood = next((w for w in _MOODS if re.search(rf"\b{w}\b", p)), None)
    alternatives = 3
    m = re.search(_NUM + r"\s+(?:other|more|different|alternative|alternatives|versions|options|takes)", p)
    if m:
        alternatives = max(1, min(MAX_ALTERNATIVES, _number(m.group(1))))
    scheme = _scheme(p, prompt)
    if scheme and not lines_given and chosen in ("section", "continue", "mood"):
        lines = len(scheme)
    if scheme:
        rhyme_lines = _scheme_rhyme_lines(scheme, lines) if rhyme_with else ()
    return Request(
        prompt=prompt,
        task=chosen,
        section=section,
        label=label,
        lines=lines,
        lines_given=lines_given,
        syllables=syllables,
        rhyme_with=rhyme_with,
        rhyme_lines=rhyme_lines,
        mood=mood,
        alternatives=alternatives,
        target_section=target_section,
        target_lines=named_lines(p),
        scheme=scheme,
        keep_meter=bool(_METER.search(p)),
        topic=_topic(prompt),
    )


def named_lines(prompt: str) -> tuple[int, ...]:
    """The line numbers a request names: "line 3", "lines 2-4", "lines 2 to 4", "lines 1 and 3", "lines
    1, 2 and 5" (1-based, in order, each once; at most 16)."""
    p = prompt.lower()
    m = re.search(r"\blines?\s+(\d+(?:\s*(?:-|–|to|through|and|&|,)\s*\d+)*)", p)
    if not m:
        return ()
    out: list[int] = []
    for part in re.split(r"\s*(?:and|&|,)\s*", m.group(1)):
        span = re.split(r"\s*(?:-|–|to|through)\s*", part)
        if len(span) == 2 and span[0].isdigit() and span[1].isdigit():
            a, b = int(span[0]), int(span[1])
            out.extend(range(a, min(b, a + MAX_LINES - 1) + 1))
        elif part.strip().isdigit():
            out.append(int(part))
    return tuple(n for n in dict.fromkeys(out) if n > 0)[:MAX_LINES]


def _scheme(p: str, prompt: str = "") -> str | None:
    """A rhyme scheme named in the request: letters ("ABAB", "xaxa rhyme", "AA") or words ("couplets")."""
    for word, scheme in SCHEMES.items():
        if re.search(rf"\b(rhym\w*\s+)?{word}\b", p) and ("rhym" in p or word == "couplets"):
            return scheme
    for m in [*_SCHEME.finditer(p), *_SHORT_SCHEME.finditer(prompt)]:
        letters = m.group(1).upper()
        # a scheme has at least one rhyme (a repeated letter other than X), its first letter A or X
        rhymed = [c for c in letters if c != "X"]
        if letters[0] in "AX" and len(set(rhymed)) < len(rhymed):
            return letters
    return None


def _scheme_rhyme_lines(scheme: str, lines: int) -> tuple[int, ...]:
    """The lines that rhyme with "rhyme with X" under a scheme: the rhyme group of the last rhymed line."""
    letters = [scheme[(n - 1) % len(scheme)] for n in range(1, lines + 1)]
    rhymed = [n for n in range(lines, 0, -1) if letters[n - 1] != "X"]
    if not rhymed:
        return ()
    last = letters[rhymed[0] - 1]
    return tuple(n for n in range(1, lines + 1) if letters[n - 1] == last)


def _topic(prompt: str) -> str:
    """What the request is about: the words after "about" (or "on"/"of" after a section kind), up to
    the next comma, period or constraint."""
    m = re.search(r"\babout\s+([^,.;:!?]+)", prompt, re.IGNORECASE)
    if not m:
        return ""
    stop = r"\b(?:in\s+[a-g][#b]?\s*(?:major|minor|m)\b|rhym\w*|\d+\s*syllables?|keep(?:ing)?\s+the)"
    topic = re.split(stop, m.group(1), maxsplit=1, flags=re.IGNORECASE)[0]
    return " ".join(topic.split())
