"""Masks <-> polygons along pixel edges, holes included.

Facts checked against pycocotools 2.0 (see docs/masks.md): a polygon through pixel *corners*
rasterises exactly (the square with corners 10 and 20 fills pixels 10..19); inside ONE polygon
the fill is even-odd, so a hole joined to its outer ring by a zero-width bridge stays empty;
several parts are merged as a UNION (COCO's annToRLE), so a hole given as a part of its own
would be filled again.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from .rle import polygon_to_rle, rle_decode


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
