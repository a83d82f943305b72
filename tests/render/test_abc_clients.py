"""Our stored melodies as abc2midi and abcm2ps read them: every song of examples/, tests/data/songs and
the conformance corpus that has words, with the whole-song melody `cowriter melody FILE --write` stores.

Checked on what the programs made of it, against the chord sheet: no error or warning from either (but
abcm2ps's "Line underfull", a line stretched to the page's width, and its "char … not treated", a
Japanese glyph its default fonts lack); the
karaoke syllables abc2midi writes are the `w:` syllables; each chord the sheet puts on a syllable
(`Was [Em]blind, but [D]now I [G]see`) starts where that syllable is sung; the words keep their spelling
("'Twas", "Comin'"); the tune lasts as long as the song's timeline (a recalled chorus is sung again).
"""

from __future__ import annotations

import re

import pytest

from tests.render import abc_clients as ac


@pytest.fixture(scope="session")
def tunes(tmp_path_factory: pytest.TempPathFactory) -> dict[str, ac.Tune]:
    why = ac.missing()
    if why:
        pytest.skip(why)
    return {t.name: t for t in ac.tunes(tmp_path_factory.mktemp("abc"))}


def test_the_corpus_has_the_songs_the_issue_names(tunes: dict[str, ac.Tune]) -> None:
    for name in ("amazing-grace", "ex-swing-low", "ex-oh-susanna", "ex-st-louis-blues"):
        assert name in tunes
    assert len(tunes) >= 8


def test_abc2midi_and_abcm2ps_report_nothing(tunes: dict[str, ac.Tune]) -> None:
    for tune in tunes.values():
        said = [ln for ln in tune.abc2midi_log.splitlines() if re.match(r"(?i)(error|warning)\b", ln)]
        assert not said, (tune.name, said)
        said = [
            ln
            for ln in tune.abcm2ps_log.splitlines()
            if re.search(r"(?i)\b(error|warning):", ln)
            and "Line underfull" not in ln  # the page's layout
            and "not treated" not in ln  # its default PostScript fonts have no CJK glyphs
        ]
        assert not said, (tune.name, said)


def test_karaoke_syllables_are_the_w_syllables(tunes: dict[str, ac.Tune]) -> None:
    for tune in tunes.values():
        sung = [ac.karaoke_syllable(text) for _, text in tune.karaoke]
        assert sung == ac.w_syllables(tune.abc), tune.name
        assert sung, tune.name


def test_no_directive_or_comment_in_the_karaoke_track(tunes: dict[str, ac.Tune]) -> None:
    """abc2midi writes a directive or comment inside a tune as a text event in its karaoke track, which a
    karaoke player shows as words: `%%cowriter-start` stays out of the tune."""
    for tune in tunes.values():
        assert not [t for _, t in tune.karaoke if "cowriter" in t or "%" in t], tune.name
    assert any(t.offset for t in tunes.values())  # the directive is written, outside the tune


def _first_letter(text: str, at: int, stop: int) -> int | None:
    """Where the word a chord stands on begins: the first letter at or after `at`, before `stop`."""
    for i in range(at, min(stop, len(text))):
        if text[i].isalnum():
            return i
    return None


def test_each_chord_sounds_on_the_syllable_it_stands_on(tunes: dict[str, ac.Tune]) -> None:
    checked = 0
    for tune in tunes.values():
        lines = {ln.line: ln.lyrics for ln in tune.song.lines}
        by_tick = {tick: ac.karaoke_syllable(text) for tick, text in tune.karaoke}
        spans = sorted(tune.timed.spans, key=lambda s: s.start)
        for k, span in enumerate(spans):
            if span.at < 0 or span.line not in lines:
                continue
            text = lines[span.line]
            following = [s.at for s in spans[k + 1 :] if s.line == span.line and s.at > span.at]
            letter = _first_letter(text, span.at, min(following, default=len(text)))
            if letter is None:  # a chord after the line's last word: nothing is sung on it
                continue
            meter = tune.timed.meters[0].meter
            tick = round((span.start - tune.offset) * ac.TICKS * 4 / meter.unit) + 1
            sung = by_tick.get(tick)
            where = f"{tune.name} line {span.line}: [{span.chord}] on {text[letter : letter + 12]!r}"
            earlier = [s.at for s in spans[:k] if s.line == span.line and 0 <= s.at < span.at]
            if sung is None and earlier and " " not in text[max(earlier) : letter].strip():
                # a second chord inside a word already chorded (`tttt[Em]tttt[Em7]tttt`): its syllable is
                # still sounding when the chord comes
                sung = next((ac.karaoke_syllable(t) for tk, t in reversed(tune.karaoke) if tk < tick), None)
            assert sung is not None, f"{where}: no syllable starts with the chord (bar {span.bar})"
            starts = [m.start() for m in re.finditer(re.escape(sung), text)]
            assert any(i <= letter < i + len(sung) for i in starts), f"{where}: sung on {sung!r}"
            checked += 1
    assert checked > 200


def test_the_words_keep_their_spelling(tunes: dict[str, ac.Tune]) -> None:
    """'Twas stays 'Twas, Comin' stays Comin', hour is one syllable."""
    for tune in tunes.values():
        lyrics = "\n".join(ln.lyrics for ln in tune.song.lines)
        words = "".join(
            (" " if text.lstrip("/\\").startswith(" ") else "") + ac.karaoke_syllable(text)
            for _, text in tune.karaoke
        ).split()
        for word in words:
            assert re.search(rf"(?<![\w'’]){re.escape(word)}(?![\w'’])", lyrics), (tune.name, word)
    grace = [ac.karaoke_syllable(t) for _, t in tunes["amazing-grace"].karaoke]
    assert "'Twas" in grace and "hour" in grace and "ho" not in grace
    low = [ac.karaoke_syllable(t) for _, t in tunes["ex-swing-low"].karaoke]
    assert "min'" in low


def test_the_tune_lasts_as_long_as_the_song(tunes: dict[str, ac.Tune]) -> None:
    """A recalled chorus is sung again and the last one is there (Swing Low: 40 bars)."""
    for tune in tunes.values():
        end = tune.beat_of(max(tune.note_ends))
        last_words = max(
            (s.start for s in tune.timed.spans if s.lyric and s.line in {ln.line for ln in tune.song.lines}),
            default=0.0,
        )
        assert end > last_words, tune.name
        assert end <= tune.timed.beats + 1e-6, tune.name
    low = tunes["ex-swing-low"]
    assert low.timed.bars == 40
    assert low.beat_of(max(low.note_ends)) > 39 * 4
    sung = [ac.karaoke_syllable(t) for _, t in low.karaoke]
    assert sung.count("Swing") == 2 * 3  # the chorus's two lines that start "Swing", three times
