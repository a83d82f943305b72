"""Who wrote each line, and each line's chords.

Every version of a song carries one `LineCredit` per text line. A new version inherits its parent's credits
for the lines that did not change (a `difflib` line diff decides which did) and credits the rest to the
author of the new version:

- `"human"`: the writer;
- `"model:NAME"` with the id of the prompt behind it;
- `"edited"`: the writer changed the words of a line a model wrote (`origin` keeps the model and `prompt`
  the prompt that produced it).

Words and chords are credited apart, each inline `[chord]` on its own: adding, changing or moving a chord
credits that chord to the new author and leaves the words' author alone, and the other way round (when
the words change, the chords are matched by symbol, so they keep their authors). Blank lines carry
credits but do not count in the report's shares.

A line pairs with the old line it edits when they share at least half their words (characters, for short
lines); otherwise it is a new line.

A transposition is not authorship: a version saved with `carry=True` (`carry_credits`) restates its parent
line for line, and every line and chord keeps its credit.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher
from typing import Any

from cowriter.errors import CowriterError

HUMAN = "human"
EDITED = "edited"
MODEL_PREFIX = "model:"
_CHORD = re.compile(r"\[([^\]\n]*)\]")
_MODEL_NAME = re.compile(r"^[^\s\x00-\x1f\x7f]{1,200}$")
_SIMILAR = 0.5  # a changed line at least this similar to an old one is an edit of it
_SHORT_LINE = 24  # lines up to this many characters are compared character by character
_PAIRING_LIMIT = 60  # replaced blocks larger than this (either side) pair lines by position


def check_author(author: str) -> str:
    """`"human"` or `"model:NAME"`; anything else is a CowriterError (exit code 2)."""
    if author == HUMAN:
        return author
    if author.startswith(MODEL_PREFIX) and _MODEL_NAME.match(author[len(MODEL_PREFIX) :]):
        return author
    raise CowriterError(
        f"author {author!r} refused", hint="use 'human' or 'model:NAME', e.g. model:smollm2", exit_code=2
    )


def is_model(author: str) -> bool:
    return author.startswith(MODEL_PREFIX)


def split_lines(text: str) -> list[str]:
    """The text's lines, without line ends (a final newline does not make an empty last line)."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return lines


def split_chords(line: str) -> tuple[str, tuple[tuple[str, int], ...]]:
    """A ChordPro line's words and its inline chords as (symbol, offset in the words)."""
    words: list[str] = []
    chords: list[tuple[str, int]] = []
    pos = 0
    at = 0
    for m in _CHORD.finditer(line):
        piece = line[pos : m.start()]
        words.append(piece)
        at += len(piece)
        chords.append((m.group(1), at))
        pos = m.end()
    words.append(line[pos:])
    return "".join(words), tuple(chords)


@dataclass(frozen=True)
class ChordCredit:
    """Who put one inline chord where it is (and the prompt behind it, for a model)."""

    author: str
    prompt: int | None = None


@dataclass(frozen=True)
class LineCredit:
    """The authorship of one line: its words, and each of its inline chords (in order)."""

    author: str
    prompt: int | None = None  # id of the prompt behind a model line (or behind the line a human edited)
    origin: str | None = None  # for "edited": the model whose line was edited
    chords: tuple[ChordCredit, ...] = ()
    since: int = 0  # the version in which these words were last written

    @property
    def chord_authors(self) -> str:
        """The chords' authors in short: "" without chords, else the distinct authors joined by ","."""
        return ",".join(dict.fromkeys(c.author for c in self.chords))

    def to_json(self) -> list[Any]:
        return [
            self.author,
            self.prompt,
            self.origin,
            self.since,
            [[c.author, c.prompt] for c in self.chords],
        ]

    @classmethod
    def from_json(cls, item: Sequence[Any]) -> LineCredit:
        author, prompt, origin, since, chords = item
        return cls(str(author), prompt, origin, tuple(ChordCredit(str(a), p) for a, p in chords), int(since))


def _by(author: str, prompt: int | None) -> ChordCredit:
    return ChordCredit(author, prompt if is_model(author) else None)


def fresh(line: str, author: str, prompt: int | None, version: int) -> LineCredit:
    """Credit for a line written from scratch by `author`."""
    chords = tuple(_by(author, prompt) for _ in split_chords(line)[1])
    return LineCredit(author, prompt if is_model(author) else None, None, chords, version)


def _edit_chords(
    old: tuple[tuple[str, int], ...],
    new: tuple[tuple[str, int], ...],
    was: tuple[ChordCredit, ...],
    same_words: bool,
    by: ChordCredit,
) -> tuple[ChordCredit, ...]:
    """Chords kept keep their author; added, changed or moved ones are `by`'s. When the words changed,
    chords are matched by symbol alone (their offsets shift with the words)."""
    if len(was) != len(old):
        return tuple(by for _ in new)
    out = [by] * len(new)
    keys_old = old if same_words else tuple((s, 0) for s, _ in old)
    keys_new = new if same_words else tuple((s, 0) for s, _ in new)
    for block in SequenceMatcher(None, keys_old, keys_new, autojunk=False).get_matching_blocks():
        for k in range(block.size):
            out[block.b + k] = was[block.a + k]
    return tuple(out)


def _edit(old: str, new: str, was: LineCredit, author: str, prompt: int | None, version: int) -> LineCredit:
    old_words, old_chords = split_chords(old)
    new_words, new_chords = split_chords(new)
    words_author, words_prompt, origin, since = was.author, was.prompt, was.origin, was.since
    if new_words != old_words:
        since = version
        if author == HUMAN and (is_model(was.author) or was.author == EDITED):
            words_author, origin = EDITED, was.origin or was.author
        elif author == HUMAN:
            words_author, words_prompt, origin = HUMAN, None, None
        else:
            words_author, words_prompt, origin = author, prompt, None
    chords = was.chords
    if new_chords != old_chords:
        chords = _edit_chords(old_chords, new_chords, was.chords, new_words == old_words, _by(author, prompt))
    return LineCredit(words_author, words_prompt, origin, chords, since)


def _tokens(words: str) -> list[str]:
    """Words, or characters for a short line (where one changed word would say too little)."""
    return list(words) if len(words) <= _SHORT_LINE else words.split()


def _pair(old: Sequence[str], new: Sequence[str]) -> dict[int, int]:
    """For a replaced block: new line index → the old line it edits (most similar, in order).

    Similarity is difflib's ratio over words (over characters for short lines): a line keeping at least
    half of its words is an edit of the old one, otherwise a new line."""
    if len(old) > _PAIRING_LIMIT or len(new) > _PAIRING_LIMIT:
        return {j: j for j in range(min(len(old), len(new)))}
    pairs: dict[int, int] = {}
    start = 0
    old_words = [split_chords(line)[0] for line in old]
    old_tokens = [_tokens(w) for w in old_words]
    sm: SequenceMatcher[str] = SequenceMatcher(None, autojunk=False)
    for j, line in enumerate(new):
        words = split_chords(line)[0]
        best, best_i = _SIMILAR, -1
        sm.set_seq2(_tokens(words))  # difflib indexes seq2 once; each old line is then cheap to compare
        for i in range(start, len(old)):
            if old_words[i] == words:
                best, best_i = 1.0, i
                break
            sm.set_seq1(old_tokens[i])
            if sm.real_quick_ratio() < best or sm.quick_ratio() < best:
                continue
            ratio = sm.ratio()
            if ratio >= best and (best_i < 0 or ratio > best):
                best, best_i = ratio, i
        if best_i >= 0:
            pairs[j] = best_i
            start = best_i + 1
    return pairs


def credit_lines(
    old_lines: Sequence[str],
    old_credits: Sequence[LineCredit],
    new_lines: Sequence[str],
    author: str,
    prompt: int | None,
    version: int,
) -> list[LineCredit]:
    """Credits for `new_lines`, written by `author` on top of `old_lines` (credited `old_credits`)."""
    if len(old_lines) != len(old_credits):
        raise ValueError("one credit per old line expected")
    out: list[LineCredit] = []
    matcher = SequenceMatcher(None, list(old_lines), list(new_lines), autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            out.extend(old_credits[i1:i2])
        elif tag == "insert":
            out.extend(fresh(line, author, prompt, version) for line in new_lines[j1:j2])
        elif tag == "replace":
            pairs = _pair(old_lines[i1:i2], new_lines[j1:j2])
            for j, line in enumerate(new_lines[j1:j2]):
                i = pairs.get(j)
                if i is None:
                    out.append(fresh(line, author, prompt, version))
                else:
                    out.append(_edit(old_lines[i1 + i], line, old_credits[i1 + i], author, prompt, version))
    return out


def carry_credits(
    old_lines: Sequence[str],
    old_credits: Sequence[LineCredit],
    new_lines: Sequence[str],
    author: str,
    prompt: int | None,
) -> list[LineCredit]:
    """Credits for `new_lines` that restate `old_lines` line for line (a transposition: the same lines,
    chords moved to other names, ABC notes to other pitches). Each line keeps its credit, words and every
    chord alike; only a line whose number of chords changed credits its chords to `author` (what the
    change did to them cannot be told apart). A different number of lines is a CowriterError."""
    if len(old_lines) != len(old_credits):
        raise ValueError("one credit per old line expected")
    if len(new_lines) != len(old_lines):
        raise CowriterError(
            f"not the same lines: {len(old_lines)} before, {len(new_lines)} now",
            hint="a transposition keeps every line; save it as an ordinary version",
            exit_code=2,
        )
    out: list[LineCredit] = []
    for old, new, was in zip(old_lines, new_lines, old_credits, strict=True):
        chords = split_chords(new)[1]
        if len(chords) != len(was.chords) or len(split_chords(old)[1]) != len(was.chords):
            moved = tuple(_by(author, prompt) for _ in chords)
            was = LineCredit(was.author, was.prompt, was.origin, moved, was.since)
        out.append(was)
    return out


# ---- the report -------------------------------------------------------------------------------------------


def report(lines: Sequence[str], credits: Sequence[LineCredit], prompts: Mapping[int, str]) -> dict[str, Any]:
    """The credits report as plain data (the JSON form of `cowriter sessions export --credits --json`)."""
    counted = [
        (n, line, c) for n, (line, c) in enumerate(zip(lines, credits, strict=True), 1) if line.strip()
    ]
    total = len(counted)
    words = Counter(c.author for _, _, c in counted)
    chords = Counter(ch.author for _, _, c in counted for ch in c.chords)
    models: set[str] = set()
    behind: dict[int, dict[str, Any]] = {}
    for n, _, c in counted:
        for who, pid in ((c.origin or c.author, c.prompt), *((ch.author, ch.prompt) for ch in c.chords)):
            if not is_model(who):
                continue
            models.add(who[len(MODEL_PREFIX) :])
            if pid is None:
                continue
            entry = behind.setdefault(
                pid, {"id": pid, "text": prompts.get(pid, ""), "models": [], "lines": []}
            )
            if who not in entry["models"]:
                entry["models"].append(who)
            if n not in entry["lines"]:
                entry["lines"].append(n)
    by_line = []
    for n, line, c in counted:
        symbols = split_chords(line)[1]
        if len(symbols) != len(c.chords):  # credits out of step with the text: say nothing wrong
            symbols = ()
        by_line.append(
            {
                "line": n,
                "text": line,
                "author": c.author,
                "origin": c.origin,
                "prompt": c.prompt,
                "since": c.since,
                "chords": [
                    {"symbol": sym, "at": at, "author": ch.author, "prompt": ch.prompt}
                    for (sym, at), ch in zip(symbols, c.chords, strict=False)
                ],
            }
        )
    return {
        "lines": total,
        "authors": [
            {"author": a, "lines": k, "share": round(k / total, 4) if total else 0.0}
            for a, k in sorted(words.items(), key=lambda kv: (-kv[1], kv[0]))
        ],
        "chords": [
            {"author": a, "chords": k} for a, k in sorted(chords.items(), key=lambda kv: (-kv[1], kv[0]))
        ],
        "models": sorted(models),
        "prompts": [behind[k] for k in sorted(behind)],
        "by_line": by_line,
    }


def _ranges(numbers: Sequence[int]) -> str:
    parts: list[str] = []
    for n in sorted(numbers):
        if parts and parts[-1].split("-")[-1] == str(n - 1):
            parts[-1] = f"{parts[-1].split('-')[0]}-{n}"
        else:
            parts.append(str(n))
    return ", ".join(parts)


def format_report(data: Mapping[str, Any], title: str = "") -> str:
    """The report as text for people."""
    out = [f"Credits{': ' + title if title else ''}", ""]
    total = data["lines"]
    out.append(f"Lines: {total} (blank lines not counted)")
    # the columns as wide as the longest name (a model's file name is often longer than 24)
    wide = max([24, *(len(str(a["author"])) for a in [*data["authors"], *data["chords"]])])
    for a in data["authors"]:
        note = "  (the writer's edits of model lines)" if a["author"] == EDITED else ""
        out.append(f"  {a['author']:<{wide}} {a['lines']:>5}  {a['share'] * 100:5.1f}%{note}")
    if data["chords"]:
        out.append(f"Chords: {sum(c['chords'] for c in data['chords'])} inline")
        out.extend(f"  {c['author']:<{wide}} {c['chords']:>5}" for c in data["chords"])
    out.append(f"Models used: {', '.join(data['models']) if data['models'] else 'none'}")
    if data["prompts"]:
        out.append("Prompts behind model lines:")
        for p in data["prompts"]:
            text = " ".join(str(p["text"]).split())
            text = text if len(text) <= 70 else text[:67] + "..."
            out.append(f"  #{p['id']} {', '.join(p['models'])}: {text!r} -> lines {_ranges(p['lines'])}")
    out.append("")
    out.append("By line:")
    rows: list[tuple[int, str, str]] = []
    for row in data["by_line"]:
        who = row["author"] if row["author"] != EDITED else f"edited({row['origin']})"
        chord_authors = ",".join(dict.fromkeys(c["author"] for c in row["chords"]))
        if chord_authors and chord_authors != row["author"]:
            who += f" +chords {chord_authors}"
        rows.append((row["line"], who, row["text"]))
    width = max([28, *(len(who) for _, who, _ in rows)])
    out.extend(f"  {line:>4}  {who:<{width}} {text}" for line, who, text in rows)
    return "\n".join(out) + "\n"
