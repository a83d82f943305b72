"""Finding the laptop's listener from the server: which sockets are tried and in what order, which are
never used (not ours, open to others), the stale ones left by earlier SSH logins, and the claim that frees
the usual path for the next login."""

from __future__ import annotations

import os
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

from cowriter.render import remote_find as find

SSH = {"SSH_CONNECTION": "10.0.0.1 50000 10.0.0.2 22"}


@pytest.fixture
def folder(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    d = tmp_path / "tmp"
    d.mkdir()
    monkeypatch.setenv("COWRITER_LISTEN_DIR", str(d))
    return d


@pytest.fixture
def sockets() -> Iterator[list[socket.socket]]:
    made: list[socket.socket] = []
    yield made
    for s in made:
        s.close()


def listening(path: Path, made: list[socket.socket], mode: int = 0o600) -> Path:
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.bind(str(path))
    s.listen(4)
    path.chmod(mode)
    made.append(s)
    return path


def stale(path: Path) -> Path:
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.bind(str(path))
    s.close()  # the file stays, nobody listens: what sshd leaves behind
    path.chmod(0o600)
    return path


def test_nothing_outside_ssh_and_without_a_name() -> None:
    assert find.candidates({}) == ([], "not an SSH session (COWRITER_LISTEN names a listener)")
    assert not find.wanted(None, {}) and find.wanted(None, SSH)
    assert not find.wanted("wav", SSH) and not find.wanted(None, {**SSH, "COWRITER_AUDIO": "device"})
    assert find.wanted(None, {"COWRITER_LISTEN": "/x.sock"})


def test_the_usual_socket_is_the_one_the_config_line_names(folder: Path) -> None:
    assert find.default_socket("anna") == folder / "cowriter-listen-anna.sock"
    found, why = find.candidates(SSH)
    assert found == [] and str(folder / f"cowriter-listen-{find.user_name()}.sock") in why


def test_order_this_logins_claim_then_the_usual_path_then_other_claims(folder: Path, sockets: list) -> None:
    usual = find.default_socket()
    mine = usual.with_name(f"{usual.stem}.{find.login_tag(SSH)}.sock")
    other = usual.with_name(f"{usual.stem}.feedfacecafe.sock")
    for path in (other, usual, mine):
        listening(path, sockets)
    found, _ = find.candidates(SSH)
    assert [e.path for e in found] == [mine, usual, other]


@pytest.mark.parametrize(
    ("setup", "problem"),
    [
        (lambda p, s: listening(p, s, 0o666), "is open to other users"),
        (lambda p, s: p.write_text("not a socket"), "is not a socket"),
        (lambda p, s: os.chown(listening(p, s), 65534, 65534), "belongs to another user"),
    ],
    ids=["open to others", "a file", "someone else's"],
)
def test_sockets_that_are_not_ours_alone_are_never_used(folder: Path, sockets: list, setup, problem) -> None:
    if "another user" in problem and os.getuid() != 0:
        pytest.skip("chown to another user needs root")
    path = find.default_socket()
    setup(path, sockets)
    assert find.socket_problem(path).startswith(problem)
    with pytest.raises(find.NoListener, match=problem) as caught:
        find.connect(SSH, timeout=0.5)
    assert caught.value.found
    assert find.listener_label(SSH) == ""


def test_a_stale_socket_is_removed_and_said(folder: Path) -> None:
    path = stale(find.default_socket())
    with pytest.raises(find.NoListener, match="earlier SSH login"):
        find.connect(SSH, timeout=0.5)
    assert not path.exists()  # the next login can forward to it again


def test_a_forward_with_nothing_behind_it_says_so(folder: Path) -> None:
    path = find.default_socket()
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.bind(str(path))
    path.chmod(0o600)
    s.listen(1)

    def hang_up() -> None:  # what sshd does when the laptop end refuses the channel
        conn, _ = s.accept()
        conn.close()

    import threading

    t = threading.Thread(target=hang_up)
    t.start()
    try:
        with pytest.raises(find.NoListener, match="nothing listens on the laptop"):
            find.connect(SSH, timeout=2.0)
    finally:
        t.join()
        s.close()


@pytest.mark.parametrize(
    ("value", "key", "says"),
    [
        ("47113", None, "every user of this machine"),
        ("localhost:99999", "ab", "neither a socket path"),
        ("localhost:47113", "not hex", "not a hex key"),
    ],
)
def test_a_named_listener_that_cannot_be_used(value: str, key: str | None, says: str) -> None:
    with pytest.raises(find.NoListener, match=says):
        find.parse_named(value, key)


def test_named_endpoints() -> None:
    assert find.parse_named("~/l.sock", None).path == Path.home() / "l.sock"
    tcp = find.parse_named("47113", "00ff")
    assert (tcp.host, tcp.port, tcp.key, tcp.named) == ("localhost", 47113, b"\x00\xff", True)
    assert str(find.parse_named("10.0.0.1:5", "00")) == "10.0.0.1:5"
