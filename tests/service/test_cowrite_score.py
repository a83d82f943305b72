"""Judging a candidate line in code (`cowrite_score.Judge`)."""

from __future__ import annotations


def test_a_rare_word_costs_unless_the_song_uses_it() -> None:
    from cowriter.service.cowrite_score import Goal, Judge

    odd = Judge().line("A keeper on the beach was laure", Goal())
    plain = Judge().line("A keeper on the beach was there", Goal())
    assert odd.ok, "a real word: it costs, it does not reject"
    assert odd.parts["rare"] < 0 and ("words", "rare: 'laure'") in odd.notes
    assert "rare" not in plain.parts
    named = Judge(names=frozenset({"laure"})).line("A keeper on the beach was Laure", Goal())
    assert "rare" not in named.parts, "a name of the song or the request"
    assert "rare" not in Judge().line("I'm runnin' down the road", Goal()).parts, "runnin' is running"
