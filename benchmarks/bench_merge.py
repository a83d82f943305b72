"""Carrying an open proposal onto the song as the writer types (the three-way merge `Proposal.rebase`, run
on every keystroke while a proposal is open, and on each accept).

Peers, measured in the same run on the same three texts (base = the song the model saw, ours = the song
with the writer's edits, theirs = the song with the proposal):
- `git merge-file -p ours base theirs`, the three-way merge writers know from git (a whole process: what a
  tool shelling out to it would pay per keystroke);
- a bare `difflib.SequenceMatcher` of base against ours (the floor: the one diff a merge cannot avoid).

Also printed: how many lines git marks as conflicts beside ours, on the same texts. Usage:
python benchmarks/run.py merge
"""

from __future__ import annotations

import difflib
import random
import shutil
import subprocess
import tempfile
from pathlib import Path

from common import Row, best_of, fmt_ms

from cowriter.service.workspace.diff import Proposal, diff_changes

TARGET = 0.008  # per keystroke: well inside a 60 Hz frame, beside the gutter's own check


def texts(lines: int = 200, seed: int = 3) -> tuple[str, str, str]:
    """A song, the writer's edits (a few lines typed, one line rewritten that the model rewrites too, a
    transposed chord), and a proposal (a 12-line section added, two lines rewritten)."""
    rng = random.Random(seed)
    chords = ["C", "G", "Am", "F", "Em", "Dm7", "G7"]
    words = ["rain", "falls", "on", "the", "roof", "and", "I", "hear", "your", "name", "tonight"]

    def line(n: int) -> str:
        r = random.Random(n)
        return " ".join(
            f"[{r.choice(chords)}]{' '.join(r.choice(words) for _ in range(3))}" for _ in range(2)
        )

    base = ["{title: Bench}", "{key: C}"] + [line(n) if n % 9 else "" for n in range(lines - 2)]
    ours = list(base)
    ours[20] = ours[20] + " tonight"  # the line the model rewrites too: a conflict
    ours.insert(60, "a line the writer typed")
    ours[100] = ours[100].replace("[C]", "[D]")
    theirs = list(base)
    theirs[20] = "[Am]the model's own line"
    theirs[150] = "[F]another of the model's"
    at = len(theirs)
    theirs[at:at] = (
        ["", "{start_of_bridge}"] + [f"[G]bridge line {k}" for k in range(10)] + ["{end_of_bridge}"]
    )
    rng.shuffle(chords)
    return "\n".join(base) + "\n", "\n".join(ours) + "\n", "\n".join(theirs) + "\n"


def rows() -> list[Row]:
    base, ours, theirs = texts()
    proposal = Proposal("bench", "", "", base, theirs, diff_changes(base, theirs), "m")
    merged = proposal.rebase(ours)
    ours_s = best_of(lambda: proposal.rebase(ours), repeat=30)
    floor = best_of(
        lambda: difflib.SequenceMatcher(a=base.split("\n"), b=ours.split("\n"), autojunk=False).get_opcodes(),
        repeat=30,
    )
    out = [
        Row(
            "carry a proposal onto the edited song (200 lines)",
            fmt_ms(ours_s),
            "difflib base->ours only",
            fmt_ms(floor),
            f"< {fmt_ms(TARGET)}",
            "ok" if ours_s < TARGET else "SLOW",
        )
    ]
    git = shutil.which("git")
    if git is None:
        out.append(Row("git merge-file", "-", "git", "not installed"))
        return out
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for name, text in (("base", base), ("ours", ours), ("theirs", theirs)):
            (folder / name).write_text(text, encoding="utf-8")
        cmd = [git, "merge-file", "-p", str(folder / "ours"), str(folder / "base"), str(folder / "theirs")]

        def run() -> subprocess.CompletedProcess[str]:
            return subprocess.run(cmd, capture_output=True, text=True)

        git_s = best_of(run, repeat=10)
        conflicts = run().stdout.count("<<<<<<<")
    out.append(
        Row(
            "same merge, a whole process",
            fmt_ms(ours_s),
            "git merge-file -p",
            fmt_ms(git_s),
            "-",
            "ok" if ours_s < git_s else "slower",
        )
    )
    out.append(
        Row(
            "conflicts marked on these texts",
            f"{len(merged.conflicts)} line(s)",
            "git merge-file",
            f"{conflicts} region(s)",
            "the line both changed",
            "ok" if len(merged.conflicts) == 1 else "CHECK",
        )
    )
    return out
