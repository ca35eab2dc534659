"""The coordinate rule of each format, side by side: read this file first.

Inside gtconvert everything is in COCO's continuous 0-based frame: pixel ``i`` spans
``[i, i + 1)``, a box is ``(x, y, w, h)`` with ``x2 = x + w``. Each format converts at its edge
with the functions here, so that a convention is decided once (facts:
``shared/docs/matlab-groundtruth.md`` section 3).

=================  =======================================  ==========================================
format             boxes                                    vertices (polygons, lines, points, centres)
=================  =======================================  ==========================================
COCO (canonical)   ``(x, y, w, h)``, 0-based continuous     ``(x, y)`` in the same frame
MATLAB             ``[x y w h]`` 1-based pixel indices:     spatial, pixel (1, 1) centred at (1, 1):
                   covers columns ``x .. x+w-1``, so        COCO is ``v - 0.5`` (``"center"``)
                   COCO is ``[x-1, y-1, w, h]``
MATLAB OpenLABEL   as MATLAB                                MathWorks' OpenLABEL export: ``v - 1``
                                                            (``"openlabel"``)
OpenLABEL file     ``[cx, cy, w, h]`` centre: COCO is       MATLAB's values minus 1 (MathWorks):
                   ``cx - w/2``                             COCO is ``v + 1 - shift``
Pascal VOC         1-based inclusive corners:               (VOC has none)
                   ``xmin = x + 1``, ``xmax = x + w``
YOLO               normalised centre/size:                  normalised: ``(x / W, y / H)``
                   ``cx = (x + w/2) / W``, ``w / W``
=================  =======================================  ==========================================

Both MATLAB vertex conventions invert exactly. MATLAB rotated boxes shift their centre like a
vertex; projected cuboids store each face like a box. Recent MATLAB labelers store boxes that
touch the right or bottom border half a pixel short (:func:`matlab_boxes_to_coco_border`).
VOC writes integer pixels where a value is one (:func:`snap_integers`, :func:`round_half_up`).

All functions take and return numpy arrays and work on whole columns at once.
"""

from __future__ import annotations

import numpy as np

from .boxes import box_corners

# ---------------------------------------------------------------------------------------
# MATLAB
# ---------------------------------------------------------------------------------------

#: What to subtract from a MATLAB spatial coordinate to reach the COCO frame.
VERTEX_SHIFT = {"center": 0.5, "openlabel": 1.0}


def vertex_shift(convention: str) -> float:
    """The shift of a MATLAB vertex convention (:data:`VERTEX_SHIFT`); ValueError when unknown."""
    try:
        return VERTEX_SHIFT[convention]
    except KeyError:
        raise ValueError(
            f"unknown vertex convention {convention!r}; use one of {sorted(VERTEX_SHIFT)}"
        ) from None


def matlab_boxes_to_coco(boxes: np.ndarray) -> np.ndarray:
    """MATLAB pixel-index ``[x y w h]`` -> COCO ``[x-1, y-1, w, h]`` (rows of 4)."""
    out = np.array(boxes, dtype=np.float64).reshape(-1, 4)
    out[:, :2] -= 1.0
    return out


def coco_boxes_to_matlab(boxes: np.ndarray) -> np.ndarray:
    """COCO ``[x y w h]`` -> MATLAB pixel-index ``[x+1, y+1, w, h]``."""
    out = np.array(boxes, dtype=np.float64).reshape(-1, 4)
    out[:, :2] += 1.0
    return out


def matlab_boxes_to_coco_border(
    boxes: np.ndarray, width: np.ndarray, height: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """MATLAB boxes -> COCO, undoing the border quirk of recent labelers.

    Recent releases skip the +0.5 for a box touching the right or bottom border (a
    640x360 video holds ``[1 232.5 205 128]``): such a box ends at ``x + w = W + 0.5``
    where a normal box touching the border ends at ``W + 1``. For those edges the shift is
    0.5 instead of 1, so the box ends exactly on the border. Sizes of 0 (unknown) disable
    the correction. Returns the COCO boxes and a boolean column of the corrected rows.
    """
    out = matlab_boxes_to_coco(boxes)
    b = np.asarray(boxes, dtype=np.float64).reshape(-1, 4)
    W = np.broadcast_to(np.asarray(width, dtype=np.float64), (len(b),))
    H = np.broadcast_to(np.asarray(height, dtype=np.float64), (len(b),))
    fix_x = (W > 0) & (b[:, 0] + b[:, 2] == W + 0.5)
    fix_y = (H > 0) & (b[:, 1] + b[:, 3] == H + 0.5)
    out[fix_x, 0] += 0.5
    out[fix_y, 1] += 0.5
    return out, fix_x | fix_y


def matlab_points_to_coco(points: np.ndarray, convention: str = "center") -> np.ndarray:
    """MATLAB spatial ``(x, y)`` -> COCO frame: ``v - 0.5`` (center) or ``v - 1`` (openlabel)."""
    return np.asarray(points, dtype=np.float64) - vertex_shift(convention)


def coco_points_to_matlab(points: np.ndarray, convention: str = "center") -> np.ndarray:
    """COCO frame -> MATLAB spatial; the exact inverse of :func:`matlab_points_to_coco`."""
    return np.asarray(points, dtype=np.float64) + vertex_shift(convention)


def matlab_rotated_to_coco(rows: np.ndarray, convention: str = "center") -> np.ndarray:
    """MATLAB RotatedRectangle ``[xctr yctr w h yaw]`` -> COCO-frame ``(cx, cy, w, h, angle)``.

    The centre is a spatial point (shifted like a vertex); size and yaw (degrees, clockwise
    in the y-down image) do not depend on the origin.
    """
    out = np.array(rows, dtype=np.float64).reshape(-1, 5)
    out[:, :2] -= vertex_shift(convention)
    return out


def coco_rotated_to_matlab(rbox: np.ndarray, convention: str = "center") -> np.ndarray:
    """The exact inverse of :func:`matlab_rotated_to_coco`."""
    out = np.array(rbox, dtype=np.float64).reshape(-1, 5)
    out[:, :2] += vertex_shift(convention)
    return out


def matlab_cuboid_to_coco(rows: np.ndarray) -> np.ndarray:
    """ProjectedCuboid ``[x1 y1 w1 h1 x2 y2 w2 h2]`` -> (N, 2, 4, 2) face corners, COCO frame.

    Each face is stored like a Rectangle (pixel-index box), so it takes the box rule; the
    corners run clockwise from the top-left, front face first.
    """
    r = np.asarray(rows, dtype=np.float64).reshape(-1, 8)
    front = box_corners(matlab_boxes_to_coco(r[:, :4]))
    back = box_corners(matlab_boxes_to_coco(r[:, 4:]))
    return np.stack([front, back], axis=1)


def coco_cuboid_to_matlab(faces: np.ndarray) -> np.ndarray:
    """(N, 2, 4, 2) face corners (COCO frame) -> ``[x1 y1 w1 h1 x2 y2 w2 h2]``; inverse of the above."""
    f = np.asarray(faces, dtype=np.float64).reshape(-1, 2, 4, 2)
    lo, hi = f.min(axis=2), f.max(axis=2)  # (N, 2, 2)
    boxes = np.concatenate([lo, hi - lo], axis=2).reshape(-1, 4)
    return coco_boxes_to_matlab(boxes).reshape(-1, 8)


# ---------------------------------------------------------------------------------------
# OpenLABEL (ASAM OpenLABEL 1.0 as MathWorks' groundTruthToOpenLabel writes it)
# ---------------------------------------------------------------------------------------
# A ``bbox`` is ``[cx, cy, w, h]`` (the centre); ``rbbox`` is ``[cx, cy, w, h, alpha]`` with
# alpha in radians from x towards y (clockwise on a y-down image, like MATLAB's yaw); vertices
# are plain ``(x, y)``. The standard does not place pixel 0: MathWorks writes MATLAB's values
# minus 1 ("0-based indexing"), so a vertex in the file is a MATLAB vertex ``v - 1`` and follows
# the MATLAB vertex conventions above: COCO is ``file + 1 - shift`` (``file + 0.5`` with
# "center", the file value itself with "openlabel", which is also how FiftyOne reads it).
# A Rectangle's centre form needs no offset: COCO ``x = cx - w/2`` whatever the convention.


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
    return np.asarray(points, dtype=np.float64) + (1.0 - vertex_shift(convention))


def coco_points_to_openlabel(points: np.ndarray, convention: str = "center") -> np.ndarray:
    """COCO frame -> OpenLABEL vertices; the inverse of :func:`openlabel_points_to_coco`."""
    return np.asarray(points, dtype=np.float64) - (1.0 - vertex_shift(convention))


def openlabel_rotated_to_coco(rows: np.ndarray, convention: str = "center") -> np.ndarray:
    """``rbbox`` ``[cx, cy, w, h, alpha]`` (radians) -> COCO ``(cx, cy, w, h, degrees)``.

    The centre moves like a vertex; alpha turns the same way as gtconvert's angle, so only the
    unit changes.
    """
    out = np.array(rows, dtype=np.float64).reshape(-1, 5)
    out[:, :2] += 1.0 - vertex_shift(convention)
    out[:, 4] = np.rad2deg(out[:, 4])
    return out


def coco_rotated_to_openlabel(rbox: np.ndarray, convention: str = "center") -> np.ndarray:
    """The inverse of :func:`openlabel_rotated_to_coco` (radians are not exact: see the writer)."""
    out = np.array(rbox, dtype=np.float64).reshape(-1, 5)
    out[:, :2] -= 1.0 - vertex_shift(convention)
    out[:, 4] = np.deg2rad(out[:, 4])
    return out


# ---------------------------------------------------------------------------------------
# Pascal VOC
# ---------------------------------------------------------------------------------------


def coco_boxes_to_voc(boxes: np.ndarray) -> np.ndarray:
    """COCO ``(x, y, w, h)`` -> VOC 1-based inclusive ``(xmin, ymin, xmax, ymax)``."""
    b = np.asarray(boxes, dtype=np.float64).reshape(-1, 4)
    return np.stack([b[:, 0] + 1, b[:, 1] + 1, b[:, 0] + b[:, 2], b[:, 1] + b[:, 3]], axis=1)


def voc_boxes_to_coco(xyxy: np.ndarray) -> np.ndarray:
    """VOC 1-based inclusive ``(xmin, ymin, xmax, ymax)`` -> COCO ``(x, y, w, h)``."""
    b = np.asarray(xyxy, dtype=np.float64).reshape(-1, 4)
    return np.stack([b[:, 0] - 1, b[:, 1] - 1, b[:, 2] - b[:, 0] + 1, b[:, 3] - b[:, 1] + 1], axis=1)


def round_half_up(values: np.ndarray) -> np.ndarray:
    """Round .5 up (never banker's rounding, never truncation), for integer targets."""
    return np.floor(np.asarray(values, dtype=np.float64) + 0.5)


def snap_integers(values: np.ndarray, tol: float = 1e-9) -> tuple[np.ndarray, np.ndarray]:
    """Values within ``tol`` of an integer, snapped with :func:`round_half_up`, and that test.

    For integer-pixel targets (VOC): ``47.9999999999`` is written ``48``, ``48.5`` stays ``48.5``
    (never truncated, never banker's-rounded).
    """
    v = np.asarray(values, dtype=np.float64)
    r = round_half_up(v)
    is_int = np.abs(v - r) <= tol
    return np.where(is_int, r, v), is_int


# ---------------------------------------------------------------------------------------
# YOLO
# ---------------------------------------------------------------------------------------


def coco_boxes_to_yolo(boxes: np.ndarray, width: np.ndarray, height: np.ndarray) -> np.ndarray:
    """COCO ``(x, y, w, h)`` -> YOLO normalised ``(cx, cy, w, h)``; sizes broadcast per row."""
    b = np.asarray(boxes, dtype=np.float64).reshape(-1, 4)
    W = np.asarray(width, dtype=np.float64)
    H = np.asarray(height, dtype=np.float64)
    return np.stack(
        [(b[:, 0] + b[:, 2] / 2) / W, (b[:, 1] + b[:, 3] / 2) / H, b[:, 2] / W, b[:, 3] / H],
        axis=1,
    )


def yolo_boxes_to_coco(cxcywh: np.ndarray, width: np.ndarray, height: np.ndarray) -> np.ndarray:
    """YOLO normalised ``(cx, cy, w, h)`` -> COCO ``(x, y, w, h)`` in pixels."""
    b = np.asarray(cxcywh, dtype=np.float64).reshape(-1, 4)
    W = np.asarray(width, dtype=np.float64)
    H = np.asarray(height, dtype=np.float64)
    w, h = b[:, 2] * W, b[:, 3] * H
    return np.stack([b[:, 0] * W - w / 2, b[:, 1] * H - h / 2, w, h], axis=1)


def normalise_points(points: np.ndarray, width: np.ndarray, height: np.ndarray) -> np.ndarray:
    """Pixel ``(x, y)`` in the COCO frame -> YOLO ``(x / W, y / H)``; sizes broadcast per row."""
    p = np.asarray(points, dtype=np.float64).reshape(-1, 2)
    size = np.stack([np.asarray(width, np.float64), np.asarray(height, np.float64)], axis=-1)
    return p / size.reshape(-1, 2)


def denormalise_points(points: np.ndarray, width: np.ndarray, height: np.ndarray) -> np.ndarray:
    """YOLO normalised ``(x, y)`` -> pixels in the COCO frame; the inverse of :func:`normalise_points`."""
    p = np.asarray(points, dtype=np.float64).reshape(-1, 2)
    size = np.stack([np.asarray(width, np.float64), np.asarray(height, np.float64)], axis=-1)
    return p * size.reshape(-1, 2)
