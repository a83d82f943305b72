"""`cowriter rhyme WORD`: perfect rhymes, then slant rhymes (everyday words first)."""

from __future__ import annotations

import argparse
import json
import sys

from cowriter.errors import CowriterError


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("rhyme", help="perfect then slant rhymes for a word")
    p.add_argument("word", metavar="WORD")
    p.add_argument("--limit", metavar="N", type=int, default=40, help="at most N of each kind (default 40)")
    p.add_argument("--json", action="store_true", help='{"word","perfect","slant"}')
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from cowriter.lyrics import rhymes
    from cowriter.lyrics.syllables import words

    found = words(args.word)
    if len(found) != 1:
        raise CowriterError(
            f"{args.word!r} is not one word", hint="give a single word, e.g. `cowriter rhyme rain`"
        )
    word = found[0]
    perfect = rhymes(word, limit=args.limit)
    slant = rhymes(word, slant=True, limit=args.limit)
    if args.json:
        print(json.dumps({"word": word, "perfect": perfect, "slant": slant}))
        return 0
    sys.stdout.write(f"perfect: {', '.join(perfect) or '(none found)'}\n")
    sys.stdout.write(f"slant:   {', '.join(slant) or '(none found)'}\n")
    return 0
