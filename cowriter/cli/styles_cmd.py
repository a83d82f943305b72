"""`cowriter styles`: the arrangement styles, one line each."""

from __future__ import annotations

import argparse


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("styles", help="list the arrangement styles")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from cowriter.core.arrange import STYLES

    width = max(len(name) for name in STYLES)
    for name, style in STYLES.items():
        meter = f"{style.meter[0]}/{style.meter[1]}"
        print(f"{name.ljust(width)}  {meter}  {style.description}")
    return 0
