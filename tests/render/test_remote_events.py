"""An arrangement as the relay sends it: exact round trips of real songs in every style, a few KB a minute,
and anything malformed refused whole (a WireError), never played."""

from __future__ import annotations

import contextlib
import json
import zlib
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cowriter.core.arrange import arrange
from cowriter.core.arrange.styles import STYLES
from cowriter.core.sheet import read_song
from cowriter.render import remote_events as events
from cowriter.render.remote_wire import WireError

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


@pytest.mark.parametrize("style", sorted(STYLES))
def test_every_style_round_trips_exactly(style: str) -> None:
    song = read_song((EXAMPLES / "swing-low.cho").read_text())
    arrangement = arrange(song, style=style, seed=3)
    back = events.decode(json.loads(json.dumps(events.encode(arrangement))))
    assert back.tracks == arrangement.tracks
    assert (back.beats, back.tempos, back.meters, back.title) == (
        arrangement.beats, arrangement.tempos, arrangement.meters, arrangement.title,
    )  # fmt: skip


def test_a_minute_of_music_is_a_few_kilobytes() -> None:
    arrangement = arrange(read_song((EXAMPLES / "swing-low.cho").read_text()), seed=0)
    wire_bytes = len(zlib.compress(json.dumps(events.encode(arrangement)).encode(), 6))
    per_minute = wire_bytes / (arrangement.seconds / 60)
    assert per_minute < 20_000  # PCM is about 10.6 MB a minute


def good() -> dict[str, Any]:
    return {
        "beats": 8.0,
        "title": "t",
        "tempos": [[0.0, 120.0]],
        "meters": [[0.0, 1, 4, 4]],
        "tracks": [
            {"name": "p", "instrument": "piano", "program": 0, "channel": 0, "pan": 0.0, "volume": 1.0,
             "notes": [0.0, 1.0, 60, 90, 1.0, 1.0, 64, 90]},
        ],
    }  # fmt: skip


def broken(path: tuple[Any, ...], value: Any) -> dict[str, Any]:
    obj = good()
    target: Any = obj
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    return obj


@pytest.mark.parametrize(
    ("obj", "says"),
    [
        (broken(("beats",), "8"), "not a number"),
        (broken(("beats",), -1.0), "out of range"),
        (broken(("beats",), 1e9), "out of range"),
        (broken(("tempos",), []), "no tempo"),
        (broken(("tempos", 0, 1), 0.0), "out of range"),  # a tempo of 0 would divide by zero
        (broken(("meters", 0), [0.0, 1, 0, 4]), "out of range"),
        (broken(("tracks",), [good()["tracks"][0]] * 33), "limit"),
        (broken(("tracks", 0, "instrument"), "../etc"), "not an instrument"),
        (broken(("tracks", 0, "notes"), [0.0, 1.0, 60]), "in fours"),
        (broken(("tracks", 0, "notes", 2), 128), "out of range"),
        (broken(("tracks", 0, "notes", 2), 60.5), "whole number"),
        (broken(("tracks", 0, "notes", 3), True), "whole number"),
        (broken(("tracks", 0, "notes", 1), -1.0), "out of range"),
        (broken(("tracks", 0, "notes", 1), 200.0), "out of range"),  # the synth would render it for minutes
        (broken(("tracks", 0, "pan"), 3.0), "out of range"),
        (broken(("tracks", 0, "channel"), 16), "out of range"),
        (broken(("tracks", 0), "piano"), "not an object"),
        (broken(("tracks", 0, "notes"), [0.0, 1.0, 60, 90] * 200_001), "limit"),
        ([1, 2], "not an object"),
    ],
    ids=lambda v: v if isinstance(v, str) else "",
)
def test_malformed_arrangements_are_refused(obj: Any, says: str) -> None:
    with pytest.raises(WireError, match=says):
        events.decode(obj)


def test_the_good_one_is_good() -> None:
    arrangement = events.decode(good())
    assert [n.pitch for n in arrangement.tracks[0].notes] == [60, 64]


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=5),
    lambda inner: st.lists(inner, max_size=6) | st.dictionaries(st.text(max_size=8), inner, max_size=6),
    max_leaves=40,
)


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(st.sampled_from(sorted(good())), json_values, max_size=5))
def test_anything_else_is_an_arrangement_or_a_wire_error(obj: dict[str, Any]) -> None:
    with contextlib.suppress(WireError):
        events.decode({**good(), **obj})
