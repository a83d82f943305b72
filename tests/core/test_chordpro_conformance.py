"""ChordSketch's golden ASTs (../shared/conformance/songs/expected/*.expected-ast.txt) against our directives.

ChordSketch files custom environments, `{meta}` and `{new_song}` under other node types, so those are
left out of the comparison; every other directive must have the same name, value and selector, in order.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from cowriter.core.chordpro import parse_songs
from cowriter.core.song import Directive, Song

_AST_DIRECTIVE = re.compile(
    r'Directive \{\s*name: "((?:[^"\\]|\\.)*)",\s*value: (None|Some\(\s*"((?:[^"\\]|\\.)*)",\s*\)),'
    r'\s*kind: [^\n]*\n\s*selector: (None|Some\(\s*"([^"]*)",\s*\)),',
    re.S,
)
_STANDARD_ENVS = ("chorus", "verse", "bridge", "tab", "grid", "abc", "ly", "svg", "textblock", "musicxml")
NAMES = [
    "sk-chorus-recall",
    "sk-custom-sections",
    "sk-define-display-keys",
    "sk-delegate-environments",
    "sk-grid-verbatim",
    "sk-meta-directive",
    "sk-multi-song",
    "sk-selector-suffix",
    "sk-tab-verbatim",
    "sk-transpose-directive",
    "sk-transpose-out-of-range",
]


def _unescape(text: str) -> str:
    return text.replace('\\"', '"').replace("\\\\", "\\")


def _kept(name: str) -> bool:
    if name in ("meta", "new_song"):
        return False
    for prefix in ("start_of_", "end_of_"):
        if name.startswith(prefix):
            return name[len(prefix) :] in _STANDARD_ENVS
    return True


def _ours(songs: tuple[Song, ...]) -> list[tuple[str, str | None, str | None]]:
    found: list[Directive] = []
    for song in songs:
        for section in song.sections:
            found += [d for d in (section.open, section.close) if d is not None]
            found += [i for i in (() if section.recall else section.items) if isinstance(i, Directive)]
    return [(d.name, d.value, d.selector) for d in sorted(found, key=lambda d: d.line) if _kept(d.name)]


@pytest.mark.parametrize("name", NAMES)
def test_directives_match_chordsketch_ast(conformance: Path, name: str) -> None:
    songs_dir = conformance / "songs"
    text = (songs_dir / f"{name}.cho").read_text(encoding="utf-8").split("\n", 1)[1]  # drop provenance
    ast = (songs_dir / "expected" / f"{name}.expected-ast.txt").read_text(encoding="utf-8")
    expected = [
        (m.group(1), _unescape(m.group(3)) if m.group(2) != "None" else None, m.group(5))
        for m in _AST_DIRECTIVE.finditer(ast)
    ]
    expected = [e for e in expected if _kept(e[0])]
    assert expected, "the AST file should name directives"
    assert _ours(parse_songs(text)) == expected
