"""Harmony computed in code, chosen by the model: new progressions as grid sections (`chords` with no
lyrics to put them on) and richer reharmonisations of lines that already carry chords.

    request ─▶ read_harmony_ask ─▶ options made by core.progression_plan / core.reharmonise
        ─▶ the model picks one by number (a one-token grammar; the options are in prompts/choose.j2)
        ─▶ the option as ChordPro, merged into the song

The options are right by construction (in the key, mode and meter asked; cadences that resolve); the
model's part is taste. A backend without grammars may answer anything: the first option number in its
reply is taken, else the first option. Nothing out of key is flagged here: every chord outside the key
is one the options put there on purpose (a secondary dominant, a tritone substitute, a borrowed chord)
or one the writer wrote or named.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Sequence
from dataclasses import dataclass, replace

from cowriter.core import format as fmt
from cowriter.core.grid import CONTINUE, play_row
from cowriter.core.harmony_ask import HarmonyAsk, read_harmony_ask
from cowriter.core.keys import Key, KeyError_, parse_key
from cowriter.core.progression_plan import GridOption, grid_section, plan
from cowriter.core.reharmonise import LineOption, reharmonise_lines
from cowriter.core.song import LyricLine, Section, Song
from cowriter.core.theory import guess_key
from cowriter.core.timing import parse_meter
from cowriter.model.backend import Backend, Message
from cowriter.model.context import fit
from cowriter.model.grammar import literal
from cowriter.model.prompts import Prompts
from cowriter.model.request import Request

__all__ = ["HarmonyAnswer", "HarmonyPlan", "asks_progression", "choose", "describe", "plan_for"]

# words that ask for a progression of its own, even when the song has lyrics
_PROGRESSION = re.compile(
    r"\b(chord\s+)?progressions?\b|\bchord\s+(changes|sequence|loop|chart)s?\b|\bchanges\b|\bturnaround\b"
    r"|\b\d+[\s-]*bar\s+blues\b|\bgrid\b|\b(?:[iv]+|[IV]+)\s*[-–]\s*(?:[iv]+|[IV]+)\b"
)
DEFAULT_METER = (4, 4)
CHOICE_TOKENS = 4


@dataclass(frozen=True)
class HarmonyPlan:
    """What the model chooses among: grid options (a new section) or line options (a reharmonisation)."""

    ask: HarmonyAsk
    key: Key
    meter: tuple[int, int]
    label: str
    grids: tuple[GridOption, ...] = ()
    lines: tuple[LineOption, ...] = ()
    target: tuple[LyricLine, ...] = ()
    directives: tuple[str, ...] = ()  # written before a new grid (key, time, tempo, style)
    replaces: tuple[int, int] | None = None  # the grid section's first and last line it replaces

    def texts(self) -> list[str]:
        """Each option as ChordPro, as the writer would get it."""
        if self.grids:
            return [
                "\n".join(self.directives)
                + ("\n" if self.directives else "")
                + grid_section(g, self.meter, self.label)
                for g in self.grids
            ]
        return ["\n".join(fmt.line_text(line) for line in o.lines) + "\n" for o in self.lines]

    def names(self) -> list[str]:
        return [o.name for o in (self.grids or self.lines)]

    def chords(self) -> list[str]:
        """Each option's chords, bar by bar (`Dm Bb Gm A | Dm Bb A7 Dm`) or line by line: what the model
        needs to judge it, in a fraction of the tokens of the full text."""
        if self.grids:
            rows = [" ".join("~".join(s.symbol for s in bar) for bar in g.bars) for g in self.grids]
            return [" | ".join(_fours(row.split())) for row in rows]
        return [" | ".join(" ".join(c.symbol for c in line.chords) for line in o.lines) for o in self.lines]


@dataclass(frozen=True)
class HarmonyAnswer:
    chordpro: str  # the chosen option as ChordPro (the proposed part)
    merged: str  # the whole song with it
    index: int  # which option (0-based)
    tokens: int
    reply: str  # what the model answered


def asks_progression(prompt: str) -> bool:
    """Whether the words ask for a progression of its own ("a chord progression", "a 12-bar blues")."""
    return bool(_PROGRESSION.search(prompt))


def _song_meter(song: Song) -> tuple[int, int] | None:
    meter = parse_meter(song.time)
    return (meter.beats, meter.unit) if meter else None


def _song_key(song: Song) -> Key | None:
    if song.key:
        try:
            return parse_key(song.key)
        except KeyError_:
            pass
    chords = [c.symbol for line in song.lines for c in line.chords if not c.annotation]
    chords += [cell.token for s in song.sections for row in s.grid_rows for bar in row.bars for cell in bar]
    return guess_key(chords) if chords else None


def _key_for(ask: HarmonyAsk, song: Song) -> Key:
    """The key asked, else the song's (its relative when the other mode is asked), else the chords the
    writer named, else C major or A minor."""
    if ask.key is not None:
        return ask.key
    song_key = _song_key(song)
    if song_key is not None:
        if ask.mode and ask.mode != song_key.mode:
            return song_key.relative
        return song_key
    if len(ask.chords) >= 3:
        return guess_key(ask.chords)
    return Key("A", "minor") if ask.mode == "minor" else Key("C", "major")


def _directives(ask: HarmonyAsk, key: Key, meter: tuple[int, int], song: Song, empty: bool) -> list[str]:
    out: list[str] = []
    song_key = _song_key(song)
    if empty or song_key is None or song_key != key:
        out.append(f"{{key: {key.name}}}")
    if empty or (_song_meter(song) != meter and not (_song_meter(song) is None and meter == DEFAULT_METER)):
        out.append(f"{{time: {meter[0]}/{meter[1]}}}")
    if ask.tempo:
        out.append(f"{{tempo: {ask.tempo}}}")
    groove = ask.groove or ("swing" if ask.style == "jazz" else None)
    if groove and meter == DEFAULT_METER:  # these grooves are 4/4 ones; a 3/4 or 6/8 keeps its own
        out.append(f"{{x_style: {groove}}}")
    return out


def plan_for(request: Request, song: Song, target: Sequence[LyricLine]) -> HarmonyPlan | None:
    """The options for a harmony request, or None when the model should write it the usual way (chords
    for lyrics that have none)."""
    ask = read_harmony_ask(request.prompt)
    has_lyrics = any(line.has_words for line in song.lines)
    if request.task == "reharmonise" and target and any(line.chords for line in target):
        if ask.colour == "plain" and request.mood is not None and not _asks_simpler(request.prompt):
            return None  # "darker chords": the model, with the key's borrowed colours on offer
        key = _key_for(HarmonyAsk(key=ask.key), song)
        colour = ask.colour if ask.colour != "plain" or _asks_simpler(request.prompt) else "rich"
        options = reharmonise_lines(target, key, colour, ask.chords)
        if options:
            return HarmonyPlan(ask, key, DEFAULT_METER, "", lines=tuple(options), target=tuple(target))
        return None
    if request.task == "reharmonise" and not has_lyrics:
        section = _grid_section(song, request)
        if section is not None:
            return _regrid(ask, request, song, section)
    wants_grid = not has_lyrics or (asks_progression(request.prompt) and request.target_line is None)
    if request.task == "reharmonise" and not asks_progression(request.prompt):
        return None  # new chords for lines that have none: the model writes them
    if not wants_grid:
        return None
    key = _key_for(ask, song)
    meter = ask.meter or _song_meter(song) or DEFAULT_METER
    grids = plan(ask, key, meter)
    if not grids:
        return None
    empty = not song.sections or (not any(s.items for s in song.sections) and not song.meta)
    directives = tuple(_directives(ask, key, meter, song, empty))
    return HarmonyPlan(ask, key, meter, request.label or "Verse", grids=tuple(grids), directives=directives)


def _grid_section(song: Song, request: Request) -> Section | None:
    """The grid section a reharmonisation works on: the one named (`the chorus`), else the last."""
    grids = [s for s in song.sections if s.grid_rows and not s.recall]
    if not grids:
        return None
    if request.target_section:
        kind = request.target_section.split(" ")[0]
        named = [s for s in grids if kind in s.title.lower() or kind == s.name]
        if named:
            return named[0]
    return grids[-1]


def _bar_chords(section: Section) -> list[str]:
    """The chord each bar of a grid starts with (a bar that only continues keeps the chord before)."""
    out: list[str] = []
    for row in section.grid_rows:
        for bar in play_row(row):
            chords = [t for t in bar if t not in CONTINUE and t not in ("%", "%%")]
            if chords:
                out.append(chords[0].split("~")[0])
            elif out:
                out.append(out[-1])
    return out


def _regrid(ask: HarmonyAsk, request: Request, song: Song, section: Section) -> HarmonyPlan | None:
    """Options for a grid section's own progression, coloured as asked (rich when nothing is said)."""
    chords = _bar_chords(section)
    if len(chords) < 2:
        return None
    colour = ask.colour if ask.colour != "plain" or _asks_simpler(request.prompt) else "rich"
    key = _key_for(HarmonyAsk(key=ask.key), song)
    meter = _song_meter(song) or DEFAULT_METER
    given = replace(ask, chords=tuple(chords), numerals=(), bars=len(chords), colour=colour)
    grids = plan(given, key, meter)
    if not grids:
        return None
    label = section.label or section.title
    span = (section.line, section.end_line or section.line)
    return HarmonyPlan(given, key, meter, label, grids=tuple(grids), replaces=span)


def _asks_simpler(prompt: str) -> bool:
    return bool(re.search(r"\b(simple|simpler|basic|plain|triads?)\b", prompt.lower()))


def _fours(bars: list[str]) -> list[str]:
    return [" ".join(bars[i : i + 4]) for i in range(0, len(bars), 4)]


def _variables(base_variables: dict[str, object], harmony: HarmonyPlan) -> dict[str, object]:
    options = [{"name": n, "text": t} for n, t in zip(harmony.names(), harmony.chords(), strict=True)]
    return base_variables | {
        "key": f"{harmony.key.tonic} {harmony.key.mode}",
        "meter": f"{harmony.meter[0]}/{harmony.meter[1]}",
        "options": options,
        "choice": "progression" if harmony.grids else "reharmonise",
    }


def choose(
    backend: Backend,
    prompts: Prompts,
    harmony: HarmonyPlan,
    variables: dict[str, object],
    base: str,
    *,
    temperature: float,
    seed: int | None,
    history: Sequence[Message] = (),
    cancel: threading.Event | None = None,
) -> HarmonyAnswer:
    """Ask the model which option fits the request; return it as ChordPro, merged into `base`."""
    texts = harmony.texts()
    if len(texts) == 1:  # nothing to choose
        return HarmonyAnswer(texts[0], _merge(base, harmony, 0, texts[0]), 0, 0, "")
    values = _variables(variables, harmony)
    system = Message("system", prompts.render("system", values | {"task": "choose"}))
    task = Message("user", prompts.render("choose", values))
    fitted = fit(
        system,
        task,
        history=history,
        context_size=backend.context_size,
        answer_tokens=CHOICE_TOKENS,
        count=backend.count_tokens,
    )
    grammar = None
    if backend.supports_grammar:
        grammar = "root ::= (" + " | ".join(literal(str(n)) for n in range(1, len(texts) + 1)) + ")\n"
    pieces: list[str] = []
    for piece in backend.stream(
        fitted.messages,
        grammar=grammar,
        max_tokens=CHOICE_TOKENS if grammar else 64,
        temperature=temperature,
        seed=seed,
        cancel=cancel,
    ):
        pieces.append(piece)
    reply = "".join(pieces)
    index = _picked(reply, len(texts))
    chosen = texts[index]
    return HarmonyAnswer(chosen, _merge(base, harmony, index, chosen), index, len(pieces), reply)


def _picked(reply: str, count: int) -> int:
    m = re.search(r"\d+", reply)
    if m and 1 <= int(m.group(0)) <= count:
        return int(m.group(0)) - 1
    return 0


def _merge(base: str, harmony: HarmonyPlan, index: int, chosen: str) -> str:
    if harmony.grids and harmony.replaces is not None:
        first, last = harmony.replaces
        lines = base.split("\n")
        lines[first - 1 : last] = chosen.rstrip("\n").split("\n")
        return "\n".join(lines)
    if harmony.grids:
        body = base.rstrip("\n")
        return (body + "\n\n" if body else "") + chosen
    lines = base.split("\n")
    option = harmony.lines[index]
    for old, new in zip(harmony.target, option.lines, strict=True):
        lines[old.line - 1] = fmt.line_text(new)
    return "\n".join(lines)


def describe(harmony: HarmonyPlan, index: int) -> str:
    """One line on what was chosen, for the writer: `i–VI–iv–V, closing V7–i (option 1 of 4)`."""
    names = harmony.names()
    return f"{names[index]} (option {index + 1} of {len(names)})"
