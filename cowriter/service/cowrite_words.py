"""What the song and the request say, for the judge: the writer's instructions (a lyric must not echo them),
the lines the song sings once (a refrain may come back), and the words the song leans on most.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import TYPE_CHECKING

from cowriter.core.song import LyricLine, Song
from cowriter.lyrics.stress import FUNCTION_WORDS
from cowriter.lyrics.syllables import words
from cowriter.model.request import Request
from cowriter.service.cowrite_score import Judge, names_in

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    from cowriter.model.prompts import Prompts
    from cowriter.service.cowrite_craft import CraftChecks

INSTRUCTION_WORDS = frozenset(
    """verse chorus bridge intro outro hook refrain section song line lines rhyme rhymes rhyming scheme
    syllable syllables about write rewrite keep meter alternatives alternative versions continue
    give""".split()  # noqa: SIM905
)


def instructions(prompt: str) -> str:
    """The runs of the writer's request that instruct rather than describe ("a verse about", "rewrite line
    2"), one a line: a line of lyrics should not echo them (their topic words are free to use)."""
    found = [w.lower() for w in words(prompt)]
    runs = [" ".join(found[max(0, i - 2) : i + 3]) for i, w in enumerate(found) if w in INSTRUCTION_WORDS]
    return "\n".join(runs)


def unrepeated(lines: Iterable[str]) -> list[str]:
    """The lines the song sings once (a line it repeats is a refrain, free to come back), in order."""

    def plain(line: str) -> str:
        return " ".join(w.lower().strip(",.!?;:'\"") for w in line.split())

    found = list(lines)
    counts = Counter(plain(line) for line in found)
    return [line for line in found if counts[plain(line)] < 2]


def content_words(lines: Iterable[str], limit: int = 8) -> tuple[str, ...]:
    """The most used content words of some lines (not function words), most used first."""
    counts = Counter(
        w.lower() for line in lines for w in words(line) if len(w) > 2 and w.lower() not in FUNCTION_WORDS
    )
    return tuple(w for w, _ in counts.most_common(limit))


def judge_for(
    request: Request,
    song: Song,
    target: Sequence[LyricLine],
    song_text: str,
    prompts: Prompts,
    checks: CraftChecks,
    *,
    rhymeable: Callable[[str], int],
) -> Judge:
    """The judge of one request's lines: the words it knows (the song's, the request's), the topic, what
    must not be copied (the prompts' example and instructions, the request's own instructions, the lines
    the song sings once but the ones rewritten, of which no run of three words is written: a line the
    model knows comes back word for word after the lines before it) and the lines not to repeat."""
    from cowriter.service import cowrite_craft as craft

    # a line the song itself repeats is a refrain: singing it again is no copy
    sung = unrepeated(line.lyrics for line in song.lines if line.has_words)
    rewritten = {line.lyrics for line in target}
    others = [line for line in sung if line not in rewritten]
    plain = craft.variables(request, "", craft.DEFAULT_KEY, [], (), lyrics_only=True)
    example = prompts.render("example_reply", plain)
    # the prompt's own words (what it asks, without the writer's words or the song) are no lyrics, nor
    # the writer's instructions ("a verse about", "rewrite line 2")
    shown = {**plain, "request": "", "topic": "", "target": "", "lyrics": "·", "song": "·"}
    asked = prompts.render(request.task, shown) + "\n" + prompts.render("system", shown)
    topic = request.content_words
    if request.task in ("rewrite", "alternatives", "mood", "continue"):
        source = target if target else song.lines
        topic = (*topic, *content_words(line.lyrics for line in source if line.has_words))
    # the rhyme scheme asked for is no word to sing ("XAXA" came back as "and Xaxa in the corner")
    spelled = frozenset({request.scheme.lower()} if request.scheme else ())
    return Judge(
        names=names_in([song_text, request.prompt]) - spelled,
        never=spelled,
        topic=tuple(dict.fromkeys(topic)),
        avoid=(example, asked, instructions(request.prompt), *others),
        rewritten=tuple(rewritten),
        existing=sung,
        rhymeable=rhymeable,
        count_syllables=checks.count_syllables,
        rhymes_with=checks.rhymes_with,
    )
