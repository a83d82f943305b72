"""`cowriter sessions ...` per DESIGN.md's CLI contract."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from cowriter.cli import main
from cowriter.session import SessionStore

ROOT = Path(__file__).resolve().parent.parent.parent
V1 = "{title: Rain}\n[C]Hello [G]world\nsecond line\n"
V2 = V1 + "[Am]Rain on the roof\n"


@pytest.fixture
def store(tmp_path: Path) -> Path:
    return tmp_path / "store"


@pytest.fixture
def song(tmp_path: Path) -> Path:
    p = tmp_path / "song.cho"
    p.write_text(V1, encoding="utf-8")
    return p


def cli(store: Path, *args: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(["--sessions", str(store), "sessions", *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_new_save_versions_export(store: Path, song: Path, tmp_path: Path, capsys) -> None:
    assert cli(store, "new", "Rain song", "--from", str(song), capsys=capsys)[0] == 0
    v2 = tmp_path / "v2.cho"
    v2.write_text(V2, encoding="utf-8")
    code, out, _ = cli(
        store, "save", "Rain song", str(v2), "--author", "model:smollm2", "--message", "chorus", capsys=capsys
    )
    assert code == 0 and out.strip() == "2"
    code, out, _ = cli(store, "versions", "Rain song", "--json", capsys=capsys)
    versions = json.loads(out)
    assert [list(v) for v in versions] == [["id", "parent", "author", "message", "created"]] * 2
    assert [(v["id"], v["parent"], v["author"], v["message"]) for v in versions] == [
        (1, None, "human", "created"),
        (2, 1, "model:smollm2", "chorus"),
    ]
    code, out, _ = cli(store, "export", "Rain song", capsys=capsys)
    assert (code, out) == (0, V2)
    code, out, _ = cli(store, "export", "Rain song", "--version", "1", capsys=capsys)
    assert out == V1
    out_file = tmp_path / "out.cho"
    assert cli(store, "export", "Rain song", "-o", str(out_file), capsys=capsys)[:2] == (0, "")
    assert out_file.read_text(encoding="utf-8") == V2


def test_credits_report(store: Path, song: Path, tmp_path: Path, capsys) -> None:
    cli(store, "new", "Rain", "--from", str(song), capsys=capsys)
    v2 = tmp_path / "v2.cho"
    v2.write_text(V2, encoding="utf-8")
    cli(store, "save", "Rain", str(v2), "--author", "model:smollm2", capsys=capsys)
    code, out, _ = cli(store, "export", "Rain", "--credits", "--json", capsys=capsys)
    data = json.loads(out)
    assert code == 0 and data["name"] == "Rain" and data["models"] == ["smollm2"]
    assert {a["author"]: a["lines"] for a in data["authors"]} == {"human": 3, "model:smollm2": 1}
    code, out, _ = cli(store, "export", "Rain", "--credits", capsys=capsys)
    assert "model:smollm2" in out and "75.0%" in out


def test_list_and_show(store: Path, song: Path, capsys) -> None:
    code, out, _err = cli(store, "list", "--json", capsys=capsys)
    assert (code, json.loads(out)) == (0, [])
    for name in ("b song", "A song"):
        cli(store, "new", name, "--from", str(song), capsys=capsys)
    code, out, _ = cli(store, "list", "--json", capsys=capsys)
    assert [r["name"] for r in json.loads(out)] == ["A song", "b song"]
    code, out, _ = cli(store, "show", "A song", "--json", capsys=capsys)
    data = json.loads(out)
    assert (data["versions"], data["current"]["id"], data["writer"]) == (1, 1, None)
    code, out, _ = cli(store, "show", "A song", capsys=capsys)
    assert code == 0 and "A song" in out


@pytest.mark.parametrize("name", ["../escape", "/abs/path", "a\x00b", "x" * 10_000, "a\u2215b", ".."])
def test_new_refuses_escaping_names(store: Path, name: str, capsys) -> None:
    code, out, err = cli(store, "new", name, capsys=capsys)
    assert code != 0 and out == ""
    assert err.count("\n") == 1 and err.startswith("cowriter: session name") and "refused" in err
    assert not store.exists() or os.listdir(store) == []


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["save", "Missing", "FILE"], "no session named"),
        (["save", "S", "FILE", "--author", "robot"], "author 'robot' refused"),
        (["save", "S", "/no/such/file"], "no such file"),
        (["new", "S"], "already exists"),
        (["export", "S", "--version", "9"], "no version"),
    ],
)
def test_errors_are_one_line(store: Path, song: Path, args: list[str], message: str, capsys) -> None:
    cli(store, "new", "S", "--from", str(song), capsys=capsys)
    args = [str(song) if a == "FILE" else a for a in args]
    code, _out, err = cli(store, *args, capsys=capsys)
    assert code != 0 and message in err and err.count("\n") == 1


@pytest.mark.parametrize(
    ("data", "stored"),
    [
        ("[C]D\u00e9j\u00e0 vu\n".encode("latin-1"), "[C]D\u00e9j\u00e0 vu\n"),
        (b"\xff\xfe" + "[G]na\u00efve\r\n".encode("utf-16-le"), "[G]na\u00efve\n"),
    ],
)
def test_save_reads_any_encoding_parse_reads(
    store: Path, song: Path, tmp_path: Path, data: bytes, stored: str, capsys
) -> None:
    cli(store, "new", "S", "--from", str(song), capsys=capsys)
    sheet = tmp_path / "sheet.cho"
    sheet.write_bytes(data)
    code, _out, err = cli(store, "save", "S", str(sheet), capsys=capsys)
    assert code == 0, err
    assert cli(store, "export", "S", capsys=capsys)[1] == stored


@pytest.mark.parametrize(("make", "message"), [("folder", "is a folder"), ("binary", "binary file")])
def test_save_names_a_folder_or_binary_file_in_one_line(
    store: Path, song: Path, tmp_path: Path, make: str, message: str, capsys
) -> None:
    cli(store, "new", "S", "--from", str(song), capsys=capsys)
    path = tmp_path / "in.cho"
    if make == "folder":
        path.mkdir()
    else:
        path.write_bytes(b"\x7fELF\x00\x00\x01")
    code, _out, err = cli(store, "save", "S", str(path), capsys=capsys)
    assert code == 1 and message in err and err.count("\n") == 1


def test_save_refused_while_another_process_writes(store: Path, song: Path, capsys) -> None:
    cli(store, "new", "Busy", "--from", str(song), capsys=capsys)
    with SessionStore(store).open("Busy") as writer:
        assert not writer.readonly
        code, _out, err = subprocess_cli(store, "save", "Busy", str(song), "--wait", "0.2")
        code2, out2, _ = subprocess_cli(store, "show", "Busy", "--json")
    assert code2 == 0 and f"pid {os.getpid()}" in json.loads(out2)["writer"]
    assert code == 1 and "not saved" in err and "another cowriter" in err
    with SessionStore(store).open("Busy", readonly=True) as s:
        assert len(s.versions()) == 1


def test_read_commands_work_while_another_process_writes(store: Path, song: Path, capsys) -> None:
    cli(store, "new", "Busy", "--from", str(song), capsys=capsys)
    with SessionStore(store).open("Busy"):
        code, out, _err = subprocess_cli(store, "versions", "Busy", "--json")
    assert code == 0 and len(json.loads(out)) == 1


def test_environment_variable_chooses_the_store(store: Path, song: Path) -> None:
    code, _, err = subprocess_cli(
        None, "new", "Env", "--from", str(song), env={"COWRITER_SESSIONS": str(store)}
    )
    assert code == 0, err
    assert SessionStore(store).list() == ["Env"]


def subprocess_cli(store: Path | None, *args: str, env: dict[str, str] | None = None) -> tuple[int, str, str]:
    head = ["--sessions", str(store)] if store else []
    proc = subprocess.run(
        [sys.executable, "-m", "cowriter", *head, "sessions", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, **(env or {})},
        timeout=60,
    )
    return proc.returncode, proc.stdout, proc.stderr


@pytest.mark.parametrize("action", [["show"], ["versions"], ["export"], ["save", "FILE"]])
def test_damaged_session_is_one_clear_line(store: Path, song: Path, action: list[str], capsys) -> None:
    cli(store, "new", "Broken", "--from", str(song), capsys=capsys)
    db = store / "Broken" / "session.db"
    db.write_bytes(b"not a database" * 100)
    args = [str(song) if a == "FILE" else a for a in action]
    code, out, err = cli(store, args[0], "Broken", *args[1:], capsys=capsys)
    assert code == 1 and out == "" and err.count("\n") == 1
    assert "damaged" in err and "copy is at" in err
    assert db.read_bytes() == b"not a database" * 100
