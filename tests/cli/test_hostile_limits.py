"""Hostile inputs that used to reach gigabytes, hang or lose data: each ends in its one line, within a memory
ceiling measured in the child process (peak resident memory from wait4), and never with a traceback.

The corpus is made here: /dev/zero, FIFOs, symlinks, folders and devices where song files belong, files
one byte past the limit, a 1 MB lyric line, ten thousand nested choruses, absurd option values.
"""

from __future__ import annotations

import os
import stat
import threading
from pathlib import Path

import pytest

from cowriter.limits import MAX_ALTERNATIVES, MAX_SONG_BYTES
from tests.hostile import ROOT, Outcome, private_mounts_work, run, run_on_terminal

SWING = ROOT / "examples" / "swing-low.cho"
CEILING_MB = 150  # a CLI command that reads or refuses a song (python + cowriter + the parser: 20-50 MB)
RENDER_CEILING_MB = 300  # one that imports numpy and the synth


def _refused(done: Outcome, line: str, *, code: int = 1, ceiling: float = CEILING_MB) -> None:
    assert done.one_line_error() == line
    assert done.code == code, done.stderr
    assert done.peak_mb < ceiling, f"peak {done.peak_mb:.0f} MB"


def _big_song(path: Path, size: int) -> Path:
    """A real song padded with lyric lines to `size` bytes exactly."""
    head = SWING.read_bytes()
    line = b"Coming for to carry me home, la la la la\n"
    body = head + line * ((size - len(head)) // len(line) + 1)
    path.write_bytes(body[:size])
    return path


def test_dev_zero_is_refused_before_a_byte_is_read(tmp_path: Path) -> None:
    _refused(
        run(["parse", "/dev/zero"], tmp_path),
        "cowriter: /dev/zero: is a device, not a song file (give a song file (.cho, .txt))",
    )


def test_open_dev_zero_on_a_terminal_is_one_line_and_no_memory(tmp_path: Path) -> None:
    _refused(
        run_on_terminal(["open", "/dev/zero"], tmp_path),
        "cowriter: /dev/zero: is a device, not a plain file (give a song file (.cho, .txt))",
    )


def test_a_song_one_byte_past_the_limit_is_refused_from_a_path_and_from_stdin(tmp_path: Path) -> None:
    at_limit = _big_song(tmp_path / "limit.cho", MAX_SONG_BYTES)
    past = _big_song(tmp_path / "past.cho", MAX_SONG_BYTES + 1)
    assert run(["parse", str(at_limit)], tmp_path).code == 0
    _refused(run(["parse", str(past)], tmp_path), f"cowriter: {past}: larger than 16 MB (is it a song file?)")
    _refused(
        run(["parse", "-"], tmp_path, stdin=past.read_bytes()),
        "cowriter: <stdin>: larger than 16 MB (is it a song file?)",
    )


def test_sessions_save_from_stdin_past_the_limit_is_refused_not_cut(tmp_path: Path) -> None:
    assert run(["sessions", "new", "big", "--from", str(SWING)], tmp_path).code == 0
    past = _big_song(tmp_path / "past.cho", 17 * 1024 * 1024)
    done = run(["sessions", "save", "big", "-"], tmp_path, stdin=past.read_bytes())
    _refused(done, "cowriter: <stdin>: larger than 16 MB (is it a song file?)")
    assert done.out == b""  # no version id: nothing was saved
    versions = run(["sessions", "versions", "big"], tmp_path)
    assert len(versions.stdout.splitlines()) == 1  # still only the first version
    assert run(["sessions", "export", "big"], tmp_path).out == SWING.read_bytes()


def _fifo_writer(path: Path, data: bytes) -> threading.Thread:
    def write() -> None:
        try:
            with path.open("wb") as fh:
                fh.write(data)
        except BrokenPipeError:
            pass  # the reader stopped at its limit

    thread = threading.Thread(target=write, daemon=True)
    thread.start()
    return thread


def test_a_fifo_path_is_read_like_a_shells_process_substitution(tmp_path: Path) -> None:
    fifo = tmp_path / "song.fifo"
    os.mkfifo(fifo)
    writer = _fifo_writer(fifo, SWING.read_bytes())
    done = run(["parse", str(fifo)], tmp_path)
    writer.join(10)
    assert done.code == 0, done.stderr
    assert "Swing Low" in done.stdout


def test_an_endless_fifo_stops_at_the_limit(tmp_path: Path) -> None:
    fifo = tmp_path / "endless.fifo"
    os.mkfifo(fifo)
    writer = _fifo_writer(fifo, b"la la la\n" * (MAX_SONG_BYTES // 9 + 1000))
    done = run(["parse", str(fifo)], tmp_path)
    writer.join(10)
    _refused(done, f"cowriter: {fifo}: larger than 16 MB (is it a song file?)")


def test_a_one_megabyte_lyric_line_parses(tmp_path: Path) -> None:
    song = tmp_path / "long.cho"
    song.write_text("{title: Long}\n" + ("rain " * 200_000).strip() + "\n", encoding="utf-8")
    done = run(["parse", str(song)], tmp_path, timeout=60)  # a ceiling; the old parser took hours
    assert done.code == 0, done.stderr
    assert done.stdout.startswith(f"{song}: Long, ")


def test_ten_thousand_nested_choruses_neither_render_nor_leave_a_file(tmp_path: Path) -> None:
    song = tmp_path / "nested.cho"
    song.write_text("{start_of_chorus}\n[C]La la [G]la\n" * 10_000, encoding="utf-8")
    line = (
        f"cowriter: {song}: the song lasts 800 minutes; cowriter arranges up to 60, so play or render one "
        "--section (see `cowriter styles` and the song's sections)"
    )
    out = tmp_path / "out" / "nested.wav"
    _refused(run(["render", str(song), "-o", str(out)], tmp_path), line, ceiling=RENDER_CEILING_MB)
    assert not out.parent.exists() or list(out.parent.iterdir()) == []
    done = run(["--audio", "wav", "play", str(song), "--out", str(out)], tmp_path)
    _refused(done, line, ceiling=RENDER_CEILING_MB)
    assert not out.exists()


def test_melody_alternatives_are_capped_and_it_says_so(tmp_path: Path) -> None:
    done = run(["melody", str(SWING), "--alternatives", "99999999999"], tmp_path)
    assert done.code == 0
    assert done.one_line_error() == (
        f"cowriter: --alternatives 99999999999: at most {MAX_ALTERNATIVES}, so {MAX_ALTERNATIVES} sketches"
    )
    assert done.stdout.count("\nX:") + done.stdout.startswith("X:") == MAX_ALTERNATIVES
    assert done.peak_mb < CEILING_MB


@pytest.mark.parametrize("wait", ["nan", "inf", "-1", "1e9", "soon"])
def test_sessions_save_wait_must_be_a_sane_number(wait: str, tmp_path: Path) -> None:
    done = run(["sessions", "save", "x", str(SWING), "--wait", wait], tmp_path, timeout=30)
    assert done.code == 2
    assert done.stderr.splitlines()[-1] == (
        f"cowriter sessions save: error: argument --wait: {wait!r}: give a number of seconds from 0 to 3600"
    )


# -- a session's song.cho is a plain file or nothing ------------------------------------------------------


def _session(tmp_path: Path) -> Path:
    assert run(["sessions", "new", "rain", "--from", str(SWING)], tmp_path).code == 0
    return tmp_path / "sessions" / "rain" / "song.cho"


def _replaced(tmp_path: Path, song: Path, what: str) -> None:
    """A save (which would read song.cho to see whether it was edited outside cowriter) refuses the
    session in one line, and saves nothing; reading the history (`versions`) still works."""
    line = (
        f"cowriter: session 'rain': song.cho: {what}, not a plain file "
        "(move it away: cowriter writes it again from the session's last version)"
    )
    _refused(run(["sessions", "save", "rain", str(SWING), "--message", "x"], tmp_path, timeout=30), line)
    versions = run(["sessions", "versions", "rain"], tmp_path)
    assert versions.code == 0 and len(versions.stdout.splitlines()) == 1, versions.stdout


def test_song_cho_replaced_by_a_symlink_is_refused_and_the_target_untouched(tmp_path: Path) -> None:
    song = _session(tmp_path)
    target = tmp_path / "elsewhere.txt"
    target.write_text("someone else's file\n")
    song.unlink()
    song.symlink_to(target)
    _replaced(tmp_path, song, "is a symlink")
    assert target.read_text() == "someone else's file\n"


def test_song_cho_replaced_by_a_fifo_is_refused_without_waiting(tmp_path: Path) -> None:
    song = _session(tmp_path)
    song.unlink()
    os.mkfifo(song)
    _replaced(tmp_path, song, "is a FIFO (named pipe)")


def test_song_cho_replaced_by_a_folder(tmp_path: Path) -> None:
    song = _session(tmp_path)
    song.unlink()
    song.mkdir()
    _replaced(tmp_path, song, "is a folder")


@pytest.mark.skipif(os.geteuid() != 0, reason="making a device node needs root (CI runs as root)")
def test_song_cho_replaced_by_dev_zero(tmp_path: Path) -> None:
    song = _session(tmp_path)
    song.unlink()
    os.mknod(song, stat.S_IFCHR | 0o600, os.makedev(1, 5))  # /dev/zero's numbers
    _replaced(tmp_path, song, "is a device")


# -- the session store itself ------------------------------------------------------------------------------


@pytest.mark.parametrize("where", ["FILE", "/dev/null"])
def test_sessions_pointing_at_a_file_or_a_device(where: str, tmp_path: Path) -> None:
    if where == "FILE":
        (tmp_path / "plain").write_text("x")
        where = str(tmp_path / "plain")
    line = (
        f"cowriter: {where}: not a folder, so it cannot hold sessions "
        "(point --sessions or COWRITER_SESSIONS at a folder)"
    )
    for args in (["sessions", "new", "a"], ["sessions", "list"], ["sessions", "show", "a"]):
        _refused(run(["--sessions", where, *args], tmp_path), line)


def test_sessions_pointing_at_proc_self(tmp_path: Path) -> None:
    _refused(
        run(["--sessions", "/proc/self", "sessions", "new", "a"], tmp_path),
        "cowriter: could not create session 'a' in /proc/self: No such file or directory "
        "(point --sessions or COWRITER_SESSIONS at a folder you can write, with free space)",
    )


@pytest.mark.skipif(not private_mounts_work(), reason="unshare cannot mount a private tmpfs here")
def test_a_read_only_store(tmp_path: Path) -> None:
    store = tmp_path / "store"
    store.mkdir()
    done = run(
        ["--sessions", str(store), "sessions", "new", "a"],
        tmp_path,
        mounts=f"mount -t tmpfs -o ro tmpfs {store}",
    )
    _refused(
        done,
        f"cowriter: could not create session 'a' in {store}: Read-only file system "
        "(point --sessions or COWRITER_SESSIONS at a folder you can write, with free space)",
    )


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write in a folder without write permission")
def test_a_store_without_write_permission(tmp_path: Path) -> None:
    store = tmp_path / "store"
    store.mkdir(mode=0o555)
    _refused(
        run(["--sessions", str(store), "sessions", "new", "a"], tmp_path),
        f"cowriter: could not create session 'a' in {store}: Permission denied "
        "(point --sessions or COWRITER_SESSIONS at a folder you can write, with free space)",
    )


# -- files written ----------------------------------------------------------------------------------------


def test_an_unwritable_output_folder_is_one_line_without_wave_complaints(tmp_path: Path) -> None:
    out = tmp_path / "not-a-folder"
    out.write_text("x")
    done = run(["render", str(SWING), "-o", str(out / "song.wav"), "--section", "Chorus"], tmp_path)
    _refused(
        done,
        f"cowriter: cannot write {out / 'song.wav'}: File exists (check the folder exists)",
        ceiling=RENDER_CEILING_MB,
    )


@pytest.mark.parametrize(("umask", "mode"), [(0o000, 0o666), (0o022, 0o644), (0o077, 0o600)])
def test_exports_follow_the_umask(umask: int, mode: int, tmp_path: Path) -> None:
    import subprocess
    import sys

    from tests.hostile import cowriter_env

    env = cowriter_env(tmp_path)
    assert run(["sessions", "new", "rain", "--from", str(SWING)], tmp_path).code == 0
    wav, cho = tmp_path / "out.wav", tmp_path / "out.cho"
    for args in (
        ["render", str(SWING), "-o", str(wav), "--section", "Chorus"],
        ["sessions", "export", "rain", "-o", str(cho)],
    ):
        subprocess.run(
            [sys.executable, "-m", "cowriter", *args],
            env=env,
            check=True,
            capture_output=True,
            preexec_fn=lambda: os.umask(umask),
        )
    assert stat.S_IMODE(wav.stat().st_mode) == mode
    assert stat.S_IMODE(cho.stat().st_mode) == mode
    assert stat.S_IMODE((tmp_path / "sessions" / "rain").stat().st_mode) == 0o700  # the store stays private
