"""Session names that cannot escape the store.

A session is a folder `<store>/<name>/`, so a name is a single path component chosen by a person. We accept
what people call songs (letters and digits of any script, spaces, a little punctuation) and refuse whatever
could leave the store or fool the eye into thinking so: separators, `.`/`..`, NUL and control characters,
bidi and other format characters, look-alikes of `/`, `\\`, `.` and `:` (FRACTION SLASH, FULLWIDTH FULL
STOP, ONE DOT LEADER, ...), names longer than `MAX_CHARS`, and names reserved by some file system.

Look-alike letters are refused too (Unicode's UTS #39 in small): a word that mixes alphabets that share
shapes (Latin, Cyrillic, Greek, Armenian, Cherokee, Coptic: "Rаin" with a Cyrillic а), combining overlays
(a stroke or a slash drawn over a letter), and a new name that reads as an existing session's
(`look_alike`: "Соре" in Cyrillic beside "Cope").

Names are compared NFC-normalised, and two names that differ only by case are the same session (so the store
behaves alike on case-insensitive file systems).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from cowriter.errors import CowriterError

MAX_CHARS = 100
MAX_BYTES = 240  # below the usual 255-byte limit of one path component, with room for suffixes

# ASCII punctuation allowed besides letters, digits, marks and the plain space.
_ALLOWED_PUNCT = frozenset("-_.,'()&+!#@=~")
# Characters that separate or navigate paths; refused together with anything that looks like them.
_PATHLIKE = frozenset("/\\.:")
# Look-alikes that NFKC does not fold onto an ASCII character but that read as one.
_CONFUSABLE = frozenset(
    "\u2215\u2044\u29f8\u29f9\u2571\u2572\u27cb\u27cd\u3033\u30fb\u2024\u2025\u2026\u00b7\u02d9\u0589"
    "\u05c3\u0701\u0702\u06d4\u2027\u2236\u2237\u02d0\u02f8\ua789\ufe13\ufe52\ufe55\uff0e\uff0f\uff1a"
    "\uff3c\u3002\uff61\u1735\u2cf9\u2cfa\u2cfb\u2cfc\u2cfe\u2cff\u2e31\u2e33\u0387\u2219\u22c5\u2022"
)
# Alphabets whose letters pass for each other; a word may use one of them (other scripts mix freely:
# Japanese writes Han, Hiragana and Katakana in one word).
_LOOKALIKE_SCRIPTS = frozenset({"LATIN", "CYRILLIC", "GREEK", "ARMENIAN", "CHEROKEE", "COPTIC"})
# Cyrillic and Greek letters drawn like a Latin one (the common part of Unicode's confusables.txt).
_PROTOTYPES = str.maketrans(
    "аеорсухіјѕԁԛԝһӏԌԍАВЕКМНОРСТХУІЈЅԚԜҮҺαοντυικρχΑΒΕΖΗΙΚΜΝΟΡΤΥΧ",
    "aeopcyxijsdqwhlGgABEKMHOPCTXYIJSQWYhaovtuikpxABEZHIKMNOPTYX",
)
_RESERVED = frozenset(
    {"con", "prn", "aux", "nul", "clock$"} | {f"com{i}" for i in range(10)} | {f"lpt{i}" for i in range(10)}
)


class BadSessionName(CowriterError):
    """A session name that is refused (exit code 2: a usage error)."""


def _refuse(name: str, why: str) -> BadSessionName:
    shown = name if len(name) <= 40 else name[:37] + "..."
    shown = shown.encode("unicode_escape").decode("ascii") if not shown.isprintable() else shown
    return BadSessionName(
        f"session name {shown!r} refused: {why}",
        hint="use letters, digits, spaces and - _ . , ' ( ) & + ! # @ = ~",
        exit_code=2,
    )


def _char_ok(ch: str) -> bool:
    if ch == " " or ch in _ALLOWED_PUNCT:
        return True
    if ch.isascii():
        return ch.isalnum()
    if ch in _CONFUSABLE:
        return False
    if _PATHLIKE & set(unicodedata.normalize("NFKC", ch)):
        return False
    return unicodedata.category(ch)[0] in "LNM"


def check_name(name: object) -> str:
    """Return the session name NFC-normalised, or raise a CowriterError (exit code 2) saying why not."""
    if not isinstance(name, str):
        raise _refuse(repr(name), "not text")
    if "\x00" in name:
        raise _refuse(name, "it contains a NUL character")
    if len(name) > 4 * MAX_CHARS:  # refuse huge inputs before normalising them
        raise _refuse(name, f"longer than {MAX_CHARS} characters")
    norm = unicodedata.normalize("NFC", name)
    if not norm.strip():
        raise _refuse(name, "it is empty")
    if norm != norm.strip():
        raise _refuse(name, "it starts or ends with a space")
    if len(norm) > MAX_CHARS or len(norm.encode("utf-8")) > MAX_BYTES:
        raise _refuse(name, f"longer than {MAX_CHARS} characters")
    if "/" in norm or "\\" in norm:
        raise _refuse(name, "it contains a path separator")
    if norm.startswith("."):
        raise _refuse(name, "it starts with a dot")
    bad = [ch for ch in norm if not _char_ok(ch)]
    if bad:
        what = ", ".join(f"U+{ord(ch):04X} {unicodedata.name(ch, 'unnamed')}" for ch in dict.fromkeys(bad))
        raise _refuse(name, f"it contains {what}")
    overlay = next((ch for ch in norm if "OVERLAY" in unicodedata.name(ch, "")), None)
    if overlay is not None:
        raise _refuse(
            name, f"it contains U+{ord(overlay):04X} {unicodedata.name(overlay)}, drawn over a letter"
        )
    mixed = _mixed_word(norm)
    if mixed:
        raise _refuse(name, mixed)
    if norm.endswith("."):
        raise _refuse(name, "it ends with a dot")
    if norm.split(".")[0].casefold() in _RESERVED:
        raise _refuse(name, "it is a reserved device name on some systems")
    return norm


def same_name(a: str, b: str) -> bool:
    """Whether two checked names denote the same session (case-insensitively)."""
    return unicodedata.normalize("NFC", a).casefold() == unicodedata.normalize("NFC", b).casefold()


def _script(ch: str) -> str | None:
    first = unicodedata.name(ch, "").split(" ")[0]
    return first if first in _LOOKALIKE_SCRIPTS else None


def _mixed_word(name: str) -> str:
    """Why `name` is refused for mixing look-alike alphabets in one word ('' when it does not)."""
    for word in re.findall(r"\w+", name):
        scripts: dict[str, str] = {}
        for ch in word:
            script = _script(ch) if ch.isalpha() else None
            if script is not None:
                scripts.setdefault(script, ch)
        if len(scripts) > 1:
            shown = " and ".join(
                f"{script.title()} ({ch} U+{ord(ch):04X})" for script, ch in sorted(scripts.items())
            )
            return f"{word!r} mixes {shown} letters, which look alike"
    return ""


def skeleton(name: str) -> str:
    """What `name` looks like: compatibility forms folded, Cyrillic and Greek look-alikes read as Latin,
    case ignored ("Соре" and "cope" have the same skeleton; "Café" and "Cafe" do not)."""
    folded = unicodedata.normalize("NFKD", name).translate(_PROTOTYPES)
    return unicodedata.normalize("NFC", folded).casefold()


def look_alike(name: str, others: Iterable[str]) -> str | None:
    """The first of `others` that reads as `name` without being the same session (None if none)."""
    shape = skeleton(name)
    return next((o for o in others if not same_name(o, name) and skeleton(o) == shape), None)
