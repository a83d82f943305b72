"""Arrange songs in every style and judge each arrangement: run by bench_arrange.py as a subprocess.

Usage: python arrange_audit.py AUDIT_PY < songs.json > results.jsonl

`songs.json` is a list of {"name", "meter", "text"}; each song is parsed, timed and arranged by the
`cowriter` on PYTHONPATH (the checkout being measured, which may be an older one), and judged by the
audit module at AUDIT_PY (the current one, loaded by path, so an arranger from before the audit existed is
judged by the same rules). One JSON line per arrangement: the counts, each miss's rule, the arrange time.
Only APIs the arranger has had from the start are used: read_song, timeline, arrange, STYLES.
"""

from __future__ import annotations

import importlib.util
import json
import sys
import time
from collections import Counter


def main(audit_path: str) -> int:
    spec = importlib.util.spec_from_file_location("band_audit", audit_path)
    assert spec and spec.loader
    judge = importlib.util.module_from_spec(spec)
    sys.modules["band_audit"] = judge
    spec.loader.exec_module(judge)

    from cowriter.core.arrange import STYLES, ArrangeError, arrange
    from cowriter.core.sheet import read_song
    from cowriter.core.timing import timeline

    for item in json.load(sys.stdin):
        song = read_song(item["text"])
        timed = timeline(song)
        for style in STYLES:
            t0 = time.perf_counter()
            try:
                arrangement = arrange(song, style=style, seed=1)
            except ArrangeError:
                continue
            seconds = time.perf_counter() - t0
            result = judge.audit(timed, arrangement)
            row = {
                "name": item["name"],
                "meter": item["meter"],
                "style": style,
                "chords": result.chords,
                "heard": result.heard,
                "changes": result.changes,
                "bass": result.bass,
                "wrong": result.wrong,
                "rules": dict(Counter(m.rule for m in result.misses)),
                "seconds": seconds,
            }
            print(json.dumps(row))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
