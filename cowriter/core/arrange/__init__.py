"""Arrangement: a timed song becomes a band — comping, pad, bass, drums and the melody — as note events.

`arrange(song)` times the song (`core.timing`), reads its melody from an ABC block when it has one, and
plays it in the styles of `STYLES` (`cowriter styles` lists them). Deterministic: the same song, options
and seed give the same `Arrangement`.
"""

from __future__ import annotations

from dataclasses import replace

from cowriter.core.abc import AbcError, parse_abc_block
from cowriter.core.arrange.band import ArrangeError, MelodyNote, arrange_timeline
from cowriter.core.arrange.flow import select_section
from cowriter.core.arrange.harmony import transpose_key
from cowriter.core.arrange.styles import STYLES, Style, find_style
from cowriter.core.events import Arrangement, KeyChange
from cowriter.core.song import SectionKind, Song, Verbatim
from cowriter.core.song_key import song_key
from cowriter.core.timeline import Timeline
from cowriter.core.timing import timeline as song_timeline

__all__ = [
    "MAX_SECONDS",
    "STYLES",
    "ArrangeError",
    "MelodyNote",
    "Style",
    "arrange",
    "arrange_timeline",
    "find_style",
    "melody_of",
]


MAX_SECONDS = 60 * 60  # one hour: every real song and medley fits; 10,000 nested choruses do not


def melody_of(song: Song) -> tuple[MelodyNote, ...]:
    """The notes of the song's ABC blocks on the song's clock (empty when it has none).

    `cowriter melody --write` stores one block per line or section, each placed by its own offset, so
    every readable block contributes; a block whose span overlaps one already taken (two whole-song tunes,
    say) is left out, and so is a block that cannot be read."""
    taken: list[tuple[float, float]] = []
    notes: list[MelodyNote] = []
    for section in song.sections:
        if section.kind is not SectionKind.ABC:
            continue
        text = "\n".join(i.text for i in section.items if isinstance(i, Verbatim))
        try:
            tune = parse_abc_block(text)
        except AbcError:
            continue
        block = [
            MelodyNote(tune.offset + n.start, n.duration, n.pitch, n.syllable, n.hyphen) for n in tune.notes
        ]
        if not block:
            continue
        span = (block[0].start, max(n.start + n.duration for n in block))
        if any(span[0] < end and start < span[1] for start, end in taken):
            continue
        taken.append(span)
        notes.extend(block)
    return tuple(sorted(notes, key=lambda n: n.start))


def arrange(
    song: Song,
    *,
    style: str | None = None,
    bpm: float | None = None,
    seed: int = 0,
    section: str | None = None,
    count_in: bool = True,
    ending: bool = True,
) -> Arrangement:
    """The song played by the band. `style` overrides every section's; `bpm` rescales the tempo map so
    the song starts at `bpm`; `section` plays one section alone (its first occurrence)."""
    timed = song_timeline(song)
    melody = melody_of(song)
    if section:
        picked = select_section(timed, section)
        if picked is None:
            names = ", ".join(dict.fromkeys(m.name for m in timed.sections if m.name)) or "none"
            raise ArrangeError(f"no section called {section!r} (sections: {names})")
        timed, melody = picked, ()
    if not timed.spans:
        raise ArrangeError("the song has no chords to arrange")
    _check_length(timed.seconds * (timed.tempos[0].bpm / bpm if bpm and bpm > 0 and timed.tempos else 1.0))
    arrangement = arrange_timeline(
        timed,
        style=style,
        bpm=bpm,
        seed=seed,
        count_in=count_in,
        ending=ending,
        melody=melody,
        title=song.title,
        lyric_lines={line.line: line.lyrics for line in song.lines if line.has_words},
    )
    return _with_opening_key(arrangement, song, timed)


def _with_opening_key(arrangement: Arrangement, song: Song, timed: Timeline) -> Arrangement:
    """A song that does not say its key from the start gets the key its chords fit best (as the editor
    shows it, `core.song_key`), sounding (after `{transpose}` or a capo), from beat 0: a MIDI file without
    a key signature leaves a reader to guess it (MuseScore took a B flat song for F)."""
    if arrangement.keys and arrangement.keys[0].start <= 1e-9:
        return arrangement
    found = song_key(song)
    if found is None:
        return arrangement
    name = transpose_key(str(found), timed.spans[0].transpose if timed.spans else 0)
    if not name:
        return arrangement
    return replace(arrangement, keys=(KeyChange(0.0, name), *arrangement.keys))


def _check_length(seconds: float) -> None:
    """Refuse, before any note is made, a song longer than `MAX_SECONDS` (its render would be gigabytes
    and its arrangement minutes of work)."""
    if seconds > MAX_SECONDS:
        raise ArrangeError(
            f"the song lasts {seconds / 60:,.0f} minutes; cowriter arranges up to {MAX_SECONDS // 60}, "
            "so play or render one --section"
        )
