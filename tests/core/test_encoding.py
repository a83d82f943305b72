"""Decoding song files: BOMs, UTF-8, Latin-1 fallback, line ends."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest

from cowriter.core.chordpro import parse
from cowriter.core.encoding import decode, detect

TEXT = "{title: Sub Títlë}\r\n[D]Swing low\r\n"


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        (TEXT.encode("utf-8"), "utf-8"),
        (codecs.BOM_UTF8 + TEXT.encode("utf-8"), "utf-8"),
        (codecs.BOM_UTF16_LE + TEXT.encode("utf-16-le"), "utf-16-le"),
        (codecs.BOM_UTF16_BE + TEXT.encode("utf-16-be"), "utf-16-be"),
        (codecs.BOM_UTF32_LE + TEXT.encode("utf-32-le"), "utf-32-le"),
        (TEXT.encode("latin-1"), "latin-1"),
        (TEXT.replace("\r\n", "\r").encode("latin-1"), "latin-1"),
    ],
)
def test_every_encoding_decodes_to_the_same_text(data: bytes, encoding: str) -> None:
    assert detect(data)[0] == encoding
    assert decode(data) == "{title: Sub Títlë}\n[D]Swing low\n"


def test_undecodable_bytes_never_raise() -> None:
    assert decode(b"\xff\xfe\x00") is not None
    assert decode(bytes(range(256)))


def test_conformance_encodings(conformance: Path) -> None:
    songs = conformance / "songs"
    for name in ("cp-enc-utf8-bom-crlf.cho", "cp-enc-latin1-cr.cho", "cp-enc-utf16le-bom-lf.cho"):
        song = parse(decode((songs / name).read_bytes()))
        assert song.title == "Swing Low Sweet Chariot", name
        assert song.get("subtitle") == "Sub Títlë", name
