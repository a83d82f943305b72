"""The lines a melody sets, as the generator reads them: syllables as written, their phrase, their chords.

Each lyric line becomes a `MelodyLine`: its syllables (the spelling pieces of the lyrics package, with the
apostrophes of the words as written: "'Twas", "Comin'"), the phrase and chords the timeline gives it, and
its anchors: the syllable each chord stands on in the chord sheet, pinned to the beat where the timeline
starts that chord (`Was [Em]blind, but [D]now I [G]see`: "blind" on Em, "now" on D, "see" on G). Words
before a line's first chord are a pickup before the phrase, unless the timeline carried the previous
chord into the line (a long lead-in is sung inside the phrase).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from cowriter.core.karaoke import continues
from cowriter.core.melody import MelodyLine, SungSyllable, windows
from cowriter.core.song import LyricLine, SectionKind, Song
from cowriter.core.timeline import ChordSpan, Meter, Timeline
from cowriter.core.timing import phrase_bars
from cowriter.lyrics import Syllable, syllabify
from cowriter.lyrics.syllables import WORD_RE

__all__ = ["anchors", "first_performance", "melody_lines", "sung_syllables"]

_APOSTROPHES = "'’"


def sung_syllables(text: str) -> tuple[tuple[SungSyllable, ...], tuple[tuple[int, int], ...]]:
    """The syllables of a lyric line to sing, and where each stands in `text` (start, end). A word keeps
    its elision apostrophes ("'Twas", "Comin'", "rock 'n' roll"): the first syllable takes the leading
    one, the last the trailing one."""
    sylls = _numbers_whole(syllabify(text))
    if not sylls:
        return (), ()
    spans = [_word_span(text, m.start(), m.end()) for m in WORD_RE.finditer(text)]
    last_word = sylls[-1].word_index
    in_last = [k for k, s in enumerate(sylls) if s.word_index == last_word]
    stressed = [k for k in in_last if sylls[k].stress] or in_last[-1:]
    rhyme_from = stressed[-1]
    out: list[SungSyllable] = []
    where: list[tuple[int, int]] = []
    cursor: dict[int, int] = {}
    for k, s in enumerate(sylls):
        if s.word_index >= len(spans):  # cannot happen (the same words), but never index past them
            out.append(SungSyllable(s.text, s.level, s.word_end, rhyme=k >= rhyme_from))
            where.append((len(text), len(text)))
            continue
        (w_start, w_end), (core_start, core_end) = spans[s.word_index]
        first = s.word_index not in cursor
        begin = cursor.get(s.word_index, core_start)
        stop = core_end if s.word_end else min(begin + len(s.text), core_end)
        cursor[s.word_index] = stop
        piece = text[w_start if first else begin : w_end if s.word_end else stop]
        out.append(SungSyllable(piece or s.text, s.level, s.word_end, rhyme=k >= rhyme_from))
        where.append((w_start if first else begin, w_end if s.word_end else stop))
    return tuple(out), tuple(where)


def _numbers_whole(sylls: list[Syllable]) -> list[Syllable]:
    """A number is sung on one note with its digits together ("2001", not "2-0-0-1": abc2midi drops digits
    set as syllables of a w: line, and no singer reads a year digit by digit)."""
    out: list[Syllable] = []
    for s in sylls:
        if out and out[-1].word_index == s.word_index and (out[-1].text + s.text).isdigit():
            out[-1] = Syllable(out[-1].text + s.text, s.word_index, out[-1].stress, s.word_end, out[-1].level)
            continue
        out.append(s)
    return out


def _word_span(text: str, start: int, end: int) -> tuple[tuple[int, int], tuple[int, int]]:
    """The word with its elision apostrophes, and the word as the lyrics package reads it."""
    outer_start, outer_end = start, end
    if start > 0 and text[start - 1] in _APOSTROPHES and (start < 2 or not text[start - 2].isalnum()):
        outer_start = start - 1
    after = text[end + 1 : end + 2]
    if end < len(text) and text[end] in _APOSTROPHES and not after.isalnum():
        outer_end = end + 1
    return (outer_start, outer_end), (start, end)


Pins = tuple[tuple[int, float], ...]


def anchors(spans: Sequence[ChordSpan], where: Sequence[tuple[int, int]]) -> tuple[Pins, Pins, int]:
    """The syllables the line's chords stand on, pinned to their onsets; the holds (a second chord on a
    pinned syllable: the syllable after it starts only after that chord); and the pickup: how many
    syllables come before the first chord (0 when the timeline carried a chord into the line, so the
    lead-in is sung inside the phrase). A chord inside a syllable stands on that syllable; a chord after
    the last word (`me. [D7]`) stands on none."""
    pinned: list[tuple[int, float]] = []
    holds: list[tuple[int, float]] = []
    for span in spans:
        if span.at < 0:
            continue
        k = next((i for i, (_, end) in enumerate(where) if end > span.at), None)
        if k is None:
            continue
        if pinned and k <= pinned[-1][0]:
            if k + 1 < len(where):
                holds.append((k + 1, span.start))
            continue
        pinned.append((k, span.start))
    lead_in = 0
    if spans and spans[0].at >= 0 and pinned and abs(pinned[0][1] - spans[0].start) < 1e-9:
        lead_in = pinned[0][0]
    return tuple(pinned), tuple(holds), lead_in


def first_performance(spans: Sequence[ChordSpan], source_line: int) -> list[ChordSpan]:
    """The spans of a line's first performance (a recalled chorus plays its lines again later)."""
    group: list[ChordSpan] = []
    for span in spans:
        if span.line != source_line:
            if group:
                break
            continue
        if group and not continues(group[-1], span):
            break
        group.append(span)
    return group


def meter_at(timed: Timeline, beat: float) -> Meter:
    meter = timed.meters[0].meter if timed.meters else Meter()
    for change in timed.meters:
        if change.start <= beat + 1e-9:
            meter = change.meter
    return meter


def melody_lines(
    song: Song, timed: Timeline, lines_wanted: Sequence[tuple[int, LyricLine]]
) -> tuple[list[MelodyLine], Meter, list[tuple[int, LyricLine]]]:
    """A `MelodyLine` for each wanted line: its phrase and chords from the timeline (a line without chords
    gets the time up to the next line with chords, at most a phrase), its syllables from the lyrics; and
    the lines kept: those that have time to be sung in (words the timeline reads as a preamble, such as
    the title line of a plain-text sheet, have none; a single line asked for always gets a phrase)."""
    lines: list[MelodyLine] = []
    kept: list[tuple[int, LyricLine]] = []
    cursor = 0.0
    meter = meter_at(timed, 0.0)
    firsts = [first_performance(timed.spans, ln.line) for _, ln in lines_wanted]
    for pos, (section_index, line) in enumerate(lines_wanted):
        spans = firsts[pos]
        if spans:
            first = spans[0]
            start = first.start - (first.beat - 1)
            end = spans[-1].start + spans[-1].duration
            meter = meter_at(timed, start)
        else:  # no chord sounding: a phrase of its own after the previous one
            meter = meter_at(timed, cursor)
            start, end = cursor, cursor + phrase_bars(meter) * meter.beats
            later = next((f[0].start - (f[0].beat - 1) for f in firsts[pos + 1 :] if f), None)
            if later is not None and later < end:
                if later - start < meter.beats and len(lines_wanted) > 1:
                    continue  # no room before the next line with chords
                end = later
        cursor = end
        sylls, where = sung_syllables(line.lyrics)
        pinned, holds, lead_in = anchors(spans, where)
        lines.append(
            MelodyLine(
                syllables=sylls,
                start=start,
                end=end,
                chords=windows(spans),
                lead_in=lead_in,
                source_line=line.line,
                section=section_index,
                lift=3.0 if song.sections[section_index].kind is SectionKind.CHORUS else 0.0,
                anchors=pinned,
                holds=holds,
            )
        )
        kept.append((section_index, line))
    for k, ml in enumerate(lines):  # the last line of each section closes it
        if k + 1 == len(lines) or kept[k + 1][0] != kept[k][0]:
            lines[k] = replace(ml, closing=True)
    return lines, meter, kept
