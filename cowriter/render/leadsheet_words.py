"""The words of a lead sheet: syllables of the melody, or a chord sheet's words laid under slashes.

With a melody, each note's syllable comes from the tune (`begin`/`middle`/`end` while a word goes on, an
extender line under a word held over several notes).

Without one, the words come from the chord sheet itself, line by line: each chord's words start on the
slot (slash or note) where the chord starts and go on one word per slot while the chord lasts (more
words than slots share them). Words sung before a line's first chord are a pickup: they take the free
slots just before that chord, or join its first word when there is no room (the "A" of "A[G]mazing").
A word split by a chord (`re[D]lieved`) is written as two syllables with a hyphen between them.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from cowriter.core.arrange.band import MelodyNote
from cowriter.core.song import LyricLine, Song
from cowriter.core.timeline import ChordSpan, Timeline

SLOT = 96  # ticks: no slot (slash or note) is longer than a half note where words are laid out
SYLLABIC = {(False, False): "single", (False, True): "begin", (True, True): "middle", (True, False): "end"}


@dataclass(frozen=True, slots=True)
class Words:
    """A lyric under one note: its text, how it joins its neighbours, and an extender line after it."""

    text: str
    syllabic: str = "single"
    extend: bool = False


def melody_words(melody: Sequence[MelodyNote]) -> list[Words | None]:
    """The syllable under each note of a tune (None on a note that holds the previous syllable)."""
    out: list[Words | None] = []
    open_word = False
    for i, note in enumerate(melody):
        if not note.syllable:
            out.append(None)
            continue
        held = i + 1 < len(melody) and not melody[i + 1].syllable and not note.hyphen
        out.append(Words(note.syllable, SYLLABIC[(open_word, note.hyphen)], extend=held))
        open_word = note.hyphen
    return out


@dataclass(slots=True)
class _Token:
    text: str
    joined_before: bool = False  # the rest of a word begun before (the "lieved" of "re[D]lieved")
    joined_after: bool = False  # a word going on after it (the "re")


def _is_word_char(ch: str) -> bool:
    return bool(ch) and (ch.isalnum() or ch in "'’")


def _tokens(text: str, before: str, after: str) -> list[_Token]:
    """The words of `text`; `before`/`after` are the characters around it in its line, which tell whether
    its first and last words go on across a chord (`re[D]lieved`, `a-[C]coming`)."""
    words = [_Token(w) for w in text.split()]
    if words:
        words[0].joined_before = _is_word_char(text[0]) and (_is_word_char(before) or before == "-")
        last = words[-1]
        last.joined_after = _is_word_char(after) and (_is_word_char(text[-1]) or text[-1] == "-")
        if last.joined_after and last.text.endswith("-") and len(last.text) > 1:
            last.text = last.text[:-1]  # the written hyphen becomes the lyric's own
    return words


def _groups(tokens: list[_Token], slots: int) -> list[list[_Token]]:
    """Tokens shared out over `slots` slots in order: one each while they last, else evenly."""
    if len(tokens) <= slots:
        return [[t] for t in tokens]
    return [tokens[j * len(tokens) // slots : (j + 1) * len(tokens) // slots] for j in range(slots)]


def _words(group: list[_Token]) -> Words:
    text = " ".join(t.text for t in group)
    return Words(text, SYLLABIC[(group[0].joined_before, group[-1].joined_after)])


def _line_runs(timed: Timeline) -> list[list[ChordSpan]]:
    """The spans of each sung line in order: consecutive spans from the same source line and section."""
    runs: list[list[ChordSpan]] = []
    for span in sorted(timed.spans, key=lambda s: s.start):
        if runs and (runs[-1][-1].line, runs[-1][-1].section_index) == (span.line, span.section_index):
            runs[-1].append(span)
        else:
            runs.append([span])
    return runs


def _where(line: LyricLine, lyric: str, cursor: int) -> int:
    """Where a chord's words start in its line: at the first chord (or the line's start, where a chord
    carries on under the first words) from `cursor` on whose words they are; -1 if none is."""
    text = line.lyrics
    for column in [*sorted({ref.at for ref in line.chords}), 0]:  # the line's start last: chord first
        start = column + len(text[column:]) - len(text[column:].lstrip())
        if start >= cursor and text.startswith(lyric, start):
            return start
    return -1


def slash_words(
    song: Song, timed: Timeline, tick_of: Callable[[float], int], slots: Sequence[int]
) -> dict[int, Words]:
    """The words of the chord sheet on `slots` (sorted tick positions of slashes or notes): tick → Words."""
    slots = sorted(set(slots))
    taken: dict[int, list[_Token]] = {}
    lines = {line.line: line for line in song.lines}
    pickups: list[tuple[int, int, list[_Token]]] = []  # (first chord's tick, earliest tick, tokens)
    previous = 0  # where the chord before the line began: a pickup goes no further back
    for run in _line_runs(timed):
        earliest, previous = previous, tick_of(run[-1].start)
        line: LyricLine | None = lines.get(run[0].line)
        if line is None or not any(s.lyric for s in run):
            continue
        text, cursor, first = line.lyrics, 0, -1
        for span in run:
            if not span.lyric:
                continue
            at = _where(line, span.lyric, cursor)
            if at < 0:  # not found as written: place the words without joining them to anything
                at, before, after = cursor, "", ""
            else:
                before, after = text[at - 1 : at], text[at + len(span.lyric) : at + len(span.lyric) + 1]
            if first < 0:
                first = at
                if at > 0 and text[:at].strip():
                    lead = text[:at]
                    tokens = _tokens(lead.strip(), "", span.lyric[0] if lead == lead.rstrip() else " ")
                    pickups.append((tick_of(span.start), earliest, tokens))
            cursor = max(cursor, at + len(span.lyric))
            tokens = _tokens(span.lyric, before, after)
            start, end = tick_of(span.start), tick_of(span.start + span.duration)
            lo, hi = bisect_left(slots, start), bisect_left(slots, end)
            if lo == hi and lo > 0 and start - slots[lo - 1] < SLOT:  # a chord shorter than a slot: its words
                taken.setdefault(slots[lo - 1], []).extend(tokens)  # join the slot sounding under it
                continue
            for slot, group in zip(slots[lo:hi], _groups(tokens, hi - lo), strict=False):
                taken[slot] = group
    for tick, earliest, tokens in pickups:
        _pickup(slots, taken, tick, earliest, tokens)
    return {slot: _words(group) for slot, group in taken.items() if group}


def _pickup(
    slots: list[int], taken: dict[int, list[_Token]], tick: int, earliest: int, tokens: list[_Token]
) -> None:
    """Words before a line's first chord: on the free slots just before it (under the chord before,
    no earlier), else joined to its words."""
    i = bisect_left(slots, tick)
    free: list[int] = []
    j = i - 1
    while j >= 0 and slots[j] >= earliest and slots[j] not in taken and len(free) < len(tokens):
        free.insert(0, slots[j])
        j -= 1
    if free:
        for slot, group in zip(free, _groups(tokens, len(free)), strict=False):
            taken[slot] = group
        return
    if i < len(slots) and slots[i] == tick and taken.get(tick):
        head = taken[tick]
        if tokens[-1].joined_after and head[0].joined_before:  # "A" + "mazing": one word again
            head[0] = _Token(tokens[-1].text + head[0].text, tokens[-1].joined_before, head[0].joined_after)
            tokens = tokens[:-1]
        taken[tick] = tokens + head
