"""`cowriter ask PROMPT [--song FILE] [--task T] [--line N] [--model PATH|URL] [--seed N] [--candidates K]
[--json]`: one proposal, the best of several candidates.

`--line N` (like "line N" in the prompt) is the Nth lyric line of the song, as `melody --line` counts;
which line was taken is said on stderr first ("line 2: 'That saved a wretch like me'").

The first candidate streams to stdout as it is written, line by line; each further candidate follows as
it is finished, after a `# candidate N` comment line (ChordPro comments, so the output stays ChordPro);
the last line names the best, which is the proposal, and the order of the others. With one candidate the
output is the proposal alone. Advice (chords outside the key, lines off their syllable target, missed
rhymes) follows on stderr.

`--json` prints one object instead: the contract's `{"model","task","text","chordpro","errors","seconds",
"tokens"}` (the proposal), plus `"taken"` (the lines the task worked on, "" for none), `"flags"` (the
constraints the proposal misses, one line each) and `"candidates"`: every candidate, best first, each
`{"number","chordpro","score","scores","rejected","notes","seconds"}` — `scores` by criterion (words,
syllables, meter, rhyme, topic, repeats, fluency), `rejected` the reasons a candidate cannot be the
proposal ("line 2: not a word: 'Donth'").
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

from cowriter.cli.common import say
from cowriter.errors import CowriterError

if TYPE_CHECKING:
    from cowriter.model.prompts import Prompts
    from cowriter.service.cowrite import Candidate, Proposal

TASKS = ("section", "continue", "rewrite", "alternatives", "chords", "reharmonise", "mood", "chat")


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "ask",
        help="one proposal from the model, streamed",
        description="Ask the co-writer for one proposal. Nothing is written to your song.",
    )
    p.add_argument("prompt", metavar="PROMPT", help='what you want, e.g. "a chorus about rain, 8 syllables"')
    p.add_argument("--song", metavar="FILE", help="the song so far (ChordPro or chords over lyrics)")
    p.add_argument("--task", choices=TASKS, help="what kind of proposal (default: guessed from PROMPT)")
    p.add_argument("--model", metavar="PATH|URL", default=argparse.SUPPRESS, help="GGUF file or server URL")
    p.add_argument("--model-name", metavar="NAME", help="the model to ask on an OpenAI-compatible server")
    p.add_argument("--line", type=int, metavar="N", help="work on the Nth lyric line of the song (from 1)")
    p.add_argument("--seed", type=int, help="sampling seed (the same seed gives the same proposal)")
    p.add_argument(
        "--candidates",
        type=int,
        metavar="K",
        help="candidates to write and rank (default: as many as time allows)",
    )
    p.add_argument("--json", action="store_true", help="print one JSON object instead of streaming")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from cowriter.model.locate import open_backend, resolve
    from cowriter.service.cowrite import CoWriter, ProposalFailed

    if not args.prompt.strip():
        raise CowriterError(
            "the prompt is empty",
            hint='say what you want, e.g. cowriter ask "a chorus about rain"',
            exit_code=2,
        )
    if args.line is not None and args.line < 1:
        raise CowriterError("--line counts lyric lines from 1", hint="e.g. --line 2", exit_code=2)
    if args.candidates is not None and not 1 <= args.candidates <= 16:
        raise CowriterError("--candidates takes 1 to 16", exit_code=2)
    song_text = ""
    if args.song:
        from cowriter import songio

        song_text = songio.read_text(args.song)
    choice = resolve(getattr(args, "model", None), model_name=args.model_name)
    backend = open_backend(choice)
    writer = CoWriter(backend, prompts=_prompts(), candidates=args.candidates)
    shown = _Shown(stream=not args.json)
    try:
        taken = writer.taken(args.prompt, song_text, task=args.task, line=args.line)
    except CowriterError:
        backend.close()
        raise
    if taken:
        say(taken)
    try:
        proposal = writer.propose(
            args.prompt,
            song_text,
            task=args.task,
            line=args.line,
            seed=args.seed,
            on_token=shown.token if shown.stream else None,
            on_retry=shown.retry if shown.stream else None,
            on_candidate=shown.candidate if shown.stream else None,
        )
    except ProposalFailed as exc:
        if args.json:
            _print_json(backend.name, args.task or "", exc.text, "", list(exc.reasons), 0.0, 0)
            return 1
        raise
    finally:
        backend.close()
    from cowriter.service.cowrite import described

    if args.json:
        extra: dict[str, object] = {
            "taken": proposal.taken,
            "flags": [described(f) for f in proposal.flags],
            "candidates": [c.as_dict() for c in proposal.candidates],
        }
        _print_json(
            proposal.model,
            proposal.task,
            proposal.text,
            proposal.chordpro,
            [],
            proposal.seconds,
            proposal.tokens,
            extra,
        )
        return 0
    shown.end(proposal)
    for flag in proposal.flags:
        say(described(flag))
    for note in proposal.notes:
        say(note)
    return 0


class _Shown:
    """What `ask` prints while the candidates come (see the module doc)."""

    def __init__(self, stream: bool) -> None:
        self.stream = stream
        self.text = ""  # the first candidate, as streamed
        self.seen = 0

    def token(self, piece: str) -> None:
        self.text += piece
        sys.stdout.write(piece)
        sys.stdout.flush()

    def retry(self, reasons: Sequence[str]) -> None:
        sys.stdout.write("\n")
        say(f"reply unusable ({'; '.join(reasons[:2])}); asking once more")

    def candidate(self, candidate: Candidate) -> None:
        from cowriter.service.cowrite import described

        self.seen += 1
        if self.seen == 1 and self.text:
            return  # streamed as it was written
        if self.text and not self.text.endswith("\n"):
            sys.stdout.write("\n")
        head = f"# candidate {candidate.number}"
        if candidate.rejected:
            head += " (rejected: " + "; ".join(described(f) for f in candidate.rejected[:2]) + ")"
        sys.stdout.write(f"\n{head}\n{candidate.chordpro}")
        if not candidate.chordpro.endswith("\n"):
            sys.stdout.write("\n")
        sys.stdout.flush()
        self.text = candidate.chordpro

    def end(self, proposal: Proposal) -> None:
        if self.seen <= 1:
            if not self.text:
                sys.stdout.write(proposal.chordpro or proposal.text)
            if not (self.text or proposal.chordpro or proposal.text).endswith("\n"):
                sys.stdout.write("\n")
            return
        best, *rest = proposal.candidates
        order = ", ".join(str(c.number) for c in rest if c.ok)
        refused = ", ".join(str(c.number) for c in rest if not c.ok)
        line = f"\n# the proposal: candidate {best.number}"
        line += f"; then {order}" if order else ""
        line += f" (rejected: {refused})" if refused else ""
        sys.stdout.write(line + "\n")


def _prompts() -> Prompts:
    from cowriter.model.locate import load_config
    from cowriter.model.prompts import user_prompts_dir

    try:
        config = load_config()
    except CowriterError:
        config = {}
    from cowriter.model.prompts import Prompts

    return Prompts(user_prompts_dir(config=config))


def _print_json(
    model: str,
    task: str,
    text: str,
    chordpro: str,
    errors: list[str],
    seconds: float,
    tokens: int,
    extra: dict[str, object] | None = None,
) -> None:
    out: dict[str, object] = {
        "model": model,
        "task": task,
        "text": text,
        "chordpro": chordpro,
        "errors": errors,
        "seconds": round(seconds, 3),
        "tokens": tokens,
        **(extra or {}),
    }
    print(json.dumps(out, ensure_ascii=False))
