"""The propose pipeline: the scripted backend for the plumbing (retry, failure, merge, grammar sent,
cancel), the real default model end to end, and the line-based proposal diff."""

from __future__ import annotations

import threading

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cowriter.core.chordpro import parse
from cowriter.core.keys import parse_key
from cowriter.core.theory import in_key
from cowriter.errors import CowriterError
from cowriter.model.backend import GenerationCancelled, Message, ModelError
from cowriter.model.llama import LlamaBackend
from cowriter.model.scripted import ScriptedBackend, ScriptedReply
from cowriter.service.cowrite import CoWriter, ProposalFailed, apply_hunks, proposal_diff
from cowriter.service.cowrite_craft import CraftChecks
from tests.model.fixtures import llama_backend, model_path  # noqa: F401

SONG = """{title: Motor City}
{key: G}
{start_of_verse: Verse 1}
[G]Streetlights hum on [C]Woodward Ave,
[Em]Every window [D]dark and grey,
[G]Factory whistles [C]long since gone,
[D]Still I hear them [G]every day.
{end_of_verse}
"""

CHORUS = """{start_of_chorus: Chorus}
[G]Leaving on the [C]morning train
[Em]Nothing left but [D]rain
{end_of_chorus}
"""

# simple, predictable craft checks so the tables below do not depend on a dictionary
CHECKS = CraftChecks(
    count_syllables=lambda line: len(line.split()),
    rhymes_for=lambda word: ["train", "again", "pain"],
    rhymes_with=lambda word, target: word != target and word[-3:] == target[-3:],
)


def writer(*replies: str | ScriptedReply, **kwargs: object) -> tuple[CoWriter, ScriptedBackend]:
    backend = ScriptedBackend.with_replies(replies)
    return CoWriter(backend, checks=CHECKS, **kwargs), backend  # type: ignore[arg-type]


def test_a_section_is_added_never_overwriting() -> None:
    cw, backend = writer(CHORUS)
    p = cw.propose("a 2-line chorus about leaving, rhyme with 'rain'", SONG, seed=1)
    assert p.task == "section" and p.attempts == 1
    assert p.chordpro == CHORUS
    assert p.song == SONG + "\n" + CHORUS
    assert p.base == SONG
    hunks = p.diff()
    assert [h.op for h in hunks] == ["insert"]
    assert apply_hunks(SONG, hunks) == p.song
    assert apply_hunks(SONG, hunks, accepted=set()) == SONG
    call = backend.calls[0]
    assert call.grammar is not None and '"{start_of_chorus: Chorus}\\n"' in call.grammar
    assert call.seed == 1
    assert call.messages[0].role == "system" and call.messages[-1].role == "user"
    assert "Streetlights hum" in call.messages[-1].content, "the song goes with the request"


def test_grammar_carries_palette_and_rhymes() -> None:
    cw, backend = writer(CHORUS)
    cw.propose("a 2-line chorus, rhyme with 'rain'", SONG)
    grammar = backend.calls[0].grammar or ""
    for chord in ("G", "Am", "Bm", "C", "D", "Em", "F#dim"):
        assert f'"{chord}"' in grammar
    assert '"Bb"' not in grammar
    assert '"train"' in grammar and '"again"' in grammar


def test_no_grammar_mode_and_backends_without_grammar() -> None:
    cw, backend = writer(CHORUS, use_grammar=False)
    cw.propose("a 2-line chorus", SONG)
    assert backend.calls[0].grammar is None
    backend2 = ScriptedBackend.with_replies([CHORUS], grammar_ok=False)
    CoWriter(backend2, checks=CHECKS).propose("a 2-line chorus", SONG)
    assert backend2.calls[0].grammar is None


def test_one_retry_then_success() -> None:
    retries: list[tuple[str, ...]] = []
    cw, backend = writer("Sorry, I can't write songs.", CHORUS)
    p = cw.propose("a 2-line chorus", SONG, seed=5, on_retry=lambda r: retries.append(tuple(r)))
    assert p.attempts == 2 and p.chordpro == CHORUS
    assert [c.seed for c in backend.calls] == [5, 6], "the retry samples differently"
    assert retries and "no lyric lines" in retries[0][0]
    assert p.diagnostics and "attempt 1" in p.diagnostics[0]


def test_two_bad_replies_are_a_clear_failure_and_nothing_changes() -> None:
    cw, _ = writer("nothing useful", "[G]only one line\n")
    with pytest.raises(ProposalFailed) as info:
        cw.propose("a 2-line chorus", SONG)
    assert "could not be used" in str(info.value)
    assert any("no lyric lines" in r for r in info.value.reasons)
    assert any("asked for 2 lines" in r for r in info.value.reasons)
    assert info.value.text == "[G]only one line\n"


def test_flags_out_of_key_syllables_rhyme() -> None:
    reply = (
        "{start_of_chorus: Chorus}\n[G]Leaving on the [Bb]morning train now\n"
        "[Em]Nothing left but fire\n{end_of_chorus}\n"
    )
    cw, _ = writer(reply)
    p = cw.propose("a 2-line chorus, 4 syllables, rhyme with 'rain'", SONG)
    kinds = {(f.line, f.kind) for f in p.flags}
    assert kinds == {(1, "out-of-key"), (1, "syllables"), (2, "rhyme")}


def test_tokens_stream_to_the_caller() -> None:
    cw, _ = writer(CHORUS)
    seen: list[str] = []
    p = cw.propose("a 2-line chorus", SONG, on_token=seen.append)
    assert "".join(seen) == CHORUS == p.text
    assert p.tokens == len(seen)
    assert p.model == "scripted"


@pytest.mark.parametrize(
    ("prompt", "reply", "changed"),
    [
        (
            "darker chords for the verse",
            "[Em]Streetlights hum on [C]Woodward Ave,\n[Am]Every window [D]dark and grey,\n"
            "[Em]Factory whistles [C]long since gone,\n[D]Still I hear them [Em]every day.\n",
            {
                4: "[Em]Streetlights hum on [C]Woodward Ave,",
                5: "[Am]Every window [D]dark and grey,",
                6: "[Em]Factory whistles [C]long since gone,",
                7: "[D]Still I hear them [Em]every day.",
            },
        ),
        (
            "rewrite line 2",  # the song's second lyric line (the editor's line 5)
            "[Em]Every window [D]black as clay,\n",
            {5: "[Em]Every window [D]black as clay,"},
        ),
    ],
)
def test_line_tasks_replace_only_their_lines(prompt: str, reply: str, changed: dict[int, str]) -> None:
    cw, _ = writer(reply)
    p = cw.propose(prompt, SONG)
    before, after = SONG.split("\n"), p.song.split("\n")
    assert len(before) == len(after)
    for n, (old, new) in enumerate(zip(before, after, strict=True), 1):
        assert new == changed.get(n, old)


def test_chords_task_keeps_the_words() -> None:
    cw, backend = writer("[G]Streetlights hum on Woodward [C]Ave,\n[D]Every window dark and grey,\n")
    lyrics = (
        "{start_of_verse}\nStreetlights hum on Woodward Ave,\nEvery window dark and grey,\n{end_of_verse}\n"
    )
    p = cw.propose("chords for the verse", lyrics)
    assert p.task == "chords"
    grammar = backend.calls[0].grammar or ""
    assert '"Street"' in grammar and '"lights"' in grammar, "the words are fixed by the grammar, by syllable"
    assert [line.lyrics for line in parse(p.song).lines] == [line.lyrics for line in parse(lyrics).lines]


def test_chords_task_refuses_changed_words() -> None:
    cw, _ = writer("[G]Streetlights [C]sing\n", "[G]Streetlights [C]sing\n")
    with pytest.raises(ProposalFailed, match=r"lyrics were changed|asked for"):
        cw.propose("chords for the verse", "{sov}\nStreetlights hum\n{eov}\n")


def test_alternatives_offer_each_line() -> None:
    # line 4 rhymes with line 2 ("grey"): its alternatives keep that rhyme
    reply = (
        "[G]Streetlights glow on [C]Cass Avenue today,\n[G]Neon hums on [C]Grand Street all day,\n"
        "[Em]Lamps on [C]Woodward fade to grey,\n"
    )
    cw = CoWriter(ScriptedBackend.with_replies([reply]))  # the real dictionary: "day" rhymes with "grey"
    p = cw.propose("three other lines for line 4", SONG)
    assert p.task == "alternatives" and len(p.alternatives) == 2, "the one ending on 'grey' itself is out"
    assert [f.message for c in p.candidates for f in c.rejected] == ["rhymes 'grey' with itself"]
    assert p.song.split("\n")[6] == p.alternatives[0]  # the song's 4th lyric line
    assert p.taken == "line 4: 'Still I hear them every day.'"
    assert sorted(c.number for c in p.candidates) == [1, 2, 3], "each line is a candidate"
    assert all(f.line == 1 for c in p.candidates for f in (*c.rejected, *c.notes))


def test_an_alternative_that_is_no_word_is_left_out_with_its_reason() -> None:
    reply = (
        "[G]Streetlights glow on [C]Cass today,\n[G]Neon hums on [C]Gratiotz day,\n"
        "[Em]Lamps on [C]Woodward stay,\n"
    )
    cw = CoWriter(ScriptedBackend.with_replies([reply]))
    p = cw.propose("three other lines for line 4", SONG)
    assert len(p.alternatives) == 2 and not any("Gratiotz" in a for a in p.alternatives)
    refused = [c for c in p.candidates if not c.ok]
    assert [f.message for c in refused for f in c.rejected] == ["not a word: 'Gratiotz'"]
    assert p.candidates[-1] is refused[0], "rejected candidates rank last"


def test_tasks_on_lines_need_a_song() -> None:
    cw, _ = writer(CHORUS)
    with pytest.raises(CowriterError, match="there are none to work on"):
        cw.propose("darker chords for the verse", "")


def test_chords_over_lyrics_input_is_worked_on_as_chordpro() -> None:
    cw, _ = writer(CHORUS)
    text = "G        C\nStreetlights hum on Woodward\n"
    p = cw.propose("a 2-line chorus", text)
    assert p.base.startswith("[G]Streetlig[C]hts hum") and p.song.startswith(p.base.rstrip("\n"))


def test_chat_is_free_and_unparsed() -> None:
    cw, backend = writer("Try a bridge about the river.")
    p = cw.propose("what next?", SONG, task="chat")
    assert p.text == "Try a bridge about the river." and p.chordpro == "" and p.song == SONG
    assert backend.calls[0].grammar is None


def test_history_is_sent_between_examples_and_request() -> None:
    cw, backend = writer(CHORUS)
    history = [Message("user", "earlier ask"), Message("assistant", "earlier answer")]
    cw.propose("a 2-line chorus", SONG, history=history)
    roles = [m.content for m in backend.calls[0].messages]
    assert roles.index("earlier ask") < roles.index("earlier answer") < len(roles) - 1


def test_backend_errors_and_cancel_pass_through() -> None:
    cw, _ = writer(ScriptedReply("a b c", ModelError("server gone"), fail_after=1))
    with pytest.raises(ModelError, match="server gone"):
        cw.propose("a 2-line chorus", SONG)
    cancel = threading.Event()
    cancel.set()
    cw2, _ = writer(CHORUS)
    with pytest.raises(GenerationCancelled):
        cw2.propose("a 2-line chorus", SONG, cancel=cancel)


def test_unknown_task() -> None:
    cw, _ = writer(CHORUS)
    with pytest.raises(CowriterError, match="unknown task"):
        cw.propose("hi", SONG, task="dance")


# -- proposal diff ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("old", "new", "ops"),
    [
        ("a\nb\nc", "a\nb\nc", []),
        ("a\nb\nc", "a\nB\nc", ["replace"]),
        ("a\nb\nc", "a\nb\nc\nd", ["insert"]),
        ("a\nb\nc", "a\nc", ["delete"]),
        ("a\nb\nc\nd", "A\nb\nc\nD", ["replace", "replace"]),
        ("", "x", ["insert"]),
    ],
)
def test_proposal_diff(old: str, new: str, ops: list[str]) -> None:
    hunks = proposal_diff(old, new)
    assert [h.op for h in hunks] == ops
    assert apply_hunks(old, hunks) == new


def test_by_line_lets_the_writer_take_one_line_of_a_block() -> None:
    old, new = "a\nb\nc\nd", "a\nB\nC\nd"
    assert len(proposal_diff(old, new)) == 1
    hunks = proposal_diff(old, new, by_line=True)
    assert [(h.start, h.old, h.new) for h in hunks] == [(1, ("b",), ("B",)), (2, ("c",), ("C",))]
    assert apply_hunks(old, hunks, accepted={0}) == "a\nB\nc\nd"
    assert apply_hunks(old, hunks, accepted={1}) == "a\nb\nC\nd"


def test_a_stale_hunk_is_refused() -> None:
    hunks = proposal_diff("a\nb", "a\nB")
    with pytest.raises(ValueError, match="no longer matches"):
        apply_hunks("a\nchanged", hunks)


lines = st.lists(st.sampled_from(["a", "b", "c", "[G]d", ""]), max_size=8).map("\n".join)


@given(lines, lines, st.booleans(), st.data())
def test_any_subset_of_hunks_applies_cleanly(old: str, new: str, by_line: bool, data: st.DataObject) -> None:
    hunks = proposal_diff(old, new, by_line=by_line)
    assert apply_hunks(old, hunks) == new
    assert apply_hunks(old, hunks, accepted=set()) == old
    chosen = data.draw(st.sets(st.sampled_from([h.index for h in hunks]))) if hunks else set()
    result = apply_hunks(old, hunks, accepted=chosen)
    untouched = [h for h in hunks if h.index not in chosen]
    assert apply_hunks(result, proposal_diff(result, new, by_line=by_line)) == new
    if not chosen:
        assert result == old
    assert len(untouched) + len(chosen) == len(hunks)


# -- the real default model, end to end ---------------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.model
@pytest.mark.parametrize(
    ("prompt", "kind", "lines"),
    [
        ("a 4-line chorus about leaving Detroit, 8 syllables a line, rhyme with 'rain'", "chorus", 4),
        ("a 3-line bridge about the river", "bridge", 3),
    ],
)
def test_real_model_section_proposal(llama_backend: LlamaBackend, prompt: str, kind: str, lines: int) -> None:  # noqa: F811
    p = CoWriter(llama_backend).propose(prompt, SONG, seed=42)
    song = parse(p.chordpro)
    assert not song.errors
    assert [s.name for s in song.sections if s.lines] == [kind]
    lyric = [line for line in song.lines if line.has_words]
    assert len(lyric) == lines
    key = parse_key("G")
    for line in lyric:
        assert line.chords, line
        assert all(in_key(c.symbol, key) for c in line.chords), line
    assert p.tokens > 0 and p.model.endswith(".gguf")
    merged = parse(p.song)
    assert merged.lines[: len(parse(SONG).lines)] == parse(SONG).lines, "the song so far is untouched"


@pytest.mark.slow
@pytest.mark.model
def test_real_model_is_reproducible_with_a_seed(llama_backend: LlamaBackend) -> None:  # noqa: F811
    cw = CoWriter(llama_backend)
    first = cw.propose("darker chords for the verse", SONG, seed=9)
    again = cw.propose("darker chords for the verse", SONG, seed=9)
    assert first.text == again.text
    assert [line.lyrics for line in parse(first.song).lines] == [line.lyrics for line in parse(SONG).lines]
