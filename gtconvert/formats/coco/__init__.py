"""COCO detection/segmentation JSON: boxes, polygons with several parts, RLE, crowd.

Kept through a round trip: image, annotation and category ids; ``info``, ``licenses`` and any
unknown top-level, image, category or annotation keys; images without annotations. Shapes
COCO has no field for are carried in extension keys other tools ignore: ``rbox`` (rotated
box, with its 4 corners as the polygon), ``attributes`` (as CVAT writes them), ``parent_id``
(MATLAB sublabels), and the MATLAB label-definition fields on categories. Polylines, points,
image-level tags and projected cuboids are not written; a warning says how many.

``reader.py`` reads a file (whole, or a big one in slices), ``annotations.py`` turns annotation
records into columns, ``records.py`` holds the known keys and shared checks, ``writer.py``
writes.
"""

from __future__ import annotations

import os

from .reader import read
from .writer import write

__all__ = ["DESCRIPTION", "detect", "read", "write"]

DESCRIPTION = "COCO JSON (boxes, polygons, RLE masks)"


def detect(path: str) -> bool:
    if not (os.path.isfile(path) and path.lower().endswith(".json")):
        return False
    with open(path, "rb") as f:
        head = f.read(1 << 16)
    return any(key in head for key in (b'"images"', b'"annotations"', b'"categories"'))
