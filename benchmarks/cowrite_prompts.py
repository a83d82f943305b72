"""Prompts for the co-writer's figures (issue 12), written fresh for it: none of `bench_model.py`'s 30 (on
which the syllable bounds were tuned).

Two sets that share no prompt: `TUNE` is what the weights, prompts and search sizes were adjusted on while
building; `HELD_OUT` is only ever measured (`bench_cowrite.py`). Each case is a request as a songwriter
would type it, on a song or none, with what it asks for spelled out for the checks: the lines of the
reply, the syllables per line, which line pairs must rhyme (1-based, within the reply; a word to rhyme
with), and the lyric line a rewrite or alternatives task works on.

The songs are public domain (the three in examples/, "Amazing Grace") or written for this file.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"

AMAZING = """{title: Amazing Grace}
{artist: John Newton}
{key: G}
{time: 3/4}

{start_of_verse: Verse 1}
A[G]mazing grace, how [C]sweet the [G]sound
That saved a wretch like [D]me
I [G]once was lost, but [C]now am [G]found
Was [Em]blind, but [D]now I [G]see
{end_of_verse}
"""

HARBOUR = """{title: Harbour Lights}
{key: A}
{time: 4/4}

{start_of_verse: Verse 1}
[A]Nets are drying on the [D]harbour wall
The [A]gulls are crying where the [E]breakers fall
My [A]father's boat is [D]painted red and blue
He [A]taught me every [E]knot I ever [A]knew
{end_of_verse}
"""

KITCHEN = """{title: Sunday Bread}
{key: F}

{start_of_verse: Verse 1}
[F]Flour on the table and the [Bb]radio low
[F]Grandma hums a hymn that [C]only angels know
{end_of_verse}
"""

BUS = """{title: Night Bus}
{key: Em}

{start_of_verse: Verse 1}
[Em]Last bus out of the [C]city
[G]Rain on the window [D]glass
[Em]Faces I'll never [C]remember
[G]Watching the streetlights [D]pass
{end_of_verse}
"""


def _example(name: str) -> str:
    return (EXAMPLES / name).read_text(encoding="utf-8")


@dataclass(frozen=True)
class Case:
    prompt: str
    song: str = ""
    lines: int | None = None  # lines the reply should hold
    syllables: int | None = None  # per line, when the request names it
    pairs: tuple[tuple[int, int], ...] = ()  # reply lines that must rhyme
    rhyme_with: str | None = None  # and the word some lines must rhyme with
    rhyme_lines: tuple[int, ...] = ()
    line: int | None = None  # the lyric line a rewrite or alternatives task works on
    task: str | None = None

    def song_text(self) -> str:
        return _example(self.song) if self.song.endswith(".cho") else self.song


TUNE = (
    Case("a 4-line chorus about my grandmother's kitchen, ABAB rhyme", lines=4, pairs=((1, 3), (2, 4))),
    Case(
        "a verse about a lighthouse keeper, 8 syllables a line, rhyming couplets",
        lines=4,
        syllables=8,
        pairs=((1, 2), (3, 4)),
    ),
    Case(
        "a bridge about the last train home, rhyme with 'rain'",
        lines=4,
        rhyme_with="rain",
        rhyme_lines=(2, 4),
    ),
    Case("continue the song, keep the meter", song="oh-susanna.cho", lines=4, task="continue"),
    Case("rewrite line 3", song=AMAZING, lines=1, line=3),
    Case("alternatives for line 2", song=HARBOUR, line=2),
    Case("a chorus about fishing boats coming home, XAXA", song=HARBOUR, lines=4, pairs=((2, 4),)),
    Case("a 2-line hook about summer, 6 syllables a line, AA", lines=2, syllables=6, pairs=((1, 2),)),
    Case("rewrite line 4 with 7 syllables", song=BUS, lines=1, syllables=7, line=4),
    Case("a verse about a broken clock, ABCB", lines=4, pairs=((2, 4),)),
    Case("a sad chorus about an empty stadium", lines=4),
    Case("three other lines for line 1", song=KITCHEN, line=1),
)

HELD_OUT = (
    Case("a 4-line chorus about the river in winter, ABAB rhyme", lines=4, pairs=((1, 3), (2, 4))),
    Case("a verse about my father's old truck, rhyming couplets", lines=4, pairs=((1, 2), (3, 4))),
    Case(
        "a chorus about leaving the farm, rhyme with 'gone'", lines=4, rhyme_with="gone", rhyme_lines=(2, 4)
    ),
    Case("a bridge about a bus at midnight, 7 syllables a line, XAXA", lines=4, syllables=7, pairs=((2, 4),)),
    Case(
        "a verse about a wedding in the rain, 8 syllables a line, ABAB",
        lines=4,
        syllables=8,
        pairs=((1, 3), (2, 4)),
    ),
    Case("continue the song, keep the meter", song="swing-low.cho", lines=4, task="continue"),
    Case("continue the song with a verse about the sea", song=HARBOUR, lines=4, task="continue"),
    Case("rewrite line 2", song=AMAZING, lines=1, line=2),
    Case("rewrite line 4, keep the meter", song="oh-susanna.cho", lines=1, line=4),
    Case("rewrite line 3 with 6 syllables", song=BUS, lines=1, syllables=6, line=3),
    Case("alternatives for line 1", song=AMAZING, line=1),
    Case("four other lines for line 2", song=KITCHEN, line=2),
    Case("alternatives for line 3", song=HARBOUR, line=3),
    Case("a 4-line chorus about grandmother's garden, AABB", song=KITCHEN, lines=4, pairs=((1, 2), (3, 4))),
    Case("a hopeful chorus about a new job in the city, ABCB", song=BUS, lines=4, pairs=((2, 4),)),
    Case("a verse about nets and gulls at dawn, 9 syllables a line", song=HARBOUR, lines=4, syllables=9),
    Case("a 2-line hook about coffee and cigarettes, AA", lines=2, pairs=((1, 2),)),
    Case(
        "a pre-chorus about waiting by the phone, rhyme with 'call'",
        lines=4,
        rhyme_with="call",
        rhyme_lines=(2, 4),
    ),
    Case("a darker verse about a factory closing, ABAB", lines=4, pairs=((1, 3), (2, 4))),
    Case("an outro about the porch light left on, 6 syllables a line", lines=4, syllables=6),
)
