"""`cowriter ask PROMPT [--song FILE] [--task T] [--model PATH|URL] [--seed N] [--json]`: one proposal.

The reply streams to stdout as the model writes it; advice (chords outside the key, lines off their
syllable target, missed rhymes) follows on stderr. `--json` prints one object instead:
`{"model","task","text","chordpro","errors","seconds","tokens"}`, exactly as DESIGN.md says (scripts compare
the key set); the advice (chords out of key, syllables off target) goes to stderr in both modes.
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
    p.add_argument("--seed", type=int, help="sampling seed (the same seed gives the same proposal)")
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
    song_text = ""
    if args.song:
        from cowriter import songio

        song_text = songio.read_text(args.song)
    choice = resolve(getattr(args, "model", None), model_name=args.model_name)
    backend = open_backend(choice)
    writer = CoWriter(backend, prompts=_prompts())
    stream = not args.json

    def on_token(piece: str) -> None:
        sys.stdout.write(piece)
        sys.stdout.flush()

    def on_retry(reasons: Sequence[str]) -> None:
        sys.stdout.write("\n")
        say(f"reply unusable ({'; '.join(reasons[:2])}); asking once more")

    try:
        proposal = writer.propose(
            args.prompt,
            song_text,
            task=args.task,
            seed=args.seed,
            on_token=on_token if stream else None,
            on_retry=on_retry if stream else None,
        )
    except ProposalFailed as exc:
        if args.json:
            _print_json(backend.name, args.task or "", exc.text, "", list(exc.reasons), 0.0, 0)
            return 1
        raise
    finally:
        backend.close()
    if args.json:
        _print_json(
            proposal.model, proposal.task, proposal.text, proposal.chordpro, [],
            proposal.seconds, proposal.tokens,
        )
    elif not proposal.text.endswith("\n"):
        sys.stdout.write("\n")
    for flag in proposal.flags:
        say(f"line {flag.line}: {flag.message}")
    for note in proposal.notes:
        say(note)
    return 0


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
    model: str, task: str, text: str, chordpro: str, errors: list[str], seconds: float, tokens: int
) -> None:
    out = {
        "model": model,
        "task": task,
        "text": text,
        "chordpro": chordpro,
        "errors": errors,
        "seconds": round(seconds, 3),
        "tokens": tokens,
    }
    print(json.dumps(out, ensure_ascii=False))
