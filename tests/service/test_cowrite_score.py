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
    assert "rare" not in Judge().line("The keeper's light is on", Goal()).parts, "keeper's is keeper"


def test_a_rewrite_keeps_no_run_of_three_words_of_the_line() -> None:
    from cowriter.service.cowrite_score import Judge

    judge = Judge(rewritten=("[C]Walking down the [G]road tonight",))
    assert "road" in judge.banned_next("Running down the")
    assert "the" in judge.banned_next("Walking down")
    assert "the" not in judge.banned_next("Running down"), "two words of it may stay"
    assert not judge.banned_next("Running along the") - judge.banned_next("")


def test_a_version_that_changes_a_word_or_two_ranks_below_a_new_one() -> None:
    from cowriter.service.cowrite_score import Goal, Judge

    goal = Goal(original="My father's boat is painted red and blue")
    close = Judge().line("My father's boat was painted red and the blue", goal)
    new = Judge().line("The sky is painted with a vibrant blue", goal)
    assert close.ok and close.parts["repeats"] < new.parts["repeats"] == 0.0


def test_a_near_copy_of_a_line_of_the_song_costs() -> None:
    from cowriter.service.cowrite_score import Goal, Judge

    judge = Judge(existing=["Nets are drying on the harbour wall"])
    near = judge.line("Nets are dying on the harbor wall", Goal())
    new = judge.line("My father's story is a tale of love", Goal())
    assert near.ok and near.parts["repeats"] < -0.5 and new.parts["repeats"] == 0.0
    assert not judge.line("Nets are drying on the harbour wall", Goal()).ok, "the line itself: rejected"
