"""Cropping objects out of their images: boxes to whole pixels, one decode per image."""

from __future__ import annotations

import os

import numpy as np

from ...errors import GtconvertError
from ...model import Dataset
from ...pixels import map_files

#: Pillow modes a PNG holds as they are; others (CMYK, YCbCr, ...) are saved as RGB.
PNG_MODES = ("1", "L", "LA", "P", "RGB", "RGBA", "I", "I;16")


def pixel_boxes(boxes: np.ndarray) -> np.ndarray:
    """``(x, y, w, h)`` in the COCO frame as the whole pixels they touch: ``(x0, y0, x1, y1)``."""
    x0 = np.floor(boxes[:, 0])
    y0 = np.floor(boxes[:, 1])
    x1 = np.ceil(boxes[:, 0] + boxes[:, 2])
    y1 = np.ceil(boxes[:, 1] + boxes[:, 3])
    return np.stack([x0, y0, x1, y1], axis=1).astype(np.int64)


def crop_jobs(
    dataset: Dataset,
    rows: np.ndarray,
    boxes: np.ndarray,
    names: list[str],
    targets: list[str],
    split_prefix: list[str],
    folders: list[str],
    out: str,
) -> list[tuple[str, list[tuple[str, tuple[int, int, int, int]]]]]:
    """Per image with objects: its path (``names`` under the image root) and, per object, the
    crop's path (``targets`` without suffix, ``_<annotation id>.png``) and pixel box."""
    ann = dataset.annotations
    pixel = pixel_boxes(boxes).tolist()
    by_image: dict[int, list[tuple[str, tuple[int, int, int, int]]]] = {}
    for j, (r, i, c) in enumerate(zip(rows.tolist(), ann.image[rows].tolist(), ann.category[rows].tolist())):
        stem = targets[i].rpartition(".")[0] if "." in targets[i].rpartition("/")[2] else targets[i]
        dst = f"{out}/{split_prefix[i]}{folders[c]}/{stem}_{int(ann.id[r])}.png"
        by_image.setdefault(i, []).append((dst, tuple(pixel[j])))
    return [(os.path.join(dataset.image_root, names[i]), crops) for i, crops in sorted(by_image.items())]


def write_crops(jobs: list[tuple[str, list]]) -> tuple[int, int]:
    """Write every crop; returns (images not found, objects with no pixel in their image)."""
    results = map_files(_crop_image, jobs, per_task=4)
    missing = sum(len(crops) for (_, crops), r in zip(jobs, results) if r is None)
    return missing, sum(r for r in results if r is not None)


def _crop_image(src: str, crops: list[tuple[str, tuple[int, int, int, int]]]) -> int | None:
    """Crop one image (decoded once); None when it is missing, else how many crops were empty."""
    from PIL import Image

    try:
        im = Image.open(src)
    except FileNotFoundError:
        return None
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError) as exc:  # damaged images
        raise GtconvertError(f"cannot read the image ({exc})", file=src) from None
    with im:
        im.load()
        if im.mode not in PNG_MODES:
            im = im.convert("RGB")
        w, h = im.size
        empty = 0
        for dst, (x0, y0, x1, y1) in crops:
            x0, y0, x1, y1 = max(x0, 0), max(y0, 0), min(x1, w), min(y1, h)
            if x1 <= x0 or y1 <= y0:
                empty += 1
                continue
            os.makedirs(os.path.dirname(dst), exist_ok=True)
            im.crop((x0, y0, x1, y1)).save(dst)
        return empty
