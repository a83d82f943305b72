"""A scripted editor run as a child process by the durability and locking tests.

    python editor_child.py STORE NAME loop SEED   save versions (and chat, state, branches) until killed;
                                                  each acknowledgement is printed only after the call returned
    python editor_child.py STORE NAME hold        open for writing, print the mode, then obey stdin:
                                                  `save TEXT` -> prints the id; `quit` -> closes and exits

Acknowledgements, one per line: `saved ID SEED I`, `said SEED I`, `state VALUE`, `branch ID`.
"""

from __future__ import annotations

import sys

from cowriter.session import SessionStore


def song(seed: int, i: int, lines: int = 40) -> str:
    """A deterministic song text for step `i` of trial `seed` (a few lines change each step)."""
    out = ["{title: Durable}", "{key: G}", ""]
    for n in range(lines):
        if n % 7 == i % 7:
            out.append(f"[G]line {n} take {seed}.{i} [D]with [Em]new words")
        else:
            out.append(f"[G]line {n} stays the [C]same")
    return "\n".join(out) + "\n"


def loop(store: SessionStore, name: str, seed: int) -> int:
    session = store.open(name) if store.exists(name) else store.create(name, song(seed, 0))
    if session.readonly:
        print("readonly", session.notice, flush=True)
        return 3
    print("ready", flush=True)
    i = 0
    while True:
        i += 1
        author = "human" if i % 3 else "model:tiny"
        prompt = f"prompt {seed}.{i}" if author != "human" else None
        v = session.save_version(song(seed, i), author, message=f"t{seed}.{i}", prompt=prompt)
        print(f"saved {v.id} {seed} {i}", flush=True)
        if i % 4 == 0:
            session.add_message("user", f"m{seed}.{i}")
            print(f"said {seed} {i}", flush=True)
        if i % 5 == 0 and v.parent is not None:
            session.branch_from(v.parent)
            print(f"branch {v.parent}", flush=True)
        session.set_state("step", seed * 100_000 + i)
        print(f"state {seed * 100_000 + i}", flush=True)


def hold(store: SessionStore, name: str) -> int:
    session = store.open(name)
    print("readonly" if session.readonly else "writer", flush=True)
    for line in sys.stdin:
        cmd, _, arg = line.rstrip("\n").partition(" ")
        if cmd == "save":
            print(session.save_version(arg + "\n", "human").id, flush=True)
        elif cmd == "quit":
            break
    session.close()
    print("closed", flush=True)
    return 0


def main(argv: list[str]) -> int:
    store = SessionStore(argv[0])
    if argv[2] == "loop":
        return loop(store, argv[1], int(argv[3]))
    return hold(store, argv[1])


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
