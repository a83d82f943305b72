"""textsafe: what untrusted text looks like on a terminal, and the properties every caller relies on."""

from __future__ import annotations

import json
import re
import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cowriter.textsafe import is_safe, safe, safe_line

ESC, BEL = "\x1b", "\x07"

CASES = [
    # (input, safe(input), why)
    ("Hello, world", "Hello, world", "plain text is untouched"),
    ("tab\tand\nnewline", "tab\tand\nnewline", "tab and newline are kept"),
    ("é ♭ 日本 🎸", "é ♭ 日本 🎸", "any printable Unicode is kept"),
    (f"{ESC}]0;pwned{BEL}", "␛]0;pwned␇", "OSC 0 (window title) shows its ESC and BEL"),
    (f"{ESC}]52;c;aGk={BEL}", "␛]52;c;aGk=␇", "OSC 52 (clipboard)"),
    (f"{ESC}[2J", "␛[2J", "clear screen"),
    (f"{ESC}]8;;http://x{ESC}\\link{ESC}]8;;{ESC}\\", "␛]8;;http://x␛\\link␛]8;;␛\\", "OSC 8 link"),
    ("\x00\x01\x1f", "␀␁␟", "the ends of C0"),
    ("over\rwrite", "over␍write", "a lone CR could overwrite the line"),
    ("line\r\nend\r\n", "line\nend\n", "a Windows line end is a newline"),
    ("a\x7fb", "a\\u007fb", "DEL"),
    ("\x80\x9b2J\x9f", "\\u0080\\u009b2J\\u009f", "C1, with a raw CSI (U+009B)"),
    ("\u0085", "\\u0085", "NEL is C1"),
    ("evil\u202eexe.cho", "evil\\u202eexe.cho", "RLO reverses what follows: always shown"),
    ("\u202dabc\u202c", "\\u202dabc\\u202c", "LRO shown, its PDF closes nothing"),
    ("\u2067שלום\u2069 and more", "\u2067שלום\u2069 and more", "an isolate closed on its line is kept"),
    ("\u202bעברית\u202c!", "\u202bעברית\u202c!", "an embedding closed on its line is kept"),
    ("\u2067open\nclose\u2069", "\\u2067open\nclose\\u2069", "an isolate left open at the end of its line"),
    ("stray\u2069", "stray\\u2069", "a PDI with nothing to close"),
    ("\u202a\u2066\u202c\u2069", "\\u202a\u2066\\u202c\u2069", "a PDF cannot close an isolate"),
    ("\u200e\u200f\u061c", "\u200e\u200f\u061c", "bidi marks are kept"),
    ("bad\udcffname", "bad\\udcffname", "a path's undecodable byte (surrogateescape)"),
    ("␛ already shown", "␛ already shown", "a control picture is printable text"),
]


@pytest.mark.parametrize(("text", "expected", "why"), CASES, ids=[c[2] for c in CASES])
def test_safe_table(text: str, expected: str, why: str) -> None:
    assert safe(text) == expected, why


LINE_CASES = [
    ("one line", "one line"),
    ("two\nlines", "two␊lines"),
    ("crlf\r\nend", "crlf␊end"),
    ("tab\tkept", "tab\tkept"),
    (f"/tmp/{ESC}]0;x{BEL}.cho", "/tmp/␛]0;x␇.cho"),
    ("\u2067open\nclose\u2069", "\u2067open␊close\u2069"),  # one line now, so the isolate closes
]


@pytest.mark.parametrize(("text", "expected"), LINE_CASES)
def test_safe_line_table(text: str, expected: str) -> None:
    assert safe_line(text) == expected
    assert "\n" not in safe_line(text)


def test_json_through_safe_stays_valid_and_lossless() -> None:
    value = {"title": "a\x9b2J\u202eb\x7f", "path": "x\udcffy"}
    line = json.dumps(value, ensure_ascii=False)
    shown = safe(line)
    assert is_safe(shown)
    assert json.loads(shown) == value


def test_is_safe() -> None:
    assert is_safe("plain\ttext\n")
    assert not is_safe("a\x1bb")
    assert not is_safe("two\nlines", line=True)


# --- properties -------------------------------------------------------------------------------------

_OPENERS = "\u202a\u202b\u2066\u2067\u2068"


def _dangerous(text: str, *, line: bool) -> list[str]:
    """Every character of `text` a terminal would act on, or that reorders text past its line."""
    found = [
        c
        for c in text
        if (unicodedata.category(c) == "Cc" and c not in ("\t", "\n"))
        or (line and c == "\n")
        or c in "\u202d\u202e"
        or 0xD800 <= ord(c) <= 0xDFFF
    ]
    for row in text.split("\n"):
        depth: list[str] = []
        for c in row:
            if c in _OPENERS:
                depth.append(c)
            elif c in "\u202c\u2069":
                want = "\u202a\u202b" if c == "\u202c" else "\u2066\u2067\u2068"
                if not depth or depth[-1] not in want:
                    found.append(c)
                else:
                    depth.pop()
        found.extend(depth)
    return found


# Text biased toward the interesting characters, with everything else Unicode has in between.
_interesting = st.sampled_from(
    [
        *"\x00\x07\x08\t\n\r\x1b\x7f\x80\x9b\x9f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069",
        *("\r\n", "\udcff", "\u200f", "␛", "a", " ", "é"),
    ]
)
texts = st.lists(st.one_of(_interesting, st.characters()), max_size=40).map("".join)
printable = st.text(
    st.characters(
        blacklist_categories=("Cc", "Cs"),
        blacklist_characters="\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069",
    )
    | st.sampled_from("\t\n")
)


@given(texts)
def test_output_never_holds_a_control(text: str) -> None:
    assert _dangerous(safe(text), line=False) == []
    assert _dangerous(safe_line(text), line=True) == []


@given(printable)
def test_printable_text_is_unchanged(text: str) -> None:
    assert safe(text) == text
    assert safe_line(text) == text.replace("\n", "␊")


@given(texts)
def test_idempotent(text: str) -> None:
    assert safe(safe(text)) == safe(text)
    assert safe_line(safe_line(text)) == safe_line(text)
    assert is_safe(safe(text))
    assert is_safe(safe_line(text), line=True)


_BIDI_CONTROLS = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
_VISIBLE_FORM = re.compile(r"\\u[0-9a-f]{4}|[\u2400-\u241f\u2421]")


@given(texts.filter(lambda t: "\\" not in t and not any("\u2400" <= c <= "\u2421" for c in t)))
def test_only_controls_change(text: str) -> None:
    """Take the visible forms out of the result and the controls out of the input: the same text is
    left, in the same order (nothing printable is lost, moved or added)."""
    shown = _VISIBLE_FORM.sub("", safe(text))
    source = text.replace("\r\n", "\n")
    drop = set(_BIDI_CONTROLS)
    assert "".join(c for c in shown if c not in drop) == "".join(
        c for c in source if c not in drop and not _dangerous(c, line=False)
    )
