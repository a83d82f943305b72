"""The first frame comes before any heavy library loads, and a terminal that cannot show the editor gets
one line pointing to the CLI. Each check runs in a fresh interpreter."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from cowriter.tui.run import apply_color, terminal_problem

HEAVY = ("music21", "llama_cpp", "numpy", "sounddevice")

FIRST_FRAME = """
import json, sys
from cowriter.service.workspace import Workspace
from cowriter.tui.app import CowriterApp

class Probe(CowriterApp):
    def on_mount(self):
        self.call_after_refresh(self.report)

    def report(self):
        self.loaded = sorted(m for m in sys.modules if m.split(".")[0] in HEAVY)
        self.exit(0)

HEAVY = {heavy!r}
app = Probe(Workspace.open({path!r}, audio="none"))
app.run(headless=True, size=(80, 24))
print(json.dumps(app.loaded))
"""


def test_no_heavy_import_before_the_first_frame(tmp_path: Path) -> None:
    song = tmp_path / "song.cho"
    song.write_text("{title: T}\n{key: C}\n[C]Hello [G]there\n", encoding="utf-8")
    code = FIRST_FRAME.format(heavy=set(HEAVY), path=str(song))
    env = {**os.environ, "NO_COLOR": "1"}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120)
    assert out.returncode == 0, out.stderr[-2000:]
    loaded = json.loads(out.stdout.strip().splitlines()[-1])
    assert loaded == [], f"loaded before the first frame: {loaded}"


SETTLED = """
import gc, json
from cowriter.service.workspace import Workspace
from cowriter.tui.app import CowriterApp

class Probe(CowriterApp):
    def on_mount(self):
        self.set_interval(0.05, self.report)

    def report(self):
        if self.screen.editor.lyrics_at(2) is None:  # the first check has not come back yet
            return
        self.counts = (gc.get_freeze_count(), len(gc.get_objects()))
        self.exit(0)

app = Probe(Workspace.open({path!r}, audio="none"))
app.run(headless=True, size=(80, 24))
print(json.dumps(app.counts))
"""


def test_the_rhyme_dictionary_leaves_the_collectors_walk_after_the_first_check(tmp_path: Path) -> None:
    """Every full collection would otherwise walk the ~130,000 lists of the rhyme dictionary (tens of ms,
    landing on keystrokes): once the first check has loaded it, the screen freezes what is loaded."""
    song = tmp_path / "song.cho"
    song.write_text("{title: T}\n{key: C}\n[C]Hello [G]there\n", encoding="utf-8")
    env = {**os.environ, "NO_COLOR": "1"}
    code = SETTLED.format(path=str(song))
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120)
    assert out.returncode == 0, out.stderr[-2000:]
    frozen, walked = json.loads(out.stdout.strip().splitlines()[-1])
    assert frozen > 100_000, "the dictionary is frozen with the rest of what is loaded"
    assert walked < frozen / 4, f"a full collection still walks {walked} objects"


@pytest.mark.parametrize(
    ("term", "problem"),
    [("dumb", True), ("unknown", True)],
)
def test_dumb_terminals_are_refused(term: str, problem: bool) -> None:
    assert bool(terminal_problem({"TERM": term})) is problem


def test_not_a_terminal_points_to_the_cli(tmp_path: Path) -> None:
    song = tmp_path / "song.cho"
    song.write_text("[C]Hi\n", encoding="utf-8")
    out = subprocess.run(
        [sys.executable, "-m", "cowriter", "open", str(song)],
        capture_output=True, text=True, stdin=subprocess.DEVNULL, timeout=60,
    )
    assert out.returncode != 0
    assert out.stdout == ""
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1 and "cowriter parse" in lines[0], out.stderr


def test_run_tui_refuses_term_dumb(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import argparse

    from cowriter.tui.run import run_tui

    monkeypatch.setenv("TERM", "dumb")
    assert run_tui(argparse.Namespace(file=None, color="auto")) == 2
    err = capsys.readouterr().err
    assert "TERM=dumb" in err and "cowriter play" in err


@pytest.mark.parametrize(
    ("choice", "env", "system", "no_color"),
    [
        ("truecolor", {}, "truecolor", False),
        ("256", {}, "256", False),
        ("16", {}, "standard", False),
        ("none", {}, "standard", True),
        ("auto", {}, "auto", False),
        ("auto", {"TEXTUAL_COLOR_SYSTEM": "256"}, "256", False),
        ("auto", {"NO_COLOR": "1"}, "standard", True),  # NO_COLOR is --color none
    ],
)
def test_color_choice_reaches_textual(choice: str, env: dict[str, str], system: str, no_color: bool) -> None:
    environ = dict(env)
    apply_color(choice, environ)
    assert environ["TEXTUAL_COLOR_SYSTEM"] == system
    assert ("NO_COLOR" in environ) is no_color
