"""What the writer asked for: the task and its craft constraints, read from their words.

"a chorus about leaving Detroit, 8 syllables a line, rhyme with 'rain'" → task `section`, section
`chorus`, 4 lines, 8 syllables, rhyme target `rain` on lines 2 and 4. Explicit values (a `--task` flag, a
TUI form) win over what the words suggest.
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
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "a couple of": 2, "a few": 3,
}
_NUM = r"(\d+|" + "|".join(sorted(_NUMBERS, key=len, reverse=True)) + r")"
_MOODS = (
    "darker", "brighter", "sadder", "happier", "angrier", "calmer", "hopeful", "bitter", "tender",
    "melancholy", "wistful", "joyful", "dark", "bright", "sad", "happy", "angry", "calm", "moody", "playful",
)

MAX_LINES = 16
MAX_ALTERNATIVES = 8


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
    target_line: int | None = None  # 1-based lyric line across the song

    def with_task(self, task: str) -> Request:
        return replace(self, task=task)


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
        _NUM + r"\s+(other|more|different|alternative)\s+(lines?|ways?|takes?)", p
    ):
        return "alternatives"
    if re.search(r"\b(rewrite|rework|redo|fix|tighten)\b", p):
        return "rewrite"
    if re.search(r"\b(mood|feel|make|turn|change)\b", p) and any(m in p for m in _MOODS):
        return "mood"
    if re.search(r"\b(continue|next|what comes next|another)\b", p):
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
    m = re.search(_NUM + r"[\s-]+lines?\b", p)
    lines_given = bool(m) and chosen != "alternatives"
    if m and lines_given:
        lines = _number(m.group(1))
    syllables = None
    m = re.search(r"(\d+)[\s-]*syllables?", p)
    if m:
        syllables = int(m.group(1))
    rhyme_with = None
    m = re.search(r"rhym\w*\s+(?:with\s+)?[\"'“‘]?([a-z']+)", p)
    if m and m.group(1) not in ("with", "scheme"):
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
    target_line = None
    m = re.search(r"\bline\s+(\d+)\b", p)
    if m:
        target_line = int(m.group(1))
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
        target_line=target_line,
    )
