"""Session names cannot escape the store, nor pretend to."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cowriter.errors import CowriterError
from cowriter.session import SessionStore, check_name

REFUSED = [
    ("../x", "parent traversal"),
    ("..", "the parent folder"),
    (".", "this folder"),
    ("/etc/passwd", "absolute path"),
    ("a/b", "separator"),
    ("a\\b", "backslash"),
    ("a\x00b", "NUL"),
    ("x" * 10_000, "10,000 characters"),
    ("x" * 101, "just over the limit"),
    ("é" * 130, "over the byte limit"),
    ("", "empty"),
    ("   ", "only spaces"),
    (" lead", "leading space"),
    ("trail ", "trailing space"),
    (".hidden", "hidden file"),
    ("dot.", "trailing dot"),
    ("a\u2215b", "DIVISION SLASH"),
    ("a\u2044b", "FRACTION SLASH"),
    ("a\uff0fb", "FULLWIDTH SOLIDUS"),
    ("a\u29f8b", "BIG SOLIDUS"),
    ("a\uff3cb", "FULLWIDTH REVERSE SOLIDUS"),
    ("\u2024\u2024\u2215x", "ONE DOT LEADER look-alike of ../"),
    ("\uff0e\uff0e", "FULLWIDTH FULL STOP x2"),
    ("\u2025", "TWO DOT LEADER"),
    ("a\u3002b", "IDEOGRAPHIC FULL STOP"),
    ("a\ufe52b", "SMALL FULL STOP"),
    ("a\uff1ab", "FULLWIDTH COLON"),
    ("a:b", "colon"),
    ("a\u202eb", "RIGHT-TO-LEFT OVERRIDE"),
    ("a\u200bb", "ZERO WIDTH SPACE"),
    ("a\tb", "tab"),
    ("a\nb", "newline"),
    ("a\u00a0b", "no-break space"),
    ("CON", "reserved on Windows"),
    ("lpt1.txt", "reserved with an extension"),
    ("a*b", "wildcard"),
    ("a?b", "wildcard"),
    ('a"b', "quote"),
    ("a<b>", "redirection"),
    ("a|b", "pipe"),
    ("$HOME", "shell variable"),
]


@pytest.mark.parametrize(("name", "why"), REFUSED)
def test_refused(name: str, why: str, tmp_path: Path) -> None:
    with pytest.raises(CowriterError) as info:
        check_name(name)
    assert info.value.exit_code == 2
    assert "refused" in info.value.message and "\n" not in str(info.value)
    with pytest.raises(CowriterError):
        SessionStore(tmp_path).create(name)
    assert os.listdir(tmp_path) == []


ACCEPTED = [
    ("Rain song", "Rain song"),
    ("song v1.2", "song v1.2"),
    ("Don't stop (demo) #2", "Don't stop (demo) #2"),
    ("Café", "Café"),
    ("Cafe\u0301", "Caf\u00e9"),  # NFC
    ("Песня", "Песня"),
    ("歌", "歌"),
    ("x" * 100, "x" * 100),
]


@pytest.mark.parametrize(("name", "normal"), ACCEPTED)
def test_accepted(name: str, normal: str) -> None:
    assert check_name(name) == normal


@settings(max_examples=300, deadline=None)
@given(st.text(min_size=1, max_size=30))
def test_any_accepted_name_stays_one_level_inside_the_store(name: str) -> None:
    root = Path("/store/root")
    try:
        checked = check_name(name)
    except CowriterError:
        return
    path = SessionStore(root).path(checked)
    assert os.path.dirname(os.path.normpath(path)) == str(root)
    assert checked not in (".", "..") and "/" not in checked and "\x00" not in checked


@pytest.mark.parametrize("name", ["../x", "/abs", "a\x00"])
def test_store_path_refuses(name: str, tmp_path: Path) -> None:
    with pytest.raises(CowriterError):
        SessionStore(tmp_path).path(name)


def test_symlinked_session_folder_refused(tmp_path: Path) -> None:
    store = SessionStore(tmp_path / "store")
    store.create("Real", "x\n").close()
    os.symlink(tmp_path / "store" / "Real", tmp_path / "store" / "Link")
    assert store.list() == ["Real"]
    with pytest.raises(CowriterError, match="symbolic link"):
        store.open("Link")
