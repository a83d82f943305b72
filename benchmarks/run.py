"""Print cowriter's figures beside the peer measured in the same run.

Usage: python benchmarks/run.py [NAME ...]   (NAME picks bench_NAME.py; default: all)

Each `benchmarks/bench_*.py` defines `rows() -> list[Row]`. A row is one figure: what was measured,
cowriter's value, the peer's value measured in the same run (or "-"), and the target from the issue.
"""

from __future__ import annotations

import importlib.util
import sys
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent


@dataclass(frozen=True)
class Row:
    figure: str
    cowriter: str
    peer: str = "-"
    peer_value: str = "-"
    target: str = "-"
    verdict: str = ""


def _load(path: Path) -> object:
    spec = importlib.util.spec_from_file_location(path.stem, path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[path.stem] = module
    spec.loader.exec_module(module)
    return module


def main(argv: list[str]) -> int:
    sys.path.insert(0, str(HERE))
    wanted = set(argv)
    files = sorted(HERE.glob("bench_*.py"))
    header = ("figure", "cowriter", "peer", "peer value", "target", "ok")
    table: list[tuple[str, ...]] = []
    for path in files:
        name = path.stem.removeprefix("bench_")
        if wanted and name not in wanted:
            continue
        print(f"running {path.name} ...", file=sys.stderr, flush=True)
        module = _load(path)
        for row in module.rows():  # type: ignore[attr-defined]
            table.append((row.figure, row.cowriter, row.peer, row.peer_value, row.target, row.verdict))
    widths = [max(len(r[i]) for r in [header, *table]) for i in range(len(header))]
    line = " | ".join(h.ljust(w) for h, w in zip(header, widths, strict=True))
    print(line)
    print("-+-".join("-" * w for w in widths))
    for r in table:
        print(" | ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
