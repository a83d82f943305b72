"""Candidates made of whole replies: for backends that cannot continue a reply line by line (a server, the
scripted fake), and for chords on given words (the model places chords under a grammar that fixes the
words and lets a chord fall before any syllable, inside a word as songs are written).

Each reply is parsed (`replies.parse_reply`: the right number of lines, chords that are chords, words
kept where they were to be) and its lines judged like the line search's (`cowrite_score.Judge`, without
the model's log-probabilities, which such backends do not give). A reply's own chords are kept; a line
that came without any gets the song's (`cowrite_chords`). One more reply is asked for when none could be
used (`CoWriter.retries`).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from cowriter.core import format as fmt
from cowriter.model.backend import Message
from cowriter.model.grammar import LineSpec, SectionSpec, rhyme_words, section_grammar, words_for_syllables
from cowriter.model.replies import Expectation, Flag, Reply, parse_reply
from cowriter.model.request import Request
from cowriter.service import cowrite_chords as harmony
from cowriter.service import cowrite_craft as craft
from cowriter.service.cowrite_plan import PlanLine
from cowriter.service.cowrite_score import Goal, Judge, Verdict
from cowriter.service.cowrite_search import Candidate

if TYPE_CHECKING:
    from cowriter.service.cowrite import CoWriter
    from cowriter.service.cowrite_ask import Ask

OnToken = Callable[[str], None]


@dataclass
class Made:
    """What the replies gave: the candidates, the pieces streamed, the replies asked for, the problems of
    unusable ones ("attempt 1: …") and the last reply's text."""

    candidates: list[Candidate] = field(default_factory=list)
    tokens: int = 0
    attempts: int = 0
    problems: list[str] = field(default_factory=list)
    text: str = ""


def _sections(
    cw: CoWriter, request: Request, goals: Sequence[PlanLine], count: int, chords: int
) -> list[SectionSpec]:
    kind = request.section if request.task in ("section", "continue", "mood") else ""
    specs = []
    for n in range(count):
        goal = goals[n % len(goals)]
        low, high = words_for_syllables(goal.syllables) if goal.syllables else (3, 8)
        rhymes = rhyme_words(cw.checks.rhymes_for(goal.rhyme_word)) if goal.rhyme_word else ()
        specs.append(LineSpec(low, high, chords, rhymes))
    return [SectionSpec(kind, request.label if kind else "", tuple(specs))]


def _expect(request: Request, goals: Sequence[PlanLine], count: int) -> Expectation:
    syllables = goals[0].syllables if goals and len({g.syllables for g in goals}) == 1 else request.syllables
    rhyme_lines = tuple(range(1, count + 1)) if request.task == "alternatives" else request.rhyme_lines
    return Expectation(
        lines=count, syllables=syllables, rhyme_with=request.rhyme_with, rhyme_lines=rhyme_lines
    )


def _stream(
    cw: CoWriter,
    messages: Sequence[Message],
    grammar: str | None,
    max_tokens: int,
    seed: int | None,
    on_token: OnToken | None,
    cancel: threading.Event | None,
) -> tuple[str, int]:
    pieces: list[str] = []
    for piece in cw.backend.stream(
        messages, grammar=grammar, max_tokens=max_tokens, temperature=cw.temperature, seed=seed, cancel=cancel
    ):
        pieces.append(piece)
        if on_token is not None:
            on_token(piece)
    return "".join(pieces), len(pieces)


def replies(
    cw: CoWriter,
    ask: Ask,
    goals: Sequence[PlanLine],
    judge: Judge,
    history: Sequence[Message],
    seed: int | None,
    on_token: OnToken | None,
    on_retry: Callable[[Sequence[str]], None] | None,
    on_candidate: Callable[[Candidate], None] | None,
    cancel: threading.Event | None,
) -> Made:
    """Candidates for a task that writes words (see the module doc)."""
    request = ask.request
    count = request.alternatives if request.task == "alternatives" else len(goals)
    per_line = max(1, harmony.density(ask.song)) + 1
    sections = _sections(cw, request, goals, count, per_line)
    palette = cw.checks.palette(ask.key, request)
    grammar = None
    if cw.use_grammar and cw.backend.supports_grammar:
        grammar = section_grammar(sections, craft.chord_body(palette))
    fitted = cw._fit(ask, history, craft.answer_budget(sections), examples=True)
    expect = _expect(request, goals, count)
    checks = cw.checks.reply_checks(ask.key, palette)
    started = time.perf_counter()
    wanted = cw.candidates or 1
    made = Made()
    while made.attempts < wanted + cw.retries and (made.attempts < wanted or not made.candidates):
        made.attempts += 1
        seed_n = None if seed is None else seed + made.attempts - 1
        streaming = on_token if not made.candidates else None
        made.text, n = _stream(cw, fitted.messages, grammar, fitted.max_tokens, seed_n, streaming, cancel)
        made.tokens += n
        reply = parse_reply(made.text, expect, checks)
        if not reply.usable:
            made.problems.extend(f"attempt {made.attempts}: {e}" for e in reply.errors)
            if on_retry is not None and not made.candidates and made.attempts < wanted + cw.retries:
                on_retry(reply.errors)
            continue
        for candidate in _judged(reply, request, goals, judge, len(made.candidates), started):
            made.candidates.append(candidate)
            if on_candidate is not None:
                on_candidate(candidate)
    return made


def _judged(
    reply: Reply, request: Request, goals: Sequence[PlanLine], judge: Judge, before: int, started: float
) -> list[Candidate]:
    lines = list(reply.lines)
    texts = [fmt.line_text(line) for line in lines]
    placed = [
        text if line.chords else harmony.place(line.lyrics, goals[n % len(goals)].chords)
        for n, (line, text) in enumerate(zip(lines, texts, strict=True))
    ]
    verdicts: list[Verdict] = []
    for n, line in enumerate(lines):
        plan = goals[n % len(goals)]
        goal = Goal(plan.syllables, plan.meter, plan.rhyme_word, plan.original, plan.asked)
        earlier = [] if request.task == "alternatives" else [x.lyrics for x in lines[:n]]
        verdicts.append(judge.line(" ".join(line.lyrics.split()), goal, before=earlier))
    seconds = time.perf_counter() - started
    if request.task == "alternatives":  # each line is a candidate of its own
        return [
            _candidate(before + n + 1, [v], [p], p + "\n", reply.flags, seconds, n + 1)
            for n, (v, p) in enumerate(zip(verdicts, placed, strict=True))
        ]
    chordpro = reply.chordpro if placed == texts else _rebuilt(reply.chordpro, texts, placed)
    return [_candidate(before + 1, verdicts, placed, chordpro, reply.flags, seconds, 0, reply.text)]


def _rebuilt(chordpro: str, old: Sequence[str], new: Sequence[str]) -> str:
    out = chordpro.split("\n")
    k = 0
    for i, line in enumerate(out):
        if k < len(old) and line.strip() == old[k].strip():
            out[i] = new[k]
            k += 1
    return "\n".join(out)


def _candidate(
    number: int,
    verdicts: Sequence[Verdict],
    lines: Sequence[str],
    chordpro: str,
    flags: Sequence[Flag],
    seconds: float,
    only: int,
    text: str = "",
) -> Candidate:
    parts: dict[str, float] = {}
    for v in verdicts:
        for k, x in v.parts.items():
            parts[k] = parts.get(k, 0.0) + x
    at = (lambda n: 1) if only else (lambda n: n)  # an alternative is a candidate of one line
    rejected = tuple(Flag(at(n), k, why) for n, v in enumerate(verdicts, 1) for k, why in v.rejected)
    notes = [Flag(at(n), k, why) for n, v in enumerate(verdicts, 1) for k, why in v.notes]
    judged = {"syllables", "rhyme", "meter"}  # the judge's own, from the plan
    reply_flags = [f for f in flags if (not only or f.line == only) and f.kind not in judged]
    if only:
        reply_flags = [Flag(0, f.kind, f.message) for f in reply_flags]
    return Candidate(
        number=number,
        lines=tuple(lines),
        lyrics=tuple(v.text for v in verdicts),
        chordpro=chordpro,
        text=text or chordpro,
        score=sum(parts.values()),
        parts=parts,
        rejected=rejected,
        notes=(*notes, *reply_flags),
        seconds=seconds,
    )


def chords(
    cw: CoWriter,
    ask: Ask,
    history: Sequence[Message],
    seed: int | None,
    on_token: OnToken | None,
    on_retry: Callable[[Sequence[str]], None] | None,
    cancel: threading.Event | None,
) -> Made:
    """Chords for the target's words, by the model: one candidate a usable reply."""
    request = ask.request
    fixed = tuple(tuple(line.lyrics.split()) for line in ask.target)
    most = max(2, harmony.density(ask.song) + 1)
    specs = tuple(
        LineSpec(words=w, pieces=tuple(harmony.pieces(x) for x in w), max_chords=max(most, 1), min_chords=1)
        for w in fixed
    )
    sections = [SectionSpec("", "", specs)]
    palette = cw.checks.palette(ask.key, request)
    grammar = None
    if cw.use_grammar and cw.backend.supports_grammar:
        grammar = section_grammar(sections, craft.chord_body(palette))
    variables = craft.variables(request, ask.base, ask.key, palette, ask.target)
    fitted = cw._fit_vars(variables, ask, history, craft.answer_budget(sections), True)
    expect = Expectation(lines=len(fixed), fixed_words=fixed)
    checks = cw.checks.reply_checks(ask.key, palette)
    started = time.perf_counter()
    wanted = cw.candidates or 1
    made = Made()
    while made.attempts < wanted + cw.retries and (made.attempts < wanted or not made.candidates):
        made.attempts += 1
        seed_n = None if seed is None else seed + made.attempts - 1
        streaming = on_token if not made.candidates else None
        made.text, n = _stream(cw, fitted.messages, grammar, fitted.max_tokens, seed_n, streaming, cancel)
        made.tokens += n
        reply = parse_reply(made.text, expect, checks)
        if not reply.usable:
            made.problems.extend(f"attempt {made.attempts}: {e}" for e in reply.errors)
            if on_retry is not None and not made.candidates and made.attempts < wanted + cw.retries:
                on_retry(reply.errors)
            continue
        made.candidates.append(
            Candidate(
                number=len(made.candidates) + 1,
                lines=tuple(fmt.line_text(line) for line in reply.lines),
                lyrics=tuple(line.lyrics for line in reply.lines),
                chordpro=reply.chordpro,
                text=made.text,
                score=0.0,
                notes=reply.flags,
                seconds=time.perf_counter() - started,
            )
        )
    return made
