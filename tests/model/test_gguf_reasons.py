"""A damaged GGUF file is named with a reason a person can act on, never an empty "()"."""

from __future__ import annotations

from pathlib import Path

import pytest

from cowriter.model import gguf
from cowriter.model.backend import ModelError


@pytest.mark.parametrize(
    "content",
    [
        b"GGUF\x03\x00\x00\x00",  # the header stops after the version
        b"GGUF\x03\x00\x00\x00" + b"\x00" * 8 + b"\x01" + b"\x00" * 7 + b"\x05\x00",  # inside the first key
    ],
)
def test_a_cut_header_says_so(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "cut.gguf"
    path.write_bytes(content)
    with pytest.raises(ModelError) as caught:
        gguf.read_metadata(path)
    assert str(caught.value) == (
        f"{path} is a damaged GGUF file (it ends in the middle of its header: cut short while copying or "
        "downloading?) (download or copy the model again)"
    )
    assert "()" not in str(caught.value)


def test_a_value_error_keeps_its_own_words(tmp_path: Path) -> None:
    path = tmp_path / "odd.gguf"
    # one key whose value type (99) GGUF does not have
    key = (3).to_bytes(8, "little") + b"abc" + (99).to_bytes(4, "little")
    path.write_bytes(b"GGUF" + (3).to_bytes(4, "little") + bytes(8) + (1).to_bytes(8, "little") + key)
    with pytest.raises(ModelError, match=r"damaged GGUF file \(unknown value type 99\)"):
        gguf.read_metadata(path)
