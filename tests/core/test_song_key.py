"""The song's key, one rule for the transport and the melody sketches: its `{key}`, else the key its
chords fit best, marked as a guess; none without chords."""

from __future__ import annotations

import pytest

from cowriter.core.chordpro import parse
from cowriter.core.keys import Key
from cowriter.core.melody import key_for
from cowriter.core.song_key import SongKey, song_key
from cowriter.core.timing import timeline

IN_G = """{title: Night Bus}

{start_of_verse: Verse 1}
[G]Last bus home and the [C]rain on the [G]glass
[Am]Every stop is a [D]name I know
[G]Streetlights run like [C]years gone [G]past
[C]Hold on, [D]let it [G]go
{end_of_verse}
"""

IN_A_MINOR = """{title: Cold}
[Am]Winter came down [F]over the [C]town
[G]Nobody [E7]knew my [Am]name
[Dm]Walking a[Am]lone, [E7]far from [Am]home
"""


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (IN_G, SongKey(Key("G"), guessed=True)),
        (IN_A_MINOR, SongKey(Key("A", "minor"), guessed=True)),
        ("{key: D}\n[G]Hello [C]there\n", SongKey(Key("D"))),
        ("{key: nonsense}\n[G]Hello [C]there [D]my [G]friend\n", SongKey(Key("G"), guessed=True)),
        (
            "{start_of_grid}\n| Dm . . . | Bb . . . | C . . . | F . . . |\n{end_of_grid}\n",
            SongKey(Key("F"), guessed=True),
        ),
        ("Words alone\n", None),
        ("[N.C.]Words alone\n", None),
    ],
)
def test_song_key(text: str, expected: SongKey | None) -> None:
    assert song_key(parse(text)) == expected


def test_the_melody_key_is_the_songs_moved_by_a_capo() -> None:
    """The key sounds where the capo puts it: a song in G (guessed) with a capo on 2 sings in A."""
    song = parse("{capo: 2}\n" + IN_G)
    spans = [s for s in timeline(song).spans if s.line == 6]  # "[Am]Every stop…": its own chords say Am
    assert key_for(spans, song_key(song)) == Key("A")
    assert key_for(spans) == key_for(spans, None)  # no song key given: the spans' chords' best fit
