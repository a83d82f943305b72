"""Many candidates, the best first: the co-writer's search over what the model writes.

With a model that can continue its own reply (`backend.Sampler`: the local llama.cpp one) a section is
written line by line. For each line the model writes a few versions under a grammar (words only, the word
bounds of the syllable target, the line end drawn from the rhymes of the line it pairs with, once that one
is written); each is judged in code (`cowrite_score.Judge`, with the model's own log-probability of it) and
the best goes on, so the next line follows it. A candidate is a whole proposal: the first is written with
one version a line (shown as soon as it is done, line by line), the next ones with several, while the time
budget lasts. A single line (a rewrite, alternatives) gets one candidate per version.

Chords are the song's (`cowrite_plan`, `cowrite_chords`): the words carry none while they are written.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from cowriter.lyrics import is_rhyme
from cowriter.lyrics.stress import FUNCTION_WORDS
from cowriter.model.backend import LINE_END, NEW_WORD, Message, Sample, Sampler
from cowriter.model.grammar import LineSpec, ending_grammar, line_grammar, words_for_syllables
from cowriter.model.replies import Flag
from cowriter.service import cowrite_chords as harmony
from cowriter.service.cowrite_plan import PlanLine
from cowriter.service.cowrite_rhymes import CANNOT_END, LEADER_RHYMES, PERFECT_ENOUGH
from cowriter.service.cowrite_score import Goal, Judge, Verdict, plain_words

LINE_TOKENS = 40  # a line's words never need more (the grammar bounds them)
EXTRA_TRIES = 2  # versions of a line written beyond the asked number when all were rejected
MIN_SINGLE = 3  # versions of a single line always written, whatever the time
SHORT_WORDS = FUNCTION_WORDS | CANNOT_END
SEED_STRIDE = 1_000_003  # a request's samples are seeded seed * SEED_STRIDE + n (a prime: no overlap)


class _Late(Exception):
    """The search's time is over before a candidate was finished."""


@dataclass(frozen=True, slots=True)
class Passed:
    """A version of a line the search wrote and did not keep: its line, words, score and why it was
    rejected (nothing: another version scored better)."""

    line: int
    text: str
    score: float
    rejected: tuple[str, ...] = ()

    def as_dict(self) -> dict[str, object]:
        return {
            "line": self.line,
            "text": self.text,
            "score": round(self.score, 3),
            "rejected": list(self.rejected),
        }


@dataclass(frozen=True)
class Candidate:
    """One complete candidate: its lines as ChordPro and as the model wrote them, judged.

    `number` counts candidates in the order they were finished (from 1); `seconds` is when, from the start
    of the request. `rejected` and `notes` name their line ("line 2: not a word: 'Donth'")."""

    number: int
    lines: tuple[str, ...]
    lyrics: tuple[str, ...]
    chordpro: str
    text: str
    score: float
    parts: dict[str, float] = field(default_factory=dict)
    rejected: tuple[Flag, ...] = ()
    notes: tuple[Flag, ...] = ()
    seconds: float = 0.0
    samples: int = 1
    passed: tuple[Passed, ...] = ()  # the versions of its lines that were written and not kept

    @property
    def ok(self) -> bool:
        return not self.rejected

    def as_dict(self) -> dict[str, object]:
        return {
            "number": self.number,
            "chordpro": self.chordpro,
            "score": round(self.score, 3),
            "scores": {k: round(v, 3) for k, v in self.parts.items()},
            "rejected": [described(f) for f in self.rejected],
            "notes": [described(f) for f in self.notes],
            "seconds": round(self.seconds, 3),
            "passed": [p.as_dict() for p in self.passed],
        }


def described(flag: Flag) -> str:
    """A flag as one line: "line 2: not a word: 'Donth'" (the whole proposal: no line number)."""
    return f"line {flag.line}: {flag.message}" if flag.line else flag.message


def ranked(candidates: Sequence[Candidate]) -> list[Candidate]:
    """Best first: candidates not rejected before rejected ones, then by score, then the earlier."""
    return sorted(candidates, key=lambda c: (not c.ok, -c.score, c.number))


def last_word_logprob(sample: Sample) -> float | None:
    """The model's log-probability of the sample's last word (its tokens from the last space on)."""
    if not sample.steps:
        return None
    total = 0.0
    for piece, logprob in reversed(sample.steps):
        total += logprob
        if piece.startswith(" ") and piece.strip(" ,.!?;:"):
            return total
    return total


@lru_cache(maxsize=65536)
def word_syllables(count: Callable[[str], int], word: str) -> int:
    """`count(word)`, remembered: the rhyme and leader lists a line's end is drawn from run to thousands of
    words, the same from request to request (counting them each time cost a second a request)."""
    return count(word)


def syllable_window(goal: Goal) -> tuple[int, int] | None:
    """The syllables a line may hold: the target ±1 where the writer asked for a count or the meter, ±2
    where the target is only the song's own line (None: no target)."""
    if not goal.syllables:
        return None
    slack = 1 if goal.asked & {"syllables", "meter"} else 2
    return max(1, goal.syllables - slack), goal.syllables + slack


def line_spec(goal: PlanLine) -> LineSpec:
    """Words only, bounded for the syllable target."""
    low, high = words_for_syllables(goal.syllables) if goal.syllables else (3, 8)
    return LineSpec(low, max(high, low + 1), 0, (), min_chords=0)


@dataclass
class LineSearch:
    """The search for one request (see the module doc). `rhymes_for(word)`: usable line ends that rhyme
    with `word`, likely ones first (empty: none usable)."""

    sampler: Sampler
    messages: tuple[Message, ...]
    plan: Sequence[PlanLine]
    judge: Judge
    rhymes_for: Callable[[str], tuple[str, ...]]
    header: str = ""
    footer: str = ""
    lead: str = ""  # the reply's beginning before the lines (the prefill), e.g. a label for them
    leaders: tuple[str, ...] = ()  # words with rhymes enough for a line that others rhyme with
    rhymeable: Callable[[str], int] | None = None  # how many perfect rhymes a word has
    temperature: float = 0.8
    seed: int | None = None
    cancel: threading.Event | None = None
    started: float = field(default_factory=time.perf_counter)
    samples: int = 0
    tokens: int = 0  # tokens written, all samples together
    per_sample: float = 0.0  # seconds a sample takes, once the prompt is read (the latest estimate)

    def _seed(self) -> int | None:
        """The seed of the next sample: the request's seed and the sample's number mixed, so that two
        requests with seeds next to each other share no sample (seed + n made seed 11's second sample
        seed 12's first, and their proposals came out the same)."""
        self.samples += 1
        return None if self.seed is None else (self.seed * SEED_STRIDE + self.samples - 1) % 2**31

    def _goal(self, n: int, chosen: Sequence[str]) -> tuple[Goal, tuple[str, ...], str]:
        """The judge's goal for line n, the rhyme words its grammar allows, and a note when its rhyme
        could not be asked for."""
        line = self.plan[n]
        word = line.rhyme_word
        if word is None and line.rhyme_to is not None and line.rhyme_to < len(chosen):
            found = plain_words(chosen[line.rhyme_to])
            word = found[-1] if found else None
        rhymes = self.rhymes_for(word) if word else ()
        note = ""
        if word and not rhymes:
            note = f"no usable rhyme for '{word}'"
            word = None
        goal = Goal(line.syllables, line.meter, word, line.original, line.asked)
        return goal, rhymes, note

    def write_line(
        self,
        n: int,
        chosen: Sequence[str],
        versions: int,
        on_piece: Callable[[str], None] | None = None,
        extra: int = EXTRA_TRIES,
    ) -> list[tuple[Verdict, Sample]]:
        """`versions` versions of line n after `chosen` (more, up to `extra`, while all are rejected),
        judged; best last."""
        goal, rhymes, note = self._goal(n, chosen)
        grammar = line_grammar(line_spec(self.plan[n]))
        prefill = self.lead + "".join(f"{line}\n" for line in chosen)
        window = syllable_window(goal)
        out: list[tuple[Verdict, Sample]] = []
        while len(out) < versions or (not any(v.ok for v, _ in out) and len(out) < versions + extra):
            sample = self._sample(prefill, grammar, chosen, on_piece if not out else None, window=window)
            # the first version of a line (the first candidate's) tries one ending: it is shown first
            tries = 1 if versions == 1 else 2
            if goal.rhyme_with and rhymes:
                sample = self._rhymed(sample, prefill, goal.rhyme_with, rhymes, chosen, tries, window)
            elif self.plan[n].leads and self.leaders and self.rhymeable is not None:
                # later lines rhyme with this one: it ends on a word with rhymes enough to choose from
                last = plain_words(sample.text)
                if last and self.rhymeable(last[-1]) < LEADER_RHYMES:
                    sample = self._ended(sample, prefill, self.leaders, chosen, tries, window)
            text = " ".join(sample.text.split())
            verdict = self.judge.line(
                text,
                goal,
                before=chosen,
                logprob=sample.mean_logprob,
                leads_rhyme=self.plan[n].leads,
                ending=last_word_logprob(sample),
            )
            if note:
                notes = (*verdict.notes, ("rhyme", note))
                verdict = Verdict(verdict.text, verdict.score, verdict.parts, verdict.rejected, notes)
            out.append((verdict, sample))
        return sorted(out, key=lambda vs: vs[0].key())

    def _sample(
        self,
        prefill: str,
        grammar: str,
        chosen: Sequence[str],
        on_piece: Callable[[str], None] | None = None,
        *,
        tokens: int = LINE_TOKENS,
        temperature: float | None = None,
        never: frozenset[str] = frozenset(),
        window: tuple[int, int] | None = None,
        stem: str = "",
    ) -> Sample:
        """A line written after `prefill` (or a line's end, after its `stem`, which ends `prefill`: what may
        not come next is judged on the whole line). With a syllable `window` (low, high) the line may not
        end below low syllables, and no new word begins once it holds the target (the window's middle: a
        word begun below it may take the line to high), unless the line would end on a word no line ends
        on ("the", "of"), which may take one more word."""
        earlier = Judge(avoid=chosen) if chosen else None
        count = self.judge.count_syllables

        def ban(written: str) -> set[str]:
            text = stem + written
            found = self.judge.banned_next(text) | never
            if earlier is not None:
                found |= earlier.banned_next(text)
            if window is not None:
                held = count(text) if text.strip() else 0
                low, high = window
                if held < low:
                    found.add(LINE_END)
                elif held >= (low + high) // 2:
                    words = plain_words(text)
                    if not (words and words[-1] in CANNOT_END and held <= high):
                        found.add(NEW_WORD)
            return found

        t0 = time.perf_counter()
        sample = self.sampler.sample(
            self.messages,
            prefill=prefill,
            grammar=grammar,
            max_tokens=tokens,
            temperature=self.temperature if temperature is None else temperature,
            seed=self._seed(),
            stop=["\n"],
            cancel=self.cancel,
            on_piece=on_piece,
            ban=ban,
        )
        self.tokens += sample.tokens
        if self.samples > 1:  # the first also read the prompt
            took = time.perf_counter() - t0
            self.per_sample = took if not self.per_sample else 0.7 * self.per_sample + 0.3 * took
        return sample

    def _rhymed(
        self,
        sample: Sample,
        prefill: str,
        word: str,
        rhymes: tuple[str, ...],
        chosen: Sequence[str],
        tries: int = 2,
        window: tuple[int, int] | None = None,
    ) -> Sample:
        """The line as the model wrote it when it ends on a rhyme for `word`; else the same line ended on
        the rhyme the model finds likeliest there (`_ended`), perfect rhymes alone when there are enough."""
        words = plain_words(sample.text)
        if len(words) < 2 or (words[-1] != word.lower() and is_rhyme(words[-1], word)):
            return sample
        perfect = tuple(w for w in rhymes if is_rhyme(w, word, slant=False))
        return self._ended(
            sample, prefill, perfect if len(perfect) >= PERFECT_ENOUGH else rhymes, chosen, tries, window
        )

    def _ended(
        self,
        sample: Sample,
        prefill: str,
        ends: Sequence[str],
        chosen: Sequence[str],
        tries: int,
        window: tuple[int, int] | None = None,
    ) -> Sample:
        """The same line with its last word (or its last two, with `tries` 2) replaced by the word of
        `ends` the model finds likeliest there: its own choice of where the line ends, and of the word
        that fits that place best. Of the endings tried, the likeliest line is kept. With a syllable
        `window`, the words offered are those that keep the line in it, where there are any, a line too
        long for any is cut further back, and a line in the window is kept before a likelier one that is
        not."""
        text = sample.text.rstrip()
        words = plain_words(text)
        # a short word the model means whole ("is", "the") must not open a longer one ("isolate", "theme")
        never = frozenset(SHORT_WORDS - set(ends))
        best: Sample | None = None
        bare = text.rstrip(",.!?;:")
        cuts = [bare.rfind(" ")]
        if len(words) >= 4 and tries > 1:
            cuts.append(bare.rfind(" ", 0, cuts[0]))
        if window is not None:  # a stem too long for any end: cut back until a one-syllable end fits
            held = self.judge.count_syllables
            cut = cuts[-1]
            while cut > 0 and held(text[:cut]) >= window[1] and len(plain_words(text[:cut])) > 2:
                cut = bare.rfind(" ", 0, cut)
            if 0 < cut != cuts[-1] and held(text[:cut]) < window[1]:
                cuts.append(cut)
        for cut in cuts:
            if cut <= 0:
                continue
            stem = text[:cut]
            grammar = ending_grammar(self._fitting(ends, stem, window))
            ending = self._sample(
                prefill + stem, grammar, chosen, tokens=8, temperature=0.0, never=never, stem=stem
            )
            head, count = sample.before(len(stem))
            steps = (*((p, x) for p, x in sample.steps[:count]), *ending.steps)
            line = Sample(stem + ending.text, head + (ending.logprob or 0.0), count + ending.tokens, steps)
            if best is None or self._ending_key(line, window) > self._ending_key(best, window):
                best = line
        return best or sample

    def _ending_key(self, line: Sample, window: tuple[int, int] | None) -> tuple[bool, float]:
        """Of a line's endings, the best is in the syllable window, then the likeliest."""
        fits = window is None or window[0] <= self.judge.count_syllables(line.text) <= window[1]
        return fits, line.mean_logprob or -99.0

    def _fitting(self, ends: Sequence[str], stem: str, window: tuple[int, int] | None) -> Sequence[str]:
        """The words of `ends` that end `stem` within the syllable `window` (all of them when none does)."""
        if window is None:
            return ends
        count = self.judge.count_syllables
        held = count(stem) if stem.strip() else 0
        fit = [w for w in ends if window[0] <= held + word_syllables(count, w) <= window[1]]
        return fit or ends

    def section(
        self,
        number: int,
        versions: int,
        on_line: Callable[[int, str], None] | None = None,
        deadline: float = float("inf"),
    ) -> Candidate:
        """One candidate: every line of the plan, each the best of `versions` (see `write_line`); given up
        (`_Late`) when `deadline` passes before its last line."""
        chosen: list[str] = []
        verdicts: list[Verdict] = []
        passed: list[tuple[int, Verdict]] = []
        spent = self.samples
        for n in range(len(self.plan)):
            if time.perf_counter() > deadline:
                raise _Late()
            *others, (best, _sample) = self.write_line(n, chosen, versions)
            chosen.append(best.text)
            verdicts.append(best)
            passed.extend((n + 1, v) for v, _ in others)
            if on_line is not None:
                on_line(n, harmony.place(best.text, self.plan[n].chords))
        return self._candidate(number, verdicts, self.samples - spent, passed)

    def single(self, number: int) -> Candidate:
        """One candidate of a one-line plan: one version, judged (a rejected one is a candidate too: the
        next version is the next candidate)."""
        verdict, _sample = self.write_line(0, (), 1, extra=0)[-1]
        return self._candidate(number, [verdict], 1)

    def _candidate(
        self,
        number: int,
        verdicts: Sequence[Verdict],
        samples: int,
        passed: Sequence[tuple[int, Verdict]] = (),
    ) -> Candidate:
        lines = tuple(harmony.place(v.text, p.chords) for v, p in zip(verdicts, self.plan, strict=False))
        parts: dict[str, float] = {}
        for v in verdicts:
            for k, x in v.parts.items():
                parts[k] = parts.get(k, 0.0) + x
        rejected = tuple(Flag(n, k, why) for n, v in enumerate(verdicts, 1) for k, why in v.rejected)
        notes = [Flag(n, k, why) for n, v in enumerate(verdicts, 1) for k, why in v.notes]
        if self.judge.topic and len(verdicts) > 1 and not parts.get("topic"):
            parts["topic"] = -0.5
            notes.append(Flag(0, "topic", "none of the request's words: " + ", ".join(self.judge.topic[:4])))
        body = "".join(f"{line}\n" for line in lines)
        chordpro = self.header + body + (f"{self.footer}\n" if self.footer else "")
        return Candidate(
            number=number,
            lines=lines,
            lyrics=tuple(v.text for v in verdicts),
            chordpro=chordpro,
            text="\n".join(v.text for v in verdicts) + "\n",
            score=sum(parts.values()),
            parts=parts,
            rejected=rejected,
            notes=tuple(notes),
            seconds=time.perf_counter() - self.started,
            samples=samples,
            passed=tuple(Passed(n, v.text, v.score, tuple(why for _, why in v.rejected)) for n, v in passed),
        )

    def run(
        self,
        *,
        candidates: int,
        versions: int,
        budget: float,
        on_line: Callable[[int, str], None] | None = None,
        on_candidate: Callable[[Candidate], None] | None = None,
    ) -> list[Candidate]:
        """Up to `candidates` candidates, as many as fit in `budget` seconds: the first always (with one
        version a line; `on_line` sees its lines as they are chosen), the others with `versions`, each
        started only when its expected time fits and given up, unfinished, when the time is over. A single
        line gets MIN_SINGLE versions whatever the time, and more while none is usable. Each finished
        candidate goes to `on_candidate`, but a single line written again word for word. Returned in the order
        they were made."""
        out: list[Candidate] = []
        single = len(self.plan) == 1
        deadline = self.started + budget
        for number in range(1, candidates + 1):
            k = 1 if single or number == 1 else versions
            if out and not (single and (number <= MIN_SINGLE or not any(c.ok for c in out))):
                expected = self.per_sample * k * len(self.plan)
                if time.perf_counter() + expected > deadline:
                    break
            try:
                if single:
                    candidate = self.single(number)
                    if number == 1 and on_line is not None:
                        on_line(0, candidate.lines[0])
                else:
                    late = deadline if number > 1 else float("inf")
                    candidate = self.section(number, k, on_line if number == 1 else None, late)
            except _Late:
                break
            if single and any(c.lyrics == candidate.lyrics for c in out):
                continue  # the same line again is no other version
            out.append(candidate)
            if on_candidate is not None:
                on_candidate(candidate)
        return out
