"""Which sound to play with: cowriter's own synth (the default, nothing to download) or a SoundFont, and
which SoundFonts are already on this machine. Standard library only: `cowriter doctor` lists them without
loading anything.

Choice, first found wins: `--sound FILE.sf2|sf3` (or a name from the list, or `builtin`), `COWRITER_SOUND`,
the config file's `sound` key (`$XDG_CONFIG_HOME/cowriter/config.toml`, the file `cowriter models` reads),
then the built-in synth.

Discovery looks where systems and programs keep SoundFonts: Debian's /usr/share/sounds/sf2 and sf3
(fluid-soundfont-gm, timgm6mb-soundfont, musescore-general-soundfont), /usr/share/soundfonts (Fedora, Arch),
MuseScore's own folders (its bundled sound and the user's SoundFonts folder), and the user's
~/.local/share/soundfonts, ~/.sounds and ~/soundfonts.
"""

from __future__ import annotations

import contextlib
import os
import tomllib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from cowriter.errors import CowriterError

EXTENSIONS = (".sf2", ".sf3")
BUILTIN = "builtin"


class SoundError(CowriterError):
    """A SoundFont that cannot be used (missing, unreadable, not a SoundFont)."""


@dataclass(frozen=True, slots=True)
class FoundSound:
    """A SoundFont on disk: `name` is what to pass to `--sound`; `source` says who put it there."""

    name: str
    path: Path
    source: str
    size: int


@dataclass(frozen=True, slots=True)
class SoundChoice:
    """What to play with: `path` is a SoundFont, or None for the built-in synth."""

    origin: str  # "--sound", "COWRITER_SOUND", "config", "default"
    path: Path | None = None

    @property
    def label(self) -> str:
        return "built-in synth" if self.path is None else f"SoundFont {self.path.name}"


def _home(env: Mapping[str, str]) -> Path:
    return Path(env.get("HOME") or Path.home())


def search_dirs(env: Mapping[str, str] | None = None) -> list[tuple[Path, str]]:
    """Folders to look in, with who keeps SoundFonts there."""
    env = os.environ if env is None else env
    home = _home(env)
    data = Path(env.get("XDG_DATA_HOME") or home / ".local" / "share")
    dirs = [
        (data / "soundfonts", "your soundfonts"),
        (home / ".sounds", "your soundfonts"),
        (home / "soundfonts", "your soundfonts"),
        (Path("/usr/share/sounds/sf2"), "system"),
        (Path("/usr/share/sounds/sf3"), "system"),
        (Path("/usr/share/soundfonts"), "system"),
        (Path("/usr/local/share/soundfonts"), "system"),
        (home / "Documents" / "MuseScore4" / "SoundFonts", "MuseScore"),
        (home / "Documents" / "MuseScore3" / "SoundFonts", "MuseScore"),
        (data / "MuseScore" / "MuseScore4" / "SoundFonts", "MuseScore"),
    ]
    share = Path("/usr/share")
    with contextlib.suppress(OSError):
        dirs += [(d / "sound", "MuseScore") for d in sorted(share.glob("mscore*")) if (d / "sound").is_dir()]
    extra = env.get("SOUNDFONT_PATH") or env.get("SF2_PATH") or ""
    dirs += [(Path(p), "SOUNDFONT_PATH") for p in extra.split(os.pathsep) if p]
    return dirs


def _files(folder: Path) -> Iterator[Path]:
    try:
        entries = sorted(folder.iterdir())
    except OSError:
        return
    for entry in entries:
        if entry.suffix.lower() in EXTENSIONS:
            yield entry


def discover(env: Mapping[str, str] | None = None) -> list[FoundSound]:
    """The SoundFonts on this machine, each real file once (Debian's default-GM.sf2 is a link to one)."""
    found: list[FoundSound] = []
    seen: set[Path] = set()
    for folder, source in search_dirs(env):
        for path in _files(folder):
            try:
                real = path.resolve()
                size = real.stat().st_size
            except OSError:
                continue
            if real in seen or not real.is_file():
                continue
            seen.add(real)
            found.append(FoundSound(path.stem, path, source, size))
    return found


def _config(env: Mapping[str, str]) -> Mapping[str, object]:
    base = env.get("XDG_CONFIG_HOME") or str(_home(env) / ".config")
    path = Path(base) / "cowriter" / "config.toml"
    try:
        with path.open("rb") as f:
            return tomllib.load(f)
    except FileNotFoundError:
        return {}
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise SoundError(f"{path}: cannot read the config file ({exc})", hint="fix or remove it") from None


def resolve(
    sound: str | None = None,
    *,
    env: Mapping[str, str] | None = None,
    config: Mapping[str, object] | None = None,
) -> SoundChoice:
    """Decide what to play with (see the module doc for the order). A file must exist and be a .sf2 or
    .sf3; whether it really is a SoundFont is found when it is loaded."""
    env = os.environ if env is None else env
    candidates = [("--sound", sound), ("COWRITER_SOUND", env.get("COWRITER_SOUND"))]
    if not any(value for _, value in candidates):
        value = (_config(env) if config is None else config).get("sound")
        candidates.append(("config", value if isinstance(value, str) else None))
    for origin, value in candidates:
        if value:
            return _choice(origin, value, env)
    return SoundChoice("default")


def _choice(origin: str, value: str, env: Mapping[str, str]) -> SoundChoice:
    if value.strip().casefold() in (BUILTIN, "built-in", "default"):
        return SoundChoice(origin)
    path = Path(value).expanduser()
    if path.is_file():
        if path.suffix.lower() not in EXTENSIONS:
            raise SoundError(
                f"{origin} {value}: not a SoundFont (.sf2 or .sf3)", hint="pass a .sf2 or .sf3 file"
            )
        return SoundChoice(origin, path)
    if os.sep not in value:
        for found in discover(env):
            if value.casefold() in (found.name.casefold(), found.path.name.casefold()):
                return SoundChoice(origin, found.path)
    known = ", ".join(f.name for f in discover(env)) or "none found"
    raise SoundError(
        f"{origin} {value}: no such SoundFont",
        hint=f"pass a .sf2/.sf3 file, a name from `cowriter doctor` ({known}), or builtin",
    )
