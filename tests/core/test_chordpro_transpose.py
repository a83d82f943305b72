"""Transposing parsed songs: +n then -n gives back the chords of key-spelled songs; the text survives."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from cowriter.core.chordpro import parse
from cowriter.core.format import to_chordpro
from cowriter.core.transpose import transpose_song

# Songs whose chords are spelled for their key (what a careful writer or cowriter itself produces).
KEYED = {
    "C": ["C", "Dm7", "Em", "F", "G7", "Am", "Bdim", "G/B", "Fmaj7"],
    "G": ["G", "Am", "Bm7", "C", "D7", "Em", "D/F#", "Cadd9"],
    "F": ["F", "Gm7", "Am", "Bb", "C7", "Dm", "Bb/C"],
    "D": ["D", "Em", "F#m", "G", "A7", "Bm", "A/C#"],
    "Bb": ["Bb", "Cm7", "Dm", "Eb", "F7", "Gm", "Ebmaj7"],
    "Eb": ["Eb", "Fm7", "Gm", "Ab", "Bb7", "Cm"],
    "A": ["A", "Bm7", "C#m", "D", "E7", "F#m", "E/G#"],
}


@settings(max_examples=120, deadline=None)
@given(
    key=st.sampled_from(sorted(KEYED)),
    picks=st.lists(st.integers(0, 8), min_size=1, max_size=8),
    n=st.integers(-6, 6),
)
def test_up_then_down_gives_back_the_chords(key: str, picks: list[int], n: int) -> None:
    chords = KEYED[key]
    line = " ".join(f"[{chords[i % len(chords)]}]la" for i in picks)
    text = f"{{title: T}}\n{{key: {key}}}\n{{soc}}\n{line}\n{{eoc}}\n"
    song = parse(text)
    back = transpose_song(transpose_song(song, n), -n)
    assert to_chordpro(back) == text


def test_transposed_text_keeps_everything_else() -> None:
    text = "# note\n{title: T}\n{key: G}\n\n{sov: V}\nHere [G]I am, [D/F#]here I [Em]stay\n{eov}\n"
    out = to_chordpro(transpose_song(parse(text), -2))
    assert out == "# note\n{title: T}\n{key: F}\n\n{sov: V}\nHere [F]I am, [C/E]here I [Dm]stay\n{eov}\n"
