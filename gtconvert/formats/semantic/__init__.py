"""Semantic segmentation: one class-index PNG per image, in the layout Ultralytics' semantic
segmentation task reads (``docs/operations.md``)::

    dataset/
      data.yaml                   path, train, val, names {0: ...}, masks_dir: masks
      images/[<split>/]<image>    the images
      masks/[<split>/]<stem>.png  8-bit grey: pixel = class index 0..N-1, 255 = ignore

Classes are the categories whose objects have an area (boxes, rotated boxes, polygons,
masks, pixel labels), in the dataset's order. Pixels no object covers are 255: MATLAB's 0 =
unlabelled becomes 255 and its PixelLabelIDs become 0..N-1. Reading gives one lazy
pixel-label annotation per class present in a mask.
"""

from __future__ import annotations

from .layout import looks_like_semantic
from .reader import read
from .writer import write

__all__ = ["DESCRIPTION", "detect", "read", "write"]

DESCRIPTION = "semantic segmentation (class-index PNGs, 255 = ignore; Ultralytics semantic layout)"


def detect(path: str) -> bool:
    return looks_like_semantic(path)
