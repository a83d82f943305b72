"""The hostile corpus, made by the tests themselves: songs full of terminal escapes, a way to run cowriter in
a subprocess (piped or on a pseudo-terminal) with its peak memory measured and capped, and the byte-level
check that nothing a terminal would act on came out.

Nothing here is a fixture file: every hostile input is built where it is used (escapes below, huge inputs,
FIFOs, symlinks and devices in the tests, odd model servers in `tests/odd_server.py`).
"""

from __future__ import annotations

import contextlib
import os
import pty
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import tty
import unicodedata
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

ESC, BEL = "\x1b", "\x07"
OSC_TITLE = f"{ESC}]0;PWNED-TITLE{BEL}"  # sets the window / tmux pane title
OSC_CLIPBOARD = f"{ESC}]52;c;UFdORUQtQ0xJUA=={BEL}"  # writes the clipboard ("PWNED-CLIP")
CLEAR = f"{ESC}[2J{ESC}[H"  # clears the screen
OSC_LINK = f"{ESC}]8;;http://evil.example/{ESC}\\click{ESC}]8;;{ESC}\\"
C1_CSI = "\x9b2J"  # a raw U+009B: CSI on terminals that read C1 controls
RLO = "\u202e"  # reverses what follows
DEL = "\x7f"

EVIL = ESC + OSC_TITLE + OSC_CLIPBOARD + CLEAR + OSC_LINK + C1_CSI + DEL + BEL + "\b"

# A song with the escapes in its title, lyrics, comment and section label (ChordPro).
EVIL_SONG = (
    f"{{title: Rain {OSC_TITLE}{OSC_CLIPBOARD} Song}}\n"
    f"{{artist: Anna {RLO}ssecorp}}\n"
    f"{{comment: {CLEAR}softly}}\n"
    f"{{start_of_verse: Verse {OSC_LINK}}}\n"
    f"[C]Rain on the {OSC_TITLE}window [G]pane {C1_CSI}\n"
    f"[Am]Falling {OSC_CLIPBOARD}down a{DEL}gain [F]again\n"
    "{end_of_verse}\n"
    f"{{start_of_chorus: Chorus {CLEAR}}}\n"
    f"[F]Let it {BEL}rain\b [C]let it {ESC}(0pour\n"  # ESC ( 0: the line-drawing character set
    "{end_of_chorus}\n"
)

# What must never come out: the payloads' words a terminal would act on.
ACTED_ON = ("PWNED-TITLE", "UFdORUQtQ0xJUA==")


def unsafe_chars(text: str) -> list[str]:
    """Every character of `text` a terminal would act on (C0 but tab and newline, DEL, C1), or that
    reorders what follows (a bidi override; an embedding or isolate not closed on its line)."""
    found = [
        f"U+{ord(c):04X}"
        for c in text
        if (unicodedata.category(c) in ("Cc", "Cs") and c not in "\t\n") or c in "\u202d\u202e"
    ]
    for line in text.split("\n"):
        opened: list[str] = []
        for c in line:
            if c in "\u202a\u202b\u2066\u2067\u2068":
                opened.append(c)
            elif c in "\u202c\u2069":
                want = "\u202a\u202b" if c == "\u202c" else "\u2066\u2067\u2068"
                if opened and opened[-1] in want:
                    opened.pop()
                else:
                    found.append(f"U+{ord(c):04X}")
        found.extend(f"U+{ord(c):04X}" for c in opened)
    return found


def assert_shown_safe(data: bytes, what: str = "output") -> None:
    """Byte by byte: no ESC, BEL, raw C1 byte or other control; as UTF-8, no C1 or hiding bidi control."""
    raw = [f"{b:#04x}" for b in data if (b < 0x20 and b not in (0x09, 0x0A)) or b == 0x7F]
    assert not raw, f"{what} holds control bytes {sorted(set(raw))}: {data[:400]!r}"
    text = data.decode("utf-8", errors="surrogateescape")  # a raw 0x9b byte becomes a surrogate: found
    found = unsafe_chars(text)
    assert not found, f"{what} holds {sorted(set(found))}: {data[:400]!r}"


@dataclass(frozen=True)
class Outcome:
    code: int
    out: bytes
    err: bytes
    peak_mb: float  # the child's peak resident memory
    seconds: float

    @property
    def stdout(self) -> str:
        return self.out.decode("utf-8", errors="replace")

    @property
    def stderr(self) -> str:
        return self.err.decode("utf-8", errors="replace")

    def one_line_error(self) -> str:
        """The single line on stderr (asserted: exactly one, no traceback)."""
        lines = self.stderr.splitlines()
        assert "Traceback" not in self.stderr and "Exception ignored" not in self.stderr, self.stderr
        assert len(lines) == 1, f"expected one line on stderr, got {len(lines)}: {self.stderr[:2000]}"
        return lines[0]


UNSHARE = ("unshare", "--user", "--map-root-user", "--mount")
MEMORY_CAP_MB = 1500  # the child's address space: a runaway read fails fast instead of eating the machine


# The child is started by this small launcher, which forks it, caps its address space and reports its
# peak resident memory (wait4's ru_maxrss) to a file. Measured from the test process directly, a child's
# peak could not be less than the test process's own size when it forked (Linux keeps the high-water
# mark across exec), so the ceilings would depend on how big pytest had grown.
LAUNCHER = """
import os, resource, sys
cap, report, argv = int(sys.argv[1]), sys.argv[2], sys.argv[3:]
pid = os.fork()
if pid == 0:
    resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
    os.execvp(argv[0], argv)
_, status, usage = os.wait4(pid, 0)
with open(report, "w") as fh:
    fh.write(str(usage.ru_maxrss))
code = os.waitstatus_to_exitcode(status)
os._exit(code if code >= 0 else 128 - code)
"""


def launched(command: list[str], cap_mb: int) -> tuple[list[str], Path]:
    """`command` run through the launcher: the argv to start, and the file its peak memory goes to."""
    fd, report = tempfile.mkstemp(prefix="cowriter-peak-")
    os.close(fd)
    argv = [sys.executable, "-S", "-c", LAUNCHER, str(cap_mb * 2**20), report, *command]
    return argv, Path(report)


def cowriter_env(tmp: Path, **extra: str) -> dict[str, str]:
    env = {
        k: v for k, v in os.environ.items() if not k.startswith("COWRITER_") and k not in ("PULSE_SERVER",)
    }
    env.update(
        PYTHONPATH=str(ROOT),
        HOME=str(tmp),
        XDG_CACHE_HOME=str(tmp / "cache"),
        XDG_DATA_HOME=str(tmp / "data"),
        XDG_CONFIG_HOME=str(tmp / "config"),
        COWRITER_SESSIONS=str(tmp / "sessions"),
        COWRITER_AUDIO="none",
        PYTHONIOENCODING="utf-8",
    )
    env.update(extra)
    return env


def run(
    args: list[str],
    tmp: Path,
    *,
    stdin: bytes | int | None = None,
    env: dict[str, str] | None = None,
    timeout: float = 120.0,
    cap_mb: int = MEMORY_CAP_MB,
    mounts: str = "",
) -> Outcome:
    """`python -m cowriter ARGS` with stdout and stderr piped; its peak memory read from the kernel.

    `mounts`: shell commands run first in a private mount namespace (`with_mounts`), e.g. a small or
    read-only tmpfs; cowriter then runs in it (as the same process, so its memory is still measured)."""
    start = time.monotonic()
    piped = isinstance(stdin, bytes)
    command = [sys.executable, "-m", "cowriter", *args]
    if mounts:
        command = [
            "unshare",
            "--user",
            "--map-root-user",
            "--mount",
            "sh",
            "-ec",
            f'{mounts}\nexec "$@"',
            "sh",
            *command,
        ]
    argv, report = launched(command, cap_mb)
    proc = subprocess.Popen(
        argv,
        stdin=subprocess.PIPE if piped else stdin if stdin is not None else subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env or cowriter_env(tmp),
        cwd=tmp,
        start_new_session=True,
    )
    out: list[bytes] = []
    err: list[bytes] = []
    threads = [
        threading.Thread(target=lambda: out.append(proc.stdout.read()), daemon=True),  # type: ignore[union-attr]
        threading.Thread(target=lambda: err.append(proc.stderr.read()), daemon=True),  # type: ignore[union-attr]
    ]
    if piped:
        threads.append(threading.Thread(target=_feed, args=(proc, stdin), daemon=True))
    for t in threads:
        t.start()
    code, peak = wait(proc, timeout, " ".join(args), report)
    for t in threads:
        t.join(timeout=10)
    return Outcome(code, b"".join(out), b"".join(err), peak, time.monotonic() - start)


def _feed(proc: subprocess.Popen[bytes], data: bytes) -> None:
    assert proc.stdin is not None
    with contextlib.suppress(BrokenPipeError, OSError):
        proc.stdin.write(data)
    with contextlib.suppress(BrokenPipeError, OSError):
        proc.stdin.close()


def wait(proc: subprocess.Popen[bytes], timeout: float, what: str, report: Path) -> tuple[int, float]:
    """Wait for the launcher: cowriter's exit code and its peak resident memory (MB)."""
    try:
        code = proc.wait(timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)  # the launcher and cowriter under it
        proc.wait()
        raise AssertionError(f"cowriter {what} did not finish in {timeout:.0f} s") from None
    try:
        peak = int(report.read_text() or 0) / 1024
    finally:
        report.unlink(missing_ok=True)
    return code, peak


def private_mounts_work() -> bool:
    """Whether `unshare --user --map-root-user --mount` can mount a tmpfs here (a real full or read-only
    disk for the tests, without root and without touching the machine's mounts)."""
    if shutil.which("unshare") is None:
        return False
    probe = subprocess.run(
        [
            "unshare",
            "--user",
            "--map-root-user",
            "--mount",
            "sh",
            "-c",
            "mount -t tmpfs -o size=64k tmpfs /mnt",
        ],
        capture_output=True,
        check=False,
    )
    return probe.returncode == 0


def run_on_terminal(args: list[str], tmp: Path, *, timeout: float = 120.0) -> Outcome:
    """`python -m cowriter ARGS` with stdin and stdout on a pseudo-terminal in raw mode (no `\\n` →
    `\\r\\n`), so what the terminal receives is exactly what cowriter wrote; stderr piped."""
    master, slave = pty.openpty()
    tty.setraw(slave)
    start = time.monotonic()
    argv, report = launched([sys.executable, "-m", "cowriter", *args], MEMORY_CAP_MB)
    proc = subprocess.Popen(
        argv,
        stdin=slave,
        stdout=slave,
        stderr=subprocess.PIPE,
        env=cowriter_env(tmp, TERM="xterm-256color"),
        cwd=tmp,
        start_new_session=True,
    )
    os.close(slave)
    chunks: list[bytes] = []
    end = time.monotonic() + timeout
    while True:
        ready, _, _ = select.select([master], [], [], 0.1)
        if ready:
            try:
                chunk = os.read(master, 65536)
            except OSError:  # EIO: the child closed the terminal
                break
            if not chunk:
                break
            chunks.append(chunk)
        if time.monotonic() > end:
            proc.kill()
            raise AssertionError(f"cowriter {' '.join(args)} did not finish in {timeout:.0f} s")
    err = proc.stderr.read() if proc.stderr else b""
    code, peak = wait(proc, 30, " ".join(args), report)
    os.close(master)
    return Outcome(code, b"".join(chunks), err, peak, time.monotonic() - start)
