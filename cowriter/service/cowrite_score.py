"""Judging candidate lines in code, so the best is shown first and every rejection has a reason.

A line is judged on what a songwriter would check, each a named part of its score:
- `words`: every word a real word (the CMU dictionary, contractions, names from the song or request);
  a word that is none rejects the line ("not a word: 'Donth'"), and `rare`: a word the dictionary has but
  English hardly uses ("laure", "glo": `lyrics.frequency`) costs;
- `syllables`: on target (±1 is on target; each syllable further costs);
- `meter`: its stress pattern against the line it stands for (the line rewritten, the matching line of
  the song's section, or the line before it);
- `rhyme`: the rhyme asked for (a miss rejects; rhyming a word with itself rejects);
- `topic`: the request's and the song's content words and images;
- `repeats`: a rewrite that changes a word or two of its line costs (the more it shares, in order), and
  so does a new line that is a near copy of one of the song;
  no line of the song or of the section again, nothing copied from the prompt's example (a
  run of four words; while a line is written, the word that would make a run of three is not offered:
  `banned_next`), no word hammered, no line ending on "the" or "of";
- `fluency`: the model's own mean log-probability of the line's tokens (small models judge better than
  they write), and `ending`: its log-probability of the line's last word, where a rhyme forced into a
  place it does not fit shows.

The score is the sum of the parts; a rejected line is never preferred to one that is not.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from difflib import SequenceMatcher

from cowriter.lyrics import frequency, is_rhyme, stress_pattern, syllables
from cowriter.lyrics.stress import FUNCTION_WORDS
from cowriter.lyrics.syllables import all_phones
from cowriter.lyrics.syllables import words as split_words

COPY_WORDS = 4  # this many words in a row from the example or the song is a copy
BAN_AFTER = 2  # while writing, a word that would make a run of 3 words of the song is not offered
REWRITE_RUN = 3  # nor one that would make a run of 3 words of the line being rewritten (with 4, six
# rewrites of 'With him clinging to the sun' were 'With him clinging on/onto/with the sun')
CLOSE_FROM, CLOSE_COST = 0.5, 4.0  # a version sharing more of the line's words in order costs
# words about the song rather than in it ("The song is about…", "A songwriter wrote a verse"): a small
# model writes them when it describes the request instead of answering it
META = frozenset(
    """song songs songwriter songwriters lyric lyrics verse verses chorus choruses rhyme rhymes rhyming
    syllable syllables stanza melody tune line lines request version versions alternative alternatives
    rewrite rewrites rewriting rewritten rewrote writer writers refrain imagery vocabulary sentence
    sentences title words lyricist prompt prompts stanzas""".split()  # noqa: SIM905
)
LETTER_WORDS = frozenset({"a", "i", "o"})  # the one-letter words a lyric sings
_DANGLING = FUNCTION_WORDS - {"me", "you", "mine", "yours", "us", "them", "him", "her", "it", "i", "we"}


@dataclass(frozen=True, slots=True)
class Goal:
    """What one line should be. `rhyme_with`: a word its last word must rhyme with (a fixed word, or the
    end of the line it pairs with); `meter`: the stress pattern of the line it stands for."""

    syllables: int | None = None
    meter: str | None = None
    rhyme_with: str | None = None
    original: str = ""  # the line being rewritten ("": a new line)
    asked: frozenset[str] = frozenset()  # what the writer asked for ("syllables", "meter"): reported when
    # missed; the rest of the goal (the song's own line lengths and stresses) only ranks


@dataclass(frozen=True, slots=True)
class Verdict:
    """A line's score, its parts, and why it was rejected (empty: it was not)."""

    text: str
    score: float
    parts: dict[str, float] = field(default_factory=dict)
    rejected: tuple[tuple[str, str], ...] = ()  # (kind, why): ("words", "not a word: 'Donth'")
    notes: tuple[tuple[str, str], ...] = ()  # constraints missed, not rejecting: ("syllables", "9 …")

    @property
    def ok(self) -> bool:
        return not self.rejected

    def key(self) -> tuple[bool, float]:
        """Sort key, best last: lines that are not rejected first, then by score."""
        return self.ok, self.score


def _normal(word: str) -> str:
    return word.lower().replace("’", "'")


def _stem(word: str) -> str:
    w = _normal(word).removesuffix("'s")
    for suffix in ("ing", "ed", "es", "s"):
        if w.endswith(suffix) and len(w) - len(suffix) >= 3:
            return w[: -len(suffix)]
    return w


def plain_words(text: str) -> list[str]:
    return [_normal(w) for w in split_words(text)]


def ngrams(text: str, n: int = COPY_WORDS) -> set[tuple[str, ...]]:
    found = plain_words(text)
    return {tuple(found[i : i + n]) for i in range(len(found) - n + 1)}


def meter_fit(pattern: str, reference: str) -> float:
    """How well a stress pattern fits a reference, 0..1 (1 - edit distance / the longer length)."""
    if not pattern or not reference:
        return 0.0
    prev = list(range(len(reference) + 1))
    for i, a in enumerate(pattern, 1):
        cur = [i]
        for j, b in enumerate(reference, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a != b)))
        prev = cur
    return 1.0 - prev[-1] / max(len(pattern), len(reference))


@dataclass
class Judge:
    """Scores lines for one request. `names`: capitalised words of the song and request (they count as
    words); `topic`: content words to look for; `avoid`: texts a line must not copy (the prompt's example,
    the song); `existing`: lines a new line must not repeat; `rhymeable`: how many usable rhymes a word
    has (a line that others must rhyme with should end on a word that has some); `never`: words never
    written, like the words about the song (the rhyme scheme the request names: "xaxa")."""

    names: frozenset[str] = frozenset()
    never: frozenset[str] = frozenset()  # words of the request that are no lyrics ("xaxa": its scheme)
    topic: tuple[str, ...] = ()
    avoid: Sequence[str] = ()
    existing: Sequence[str] = ()
    rewritten: Sequence[str] = ()  # the lines being rewritten: no run of REWRITE_RUN of their words
    rhymeable: Callable[[str], int] | None = None
    count_syllables: Callable[[str], int] = syllables
    rhymes_with: Callable[[str, str], bool] = is_rhyme
    weights: dict[str, float] = field(
        default_factory=lambda: {
            "fluency": 1.0,
            "ending": 0.3,
            "syllables": 0.8,
            "meter": 1.2,
            "topic": 0.5,
            "rare": 0.8,
        }
    )

    def __post_init__(self) -> None:
        self._meta = META - {w.lower() for w in self.topic}  # "a song about songs" may say so
        self._copies = set().union(*(ngrams(t) for t in self.avoid)) if self.avoid else set()
        self._follow: dict[tuple[str, ...], set[str]] = {}
        self._kept: dict[tuple[str, ...], set[str]] = {}  # of a line rewritten: its words after 3 of it
        for text in self.avoid:
            for line in text.splitlines():
                for gram in ngrams(re.sub(r"\[[^\]]*\]|\{[^}]*\}", " ", line), BAN_AFTER + 1):
                    self._follow.setdefault(gram[:-1], set()).add(gram[-1])
        for text in self.rewritten:
            for gram in ngrams(re.sub(r"\[[^\]]*\]", " ", text), REWRITE_RUN):
                self._kept.setdefault(gram[:-1], set()).add(gram[-1])
        self._existing = {" ".join(plain_words(t)) for t in self.existing} - {""}
        self._lines = [x.split() for x in self._existing]
        self._topic = {_stem(w) for w in self.topic}

    def banned_next(self, text: str) -> set[str]:
        """Words that must not come next after `text` (a line being written): those that would make its
        last words a run of BAN_AFTER + 1 words of the song or of the prompt's example, or of REWRITE_RUN
        words of the line being rewritten."""
        found = plain_words(text)
        if len(found) < BAN_AFTER:
            return set(self._meta)
        banned = self._follow.get(tuple(found[-BAN_AFTER:]), set()) | self._meta
        if len(found) >= REWRITE_RUN - 1:
            banned |= self._kept.get(tuple(found[-REWRITE_RUN + 1 :]), set())
        return banned

    def unknown_words(self, text: str) -> list[str]:
        """The words of `text` that are no words: not in the dictionary (with its contractions and
        "-in'" for "-ing"), nor a name or word of the song or the request."""
        out = []
        for word in split_words(text):
            w = _normal(word)
            if len(w) == 1 and w not in LETTER_WORDS and w not in self.names:
                out.append(word)  # "A B A B I A": the dictionary spells letters, songs do not sing them
                continue
            if w in self.names or word in self.names or all_phones(w):
                continue
            if w.endswith("'s") and all_phones(w[:-2]):
                continue
            if w.endswith("in") and all_phones(w + "g") and text[text.find(word) + len(word) :][:1] in "'’":
                continue
            out.append(word)
        return out

    def rare_words(self, found: Sequence[str], unknown: Sequence[str] = ()) -> list[str]:
        """The words of `found` (plain, lower case) that are real but rare in English ("laure", "glo"),
        and no word of the song or the request."""
        skip = {_normal(u) for u in unknown}
        out = []
        for word in found:
            if word in self.names or word in skip or word in LETTER_WORDS:
                continue
            sung = word[:-1] + "g" if word.endswith("in'") else word  # "runnin'" is "running"
            sung = sung.removesuffix("'s")  # "keeper's" is as common as "keeper" (wordfreq has it at 2.5)
            if frequency.rare(sung) and frequency.rare(word):
                out.append(word)
        return out

    def line(
        self,
        text: str,
        goal: Goal,
        *,
        before: Sequence[str] = (),
        logprob: float | None = None,
        leads_rhyme: bool = False,
        ending: float | None = None,
    ) -> Verdict:
        """Judge `text` as the next line after `before` (the section's lines so far)."""
        parts: dict[str, float] = {}
        rejected: list[tuple[str, str]] = []
        notes: list[tuple[str, str]] = []
        found = plain_words(text)
        if not found:
            return Verdict(text, -99.0, {}, (("words", "no words"),))
        # (`never` is judged, not banned while writing: "aabb" begins with the token of "a")
        meta = [w for w in found if w in self._meta or w in self.never]
        if meta:
            rejected.append(("words", f"talks about the song ('{meta[0]}') instead of singing it"))
        unknown = self.unknown_words(text)
        if unknown:
            rejected.append(("words", "not a word: " + ", ".join(f"'{w}'" for w in unknown[:3])))
        parts["words"] = -1.0 * len(unknown)
        rare = self.rare_words(found, unknown)
        if rare:
            parts["rare"] = -self.weights.get("rare", 0.8) * len(rare)
            notes.append(("words", "rare: " + ", ".join(f"'{x}'" for x in rare[:3])))
        w = self.weights
        if logprob is not None:
            parts["fluency"] = w["fluency"] * logprob
        if ending is not None:  # the line's last word, where a forced rhyme shows
            parts["ending"] = w["ending"] * ending
        if goal.syllables:
            count = self.count_syllables(text)
            off = abs(count - goal.syllables)
            parts["syllables"] = -w["syllables"] * max(0, off - 1) - 0.1 * off
            if off > 1 and "syllables" in goal.asked:
                notes.append(("syllables", f"{count} syllables, asked for {goal.syllables}"))
        if goal.meter:
            fit = meter_fit(stress_pattern(text), goal.meter)
            parts["meter"] = w["meter"] * (fit - 1.0)
            if fit < 0.6 and "meter" in goal.asked:
                notes.append(("meter", f"stress {stress_pattern(text)} against the meter {goal.meter}"))
        last = found[-1]
        if goal.rhyme_with:
            target = _normal(goal.rhyme_with)
            if last == target:
                rejected.append(("rhyme", f"rhymes '{last}' with itself"))
            elif not self.rhymes_with(last, target):
                rejected.append(("rhyme", f"ends on '{last}', which does not rhyme with '{target}'"))
        if leads_rhyme and self.rhymeable is not None and self.rhymeable(last) < 3:
            parts["rhymeable"] = -1.0
            notes.append(("rhyme", f"few rhymes for '{last}'"))
        hits = {_stem(x) for x in found} & self._topic
        parts["topic"] = w["topic"] * min(2, len(hits))
        parts["repeats"] = self._repeats(text, found, before, goal, rejected)
        score = sum(parts.values())
        return Verdict(text, score, parts, tuple(rejected), tuple(notes))

    def _repeats(
        self, text: str, found: list[str], before: Sequence[str], goal: Goal, rejected: list[tuple[str, str]]
    ) -> float:
        penalty = 0.0
        plain = " ".join(found)
        if plain in self._existing or plain in {" ".join(plain_words(b)) for b in before}:
            rejected.append(
                ("repeats", "repeats a line" + (" of the song" if plain in self._existing else ""))
            )
        if goal.original and plain == " ".join(plain_words(goal.original)):
            rejected.append(("repeats", "the line as it was"))
        elif goal.original and len(ngrams(text) & ngrams(goal.original)) >= 2:
            rejected.append(("repeats", "too close to the line as it was"))
        # a word or two changed is a weak version of the line rewritten, or a near copy of a line of the song
        # ("Nets are dying on the harbor wall"): the more a line shares with one, in order, the more it costs
        close = [plain_words(goal.original)] if goal.original else self._lines
        same = max((SequenceMatcher(None, found, x, autojunk=False).ratio() for x in close), default=0.0)
        if same < 1.0:
            penalty -= CLOSE_COST * max(0.0, same - CLOSE_FROM)
        copied = ngrams(text) & self._copies
        if copied:
            rejected.append(("repeats", "copies '" + " ".join(sorted(copied)[0]) + "'"))
        content = [x for x in found if x not in FUNCTION_WORDS]
        if len(content) != len(set(content)):
            penalty -= 0.5
        if found[-1] in _DANGLING and len(found) > 1:
            penalty -= 1.0
        if before:
            previous = plain_words(before[-1])
            if previous and previous[0] == found[0] and found[0] not in ("and", "but", "oh"):
                penalty -= 0.2
            ends = [plain_words(b)[-1] for b in before if plain_words(b)]
            if found[-1] in ends and found[-1] != _normal(goal.rhyme_with or ""):
                penalty -= 0.5
        return penalty


def names_in(texts: Iterable[str]) -> frozenset[str]:
    """Every word the song and the request use (names, places, the song's own spellings), lower case."""
    out: set[str] = set()
    for text in texts:
        for line in text.splitlines():
            if line.lstrip().startswith(("#", "{")):
                continue
            out.update(_normal(w) for w in split_words(re.sub(r"\[[^\]]*\]", "", line)))
    return frozenset(out)
