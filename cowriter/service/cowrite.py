"""The propose pipeline shared by the CLI and the TUI: ask → many candidates → each judged in code → the
best is the proposal, the next ones its alternatives. Nothing here overwrites the song.

    writer's words ─▶ Request (task, lines, syllables, rhyme scheme, meter, the lines named)
        ─▶ plan (per line: syllables, stress, rhyme partner, chords from the song)
        ─▶ candidates: written line by line by a local model (`cowrite_search`), or whole replies from
           any other backend, each parsed and judged (`cowrite_score`)
        ─▶ Proposal (the best candidate merged into the song; every candidate with its reasons)

Chords for given words (`chords`, `reharmonise`) are the model's, under a grammar that fixes the words and
lets a chord fall before any syllable; a chat is free text that ends at a sentence's end.
`proposal_diff(current, proposed)` gives the line-based hunks; `apply_hunks` applies the accepted ones.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace

from cowriter.core.song import LyricLine
from cowriter.errors import CowriterError
from cowriter.model.backend import Backend, Message, Sampler
from cowriter.model.context import Fitted, fit
from cowriter.model.grammar import SectionSpec
from cowriter.model.prompts import Prompts
from cowriter.model.replies import Flag
from cowriter.model.request import FIXED_WORDS, NEEDS_TARGET, Request
from cowriter.service import cowrite_chat as chat
from cowriter.service import cowrite_craft as craft
from cowriter.service import cowrite_harmony as harmony
from cowriter.service import cowrite_whole as whole
from cowriter.service import cowrite_words as words
from cowriter.service.cowrite_ask import Ask, read_ask
from cowriter.service.cowrite_diff import Hunk, apply_hunks, proposal_diff
from cowriter.service.cowrite_plan import PlanLine, plan
from cowriter.service.cowrite_rhymes import PERFECT_ENOUGH, RhymeBook, book_of, usable_rhymes
from cowriter.service.cowrite_score import Judge
from cowriter.service.cowrite_search import LINE_TOKENS, Candidate, LineSearch, described, ranked

__all__ = [
    "Candidate",
    "CoWriter",
    "Hunk",
    "Proposal",
    "ProposalFailed",
    "apply_hunks",
    "described",
    "proposal_diff",
]

OnToken = Callable[[str], None]
OnCandidate = Callable[[Candidate], None]
SEARCH_CANDIDATES = 4  # candidates for a section, written line by line by a local model
LINE_CANDIDATES = 6  # versions of a single line (a rewrite, alternatives), at least
LEAD_LINES = 2  # a new section's reply begins with the song's last lines (the model goes on with the song)
VERSIONS = 3  # versions of each line after the first candidate
BUDGET = 8.0  # seconds a search may start new candidates in (the first is always made)


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
    """One usable proposal. `chordpro` is the proposed part; `song` the whole song with it merged in.

    `candidates` are every candidate made, best first (the proposal is the first); `taken` says which
    lines of the song the task worked on, as the writer numbers them ("line 2: 'That saved a wretch'")."""

    task: str
    request: Request
    text: str  # the model's words for the proposal
    chordpro: str
    song: str  # the current song text (as ChordPro) with the proposal merged in
    base: str  # the current song text (as ChordPro) that `song` is compared with
    flags: tuple[Flag, ...]
    model: str
    seconds: float
    tokens: int
    attempts: int
    diagnostics: tuple[str, ...] = ()  # problems of earlier, discarded attempts
    alternatives: tuple[str, ...] = ()  # for the alternatives task: each candidate line, best first
    candidates: tuple[Candidate, ...] = ()
    taken: str = ""
    target: tuple[LyricLine, ...] = field(default=(), repr=False)  # the song's lines the task worked on
    notes: tuple[str, ...] = ()  # what the writer may want to know (which harmony option was chosen)

    def diff(self) -> list[Hunk]:
        return proposal_diff(self.base, self.song)

    def with_candidate(self, index: int) -> Proposal:
        """The same proposal with candidate `index` (of `candidates`) in place of the best one."""
        chosen = self.candidates[index]
        song = craft.merge_lines(self.base, self.request, chosen, self.target)
        return replace(self, text=chosen.text, chordpro=chosen.chordpro, song=song, flags=_flags(chosen))


def _flags(candidate: Candidate) -> tuple[Flag, ...]:
    return (*candidate.rejected, *candidate.notes)


@dataclass
class CoWriter:
    """Proposes changes to a song with one backend. Thread-compatible: one `propose` at a time.

    `candidates`: how many candidates to make (None: several with a model that writes line by line,
    one whole reply from any other); `budget`: seconds a search may keep starting candidates."""

    backend: Backend
    prompts: Prompts = field(default_factory=Prompts)
    use_grammar: bool = True
    temperature: float = 0.7
    retries: int = 1
    checks: craft.CraftChecks = field(default_factory=craft.CraftChecks)
    candidates: int | None = None
    budget: float = BUDGET
    _rhyme_book: RhymeBook | None = field(default=None, init=False, repr=False)

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
        line: int | None = None,
        numbering: str = "lyric",
        history: Sequence[Message] = (),
        seed: int | None = None,
        on_token: OnToken | None = None,
        on_retry: Callable[[Sequence[str]], None] | None = None,
        on_candidate: OnCandidate | None = None,
        cancel: threading.Event | None = None,
    ) -> Proposal:
        """One proposal for `prompt` about `song_text` (ChordPro or chords over lyrics).

        `line` names the line to work on (as "line N" in the prompt does); `numbering` says how lines are
        counted: "lyric" (the Nth lyric line, as the CLI counts) or "editor" (the file's own lines)."""
        ask = read_ask(prompt, song_text, task, line, numbering)
        started = time.perf_counter()
        if ask.request.task == "chat":
            fitted = self._fit(ask, history, chat.budget(self.backend.context_size))
            text, tokens = chat.reply(self.backend, fitted, self.temperature, seed, on_token, cancel)
            return self._proposal(ask, text, "", ask.base, (), started, tokens, 1)
        if ask.request.task in FIXED_WORDS:
            chosen = harmony.plan_for(ask.request, ask.song, ask.target)
            if chosen is not None:
                return self._harmony(ask, chosen, history, seed, on_token, cancel, started)
        if ask.request.task in NEEDS_TARGET and not ask.target:
            raise CowriterError(
                f"the {ask.request.task} task works on lines of the song, and there are none to work on",
                hint="pass --song FILE with lyrics, or ask for a new section",
            )
        if ask.request.task in FIXED_WORDS:
            return self._chords(ask, history, seed, on_token, on_retry, cancel, started)
        lines = craft.line_count(ask.request, ask.target)
        goals = plan(
            ask.request,
            ask.song,
            ask.key,
            ask.target,
            1 if ask.request.task == "alternatives" else lines,
            seed,
        )
        judge = self._judge(ask, song_text)
        if isinstance(self.backend, Sampler) and self.use_grammar and self.backend.supports_grammar:
            found, tokens = self._search(
                ask, goals, lines, judge, history, seed, on_token, on_candidate, cancel
            )
            attempts = 1
        else:
            made = whole.replies(
                self, ask, goals, judge, history, seed, on_token, on_retry, on_candidate, cancel
            )
            if not made.candidates:
                raise ProposalFailed([p.split(": ", 1)[1] for p in made.problems], made.text)
            found, tokens, attempts = made.candidates, made.tokens, made.attempts
            best = ranked(found)
            return replace(
                self._chosen(ask, best, started, tokens, attempts), diagnostics=tuple(made.problems)
            )
        best = ranked(found)
        return self._chosen(ask, best, started, tokens, attempts)

    def taken(
        self,
        prompt: str,
        song_text: str = "",
        *,
        task: str | None = None,
        line: int | None = None,
        numbering: str = "lyric",
    ) -> str:
        """Which lines `propose` with these arguments would work on, as the writer numbers them ("line 2:
        'That saved a wretch like me'"; "" for a new section). Raises the errors `propose` would."""
        return read_ask(prompt, song_text, task, line, numbering).taken

    # -- reading the request -----------------------------------------------------------------------------
    def _judge(self, ask: Ask, song_text: str) -> Judge:
        return words.judge_for(
            ask.request,
            ask.song,
            ask.target,
            song_text,
            self.prompts,
            self.checks,
            rhymeable=self._rhymeable,
        )

    def _book(self) -> RhymeBook | None:
        """The perfect rhymes among the model's own words, when the backend says which words it knows."""
        if self._rhyme_book is None and hasattr(self.backend, "vocabulary"):
            self._rhyme_book = book_of(self.backend.vocabulary())
        return self._rhyme_book

    def _rhymes(self, word: str) -> tuple[str, ...]:
        """Usable line ends rhyming with `word`: everyday words, the model's own perfect rhymes alone when
        it knows enough of them."""
        book = self._book()
        if book is not None and len(book.perfect(word)) >= PERFECT_ENOUGH:
            return book.perfect(word)  # no need to look for slant rhymes (a second a word)
        usable = usable_rhymes(word, self.backend.count_tokens, self.checks.rhymes_for)
        return book.rhymes(word, usable) if book is not None else usable

    def _rhymeable(self, word: str) -> int:
        book = self._book()
        return len(book.perfect(word)) if book is not None else len(self._rhymes(word))

    def _fit(
        self,
        ask: Ask,
        history: Sequence[Message],
        answer: int,
        *,
        lyrics_only: bool = False,
        examples: bool = False,
    ) -> Fitted:
        variables = craft.variables(ask.request, ask.base, ask.key, [], ask.target, lyrics_only=lyrics_only)
        return self._fit_vars(variables, ask, history, answer, examples)

    def _fit_vars(
        self, variables: dict[str, object], ask: Ask, history: Sequence[Message], answer: int, examples: bool
    ) -> Fitted:
        system = Message("system", self.prompts.render("system", variables))
        task_message = Message("user", self.prompts.render(ask.request.task, variables))
        shots: tuple[Message, ...] = ()
        if examples:
            shots = (
                Message("user", self.prompts.render("example_request", variables)),
                Message("assistant", self.prompts.render("example_reply", variables)),
            )
        return fit(
            system,
            task_message,
            history=history,
            examples=shots,
            context_size=self.backend.context_size,
            answer_tokens=answer,
            count=self.backend.count_tokens,
        )

    # -- the line search ----------------------------------------------------------------------------------
    def _search(
        self,
        ask: Ask,
        goals: Sequence[PlanLine],
        lines: int,
        judge: Judge,
        history: Sequence[Message],
        seed: int | None,
        on_token: OnToken | None,
        on_candidate: OnCandidate | None,
        cancel: threading.Event | None,
    ) -> tuple[list[Candidate], int]:
        """The candidates of a line-by-line search, and the tokens it wrote."""
        assert isinstance(self.backend, Sampler)
        request = ask.request
        kind = request.section if request.task in ("section", "continue") else ""
        section = SectionSpec(kind, request.label if kind else "")
        fitted = self._fit(ask, history, LINE_TOKENS * len(goals) + 24, lyrics_only=True)
        # a line rewritten is written where it stands: the reply begins with the lines before it, so the
        # model goes on with the song instead of answering about it; a new section, after the song's end
        if request.task in NEEDS_TARGET:
            before = craft.lines_before(ask.song, ask.target)
        else:
            before = craft.last_lines(ask.song, LEAD_LINES)
        search = LineSearch(
            self.backend,
            fitted.messages,
            goals,
            judge,
            self._rhymes,
            header=f"{section.header}\n" if section.header else "",
            footer=section.footer,
            lead="".join(f"{line}\n" for line in before),
            temperature=max(self.temperature, 0.8),
            seed=seed,
            cancel=cancel,
            leaders=book.leaders() if (book := self._book()) is not None else (),
            rhymeable=self._rhymeable,
        )
        single = len(goals) == 1
        count = self.candidates or (
            max(LINE_CANDIDATES, 2 * request.alternatives) if single else SEARCH_CANDIDATES
        )
        if on_token is not None and search.header:
            on_token(search.header)

        def on_line(_n: int, text: str) -> None:
            if on_token is not None:
                on_token(text + "\n")

        closed = False  # the streamed first candidate ends with its footer before the next is shown

        def close() -> None:
            nonlocal closed
            if not closed and on_token is not None and search.footer:
                on_token(search.footer + "\n")
            closed = True

        def done(candidate: Candidate) -> None:
            close()
            if on_candidate is not None:
                on_candidate(candidate)

        found = search.run(
            candidates=count, versions=VERSIONS, budget=self.budget, on_line=on_line, on_candidate=done
        )
        close()
        return found, search.tokens

    # -- harmony made in code, chosen by the model -----------------------------------------------------------
    def _harmony(
        self,
        ask: Ask,
        chosen: harmony.HarmonyPlan,
        history: Sequence[Message],
        seed: int | None,
        on_token: OnToken | None,
        cancel: threading.Event | None,
        started: float,
    ) -> Proposal:
        """Harmony made in code (a new progression, a richer reharmonisation); the model picks one."""
        request = ask.request
        palette = self.checks.palette(ask.key, request)
        variables = craft.variables(request, ask.base, ask.key, palette, ask.target)
        answer = harmony.choose(
            self.backend,
            self.prompts,
            chosen,
            variables,
            ask.base,
            temperature=self.temperature,
            seed=seed,
            history=history,
            cancel=cancel,
        )
        if on_token is not None:
            on_token(answer.chordpro)
        proposal = self._proposal(
            ask, answer.chordpro, answer.chordpro, answer.merged, (), started, answer.tokens, 1
        )
        return replace(proposal, notes=(harmony.describe(chosen, answer.index),))

    # -- chords for given words ---------------------------------------------------------------------------
    def _chords(
        self,
        ask: Ask,
        history: Sequence[Message],
        seed: int | None,
        on_token: OnToken | None,
        on_retry: Callable[[Sequence[str]], None] | None,
        cancel: threading.Event | None,
        started: float,
    ) -> Proposal:
        made = whole.chords(self, ask, history, seed, on_token, on_retry, cancel)
        if not made.candidates:
            raise ProposalFailed([p.split(": ", 1)[1] for p in made.problems], made.text)
        proposal = self._chosen(ask, ranked(made.candidates), started, made.tokens, made.attempts)
        return replace(proposal, diagnostics=tuple(made.problems))

    # -- the proposal ---------------------------------------------------------------------------------------
    def _chosen(
        self, ask: Ask, best: Sequence[Candidate], started: float, tokens: int, attempts: int
    ) -> Proposal:
        top = best[0]
        merged = craft.merge_lines(ask.base, ask.request, top, ask.target)
        alternatives: tuple[str, ...] = ()
        text = top.text
        if ask.request.task == "alternatives":
            usable = [c.lines[0] for c in best if c.ok] or [top.lines[0]]
            alternatives = tuple(dict.fromkeys(usable))[: max(ask.request.alternatives, 1)]
            text = "".join(f"{line}\n" for line in alternatives)  # what the co-writer offers, all of it
        proposal = self._proposal(
            ask,
            text,
            top.chordpro,
            merged,
            _flags(top),
            started,
            tokens,
            attempts,
            alternatives,
            tuple(best),
        )
        return proposal

    def _proposal(
        self,
        ask: Ask,
        text: str,
        chordpro: str,
        merged: str,
        flags: tuple[Flag, ...],
        started: float,
        tokens: int,
        attempts: int,
        alternatives: tuple[str, ...] = (),
        candidates: tuple[Candidate, ...] = (),
    ) -> Proposal:
        proposal = Proposal(
            task=ask.request.task,
            request=ask.request,
            text=text,
            chordpro=chordpro,
            song=merged,
            base=ask.base,
            flags=flags,
            model=self.backend.name,
            seconds=time.perf_counter() - started,
            tokens=tokens,
            attempts=attempts,
            alternatives=alternatives,
            candidates=candidates,
            taken=ask.taken,
            target=ask.target,
        )
        return proposal
