"""The line-by-line candidate search with a backend that continues its replies: a scripted one for what the
search does with what it gets (order, judging, rhymes, chords, copies, time), the real default model for
what it gives a writer."""

from __future__ import annotations

import json
import threading

import pytest

from cowriter.core.chordpro import parse
from cowriter.lyrics import is_rhyme
from cowriter.model.backend import GenerationCancelled
from cowriter.model.llama import LlamaBackend
from cowriter.model.scripted import ScriptedSampler
from cowriter.service.cowrite import VERSIONS, Candidate, CoWriter, described
from tests.model.fixtures import llama_backend, model_path  # noqa: F401

HARBOUR = """{title: Harbour Lights}
{key: A}

{start_of_verse: Verse 1}
[A]Nets are drying on the [D]harbour wall
The [A]gulls are crying where the [E]breakers fall
{end_of_verse}
"""


LEAD = "Nets are drying on the harbour wall\nThe gulls are crying where the breakers fall\n"  # the song's end


def sampler(*lines: str, logprobs: tuple[float, ...] = ()) -> ScriptedSampler:
    backend = ScriptedSampler.with_replies([line + "\n" for line in lines])
    backend.logprobs.extend(logprobs)
    return backend


def test_a_section_is_written_line_by_line_and_the_best_version_goes_on() -> None:
    assert VERSIONS == 3
    backend = sampler(
        "The boats come home at evening light",  # candidate 1: one version a line
        "The lanterns swing along the quay",
        # candidate 2: three versions a line, the likeliest kept
        "Salt on the rope and tar on the hands",
        "The tide turns silver in the bay",  # likeliest (below): kept
        "My father's coat is on the chair",
        "We mend the nets in morning air",
        "The lanterns glow along the quay",
        "Our boat rides low with fish today",
        logprobs=(-1.0, -1.0, -3.0, -0.5, -1.0, -2.0, -2.5, -0.8),
    )
    cw = CoWriter(backend, candidates=2, budget=60)
    seen: list[Candidate] = []
    streamed: list[str] = []
    p = cw.propose(
        "a 2-line chorus about boats", HARBOUR, seed=3, on_candidate=seen.append, on_token=streamed.append
    )
    lead = LEAD
    prefills = [c.prefill for c in backend.calls]
    assert prefills[:2] == [lead, lead + "The boats come home at evening light\n"], (
        "each line follows the song's last lines and the lines before"
    )
    assert prefills[5:] == [lead + "The tide turns silver in the bay\n"] * 3, "the likeliest line went on"
    assert [c.number for c in seen] == [1, 2]
    assert p.candidates[0].number == 2 and p.candidates[0].lyrics[1] == "Our boat rides low with fish today"
    assert "".join(streamed).startswith("{start_of_chorus: Chorus}\n"), "the first candidate streams"
    assert "The [A]boats come home" in "".join(streamed)
    assert "".join(streamed).count("{end_of_chorus}") == 1 and streamed[-1] == "{end_of_chorus}\n"
    assert p.chordpro.startswith("{start_of_chorus: Chorus}\n") and p.chordpro.endswith("{end_of_chorus}\n")
    assert p.candidates[0].score >= p.candidates[1].score
    assert all(c.grammar and "chord" not in c.grammar for c in backend.calls), (
        "words only: chords are the song's"
    )


def test_chords_come_from_the_song_on_stressed_syllables() -> None:
    backend = sampler("Amazing light above the sea", "The gulls are wheeling wild and free")
    p = CoWriter(backend, candidates=1).propose("a 2-line verse about the morning", HARBOUR, seed=1)
    lines = [line for line in parse(p.chordpro).lines if line.has_words]
    assert [[c.symbol for c in line.chords] for line in lines] == [["A", "D"], ["A", "E"]], "verse 1's chords"
    assert p.chordpro.splitlines()[1].startswith("A[A]mazing"), "a chord inside a word, on its stress"


def test_a_line_that_misses_its_rhyme_gets_the_rhyme_the_model_likes_best_at_its_end() -> None:
    backend = sampler(
        "The lamps are low and the harbour is still",
        "The sailors sing of home tonight",  # line 2 must rhyme with line 1 (AA): it does not
        " hill",  # the ending asked for: the same line up to its last word, then a rhyme
    )
    p = CoWriter(backend, candidates=1).propose("a 2-line hook about the harbour, AA", HARBOUR, seed=2)
    ending = backend.calls[2]
    assert ending.prefill == LEAD + "The lamps are low and the harbour is still\nThe sailors sing of home"
    assert (
        ending.grammar is not None
        and ending.grammar.startswith('root ::= " " (')
        and "word" not in ending.grammar
    )
    assert p.candidates[0].lyrics == (
        "The lamps are low and the harbour is still",
        "The sailors sing of home hill",
    )
    first, second = p.candidates[0].lyrics
    assert is_rhyme(first.split()[-1], second.split()[-1])


def test_copying_the_song_is_refused_while_writing_and_when_judged() -> None:
    # line 1 rhymes with line 2 ("fall"): its rewrites keep the rhyme
    backend = sampler(
        "The gulls are crying where the breakers call", "Sea birds wheel above the harbour hall"
    )
    p = CoWriter(backend, candidates=2).propose("rewrite line 1", HARBOUR, seed=1)
    first = backend.calls[0]
    assert "crying" in first.banned[3], "after 'The gulls are', 'crying' would copy line 2"
    assert p.candidates[-1].rejected and "copies" in described(p.candidates[-1].rejected[0])
    assert p.candidates[0].ok


def test_every_rejection_has_its_reason_and_rejected_candidates_rank_last() -> None:
    backend = sampler(
        "Blorpish nets are drying tall",
        "Nets are drying on the harbour wall",
        "Ropes are coiled upon the stall",
    )
    p = CoWriter(backend, candidates=3).propose("alternatives for line 1", HARBOUR, seed=1)
    reasons = [described(f) for c in p.candidates for f in c.rejected]
    assert any("not a word: 'Blorpish'" in r for r in reasons)
    assert any("the line as it was" in r or "repeats a line" in r for r in reasons)
    assert p.candidates[0].ok and not p.candidates[-1].ok
    assert p.alternatives == ("[A]Ropes are coiled u[D]pon the stall",)  # the chord on the stress
    payload = json.dumps([c.as_dict() for c in p.candidates])
    assert "Blorpish" in payload and '"scores"' in payload


def test_time_budget_ends_the_search_but_never_before_the_first() -> None:
    lines = [f"A quiet line along the {w}" for w in ("shore", "road", "bay", "quay", "hill", "town")] * 6
    p = CoWriter(sampler(*lines), budget=0.0).propose("a 2-line verse about rain", HARBOUR, seed=1)
    assert len(p.candidates) == 1, "the first always, then no time for more"
    more = sampler(*lines)
    more.default = "A quiet line along the wall\n"
    p = CoWriter(more, budget=60.0, candidates=3).propose("a 2-line verse about rain", HARBOUR)
    assert len(p.candidates) == 3


def test_a_candidate_still_unfinished_when_time_is_up_is_given_up() -> None:
    lines = [f"A quiet line along the {w}" for w in ("shore", "road", "bay", "quay", "hill", "town")] * 6
    backend = sampler(*lines)
    backend.default = "A quiet line along the wall\n"
    backend.delay = 0.05  # a piece
    p = CoWriter(backend, budget=1.0, candidates=4).propose("a 2-line verse about rain", HARBOUR, seed=1)
    assert 1 <= len(p.candidates) < 4
    assert p.seconds < 1.0 + 2.5, "at most one line past the budget"
    assert all(len(c.lines) == 2 for c in p.candidates), "no half-written candidate"


def test_cancel_stops_the_search() -> None:
    cancel = threading.Event()
    cancel.set()
    with pytest.raises(GenerationCancelled):
        CoWriter(sampler("x y z")).propose("a verse", HARBOUR, cancel=cancel)


# -- the real default model ---------------------------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.model
def test_real_model_section_search(llama_backend: LlamaBackend) -> None:  # noqa: F811
    seen: list[Candidate] = []
    p = CoWriter(llama_backend, candidates=2, budget=60.0).propose(
        "a 4-line chorus about the harbour at night, ABAB rhyme", HARBOUR, seed=5, on_candidate=seen.append
    )
    assert len(seen) == 2 and p.candidates[0].ok
    song = parse(p.chordpro)
    assert not song.errors and [s.name for s in song.sections if s.lines] == ["chorus"]
    lines = [line for line in song.lines if line.has_words]
    assert len(lines) == 4 and all(line.chords for line in lines)
    ends = [line.lyrics.split()[-1].strip(",.!?").lower() for line in lines]
    assert is_rhyme(ends[0], ends[2]) and is_rhyme(ends[1], ends[3]), ends
    assert not any(f.kind == "words" for f in p.candidates[0].rejected)


@pytest.mark.slow
@pytest.mark.model
def test_real_model_rewrites_the_lyric_line_named(llama_backend: LlamaBackend) -> None:  # noqa: F811
    p = CoWriter(llama_backend, candidates=3).propose("rewrite line 2", HARBOUR, seed=4)
    assert p.taken == "line 2: 'The gulls are crying where the breakers fall'"
    changed = [b for a, b in zip(HARBOUR.split("\n"), p.song.split("\n"), strict=True) if a != b]
    assert len(changed) == 1 and "[E]" in changed[0], "the line keeps its chords"
    assert is_rhyme(parse(changed[0]).lines[0].lyrics.split()[-1].strip(",.!?"), "wall")


def test_everyday_words_and_the_rhyme_book() -> None:
    from cowriter.service.cowrite_rhymes import RhymeBook, everyday

    assert all(everyday(w) for w in ("night", "doors", "sprayed", "me"))
    assert not any(everyday(w) for w in ("glycemic", "ischemic", "aven", "laure", "glo"))
    book = RhymeBook(["night", "light", "bright", "flight", "sight", "glycemic", "the", "river"])
    assert "glycemic" not in book and "the" not in book
    assert set(book.perfect("night")) == {"light", "bright", "flight", "sight"}
    assert "night" in book.leaders() and "river" not in book.leaders(), "a leader has rhymes to answer it"
    assert book.rhymes("night", ("kite", "fight")) == ("bright", "flight", "light", "sight")
    assert book.rhymes("river", ("giver", "shiver")) == (), "the book's words only"


def test_spelled_letters_and_the_scheme_asked_for_are_no_lyrics() -> None:
    # the default model wrote "A B A B I A ia C." for "AABB" and "and Xaxa in the corner" for "XAXA":
    # the dictionary spells letters and the request holds the scheme, but neither is a word to sing
    backend = sampler(
        "Xaxa nets are drying on the sand",
        "A B A B I A C",
        "The writer makes a change that rewrites",
        "Ropes are coiled upon the stall",
    )
    p = CoWriter(backend, candidates=4).propose("alternatives for line 1, XAXA", HARBOUR, seed=1)
    reasons = [described(f) for c in p.candidates for f in c.rejected]
    assert any("'xaxa'" in r for r in reasons), reasons
    assert any("not a word: 'B'" in r for r in reasons), reasons
    assert any("talks about the song ('writer')" in r for r in reasons), reasons
    assert p.candidates[0].ok and p.alternatives == ("[A]Ropes are coiled u[D]pon the stall",)


def test_requests_with_neighbouring_seeds_share_no_sample() -> None:
    # seed + n made seed 11's second sample seed 12's first: their proposals came out the same
    lines = [f"A quiet line along the {w}" for w in ("shore", "road", "bay", "quay", "hill", "town")]
    seeds = []
    for seed in (11, 12):
        backend = sampler(*lines)
        CoWriter(backend, candidates=3).propose("alternatives for line 1", HARBOUR, seed=seed)
        seeds.append({c.seed for c in backend.calls})
    assert len(seeds[0]) >= 3 and not seeds[0] & seeds[1], seeds


def test_a_rewrite_is_asked_without_the_request_echoed_unless_it_says_what_the_line_holds() -> None:
    # "(rewrite line 2 with 8 syllables)" echoed in the prompt made the model write "The writer makes a
    # change that rewrites"; the template and the craft lines say what it asked
    def prompt(request: str) -> str:
        backend = sampler("Sea birds wheel above the harbour hall", "Ropes are coiled upon the stall")
        CoWriter(backend, candidates=1).propose(request, HARBOUR, seed=1)
        return backend.calls[0].messages[-1].content

    bare = prompt("rewrite line 2 with 8 syllables")
    assert "rewrite line 2" not in bare and "8 syllables" in bare
    assert "The gulls are crying where the breakers fall" in bare
    assert "(rewrite line 2 to mention the rain)" in prompt("rewrite line 2 to mention the rain")
    assert "alternatives for" not in prompt("alternatives for line 1")


def test_the_line_search_rhymes_in_code_and_never_shows_the_scheme_letters() -> None:
    # shown "XAXA", the default model sang it ("and Xaxa in the corner")
    backend = sampler(*[f"A quiet line along the {w}" for w in ("shore", "road", "bay", "quay")] * 3)
    backend.default = "A quiet line along the wall\n"
    CoWriter(backend, candidates=1).propose("a 4-line chorus about the boats, XAXA", HARBOUR, seed=1)
    prompt = backend.calls[0].messages[-1].content
    assert "xaxa" not in prompt.lower() and "about the boats" in prompt, prompt


def test_a_line_is_held_to_the_syllables_asked_while_it_is_written() -> None:
    from cowriter.model.backend import LINE_END, NEW_WORD

    backend = sampler("The boats come home at evening light", "We mend the nets until the night")
    CoWriter(backend, candidates=1).propose("a 2-line verse about boats, 6 syllables a line", HARBOUR, seed=1)
    first = backend.calls[0]
    said = dict(zip(_prefixes("The boats come home at evening light"), first.banned, strict=False))
    # below 5 syllables the line may not end; from 6 on no new word begins; at 5 it is free
    assert LINE_END in said["The boats come home"] and NEW_WORD not in said["The boats come home"]
    assert LINE_END not in said["The boats come home at"] and NEW_WORD not in said["The boats come home at"]
    assert NEW_WORD in said["The boats come home at evening"]
    unasked = sampler("The boats come home at evening light", "We mend the nets until the night")
    CoWriter(unasked, candidates=1).propose("a 2-line verse about boats", HARBOUR, seed=1)
    said = dict(zip(_prefixes("The boats come home at evening light"), unasked.calls[0].banned, strict=False))
    # not asked: the song's own line (9 syllables) gives the target, ±2
    assert LINE_END in said["The boats come home at"]
    assert LINE_END not in said["The boats come home at evening"]
    assert not any(NEW_WORD in banned for banned in unasked.calls[0].banned), "8 syllables: free to go on"


def test_a_line_ending_on_the_or_of_may_take_one_more_word() -> None:
    from cowriter.model.backend import NEW_WORD

    backend = sampler("The boats come home to the sea", "We mend the nets in morning air", *[" sea"] * 4)
    CoWriter(backend, candidates=1).propose("a 2-line verse about boats, 6 syllables a line", HARBOUR, seed=1)
    said = dict(zip(_prefixes("The boats come home to the sea"), backend.calls[0].banned, strict=False))
    assert NEW_WORD not in said["The boats come home to"]
    assert NEW_WORD not in said["The boats come home to the"], "at 6 syllables, but 'the' ends no line"


def _prefixes(line: str) -> list[str]:
    """The texts the scripted backend asks `ban` about before each piece of `line` (a word a piece)."""
    from cowriter.model.scripted import _PIECES

    pieces = _PIECES.findall(line + "\n")
    return ["".join(pieces[:k]) for k in range(len(pieces))]


def test_the_streamed_candidate_is_closed_before_the_next_is_shown() -> None:
    backend = sampler(
        "The boats come home at evening light",
        "The lanterns swing along the quay",
        *["The tide turns silver in the bay", "Our boat rides low with fish today"] * 3,
    )
    events: list[str] = []
    CoWriter(backend, candidates=2, budget=60).propose(
        "a 2-line chorus about boats",
        HARBOUR,
        seed=3,
        on_token=events.append,
        on_candidate=lambda c: events.append(f"candidate {c.number}"),
    )
    assert events.index("{end_of_chorus}\n") < events.index("candidate 1") < events.index("candidate 2")
    assert events.count("{end_of_chorus}\n") == 1


def test_a_line_rewritten_is_written_after_the_lines_before_it() -> None:
    from cowriter.core.chordpro import parse as read
    from cowriter.service.cowrite_craft import lines_before

    song = read(HARBOUR)
    sung = [line for line in song.lines if line.has_words]
    assert lines_before(song, sung[1:]) == ("Nets are drying on the harbour wall",)
    assert lines_before(song, sung[:1]) == () and lines_before(song, ()) == ()
    backend = sampler(*["The swallows circle round the old sea wall"] * 3)
    p = CoWriter(backend, candidates=1).propose("rewrite line 2", HARBOUR, seed=1)
    assert backend.calls[0].prefill == "Nets are drying on the harbour wall\n", "it goes on from line 1"
    assert p.candidates[0].lyrics[0].startswith("The swallows"), "the lines before are not proposed"
    assert "Nets are drying" not in p.chordpro


BOAT = HARBOUR.replace(
    "{end_of_verse}",
    "My [A]father's boat is [D]painted red and blue\n"
    "He [A]taught me every [E]knot I ever [A]knew\n{end_of_verse}",
)


def test_a_rhyme_put_at_a_line_end_copies_no_run_of_the_line_rewritten() -> None:
    backend = sampler(*["My father's boat was painted red and bright", " blue", " blue", " true"] * 3)
    CoWriter(backend, candidates=1).propose("alternatives for line 3", BOAT, seed=1)
    endings = [c for c in backend.calls if c.prefill.endswith("My father's boat was painted red and")]
    assert endings, "the line's end was written again, on a rhyme for 'knew'"
    assert "blue" in endings[0].banned[0], "'painted red and blue' is four words of the line rewritten"


def test_a_new_section_is_written_after_the_songs_last_lines() -> None:
    from cowriter.core.chordpro import parse as read
    from cowriter.service.cowrite_craft import last_lines

    assert last_lines(read(HARBOUR)) == tuple(LEAD.splitlines())
    assert last_lines(read(HARBOUR), 1) == ("The gulls are crying where the breakers fall",)
    assert last_lines(read("{title: Empty}\n")) == ()
    backend = sampler("The boats come home at evening light", "We mend the nets until the night")
    CoWriter(backend, candidates=1).propose("a 2-line chorus about boats", "", seed=1)
    assert backend.calls[0].prefill == "", "no song: nothing before"


def test_a_line_written_again_word_for_word_is_no_other_version() -> None:
    backend = sampler(
        *["The swallows circle round the old sea wall", "The swallows circle round the old sea wall"],
        *["The tide comes in across the harbour wall"] * 6,
    )
    p = CoWriter(backend, candidates=4).propose("rewrite line 2", HARBOUR, seed=1)
    texts = [c.lyrics[0] for c in p.candidates]
    assert len(texts) == len(set(texts)) == 2, texts
