"""Melodies stored one block per line (what `cowriter melody --write --line N` does) all reach the band."""

from __future__ import annotations

from cowriter.core.arrange import melody_of
from cowriter.core.sheet import read_song

SONG = """{title: Two Lines}
{key: C}
{time: 4/4}
[C]Row the boat [G]down the stream
[F]slowly to the [C]sea

{start_of_abc: Melody: line 1}
X:1
M:4/4
L:1/4
K:C
%%cowriter-start 0
C D E F | G A G E |
{end_of_abc}

{start_of_abc: Melody: line 2}
X:1
M:4/4
L:1/4
K:C
%%cowriter-start 8
E D C D | C4 |
{end_of_abc}

{start_of_abc: A whole-song tune that overlaps}
X:1
M:4/4
L:1/4
K:C
B B B B |
{end_of_abc}
"""


def test_every_block_contributes_on_its_own_offset_and_overlaps_are_left_out() -> None:
    notes = melody_of(read_song(SONG))
    assert [n.pitch for n in notes] == [60, 62, 64, 65, 67, 69, 67, 64, 64, 62, 60, 62, 60]
    assert notes[8].start == 8.0
    assert [n.start for n in notes] == sorted(n.start for n in notes)
