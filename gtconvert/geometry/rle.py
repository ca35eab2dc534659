"""COCO run-length masks (RLE), through pycocotools, and label matrices to RLE.

pycocotools wants Fortran-ordered uint8 masks and its own form of an RLE (``counts`` as bytes,
:func:`compress_rle`); what gtconvert keeps and writes is the JSON-ready form (``counts`` as
str, :func:`json_ready_rle`). Uncompressed ``counts`` lists (COCO's crowd form) are accepted
wherever an RLE is. A polygon rasterises through pixel corners: the square with corners 10
and 20 fills pixels 10..19.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from ..limits import clip_polygon
from .polygons import pycocotools_ready


def polygon_to_rle(parts: Sequence[np.ndarray], height: int, width: int) -> dict[str, Any]:
    """Rasterise the parts of one polygon (COCO frame) into one compressed RLE."""
    from pycocotools import mask as mask_utils

    bounded = [clip_polygon(p, height, width) for p in parts if len(p) >= 3]  # rasterising work bounded
    flat = [pycocotools_ready(p).ravel().tolist() for p in bounded if p.size >= 6]
    if not flat:
        return mask_to_rle(np.zeros((height, width), dtype=np.uint8))
    rles = mask_utils.frPyObjects(flat, int(height), int(width))
    return json_ready_rle(mask_utils.merge(rles))


def mask_to_rle(mask: np.ndarray) -> dict[str, Any]:
    """A 2-D boolean/0-1 mask -> compressed RLE with ``counts`` as str (JSON-ready)."""
    from pycocotools import mask as mask_utils

    return json_ready_rle(mask_utils.encode(np.asfortranarray(mask, dtype=np.uint8)))


def json_ready_rle(rle: dict[str, Any]) -> dict[str, Any]:
    """pycocotools' RLE (``counts`` as bytes) -> the JSON-ready form gtconvert keeps (str)."""
    counts = rle["counts"]
    if isinstance(counts, bytes):
        counts = counts.decode("ascii")
    return {"size": [int(rle["size"][0]), int(rle["size"][1])], "counts": counts}


def compress_rle(rle: dict[str, Any]) -> dict[str, Any]:
    """pycocotools' own form of an RLE: uncompressed ``counts`` lists are compressed."""
    from pycocotools import mask as mask_utils

    h, w = rle["size"]
    counts = rle["counts"]
    if isinstance(counts, list):
        return mask_utils.frPyObjects(rle, int(h), int(w))
    if isinstance(counts, str):
        counts = counts.encode("ascii")
    return {"size": [int(h), int(w)], "counts": counts}


def rle_decode(rle: dict[str, Any]) -> np.ndarray:
    """RLE (compressed or uncompressed counts) -> (H, W) uint8 mask."""
    from pycocotools import mask as mask_utils

    return mask_utils.decode(compress_rle(rle))


def rle_area(rles: Sequence[dict[str, Any]]) -> np.ndarray:
    """Pixel counts of RLE masks, without decoding them."""
    from pycocotools import mask as mask_utils

    if not len(rles):
        return np.zeros(0, dtype=np.float64)
    compressed = [compress_rle(r) for r in rles]
    # pycocotools 2.0.x sizes its output with a uint8 under numpy 2 and overflows past 255
    # masks in one call ("Python integer 300 out of bounds for uint8"): ask in chunks.
    chunks = [mask_utils.area(compressed[k : k + 255]) for k in range(0, len(compressed), 255)]
    return np.concatenate([np.asarray(c, dtype=np.float64).reshape(-1) for c in chunks])


def rle_bbox(rles: Sequence[dict[str, Any]]) -> np.ndarray:
    """Tight COCO boxes of RLE masks, without decoding them."""
    from pycocotools import mask as mask_utils

    if not len(rles):
        return np.zeros((0, 4), dtype=np.float64)
    return np.asarray(mask_utils.toBbox([compress_rle(r) for r in rles]), dtype=np.float64)


def rle_to_uncompressed(rle: dict[str, Any]) -> dict[str, Any]:
    """RLE with ``counts`` as a list of run lengths (COCO's crowd form)."""
    mask = rle_decode(rle)
    flat = mask.ravel(order="F")
    change = np.flatnonzero(np.diff(flat)) + 1
    bounds = np.concatenate([[0], change, [flat.size]])
    runs = np.diff(bounds).tolist()
    if flat.size and flat[0] == 1:
        runs = [0, *runs]  # COCO runs always start with a run of zeros
    return {"size": list(rle["size"]), "counts": runs}


def rle_counts(rle: dict[str, Any]) -> np.ndarray:
    """The run lengths of an RLE (COCO's compressed string or an uncompressed list) as int64.

    Decodes pycocotools' string form (``rleFrString``: 5 bits per character from ``'0'``,
    0x20 = more characters follow, 0x10 in the last one = negative, and from the fourth count
    on each count is stored as the difference to the count two before) in whole arrays.
    """
    counts = rle["counts"]
    if isinstance(counts, (list, tuple, np.ndarray)):
        return np.asarray(counts, dtype=np.int64).reshape(-1)
    text = counts.encode("ascii") if isinstance(counts, str) else bytes(counts)
    chars = np.frombuffer(text, dtype=np.uint8).astype(np.int64) - 48
    last = np.flatnonzero((chars & 0x20) == 0)  # the final character of each value
    if not len(last):
        return np.zeros(0, dtype=np.int64)
    first = np.concatenate([[0], last[:-1] + 1])
    n_chars = last - first + 1
    if n_chars.max() > 12:  # 60 bits: no valid count is that long
        raise ValueError("RLE counts string holds a value longer than 12 characters")
    position = np.arange(last[-1] + 1) - np.repeat(first, n_chars)
    values = np.add.reduceat((chars[: last[-1] + 1] & 0x1F) << (5 * position), first)
    negative = (chars[last] & 0x10) != 0
    values[negative] -= np.left_shift(1, 5 * n_chars[negative])
    out = values.copy()
    out[1::2] = np.cumsum(values[1::2])  # counts[m] += counts[m - 2] for m > 2
    out[2::2] = np.cumsum(values[2::2])
    return out


def rle_crop(rle: dict[str, Any]) -> tuple[int, int, np.ndarray] | None:
    """An RLE mask cut to its bounding box: ``(row0, col0, crop)`` (bool), None when empty.

    Pasting ``crop`` at ``(row0, col0)`` into an all-False ``(H, W)`` array gives exactly
    :func:`rle_decode`'s mask; the work is O(runs + columns spanned x H), not O(H x W).
    """
    h, w = int(rle["size"][0]), int(rle["size"][1])
    counts = rle_counts(rle)
    ends = np.cumsum(counts)
    starts = ends - counts
    fg_start, fg_end = starts[1::2], ends[1::2]  # runs alternate background, foreground
    on = (fg_end > fg_start) & (fg_start < h * w)
    if not on.any() or h == 0:
        return None
    fg_start, fg_end = fg_start[on], np.minimum(fg_end[on], h * w)
    col0, col1 = int(fg_start[0] // h), int((fg_end[-1] - 1) // h + 1)
    if np.any(fg_start // h != (fg_end - 1) // h):  # a run wraps into the next column
        row0, row1 = 0, h
    else:
        row0, row1 = int((fg_start % h).min()), int(((fg_end - 1) % h).max() + 1)
    base, size = col0 * h, (col1 - col0) * h
    lengths = np.clip(ends, base, base + size) - np.clip(starts, base, base + size)
    values = (np.arange(len(counts)) & 1).astype(bool)
    block = np.repeat(values, lengths)
    if len(block) < size:  # counts that stop short of H x W: the rest is background
        block = np.concatenate([block, np.zeros(size - len(block), dtype=bool)])
    return row0, col0, block.reshape(col1 - col0, h).T[row0:row1]


# ---------------------------------------------------------------------------------------
# Label matrices (one integer or RGB value per label) -> one RLE per value or component
# ---------------------------------------------------------------------------------------


def _value_mask(matrix: np.ndarray, value: Any) -> np.ndarray:
    value = np.atleast_1d(np.asarray(value))
    if matrix.ndim == 3:
        return np.all(matrix[..., : len(value)] == value, axis=-1)
    return matrix == value[0]


def label_matrix_to_rles(matrix: np.ndarray, values: Sequence[Any]) -> list[dict[str, Any]]:
    """One RLE per value: the pixels of ``matrix`` equal to it (a scalar id or an RGB triplet)."""
    return [mask_to_rle(_value_mask(matrix, v)) for v in values]


def label_matrix_to_instance_rles(
    matrix: np.ndarray, values: Sequence[Any]
) -> tuple[np.ndarray, list[dict[str, Any]]]:
    """One RLE per 8-connected component of each value (``--instances``).

    Returns the index into ``values`` of each component and the components' RLEs, in the
    order of ``values`` and, within a value, in raster order of the components' first pixel.
    8-connectivity matches the contours of :func:`mask_to_polygons`.
    """
    from scipy import ndimage

    owner: list[int] = []
    rles: list[dict[str, Any]] = []
    eight = np.ones((3, 3), dtype=bool)
    height, width = matrix.shape[:2]
    for k, v in enumerate(values):
        labels, _ = ndimage.label(_value_mask(matrix, v), structure=eight)
        # each component is encoded from its bounding-box crop: O(crop), not O(image)
        for comp, box in enumerate(ndimage.find_objects(labels), start=1):
            owner.append(k)
            rles.append(_crop_to_rle(labels[box] == comp, box[0].start, box[1].start, height, width))
    return np.asarray(owner, dtype=np.int64), rles


def _crop_to_rle(crop: np.ndarray, row0: int, col0: int, height: int, width: int) -> dict[str, Any]:
    """RLE of a full (height, width) mask that is zero outside ``crop`` placed at (row0, col0).

    RLE runs follow column-major order, so a foreground pixel (r, c) sits at ``c * height + r``;
    the crop's pixels in its own column-major order come out sorted, and runs are where that
    flat index stops increasing by one.
    """
    from pycocotools import mask as mask_utils

    ch = crop.shape[0]
    idx = np.flatnonzero(crop.ravel(order="F"))
    flat = (idx // ch + col0) * height + (idx % ch + row0)
    breaks = np.flatnonzero(np.diff(flat) != 1) + 1
    starts = flat[np.concatenate([[0], breaks])]
    ends = flat[np.concatenate([breaks - 1, [len(flat) - 1]])] + 1
    edges = np.empty(2 * len(starts) + 2, dtype=np.int64)
    edges[0], edges[-1] = 0, height * width
    edges[1:-1:2], edges[2:-1:2] = starts, ends
    counts = np.diff(edges).tolist()  # zeros, ones, zeros, ... (a leading 0 run may be empty)
    return json_ready_rle(mask_utils.frPyObjects({"size": [height, width], "counts": counts}, height, width))
