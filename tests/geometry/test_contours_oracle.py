"""The vectorised contour code of :mod:`gtconvert.geometry.contours` against a plain oracle.

The oracle is the straightforward version (one numpy call per ring and per hole, as the module
had it before): it must give the very same vertices, in the same order, for every mask.
"""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from gtconvert.geometry import contours


def _oracle_simplify(ring: np.ndarray) -> np.ndarray:
    if len(ring) > 1:
        keep = np.any(ring != np.roll(ring, 1, axis=0), axis=1)
        ring = ring[keep] if keep.any() else ring[:1]
    if len(ring) < 3:
        return ring
    prev, nxt = np.roll(ring, 1, axis=0), np.roll(ring, -1, axis=0)
    a, b = ring - prev, nxt - ring
    cross = a[:, 0] * b[:, 1] - a[:, 1] * b[:, 0]
    dot = a[:, 0] * b[:, 0] + a[:, 1] * b[:, 1]
    return ring[~((cross == 0) & (dot > 0))]


def _oracle_rings(mask: np.ndarray) -> list[np.ndarray]:
    import cv2

    ys, xs = np.nonzero(mask)
    y0, x0 = int(ys.min()), int(xs.min())
    crop = mask[y0 : int(ys.max()) + 1, x0 : int(xs.max()) + 1]
    up = np.repeat(np.repeat(crop, 2, axis=0), 2, axis=1).astype(np.uint8)
    found, _ = cv2.findContours(up, cv2.RETR_CCOMP, cv2.CHAIN_APPROX_SIMPLE)
    return [
        _oracle_simplify(((c.reshape(-1, 2).astype(np.int64) + 1) // 2 + (x0, y0)).astype(float))
        for c in found
    ]


def _oracle_bridge(outer: np.ndarray, holes: list[np.ndarray]) -> np.ndarray:
    from scipy.spatial import cKDTree

    tree = cKDTree(outer)
    joins = []
    for h, hole in enumerate(holes):
        dist, nearest = tree.query(hole)
        j = int(np.argmin(dist))
        joins.append((int(nearest[j]), h, j))
    joins.sort()
    pieces, done = [], 0
    for i, h, j in joins:
        pieces += [outer[done : i + 1], holes[h][j:], holes[h][: j + 1], outer[i : i + 1]]
        done = i + 1
    pieces.append(outer[done:])
    return np.concatenate(pieces)


MASKS = arrays(np.bool_, st.tuples(st.integers(1, 24), st.integers(1, 24)))


@settings(max_examples=300, deadline=None)
@given(mask=MASKS)
def test_rings_equal_the_oracle(mask: np.ndarray) -> None:
    rings, _ = contours._crack_contours(mask)
    expected = _oracle_rings(mask) if mask.any() else []
    assert len(rings) == len(expected)
    for got, want in zip(rings, expected):
        np.testing.assert_array_equal(got, want)


@settings(max_examples=300, deadline=None)
@given(mask=MASKS)
def test_bridged_parts_equal_the_oracle(mask: np.ndarray) -> None:
    rings, hierarchy = contours._crack_contours(mask)
    for k, ring in enumerate(rings):
        if hierarchy[k, 3] >= 0 or len(ring) < 3:
            continue
        holes, child = [], hierarchy[k, 2]
        while child >= 0:
            if len(rings[child]) >= 3:
                holes.append(rings[child])
            child = hierarchy[child, 0]
        if holes:
            np.testing.assert_array_equal(contours._bridge_holes(ring, holes), _oracle_bridge(ring, holes))


def test_many_holes_share_outer_vertices() -> None:
    """A grid of holes in one square: several holes join the same outer vertex, in hole order."""
    mask = np.ones((40, 40), dtype=bool)
    mask[2:38:3, 2:38:3] = False
    rings, hierarchy = contours._crack_contours(mask)
    outer = next(k for k in range(len(rings)) if hierarchy[k, 3] < 0)
    holes = [r for k, r in enumerate(rings) if hierarchy[k, 3] == outer]
    assert len(holes) == 144
    np.testing.assert_array_equal(
        contours._bridge_holes(rings[outer], holes), _oracle_bridge(rings[outer], holes)
    )
