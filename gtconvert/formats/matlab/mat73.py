"""MAT-file v7.3: MATLAB's HDF5 layout, written and read with h5py.

A 512-byte user block holding the MAT header text, a ``MATLAB_class`` attribute on every
variable, arrays stored transposed (MATLAB is column-major), char as uint16, cells as object
references into the ``#refs#`` group, and empty arrays as their dimensions with ``MATLAB_empty``.
Only what the interchange struct needs: one struct variable whose fields are char, double
(scalars, columns, N-column matrices), logical, and cells of char or double.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from typing import Any

import numpy as np

from ...errors import GtconvertError


def _mat73_header() -> bytes:
    import platform
    import time

    text = (
        f"MATLAB 7.3 MAT-file, Platform: {platform.system()}, "
        f"Created on: {time.strftime('%a %b %d %H:%M:%S %Y')} HDF5 schema 1.00 ."
    )
    head = text.encode("ascii", "replace")[:116].ljust(116, b" ")
    # subsystem offset (unused), version 0x0200, endian indicator 'IM' (little-endian)
    return (head + b"\x00" * 8 + b"\x00\x02" + b"IM").ljust(512, b"\x00")


class _H5Writer:
    def __init__(self, f: Any) -> None:
        import h5py

        self.h5py = h5py
        self.f = f
        self.refs = f.create_group("#refs#")
        self.n_refs = 0

    def _attrs(self, ds: Any, cls: str, **extra: Any) -> None:
        ds.attrs.create("MATLAB_class", np.bytes_(cls))
        for key, value in extra.items():
            ds.attrs.create(key, value)

    def _empty(self, where: Any, name: str, cls: str, shape: tuple[int, ...]) -> None:
        ds = where.create_dataset(name, data=np.array(shape, dtype=np.uint64))
        self._attrs(ds, cls, MATLAB_empty=np.uint8(1))

    def numeric(self, where: Any, name: str, arr: np.ndarray, cls: str = "double") -> None:
        arr = np.atleast_2d(arr)
        if arr.size == 0:
            return self._empty(where, name, cls, arr.shape)
        data = arr.astype(np.uint8 if cls == "logical" else np.float64).T  # column-major
        ds = where.create_dataset(name, data=data)
        if cls == "logical":
            self._attrs(ds, cls, MATLAB_int_decode=np.int32(1))
        else:
            self._attrs(ds, cls)

    def char(self, where: Any, name: str, text: str) -> None:
        units = np.frombuffer(text.encode("utf-16-le"), dtype=np.uint16)
        if units.size == 0:
            return self._empty(where, name, "char", (0, 0))
        ds = where.create_dataset(name, data=units.reshape(-1, 1))  # a 1xL char, transposed
        self._attrs(ds, "char", MATLAB_int_decode=np.int32(2))

    def cell(self, where: Any, name: str, items: list[Any], writer: Any) -> None:
        if not items:
            return self._empty(where, name, "cell", (0, 1))
        refs = np.empty((1, len(items)), dtype=self.h5py.ref_dtype)  # Nx1 cell, transposed
        for i, item in enumerate(items):
            key = self._next_ref()
            writer(self.refs, key, item)
            refs[0, i] = self.refs[key].ref
        ds = where.create_dataset(name, data=refs)
        self._attrs(ds, "cell")

    def _next_ref(self) -> str:
        self.n_refs += 1
        return f"r{self.n_refs}"


def write_struct(path: str | os.PathLike, variable: str, fields: Iterable[tuple[str, str, Any]]) -> None:
    """Write one struct ``variable`` of (field name, kind, value) in MATLAB's v7.3 layout.

    Kinds: ``char``, ``scalar``, ``cellstr``, ``cellnum``, ``col``, ``logical`` and ``matN``
    (an N-column double matrix), as the interchange schema names its fields' types.
    """
    import h5py

    with h5py.File(path, "w", userblock_size=512, libver="earliest") as f:
        w = _H5Writer(f)
        g = f.create_group(variable)
        g.attrs.create("MATLAB_class", np.bytes_("struct"))
        for name, kind, value in fields:
            if kind == "char":
                w.char(g, name, value)
            elif kind == "scalar":
                w.numeric(g, name, np.array([[float(value)]]))
            elif kind == "cellstr":
                w.cell(g, name, list(value), w.char)
            elif kind == "cellnum":
                w.cell(g, name, list(value), lambda where, key, v: w.numeric(where, key, np.asarray(v)))
            elif kind == "col":
                w.numeric(g, name, np.asarray(value, dtype=np.float64).reshape(-1, 1))
            elif kind == "logical":
                w.numeric(g, name, np.asarray(value, dtype=bool).reshape(-1, 1), "logical")
            else:
                w.numeric(g, name, np.asarray(value, dtype=np.float64).reshape(-1, int(kind[3:])))
    with open(path, "r+b") as fh:
        fh.write(_mat73_header())


def _h5_value(f: Any, node: Any) -> Any:
    """Decode one MATLAB HDF5 variable (struct, cell, char, logical, numeric)."""
    import h5py

    cls = node.attrs.get("MATLAB_class", b"double")
    cls = cls.decode() if isinstance(cls, bytes) else str(cls)
    if isinstance(node, h5py.Group):
        return {k: _h5_value(f, node[k]) for k in node.keys()}
    if node.attrs.get("MATLAB_empty", 0):
        if cls == "cell":
            return []
        return "" if cls == "char" else np.zeros((0, 0))
    data = node[()]
    if cls == "cell":
        flat = np.asarray(data).T.ravel(order="F")  # back to MATLAB's shape, column-major order
        return [_h5_value(f, f[r]) for r in flat]
    arr = np.asarray(data).T
    if cls == "char":
        return arr.astype(np.uint16).ravel(order="F").tobytes().decode("utf-16-le")
    if cls == "logical":
        return arr.astype(bool)
    return arr.astype(np.float64)


def read_struct(path: str | os.PathLike, variable: str) -> dict[str, Any] | None:
    """The fields of the struct ``variable`` (None when the file has no such variable)."""
    import h5py

    try:
        with h5py.File(path, "r") as f:
            if variable not in f:
                return None
            node = f[variable]
            if not isinstance(node, h5py.Group):
                raise GtconvertError(f"variable {variable!r} is not a struct", file=path)
            return _h5_value(f, node)
    except (OSError, RuntimeError, KeyError, ValueError, TypeError) as exc:  # truncated or damaged HDF5
        raise GtconvertError(
            f"cannot read this MAT-file (v7.3/HDF5: {exc})", file=path, fix="is the file complete?"
        ) from None


def is_hdf5(path: str | os.PathLike) -> bool:
    """MAT v7.3 files are HDF5 with a 512-byte user block (version 0x0200 at byte 124)."""
    with open(path, "rb") as fh:
        head = fh.read(128)
    return len(head) == 128 and head[124:126] in (b"\x00\x02", b"\x02\x00")
