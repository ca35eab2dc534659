"""OpenLABEL's coordinate rule as MathWorks applies it, and for other tools' files.

These functions belong beside the other rules in :mod:`gtconvert.geometry.frames`; they live
here until that module's owner moves them.

ASAM OpenLABEL 1.0 gives a ``bbox`` as ``[x, y, w, h]`` with ``(x, y)`` the *centre*, a
``rbbox`` as ``[x, y, w, h, alpha]`` with ``alpha`` in radians, "positive from x to y axes"
(clockwise on a y-down image), and ``poly2d``/``point2d`` as plain ``(x, y)`` values. It does
not say where pixel 0 lies; MathWorks' ``groundTruthToOpenLabel`` decides it by subtracting 1
from MATLAB's 1-based values ("0-based indexing"):

* a Rectangle ``[x y w h]`` (1-based pixel indices) is written ``[x-1+w/2, y-1+h/2, w, h]``;
  its COCO box is ``[x-1, y-1, w, h]`` (``shared/docs/matlab-groundtruth.md`` section 3), so
  COCO is ``[cx - w/2, cy - h/2, w, h]`` whatever the vertex convention;
* polygon, line and point vertices and rotated-box centres (MATLAB spatial values ``v``) are
  written ``v - 1``. Exact COCO is ``v - 0.5`` ("center", gtconvert's MATLAB default), i.e.
  ``file + 0.5``; MathWorks' own reading of the same values is ``v - 1`` ("openlabel"), i.e.
  the file value itself, which is also how other OpenLABEL tools (FiftyOne) read them;
* projected-cuboid corners are written from the Rectangle faces minus 1: COCO is the value.

Both conventions invert exactly on values a labeler writes (``>= 0.5``); see ``docs/openlabel.md``.
"""

from __future__ import annotations

import numpy as np

#: What to add to an OpenLABEL vertex (poly2d, point2d, rbbox centre) to reach the COCO frame.
VERTEX_OFFSET = {"center": 0.5, "openlabel": 0.0}


def vertex_offset(convention: str) -> float:
    """The offset of a vertex convention (:data:`VERTEX_OFFSET`); ValueError when unknown."""
    try:
        return VERTEX_OFFSET[convention]
    except KeyError:
        raise ValueError(
            f"unknown vertex convention {convention!r}; use one of {sorted(VERTEX_OFFSET)}"
        ) from None


def openlabel_boxes_to_coco(cxcywh: np.ndarray) -> np.ndarray:
    """OpenLABEL ``bbox`` ``[cx, cy, w, h]`` -> COCO ``[cx - w/2, cy - h/2, w, h]``."""
    b = np.asarray(cxcywh, dtype=np.float64).reshape(-1, 4)
    return np.stack([b[:, 0] - b[:, 2] / 2, b[:, 1] - b[:, 3] / 2, b[:, 2], b[:, 3]], axis=1)


def coco_boxes_to_openlabel(boxes: np.ndarray) -> np.ndarray:
    """COCO ``[x, y, w, h]`` -> OpenLABEL ``bbox`` ``[x + w/2, y + h/2, w, h]``."""
    b = np.asarray(boxes, dtype=np.float64).reshape(-1, 4)
    return np.stack([b[:, 0] + b[:, 2] / 2, b[:, 1] + b[:, 3] / 2, b[:, 2], b[:, 3]], axis=1)


def openlabel_points_to_coco(points: np.ndarray, convention: str = "center") -> np.ndarray:
    """OpenLABEL vertices -> COCO frame: ``v + 0.5`` (center) or ``v`` (openlabel)."""
    return np.asarray(points, dtype=np.float64) + vertex_offset(convention)


def coco_points_to_openlabel(points: np.ndarray, convention: str = "center") -> np.ndarray:
    """COCO frame -> OpenLABEL vertices; the inverse of :func:`openlabel_points_to_coco`."""
    return np.asarray(points, dtype=np.float64) - vertex_offset(convention)


def openlabel_rotated_to_coco(rows: np.ndarray, convention: str = "center") -> np.ndarray:
    """``rbbox`` ``[cx, cy, w, h, alpha]`` (radians) -> COCO ``(cx, cy, w, h, degrees)``.

    The centre is shifted like a vertex; OpenLABEL's alpha (from x towards y, y down) turns the
    same way as MATLAB's yaw and gtconvert's angle (clockwise on screen), so only the unit changes.
    """
    out = np.array(rows, dtype=np.float64).reshape(-1, 5)
    out[:, :2] += vertex_offset(convention)
    out[:, 4] = np.rad2deg(out[:, 4])
    return out


def coco_rotated_to_openlabel(rbox: np.ndarray, convention: str = "center") -> np.ndarray:
    """The inverse of :func:`openlabel_rotated_to_coco` (radians are not exact: see the writer)."""
    out = np.array(rbox, dtype=np.float64).reshape(-1, 5)
    out[:, :2] -= vertex_offset(convention)
    out[:, 4] = np.deg2rad(out[:, 4])
    return out
