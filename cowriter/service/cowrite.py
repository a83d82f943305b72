"""The propose pipeline shared by the CLI and the TUI: ask → stream under a grammar → parse → check →
retry once → a `Proposal` the writer accepts or rejects line by line. Nothing here overwrites the song.

    writer's words ─▶ Request (task, lines, syllables, rhyme) ─▶ messages (prompts/, context fit)
        ─▶ backend.stream(grammar) ─▶ replies.parse_reply ─▶ (retry once) ─▶ Proposal(song = merged text)

`proposal_diff(current, proposed)` gives the line-based hunks; `apply_hunks` applies the accepted ones.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace

from cowriter.core import format as fmt
from cowriter.core.keys import Key
from cowriter.core.sheet import is_chordpro, read_song
from cowriter.core.song import LyricLine, Song
from cowriter.errors import CowriterError
from cowriter.model.backend import Backend, Message
from cowriter.model.context import fit
from cowriter.model.grammar import LineSpec, SectionSpec, rhyme_words, section_grammar, words_for_syllables
from cowriter.model.prompts import Prompts
from cowriter.model.replies import Expectation, Flag, Reply, parse_reply
from cowriter.model.request import FIXED_WORDS, NEEDS_TARGET, Request, parse_request
from cowriter.service import cowrite_craft as craft
from cowriter.service import cowrite_harmony as harmony
from cowriter.service.cowrite_diff import Hunk, apply_hunks, proposal_diff

__all__ = ["CoWriter", "Hunk", "Proposal", "ProposalFailed", "apply_hunks", "proposal_diff"]

OnToken = Callable[[str], None]
CHAT_TOKENS = 256  # a co-writer's aside, not an essay


class ProposalFailed(CowriterError):
    """The model's replies could not be used, even after a retry. `reasons` says why."""

    def __init__(self, reasons: Sequence[str], text: str) -> None:
        super().__init__(
            "the model's reply could not be used: " + "; ".join(reasons[:3]),
            hint="ask again, rephrase, or try a larger model (--model)",
        )
        self.reasons = tuple(reasons)
        self.text = text


@dataclass(frozen=True)
class Proposal:
    """One usable proposal. `chordpro` is the proposed part; `song` the whole song with it merged in."""

    task: str
    request: Request
    text: str  # the model's reply as streamed
    chordpro: str
    song: str  # the current song text (as ChordPro) with the proposal merged in
    base: str  # the current song text (as ChordPro) that `song` is compared with
    flags: tuple[Flag, ...]
    model: str
    seconds: float
    tokens: int
    attempts: int
    diagnostics: tuple[str, ...] = ()  # problems of earlier, discarded attempts
    alternatives: tuple[str, ...] = ()  # for the alternatives task: each candidate line
    notes: tuple[str, ...] = ()  # what the writer may want to know (which harmony option was chosen)

    def diff(self) -> list[Hunk]:
        return proposal_diff(self.base, self.song)


@dataclass
class CoWriter:
    """Proposes changes to a song with one backend. Thread-compatible: one `propose` at a time."""

    backend: Backend
    prompts: Prompts = field(default_factory=Prompts)
    use_grammar: bool = True
    temperature: float = 0.7
    retries: int = 1
    checks: craft.CraftChecks = field(default_factory=craft.CraftChecks)

    def __post_init__(self) -> None:
        # the model family's own templates first, where prompts/families.toml gives it some
        model = getattr(self.backend, "family_text", "") or getattr(self.backend, "model_name", "")
        if model:
            self.prompts = self.prompts.for_model(model)

    def propose(
        self,
        prompt: str,
        song_text: str = "",
        *,
        task: str | None = None,
        history: Sequence[Message] = (),
        seed: int | None = None,
        on_token: OnToken | None = None,
        on_retry: Callable[[Sequence[str]], None] | None = None,
        cancel: threading.Event | None = None,
    ) -> Proposal:
        """One proposal for `prompt` about `song_text` (ChordPro or chords over lyrics)."""
        try:
            request = parse_request(prompt, task)
        except ValueError as exc:
            raise CowriterError(str(exc), hint="tasks: " + ", ".join(craft.TASK_HELP)) from None
        base, song = _as_chordpro(song_text)
        key = craft.song_key(song)
        original = read_song(song_text) if base != song_text and request.target_line is not None else None
        target = craft.target_lines(song, request, original) if request.task in NEEDS_TARGET else ()
        chosen = harmony.plan_for(request, song, target) if request.task in FIXED_WORDS else None
        if chosen is not None:
            return self._harmony(request, chosen, base, key, target, history, seed, on_token, cancel)
        if request.task in NEEDS_TARGET and not target:
            raise CowriterError(
                f"the {request.task} task works on lines of the song, and there are none to work on",
                hint="pass --song FILE with lyrics, or ask for a new section",
            )
        sections, expect = self._plan(request, target)
        palette = self.checks.palette(key, request)
        grammar = None
        if self.use_grammar and self.backend.supports_grammar and request.task != "chat":
            grammar = section_grammar(sections, craft.chord_body(palette))
        variables = craft.variables(request, base, key, palette, target)
        system = Message("system", self.prompts.render("system", variables))
        task_message = Message("user", self.prompts.render(request.task, variables))
        examples: tuple[Message, ...] = ()
        if request.task != "chat":
            examples = (
                Message("user", self.prompts.render("example_request", variables)),
                Message("assistant", self.prompts.render("example_reply", variables)),
            )
        fitted = fit(
            system,
            task_message,
            history=history,
            examples=examples,
            context_size=self.backend.context_size,
            answer_tokens=CHAT_TOKENS if request.task == "chat" else craft.answer_budget(sections),
            count=self.backend.count_tokens,
        )
        started = time.perf_counter()
        tokens = 0
        problems: list[str] = []
        reply: Reply | None = None
        text = ""
        for attempt in range(1, self.retries + 2):
            attempt_seed = None if seed is None else seed + attempt - 1
            pieces: list[str] = []
            for piece in self.backend.stream(
                fitted.messages,
                grammar=grammar,
                max_tokens=fitted.max_tokens,
                temperature=self.temperature,
                seed=attempt_seed,
                cancel=cancel,
            ):
                pieces.append(piece)
                tokens += 1
                if on_token is not None:
                    on_token(piece)
            text = "".join(pieces)
            if request.task == "chat":
                return self._proposal(request, text, "", base, base, (), started, tokens, attempt, problems)
            reply = parse_reply(text, expect, self.checks.reply_checks(key, palette))
            if reply.usable:
                break
            problems.extend(f"attempt {attempt}: {e}" for e in reply.errors)
            if on_retry is not None and attempt <= self.retries:
                on_retry(reply.errors)
        if reply is None or not reply.usable:
            raise ProposalFailed([p.split(": ", 1)[1] for p in problems], text)
        merged, alternatives = craft.merge(base, song, request, reply, target)
        return self._proposal(
            request, text, reply.chordpro, base, merged, reply.flags, started, tokens, attempt, problems,
            alternatives,
        )

    def _harmony(
        self,
        request: Request,
        chosen: harmony.HarmonyPlan,
        base: str,
        key: Key,
        target: Sequence[LyricLine],
        history: Sequence[Message],
        seed: int | None,
        on_token: OnToken | None,
        cancel: threading.Event | None,
    ) -> Proposal:
        """Harmony made in code (a new progression, a richer reharmonisation); the model picks one."""
        started = time.perf_counter()
        variables = craft.variables(request, base, key, self.checks.palette(key, request), target)
        answer = harmony.choose(
            self.backend,
            self.prompts,
            chosen,
            variables,
            base,
            temperature=self.temperature,
            seed=seed,
            history=history,
            cancel=cancel,
        )
        if on_token is not None:
            on_token(answer.chordpro)
        proposal = self._proposal(
            request, answer.chordpro, answer.chordpro, base, answer.merged, (), started, answer.tokens, 1, ()
        )
        return replace(proposal, notes=(harmony.describe(chosen, answer.index),))

    def _plan(
        self, request: Request, target: Sequence[LyricLine]
    ) -> tuple[list[SectionSpec], Expectation]:
        if request.task in FIXED_WORDS:
            fixed = tuple(tuple(line.lyrics.split()) for line in target)
            specs = [SectionSpec("", "", tuple(LineSpec(words=w, max_chords=3) for w in fixed))]
            return specs, Expectation(lines=len(fixed), fixed_words=fixed)
        count = request.lines
        if request.task == "alternatives":
            count = request.alternatives
        elif request.task in ("rewrite", "mood") and target and not request.lines_given:
            count = len(target)
        syllables = request.syllables
        if syllables is None and request.task in ("rewrite", "alternatives") and target:
            syllables = self.checks.count_syllables(target[0].lyrics)
        low, high = words_for_syllables(syllables) if syllables else (3, 8)
        rhymes = rhyme_words(self.checks.rhymes_for(request.rhyme_with)) if request.rhyme_with else ()
        lines = tuple(
            LineSpec(low, high, 2, rhymes if (n in request.rhyme_lines and rhymes) else ())
            for n in range(1, count + 1)
        )
        kind = request.section if request.task in ("section", "continue", "mood") else ""
        label = request.label if kind else ""
        expect = Expectation(
            lines=count,
            syllables=syllables,
            rhyme_with=request.rhyme_with,
            rhyme_lines=request.rhyme_lines if request.task != "alternatives" else tuple(range(1, count + 1)),
        )
        return [SectionSpec(kind, label, lines)], expect

    def _proposal(
        self,
        request: Request,
        text: str,
        chordpro: str,
        base: str,
        merged: str,
        flags: tuple[Flag, ...],
        started: float,
        tokens: int,
        attempts: int,
        problems: Sequence[str],
        alternatives: tuple[str, ...] = (),
    ) -> Proposal:
        return Proposal(
            task=request.task,
            request=request,
            text=text,
            chordpro=chordpro,
            song=merged,
            base=base,
            flags=flags,
            model=self.backend.name,
            seconds=time.perf_counter() - started,
            tokens=tokens,
            attempts=attempts,
            diagnostics=tuple(problems),
            alternatives=alternatives,
        )


def _as_chordpro(text: str) -> tuple[str, Song]:
    """The song as ChordPro text and its parse (chords over lyrics is converted first)."""
    if not text.strip():
        return "", read_song("")
    if is_chordpro(text):
        return text, read_song(text)
    converted = fmt.to_chordpro(read_song(text))
    return converted, read_song(converted)
