"""Bytes → text for song files: UTF-8 (with or without BOM), UTF-16/32 with a BOM, else Latin-1.

Line ends are normalised to `\\n` (CRLF and bare CR alike), and a leading BOM is dropped, so the parsers
see one kind of text whatever editor wrote the file. Never raises: every byte string decodes.
"""

from __future__ import annotations

import codecs

__all__ = ["decode", "detect"]

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


def detect(data: bytes) -> tuple[str, int]:
    """The encoding of `data` and the length of its BOM (0 when there is none)."""
    for bom, name in _BOMS:
        if data.startswith(bom):
            return name, len(bom)
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return "latin-1", 0
    return "utf-8", 0


def decode(data: bytes) -> str:
    """Decode a song file's bytes (see the module docstring) with `\\n` line ends."""
    name, skip = detect(data)
    text = data[skip:].decode(name, errors="replace")
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text
