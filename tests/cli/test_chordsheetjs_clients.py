"""Our ChordPro and our chords-over-lyrics text as ChordSheetJS 15 reads them (ChordProParser and
ChordsOverWordsParser): every song of examples/, tests/data/songs and the conformance corpus.

`cowriter convert FILE --to chordpro` and `--to text` are read back by a small node script
(tests/js/read_back.mjs, ChordSheetJS installed by scripts/test.sh into tests/js/node_modules): each line
with chords and words must come back with the same chords on the same syllables (the words before each
chord the same), no word split, and the text's headers read as metadata. Where node or ChordSheetJS is
missing the tests skip and say so.
"""

from __future__ import annotations

import contextlib
import io
import json
import re
import shutil
import subprocess
import unicodedata
from pathlib import Path

import pytest

from cowriter.cli import main as cli
from cowriter.core.chords import try_parse_chord
from cowriter.core.encoding import decode
from cowriter.core.sheet import read as read_songs
from cowriter.core.song import LyricLine, Song
from tests.conftest import CONFORMANCE, DATA, ROOT

JS = ROOT / "tests" / "js"
FOLDERS = (ROOT / "examples", DATA / "songs", CONFORMANCE / "songs")
Pairs = list[tuple[str, str]]


def _files() -> list[Path]:
    return [
        p
        for folder in FOLDERS
        if folder.is_dir()
        for p in sorted(folder.iterdir())
        if p.suffix in (".cho", ".txt") and p.stat().st_size < 100_000
    ]


def _convert(path: Path, to: str) -> str:
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
        cli(["convert", str(path), "--to", to])
    return out.getvalue()


@pytest.fixture(scope="module")
def read_back() -> dict[tuple[str, str], dict[str, object]]:
    if shutil.which("node") is None:
        pytest.skip("node not installed")
    if not (JS / "node_modules" / "chordsheetjs").is_dir():
        pytest.skip("ChordSheetJS not installed (scripts/test.sh runs npm install in tests/js)")
    jobs = [(path, to) for path in _files() for to in ("chordpro", "text")]
    texts = [
        {"format": to, "text": _convert(path, to), "chords": _chords(path), "words": _words(path)}
        for path, to in jobs
    ]
    run = subprocess.run(["node", "read_back.mjs"], cwd=JS, input=json.dumps(texts), capture_output=True,
                         text=True, timeout=300, check=False)  # fmt: skip
    assert run.returncode == 0, run.stderr[-2000:]
    found = json.loads(run.stdout)
    return {
        (path.name, to): {**f, "text": t["text"]} for (path, to), f, t in zip(jobs, found, texts, strict=True)
    }


def _chords(path: Path) -> list[str]:
    songs = read_songs(decode(path.read_bytes()))
    return sorted(
        {c.symbol for song in songs for line in song.lines for c in line.chords if not c.annotation}
    )


def _words(path: Path) -> list[str]:
    songs = read_songs(decode(path.read_bytes()))
    return [line.lyrics for song in songs for line in song.lines if line.has_words]


def _skipped(songs: tuple[Song, ...], found: dict[str, object]) -> bool:
    """Sheets left out: those we report errors for (the conformance corpus's traps), and those with a chord
    that we or ChordSheetJS do not know as a chord (`unknown`, `A7-9/unk`; ChordSheetJS: `Emsus4`,
    `Bm7sus2`): a chords-over-words reader takes a row with one for words; and, in text, those with a line
    of words ChordSheetJS does not read as words ("La la la" is A A A in solfège to it, "Verse text" a
    section label: the pasted-page trap it falls into itself)."""
    chords = [c.symbol for song in songs for line in song.lines for c in line.chords if not c.annotation]
    unknown = any(try_parse_chord(c) is None for c in chords) or bool(found.get("unknown"))
    return any(song.errors for song in songs) or unknown or bool(found.get("misread"))


def _wide(text: str) -> bool:
    """Text with characters a screen shows two columns wide (日本): our text lines a chord up with its
    syllable as it is seen (as `textimport` and a2crd read it), ChordsOverWordsParser counts characters."""
    return any(unicodedata.east_asian_width(ch) in "WF" for ch in text)


def _ours(line: LyricLine) -> Pairs:
    """A line as chord/words pairs: the words before the first chord, then each chord and the words up to
    the next."""
    chords = [c for c in line.chords if not c.annotation]
    pairs: Pairs = [("", line.lyrics[: chords[0].at])] if chords and chords[0].at > 0 else []
    for k, chord in enumerate(chords):
        end = chords[k + 1].at if k + 1 < len(chords) else len(line.lyrics)
        pairs.append((chord.symbol, line.lyrics[chord.at : end]))
    return pairs


def _key(pairs: Pairs) -> list[tuple[str, str]]:
    """What must match: each chord, with the words before it (spaces and a stretched word's dashes
    aside)."""
    out, before = [], ""
    for chord, words in pairs:
        if chord:
            out.append((chord, before))
        before += words
    # a stretched word's dashes sit right before the chord that needed the room
    return [(c, re.sub(r"(?<=\w)-{2,}(?=\w|$)|\s+", "", b)) for c, b in out]


def _lines(song: Song, with_recalls: bool) -> list[Pairs]:
    return [
        _ours(line)
        for section in song.sections
        if with_recalls or not section.recall
        for line in section.lines
        if line.has_words
        and any(not c.annotation for c in line.chords)
        and not any(c.annotation for c in line.chords)
    ]


def _theirs(found: dict[str, object]) -> list[Pairs]:
    lines = found["lines"]
    assert isinstance(lines, list)
    return [
        [(c, w) for c, w in line]
        for line in lines
        if any(c for c, _ in line)
        and re.search(r"[^\W_]", "".join(w for _, w in line))
        and not _TAB.search("".join(w for _, w in line))
        and all(try_parse_chord(c) for c, _ in line if c)  # not tablature taken for chords (`B|---1-`)
    ]


# a line of tablature (`G|-0---3--|`), which a chords-over-words reader takes for chords over words
_TAB = re.compile(r"\|-|-{3,}")


@pytest.mark.parametrize("to", ["chordpro", "text"])
def test_chordsheetjs_reads_the_same_chords_on_the_same_syllables(
    read_back: dict[tuple[str, str], dict[str, object]], to: str
) -> None:
    checked = 0
    for path in _files():
        songs = read_songs(decode(path.read_bytes()))
        found = read_back[(path.name, to)]
        if _skipped(songs, found) or (to == "text" and _wide(str(found["text"]))):
            continue
        if found.get("error"):
            # ChordSheetJS stops at some ChordPro 6 it does not know (`{+config.setting …}`); our ChordPro is
            # then the user's file as written, never text we made
            assert to == "chordpro" and found["text"] == decode(path.read_bytes()), (
                path.name,
                found["error"],
            )
            continue
        ours = [_key(p) for song in songs for p in _lines(song, with_recalls=to == "text")]
        theirs = [_key(p) for p in _theirs(found)]
        assert theirs == ours, path.name
        checked += len(ours)
    assert checked > 150


def test_no_word_is_split_in_the_text(read_back: dict[tuple[str, str], dict[str, object]]) -> None:
    """Shenandoah's "river" under two chords stays one word (a stretched `ri--ver` at worst): each line
    ChordSheetJS reads from the text has the words of the song's line, as words."""
    for path in _files():
        songs = read_songs(decode(path.read_bytes()))
        found = read_back[(path.name, "text")]
        if _skipped(songs, found):
            continue
        ours = [p for song in songs for p in _lines(song, with_recalls=True)]
        theirs = _theirs(found)
        assert len(theirs) == len(ours), path.name
        for mine, pairs in zip(ours, theirs, strict=True):
            text = re.sub(r"(?<=\w)-{2,}(?=\w)", "", "".join(w for _, w in pairs))
            assert text.split() == "".join(w for _, w in mine).split(), (path.name, text)


def test_the_texts_headers_are_chordsheetjs_metadata(
    read_back: dict[tuple[str, str], dict[str, object]],
) -> None:
    found = read_back[("swing-low.cho", "text")]
    assert found["metadata"] == {
        "title": "Swing Low, Sweet Chariot",
        "subtitle": "Traditional spiritual",
        "key": "D",
        "tempo": "84",
        "time": "4/4",
        "x_style": "ballad",
    }
    text = str(found["text"])
    assert "{" not in text and text.startswith("# Swing Low")
