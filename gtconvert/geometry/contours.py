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
    All contours are mapped and simplified together, as one ragged array (a satellite label
    image has 400,000 speckles: one numpy call each cost minutes).
    """
    import cv2

    m = np.asarray(mask).astype(bool)
    if m.ndim != 2:
        raise ValueError(f"a mask must be 2-D, not of shape {m.shape}")
    if not m.any():
        return [], np.zeros((0, 4), dtype=np.int64)
    rows, cols = np.flatnonzero(m.any(axis=1)), np.flatnonzero(m.any(axis=0))
    y0, x0 = int(rows[0]), int(cols[0])  # trace only the bounding box: cheaper on big images
    crop = m[y0 : int(rows[-1]) + 1, x0 : int(cols[-1]) + 1]
    up = np.repeat(np.repeat(crop, 2, axis=0), 2, axis=1).astype(np.uint8)
    contours, hierarchy = cv2.findContours(up, cv2.RETR_CCOMP, cv2.CHAIN_APPROX_SIMPLE)
    lengths = np.array([len(c) for c in contours], dtype=np.int64)
    flat = np.concatenate([c.reshape(-1, 2) for c in contours]).astype(np.int64)
    corners = ((flat + 1) // 2 + (x0, y0)).astype(np.float64)
    corners, lengths = _simplify_rings(corners, lengths)
    return np.split(corners, np.cumsum(lengths)[:-1]), hierarchy.reshape(-1, 4)


def _ring_neighbours(lengths: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For each vertex of rings laid end to end, the index of the previous and next vertex of
    its own ring (wrapping around), i.e. ``np.roll(ring, 1)`` and ``np.roll(ring, -1)`` per ring."""
    n = int(lengths.sum())
    starts = np.cumsum(lengths) - lengths
    idx = np.arange(n)
    prev, nxt = idx - 1, idx + 1
    nonempty = lengths > 0
    prev[starts[nonempty]] = (starts + lengths - 1)[nonempty]
    nxt[(starts + lengths - 1)[nonempty]] = starts[nonempty]
    return prev, nxt


def _simplify_rings(v: np.ndarray, lengths: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per ring: drop repeated vertices, then the middle ones of straight runs (the shapes are
    unchanged); a ring of one repeated point keeps one vertex, rings under 3 stay as they are."""
    owner = np.repeat(np.arange(len(lengths)), lengths)
    prev, _ = _ring_neighbours(lengths)
    keep = np.any(v != v[prev], axis=1) | (lengths[owner] == 1)
    kept_count = np.bincount(owner[keep], minlength=len(lengths))
    starts = np.cumsum(lengths) - lengths
    keep[starts[(kept_count == 0) & (lengths > 0)]] = True  # all one point: keep the first
    v, owner = v[keep], owner[keep]
    lengths = np.bincount(owner, minlength=len(lengths))
    prev, nxt = _ring_neighbours(lengths)
    a, b = v - v[prev], v[nxt] - v
    cross = a[:, 0] * b[:, 1] - a[:, 1] * b[:, 0]
    dot = a[:, 0] * b[:, 0] + a[:, 1] * b[:, 1]
    straight = (cross == 0) & (dot > 0) & (lengths[owner] >= 3)  # a turn back (dot < 0) is a spur
    return v[~straight], np.bincount(owner[~straight], minlength=len(lengths))


def _ranges(starts: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """``np.concatenate([np.arange(s, s + n) for s, n in zip(starts, lengths)])``, without the loop."""
    total = int(lengths.sum())
    if total == 0:
        return np.zeros(0, dtype=np.int64)
    offsets = np.cumsum(lengths) - lengths
    return np.repeat(starts - offsets, lengths) + np.arange(total)


def _bridge_holes(outer: np.ndarray, holes: list[np.ndarray]) -> np.ndarray:
    """One ring: ``outer`` with each hole spliced in by a zero-width bridge (in and out).

    Under even-odd filling the doubled bridge cancels and each hole stays empty, wherever the
    bridge runs. Each hole is joined at its vertex nearest to an outer vertex (one k-d tree
    query for all holes); holes sharing an outer vertex follow each other. The ring is built as
    one index array into ``[outer; holes...]``: per hole the outer run up to its vertex, the hole
    from its joining vertex round to it again, and that outer vertex once more.
    """
    from scipy.spatial import cKDTree

    hole_len = np.array([len(h) for h in holes], dtype=np.int64)
    hole_start = len(outer) + np.cumsum(hole_len) - hole_len  # in the stacked vertex array
    stacked = np.concatenate([outer, *holes])
    dist, nearest = cKDTree(outer).query(stacked[len(outer) :])
    owner = np.repeat(np.arange(len(holes)), hole_len)
    order = np.lexsort((np.arange(len(dist)), dist, owner))  # per hole: nearest first, then the first vertex
    first = order[np.cumsum(hole_len) - hole_len]  # the joining vertex of each hole (flat index)
    j = first - (hole_start - len(outer))[owner[first]]
    i = nearest[first]
    joins = np.lexsort((j, np.arange(len(holes)), i))  # by outer vertex, then hole order
    i, h, j = i[joins], joins, j[joins]
    done = np.concatenate([[0], i[:-1] + 1])
    starts = np.stack([done, hole_start[h] + j, hole_start[h], i], axis=1).ravel()
    lengths = np.stack([i + 1 - done, hole_len[h] - j, j + 1, np.ones_like(i)], axis=1).ravel()
    starts = np.append(starts, i[-1] + 1)
    lengths = np.append(lengths, len(outer) - i[-1] - 1)
    return stacked[_ranges(starts, lengths)]


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
