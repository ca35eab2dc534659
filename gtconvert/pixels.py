"""Label-matrix images: reading them, and turning lazy pixel references into RLE masks.

A :class:`~gtconvert.model.PixelRef` names a PNG and a pixel value. Many references share one
PNG (one per label per image), so they are grouped by file and each file is decoded once,
in a process pool when there are enough files to pay for it. Memory stays bounded by the
images in flight, never the whole dataset.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import Any

import numpy as np

from .errors import GtconvertError
from .model import PixelRef

#: Below this many files a pool costs more than it saves.
POOL_MIN_FILES = 8


def read_label_matrix(path: str) -> np.ndarray:
    """A label PNG as (H, W) integers, or (H, W, 3) for RGB label images."""
    from PIL import Image

    try:
        with Image.open(path) as im:
            if im.mode == "P":
                return np.asarray(im)  # palette indices are the labels
            if im.mode in ("RGB", "RGBA"):
                return np.asarray(im.convert("RGB"))
            return np.asarray(im)
    except FileNotFoundError:
        raise GtconvertError(
            "label image not found", file=path, fix="pass --images DIR where the label PNGs are"
        ) from None
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError) as exc:  # damaged PNGs
        raise GtconvertError(f"cannot read label image ({exc})", file=path) from None


def mask_of(matrix: np.ndarray, value: tuple[int, ...]) -> np.ndarray:
    """Pixels of a label matrix equal to ``value`` (scalar id, or RGB triplet)."""
    if matrix.ndim == 3:
        return np.all(matrix[..., : len(value)] == np.asarray(value), axis=-1)
    return matrix == value[0]


def _encode_file(path: str, values: list[tuple[int, ...]]) -> list[dict[str, Any]]:
    from .geometry import mask_to_rle

    matrix = read_label_matrix(path)
    return [mask_to_rle(mask_of(matrix, v)) for v in values]


def encode_pixel_refs(refs: Sequence[PixelRef], workers: int | None = None) -> list[dict[str, Any]]:
    """RLE masks for ``refs``, in order; each PNG decoded once, files spread over processes."""
    by_file: dict[str, list[int]] = {}
    for i, ref in enumerate(refs):
        by_file.setdefault(ref.path, []).append(i)
    out: list[dict[str, Any]] = [{}] * len(refs)
    files = list(by_file)
    jobs = [(f, [refs[i].value for i in by_file[f]]) for f in files]
    workers = workers if workers is not None else (os.cpu_count() or 1)
    if workers > 1 and len(files) >= POOL_MIN_FILES:
        with ProcessPoolExecutor(max_workers=workers) as pool:
            results = pool.map(_encode_file, *zip(*jobs), chunksize=4)
            for f, rles in zip(files, results):
                for i, rle in zip(by_file[f], rles):
                    out[i] = rle
    else:
        for f, values in jobs:
            for i, rle in zip(by_file[f], _encode_file(f, values)):
                out[i] = rle
    return out
