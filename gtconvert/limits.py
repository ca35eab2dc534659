"""Bounds on what a small hostile file can make gtconvert allocate or compute, in one place.

Every check here runs before the allocation it guards and fails with a
:class:`~gtconvert.errors.GtconvertError` naming the file and the record (CLI exit 2). The
bounds are far above any real dataset; ``docs/robustness.md`` states each one.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import Any

import numpy as np

from .errors import GtconvertError

#: An image's width or height in pixels (2^20 = 1,048,576; whole-slide scans are ~10^5).
MAX_IMAGE_SIDE = 1 << 20
#: Pixels of one image painted into masks (2^30: a 1 GiB label image per layer).
MAX_RASTER_PIXELS = 1 << 30
#: Bytes a MAT-file's variables may take once loaded (declared sizes, decompressed data).
MAX_MAT_BYTES = 1 << 30
#: Polygons are cut this many image sizes (the larger side) past the image before rasterising.
CLIP_MARGIN = 8
#: Integers a float64 holds exactly; ids beyond it are read as Python integers.
EXACT_FLOAT_INT = 1 << 53


def integers(values: Sequence[Any], *, file: Any, what: str) -> np.ndarray:
    """Integer values (ids) from a file as int64, exactly, also beyond 2^53.

    Whole-valued floats (``3.0``) are accepted below 2^53; a float beyond it (or anything not
    a whole number) is refused, and so is an integer outside the 64-bit range.
    """
    try:
        arr = np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError, OverflowError):
        raise GtconvertError(f"every {what} must be a number", file=file) from None
    if not arr.size:
        return np.zeros(0, dtype=np.int64)
    arr = arr.reshape(-1)
    bad = ~np.isfinite(arr) | (arr != np.round(arr))
    if bad.any():
        raise GtconvertError(f"{what} {values[int(np.flatnonzero(bad)[0])]!r} is not an integer", file=file)
    if np.abs(arr).max() < EXACT_FLOAT_INT:
        return arr.astype(np.int64)
    return _exact_integers(values, file, what)


def _exact_integers(values: Sequence[Any], file: Any, what: str) -> np.ndarray:
    """The slow, exact path for the rare files whose ids pass 2^53 (float64 would merge them)."""
    out = np.empty(len(values), dtype=np.int64)
    for i, v in enumerate(values):
        if isinstance(v, float) and abs(v) >= EXACT_FLOAT_INT:
            raise GtconvertError(
                f"{what} {v!r} is a float beyond 2^53, which cannot hold it exactly",
                file=file,
                fix="write ids as integers without a decimal point or exponent",
            )
        if not -(1 << 63) <= int(v) < (1 << 63):
            raise GtconvertError(f"{what} {v!r} does not fit 64 bits", file=file, fix="use ids below 2^63")
        out[i] = int(v)
    return out


def image_sizes(
    width: Any,
    height: Any,
    *,
    file: Any,
    names: Sequence[Any] | None = None,
    files: Sequence[Any] | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Image widths and heights from a file as int64; 0 means unknown.

    A size must be a whole number of pixels up to :data:`MAX_IMAGE_SIDE`: ``1e30``, ``NaN``
    or ``40.5`` is refused, naming the image (``names``: one per image) and its file
    (``files``: one per image, else ``file``), before anything is sized after it.
    """
    sizes = []
    for what, values in (("width", width), ("height", height)):
        try:
            arr = np.asarray(values, dtype=np.float64).reshape(-1)
        except (TypeError, ValueError):
            raise GtconvertError(f"every image {what} must be a number", file=file) from None
        bad = ~np.isfinite(arr) | (arr != np.round(arr)) | (arr > MAX_IMAGE_SIDE) | (arr < 0)
        if bad.any():
            i = int(np.flatnonzero(bad)[0])
            raise GtconvertError(
                f"image {what} {arr[i]:g} is not a whole number of pixels from 0 (unknown) to {MAX_IMAGE_SIDE}",
                file=file if files is None else files[i],
                record=None if names is None else f"image {names[i]!r}",
                fix=f"write the image's real {what}",
            )
        sizes.append(arr.astype(np.int64))
    return sizes[0], sizes[1]


def check_images(images: Any, *, file: Any) -> None:
    """Refuse a dataset whose image table holds sizes past :data:`MAX_IMAGE_SIDE` (any reader)."""
    for what in ("width", "height"):
        values = np.asarray(getattr(images, what))
        bad = (values < 0) | (values > MAX_IMAGE_SIDE)
        if bad.any():
            i = int(np.flatnonzero(bad)[0])
            raise GtconvertError(
                f"image {what} {int(values[i])} is not a whole number of pixels from 0 (unknown) to {MAX_IMAGE_SIDE}",
                file=file,
                record=f"image {images.file_name[i]!r}",
                fix=f"write the image's real {what}",
            )


def check_raster(height: int, width: int, *, name: Any = None) -> None:
    """Refuse painting an image of more than :data:`MAX_RASTER_PIXELS` pixels (before allocating)."""
    if int(height) * int(width) > MAX_RASTER_PIXELS or min(int(height), int(width)) < 0:
        raise GtconvertError(
            f"an image of {width} x {height} pixels is too large to paint masks for "
            f"(the limit is {MAX_RASTER_PIXELS} pixels)",
            file=name,
            fix="check the image's size; convert its annotations to a format without masks",
        )


def check_void_border(border: int, width: Any, height: Any) -> None:
    """Refuse a VOC void band (``--void-border``) negative or wider than every image: its
    dilation kernel is ``2 * border + 1`` pixels square (4e9 asked numpy for exabytes)."""
    largest = int(max(np.max(width, initial=0), np.max(height, initial=0)))
    if border < 0 or border > largest:
        raise GtconvertError(
            f"--void-border {border} is not from 0 to the largest image side ({largest} pixels)",
            fix="give a band of a few pixels (the VOC originals use 5)",
        )


def clip_polygon(part: Any, height: int, width: int) -> np.ndarray:
    """A polygon's vertices bounded for rasterising: non-finite vertices dropped, and the
    polygon cut :data:`CLIP_MARGIN` image sizes past the image.

    The rasteriser walks every edge in fifths of a pixel, so one vertex at 1e10 (or 1e300)
    would make it allocate without bound. A polygon within the grown rectangle (all real
    data, vertices past the border included) is returned unchanged. One reaching farther is
    cut there (Sutherland-Hodgman): the region inside the image is the same, its pixels can
    differ only where rounding the cut points to pycocotools' fifth-of-a-pixel grid moves an
    edge crossing the image. The
    result keeps the input's layout (flat ``x y x y ...`` or ``(n, 2)``); fewer than 3
    vertices means nothing of it lies near the image.
    """
    arr = np.asarray(part, dtype=np.float64)
    v = arr.reshape(-1, 2)
    grow = CLIP_MARGIN * max(int(width), int(height), 1)
    lo = np.array([-grow, -grow], dtype=np.float64)
    hi = np.array([width + grow, height + grow], dtype=np.float64)
    if np.all((v >= lo) & (v <= hi)):  # also False for NaN
        return arr
    v = v[np.isfinite(v).all(axis=1)]
    for axis in (0, 1):
        v = _cut(v, axis, lo[axis], keep_above=True)
        v = _cut(v, axis, hi[axis], keep_above=False)
    return v.reshape(-1) if arr.ndim == 1 else v


def _cut(v: np.ndarray, axis: int, at: float, *, keep_above: bool) -> np.ndarray:
    """One Sutherland-Hodgman pass: the polygon ``v`` on one side of ``x[axis] = at``."""
    if len(v) < 3:
        return v[:0]
    inside = v[:, axis] >= at if keep_above else v[:, axis] <= at
    if inside.all():
        return v
    nxt = np.roll(v, -1, axis=0)
    nxt_inside = np.roll(inside, -1)
    crosses = inside != nxt_inside
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):  # used only where it crosses
        t = (at - v[:, axis]) / (nxt[:, axis] - v[:, axis])
        cut = v + t[:, None] * (nxt - v)
    cut[:, axis] = at  # exactly on the line
    out = np.empty((len(v), 2, 2))
    out[:, 0] = v
    out[:, 1] = cut
    keep = np.stack([inside, crosses], axis=1)  # a vertex if inside, then the crossing if any
    return out[keep]


def check_rle_strings(
    rles: Sequence[dict[str, Any]], *, file: Any, ids: Sequence[Any], what: str = "annotation id"
) -> None:
    """Refuse compressed RLE ``counts`` strings that pycocotools would decode past the image.

    pycocotools trusts the string: counts summing past height x width write past its buffer,
    and a negative count wraps to 4 billion. All strings are decoded at once (5 bits per
    character from ``'0'``, ``0x20`` = more follow, ``0x10`` in the last = negative, counts
    from the fourth on stored as the difference to the one two before); each must give
    non-negative counts summing to exactly height x width.
    """
    strings = [r["counts"] for r in rles if isinstance(r.get("counts"), str)]
    owners = [i for i, r in enumerate(rles) if isinstance(r.get("counts"), str)]
    if not strings:
        return
    ok = _string_counts_ok(strings, [rles[i]["size"] for i in owners])
    if not ok.all():
        k = owners[int(np.flatnonzero(~ok)[0])]
        h, w = rles[k]["size"]
        raise GtconvertError(
            f"the compressed RLE counts do not decode to {h} x {w} pixels "
            "(negative counts, counts past the image, or characters outside '0'..'o')",
            file=file,
            record=f"{what} {ids[k]}",
            fix="write the mask again with pycocotools (mask.encode)",
        )


def _string_counts_ok(strings: list[str], sizes: list[Any]) -> np.ndarray:
    """Per string: True when its counts are all >= 0 and sum to height x width."""
    n = len(strings)
    lengths = np.fromiter((len(s) for s in strings), dtype=np.int64, count=n)
    pixels = np.array([int(s[0]) * int(s[1]) for s in sizes], dtype=np.int64)
    text = "".join(strings)
    try:
        chars = np.frombuffer(text.encode("ascii"), dtype=np.uint8).astype(np.int64) - 48
    except UnicodeEncodeError:
        return np.array([s.isascii() and _string_counts_ok([s], [z])[0] for s, z in zip(strings, sizes)])
    ends = np.cumsum(lengths)
    ok = (lengths > 0) | (pixels == 0)
    if not len(chars):
        return ok & (pixels == 0)
    valid_char = (chars >= 0) & (chars < 64)
    string_of_char = np.repeat(np.arange(n), lengths)
    ok &= np.bincount(string_of_char, weights=~valid_char, minlength=n) == 0
    chars = np.where(valid_char, chars, 0)
    value_end = (chars & 0x20) == 0
    value_end[ends - 1] = True  # a value cut by the end of its string ends there (and is refused)
    last = np.flatnonzero(value_end)  # the final character of each value
    ended = lengths == 0
    ended[lengths > 0] = (chars[ends[lengths > 0] - 1] & 0x20) == 0
    ok &= ended  # a string cut inside a value
    if not len(last):
        return ok & (pixels == 0)
    first = np.concatenate([[0], last[:-1] + 1])
    n_chars = last - first + 1
    ok &= np.bincount(string_of_char[last], weights=n_chars > 9, minlength=n) == 0  # 45 bits
    n_chars = np.minimum(n_chars, 9)
    position = np.arange(last[-1] + 1) - np.repeat(first, last - first + 1)
    position = np.minimum(position, 8)
    values = np.add.reduceat((chars[: last[-1] + 1] & 0x1F) << (5 * position), first)
    negative = (chars[last] & 0x10) != 0
    values[negative] -= np.left_shift(1, 5 * n_chars[negative])
    counts = _undelta(values, string_of_char[last])
    owner = string_of_char[last]
    ok &= np.bincount(owner, weights=(counts < 0) | (counts > pixels[owner]), minlength=n) == 0
    totals = np.zeros(n, dtype=np.int64)
    np.add.at(totals, owner, np.clip(counts, 0, None))
    return ok & (totals == pixels)


def _undelta(values: np.ndarray, owner: np.ndarray) -> np.ndarray:
    """Counts from pycocotools' stored values: from the fourth count of each string on, a
    count is stored as its difference to the count two before (per string, by parity)."""
    index = np.arange(len(values)) - np.searchsorted(owner, owner)  # position in its string
    group = owner * 2 + (index & 1)
    summed = np.where(index == 0, 0, values)  # the first count is not part of any chain
    order = np.lexsort((index, group))
    running = np.cumsum(summed[order])
    g = group[order]
    starts = np.flatnonzero(np.r_[True, g[1:] != g[:-1]])
    running -= np.repeat(running[starts] - summed[order][starts], np.diff(np.r_[starts, len(g)]))
    out = np.empty_like(values)
    out[order] = running
    return np.where(index == 0, values, out)


def check_mat(path: str | os.PathLike, limit: int | None = None) -> None:
    """Refuse a MAT-file whose variables would take more than :data:`MAX_MAT_BYTES` loaded.

    v7.3 (HDF5): every dataset's declared shape times its item size, before any is read.
    v7 and earlier: each variable's declared class and shape (``scipy.io.whosmat``), then
    the bytes its zlib stream inflates to, counted in chunks that are not kept (a 1.5 MB
    file can inflate to 1.5 GB). Files that are neither are left to the reader.
    """
    limit = MAX_MAT_BYTES if limit is None else limit
    with open(path, "rb") as fh:
        head = fh.read(128)
    if len(head) < 128 or not head.startswith(b"MATLAB"):
        return
    if head[124:126] in (b"\x00\x02", b"\x02\x00"):
        total, what = _hdf5_declared_bytes(path)
    else:
        total, what = _v5_declared_bytes(path)
        if total <= limit:
            total, what = _v5_inflated_bytes(path, limit), "its compressed variables, inflated,"
    if total > limit:
        raise GtconvertError(
            f"{what} would take {total} bytes, more than the {limit} gtconvert loads",
            file=path,
            fix="this is not a label file; if it is, save the labels without the large variables",
        )


def _v5_declared_bytes(path: str | os.PathLike) -> tuple[int, str]:
    """The largest numeric variable by its declared shape (whosmat reads headers only)."""
    from scipy.io import whosmat

    try:
        variables = whosmat(os.fspath(path))
    except Exception:  # a damaged file is the reader's to name
        return 0, ""
    sizes = [
        (int(np.prod(shape, dtype=np.float64)) * _ITEM_BYTES.get(cls, 0), name)
        for name, shape, cls in variables
    ]
    total, name = max(sizes, default=(0, ""))
    return total, f"variable {name!r}"


#: Bytes per element of MATLAB's numeric classes (struct, cell, object: their parts count).
_ITEM_BYTES = {
    "double": 8, "single": 4, "int8": 1, "uint8": 1, "int16": 2, "uint16": 2, "int32": 4,
    "uint32": 4, "int64": 8, "uint64": 8, "logical": 1, "char": 2, "sparse": 16,
}  # fmt: skip


def _v5_inflated_bytes(path: str | os.PathLike, limit: int) -> int:
    """Bytes of every top-level element, compressed ones (miCOMPRESSED) inflated; stops past ``limit``."""
    import struct

    total = 0
    with open(path, "rb") as fh:
        head = fh.read(128)
        order = "<" if head[126:128] == b"IM" else ">"
        while total <= limit:
            tag = fh.read(8)
            if len(tag) < 8:
                break
            kind, nbytes = struct.unpack(order + "II", tag)
            if kind >> 16:  # a small element: its data is in the tag
                continue
            if kind != 15:  # miCOMPRESSED
                total += nbytes
                fh.seek(nbytes + (-nbytes % 8), os.SEEK_CUR)
                continue
            total += _inflated(fh, nbytes, limit - total)
    return total


def _inflated(fh: Any, nbytes: int, room: int) -> int:
    """How many bytes ``nbytes`` of zlib data inflate to, counting at most ``room`` + 1 MiB."""
    import zlib

    inflater, total, left = zlib.decompressobj(), 0, nbytes
    while left > 0 and total <= room:
        chunk = fh.read(min(left, 1 << 16))
        if not chunk:
            break
        left -= len(chunk)
        try:
            while chunk and total <= room:
                total += len(inflater.decompress(chunk, 1 << 20))
                chunk = inflater.unconsumed_tail
        except zlib.error:
            break  # damaged: the reader says so
        if inflater.eof:
            break
    fh.seek(left, os.SEEK_CUR)
    return total


def _hdf5_declared_bytes(path: str | os.PathLike) -> tuple[int, str]:
    """Declared bytes of every dataset of a v7.3 file (shapes and types only, no data read)."""
    try:
        import h5py

        sizes: list[int] = []

        def visit(_name: str, node: Any) -> None:
            if isinstance(node, h5py.Dataset) and node.shape is not None:
                sizes.append(int(np.prod(node.shape, dtype=np.float64)) * node.dtype.itemsize)

        with h5py.File(path, "r") as f:
            f.visititems(visit)
    except Exception:  # a damaged file is the reader's to name
        return 0, ""
    return sum(sizes), "its datasets"
