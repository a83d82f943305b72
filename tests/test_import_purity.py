"""Importing cowriter or its core loads no heavy or UI library (DESIGN.md: the core is pure and cheap)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

HEAVY = (
    "textual",
    "rich",
    "numpy",
    "mido",
    "music21",
    "llama_cpp",
    "sounddevice",
    "jinja2",
    "pronouncing",
    "wordfreq",
)


def _loaded_after(statement: str) -> set[str]:
    code = f"import sys, json\n{statement}\nprint(json.dumps(sorted(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True).stdout
    return {m.split(".")[0] for m in json.loads(out)}


@pytest.mark.parametrize(
    "statement",
    [
        "import cowriter",
        "import cowriter.core",
        # every module of the pure core, whatever it grows into
        "import pkgutil, importlib, cowriter.core\n"
        "for m in pkgutil.walk_packages(cowriter.core.__path__, 'cowriter.core.'):\n"
        "    importlib.import_module(m.name)",
        "import cowriter.cli; cowriter.cli.build_parser()",
    ],
)
def test_no_heavy_imports(statement: str) -> None:
    loaded = _loaded_after(statement)
    assert not loaded & set(HEAVY), f"{statement!r} loaded {sorted(loaded & set(HEAVY))}"


def test_a_subcommand_loads_only_its_own_module() -> None:
    loaded = _loaded_after_full("from cowriter.cli import build_parser; build_parser(['chord', 'C'])")
    cli_modules = {m for m in loaded if m.startswith("cowriter.cli.") and m.endswith("_cmd")}
    assert cli_modules == {"cowriter.cli.chord_cmd"}


def test_help_lists_every_subcommand() -> None:
    from cowriter.cli import COMMANDS, build_parser

    text = build_parser(["--help"]).format_help()
    assert all(name in text for name in COMMANDS)


def _loaded_after_full(statement: str) -> set[str]:
    code = f"import sys, json\n{statement}\nprint(json.dumps(sorted(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True).stdout
    return set(json.loads(out))
