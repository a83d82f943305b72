"""A really full disk (a small tmpfs in a private mount namespace, made with `unshare`): `sessions new` and
`sessions save` end in one line, leave nothing half-made, and the exit status tells the truth: 0 exactly
when the version is in the store (its id on stdout), non-zero exactly when it is not."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.hostile import ROOT, UNSHARE, cowriter_env, private_mounts_work

pytestmark = pytest.mark.skipif(not private_mounts_work(), reason="unshare cannot mount a private tmpfs")

SWING = ROOT / "examples" / "swing-low.cho"

# Runs inside the namespace: the tmpfs is gone when it ends, so every step and check happens here.
DRIVER = r"""
import json, os, subprocess, sys
disk, song, big, free = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
store = os.path.join(disk, "s")
env = dict(os.environ, COWRITER_SESSIONS=store)

def cowriter(*args):
    p = subprocess.run([sys.executable, "-m", "cowriter", *args], capture_output=True, text=True, env=env)
    return {"code": p.returncode, "out": p.stdout, "err": p.stderr}

def fill(leave):
    st = os.statvfs(disk)
    room = st.f_bavail * st.f_frsize - leave
    with open(os.path.join(disk, "filler"), "wb") as fh:
        try:
            fh.write(b"\0" * max(room, 0))
        except OSError:
            pass

results = {"new": cowriter("sessions", "new", "a", "--from", song)}
fill(free)
results["save"] = cowriter("sessions", "save", "a", big, "--message", "bigger")
results["new2"] = cowriter("sessions", "new", "b", "--from", big)
os.unlink(os.path.join(disk, "filler"))
results["versions"] = cowriter("sessions", "versions", "a", "--json")
results["left"] = sorted(os.listdir(store))
results["a_files"] = sorted(os.listdir(os.path.join(store, "a")))
results["cho"] = open(os.path.join(store, "a", "song.cho")).read() == open(big).read()
print(json.dumps(results))
"""


# from "no room to open the database" through "no room to commit" to "room enough" (a 60 KB song)
@pytest.mark.parametrize("free", [0, 20_000, 120_000, 400_000])
def test_save_on_a_full_disk_tells_the_truth(free: int, tmp_path: Path) -> None:
    disk = tmp_path / "disk"
    disk.mkdir()
    big = tmp_path / "big.cho"
    big.write_text(SWING.read_text() + "Coming for to carry me home, la la la\n" * 1500)  # ~60 KB
    driver = tmp_path / "driver.py"
    driver.write_text(DRIVER)
    script = f'mount -t tmpfs -o size=1m tmpfs {disk}\nexec "$@"'
    done = subprocess.run(
        [
            *UNSHARE,
            "sh",
            "-ec",
            script,
            "sh",
            sys.executable,
            str(driver),
            str(disk),
            str(SWING),
            str(big),
            str(free),
        ],
        capture_output=True,
        text=True,
        env=cowriter_env(tmp_path),
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    r = json.loads(done.stdout)
    assert r["new"]["code"] == 0, r["new"]
    ids = [v["id"] for v in json.loads(r["versions"]["out"])]
    save = r["save"]
    assert "Traceback" not in save["err"]
    if save["code"] == 0:
        assert save["out"].strip() == "2" and ids == [1, 2]
        warnings = save["err"].splitlines()
        assert len(warnings) <= 1 and all(
            w.startswith("cowriter: warning: session 'a': versions are saved") for w in warnings
        )
        assert r["cho"]
    else:
        assert save["out"] == "" and ids == [1]
        assert not r["cho"]
        assert not [f for f in r["a_files"] if f.endswith(".tmp")], r["a_files"]  # no half-written copy
        assert len(save["err"].splitlines()) == 1, save["err"]
        assert save["err"].startswith("cowriter: session 'a': ")
        assert any(why in save["err"] for why in ("disk is full", "No space left", "disk I/O error")), save[
            "err"
        ]
    new2 = r["new2"]
    if new2["code"] != 0:
        assert len(new2["err"].splitlines()) == 1 and "Traceback" not in new2["err"], new2["err"]
        assert new2["err"].startswith("cowriter: could not create session 'b' in ")
        assert r["left"] == ["a"]  # nothing half-made left behind
    else:
        assert r["left"] == ["a", "b"]
