"""GBNF grammars that bind a model's reply to a small ChordPro subset, so every proposal parses.

A proposal is one or more sections; a section is an optional `{start_of_X: Label}` … `{end_of_X}` pair
around a fixed number of lyric lines. Each line is bounded: a number of words between a minimum and a
maximum, between `min_chords` and `max_chords` inline chords before its words (none at all for a line of
lyrics only, whose chords cowriter places itself), chords drawn from a given list (the key's chords, from
the theory module), and optionally its last word drawn from a rhyme list (written as a letter tree, so a
long list costs llama.cpp no more than a short one).

A line can also have its words fixed (chords for given lyrics, reharmonisation): then the model only
chooses where chords go and which. Given each word's syllables (`LineSpec.pieces`), a chord may go before
any syllable, inside a word as songs are written ("A[G]mazing"), and the pieces always join into the
words they came from.

The start rule is `root` (llama.cpp's convention); no other rule may be called `root` — a second one
silently replaces the start rule — so chord roots are called `note` here.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

WORD_CHARS = 12  # longest invented word
_WORDISH = re.compile(r"^[A-Za-z][A-Za-z']{0,30}$")


@dataclass(frozen=True, slots=True)
class LineSpec:
    """One line to be written. `rhymes`: allowed last words (empty: any). `words`: fixed lyrics, if any,
    and `pieces`: each fixed word cut into its syllables (joined, the word), where chords may go.
    `max_chords` 0: lyrics only."""

    min_words: int = 3
    max_words: int = 8
    max_chords: int = 2
    rhymes: tuple[str, ...] = ()
    words: tuple[str, ...] = ()
    min_chords: int = 1
    pieces: tuple[tuple[str, ...], ...] = ()

    def __post_init__(self) -> None:
        if self.pieces and ["".join(p) for p in self.pieces] != list(self.words):
            raise ValueError("a fixed line's pieces must join into its words")
        if self.words:
            if self.max_chords < 1 or self.min_chords > self.max_chords:
                raise ValueError(f"bad chord bounds {self.min_chords}..{self.max_chords}")
            return
        if not 1 <= self.min_words <= self.max_words:
            raise ValueError(f"bad word bounds {self.min_words}..{self.max_words}")
        if min(self.min_chords, self.max_chords) < 0 or self.min_chords > max(self.max_chords, 0):
            raise ValueError(f"bad chord bounds {self.min_chords}..{self.max_chords}")

    @property
    def lyrics_only(self) -> bool:
        return not self.words and self.max_chords == 0


@dataclass(frozen=True, slots=True)
class SectionSpec:
    """A section to be written: `kind` ("verse", "chorus"…; empty: bare lines) and its lines."""

    kind: str = ""
    label: str = ""
    lines: tuple[LineSpec, ...] = field(default_factory=tuple)

    @property
    def header(self) -> str:
        if not self.kind:
            return ""
        return f"{{start_of_{self.kind}: {self.label}}}" if self.label else f"{{start_of_{self.kind}}}"

    @property
    def footer(self) -> str:
        return f"{{end_of_{self.kind}}}" if self.kind else ""


def literal(text: str) -> str:
    """A GBNF string literal."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")
    return f'"{escaped}"'


def _alternatives(options: Sequence[str]) -> str:
    unique = list(dict.fromkeys(options))
    return "(" + " | ".join(literal(o) for o in unique) + ")"


def word_tree(words: Sequence[str]) -> str:
    """A GBNF expression accepting exactly `words`, written as a tree of shared beginnings ("rain" and
    "rainbow" share "rain"): llama.cpp follows one branch instead of one stack per word."""
    unique = sorted(set(w for w in words if w))
    if not unique:
        raise ValueError("no words to choose from")

    def tree(group: list[str]) -> str:
        if len(group) == 1:
            return literal(group[0])
        prefix = _common_prefix(group)
        if prefix:
            rest = [w[len(prefix) :] for w in group]
            ends = "" in rest
            inner = tree([r for r in rest if r])
            return f"{literal(prefix)} ({inner}){'?' if ends else ''}"
        firsts: dict[str, list[str]] = {}
        for w in group:
            firsts.setdefault(w[0], []).append(w)
        return "(" + " | ".join(tree(g) for g in firsts.values()) + ")"

    return tree(unique)


def _common_prefix(words: Sequence[str]) -> str:
    first, last = min(words), max(words)
    n = 0
    while n < min(len(first), len(last)) and first[n] == last[n]:
        n += 1
    return first[:n]


def chord_rule_from_symbols(symbols: Sequence[str]) -> str:
    """The body of a `chord` rule accepting exactly these symbols (longest first, for readability)."""
    if not symbols:
        raise ValueError("no chords to choose from")
    return _alternatives(sorted(set(symbols), key=lambda s: (-len(s), s)))


def chord_rule_from_table(suffixes: Sequence[str], *, slash_bass: bool = True) -> str:
    """The body of a `chord` rule for any root with any of these quality spellings (`""` is major)."""
    quality = _alternatives([s for s in suffixes if s]) if any(suffixes) else '""'
    bass = ' ("/" note)?' if slash_bass else ""
    return f"note {quality}?{bass}"


def rhyme_words(words: Sequence[str], limit: int = 40) -> tuple[str, ...]:
    """Usable line-end words: plain words only, deduplicated, at most `limit`."""
    out: list[str] = []
    for w in words:
        w = w.strip().lower()
        if _WORDISH.match(w) and w not in out:
            out.append(w)
        if len(out) >= limit:
            break
    return tuple(out)


class _Builder:
    def __init__(self) -> None:
        self.rules: dict[str, str] = {}
        self._names: dict[tuple[object, ...], str] = {}

    def add(self, key: tuple[object, ...], prefix: str, body_fn: Callable[[str], str]) -> str:
        name = self._names.get(key)
        if name is None:
            name = f"{prefix}{len(self._names)}"
            self._names[key] = name
            self.rules[name] = body_fn(name)
        return name

    # a free line: states (i words written, j chords used) -------------------------------------------------
    def free_line(self, spec: LineSpec) -> str:
        rhyme = ""
        if spec.rhymes:
            rhyme = self.add(("rhyme", spec.rhymes), "rhyme", lambda _n: word_tree(spec.rhymes))
        key = ("line", spec.min_words, spec.max_words, spec.min_chords, spec.max_chords, spec.rhymes)
        lo, hi = spec.min_chords, spec.max_chords

        def body(prefix: str) -> str:
            states: dict[tuple[int, int], str | None] = {}

            def state(i: int, j: int) -> str | None:
                """The rule for what may follow i words with j chords (None: a dead end)."""
                if (i, j) in states:
                    return states[(i, j)]
                states[(i, j)] = None  # no cycles: i grows
                alts: list[str] = []
                if i >= spec.min_words and j >= lo and not spec.rhymes:
                    alts.append("end")
                if i + 1 < spec.max_words or (not spec.rhymes and i + 1 == spec.max_words):
                    for c in (0, 1) if j < hi else (0,):
                        nxt = state(i + 1, j + c)
                        if nxt:
                            alts.append(f'" " {"chord " * c}word {nxt}')
                if spec.rhymes and spec.min_words <= i + 1 <= spec.max_words:
                    for c in (0, 1) if j < hi else (0,):
                        if j + c >= lo:
                            alts.append(f'" " {"chord " * c}{rhyme} end')
                name = f"{prefix}s{i}c{j}"
                if alts:
                    self.rules[name] = " | ".join(alts)
                    states[(i, j)] = name
                return states[(i, j)]

            starts: list[str] = []
            for c in (0, 1) if hi >= 1 else (0,):
                if spec.rhymes and spec.max_words == 1:
                    if c >= lo:
                        starts.append(f"{'chord ' * c}{rhyme} end")
                    continue
                nxt = state(1, c)
                if nxt:
                    starts.append(f"{'chord ' * c}word {nxt}")
            if not starts:
                raise ValueError("no line fits these bounds")
            return " | ".join(starts)

        return self.add(key, "line", body)

    # a line with fixed words: states (k pieces written, j chords used) ------------------------------------
    def fixed_line(self, spec: LineSpec) -> str:
        pieces = spec.pieces or tuple((w,) for w in spec.words)
        flat = [(piece, n == 0) for word in pieces for n, piece in enumerate(word)]
        key = ("fixed", pieces, spec.min_chords, spec.max_chords)
        lo, hi = spec.min_chords, spec.max_chords

        def body(prefix: str) -> str:
            states: dict[tuple[int, int], str | None] = {}

            def state(k: int, j: int) -> str | None:
                """What may follow the first k pieces written with j chords (None: a dead end)."""
                if (k, j) in states:
                    return states[(k, j)]
                states[(k, j)] = None
                alts: list[str] = []
                if k == len(flat):
                    if j >= lo:
                        alts.append('"\\n"')
                else:
                    piece, starts_word = flat[k]
                    space = '" " ' if starts_word else ""
                    for c in (0, 1) if j < hi else (0,):
                        nxt = state(k + 1, j + c)
                        if nxt:
                            alts.append(f"{space}{'chord ' * c}{literal(piece)} {nxt}")
                name = f"{prefix}s{k}c{j}"
                if alts:
                    self.rules[name] = " | ".join(alts)
                    states[(k, j)] = name
                return states[(k, j)]

            starts = []
            for c in (0, 1):
                nxt = state(1, c)
                if nxt:
                    starts.append(f"{'chord ' * c}{literal(flat[0][0])} {nxt}")
            if not starts:
                raise ValueError("no chord placement fits these bounds")
            return " | ".join(starts)

        return self.add(key, "fixed", body)


def section_grammar(
    sections: Sequence[SectionSpec],
    chord_body: str | None,
    *,
    word_chars: int = WORD_CHARS,
) -> str:
    """A complete GBNF grammar for a proposal made of `sections`, chords from `chord_body`.

    `chord_body` is the body of the `chord` rule without brackets: see `chord_rule_from_symbols` and
    `chord_rule_from_table` (None: lines of lyrics only).
    """
    if not sections or not any(s.lines for s in sections):
        raise ValueError("a proposal grammar needs at least one line")
    b = _Builder()
    parts: list[str] = []
    for section in sections:
        if section.header:
            parts.append(literal(section.header + "\n"))
        for line in section.lines:
            parts.append(b.fixed_line(line) if line.words else b.free_line(line))
        if section.footer:
            parts.append(literal(section.footer + "\n"))
    rules = {"root": " ".join(parts), **b.rules}
    if chord_body is not None:
        rules["chord"] = f'"[" ({chord_body}) "]"'
        rules["note"] = '[A-G] ("#" | "b")?'
    elif any(not line.lyrics_only for s in sections for line in s.lines):
        raise ValueError("lines with chords need a chord rule")
    rules["word"] = f"[A-Za-z] [a-z']{{0,{max(0, word_chars - 1)}}}"
    rules["end"] = '[,.!?]? "\\n"'
    return "\n".join(f"{name} ::= {body}" for name, body in rules.items()) + "\n"


def ending_grammar(words: Sequence[str]) -> str:
    """A grammar for the end of a line: a space, one of `words`, maybe a stop, and the line break."""
    return _ending_grammar(tuple(words))


@lru_cache(maxsize=256)
def _ending_grammar(words: tuple[str, ...]) -> str:
    # a rhyme list of thousands of words takes 40 ms to write out; a request asks for the same lists again
    return f'root ::= " " ({word_tree(words)}) [,.!?]? "\\n"\n'


def line_grammar(line: LineSpec, chord_body: str | None = None) -> str:
    """A grammar for one line (the co-writer writes a section line by line)."""
    return section_grammar([SectionSpec("", "", (line,))], chord_body)


def words_for_syllables(syllables: int) -> tuple[int, int]:
    """Word-count bounds that make `syllables` reachable without inviting run-on lines.

    Lyrics run about 1.05–1.35 syllables a word (short words carry songs). The first bounds, 1.1–1.6,
    were tuned on bench_model.py's 30 prompts with the model writing chords and words at once; written
    line by line, words only, its lines came out short under them (5–6 syllables for 7–8 asked, on the
    tune set of cowrite_prompts.py), hence these.
    """
    syllables = max(1, syllables)
    low = max(1, round(syllables / 1.35))
    high = max(low + 1, round(syllables / 1.05))
    return low, high
