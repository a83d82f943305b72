"""The proposal grammar: its text, that llama.cpp compiles it, and that what the real model writes under
it always has the promised shape (bounded words and chords, chords from the palette, rhyme words)."""

from __future__ import annotations

import re

import pytest
from llama_cpp.llama_grammar import LlamaGrammar

from cowriter.core.chords import suffix_spellings
from cowriter.model.backend import Message, ModelError
from cowriter.model.grammar import (
    LineSpec,
    SectionSpec,
    chord_rule_from_symbols,
    chord_rule_from_table,
    ending_grammar,
    line_grammar,
    literal,
    rhyme_words,
    section_grammar,
    word_tree,
    words_for_syllables,
)
from cowriter.model.llama import LlamaBackend
from tests.model.fixtures import llama_backend, model_path  # noqa: F401

PALETTE = ("C", "Dm", "Em", "F", "G", "Am")


def _rule_names(grammar: str) -> list[str]:
    return [line.split(" ::= ")[0] for line in grammar.splitlines() if " ::= " in line]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("plain", '"plain"'),
        ('say "hi"', '"say \\"hi\\""'),
        ("a\nb", '"a\\nb"'),
        ("back\\slash", '"back\\\\slash"'),
    ],
)
def test_literal_escapes(text: str, expected: str) -> None:
    assert literal(text) == expected


@pytest.mark.parametrize(
    "sections",
    [
        [SectionSpec("chorus", "Chorus", (LineSpec(3, 6, 2),) * 4)],
        [SectionSpec("", "", (LineSpec(1, 1, 1), LineSpec(2, 2, 1, ("rain", "again"))))],
        [SectionSpec("verse", "", (LineSpec(words=("Hello", "world,", "it's", "me")),))],
        [SectionSpec("verse", "V1", (LineSpec(2, 5, 3),)), SectionSpec("chorus", "C", (LineSpec(2, 4, 1),))],
    ],
)
def test_grammar_has_one_root_and_compiles(sections: list[SectionSpec]) -> None:
    grammar = section_grammar(sections, chord_rule_from_symbols(PALETTE))
    names = _rule_names(grammar)
    assert names.count("root") == 1 and names[0] == "root"
    assert len(names) == len(set(names)), "a rule defined twice replaces the first"
    LlamaGrammar.from_string(grammar, verbose=False)


def test_table_chord_rule_compiles_with_every_spelling() -> None:
    body = chord_rule_from_table(suffix_spellings())
    grammar = section_grammar([SectionSpec("", "", (LineSpec(2, 3, 1),))], body)
    LlamaGrammar.from_string(grammar, verbose=False)


def test_line_spec_bounds_are_checked() -> None:
    for args in ((0, 3, 1), (4, 3, 1), (2, 3, -1)):
        with pytest.raises(ValueError):
            LineSpec(*args)
    with pytest.raises(ValueError):
        LineSpec(2, 3, 1, min_chords=2)  # more chords asked for than allowed
    with pytest.raises(ValueError, match="join"):
        LineSpec(words=("Amazing",), pieces=(("A", "ma", "zin"),))
    assert LineSpec(2, 3, 0, min_chords=0).lyrics_only


@pytest.mark.parametrize(
    ("words", "tree"),
    [
        (["rain"], '"rain"'),
        (["rain", "rainbow", "pain"], '("pain" | "rain" ("bow")?)'),
        (["train", "trains", "trail"], '"trai" (("l" | "n" ("s")?))'),
    ],
)
def test_word_tree_shares_beginnings(words: list[str], tree: str) -> None:
    assert word_tree(words) == tree
    LlamaGrammar.from_string(f"root ::= {tree}\n", verbose=False)


def test_lyrics_only_grammar_has_no_chords() -> None:
    grammar = line_grammar(LineSpec(2, 4, 0, ("rain",), min_chords=0))
    assert "chord" not in grammar and "[" not in grammar.split("word ::=")[0]
    LlamaGrammar.from_string(grammar, verbose=False)
    with pytest.raises(ValueError, match="chord rule"):
        section_grammar([SectionSpec("", "", (LineSpec(2, 3, 1),))], None)


def test_empty_proposal_refused() -> None:
    with pytest.raises(ValueError):
        section_grammar([SectionSpec("verse", "", ())], chord_rule_from_symbols(PALETTE))
    with pytest.raises(ValueError):
        chord_rule_from_symbols([])


@pytest.mark.parametrize(
    ("words", "expected"),
    [(["Rain", "again", "re-gain", "pain", "pain", "x1"], ("rain", "again", "pain")), ([], ())],
)
def test_rhyme_words_keeps_plain_unique_words(words: list[str], expected: tuple[str, ...]) -> None:
    assert rhyme_words(words) == expected


@pytest.mark.parametrize("syllables", [1, 4, 8, 12])
def test_word_bounds_reach_the_syllable_target(syllables: int) -> None:
    low, high = words_for_syllables(syllables)
    assert 1 <= low <= high
    assert low <= syllables <= high * 3  # monosyllables can make it; so can longer words


ONE = [SectionSpec("verse", "V", (LineSpec(2, 3, 1, ("rain", "pain")),))]
TWO = [SectionSpec("", "", (LineSpec(3, 5, 2), LineSpec(words=("Every", "window", "dark"), max_chords=2)))]
PIECES = (("A", "ma", "zing"), ("grace,",), ("how",), ("sweet",))
GRACE = [
    SectionSpec(
        "",
        "",
        (LineSpec(words=("Amazing", "grace,", "how", "sweet"), pieces=PIECES, min_chords=1, max_chords=2),),
    )
]
LYRICS = [SectionSpec("", "", (LineSpec(2, 4, 0, min_chords=0),))]


@pytest.mark.model
@pytest.mark.parametrize(
    ("sections", "text", "accepted"),
    [
        (ONE, "{start_of_verse: V}\n[C]Walking the rain\n{end_of_verse}\n", True),
        (ONE, "{start_of_verse: V}\n[G]Walking rain!\n{end_of_verse}\n", True),
        (ONE, "{start_of_verse: V}\n[C]Walking the train\n{end_of_verse}\n", False),  # not a rhyme word
        (ONE, "{start_of_verse: V}\n[Bb]Walking the rain\n{end_of_verse}\n", False),  # chord not offered
        (ONE, "{start_of_verse: V}\n[C]Walking the [G]rain\n{end_of_verse}\n", False),  # 2 chords, 1 allowed
        (ONE, "{start_of_verse: V}\n[C]Walking slowly down the rain\n{end_of_verse}\n", False),  # 5 words
        (ONE, "{start_of_verse: V}\n[C]rain\n{end_of_verse}\n", False),  # 1 word, 2 needed
        (
            ONE,
            "{start_of_verse: V}\nWalking the [C]rain\n{end_of_verse}\n",
            True,
        ),  # a pickup before the chord
        (ONE, "{start_of_verse: V}\nWalking the rain\n{end_of_verse}\n", False),  # at least one chord
        (ONE, "{start_of_verse: V}\n[C]Walking the rain\n", False),  # unfinished
        (ONE, "{start_of_verse: V}\n[C]Walking the rain\n{end_of_verse}\nmore", False),  # runs on
        (ONE, "{start_of_chorus: V}\n[C]Walking the rain\n{end_of_chorus}\n", False),  # another section
        (TWO, "[C]Walking the [G]road\n[F]Every [C]window dark\n", True),
        (TWO, "[C]Walking the [G]road\n[F]Every window [C]dark\n", True),
        (TWO, "[C]Walking the [G]road\n[F]Every door dark\n", False),  # fixed words changed
        (TWO, "[C]Walking the [G]road\n[F]Every [C]window [G]dark\n", False),  # three chords
        (TWO, "[C]Walk [G]on\n[F]Every window dark\n", False),  # too few words
        (TWO, "[C]Walking the [G]road\nEvery window dark\n", False),  # a line without a chord
        (GRACE, "A[G]mazing grace, [C]how sweet\n", True),  # a chord inside a word, on its stress
        (GRACE, "[G]Amazing grace, how [C]sweet\n", True),
        (GRACE, "Am[G]azing grace, how sweet\n", False),  # only where a syllable starts
        (GRACE, "A [G]mazing grace, how sweet\n", False),  # the pieces join into the word
        (GRACE, "A[G]ma[C]zing [D]grace, how sweet\n", False),  # three chords, two allowed
        (LYRICS, "Walking the road\n", True),
        (LYRICS, "Walking the [C]road\n", False),  # lyrics only
    ],
)
def test_grammar_accepts_and_rejects(
    llama_backend: LlamaBackend,  # noqa: F811
    sections: list[SectionSpec],
    text: str,
    accepted: bool,
) -> None:
    grammar = section_grammar(sections, chord_rule_from_symbols(PALETTE))
    assert llama_backend.grammar_accepts(grammar, text) is accepted


@pytest.mark.model
@pytest.mark.parametrize(
    ("text", "accepted"), [(" free\n", True), (" sea.\n", True), (" free sea\n", False), ("free\n", False)]
)
def test_ending_grammar(llama_backend: LlamaBackend, text: str, accepted: bool) -> None:  # noqa: F811
    assert llama_backend.grammar_accepts(ending_grammar(["free", "sea", "me"]), text) is accepted


def test_invalid_grammar_is_a_clear_error(llama_backend: LlamaBackend) -> None:  # noqa: F811
    with pytest.raises(ModelError, match="grammar"):
        list(llama_backend.stream([Message("user", "hi")], grammar="root ::= undefined-rule\n", max_tokens=4))


# -- what the real model writes under the grammar ---------------------------------------------------

_CHORD_TOKEN = re.compile(r"\[([^\]]+)\]")


def _check_line(line: str, spec: LineSpec, palette: tuple[str, ...]) -> None:
    chords = _CHORD_TOKEN.findall(line)
    assert spec.min_chords <= len(chords) <= spec.max_chords, line
    assert set(chords) <= set(palette), line
    lyrics = _CHORD_TOKEN.sub("", line)
    if spec.words:
        assert lyrics == " ".join(spec.words), line  # the pieces always join into the words
        return
    words = lyrics.rstrip(",.!?").split(" ")
    assert spec.min_words <= len(words) <= spec.max_words, line
    assert all(re.fullmatch(r"[A-Za-z][a-z']*", w) for w in words), line
    if spec.rhymes:
        assert words[-1] in spec.rhymes, line


CASES = [
    (
        "Write a 4-line chorus about leaving Detroit.",
        [SectionSpec("chorus", "Chorus", (LineSpec(3, 7, 2), LineSpec(3, 7, 2, ("rain", "again"))) * 2)],
    ),
    (
        "Use the chord [Bb7] and [F#] everywhere, write long lines!",
        [SectionSpec("verse", "Verse 2", (LineSpec(2, 4, 1),) * 3)],
    ),
    (
        "Put chords on these words.",
        [SectionSpec("", "", (LineSpec(words=("Every", "window", "dark", "and", "grey,"), max_chords=2),))],
    ),
    ("Put chords on these words: Amazing grace, how sweet", GRACE),
    ("Write a line about the sea.", LYRICS),
]


@pytest.mark.slow
@pytest.mark.model
@pytest.mark.parametrize(("prompt", "sections"), CASES)
@pytest.mark.parametrize("seed", [1, 2])
def test_model_output_under_grammar_has_the_shape(
    llama_backend: LlamaBackend,  # noqa: F811
    prompt: str,
    sections: list[SectionSpec],
    seed: int,
) -> None:
    grammar = section_grammar(sections, chord_rule_from_symbols(PALETTE))
    text = "".join(
        llama_backend.stream(
            [Message("user", prompt)], grammar=grammar, max_tokens=200, temperature=1.2, seed=seed
        )
    )
    lines = text.split("\n")
    assert lines[-1] == "", f"the grammar ends with a newline: {text!r}"
    lines.pop()
    for section in sections:
        if section.header:
            assert lines.pop(0) == section.header
        for spec in section.lines:
            _check_line(lines.pop(0), spec, PALETTE)
        if section.footer:
            assert lines.pop(0) == section.footer
    assert lines == []
