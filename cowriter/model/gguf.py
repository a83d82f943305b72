"""Read the metadata header of a GGUF file (stdlib only): name, architecture, context length.

Used to refuse a corrupt or foreign file with a clear message before llama.cpp sees it, to size the
context window, and to describe models in `cowriter models`. Arrays (the tokenizer's vocabulary) are
skipped, not kept.
"""

from __future__ import annotations

import struct
from pathlib import Path
from typing import BinaryIO

from cowriter.model.backend import ModelError

MAGIC = b"GGUF"

# value type -> struct format of a scalar
_SCALARS = {
    0: "<B", 1: "<b", 2: "<H", 3: "<h", 4: "<I", 5: "<i", 6: "<f", 7: "<?", 10: "<Q", 11: "<q", 12: "<d",
}
_STRING, _ARRAY = 8, 9
_MAX_STRING = 1 << 24
_MAX_KV = 1 << 16

Value = int | float | bool | str | None


def is_gguf(path: Path) -> bool:
    try:
        with path.open("rb") as f:
            return f.read(4) == MAGIC
    except OSError:
        return False


def _read(f: BinaryIO, n: int) -> bytes:
    data = f.read(n)
    if len(data) != n:
        raise EOFError
    return data


def _unpack(f: BinaryIO, fmt: str) -> int | float | bool:
    value: int | float | bool = struct.unpack(fmt, _read(f, struct.calcsize(fmt)))[0]
    return value


def _string(f: BinaryIO) -> str:
    n = int(_unpack(f, "<Q"))
    if n > _MAX_STRING:
        raise ValueError("string too long")
    return _read(f, n).decode("utf-8", errors="replace")


def _skip_string(f: BinaryIO) -> None:
    n = int(_unpack(f, "<Q"))
    if n > _MAX_STRING:
        raise ValueError("string too long")
    f.seek(n, 1)


def _value(f: BinaryIO, vtype: int) -> Value:
    if vtype in _SCALARS:
        return _unpack(f, _SCALARS[vtype])
    if vtype == _STRING:
        return _string(f)
    if vtype == _ARRAY:
        itype = int(_unpack(f, "<I"))
        count = int(_unpack(f, "<Q"))
        if itype in _SCALARS:
            f.seek(struct.calcsize(_SCALARS[itype]) * count, 1)
        elif itype == _STRING:
            for _ in range(count):
                _skip_string(f)
        else:
            raise ValueError(f"unsupported array type {itype}")
        return None
    raise ValueError(f"unknown value type {vtype}")


def read_metadata(path: Path) -> dict[str, Value]:
    """The scalar and string key/values of a GGUF header. Raises ModelError when the file is not GGUF."""
    try:
        with path.open("rb") as f:
            if f.read(4) != MAGIC:
                raise ModelError(
                    f"{path} is not a GGUF model file",
                    hint="cowriter runs GGUF models: pass a .gguf file or an http://host:port/v1 URL",
                )
            version = int(_unpack(f, "<I"))
            if version < 2:
                raise ModelError(f"{path}: GGUF version {version} is too old", hint="convert the model again")
            _tensors = _unpack(f, "<Q")
            n_kv = int(_unpack(f, "<Q"))
            if n_kv > _MAX_KV:
                raise ValueError("too many keys")
            meta: dict[str, Value] = {}
            for _ in range(n_kv):
                key = _string(f)
                vtype = int(_unpack(f, "<I"))
                value = _value(f, vtype)
                if value is not None:
                    meta[key] = value
            return meta
    except ModelError:
        raise
    except FileNotFoundError:
        hint = "check --model or run `cowriter models`"
        raise ModelError(f"model file not found: {path}", hint=hint) from None
    except (EOFError, ValueError, struct.error, UnicodeDecodeError) as exc:
        raise ModelError(
            f"{path} is a damaged GGUF file ({_reason(exc)})", hint="download or copy the model again"
        ) from None
    except OSError as exc:
        raise ModelError(f"cannot read model file {path}: {exc.strerror or exc}") from None


def context_length(meta: dict[str, Value]) -> int | None:
    arch = meta.get("general.architecture")
    value = meta.get(f"{arch}.context_length") if isinstance(arch, str) else None
    return int(value) if isinstance(value, int) and not isinstance(value, bool) else None


def describe(meta: dict[str, Value]) -> str:
    """A short human description: name, size label, architecture."""
    keys = ("general.name", "general.size_label", "general.architecture")
    parts = [str(meta[k]) for k in keys if k in meta]
    return " · ".join(dict.fromkeys(parts))


def _reason(exc: BaseException) -> str:
    """Why the header could not be read, never empty (an EOFError has no message of its own)."""
    if isinstance(exc, EOFError | struct.error):
        return "it ends in the middle of its header: cut short while copying or downloading?"
    return str(exc) or type(exc).__name__
