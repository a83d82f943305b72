"""The co-writer's lines, before and after issue 12, on prompts written fresh for it (`cowrite_prompts.py`).

Both run the real `cowriter ask --json` in a subprocess on the same 20 prompts (the FRESH set, never tuned
on; COWRITE_PROMPTS=held_out or tune picks another), two seeds each, and the default model
(SmolLM2-135M-Instruct): "before" is cowriter as it was when the work began (commit BASELINE,
extracted from git into a temporary folder), "after" is this tree. Per reply:
- words: every word of the new lyric lines in the CMU dictionary, or a word of the song or the request;
  broken: a word touching a chord that is none ("A [D]onth", "[Dm]lory");
- rhyme: of the line pairs the request asks to rhyme (a scheme, or "rhyme with X"), how many do
  (`lyrics.is_rhyme`, slant rhymes counted, a word with itself not);
- syllables: lines within ±1 of the target (the number asked for; for "keep the meter", the line it
  stands for);
- leakage: a run of four words from the prompts' worked example (`example_reply.j2`);
- rewrite and alternatives on lyric lines: the request succeeds and changes that line.
- lines whose one chord sits on their first word (the old grammar put one there on every line).
Then time: each whole `ask` command (the median), tokens/s while replying beside llama-cpp-python alone
(same model and threads, a free reply); and, in process and warm (the model loaded, one request on the
same song done first): the first candidate shown, and a 4-line section's whole search, beside the old
pipeline's one reply.

`python benchmarks/run.py cowrite` prints the table; `python benchmarks/bench_cowrite.py --replies DIR`
also writes each reply, before and after, for the hand-judged table (benchmarks/judged/).
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from common import Row
from cowrite_prompts import SETS, Case

from cowriter.core.chordpro import parse
from cowriter.core.song import LyricLine
from cowriter.lyrics import is_rhyme, syllables
from cowriter.lyrics.syllables import all_phones
from cowriter.lyrics.syllables import words as split_words

ROOT = Path(__file__).resolve().parent.parent
BASELINE = "d875ece"  # main when issue 12's work began: none of it
SEEDS = (11, 12)  # the evaluation: two seeds a prompt
PROMPTS = os.environ.get("COWRITE_PROMPTS", "fresh")  # fresh (default, never tuned on), held_out, tune
EXAMPLE = (ROOT / "prompts" / "example_reply.j2").read_text(encoding="utf-8")


@dataclass
class Reply:
    case: Case
    ok: bool
    chordpro: str = ""
    error: str = ""
    seconds: float = 0.0
    first: float = 0.0
    data: dict[str, object] = field(default_factory=dict)
    seed: int = 0
    wall: float = 0.0  # the whole command, model load included

    @property
    def tokens(self) -> int:
        value = self.data.get("tokens")
        return value if isinstance(value, int) else 0


def tree(commit: str, into: Path) -> Path:
    """The repository at `commit`, extracted into `into` (git archive: nothing checked out in place)."""
    archive = into / "tree.tar"
    subprocess.run(["git", "-C", str(ROOT), "archive", "-o", str(archive), commit], check=True)
    with tarfile.open(archive) as tar:
        tar.extractall(into / "src", filter="data")
    return into / "src"


def ask(source: Path, case: Case, workdir: Path, seed: int) -> Reply:
    args = [sys.executable, "-m", "cowriter", "ask", case.prompt, "--seed", str(seed), "--json"]
    song = case.song_text()
    if song:
        path = workdir / "song.cho"
        path.write_text(song, encoding="utf-8")
        args += ["--song", str(path)]
    if case.task:
        args += ["--task", case.task]
    env = {**os.environ, "PYTHONPATH": str(source)}
    t0 = time.perf_counter()
    done = subprocess.run(args, capture_output=True, text=True, env=env, cwd=workdir, timeout=600)
    wall = time.perf_counter() - t0
    try:
        data = json.loads(done.stdout.strip().splitlines()[-1])
    except (ValueError, IndexError):
        why = (done.stderr.strip().splitlines() or ["no output"])[-1]
        return Reply(case, False, error=why, seconds=wall, seed=seed, wall=wall)
    if done.returncode != 0:
        why = "; ".join(data.get("errors", [])) or done.stderr.strip()
        return Reply(case, False, error=why, seconds=wall, seed=seed, wall=wall)
    candidates = data.get("candidates") or []
    first = min((c["seconds"] for c in candidates), default=data["seconds"])
    return Reply(
        case, True, data["chordpro"], seconds=data["seconds"], first=first, data=data, seed=seed, wall=wall
    )


def offered(reply: Reply) -> str:
    """What the reply offers as ChordPro: the proposal, or for alternatives every alternative."""
    text = reply.data.get("text") if reply.data.get("task") == "alternatives" else None
    return str(text) if isinstance(text, str) and text.strip() else reply.chordpro


def new_lines(reply: Reply) -> list[str]:
    """The reply's lyric lines (for alternatives, every alternative the reply gives)."""
    song = parse(offered(reply))
    return [line.lyrics for line in song.lines if line.has_words]


def chord_lines(reply: Reply) -> list[str]:
    return [line for line in offered(reply).splitlines() if line.strip() and not line.startswith(("{", "#"))]


def known(case: Case) -> set[str]:
    text = case.song_text() + "\n" + case.prompt
    return {w.lower() for w in split_words(text)}


def real(word: str, extra: set[str]) -> bool:
    w = word.lower().replace("’", "'")
    return bool(w in extra or all_phones(w) or (w.endswith("'s") and all_phones(w[:-2])))


def word_counts(reply: Reply) -> tuple[int, int, int]:
    """(real words, words, broken words touching a chord)."""
    extra = known(reply.case)
    found = [w for line in new_lines(reply) for w in split_words(line)]
    good = sum(real(w, extra) for w in found)
    broken = 0
    for line in chord_lines(reply):
        plain = ""
        touching: set[int] = set()
        k = 0
        while k < len(line):
            if line[k] == "[" and "]" in line[k:]:
                touching.add(len(plain))
                k = line.index("]", k) + 1
                continue
            plain += line[k]
            k += 1
        pos = 0
        for w in split_words(plain):
            at = plain.index(w, pos)
            pos = at + len(w)
            if any(at <= t <= pos for t in touching) and not real(w, extra):
                broken += 1
    return good, len(found), broken


def lone_first_chords(reply: Reply) -> tuple[int, int]:
    """(lyric lines whose only chord sits on their first word, lyric lines): the old grammar's habit."""
    song = parse(offered(reply))
    lines = [line for line in song.lines if line.has_words]

    def lone(line: LyricLine) -> bool:
        first = line.lyrics.lstrip()
        start = len(line.lyrics) - len(first)
        return len(line.chords) == 1 and line.chords[0].at < start + len((first.split() or [""])[0])

    return sum(lone(line) for line in lines), len(lines)


def last_word(line: str) -> str:
    found = split_words(line)
    return found[-1].lower() if found else ""


def rhyme_hits(reply: Reply) -> tuple[int, int]:
    lines = new_lines(reply)
    case = reply.case
    hits = total = 0
    for a, b in case.pairs:
        total += 1
        if b <= len(lines):
            x, y = last_word(lines[a - 1]), last_word(lines[b - 1])
            hits += bool(x and y and x != y and is_rhyme(x, y))
    for n in case.rhyme_lines:
        total += 1
        if n <= len(lines) and case.rhyme_with:
            x = last_word(lines[n - 1])
            hits += bool(x and x != case.rhyme_with and is_rhyme(x, case.rhyme_with))
    return hits, total


def targets(case: Case, count: int) -> list[int | None]:
    """The syllable target of each reply line: asked for, else (keep the meter) the line it stands for."""
    if case.syllables:
        return [case.syllables] * count
    if "meter" not in case.prompt:
        return [None] * count
    song = parse(case.song_text())
    sung = [line.lyrics for line in song.lines if line.has_words]
    if case.line:
        return [syllables(sung[case.line - 1])] * count
    verses = [s for s in song.sections if not s.recall and s.kind.value == "verse"]
    model = [line.lyrics for line in verses[-1].lines if line.has_words] if verses else sung
    return [syllables(model[n % len(model)]) for n in range(count)]


def syllable_hits(reply: Reply) -> tuple[int, int]:
    lines = new_lines(reply)
    goals = targets(reply.case, len(lines))
    checked = [(line, t) for line, t in zip(lines, goals, strict=True) if t]
    return sum(abs(syllables(line) - t) <= 1 for line, t in checked), len(checked)


def leaked(reply: Reply) -> bool:
    def grams(text: str) -> set[tuple[str, ...]]:
        w = [x.lower() for x in split_words(text.replace("[", " [").replace("]", "] "))]
        w = [x for x in w if x.isalpha()]
        return {tuple(w[i : i + 4]) for i in range(len(w) - 3)}

    plain = "\n".join(new_lines(reply))
    example = "\n".join(line.lyrics for line in parse(EXAMPLE).lines if line.has_words)
    return bool(grams(plain) & grams(example))


def line_task_ok(reply: Reply) -> bool | None:
    """For rewrite and alternatives: did it succeed with a new line (None: another task)."""
    if reply.case.line is None:
        return None
    return reply.ok and bool(new_lines(reply))


@dataclass
class Tally:
    real: int = 0
    words: int = 0
    broken: int = 0
    rhymes: int = 0
    pairs: int = 0
    near: int = 0
    counted: int = 0
    leaks: int = 0
    line_ok: int = 0
    line_tasks: int = 0
    failed: int = 0
    lone: int = 0
    chorded: int = 0

    def add(self, reply: Reply) -> None:
        task = line_task_ok(reply)
        if task is not None:
            self.line_tasks += 1
            self.line_ok += task
        if not reply.ok:
            self.failed += 1
            self.pairs += rhyme_hits(reply)[1]
            return
        good, total, broken = word_counts(reply)
        self.real, self.words, self.broken = self.real + good, self.words + total, self.broken + broken
        hits, pairs = rhyme_hits(reply)
        self.rhymes, self.pairs = self.rhymes + hits, self.pairs + pairs
        near, counted = syllable_hits(reply)
        self.near, self.counted = self.near + near, self.counted + counted
        self.leaks += leaked(reply)
        lone, chorded = lone_first_chords(reply)
        self.lone, self.chorded = self.lone + lone, self.chorded + chorded


def pct(a: int, b: int) -> str:
    return f"{a}/{b} ({100 * a / b:.0f}%)" if b else "-"


def run_set(source: Path, cases: Sequence[Case]) -> list[Reply]:
    with tempfile.TemporaryDirectory() as tmp:
        return [ask(source, case, Path(tmp), seed) for case in cases for seed in SEEDS]


TIMING = """
import json, statistics, sys, time
from cowriter.model.llama import LlamaBackend
from cowriter.model.locate import default_model_path
from cowriter.service.cowrite import CoWriter
song = open(sys.argv[1], encoding="utf-8").read()
backend = LlamaBackend(default_model_path())
writer = CoWriter(backend)
writer.propose("a verse about the river", song, seed=1)  # warm: the model loaded, the song read
firsts, totals, counts = [], [], []
for n in range(int(sys.argv[2])):
    stamps = []
    t0 = time.perf_counter()
    ask = f"a 4-line chorus about a long road home, take {n}"
    try:
        seen = lambda c: stamps.append(time.perf_counter() - t0)
        writer.propose(ask, song, seed=100 + n, on_candidate=seen)
    except TypeError:  # before issue 12: one reply, no candidates
        writer.propose(ask, song, seed=100 + n)
    totals.append(time.perf_counter() - t0)
    firsts.append(stamps[0] if stamps else totals[-1])
    counts.append(max(1, len(stamps)))
backend.close()
print(json.dumps({"first": statistics.median(firsts), "total": statistics.median(totals),
                  "candidates": statistics.median(counts)}))
"""


RAW = """
import json, statistics, time
import llama_cpp
from cowriter.model.llama import avoid_amx_buffers, default_threads
from cowriter.model.locate import default_model_path
avoid_amx_buffers(llama_cpp)  # what cowriter does on an AMX CPU, so both run the same kernels
n = default_threads()
llm = llama_cpp.Llama(model_path=str(default_model_path()), n_ctx=2048, n_threads=n, n_threads_batch=n,
                      verbose=False)
messages = [{"role": "user", "content": "Write a 4-line chorus about a long road home."}]
llm.create_chat_completion(messages=messages, max_tokens=8)  # warm
rates, times = [], []
for k in range(5):
    t0 = time.perf_counter()
    out = llm.create_chat_completion(messages=messages, max_tokens=128, temperature=0.8, seed=100 + k)
    took = time.perf_counter() - t0
    rates.append(out["usage"]["completion_tokens"] / took)
    times.append(took)
print(json.dumps({"rate": statistics.median(rates), "seconds": statistics.median(times), "threads": n}))
"""


def raw_llama() -> dict[str, float]:
    """The peer: llama-cpp-python alone, the same model and threads, a free chat reply of up to 128 tokens
    (no grammar, no judging): median tokens/s and seconds of 5, warm."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-c", RAW], capture_output=True, text=True, env=env, check=True)
    result: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def rate(replies: Sequence[Reply]) -> float:
    """Median tokens/s of the replies that worked: tokens the model wrote over the request's seconds (the
    search's judging and grammar included, the model load not)."""
    found = [r.tokens / r.seconds for r in replies if r.ok and r.tokens and r.seconds > 0]
    return statistics.median(found) if found else 0.0


def warm_times(source: Path, repeat: int = 3) -> dict[str, float]:
    """In a process of its own, warm (the model loaded, one request on the same song done first): the
    median time to the first candidate shown and to the whole proposal, for a 4-line chorus."""
    song = ROOT / "examples" / "swing-low.cho"
    env = {**os.environ, "PYTHONPATH": str(source)}
    command = [sys.executable, "-c", TIMING, str(song), str(repeat)]
    done = subprocess.run(command, capture_output=True, text=True, env=env, check=True)
    result: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def rows() -> list[Row]:
    load = os.getloadavg()[0]
    cases = SETS[PROMPTS]
    label = f"{len(cases)} {PROMPTS} prompts x {len(SEEDS)} seeds"
    with tempfile.TemporaryDirectory() as tmp:
        old = tree(BASELINE, Path(tmp))
        before = run_set(old, cases)
        after = run_set(ROOT, cases)
        raw = raw_llama()
        then = warm_times(old)
        now = warm_times(ROOT)
    b, a = Tally(), Tally()
    for reply in before:
        b.add(reply)
    for reply in after:
        a.add(reply)
    load_end = os.getloadavg()[0]
    ok = lambda x: "ok" if x else "MISS"  # noqa: E731
    out = [
        Row(
            f"cowrite: real words ({label})",
            pct(a.real, a.words),
            "before",
            pct(b.real, b.words),
            ">= 98%",
            ok(a.words and a.real >= 0.98 * a.words),
        ),
        Row(
            "cowrite: broken words at chords",
            str(a.broken),
            "before",
            str(b.broken),
            "none",
            ok(a.broken == 0),
        ),
        Row(
            "cowrite: requested rhyme pairs that rhyme",
            pct(a.rhymes, a.pairs),
            "before",
            pct(b.rhymes, b.pairs),
            ">= 90%",
            ok(a.pairs and a.rhymes >= 0.9 * a.pairs),
        ),
        Row(
            "cowrite: lines within ±1 syllable of target",
            pct(a.near, a.counted),
            "before",
            pct(b.near, b.counted),
            ">= 85%",
            ok(a.counted and a.near >= 0.85 * a.counted),
        ),
        Row(
            "cowrite: replies leaking the worked example",
            str(a.leaks),
            "before",
            str(b.leaks),
            "none",
            ok(a.leaks == 0),
        ),
        Row(
            "cowrite: rewrite/alternatives on lyric lines",
            pct(a.line_ok, a.line_tasks),
            "before",
            pct(b.line_ok, b.line_tasks),
            "all",
            ok(a.line_ok == a.line_tasks),
        ),
        Row(
            "cowrite: lines whose one chord is on the first word",
            pct(a.lone, a.chorded),
            "before",
            pct(b.lone, b.chorded),
            "-",
            "",
        ),
        Row("cowrite: requests that failed", str(a.failed), "before", str(b.failed), "-", ""),
        Row(
            "cowrite: median reply, whole `ask` command (model load included)",
            f"{statistics.median(r.wall for r in after):.1f} s",
            "before",
            f"{statistics.median(r.wall for r in before):.1f} s",
            "-",
            "",
        ),
        Row(
            f"cowrite: tokens/s while replying, median (before: {rate(before):.1f})",
            f"{rate(after):.1f} tok/s",
            f"raw llama-cpp-python, free reply, {int(raw['threads'])} thread(s)",
            f"{raw['rate']:.1f} tok/s",
            "-",
            "",
        ),
        Row(
            "cowrite: 4-line chorus, first candidate shown, warm",
            f"{now['first']:.2f} s",
            "before: its one reply",
            f"{then['first']:.2f} s",
            "<= 2 s",
            ok(now["first"] <= 2.0),
        ),
        Row(
            "cowrite: 4-line chorus, whole candidate search, warm",
            f"{now['total']:.2f} s",
            "before: its one reply",
            f"{then['total']:.2f} s",
            "<= 10 s",
            ok(now["total"] <= 10.0),
        ),
        Row(
            "cowrite: machine load (1-min avg, 2 cores)",
            f"{load:.1f} at start, {load_end:.1f} at end",
            "-",
            "-",
            "-",
            "",
        ),
    ]
    rows.before, rows.after = before, after  # type: ignore[attr-defined]
    return out


def write_replies(folder: Path, before: Sequence[Reply], after: Sequence[Reply]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for n, (x, y) in enumerate(zip(before, after, strict=True), 1):
        song = f" (song: {x.case.song[:30].splitlines()[0]})" if x.case.song else ""
        out.append(f"## {n}. {x.case.prompt}{song}, seed {x.seed}")
        for label, r in (("before", x), ("after", y)):
            body = offered(r).strip() if r.ok else f"(failed: {r.error})"
            out.append(f"\n{label} ({r.wall:.1f} s, {r.tokens} tokens):\n```\n{body}\n```")
        out.append("")
    (folder / "replies.md").write_text("\n".join(out), encoding="utf-8")


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    table = rows()
    for row in table:
        print(" | ".join((row.figure, row.cowriter, row.peer, row.peer_value, row.target, row.verdict)))
    if "--replies" in sys.argv:
        folder = Path(sys.argv[sys.argv.index("--replies") + 1])
        write_replies(folder, rows.before, rows.after)  # type: ignore[attr-defined]
