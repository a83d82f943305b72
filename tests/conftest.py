"""Shared fixtures: paths to the project's test data and to the peers' conformance corpus."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
CONFORMANCE = Path(os.environ.get("COWRITER_CONFORMANCE", ROOT.parent / "shared" / "conformance"))


@pytest.fixture
def data_dir() -> Path:
    return DATA


@pytest.fixture
def conformance() -> Path:
    """The peers' conformance corpus (../shared/conformance); tests using it skip where it is absent."""
    if not CONFORMANCE.is_dir():
        pytest.skip("conformance corpus ../shared/conformance not present")
    return CONFORMANCE


@pytest.fixture(autouse=True)
def _private_listen_dir(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Where the server side looks for a laptop's forwarded socket (`cowriter listen`): a folder of the
    test's own, so a socket some real SSH login left in /tmp never changes what a test sees."""
    monkeypatch.setenv("COWRITER_LISTEN_DIR", str(tmp_path_factory.mktemp("listen-dir")))
    monkeypatch.delenv("COWRITER_LISTEN", raising=False)
    monkeypatch.delenv("COWRITER_LISTEN_KEY", raising=False)

