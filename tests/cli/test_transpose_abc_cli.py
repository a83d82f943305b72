"""`cowriter transpose` moves a song's ABC melody block with its chords."""

from __future__ import annotations

from pathlib import Path

import pytest

from cowriter.cli import main
from cowriter.core.abc import parse_abc_block

SONG = """{title: Grace}
{key: G}
{time: 3/4}

{start_of_verse}
A[G]mazing grace, how [C]sweet the [G]sound
{end_of_verse}

{start_of_abc: Melody}
X:1
M:3/4
L:1/8
K:G
D2 | "G"G4 BG | B4 A2 | "C"G4 ^F2 | "G"D4 D2 |]
w: A-maz-ing grace, how sweet the sound
{end_of_abc}
"""


def block(text: str) -> str:
    return text[text.index("{start_of_abc") : text.index("{end_of_abc}")]


@pytest.mark.parametrize(("n", "key"), [(2, "A"), (-2, "F"), (5, "C")])
def test_transpose_writes_the_block_in_the_new_key(
    n: int, key: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "song.cho"
    path.write_text(SONG, encoding="utf-8")
    assert main(["transpose", str(path), str(n)]) == 0
    out = capsys.readouterr().out
    assert f"{{key: {key}}}" in out
    assert f"\nK:{key}\n" in block(out)
    before = [x.pitch for x in parse_abc_block(block(SONG)).notes]
    after = [x.pitch for x in parse_abc_block(block(out)).notes]
    assert after == [p + n for p in before]
    assert "w: A-maz-ing grace, how sweet the sound" in out
