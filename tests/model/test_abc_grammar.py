"""The ABC melody grammar: pitch spelling, the key's scale in a range, and what llama.cpp accepts under it."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cowriter.core.abc import key_signature, parse_abc
from cowriter.model.abc_grammar import melody_grammar, pitch_token, scale_tokens
from cowriter.model.llama import LlamaBackend
from tests.model.fixtures import llama_backend, model_path  # noqa: F401


@pytest.mark.parametrize(
    ("letter", "octave", "token"),
    [("C", 4, "C"), ("B", 3, "B,"), ("G", 2, "G,,"), ("c", 5, "c"), ("D", 6, "d'"), ("E", 7, "e''")],
)
def test_pitch_token(letter: str, octave: int, token: str) -> None:
    assert pitch_token(letter, octave) == token


@pytest.mark.parametrize(
    ("key", "low", "high", "expected"),
    [
        ("C", 60, 67, {"C": 60, "D": 62, "E": 64, "F": 65, "G": 67}),
        ("G", 64, 69, {"E": 64, "F": 66, "G": 67, "A": 69}),  # F is F# under K:G
        ("F", 69, 74, {"A": 69, "B": 70, "c": 72, "d": 74}),  # B is Bb under K:F
        ("Am", 55, 60, {"G,": 55, "A,": 57, "B,": 59, "C": 60}),
    ],
)
def test_scale_tokens(key: str, low: int, high: int, expected: dict[str, int]) -> None:
    assert scale_tokens(key_signature(key), low, high) == expected


@given(
    key=st.sampled_from(
        ["C", "G", "D", "A", "E", "B", "F#", "F", "Bb", "Eb", "Ab", "Db", "Am", "Em", "Dm", "Cm"]
    ),
    low=st.integers(40, 70),
    span=st.integers(12, 24),
)
def test_scale_tokens_read_back_as_their_pitches(key: str, low: int, span: int) -> None:
    tokens = scale_tokens(key_signature(key), low, low + span)
    assert len(tokens) >= 7  # an octave holds the whole scale
    tune = parse_abc(f"X:1\nL:1/8\nK:{key}\n" + " ".join(tokens) + " |]\n")
    assert [n.pitch for n in tune.notes] == list(tokens.values())
    assert all(low <= p <= low + span for p in tokens.values())


def test_bad_requests_are_refused() -> None:
    with pytest.raises(ValueError, match="note"):
        melody_grammar(0, ["C"])
    with pytest.raises(ValueError, match="pitches"):
        melody_grammar(3, [])


PITCHES = ["G,", "A,", "B,", "C", "D", "E", "F", "G", "A", "B", "c", "d"]  # G major in an alto's range


@pytest.mark.slow
@pytest.mark.model
@pytest.mark.parametrize(
    ("notes", "text", "accepted"),
    [
        (3, "G2 A B |]", True),
        (3, "G2 A | B4 |]", True),
        (3, "G,3 c d |]", True),
        (1, "G4 |]", True),
        (3, "G A |]", False),  # too few notes
        (3, "G A B c |]", False),  # too many
        (3, "G5 A B |]", False),  # a length not offered
        (3, "G A d' |]", False),  # out of range
        (3, "G ^A B |]", False),  # an accidental: not in the key
        (3, "G z B |]", False),  # a rest is not a note
        (3, "G A B", False),  # unfinished
        (3, "G A B |] x", False),  # runs on
        (3, "X:1\nG A B |]", False),  # the header is ours
    ],
)
def test_grammar_accepts_and_rejects(
    llama_backend: LlamaBackend,  # noqa: F811
    notes: int,
    text: str,
    accepted: bool,
) -> None:
    grammar = melody_grammar(notes, PITCHES)
    llama_backend.check_grammar(grammar)
    assert llama_backend.grammar_accepts(grammar, text) is accepted


@pytest.mark.slow
@pytest.mark.model
@pytest.mark.parametrize("notes", [1, 7, 16])
def test_grammar_compiles_in_llama_cpp(llama_backend: LlamaBackend, notes: int) -> None:  # noqa: F811
    llama_backend.check_grammar(melody_grammar(notes, PITCHES))
