"""A real OpenSSH server for tests: Debian's sshd on 127.0.0.1, a free port, throwaway host and user keys
made by the test, and the `ssh` command line that logs in to it (as the user running the tests).

Everything lives in a short private folder under /tmp (Unix socket paths have a length limit) that the
fixture removes; it stops only the sshd it started. Skips, saying why, where sshd or ssh is missing or
sshd will not start."""

from __future__ import annotations

import getpass
import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

SSHD = shutil.which("sshd") or ("/usr/sbin/sshd" if Path("/usr/sbin/sshd").exists() else None)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Sshd:
    root: Path
    port: int
    key: Path
    user: str
    process: subprocess.Popen[bytes]
    clients: list[subprocess.Popen[bytes]] = field(default_factory=list)

    def ssh(self, *args: str) -> list[str]:
        """`ssh` to this server with `args` (options, then the remote command)."""
        return [
            "ssh", "-F", "/dev/null", "-i", str(self.key), "-p", str(self.port),
            "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null", "-o", "BatchMode=yes",
            "-o", "LogLevel=ERROR", "-o", "ExitOnForwardFailure=yes", "-o", "ServerAliveInterval=1",
            *args[:-1], f"{self.user}@127.0.0.1", args[-1],
        ]  # fmt: skip

    def tunnel(self, *forward: str) -> subprocess.Popen[bytes]:
        """A connection that only forwards (`ssh -N`), kept until the test ends or kills it."""
        proc = subprocess.Popen(
            self.ssh("-N", *forward, ""), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
        )
        self.clients.append(proc)
        return proc


def _wait_port(port: int, timeout: float = 10.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5) as s:
                if s.recv(4).startswith(b"SSH"):
                    return True
        except OSError:
            time.sleep(0.05)
    return False


@pytest.fixture
def sshd() -> Iterator[Sshd]:
    if SSHD is None or not shutil.which("ssh") or not shutil.which("ssh-keygen"):
        pytest.skip("openssh-server / openssh-client not installed")
    root = Path(tempfile.mkdtemp(prefix="cw-ssh-", dir="/tmp"))
    try:
        for name in ("host_key", "user_key"):
            subprocess.run(
                ["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(root / name)], check=True
            )
        auth = root / "authorized_keys"
        shutil.copy(root / "user_key.pub", auth)
        auth.chmod(0o600)
        port = free_port()
        config = root / "sshd_config"
        config.write_text(
            f"Port {port}\nListenAddress 127.0.0.1\nHostKey {root / 'host_key'}\n"
            f"PidFile {root / 'sshd.pid'}\nAuthorizedKeysFile {auth}\nStrictModes no\nUsePAM no\n"
            "PasswordAuthentication no\n"
            "KbdInteractiveAuthentication no\nPermitRootLogin prohibit-password\nAllowTcpForwarding yes\n"
            "AllowStreamLocalForwarding yes\nClientAliveInterval 1\nClientAliveCountMax 3\n"
        )
        if os.getuid() == 0:
            Path("/run/sshd").mkdir(mode=0o755, exist_ok=True)  # sshd's privilege separation folder
        with open(root / "sshd.log", "wb") as log:
            process = subprocess.Popen(
                [SSHD, "-D", "-e", "-f", str(config)], stdout=subprocess.DEVNULL, stderr=log
            )
        if not _wait_port(port):
            process.kill()
            log = (root / "sshd.log").read_text(errors="replace")[-300:]
            pytest.skip(f"sshd would not start: {log}")
        server = Sshd(root, port, root / "user_key", getpass.getuser(), process)
        try:
            yield server
        finally:
            for client in server.clients:
                if client.poll() is None:
                    client.terminate()
                    client.wait(timeout=5)
            process.terminate()
            process.wait(timeout=5)
    finally:
        shutil.rmtree(root, ignore_errors=True)
