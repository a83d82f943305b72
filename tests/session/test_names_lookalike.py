"""Look-alike session names: a word mixing alphabets that share shapes, letters with an overlay drawn on
them, and a name that reads as an existing session's are refused, as the other look-alikes are; names in
one script (or in scripts that do not pass for each other) stay welcome."""

from __future__ import annotations

from pathlib import Path

import pytest

from cowriter.errors import CowriterError
from cowriter.session import SessionStore, check_name
from cowriter.session.names import look_alike, skeleton

ALIKE = "letters, which look alike"


@pytest.mark.parametrize(
    ("name", "why"),
    [
        (
            "R\u0430in",
            "'R\u0430in' mixes Cyrillic (\u0430 U+0430) and Latin (R U+0052) letters, which look alike",
        ),
        (
            "\u0421ope",
            "'\u0421ope' mixes Cyrillic (\u0421 U+0421) and Latin (o U+006F) letters, which look alike",
        ),
        (
            "R\u03bfad song",
            "'R\u03bfad' mixes Greek (\u03bf U+03BF) and Latin (R U+0052) letters, which look alike",
        ),
        ("Ra\u0336in", "it contains U+0336 COMBINING LONG STROKE OVERLAY, drawn over a letter"),
        ("Rain\u0338", "it contains U+0338 COMBINING LONG SOLIDUS OVERLAY, drawn over a letter"),
        ("a\u20d2b", "it contains U+20D2 COMBINING LONG VERTICAL LINE OVERLAY, drawn over a letter"),
    ],
)
def test_refused(name: str, why: str) -> None:
    with pytest.raises(CowriterError) as caught:
        check_name(name)
    assert caught.value.message.endswith(f"refused: {why}")
    assert caught.value.exit_code == 2


@pytest.mark.parametrize(
    "name",
    [
        "Песня о дожде",
        "Кино feat Joe",
        "日本のうた",
        "Καλημέρα",
        "Café",
        "Ça va",
        "Rain 2",
        "한국 노래 Seoul",
    ],
)
def test_accepted(name: str) -> None:
    assert check_name(name) == name


def test_skeletons() -> None:
    assert skeleton("\u0421\u043e\u0440\u0435") == skeleton("Cope") == "cope"
    assert skeleton("Caf\u00e9") != skeleton("Cafe")
    assert skeleton("ＲＡＩＮ") == "rain"  # fullwidth folds too


def test_a_name_that_reads_as_a_sibling_is_refused(tmp_path: Path) -> None:
    store = SessionStore(tmp_path / "store")
    store.create("Cope", "x\n").close()
    with pytest.raises(CowriterError) as caught:
        store.create("\u0421\u043e\u0440\u0435", "y\n")  # all Cyrillic: one script, but it reads as Cope
    assert str(caught.value) == (
        "session name '\u0421\u043e\u0440\u0435' refused: it reads as the session 'Cope' "
        "(choose a name that looks different, or open that session)"
    )
    assert store.list() == ["Cope"]
    assert look_alike("cope", ["Cope"]) is None  # the same session (case aside) is not a look-alike
