"""The permissions of a file cowriter writes for the writer (an export, a render, a song saved where they
chose): `0o666` less the process umask, as any program's new file gets, so a shared folder's umask is
honoured. The session store is the exception: private (0700 folders, 0600 files), whatever the umask.
"""

from __future__ import annotations

import contextlib
from pathlib import Path

__all__ = ["export_mode", "umask"]


def umask() -> int:
    """The process umask, read without setting it (`os.umask` would change it for every thread)."""
    with contextlib.suppress(OSError, ValueError):
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("Umask:"):
                return int(line.split()[1], 8)
    return 0o022


def export_mode() -> int:
    """The mode of a new exported file: 0666 less the umask (0644 under the usual umask 022)."""
    return 0o666 & ~umask()
