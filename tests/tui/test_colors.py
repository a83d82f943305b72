"""The parts of a song stay distinct and readable: in the default theme by colour (contrast 4.5:1 or more
against the editor), without colour (NO_COLOR, --color none) by text style, and `--color none` sends no
colour at all."""

from __future__ import annotations

import itertools
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from rich.color import Color as RichColor
from rich.style import Style
from textual.color import Color

from cowriter.tui.run import apply_color
from cowriter.tui.widgets.sheet_editor import SheetEditor

from .conftest import make_app, settle

PARTS = ("sheet--chord", "sheet--section", "sheet--directive", "sheet--comment")
ROOT = Path(__file__).parents[2]


def contrast(a: Color, b: Color) -> float:
    """WCAG 2 contrast ratio."""

    def luminance(c: Color) -> float:
        def channel(v: int) -> float:
            x = v / 255
            return x / 12.92 if x <= 0.03928 else ((x + 0.055) / 1.055) ** 2.4

        return 0.2126 * channel(c.r) + 0.7152 * channel(c.g) + 0.0722 * channel(c.b)

    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def color_of(c: RichColor | None) -> Color:
    assert c is not None and c.triplet is not None
    return Color(*c.triplet)


def looks(style: Style) -> tuple[bool, bool, bool, bool]:
    return (bool(style.bold), bool(style.italic), bool(style.underline), bool(style.reverse))


async def part_styles(song_file: Path) -> tuple[dict[str, Style], Color]:
    app = make_app(song_file)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        editor = app.screen.query_one(SheetEditor)
        styles = {name: editor.get_component_rich_style(name) for name in PARTS}
        return styles, color_of(editor.rich_style.bgcolor)


async def test_parts_are_distinct_and_readable_in_colour(
    song_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("NO_COLOR")
    styles, background = await part_styles(song_file)
    colours = {name: color_of(style.color) for name, style in styles.items()}
    for name, colour in colours.items():
        assert contrast(colour, background) >= 4.5, name
    for a, b in itertools.combinations(PARTS, 2):
        assert (colours[a], looks(styles[a])) != (colours[b], looks(styles[b])), (a, b)
    assert colours["sheet--chord"] != colours["sheet--section"]  # orange and orange, once


async def test_parts_are_distinct_and_readable_without_colour(song_file: Path) -> None:
    styles, background = await part_styles(song_file)  # NO_COLOR=1 (conftest): shades of grey
    grey = {name: color_of(style.color).monochrome for name, style in styles.items()}
    for name in PARTS:
        assert contrast(grey[name], background.monochrome) >= 4.5, name
    kinds = {name: (looks(styles[name]), grey[name].brightness > 0.5) for name in PARTS}
    assert len(set(kinds.values())) == len(PARTS), kinds  # told apart by bold/italic/underline alone


def test_color_none_means_no_colour_for_textual() -> None:
    env: dict[str, str] = {}
    apply_color("none", env)
    assert env["NO_COLOR"]
    assert env["TEXTUAL_THEME"].startswith("ansi")  # Textual then drops colours, not greys them


COLOUR_SGR = re.compile(r"\x1b\[([0-9;]*)m")


def colour_codes(screen: str) -> set[str]:
    found = set()
    for params in COLOUR_SGR.findall(screen):
        for p in params.split(";"):
            if p and (30 <= int(p) <= 38 or 40 <= int(p) <= 48 or 90 <= int(p) <= 107):
                found.add(p)
    return found


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("tmux") is None, reason="needs tmux")
def test_color_none_draws_without_a_colour_code(tmp_path: Path) -> None:
    song = tmp_path / "song.cho"
    song.write_text("{title: T}\n{start_of_verse}\n[C]Hello [G]there\n# a note\n{end_of_verse}\n")
    name = f"cw-colour-{os.getpid()}"
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "TEXTUAL_THEME", "TMUX")}
    command = f"{sys.executable} -m cowriter --color none --audio none open {song}"
    subprocess.run(["tmux", "-L", name, "new-session", "-d", "-s", name, "-x", "80", "-y", "24",
                    "-e", "TERM=xterm-256color", command], check=True, env=env, cwd=ROOT)
    try:
        screen = ""
        for _ in range(100):  # up to ~20 s on a loaded machine: a ceiling, not a timing assertion
            time.sleep(0.2)
            screen = subprocess.run(["tmux", "-L", name, "capture-pane", "-e", "-p", "-t", name],
                                    capture_output=True, text=True, env=env).stdout
            if "Hello" in screen and "sound" in screen:
                break
        assert "Hello" in screen
        assert colour_codes(screen) == set()
        assert "\x1b[1" in screen or ";1;" in screen or "\x1b[0;1" in screen  # styles still drawn
    finally:
        subprocess.run(["tmux", "-L", name, "kill-server"], env=env)
