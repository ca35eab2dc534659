"""The one coordinate rule, and every shape conversion, in one place.

Inside gtconvert everything is in COCO's continuous 0-based frame: pixel ``i`` spans
``[i, i + 1)``, a box is ``(x, y, w, h)`` with ``x2 = x + w``. Each format converts at its edge
with the functions here, so that a convention is decided once (facts:
``shared/docs/matlab-groundtruth.md`` section 3).

* MATLAB boxes are 1-based pixel-index boxes: ``[x y w h]`` covers columns ``x .. x+w-1``, so
  COCO is ``[x-1, y-1, w, h]``.
* MATLAB vertices (polygons, lines, points, rotated-box centres) are spatial: the centre of
  pixel (1, 1) is at (1, 1), so exact COCO is ``v - 0.5`` (``"center"``). MathWorks'
  OpenLABEL export uses ``v - 1`` (``"openlabel"``); both are offered and both invert exactly.
* Pascal VOC boxes are 1-based and inclusive: ``xmin = x + 1``, ``xmax = x + w``.
* YOLO is normalised centre/size: ``cx = (x + w/2) / W``.

All functions take and return numpy arrays and work on whole columns at once.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

# ---------------------------------------------------------------------------------------
# MATLAB
# ---------------------------------------------------------------------------------------

#: What to subtract from a MATLAB spatial coordinate to reach the COCO frame.
VERTEX_SHIFT = {"center": 0.5, "openlabel": 1.0}


def _vertex_shift(convention: str) -> float:
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


def matlab_points_to_coco(points: np.ndarray, convention: str = "center") -> np.ndarray:
    """MATLAB spatial ``(x, y)`` -> COCO frame: ``v - 0.5`` (center) or ``v - 1`` (openlabel)."""
    return np.asarray(points, dtype=np.float64) - _vertex_shift(convention)


def coco_points_to_matlab(points: np.ndarray, convention: str = "center") -> np.ndarray:
    """COCO frame -> MATLAB spatial; the exact inverse of :func:`matlab_points_to_coco`."""
    return np.asarray(points, dtype=np.float64) + _vertex_shift(convention)


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


# ---------------------------------------------------------------------------------------
# Boxes
# ---------------------------------------------------------------------------------------


def clip_boxes(boxes: np.ndarray, width: np.ndarray, height: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Clip COCO boxes to the image on their corners, then re-derive ``w, h``.

    Clipping ``x, y, w, h`` directly would move the far edge; clipping corners keeps it.
    Returns the clipped boxes and a boolean column of the rows that changed.
    """
    b = np.asarray(boxes, dtype=np.float64).reshape(-1, 4)
    W = np.asarray(width, dtype=np.float64)
    H = np.asarray(height, dtype=np.float64)
    far_x, far_y = b[:, 0] + b[:, 2], b[:, 1] + b[:, 3]
    x1 = np.clip(b[:, 0], 0, W)
    y1 = np.clip(b[:, 1], 0, H)
    x2 = np.clip(far_x, 0, W)
    y2 = np.clip(far_y, 0, H)
    # changed = a corner moved; comparing re-derived w, h instead would flag most decimal boxes
    # (483.45 + 132.58 - 483.45 != 132.58 in floating point), and such rows keep their exact w, h
    changed = (x1 != b[:, 0]) | (y1 != b[:, 1]) | (x2 != far_x) | (y2 != far_y)
    out = np.where(changed[:, None], np.stack([x1, y1, x2 - x1, y2 - y1], axis=1), b)
    return out, changed


def box_corners(boxes: np.ndarray) -> np.ndarray:
    """COCO boxes -> (N, 4, 2) corners, clockwise from the top-left (y down)."""
    b = np.asarray(boxes, dtype=np.float64).reshape(-1, 4)
    x1, y1, x2, y2 = b[:, 0], b[:, 1], b[:, 0] + b[:, 2], b[:, 1] + b[:, 3]
    return np.stack(
        [np.stack([x1, y1], 1), np.stack([x2, y1], 1), np.stack([x2, y2], 1), np.stack([x1, y2], 1)],
        axis=1,
    )


def ragged_bbox(part_start: np.ndarray, vertex_start: np.ndarray, vertices: np.ndarray) -> np.ndarray:
    """Bounding box ``(x, y, w, h)`` of each annotation's vertices; zeros where it has none."""
    n = len(part_start) - 1
    out = np.zeros((n, 4), dtype=np.float64)
    first = vertex_start[part_start[:-1]]
    last = vertex_start[part_start[1:]]
    has = last > first
    if not has.any():
        return out
    starts = first[has]
    lo = np.minimum.reduceat(vertices, starts, axis=0)
    hi = np.maximum.reduceat(vertices, starts, axis=0)
    # each reduceat run ends where the next annotation with vertices starts: exact, because
    # an annotation's vertices are contiguous and annotations without any add none
    out[has, 0:2] = lo
    out[has, 2:4] = hi - lo
    return out


def polygon_areas(part_start: np.ndarray, vertex_start: np.ndarray, vertices: np.ndarray) -> np.ndarray:
    """Shoelace area of each annotation (sum over its parts), vectorised over all vertices.

    Parts of one annotation are summed (holes are not subtracted: COCO polygons have none;
    hole-aware areas come from the RLE).
    """
    n_vertices = len(vertices)
    n = len(part_start) - 1
    if n_vertices == 0:
        return np.zeros(n, dtype=np.float64)
    # index of the next vertex within the same part (wrapping to the part's first vertex)
    nxt = np.arange(1, n_vertices + 1)
    part_first = vertex_start[:-1]
    part_last = vertex_start[1:] - 1
    nonempty = part_last >= part_first
    nxt[part_last[nonempty]] = part_first[nonempty]
    x, y = vertices[:, 0], vertices[:, 1]
    cross = x * y[nxt] - x[nxt] * y
    cum = np.concatenate([[0.0], np.cumsum(cross)])
    part_area = np.abs(cum[vertex_start[1:]] - cum[vertex_start[:-1]]) / 2
    cum_part = np.concatenate([[0.0], np.cumsum(part_area)])
    return cum_part[part_start[1:]] - cum_part[part_start[:-1]]


# ---------------------------------------------------------------------------------------
# Rotated boxes
# ---------------------------------------------------------------------------------------


def rotated_box_corners(rbox: np.ndarray) -> np.ndarray:
    """``(cx, cy, w, h, angle)`` -> (N, 4, 2) corners.

    ``angle`` is in degrees, clockwise on screen (y down), as MATLAB's RotatedRectangle yaw.
    The first corner is the rotated top-left, then clockwise.
    """
    r = np.asarray(rbox, dtype=np.float64).reshape(-1, 5)
    theta = np.deg2rad(r[:, 4])
    c, s = np.cos(theta), np.sin(theta)
    dx = np.array([-0.5, 0.5, 0.5, -0.5])[None, :] * r[:, 2:3]
    dy = np.array([-0.5, -0.5, 0.5, 0.5])[None, :] * r[:, 3:4]
    x = r[:, 0:1] + dx * c[:, None] - dy * s[:, None]
    y = r[:, 1:2] + dx * s[:, None] + dy * c[:, None]
    return np.stack([x, y], axis=2)


def corners_to_rotated_box(corners: np.ndarray) -> np.ndarray:
    """(N, 4, 2) corners in the order of :func:`rotated_box_corners` -> ``(cx, cy, w, h, angle)``."""
    p = np.asarray(corners, dtype=np.float64).reshape(-1, 4, 2)
    centre = p.mean(axis=1)
    edge_w = p[:, 1] - p[:, 0]
    edge_h = p[:, 2] - p[:, 1]
    w = np.hypot(edge_w[:, 0], edge_w[:, 1])
    h = np.hypot(edge_h[:, 0], edge_h[:, 1])
    angle = np.rad2deg(np.arctan2(edge_w[:, 1], edge_w[:, 0]))
    return np.column_stack([centre, w, h, angle])


# ---------------------------------------------------------------------------------------
# Masks (pycocotools does RLE; it wants Fortran-ordered uint8)
# ---------------------------------------------------------------------------------------


def polygon_to_rle(parts: Sequence[np.ndarray], height: int, width: int) -> dict[str, Any]:
    """Rasterise the parts of one polygon (COCO frame) into one compressed RLE."""
    from pycocotools import mask as mask_utils

    flat = [np.asarray(p, dtype=np.float64).ravel().tolist() for p in parts if len(p) >= 3]
    if not flat:
        return mask_to_rle(np.zeros((height, width), dtype=np.uint8))
    rles = mask_utils.frPyObjects(flat, int(height), int(width))
    return _decoded_counts(mask_utils.merge(rles))


def mask_to_rle(mask: np.ndarray) -> dict[str, Any]:
    """A 2-D boolean/0-1 mask -> compressed RLE with ``counts`` as str (JSON-ready)."""
    from pycocotools import mask as mask_utils

    return _decoded_counts(mask_utils.encode(np.asfortranarray(mask, dtype=np.uint8)))


def _decoded_counts(rle: dict[str, Any]) -> dict[str, Any]:
    counts = rle["counts"]
    if isinstance(counts, bytes):
        counts = counts.decode("ascii")
    return {"size": [int(rle["size"][0]), int(rle["size"][1])], "counts": counts}


def _compressed(rle: dict[str, Any]) -> dict[str, Any]:
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

    return mask_utils.decode(_compressed(rle))


def rle_area(rles: Sequence[dict[str, Any]]) -> np.ndarray:
    """Pixel counts of RLE masks, without decoding them."""
    from pycocotools import mask as mask_utils

    if not len(rles):
        return np.zeros(0, dtype=np.float64)
    compressed = [_compressed(r) for r in rles]
    # pycocotools 2.0.x sizes its output with a uint8 under numpy 2 and overflows past 255
    # masks in one call ("Python integer 300 out of bounds for uint8"): ask in chunks.
    chunks = [mask_utils.area(compressed[k : k + 255]) for k in range(0, len(compressed), 255)]
    return np.concatenate([np.asarray(c, dtype=np.float64).reshape(-1) for c in chunks])


def rle_bbox(rles: Sequence[dict[str, Any]]) -> np.ndarray:
    """Tight COCO boxes of RLE masks, without decoding them."""
    from pycocotools import mask as mask_utils

    if not len(rles):
        return np.zeros((0, 4), dtype=np.float64)
    return np.asarray(mask_utils.toBbox([_compressed(r) for r in rles]), dtype=np.float64)


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


# ---------------------------------------------------------------------------------------
# Masks <-> polygons (area: PNG masks). Facts checked against pycocotools 2.0 (see
# docs/masks.md): a polygon through pixel *corners* rasterises exactly (the square with
# corners 10 and 20 fills pixels 10..19); inside ONE polygon the fill is even-odd, so a hole
# joined to its outer ring by a zero-width bridge stays empty; several parts are merged as a
# UNION (COCO's annToRLE), so a hole given as a part of its own would be filled again.
# ---------------------------------------------------------------------------------------


def _crack_contours(mask: np.ndarray) -> tuple[list[np.ndarray], np.ndarray]:
    """Contours along pixel edges (corner coordinates, COCO frame) and cv2's CCOMP hierarchy.

    cv2 traces the centres of boundary pixels, half a pixel inside the true edge (a 1-pixel
    line would have no area). Tracing the 2x nearest-upsampled mask instead puts each traced
    sub-pixel next to exactly one pixel corner: sub-pixel ``u`` lies on corner ``ceil(u/2)``
    (even = left/top half -> the pixel's own edge, odd = right/bottom half -> the next one), so
    the mapped contour runs exactly along the pixel edges, for outer rings and holes alike.
    """
    import cv2

    m = np.asarray(mask).astype(bool)
    if m.ndim != 2:
        raise ValueError(f"a mask must be 2-D, not of shape {m.shape}")
    if not m.any():
        return [], np.zeros((0, 4), dtype=np.int64)
    ys, xs = np.nonzero(m)
    y0, x0 = int(ys.min()), int(xs.min())  # trace only the bounding box: cheaper on big images
    crop = m[y0 : int(ys.max()) + 1, x0 : int(xs.max()) + 1]
    up = np.repeat(np.repeat(crop, 2, axis=0), 2, axis=1).astype(np.uint8)
    contours, hierarchy = cv2.findContours(up, cv2.RETR_CCOMP, cv2.CHAIN_APPROX_SIMPLE)
    rings = []
    for c in contours:
        corners = (c.reshape(-1, 2).astype(np.int64) + 1) // 2 + (x0, y0)
        rings.append(_simplify_ring(corners.astype(np.float64)))
    return rings, hierarchy.reshape(-1, 4)


def _simplify_ring(ring: np.ndarray) -> np.ndarray:
    """Drop repeated vertices and the middle ones of straight runs (the shape is unchanged)."""
    if len(ring) > 1:
        keep = np.any(ring != np.roll(ring, 1, axis=0), axis=1)
        ring = ring[keep] if keep.any() else ring[:1]
    if len(ring) < 3:
        return ring
    prev, nxt = np.roll(ring, 1, axis=0), np.roll(ring, -1, axis=0)
    a, b = ring - prev, nxt - ring
    cross = a[:, 0] * b[:, 1] - a[:, 1] * b[:, 0]
    dot = a[:, 0] * b[:, 0] + a[:, 1] * b[:, 1]
    straight = (cross == 0) & (dot > 0)  # a turn back (dot < 0) is a spur: keep its tip
    return ring[~straight]


def _bridge_holes(outer: np.ndarray, holes: list[np.ndarray]) -> np.ndarray:
    """One ring: ``outer`` with each hole spliced in by a zero-width bridge (in and out).

    Under even-odd filling the doubled bridge cancels and each hole stays empty, wherever the
    bridge runs. Each hole is joined at its vertex nearest to an outer vertex (a k-d tree
    query, so thousands of holes cost little); holes sharing an outer vertex follow each other.
    """
    from scipy.spatial import cKDTree

    tree = cKDTree(outer)
    joins = []  # (outer vertex, hole, hole vertex)
    for h, hole in enumerate(holes):
        dist, nearest = tree.query(hole)
        j = int(np.argmin(dist))
        joins.append((int(nearest[j]), h, j))
    joins.sort()
    pieces, done = [], 0
    for i, h, j in joins:
        pieces.append(outer[done : i + 1])
        hole = holes[h]
        pieces += [hole[j:], hole[: j + 1], outer[i : i + 1]]  # around the hole, back to the outer vertex
        done = i + 1
    pieces.append(outer[done:])
    return np.concatenate(pieces)


def mask_to_polygons(mask: np.ndarray, *, bridge_holes: bool = True) -> list[np.ndarray]:
    """A binary mask -> polygon parts ((P, 2) float arrays, COCO frame), holes included.

    Vertices lie on pixel corners, so :func:`polygons_to_mask` gives the mask back exactly
    (up to pycocotools' rasteriser). Contours come from ``cv2.findContours`` with the
    ``RETR_CCOMP`` hierarchy (8-connected objects). With ``bridge_holes`` (default) each part is
    one outer ring with its holes joined by zero-width bridges, because pycocotools fills one
    polygon even-odd but merges parts as a union; with ``bridge_holes=False`` outer rings and
    hole rings come back as separate parts (for consumers that apply even-odd across parts).
    Parts with fewer than 3 vertices are dropped.
    """
    rings, hierarchy = _crack_contours(mask)
    if not bridge_holes:
        return [r for r in rings if len(r) >= 3]
    parts = []
    for k, ring in enumerate(rings):
        if hierarchy[k, 3] >= 0 or len(ring) < 3:
            continue  # a hole (it has a parent): spliced into its outer ring below
        holes = []
        child = hierarchy[k, 2]
        while child >= 0:
            if len(rings[child]) >= 3:
                holes.append(rings[child])
            child = hierarchy[child, 0]
        parts.append(_bridge_holes(ring, holes) if holes else ring)
    return parts


def polygons_to_mask(parts: Sequence[np.ndarray], height: int, width: int) -> np.ndarray:
    """Rasterise polygon parts (COCO frame) with pycocotools -> (H, W) uint8 mask (union of parts)."""
    return rle_decode(polygon_to_rle(parts, height, width))


def rle_to_polygons(rle: dict[str, Any]) -> list[np.ndarray]:
    """An RLE mask -> polygon parts, holes bridged (see :func:`mask_to_polygons`)."""
    return mask_to_polygons(rle_decode(rle))


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
    return _decoded_counts(mask_utils.frPyObjects({"size": [height, width], "counts": counts}, height, width))


# ---------------------------------------------------------------------------------------
# YOLO and Pascal VOC helpers (formats/yolo.py, formats/voc.py)
# ---------------------------------------------------------------------------------------


def distinct_points_per_part(vertex_start: np.ndarray, vertices: np.ndarray) -> np.ndarray:
    """Number of distinct ``(x, y)`` points in each part of a ragged vertex array.

    A repeated point (``[5 5, 15 10, 5 5]``) counts once, wherever it repeats, so a part needs
    3 distinct points to enclose anything: the one rule for "degenerate" that ``validate`` and
    the writers share. One sort over all vertices (by part, then x, then y), no loop per part.
    """
    starts = np.asarray(vertex_start, dtype=np.int64)
    n_parts = len(starts) - 1
    pts = np.asarray(vertices, dtype=np.float64).reshape(-1, 2)
    if n_parts <= 0 or not len(pts):
        return np.zeros(max(n_parts, 0), dtype=np.int64)
    part = np.repeat(np.arange(n_parts), np.diff(starts))
    order = np.lexsort((pts[:, 1], pts[:, 0], part))
    p, xy = part[order], pts[order]
    # a vertex is new when it starts a part or differs from its sorted predecessor
    new = np.ones(len(p), dtype=bool)
    new[1:] = (p[1:] != p[:-1]) | np.any(xy[1:] != xy[:-1], axis=1)
    return np.bincount(p[new], minlength=n_parts)


def _closest_pair(a: np.ndarray, b: np.ndarray) -> tuple[int, int]:
    """Indices of the closest vertices of ``a`` and ``b`` (ties: the first)."""
    d = ((a[:, None, :] - b[None, :, :]) ** 2).sum(axis=2)
    i = int(np.argmin(d))
    return i // d.shape[1], i % d.shape[1]


def bridge_parts(parts: Sequence[np.ndarray]) -> np.ndarray:
    """Join the parts of one object (outer rings and holes) into ONE ring with zero-width bridges.

    Part ``k + 1`` hangs off part ``k`` at their closest vertices: the ring walks part ``k`` to
    that vertex, goes over to part ``k + 1``, walks all of it back to its entry vertex and returns
    on the same segment. The bridges enclose no area, so the ring rasterises (even-odd or
    non-zero with holes wound the other way, as contour tracers give them) to the same pixels as
    the parts, and one object stays one YOLO row. A single part is returned unchanged.
    """
    rings = [np.asarray(p, dtype=np.float64).reshape(-1, 2) for p in parts]
    rings = [r for r in rings if len(r)]
    if not rings:
        return np.zeros((0, 2), dtype=np.float64)
    if len(rings) == 1:
        return rings[0]
    # links[k] = (vertex of part k, vertex of part k+1) where the bridge goes
    links = [_closest_pair(rings[k], rings[k + 1]) for k in range(len(rings) - 1)]
    # build from the innermost (last) part outwards; each sub-ring starts and ends at its entry
    entry = links[-1][1]
    last = rings[-1]
    sub = np.concatenate([np.roll(last, -entry, axis=0), last[entry : entry + 1]])
    for k in range(len(rings) - 2, -1, -1):
        ring = rings[k]
        out_v = links[k][0]
        entry = links[k - 1][1] if k > 0 else out_v
        rolled = np.roll(ring, -entry, axis=0)  # starts at the entry vertex
        cut = (out_v - entry) % len(ring)  # position of the bridge vertex in ``rolled``
        closing = rolled[:1] if k > 0 else rolled[:0]  # the outermost ring closes implicitly
        sub = np.concatenate([rolled[: cut + 1], sub, rolled[cut:], closing])
    return sub


def clip_polygon(part: np.ndarray, width: float, height: float) -> np.ndarray:
    """Clip one polygon to the image ``[0, W] x [0, H]`` (Sutherland-Hodgman on the 4 edges).

    Exact for any polygon against a convex window (clamping vertices instead would move edges).
    May return fewer than 3 vertices when the polygon lies outside the image.
    """
    pts = np.asarray(part, dtype=np.float64).reshape(-1, 2)
    for axis, limit, keep_below in ((0, 0.0, False), (0, float(width), True), (1, 0.0, False), (1, float(height), True)):  # fmt: skip
        if len(pts) == 0:
            break
        val = pts[:, axis]
        inside = val <= limit if keep_below else val >= limit
        if inside.all():
            continue
        nxt = np.roll(pts, -1, axis=0)
        nxt_inside = np.roll(inside, -1)
        out: list[np.ndarray] = []
        for p, q, p_in, q_in in zip(pts, nxt, inside, nxt_inside):
            if p_in:
                out.append(p)
            if p_in != q_in:  # the edge crosses the window line: add the crossing point
                t = (limit - p[axis]) / (q[axis] - p[axis])
                cross = p + t * (q - p)
                cross[axis] = limit  # exact on the border, no rounding drift
                out.append(cross)
        pts = np.array(out, dtype=np.float64).reshape(-1, 2)
    return pts


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
# YOLO writer in whole arrays (formats/yolo.py): ragged gathers, the 3-distinct-points test
# and two-part bridges for many objects at once, equal to the per-object functions above
# ---------------------------------------------------------------------------------------


def ragged_index(starts: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """Indices of the runs ``starts[k] .. starts[k] + lengths[k] - 1``, concatenated."""
    lengths = np.asarray(lengths, dtype=np.int64)
    out_start = np.cumsum(lengths) - lengths
    return np.repeat(np.asarray(starts, dtype=np.int64) - out_start, lengths) + np.arange(int(lengths.sum()))


def has_three_distinct_points(vertex_start: np.ndarray, vertices: np.ndarray) -> np.ndarray:
    """Per part: does it hold 3 or more distinct points? (``distinct_points_per_part(...) >= 3``)

    Most parts show it in their first three vertices (pairwise different); only the others
    are counted exactly, so the sort runs over a few parts instead of every vertex.
    """
    starts = np.asarray(vertex_start, dtype=np.int64)
    pts = np.asarray(vertices, dtype=np.float64).reshape(-1, 2)
    lengths = np.diff(starts)
    out = np.zeros(len(lengths), dtype=bool)
    candidates = np.flatnonzero(lengths >= 3)
    a, b, c = (pts[starts[candidates] + k] for k in range(3))
    quick = np.any(a != b, axis=1) & np.any(b != c, axis=1) & np.any(a != c, axis=1)
    out[candidates[quick]] = True
    rest = candidates[~quick]
    if len(rest):
        sub_start = np.concatenate([[0], np.cumsum(lengths[rest])])
        sub = pts[ragged_index(starts[rest], lengths[rest])]
        out[rest] = distinct_points_per_part(sub_start, sub) >= 3
    return out


def bridge_two_parts(
    first_start: np.ndarray,
    first_len: np.ndarray,
    second_start: np.ndarray,
    second_len: np.ndarray,
    vertices: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """:func:`bridge_parts` of many two-part objects at once, as indices into ``vertices``.

    Object k's parts are ``vertices[first_start[k]:][:first_len[k]]`` (A, a vertices) and
    likewise B (b vertices, both non-empty, finite). Its closest pair (i, j) is the first
    minimum of the squared distances in row-major order, as :func:`_closest_pair` finds it,
    and its ring is ``A[i], B[j], ..., B[j-1], B[j], A[i], ..., A[i-1]`` (a + b + 2 vertices).
    Returns the concatenated ring indices and each ring's length.
    """
    pts = np.asarray(vertices, dtype=np.float64).reshape(-1, 2)
    a_start, a_len = np.asarray(first_start, np.int64), np.asarray(first_len, np.int64)
    b_start, b_len = np.asarray(second_start, np.int64), np.asarray(second_len, np.int64)
    n = len(a_start)
    ring_len = a_len + b_len + 2
    if n == 0:
        return np.zeros(0, dtype=np.int64), ring_len
    # every (A vertex, B vertex) pair of every object, row-major within an object
    n_pairs = a_len * b_len
    pair_obj = np.repeat(np.arange(n), n_pairs)
    t = np.arange(int(n_pairs.sum())) - np.repeat(np.cumsum(n_pairs) - n_pairs, n_pairs)
    ia = a_start[pair_obj] + t // b_len[pair_obj]
    jb = b_start[pair_obj] + t % b_len[pair_obj]
    diff = pts[ia] - pts[jb]
    dist = diff[:, 0] * diff[:, 0] + diff[:, 1] * diff[:, 1]
    smallest = np.minimum.reduceat(dist, np.cumsum(n_pairs) - n_pairs)
    hits = np.flatnonzero(dist == smallest[pair_obj])
    first_hit = hits[np.concatenate([[True], pair_obj[hits[1:]] != pair_obj[hits[:-1]]])]
    i = t[first_hit] // b_len
    j = t[first_hit] % b_len
    # the ring, position k of object o: A[i] | B[j+0..b-1 wrapped] | B[j] | A[i+0..a-1 wrapped]
    obj = np.repeat(np.arange(n), ring_len)
    k = np.arange(int(ring_len.sum())) - np.repeat(np.cumsum(ring_len) - ring_len, ring_len)
    a, b, io, jo = a_len[obj], b_len[obj], i[obj], j[obj]
    in_b = (k >= 1) & (k <= b)
    index = np.where(
        k == 0,
        a_start[obj] + io,
        np.where(
            in_b,
            b_start[obj] + (jo + k - 1) % b,
            np.where(k == b + 1, b_start[obj] + jo, a_start[obj] + (io + k - b - 2) % a),
        ),
    )
    return index, ring_len


# ---------------------------------------------------------------------------------------
# MATLAB groundTruth reader/writer (formats/matlab.py): the border quirk, rotated boxes and
# projected cuboids. Facts: shared/docs/matlab-groundtruth.md section 3.
# ---------------------------------------------------------------------------------------


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


def matlab_rotated_to_coco(rows: np.ndarray, convention: str = "center") -> np.ndarray:
    """MATLAB RotatedRectangle ``[xctr yctr w h yaw]`` -> COCO-frame ``(cx, cy, w, h, angle)``.

    The centre is a spatial point (shifted like a vertex); size and yaw (degrees, clockwise
    in the y-down image) do not depend on the origin.
    """
    out = np.array(rows, dtype=np.float64).reshape(-1, 5)
    out[:, :2] -= _vertex_shift(convention)
    return out


def coco_rotated_to_matlab(rbox: np.ndarray, convention: str = "center") -> np.ndarray:
    """The exact inverse of :func:`matlab_rotated_to_coco`."""
    out = np.array(rbox, dtype=np.float64).reshape(-1, 5)
    out[:, :2] += _vertex_shift(convention)
    return out


def rotated_box_bbox(rbox: np.ndarray) -> np.ndarray:
    """Axis-aligned COCO box ``(x, y, w, h)`` around each rotated box's corners."""
    corners = rotated_box_corners(rbox)
    lo, hi = corners.min(axis=1), corners.max(axis=1)
    return np.concatenate([lo, hi - lo], axis=1)


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
# MATLAB reader (formats/matlab.py): vertices that leave their image
# ---------------------------------------------------------------------------------------


def clamp_vertices(
    vertices: np.ndarray, width: np.ndarray, height: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Clamp COCO-frame vertices into ``[0, W] x [0, H]``; sizes broadcast per vertex.

    A vertex past the border (a labeler drag that overshoots, automation) moves onto it, so a
    polygon keeps its vertex count and a point stays a point; an unknown size (``np.inf``)
    leaves that side open. Returns the vertices and a boolean per vertex that moved.
    """
    v = np.asarray(vertices, dtype=np.float64).reshape(-1, 2)
    upper = np.stack([np.asarray(width, np.float64), np.asarray(height, np.float64)], axis=-1)
    out = np.minimum(np.maximum(v, 0.0), upper)
    return out, (out != v).any(axis=1)


# ---------------------------------------------------------------------------------------
# VOC masks writer (formats/voc.py): an RLE decoded only within its bounding box
# ---------------------------------------------------------------------------------------


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
