"""MAT-files whose variables would take more than ``limits.MAX_MAT_BYTES`` once loaded.

A v7 zlib bomb (1.5 MB inflating to 1.5 GB) took 23 s and 3 GB before; a v7.3 dataset of
declared shape 10^6 x 10^6 in a 2 KB file asked numpy for 7 TiB. Each is now exit 2 in one
line before mat-io, scipy or h5py load anything. The files are written here byte by byte.
"""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

import numpy as np
import pytest
from bad_inputs.helpers import one_error, run, temporaries, tree

from gtconvert import limits


def _header(version: int = 0x0100, text: bytes = b"MATLAB 5.0 MAT-file, Platform: GLNXA64") -> bytes:
    return text.ljust(116, b" ")[:116] + b"\0" * 8 + struct.pack("<H", version) + b"IM"


def _tag(kind: int, nbytes: int) -> bytes:
    return struct.pack("<II", kind, nbytes)


def _pad(data: bytes) -> bytes:
    return data + b"\0" * (-len(data) % 8)


def _matrix(name: bytes, dims: tuple[int, ...], mx_class: int, body: bytes) -> bytes:
    """A miMATRIX element: array flags, dimensions, name, then ``body`` (data or cells)."""
    parts = (
        _tag(6, 8) + struct.pack("<II", mx_class, 0)
        + _tag(5, 4 * len(dims)) + _pad(struct.pack(f"<{len(dims)}i", *dims))
        + _tag(1, len(name)) + _pad(name)
        + body
    )  # fmt: skip
    return _tag(14, len(parts)) + parts


def _zeros_element(nbytes: int) -> bytes:
    return _tag(2, nbytes) + bytes(nbytes + (-nbytes % 8))  # miUINT8


def declared(path: Path) -> Path:
    """A double matrix declaring 100000 x 100000 (80 GB) with no data: 200 bytes."""
    path.write_bytes(_header() + _matrix(b"gTruth", (100000, 100000), 6, _tag(9, 0)))
    return path


def cell_bomb(path: Path, nbytes: int) -> Path:
    """A compressed 1 x 1 cell holding ``nbytes`` zeros: whosmat sees only a small cell."""
    inner = _matrix(b"", (nbytes, 1), 9, _zeros_element(nbytes))
    packed = zlib.compress(_matrix(b"gTruth", (1, 1), 1, inner), 9)
    path.write_bytes(_header() + _tag(15, len(packed)) + packed)
    return path


def hdf5_declared(path: Path) -> Path:
    """A v7.3 file whose one dataset declares 10^6 x 10^6 doubles (7 TiB), never written."""
    h5py = pytest.importorskip("h5py")
    with h5py.File(path, "w", userblock_size=512) as f:
        f.create_dataset("gTruth", shape=(10**6, 10**6), dtype="f8", chunks=(1000, 1000), compression="gzip")
        f["gTruth"].attrs["MATLAB_class"] = np.bytes_("double")
    with open(path, "r+b") as fh:
        fh.write(_header(0x0200, b"MATLAB 7.3 MAT-file, Platform: GLNXA64, HDF5 schema 1.00 ."))
    return path


def _refused(path: Path, words: str, capsys) -> None:  # type: ignore[no-untyped-def]
    before = tree(path.parent)
    out = path.parent.parent / "out.json"
    code, lines = run(["convert", str(path), str(out), "--from", "matlab"], capsys)
    one_error(code, lines, words)
    assert path.name in lines[0]
    assert not out.exists() and not temporaries(path.parent.parent)
    assert tree(path.parent) == before


def test_a_declared_huge_variable(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "in").mkdir()
    _refused(
        declared(tmp_path / "in" / "gTruth.mat"), "variable 'gTruth' would take 80000000000 bytes", capsys
    )


def test_a_declared_huge_hdf5_dataset(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "in").mkdir()
    path = hdf5_declared(tmp_path / "in" / "gTruth.mat")
    assert path.stat().st_size < 100_000
    _refused(path, "its datasets would take 8000000000000 bytes", capsys)


def test_a_zlib_bomb_inside_a_cell(tmp_path: Path, monkeypatch, capsys) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(limits, "MAX_MAT_BYTES", 1 << 20)  # the same walk as at 1 GiB, on 2 MiB
    (tmp_path / "in").mkdir()
    path = cell_bomb(tmp_path / "in" / "gTruth.mat", 2 << 20)
    assert path.stat().st_size < 20_000
    _refused(path, "its compressed variables, inflated,", capsys)


def test_the_bounds_let_small_files_through(tmp_path: Path) -> None:
    limits.check_mat(cell_bomb(tmp_path / "small.mat", 4096))  # inflates to 4 KiB: no error
    with pytest.raises(limits.GtconvertError, match="inflated"):
        limits.check_mat(tmp_path / "small.mat", limit=2048)
    limits.check_mat(declared(tmp_path / "d.mat"), limit=8 * 10**10)
