"""The key zones of a General MIDI preset in a SoundFont 2 file: which keys each recording plays (read from
the file's preset and instrument generators; `fit_timbres.py` puts one anchor in each zone).

    python benchmarks/sf2_zones.py PROGRAM [FILE.sf2]
"""

from __future__ import annotations

import struct
import sys
from pathlib import Path

SF2 = Path("/usr/share/sounds/sf2/FluidR3_GM.sf2")
KEY_RANGE, VEL_RANGE, INSTRUMENT, SAMPLE, ROOT_KEY = 43, 44, 41, 53, 58


def _chunks(data: bytes, start: int, end: int) -> dict[str, bytes]:
    out = {}
    while start + 8 <= end:
        name = data[start : start + 4].decode("latin-1")
        size = struct.unpack("<I", data[start + 4 : start + 8])[0]
        if name == "LIST":
            out.update(_chunks(data, start + 12, start + 8 + size))
        else:
            out[name] = data[start + 8 : start + 8 + size]
        start += 8 + size + (size & 1)
    return out


def _records(raw: bytes, fmt: str) -> list[tuple[int | bytes, ...]]:
    size = struct.calcsize(fmt)
    return [struct.unpack(fmt, raw[i : i + size]) for i in range(0, len(raw) - size + 1, size)]


def zones(program: int, path: Path = SF2, velocity: int = 100) -> list[tuple[int, int, int]]:
    """(lowest key, highest key, root key) of each recording bank 0's `program` plays at `velocity`,
    sorted by key."""
    data = path.read_bytes()
    parts = _chunks(data, 12, len(data))
    phdr = _records(parts["phdr"], "<20sHHHIII")
    pbag, pgen = _records(parts["pbag"], "<HH"), _records(parts["pgen"], "<HH")
    inst, ibag, igen = (
        _records(parts["inst"], "<20sH"),
        _records(parts["ibag"], "<HH"),
        _records(parts["igen"], "<HH"),
    )
    shdr = _records(parts["shdr"], "<20sIIIIIBbHH")

    def gens(
        bags: list[tuple[int | bytes, ...]], table: list[tuple[int | bytes, ...]], b: int
    ) -> dict[int, int]:
        return {int(g): int(a) for g, a in table[int(bags[b][0]) : int(bags[b + 1][0])]}

    def within(g: dict[int, int], code: int, value: int) -> bool:
        span = g.get(code, 0x7F00)
        return (span & 0xFF) <= value <= (span >> 8)

    out: set[tuple[int, int, int]] = set()
    for i, head in enumerate(phdr[:-1]):
        if head[2] != 0 or head[1] != program:
            continue
        for b in range(int(head[3]), int(phdr[i + 1][3])):
            preset = gens(pbag, pgen, b)
            if INSTRUMENT not in preset or not within(preset, VEL_RANGE, velocity):
                continue
            index = preset[INSTRUMENT]
            for z in range(int(inst[index][1]), int(inst[index + 1][1])):
                g = gens(ibag, igen, z)
                if SAMPLE not in g or not within(g, VEL_RANGE, velocity):
                    continue
                span = g.get(KEY_RANGE, preset.get(KEY_RANGE, 0x7F00))
                root = g.get(ROOT_KEY, int(shdr[g[SAMPLE]][6]))
                out.add((span & 0xFF, span >> 8, root))
        break
    return sorted(out)


if __name__ == "__main__":
    for lo, hi, root in zones(int(sys.argv[1]), Path(sys.argv[2]) if len(sys.argv) > 2 else SF2):
        print(f"keys {lo:3d}-{hi:3d}  recorded at {root}")
