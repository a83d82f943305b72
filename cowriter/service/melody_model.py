"""A melody proposed by the model: ABC under a grammar, validated and scored like the sketches.

    line ─▶ syllables, phrase, chords, key (the melody service) ─▶ prompts/melody.j2
        ─▶ backend.stream(grammar: N notes from the key's scale in the voice's range)
        ─▶ fixed header + the model's note body + the line's syllables ─▶ core.abc ─▶ score_abc

The model writes only the note body; the header (X:, M:, L:, K:), the lyrics and the `%%cowriter-start`
offset (so the melody sounds on the line's bar) come from code. An unusable reply (it does not parse, or has
the wrong number of notes) is asked for once more with the next seed; a second failure is an error.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from cowriter.core.abc import AbcChord, AbcError, AbcTune, format_abc, key_signature, parse_abc
from cowriter.core.melody import MelodyLine, ScoreCard, Sketch, key_for
from cowriter.core.song import Song
from cowriter.core.song_key import song_key
from cowriter.core.timeline import Meter
from cowriter.core.timing import timeline
from cowriter.errors import CowriterError
from cowriter.model.abc_grammar import melody_grammar, scale_tokens
from cowriter.model.backend import Backend, Message
from cowriter.model.prompts import Prompts
from cowriter.service.melody import MelodyResult, melody_lines, score_abc, select, voice_named

__all__ = ["ModelMelody", "ModelMelodyFailed", "propose_melody", "with_model"]

UNIT = "1/8"


class ModelMelodyFailed(CowriterError):
    """The model's melody could not be used, even after a retry. `reasons` says why."""

    def __init__(self, reasons: Sequence[str]) -> None:
        super().__init__(
            "the model's melody could not be used: " + "; ".join(reasons[:2]),
            hint="try another --seed or a larger model (--model)",
        )
        self.reasons = tuple(reasons)


@dataclass(frozen=True)
class ModelMelody:
    """One alternative from the model: the tune (song-clock `offset`), its ABC, its score, the raw reply."""

    tune: AbcTune
    abc: str
    score: ScoreCard
    reply: str
    model: str
    source: str = "model"


@dataclass(frozen=True)
class _Setting:
    line: MelodyLine
    key: str
    meter: Meter
    tokens: dict[str, int]
    chords: tuple[str, ...]
    lyrics: str
    tempo: float | None
    title: str


def _setting(song: Song, line_number: int, voice: str) -> _Setting:
    chosen_voice = voice_named(voice)
    timed = timeline(song)
    lines, meter, target = melody_lines(song, timed, select(song, None, line_number))
    if not lines or not lines[0].syllables:
        raise CowriterError(f"line {line_number} has no syllables to sing")
    source_line = target.lines[0][1]
    spans = [s for s in timed.spans if s.line == source_line.line] or list(timed.spans)
    key = key_for(spans, song_key(song))
    abc_key = key.tonic + ("m" if key.is_minor else "")
    tokens = scale_tokens(key_signature(abc_key), chosen_voice.low, chosen_voice.high)
    chords = tuple(dict.fromkeys(w.symbol for w in lines[0].chords))
    tempo = timed.tempos[0].bpm if timed.tempos else None
    label = f"line {line_number}"
    title = f"{song.title} - {label}" if song.title else label
    return _Setting(lines[0], abc_key, meter, tokens, chords, source_line.lyrics.strip(), tempo, title)


def header(meter: Meter, key: str) -> str:
    """The fixed ABC header the model's note body is read under."""
    return f"X:1\nM:{meter}\nL:{UNIT}\nK:{key}\n"


def _build(setting: _Setting, body: str) -> AbcTune:
    """The model's note body read under the fixed header, with the line's syllables and chords."""
    try:
        tune = parse_abc(header(setting.meter, setting.key) + body.strip() + "\n")
    except AbcError as exc:
        raise ValueError(f"the ABC does not parse ({exc})") from None
    sylls = setting.line.syllables
    if len(tune.notes) != len(sylls):
        raise ValueError(f"{len(tune.notes)} notes for {len(sylls)} syllables")
    notes = tuple(
        replace(n, syllable=s.text, hyphen=not s.word_end) for n, s in zip(tune.notes, sylls, strict=True)
    )
    offset = setting.line.start
    chords: list[AbcChord] = []
    for window in setting.line.chords:
        if not chords or chords[-1].symbol != window.symbol:
            chords.append(AbcChord(round(max(window.start, offset) - offset, 6), window.symbol))
    return replace(
        tune,
        notes=notes,
        title=setting.title,
        tempo=setting.tempo,
        offset=round(offset, 6),
        chords=tuple(chords),
    )


def propose_melody(
    song: Song,
    line_number: int,
    backend: Backend,
    seed: int = 0,
    *,
    voice: str = "alto",
    prompts: Prompts | None = None,
    temperature: float = 0.7,
) -> list[ModelMelody]:
    """The model's melody for the `line_number`th lyric line (from 1), scored by `score_abc`."""
    setting = _setting(song, line_number, voice)
    n = len(setting.line.syllables)
    grammar = melody_grammar(n, list(setting.tokens))
    variables = {
        "task": "melody",
        "key": setting.key,
        "meter": str(setting.meter),
        "chords": list(setting.chords),
        "lyrics": setting.lyrics,
        "syllables": [s.text for s in setting.line.syllables],
        "notes": n,
        "pitches": list(setting.tokens),
    }
    messages = [Message("user", (prompts or Prompts()).render("melody", variables))]
    reasons: list[str] = []
    for attempt in range(2):
        reply = "".join(
            backend.stream(
                messages,
                grammar=grammar if backend.supports_grammar else None,
                max_tokens=8 * n + 16,
                temperature=temperature,
                seed=seed + attempt,
            )
        )
        try:
            tune = _build(setting, reply)
        except ValueError as exc:
            reasons.append(f"attempt {attempt + 1}: {exc}")
            continue
        abc = format_abc(tune)
        score = score_abc(song, abc, line=line_number, voice=voice)
        return [ModelMelody(tune, abc, score, reply, backend.name)]
    raise ModelMelodyFailed(reasons)


def with_model(result: MelodyResult, proposed: Sequence[ModelMelody]) -> tuple[MelodyResult, tuple[str, ...]]:
    """The sketches and the model's melodies in one ranking, best score first (a tie keeps the sketch
    first), and the source of each: "sketch" or "model". The model's notes are put on the song's clock,
    like a sketch's, so `to_json` and `write_block` take the merged result as they take the sketches."""
    entries: list[tuple[Sketch, AbcTune, str]] = [
        (s, t, "sketch") for s, t in zip(result.sketches, result.tunes, strict=True)
    ]
    for m in proposed:
        notes = tuple(replace(n, start=round(m.tune.offset + n.start, 6)) for n in m.tune.notes)
        entries.append((Sketch(notes, m.score, ((0, len(notes)),)), m.tune, m.source))
    entries.sort(key=lambda e: -e[0].score.total)
    merged = replace(result, sketches=tuple(e[0] for e in entries), tunes=tuple(e[1] for e in entries))
    return merged, tuple(e[2] for e in entries)
