"""The exact text of label files: ``cls v1 ... vn`` rows, values as ``"%.6f"`` gives them.

``format_rows`` is the one clever part: the values are formatted as numpy byte columns (no
Python call per number), and its oracle, ``tests/formats/test_yolo_text.py``, checks every byte
against plain ``%.6f`` formatting. ``format_labels`` cuts its text into one file per image.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator

import numpy as np

from ... import geometry
from ...errors import GtconvertError
from ...model import Dataset


def format_labels(
    dataset: Dataset, rows: np.ndarray, row_start: np.ndarray, coords: np.ndarray, upper: float = 1.0
) -> Iterator[tuple[int, list[bytes]]]:
    """The bytes of every image's label file (b"" for images without objects), in chunks.

    Yields ``(first image, texts of the images from there)``. Each row is ``cls v1 ... vn``; a
    value is written to 6 decimals without trailing zeros (``0.5``, ``1``, ``0.123457``). The
    values are formatted as numpy byte columns, about ``CHUNK`` at a time (no Python call per
    number), then cut into files; chunks keep the text of a large dataset out of memory.
    ``upper`` is the largest value written (2 for pose rows: a visibility is 0, 1 or 2).
    """
    ann = dataset.annotations
    image_of_row = ann.image[rows]
    order = np.argsort(image_of_row, kind="stable")
    cls = ann.category[rows][order]
    counts = np.diff(row_start)[order]
    coords = coords[geometry.ragged_index(row_start[:-1][order], counts)]
    rows_per_image = np.bincount(image_of_row, minlength=len(dataset.images))
    image_row_start = np.concatenate([[0], np.cumsum(rows_per_image)])
    sorted_start = np.concatenate([[0], np.cumsum(counts)])
    # chunks of whole images, about CHUNK values each, so memory stays bounded on large sets
    values_before_image = sorted_start[image_row_start]
    cuts = (
        np.searchsorted(values_before_image, np.arange(0, values_before_image[-1], CHUNK), side="right") - 1
    )
    bounds = sorted({0, len(rows_per_image), *cuts.tolist()})
    for i0, i1 in itertools.pairwise(bounds):
        r0, r1 = image_row_start[i0], image_row_start[i1]
        v0, v1 = sorted_start[r0], sorted_start[r1]
        text, row_start_byte = format_rows(cls[r0:r1], sorted_start[r0 : r1 + 1] - v0, coords[v0:v1], upper)
        # row k is text[row_start_byte[k] + 1 : row_start_byte[k + 1] + 1] (see format_rows)
        starts = row_start_byte[image_row_start[i0 : i1 + 1] - r0].tolist()
        yield i0, [text[a + 1 : b + 1] if b > a else b"" for a, b in itertools.pairwise(starts)]


#: Values formatted at once (about 16 bytes of scratch each), so memory stays bounded.
CHUNK = 1 << 20


def _byte_lane(prefix: bytes, digits: str, suffix: bytes) -> int:
    """Eight bytes as one little-endian integer (a lane of a label record)."""
    return int.from_bytes(prefix + digits.encode() + suffix, "little")


# the value lane "d.dddddd": '0.' plus the digit groups, each in its own bytes (so sums are ORs)
_NUMBER_BASE = _byte_lane(b"0.", "", bytes(6))
_HIGH3 = np.array([_byte_lane(bytes(2), f"{k:03d}", bytes(3)) for k in range(1000)], dtype=np.uint64)
_LOW3 = np.array([_byte_lane(bytes(5), f"{k:03d}", b"") for k in range(1000)], dtype=np.uint64)
# bytes kept of the value lane with k significant decimals: the digit, the point if k > 0, k digits
_NUMBER_KEEP = np.array(
    [_byte_lane(b"\xff" + (b"\xff" if k else b"\0") + b"\xff" * k, "", bytes(6 - k)) for k in range(7)],
    dtype=np.uint64,
)
# significant digits of a 3-digit group once its trailing zeros are cut: 120 -> 2, 0 -> 0
_SIGNIFICANT3 = np.array([len(f"{k:03d}".rstrip("0")) for k in range(1000)], dtype=np.int64)


def _micro_units(values: np.ndarray, upper: float = 1.0) -> np.ndarray:
    """``round(v * 1e6)`` as ``"%.6f" % v`` rounds it: the exact binary value, ties to even.

    ``rint(v * 1e6)`` alone is wrong where the product rounds onto a half: 42.52 / 640 is
    stored a little below 0.0664375, ``%.6f`` prints 0.066437, but ``v * 1e6`` rounds to
    66437.5 and then to even, 66438. Such ties are common (2-decimal pixels over 640). The
    product's exact rounding error (Dekker's two-product; 1e6 needs no split) says on which
    side of the half the stored value lies.
    """
    v = np.clip(np.asarray(values, dtype=np.float64), 0.0, upper)
    if not np.isfinite(v).all():  # objects with NaN coordinates are dropped before; never print garbage
        raise GtconvertError(
            "a YOLO coordinate is not a finite number", fix="run gtconvert validate on the input"
        )
    product = v * 1e6
    micro = np.rint(product)
    half = np.flatnonzero(product - np.floor(product) == 0.5)
    if len(half):
        p, x = product[half], v[half]
        split = x * 134217729.0  # 2**27 + 1: x = high + low, each with at most 26 bits
        high = split - (split - x)
        error = (high * 1e6 - p) + (x - high) * 1e6  # exact: x * 1e6 == p + error
        micro[half] = np.where(error > 0, np.ceil(p), np.where(error < 0, np.floor(p), micro[half]))
    return micro.astype(np.int64)


def format_rows(
    cls: np.ndarray, row_start: np.ndarray, values: np.ndarray, upper: float = 1.0
) -> tuple[bytes, np.ndarray]:
    """Label rows as ASCII, each *preceded* by its newline, and where each row starts.

    Every value is a fixed-width record of little-endian 8-byte lanes: a prefix lane, right
    aligned (``"\\n<class> "`` before a row's first value, ``" "`` before the others), then
    the value lane ``d.dddddd`` with its trailing zeros (and a bare point) zeroed. Bytes that
    are not text are 0, so one selection of the non-zero bytes gives the text. Values are
    normalised to [0, 1]; the digits are exactly those of ``"%.6f" % v``.

    Returns ``text + b"\\n"`` and the byte offset of each row's leading newline (plus one
    past the last row): row k is ``text[start[k] + 1 : start[k + 1] + 1]``, newline included.
    """
    n = len(values)
    if n == 0:
        return b"\n", np.zeros(1, dtype=np.int64)
    first = row_start[:-1]
    classes, cls = np.unique(cls, return_inverse=True)  # a prefix per class present
    prefix_width = 8 * ((len(str(classes.max())) + 2 + 7) // 8)  # "\n" + digits + " ", whole lanes
    lanes = prefix_width // 8
    prefixes = np.frombuffer(
        b"".join(f"\n{k} ".encode().rjust(prefix_width, b"\0") for k in classes.tolist()), dtype=np.uint8
    ).reshape(len(classes), prefix_width)

    micro = _micro_units(values, upper)
    whole = micro // 1_000_000
    high, low = np.divmod(micro - whole * 1_000_000, 1000)
    sig = np.where(low > 0, 3 + _SIGNIFICANT3[low], _SIGNIFICANT3[high])

    record = np.zeros((n, lanes + 1), dtype="<u8")
    record[:, lanes - 1] = np.uint64(ord(" ")) << np.uint64(56)  # " " in the prefix's last byte
    record[:, lanes] = (
        np.uint64(_NUMBER_BASE) + whole.astype(np.uint64) + _HIGH3[high] + _LOW3[low]
    ) & _NUMBER_KEEP[sig]
    record.view(np.uint8).reshape(n, -1)[first, :prefix_width] = prefixes[cls]
    flat = record.view(np.uint8).ravel()
    text = flat[flat != 0].tobytes() + b"\n"

    length = 2 + (sig > 0) + sig  # " " + digit + point + decimals
    length[first] += np.count_nonzero(prefixes[cls], axis=1) - 1  # "\n<class> " instead of " "
    ends = np.cumsum(length)
    starts = np.append(ends[first] - length[first], len(text) - 1)
    return text, starts
