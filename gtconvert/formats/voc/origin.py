"""Where VOC box corners start: the devkit's 1-based inclusive pixels, or zero-based corners.

``devkit`` (the VOC devkit, MATLAB): the top-left pixel is (1, 1) and ``xmax`` is the last
pixel inside, so ``x = xmin - 1`` and ``w = xmax - xmin + 1`` in the COCO frame.
``zero`` (Datumaro, CVAT, globox, labelme, Roboflow): ``x = xmin`` and ``w = xmax - xmin``,
the corners of the COCO frame as they are; a box at the image's left edge has ``xmin = 0``.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ... import geometry
from ...errors import GtconvertError

ORIGINS = ("devkit", "zero")
DEFAULT = "devkit"
SIDECAR_KEY = "voc_origin"  # gtconvert.json records the origin its folder was written with


def resolve(origin: str | None, side: dict[str, Any] | None = None) -> str:
    """The origin to use: the one given, else the one gtconvert.json records, else the devkit's."""
    if origin is None:
        recorded = (side or {}).get(SIDECAR_KEY)
        origin = recorded if recorded in ORIGINS else DEFAULT
    if origin not in ORIGINS:
        raise GtconvertError(
            f"unknown VOC origin {origin!r}",
            fix="use --origin devkit (1-based, the VOC devkit) or --origin zero (Datumaro, CVAT, globox)",
        )
    return origin


def slack(origin: str) -> int:
    """How far ``xmax`` may lie below ``xmin`` in a valid box (an inclusive 1-pixel box has them equal)."""
    return 1 if origin == "devkit" else 0


def to_coco(xyxy: np.ndarray, origin: str) -> np.ndarray:
    """VOC ``(xmin, ymin, xmax, ymax)`` -> COCO ``(x, y, w, h)``."""
    if origin == "devkit":
        return geometry.voc_boxes_to_coco(xyxy)
    b = np.asarray(xyxy, dtype=np.float64).reshape(-1, 4)
    return np.stack([b[:, 0], b[:, 1], b[:, 2] - b[:, 0], b[:, 3] - b[:, 1]], axis=1)


def from_coco(boxes: np.ndarray, origin: str) -> np.ndarray:
    """COCO ``(x, y, w, h)`` -> VOC ``(xmin, ymin, xmax, ymax)``."""
    if origin == "devkit":
        return geometry.coco_boxes_to_voc(boxes)
    b = np.asarray(boxes, dtype=np.float64).reshape(-1, 4)
    return np.stack([b[:, 0], b[:, 1], b[:, 0] + b[:, 2], b[:, 1] + b[:, 3]], axis=1)
