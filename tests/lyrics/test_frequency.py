"""How common a word is: everyday words for line ends, rare ones a lyric avoids."""

from __future__ import annotations

from cowriter.lyrics.frequency import everyday, rare, zipf


def test_everyday_words_rare_words_and_nothing() -> None:
    assert zipf("the") > 7 > zipf("night") > 4
    assert zipf("The") == zipf("the") and zipf("don’t") == zipf("don't") > 5
    assert zipf("") == 0.0 and zipf("qzxv") == 0.0
    # the CMU dictionary holds names and oddities that sing as nothing
    assert all(everyday(w) for w in ("night", "home", "doors", "sprayed", "embrace"))
    assert not any(everyday(w) for w in ("laure", "glo", "ende", "underpin", "glycemic"))
    assert all(rare(w) for w in ("laure", "ende", "whisp", "qzxv"))
    assert not any(rare(w) for w in ("moonlit", "embers", "underpin", "lighthouse"))
