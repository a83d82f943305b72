"""The workspace's conversation with the model: proposals for the song, alternatives for one line, melody
sketches, and the chat history sent back with each request.

`CoWriting` is a part of `Workspace` (see `cowriter.service.workspace`): it reads the song and writes nothing
into it; accepting a proposal is the workspace's own business.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Iterator
from dataclasses import replace
from typing import TYPE_CHECKING

from cowriter.errors import CowriterError
from cowriter.model.backend import GenerationCancelled, Message
from cowriter.service.workspace import ports as ports
from cowriter.service.workspace.diff import Alternative, Candidate, Proposal, diff_changes

if TYPE_CHECKING:
    from cowriter.service.cowrite import Candidate as SearchCandidate
    from cowriter.service.cowrite import CoWriter
    from cowriter.service.cowrite import Proposal as Result
    from cowriter.service.workspace.melody import MelodySketch
    from cowriter.service.workspace.playback import Settings
    from cowriter.session import Session

HISTORY = 12  # chat turns sent back to the model with each request
SAID = frozenset({"syllables", "meter", "rhyme", "out-of-key"})  # flags a proposal's notice names
Seen = tuple[str, int]  # the song's text and its transposition when the writer asked (`CoWriting.seen`)


class CoWriting:
    """Asking the model about the song (the fields are the workspace's)."""

    text: str
    settings: Settings
    model_spec: str | None
    backend: ports.Backend | None
    history: list[Message]
    _session: Session | None
    _save_lock: threading.Lock
    _lock: threading.Lock

    if TYPE_CHECKING:

        @property
        def lines(self) -> list[str]: ...

    @property
    def model_name(self) -> str:
        """The model's one name: what its lines are credited to ("model:NAME"), what `cowriter ask --json`
        prints, what the status line shows. A GGUF's file name (".gguf" included), a server's model.
        Found without loading the model (see `model_check`)."""
        if self.backend is not None:
            return str(getattr(self.backend, "name", type(self.backend).__name__))
        return self.model_check()[0]

    def model_check(self) -> tuple[str, str]:
        """(`model_name`, what is wrong with it) without loading the model: "" when it can be tried,
        "missing" for a GGUF path that is not a file, "not found" for a name no tool has on this machine
        (or no default model installed). It may look through the folders where other tools keep models:
        call it from a worker."""
        if self.backend is not None:
            return self.model_name, ""
        from cowriter.model.locate import resolve

        spec = self.model_spec
        try:
            choice = resolve(spec)
        except CowriterError:
            return spec or "no model", "not found"  # a name nothing has, or no default model installed
        if choice.url:
            return choice.model_name or choice.url, ""
        if choice.path is None:
            return "model", ""
        return choice.path.name, "" if choice.path.is_file() else "missing"

    def model_hint(self) -> str:
        """The once-only suggestion to pull a bigger model while on the 135M default ("" otherwise).
        It may look at the disk: call it from a worker."""
        if self.backend is not None:
            return ""
        from cowriter.service.hints import bigger_model

        return bigger_model(self.model_spec)

    def _backend(self) -> ports.Backend:
        with self._lock:
            if self.backend is None:
                self.backend = ports.load_backend(self.model_spec)
            return self.backend

    def _cowriter(self) -> CoWriter:
        from cowriter.service.cowrite import CoWriter

        return CoWriter(self._backend())

    def propose(
        self,
        prompt: str,
        *,
        on_token: Callable[[str], None] | None = None,
        cancel: threading.Event | None = None,
        task: str | None = None,
        seen: Seen | None = None,
        on_candidate: Callable[[str], None] | None = None,
    ) -> Proposal:
        """Ask the model; stream its tokens to `on_token`; return the proposal as changes to the song as
        the model saw it (`seen`, taken when the writer asked; by default the song now): `follow` and
        `accept` carry it onto the song as it is by then.

        The co-writer makes several candidates and proposes the best; the others come with it
        (`Proposal.candidates`, best first, each with why it ranks there), and `on_candidate` hears of
        each as it is finished, in one line. Nothing in the song changes until `accept`. Raises
        CowriterError (no model, cancelled, a reply that could not be used even after a retry)."""
        text, transpose = seen if seen is not None else self.seen()

        def finished(candidate: SearchCandidate) -> None:
            if on_candidate is not None and candidate.number > 1:  # the first streamed as it was written
                on_candidate(candidate_line(candidate))

        with self._unanswered(prompt, cancel):
            result = self._cowriter().propose(
                prompt,
                text,
                task=task,
                numbering="editor",
                history=tuple(answered(self.history)),
                on_token=on_token,
                on_candidate=finished,
                cancel=cancel,
            )
        self._remember(prompt, result.text)
        # a chords-over-lyrics page is read (and answered) as ChordPro: the proposal is on that form, so
        # it holds the lines asked for and nothing else; turning the page into ChordPro stays the writer's
        candidates = candidates_of(result)
        best = next((c for c in result.candidates[:1]), None)
        told = ""
        if len(candidates) > 1 and best is not None:
            told = f"\n(the best of {len(candidates)} candidates: no. {best.number}; c shows the next, ? why)"
        return Proposal(
            prompt=prompt,
            reply=result.text + told,
            chordpro=result.chordpro,
            base=result.base,
            text=result.song,
            changes=diff_changes(result.base, result.song),
            model=result.model,
            # the constraints asked for and missed, said at once; every other reason is there on request
            errors=tuple(f.message for f in result.flags if f.kind in SAID),
            transpose=transpose,
            as_chordpro=result.base != text,
            candidates=candidates,
        )

    def seen(self) -> Seen:
        """The song as the model will see it: its text and its transposition (take it when the writer
        asks, on the thread that edits the song)."""
        return self.text, self.settings.transpose

    def alternatives(
        self,
        index: int,
        count: int = 3,
        *,
        on_token: Callable[[str], None] | None = None,
        cancel: threading.Event | None = None,
        seen: Seen | None = None,
    ) -> Proposal:
        """Other versions of line `index` (0-based) of the song as the writer had it when asking (`seen`;
        by default now), each with its syllable fit against the original."""
        song, transpose = seen if seen is not None else self.seen()
        lines = song.split("\n") if song else []
        words = lyric_words(lines[index]) if 0 <= index < len(lines) else ""
        if not words:
            raise CowriterError("put the cursor on a lyric line to ask for alternatives")
        prompt = f"{count} alternatives for line {index + 1}"  # the editor's line (cowrite_craft.line_at)
        asked = f"other versions of line {index + 1}"  # as the chat shows the request
        with self._unanswered(asked, cancel):
            result = self._cowriter().propose(
                prompt,
                song,
                task="alternatives",
                line=index + 1,
                numbering="editor",
                on_token=on_token,
                cancel=cancel,
            )
        self._remember(asked, result.text)
        target = ports.syllables(words)
        # never a line the song already has (the original included), nor the same words twice
        known = {same_words(line) for line in lines} - {""}
        alts: list[Alternative] = []
        for text in result.alternatives:
            key = same_words(text)
            if key and key not in known:
                known.add(key)
                alts.append(Alternative(text, ports.syllables(lyric_words(text)), target))
        if not alts:
            raise CowriterError("the model gave no usable alternative", hint="try again or rephrase")
        proposal = Proposal(
            prompt=prompt,
            reply=result.text,
            chordpro=result.chordpro,
            base=song,
            text=song,
            changes=(),
            model=result.model,
            alternatives=tuple(alts),
            line=index,
            transpose=transpose,
        )
        return proposal.choose(0)

    def proposal_bars(self, proposal: Proposal) -> tuple[int, int] | None:
        """Where to hear `proposal`: from the bar its first changed line starts in to the last bar of its
        last changed line (song bars, 1-based; 0: to the end). None: nowhere in particular (no change, or
        a song that cannot be timed)."""
        from cowriter.core.timeline import bar_at
        from cowriter.core.timing import timeline
        from cowriter.service.melody import first_performance

        brought = proposal.brought
        if brought is None:
            return None
        song, _ = ports.parse(proposal.text)
        if song is None:
            return None
        try:
            timed = timeline(song)
        except Exception:  # a song the timeline cannot follow: play it all
            return None
        first, last = brought[0] + 1, brought[1] + 1  # the spans' source lines are 1-based
        sung = [s for line in range(first, last + 1) for s in first_performance(timed.spans, line)]
        if not sung:  # only directives or blank lines changed: from the next line that sounds, to the end
            after = [s.bar for s in timed.spans if s.line >= first]
            return (after[0], 0) if after else None
        start = min(s.bar for s in sung)
        end = max(bar_at(timed.meters, s.start + s.duration - 1e-6)[0] for s in sung)
        return start, max(start, end)

    def cancel_model(self) -> None:
        """Stop the model's reply in flight at once, even while it reads the prompt (the request's own
        cancel event is still what ends the request: this ends the model's step in flight)."""
        if self.backend is not None:
            self.backend.cancel()

    @contextlib.contextmanager
    def _unanswered(self, prompt: str, cancel: threading.Event | None) -> Iterator[None]:
        """A request that ends without a reply (cancelled, quit while the model read it, failed) is in the
        chat as asked, with what became of it, as the screen shows it; the model does not read it again
        (`answered`)."""
        try:
            yield
        except CowriterError as exc:
            cancelled = isinstance(exc, GenerationCancelled) or (cancel is not None and cancel.is_set())
            why = "cancelled" if cancelled else "no answer: " + (str(exc).splitlines() or [""])[0]
            with contextlib.suppress(CowriterError):  # a session that cannot take it: the screen said it
                self._remember(prompt, f"({why})")
            raise

    def _remember(self, prompt: str, reply: str) -> None:
        self.history.extend([Message("user", prompt), Message("assistant", reply)])
        del self.history[:-HISTORY]
        if self._session is not None:
            with self._save_lock:
                ports.record_chat(self._session, prompt, reply, self.model_name)

    def sketch_melody(self, row: int, *, section: bool = False, alternatives: int = 4) -> MelodySketch:
        """Ranked melody sketches for the lyric line on 0-based `row` (or its whole section). Changes
        nothing: accept one with `accept(sketch.proposal(i))`, which credits its lines to the sketcher."""
        from cowriter.service.workspace.melody import sketch_at

        text, transpose = self.seen()
        sketch = sketch_at(text, row, section=section, alternatives=alternatives, bpm=self.settings.bpm)
        return replace(sketch, transpose=transpose)


def candidate_line(candidate: SearchCandidate) -> str:
    """A candidate in one line, as the chat says it is ready: its number, first words and score."""
    first = next((line for line in candidate.lyrics if line.strip()), "")
    words = " ".join(first.split()[:6]) + ("…" if len(first.split()) > 6 else "")
    state = "" if candidate.ok else ", rejected"
    return f"candidate {candidate.number}: {words} ({candidate.score:.1f}{state})"


def candidates_of(result: Result) -> tuple[Candidate, ...]:
    """The co-writer's candidates as the workspace offers them: the song with each in place, best first,
    each with why it ranks where it does, short enough for a notice (its scores by what counted most,
    what it misses, why it was rejected)."""
    from cowriter.service.cowrite import described

    if not result.candidates or (len(result.candidates) == 1 and result.candidates[0].parts == {}):
        return ()
    out: list[Candidate] = []
    for i, c in enumerate(result.candidates):
        marks = sorted(((k, v) for k, v in c.parts.items() if abs(v) >= 0.05), key=lambda kv: -abs(kv[1]))
        parts = ", ".join(f"{k} {v:+.1f}" for k, v in marks[:4])
        rank = f"candidate {c.number}, ranked {i + 1} of {len(result.candidates)}"
        why = [f"{rank}: score {c.score:.1f} ({parts or 'no marks'})"]
        why += [f"rejected, {described(f)}" for f in c.rejected[:2]]
        why += [f"misses {described(f)}" for f in c.notes[:2]]
        song = result.song if i == 0 else result.with_candidate(i).song
        out.append(Candidate(song, c.chordpro, "; ".join(why), c.ok))
    return tuple(out)


def unanswered(reply: str) -> bool:
    """Whether a reply in the chat stands for no answer ("(cancelled)", "(no answer: …)")."""
    return reply.startswith(("(cancelled)", "(no answer: ")) and reply.endswith(")")


def answered(history: list[Message]) -> list[Message]:
    """The conversation the model reads: the exchanges it answered (a request it never answered is in
    the chat for the writer, not in the model's context)."""
    out: list[Message] = []
    for i, message in enumerate(history):
        reply = history[i + 1] if message.role == "user" and i + 1 < len(history) else None
        if message.role == "assistant" and unanswered(message.content):
            continue
        if reply is not None and reply.role == "assistant" and unanswered(reply.content):
            continue
        out.append(message)
    return out


def same_words(line: str) -> str:
    """A line's sung words as compared for sameness: chords, case, punctuation and spacing ignored."""
    plain = lyric_words(line).lower().replace("'", "").replace("\u2019", "")  # don't = dont
    words = "".join(c if c.isalnum() or c.isspace() else " " for c in plain)
    return " ".join(words.split())


def lyric_words(line: str) -> str:
    """The sung words of a ChordPro source line ('' for directives, comments and chord-only lines)."""
    s = line.strip()
    if not s or s.startswith(("{", "#", "|")):
        return ""
    out: list[str] = []
    depth = 0
    for ch in line:
        if ch == "[":
            depth += 1
        elif ch == "]" and depth:
            depth -= 1
        elif not depth:
            out.append(ch)
    words = "".join(out).strip()
    return words if any(c.isalpha() for c in words) else ""
