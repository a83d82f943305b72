"""Where the store lives: --sessions, COWRITER_SESSIONS, a checkout's sessions/, else XDG."""

from __future__ import annotations

from pathlib import Path

import pytest

from cowriter.session.paths import checkout_root, default_store


def _checkout(root: Path, name: str = "cowriter", git: bool = True) -> Path:
    (root / "cowriter").mkdir(parents=True)
    (root / "pyproject.toml").write_text(f'[project]\nname = "{name}"\nversion = "0"\n')
    if git:
        (root / ".git").mkdir()
    return root / "cowriter"


def test_explicit_wins(tmp_path: Path) -> None:
    pkg = _checkout(tmp_path / "repo")
    env = {"COWRITER_SESSIONS": "/from/env", "XDG_DATA_HOME": "/xdg"}
    assert default_store("/explicit", env, pkg) == Path("/explicit")
    assert default_store(None, env, pkg) == Path("/from/env")


def test_checkout_uses_sessions_beside_pyproject(tmp_path: Path) -> None:
    pkg = _checkout(tmp_path / "repo")
    assert checkout_root(pkg) == tmp_path / "repo"
    assert default_store(None, {"XDG_DATA_HOME": "/xdg"}, pkg) == tmp_path / "repo" / "sessions"


@pytest.mark.parametrize(("name", "git"), [("cowriter", False), ("other-project", True)])
def test_not_a_checkout_of_cowriter(tmp_path: Path, name: str, git: bool) -> None:
    pkg = _checkout(tmp_path / "repo", name, git)
    assert checkout_root(pkg) is None
    assert default_store(None, {"XDG_DATA_HOME": "/xdg"}, pkg) == Path("/xdg/cowriter/sessions")


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({"XDG_DATA_HOME": "/data", "HOME": "/home/u"}, "/data/cowriter/sessions"),
        ({"XDG_DATA_HOME": "relative/ignored", "HOME": "/home/u"}, "/home/u/.local/share/cowriter/sessions"),
        ({"HOME": "/home/u"}, "/home/u/.local/share/cowriter/sessions"),
        ({"COWRITER_SESSIONS": "", "HOME": "/home/u"}, "/home/u/.local/share/cowriter/sessions"),
    ],
)
def test_installed_uses_xdg(tmp_path: Path, env: dict[str, str], expected: str) -> None:
    pkg = tmp_path / "site-packages" / "cowriter"
    pkg.mkdir(parents=True)
    assert default_store(None, env, pkg) == Path(expected)
