"""The words of a song as a karaoke player and a notation program read them from a MIDI file (pure).

RP-017 of the MIDI Manufacturers Association (SMF Lyric Meta Event Definition) says how lyric events
carry words: one event per syllable, at the note that sings it; a space at the end of each word (an event
without one continues its word in the next event); punctuation at the end of the word's last syllable,
before the space; a carriage return (CR) at the end of a line and a line feed (LF) at the end of a
paragraph. Players that follow it show "Amazing grace, how sweet the sound" line by line, not
"A-ma-zinggracehowsweetthesound".

Which syllable ends a line is read from the chord sheet: the sung syllables are matched, letter by
letter, against the lyric lines in the order the timeline performs them (a recalled chorus again); the
last line of a section ends a paragraph. Where the letters stop matching (a tune stored for other words),
no more line ends are marked rather than wrong ones.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from cowriter.core.timeline import ChordSpan, Timeline

__all__ = ["LINE", "PARAGRAPH", "Sung", "continues", "lyric_texts", "performances", "span_texts"]

LINE = "\r"
PARAGRAPH = "\n"


@dataclass(frozen=True, slots=True)
class Sung:
    """A syllable sung at `start`: its text, and whether its word goes on in the next syllable."""

    start: float
    text: str
    hyphen: bool = False


def continues(previous: ChordSpan | None, span: ChordSpan) -> bool:
    """Whether `span` goes on with the same performance of a line as `previous` (the span before it in
    time): the same line and section, straight after it, further along the line. A recalled chorus right
    after the chorus, or a section `{x_flow}` plays twice, starts a new performance."""
    if previous is None or previous.line != span.line or previous.section_index != span.section_index:
        return False
    if span.start > previous.start + previous.duration + 1e-6:
        return False
    if span.at < 0:  # a chord carried into a line only ever opens it
        return False
    return previous.at < 0 or span.at > previous.at


def performances(timed: Timeline) -> list[tuple[int, int]]:
    """The lyric lines as the timeline performs them: (source line, section index), in time order."""
    out: list[tuple[int, int]] = []
    previous: ChordSpan | None = None
    for span in sorted(timed.spans, key=lambda s: s.start):
        if span.line and not continues(previous, span):
            out.append((span.line, span.section_index))
        previous = span
    return out


def _letters(text: str) -> int:
    return sum(1 for ch in text if ch.isalnum())


def _punctuation_after(line: str, letters: int) -> str:
    """The punctuation that follows the `letters`-th letter of `line` up to the next space or letter."""
    seen = 0
    for i, ch in enumerate(line):
        if ch.isalnum():
            seen += 1
            if seen == letters:
                tail = ""
                for nxt in line[i + 1 :]:
                    if nxt.isalnum() or nxt.isspace():
                        break
                    tail += nxt
                return tail
    return ""


def lyric_texts(sung: Sequence[Sung], timed: Timeline, lines: Mapping[int, str]) -> list[str]:
    """The lyric event text of each sung syllable, by RP-017: `grace, ` `how ` `sweet ` … `sound\\r`."""
    order = [(lines[line], index) for line, index in performances(timed) if _letters(lines.get(line, ""))]
    marks = [""] * len(sung)
    words = [""] * len(sung)  # punctuation after a word's last syllable
    k = 0
    for n, (text, section) in enumerate(order):
        want, got, first = _letters(text), 0, k
        while k < len(sung) and got < want:
            got += _letters(sung[k].text)
            if not sung[k].hyphen and got <= want:
                words[k] = _punctuation_after(text, got)
            k += 1
        if got != want or k == first:
            break  # the tune does not sing these words: no more line ends
        last_of_section = n + 1 == len(order) or order[n + 1][1] != section
        marks[k - 1] = PARAGRAPH if last_of_section else LINE
    out = []
    for s, punct, mark in zip(sung, words, marks, strict=True):
        if s.text.endswith(("'", "’")):  # the word's own apostrophe ("Comin'") is in the syllable
            punct = punct.lstrip("'’")
        out.append((s.text if s.hyphen else s.text + punct + " ") + mark)
    return out


def span_texts(timed: Timeline) -> list[tuple[float, str]]:
    """A song without a tune: the words under each chord as one event at the chord, a space after them,
    CR where the line ends and LF where the section does."""
    spans = [s for s in sorted(timed.spans, key=lambda s: s.start) if s.lyric.strip()]
    out: list[tuple[float, str]] = []
    for k, span in enumerate(spans):
        nxt = spans[k + 1] if k + 1 < len(spans) else None
        mark = ""
        if nxt is None or nxt.section_index != span.section_index:
            mark = PARAGRAPH
        elif nxt.line != span.line or nxt.start > span.start + span.duration + 1e-6:
            mark = LINE
        out.append((span.start, " ".join(span.lyric.split()) + " " + mark))
    return out
