"""`cowriter chord SYMBOL... [--json] [--key K]`: each symbol's notes, root first, bass marked.

    $ cowriter chord D/F# Cmj7
    D/F#: D F# A (bass F#)
    cowriter: Cmj7: unexpected 'j7'; … (column 3); did you mean Cmaj7?     (stderr, exit 1)

With `--key`, each line adds the chord's Roman numeral and Nashville number in that key, and says when
the chord is outside it. `--json` prints a list of `{"symbol","valid","root","quality","bass","notes",
"error"}` (plus `"roman"`, `"nashville"`, `"in_key"` with `--key`).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import sys
from typing import Any

from cowriter.cli.common import say
from cowriter.errors import CowriterError


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("chord", help="spell chord symbols (notes root first, bass marked)")
    p.add_argument("symbols", metavar="SYMBOL", nargs="+", help="chord symbols, e.g. Am7 D/F# C7(b9,#11)")
    p.add_argument("--json", action="store_true", help="a JSON list, one object per symbol")
    p.add_argument("--key", metavar="K", help="also show Roman numeral and Nashville number in this key")
    p.set_defaults(func=run)


def _safe_stream(stream: Any) -> None:
    """Never fail on `°`, `ø` or `♭` in an ASCII locale: replace what the terminal cannot show."""
    reconfigure = getattr(stream, "reconfigure", None)
    if reconfigure is not None:
        with contextlib.suppress(ValueError, OSError):  # a stream that cannot be reconfigured
            reconfigure(errors="replace")


def run(args: argparse.Namespace) -> int:
    from cowriter.core.chords import ChordError, parse_chord
    from cowriter.core.keys import KeyError_, parse_key

    key = None
    if args.key:
        from cowriter.core.theory import analyse

        try:
            key = parse_key(args.key)
        except KeyError_ as exc:
            raise CowriterError(str(exc), hint="write a key like C, Am, F#m, Bb, Ebm", exit_code=2) from None
    _safe_stream(sys.stdout)
    _safe_stream(sys.stderr)
    results: list[dict[str, Any]] = []
    lines: list[str] = []
    failed = False
    for symbol in args.symbols:
        entry: dict[str, Any] = {
            "symbol": symbol,
            "valid": False,
            "root": None,
            "quality": None,
            "bass": None,
            "notes": [],
            "error": None,
        }
        try:
            chord = parse_chord(symbol)
        except ChordError as exc:
            failed = True
            entry["error"] = str(exc)
            results.append(entry)
            say(exc)
            continue
        entry.update(
            valid=True,
            root=chord.root or None,
            quality=chord.quality,
            bass=chord.bass,
            notes=list(chord.notes),
        )
        if chord.is_no_chord:
            text = f"{symbol}: no chord"
        else:
            text = f"{symbol}: {' '.join(chord.notes)}"
            if chord.bass:
                text += f" (bass {chord.bass})"
        if key is not None:
            info = analyse(chord, key)
            entry.update(
                roman=info.roman, nashville=info.nashville, in_key=info.diatonic, function=info.function
            )
            if not chord.is_no_chord:
                text += f"  [{key.name}: {info.roman}, {info.nashville}"
                text += "]" if info.diatonic else f"; {info.explanation}]"
        results.append(entry)
        lines.append(text)
    if args.json:
        print(json.dumps(results, ensure_ascii=False))
    else:
        for line in lines:
            print(line)
    return 1 if failed else 0
